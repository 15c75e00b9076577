"""driftplane installs outside this repository from its built wheels alone, as docs/install.md says.

The wheels are built with `uv build --all-packages --wheel` into a temporary folder and installed
into a fresh virtual environment outside the checkout; the commands then run from there. Offline:
the environment gets the third-party packages the lock pins from uv's cache (`uv sync --locked
--offline --no-install-workspace` into a new environment), so nothing of driftplane's own comes
from the checkout, and `uv pip install --offline --find-links` resolves each extra from the wheels.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = tomllib.loads((ROOT / "core" / "pyproject.toml").read_text(encoding="utf-8"))["project"]
EXTRAS: dict[str, list[str]] = CORE["optional-dependencies"]
PROVIDERS = ("aws", "azure", "gcp")

pytestmark = pytest.mark.slow


def _uv() -> list[str]:
    found = shutil.which("uv")
    if found:
        return [found]
    return [sys.executable, "-m", "uv"]


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done


@dataclass
class Installed:
    """A fresh environment outside the checkout, with driftplane's wheels to install from."""

    venv: Path
    wheels: Path
    outside: Path

    def install(self, requirement: str) -> str:
        python = str(self.venv / "bin" / "python")
        command = [*_uv(), "pip", "install", "--offline", "--python", python, "--find-links", str(self.wheels)]
        return _run([*command, requirement], self.outside).stderr

    def driftplane(self, *args: str) -> subprocess.CompletedProcess[str]:
        ours = ("VIRTUAL_ENV", "PYTHONPATH", "UV_PROJECT", "DRIFTPLANE_")  # the checkout's, not the user's
        env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
        env["COLUMNS"] = "200"
        return subprocess.run(
            [str(self.venv / "bin" / "driftplane"), *args],
            cwd=self.outside,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheels")
    wheels = root / "dist"
    _run([*_uv(), "build", "--all-packages", "--wheel", "--offline", "-o", str(wheels)], ROOT)
    built = sorted(p.name for p in wheels.glob("*.whl"))
    assert [re.sub(r"-\d.*", "", name) for name in built] == [
        "driftplane",
        "driftplane_aws",
        "driftplane_azure",
        "driftplane_gcp",
    ]
    venv = root / "venv"
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv)}
    env.pop("VIRTUAL_ENV", None)
    # The locked third-party packages only: every driftplane distribution comes from the wheels.
    _run([*_uv(), "sync", "--locked", "--offline", "--no-install-workspace", "--no-dev", "--all-packages"], ROOT, env)
    outside = root / "project"
    outside.mkdir()
    return Installed(venv=venv, wheels=wheels, outside=outside)


def _providers(installed: Installed) -> dict[str, str]:
    done = installed.driftplane("providers", "--json")
    assert done.returncode == 0, done.stderr
    return {p["name"]: p["distribution"] for p in json.loads(done.stdout)["providers"]}


def test_the_wheels_install_one_cloud_by_its_extra_and_name_the_extras_of_the_others(installed: Installed) -> None:
    installed.install("driftplane[aws]")
    module = _run([str(installed.venv / "bin" / "python"), "-c", "import driftplane; print(driftplane.__file__)"],
                  installed.outside).stdout.strip()
    assert Path(module).is_relative_to(installed.venv), f"driftplane was imported from {module}, not the wheel"
    version = installed.driftplane("--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"driftplane, version {CORE['version']}"
    assert _providers(installed) == {"local": "driftplane", "aws": "driftplane-aws"}
    text = installed.driftplane("providers")
    assert text.returncode == 0, text.stderr
    assert "not installed: azure (pip install 'driftplane[azure]')" in text.stdout
    assert "not installed: gcp (pip install 'driftplane[gcp]')" in text.stdout
    assert "'driftplane')" not in text.stdout

    spec = installed.outside / "monitors.yaml"
    spec.write_text("provider: gcp\nmonitors:\n  m:\n    baseline: {data: a.parquet}\n    target: {data: b.parquet}\n")
    refused = installed.driftplane("validate", str(spec))
    assert refused.returncode == 2
    assert "provider 'gcp' is not installed. Install it with: pip install 'driftplane[gcp]'" in refused.stderr


def test_the_other_extras_add_their_providers(installed: Installed) -> None:
    installed.install("driftplane[azure,gcp]")
    assert _providers(installed) == {
        "local": "driftplane",
        "aws": "driftplane-aws",
        "azure": "driftplane-azure",
        "gcp": "driftplane-gcp",
    }
    text = installed.driftplane("providers")
    assert text.returncode == 0 and "not installed" not in text.stdout
    plan = installed.driftplane("plan", str(ROOT / "examples" / "aws" / "monitors.yaml"), "--offline", "--json")
    assert plan.returncode == 0, plan.stderr
    assert json.loads(plan.stdout)


def _hints(read: Callable[[Path], str]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for folder in [ROOT / "core" / "src", *(ROOT / "providers").glob("*/src"), ROOT / "docs", ROOT / "README.md"]:
        files = [folder] if folder.is_file() else [*folder.rglob("*.py"), *folder.rglob("*.md")]
        for path in files:
            for extras in re.findall(r"driftplane\[([a-z0-9,{}\-]+)\]", read(path)):
                for extra in extras.split(","):
                    found.add((extra, str(path.relative_to(ROOT))))
    return found


def test_every_install_hint_names_an_extra_core_declares() -> None:
    hints = _hints(lambda path: path.read_text(encoding="utf-8"))
    assert {"aws", "azure", "gcp", "spark", "classifier", "estimate"} <= {extra for extra, _ in hints}
    unknown = sorted((extra, where) for extra, where in hints if extra not in EXTRAS and "{" not in extra)
    assert not unknown, f"install hints name extras core/pyproject.toml does not declare: {unknown}"


def test_each_remote_storage_hint_names_the_extra_that_installs_its_package() -> None:
    from driftplane.engine.readers.datafiles import REMOTE_PACKAGES, install_hint

    for protocol, (package, extra) in REMOTE_PACKAGES.items():
        assert [re.split(r"[<>=\[]", r)[0] for r in EXTRAS[extra]] == [package], protocol
        assert install_hint(protocol).endswith(f"pip install 'driftplane[{extra}]'")


def test_each_cloud_extra_installs_the_distribution_that_registers_that_provider() -> None:
    from driftplane.plugins import KNOWN_PROVIDERS

    assert set(KNOWN_PROVIDERS) == set(PROVIDERS)
    for name in PROVIDERS:
        project = tomllib.loads((ROOT / "providers" / name / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        assert EXTRAS[name] == [project["name"]] == [KNOWN_PROVIDERS[name]]
        assert list(project["entry-points"]["driftplane"]) == [name]
