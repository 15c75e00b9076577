"""Providers use driftplane's public surface: no CLI internals, nothing of the local provider.

A provider's commands reach the CLI through ``driftplane.cli.api`` only (docs/plugins.md),
so the rest of ``driftplane.cli`` can change without breaking a provider; the local provider
is one provider among others, not a library for the clouds. Checked on the source, by the
imports Python would run (``import``, ``from ... import``, at any depth of the module).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted((REPO / "providers").glob("*/src/**/*.py"))
PUBLIC_CLI = "driftplane.cli.api"


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, module) of every module an import statement of ``source`` loads."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from driftplane.cli import api` loads driftplane.cli.api (a submodule) or a name of the package.
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def forbidden(module: str) -> bool:
    """True for the CLI's internals and the local provider's modules."""
    if module == PUBLIC_CLI or module.startswith(PUBLIC_CLI + "."):
        return False
    return any(module == root or module.startswith(root + ".") for root in ("driftplane.cli", "driftplane.local"))


def test_there_are_provider_sources_to_check() -> None:
    assert {path.relative_to(REPO).parts[1] for path in SOURCES} >= {"aws", "azure", "gcp"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO / "providers")))
def test_a_provider_imports_only_the_public_cli_api(path: Path) -> None:
    bad = [
        f"{path.relative_to(REPO)}:{line}: {module}"
        for line, module in imported_modules(path.read_text())
        if forbidden(module)
    ]
    assert not bad, f"import {PUBLIC_CLI} instead of CLI internals, and nothing of driftplane.local:\n" + "\n".join(bad)


@pytest.mark.parametrize(
    ("source", "bad"),
    [
        ("from driftplane.cli.options import spec_argument", True),
        ("def f():\n    from driftplane.cli.common import load_for_provider", True),
        ("import driftplane.cli.output", True),
        ("from driftplane.cli import render", True),
        ("from driftplane import cli", True),
        ("from driftplane.local.notify.redact import redact_url", True),
        ("from driftplane.cli import api", False),
        ("from driftplane.cli.api import spec_argument", False),
        ("from driftplane.alerting.redact import redact_url", False),
    ],
)
def test_the_check_tells_internals_from_the_public_api(source: str, bad: bool) -> None:
    assert any(forbidden(module) for _, module in imported_modules(source)) is bad
