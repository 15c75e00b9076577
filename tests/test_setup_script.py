"""scripts/setup, behind the README's test command and CI, installs exactly what the tests lack.

The script runs for real under bash; only the system tools it drives (apt-get, sudo, java, uv, id)
are stand-ins on PATH that record how they were called, so no package is installed by the test.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETUP = ROOT / "scripts" / "setup"
TOOLS = ("bash", "sed", "awk", "head", "dirname", "cat", "env", "printf")


def _stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/bash\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


class Machine:
    """A PATH holding only the shell tools the script uses plus recording stand-ins."""

    def __init__(self, root: Path, *, uid: int = 0, apt: bool = True, java: str | None = '17.0.15') -> None:
        self.bin = root / "bin"
        self.bin.mkdir()
        self.calls = root / "calls.log"
        for tool in TOOLS:
            found = shutil.which(tool)
            assert found, f"{tool} is needed to run scripts/setup"
            (self.bin / tool).symlink_to(found)
        record = f'echo "$(basename "$0") $*" >> {self.calls}'
        _stub(self.bin, "uv", record)
        _stub(self.bin, "id", f"echo {uid}")
        _stub(self.bin, "basename", 'echo "${1##*/}"')
        if apt:
            _stub(self.bin, "apt-get", record)
        _stub(self.bin, "sudo", f'{record}\nexec "$@"')
        if java is not None:
            _stub(self.bin, "java", f"echo 'openjdk version \"{java}\" 2025-04-15' >&2")
        self.browser = root / "browser"
        self.browser.mkdir()

    def give_browser(self) -> None:
        for name in ("chromium", "chromedriver"):
            _stub(self.browser, name, "exit 0")

    def run(self) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": str(self.bin),
            "HOME": str(self.bin.parent),
            "DRIFTPLANE_CHROMIUM": str(self.browser / "chromium"),
            "DRIFTPLANE_CHROMEDRIVER": str(self.browser / "chromedriver"),
        }
        return subprocess.run(
            [str(self.bin / "bash"), str(SETUP)], env=env, capture_output=True, text=True, timeout=60, check=False
        )

    def recorded(self) -> list[str]:
        return self.calls.read_text(encoding="utf-8").splitlines() if self.calls.exists() else []


def test_a_machine_with_everything_only_syncs_the_workspace(tmp_path: Path) -> None:
    machine = Machine(tmp_path)
    machine.give_browser()
    done = machine.run()
    assert done.returncode == 0, done.stderr
    assert machine.recorded() == ["uv sync --locked"]


def test_a_fresh_machine_gets_chromium_chromedriver_and_java_17(tmp_path: Path) -> None:
    machine = Machine(tmp_path, java=None)
    done = machine.run()
    assert done.returncode == 0, done.stderr
    calls = machine.recorded()
    assert calls[0] == "apt-get update -qq"
    assert calls[1] == "apt-get install -y -qq chromium chromium-driver openjdk-17-jre-headless"
    assert calls[-1] == "uv sync --locked"
    assert "installing chromium chromium-driver openjdk-17-jre-headless from Debian" in done.stderr


@pytest.mark.parametrize("old", ["11.0.2", "1.8.0_392"])
def test_a_java_older_than_17_is_replaced_by_17(tmp_path: Path, old: str) -> None:
    machine = Machine(tmp_path, java=old)
    machine.give_browser()
    done = machine.run()
    assert done.returncode == 0, done.stderr
    assert "apt-get install -y -qq openjdk-17-jre-headless" in machine.recorded()


def test_a_user_who_is_not_root_installs_through_sudo(tmp_path: Path) -> None:
    machine = Machine(tmp_path, uid=1000)
    done = machine.run()
    assert done.returncode == 0, done.stderr
    assert "sudo apt-get install -y -qq chromium chromium-driver" in machine.recorded()


def test_without_apt_get_it_says_what_to_install_and_fails(tmp_path: Path) -> None:
    machine = Machine(tmp_path, apt=False, java=None)
    done = machine.run()
    assert done.returncode == 1
    assert "the tests need chromium chromium-driver openjdk-17-jre-headless" in done.stderr
    assert "DRIFTPLANE_CHROMIUM" in done.stderr
    assert machine.recorded() == []  # nothing synced on a machine that cannot run the tests


def test_the_readme_test_command_and_ci_both_run_the_setup() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Set-up: two commands", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]
    assert commands[1] == "scripts/test"
    for script in (ROOT / "scripts" / "test", ROOT / ".ci" / "run"):
        assert os.access(script, os.X_OK), f"{script} is not executable"
        assert "scripts/setup" in script.read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for step in ("ruff check", "mypy", "scripts/test"):
        assert step in ci
