"""-v, -q and --log-file mean the same after a command as before it (``driftplane run spec.yaml -v``).

Each command meets a real fault (the cases of test_failures.py) with the options typed after
its name; what a person and the log file see must be what they see with the options first.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.core.cli.test_failures import (
    CASES,
    Case,
    _process,
    assert_one_failure,
    error_records,
    make_project,
)

from driftplane.cli import BUILTIN_COMMANDS, cli

GLOBAL_FLAGS = ("-v, --verbose", "-q, --quiet", "--log-file FILE")


def invoke(case: Case, args: list[str]) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of the CLI, in a process for a provider's subcommand."""
    if case.process:
        process = _process(*args)
        out, err = process.communicate(timeout=120)
        return process.returncode, out, err
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP", "AZURE_ML_WORKSPACE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_quiet_and_log_file_after_the_command_act_as_before_it(case: Case, clean_env: Path) -> None:
    log = clean_env / "driftplane.log"
    code, out, err = invoke(case, [*case.setup(clean_env), "-q", "--log-file", str(log)])
    assert_one_failure(code, out, err, log.read_text(), expected=case.code, says=case.says)
    assert out.strip() == "" or case.name == "run"  # run still prints its result line
    assert [line for line in err.splitlines() if line.startswith(("warning:", "debug:"))] == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_verbose_after_the_command_shows_the_traceback_on_the_console(case: Case, clean_env: Path) -> None:
    code, _out, err = invoke(case, [*case.setup(clean_env), "-v"])
    assert code == case.code, err
    assert "Traceback (most recent call last)" in err  # -v shows the traceback; without it, only the log file has it
    assert [line for line in err.splitlines() if line.startswith("error:") and case.says in line], err


def test_serve_takes_the_global_options_after_its_spec(clean_env: Path) -> None:
    spec = make_project(clean_env)
    spec.write_text(spec.read_text().replace("schedule: daily", "schedule: every day"))
    log = clean_env / "serve.log"
    result = CliRunner().invoke(cli, ["serve", str(spec), "--log-file", str(log), "-q"])
    assert result.exit_code == 2
    records = error_records(log.read_text())
    assert len(records) == 1 and "1 problem; nothing was run." in records[0]


@pytest.mark.parametrize(
    ("args", "sdk_level"),
    [
        (["-v", "providers"], logging.WARNING),
        (["providers", "-v"], logging.WARNING),
        (["-v", "providers", "-v"], logging.DEBUG),
        (["providers", "-vv"], logging.DEBUG),
    ],
    ids=["-v before", "-v after", "-v before and after", "-vv after"],
)
def test_counts_of_verbose_add_up_before_and_after_the_command(args: list[str], sdk_level: int) -> None:
    """-v before and -v after is -vv: the cloud SDKs' debug lines are let through then, not before."""
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert logging.getLogger("botocore").level == sdk_level


@pytest.mark.parametrize("command", ["providers", "schema"])
def test_commands_that_log_nothing_still_open_the_log_file_given_after_them(command: str, clean_env: Path) -> None:
    log = clean_env / "logs" / "driftplane.log"
    result = CliRunner().invoke(cli, [command, "--log-file", str(log), "-q"])
    assert result.exit_code == 0, result.output
    assert log.exists()
    blocked = CliRunner().invoke(cli, [command, "--log-file", str(log / "inside-a-file.log")])
    assert blocked.exit_code == 3
    assert "could not write the log file" in blocked.stderr


@pytest.mark.parametrize("command", sorted(BUILTIN_COMMANDS))
def test_every_command_lists_the_global_options_in_its_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    for flag in GLOBAL_FLAGS:
        assert flag in result.stdout, (command, result.stdout)


@pytest.mark.parametrize("group", ["aws", "azure", "gcp"])
def test_a_providers_subcommands_take_the_global_options_too(group: str) -> None:
    """A plugin's group and each of its commands, in a process with the installed plugins loaded."""
    listing, _ = _process(group, "--help").communicate(timeout=120)
    names = [line.split()[0] for line in listing.split("Commands:", 1)[1].splitlines() if line.strip()]
    for command in [[group], *([group, name] for name in names)]:
        process = _process(*command, "--help")
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        for flag in GLOBAL_FLAGS:
            assert flag in out, (command, out)
