"""The generated parts of docs/ match the code (regenerate with scripts/gen_docs.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _gen_docs(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    # gen_docs sets DRIFTPLANE_LOAD_PLUGINS for itself; set here, it is undone after the test instead of
    # leaking into every later test's subprocesses (which then found no provider commands).
    monkeypatch.setenv("DRIFTPLANE_LOAD_PLUGINS", "")
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("relative", ["docs/yaml-reference.md", "docs/cli.md"])
def test_generated_docs_are_current(relative: str, monkeypatch: pytest.MonkeyPatch) -> None:
    gen = _gen_docs(monkeypatch)
    text = (ROOT / relative).read_text(encoding="utf-8")
    assert gen.regenerate(text) == text, f"{relative} is stale: run `uv run python scripts/gen_docs.py`"


def test_every_spec_model_is_documented(monkeypatch: pytest.MonkeyPatch) -> None:
    gen = _gen_docs(monkeypatch)
    text = (ROOT / "docs" / "yaml-reference.md").read_text(encoding="utf-8")
    for name in ("Spec", "Monitor", "Baseline", "Target", "Checks", "DriftChecks", "QualityChecks", "Alert"):
        assert f"<!-- generated:{name} -->" in text
    for name in gen.models():
        if name in ("SpecModel", "DataSource", "ChannelSpec", "ChannelSettings", "ProviderSettings"):
            continue
        assert f"<!-- generated:{name} -->" in text, f"{name} is not in docs/yaml-reference.md"


def test_every_command_is_documented() -> None:
    import click

    from driftplane.cli import cli

    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in cli.list_commands(click.Context(cli)):
        if name.startswith("dummy"):
            continue
        assert f"<!-- generated:cli.{name} -->" in text, f"{name} is not in docs/cli.md"
