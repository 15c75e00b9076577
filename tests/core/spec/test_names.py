"""Issue 12, point 11: one rule for monitor and channel names, wherever a name is taken.

A name becomes part of cloud resource names, file paths, SQLite keys, URLs and metric
labels, so it is plain ASCII; everything else (a surrogate pair written as JSON escapes, a
NUL, a right-to-left mark, an accent, a trailing newline) is refused with a located message
that shows the character, never a crash.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import driftplane as dp
from driftplane.cli import cli
from driftplane.errors import SpecError, UsageError
from driftplane.local.history import HistoryStore
from driftplane.spec import load_spec, load_spec_text
from driftplane.spec.names import NAME_RULE

BODY = "    baseline: {data: train.parquet}\n    target: {data: capture.csv}\n"
RULE_TAIL = f"; a name is {NAME_RULE}"
ROOT = Path(__file__).parents[3]


def problems_of(text: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec_text(text, file="monitors.yaml", env={})
    return [str(p) for p in info.value.problems]


def named(key: str) -> str:
    """A spec with one monitor whose key is written ``key`` (already quoted as needed)."""
    return f"monitors:\n  {key}:\n{BODY}"


def test_a_surrogate_pair_written_as_json_escapes_is_refused_by_validate(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text(named('"churn\\ud83d\\udcc9"'), encoding="utf-8")

    done = subprocess.run(
        [sys.executable, "-m", "driftplane", "validate", str(spec)], capture_output=True, text=True, check=False
    )

    assert done.returncode == 2, done.stderr
    assert "unexpected" not in done.stderr and "Traceback" not in done.stderr
    assert (
        f"{spec}:2:3: monitors.churn\\ud83d\\udcc9: 'churn\\ud83d\\udcc9' cannot be a monitor name: it holds "
        "\\ud83d\\udcc9, a UTF-16 surrogate pair, which YAML reads as two halves of a character rather than one"
        + RULE_TAIL
    ) in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("where", "text", "at"),
    [
        ("a value", 'monitors:\n  churn:\n    description: "up \\ud83d"\n' + BODY, "3:18: monitors.churn.description"),
        (
            "a channel url",
            'channels:\n  oncall: {type: webhook, url: "https://hooks.example.com/\\udcc9"}\n' + named("churn"),
            "2:32: channels.oncall.url",
        ),
        (
            "a feature key",
            named("churn") + '    checks: {drift: {features: {"age\\ud83d": {threshold: 0.2}}}}\n',
            "5:33: monitors.churn.checks.drift.features.age\\ud83d",
        ),
        ("a tag key", named("churn") + '    tags: {"\\udcc9": x}\n', "5:12: monitors.churn.tags.\\udcc9"),
    ],
)
def test_lone_surrogates_anywhere_are_a_located_error(where: str, text: str, at: str) -> None:
    (message,) = problems_of(text)
    assert message.startswith(f"monitors.yaml:{at}: "), (where, message)
    assert "half of a UTF-16 surrogate pair, which is not a character" in message, where


def test_a_pair_in_a_value_says_which_character_to_write() -> None:
    (message,) = problems_of('monitors:\n  churn:\n    description: "churn \\ud83d\\udcc9"\n' + BODY)
    assert message.endswith(
        "the text holds \\ud83d\\udcc9, a UTF-16 surrogate pair, which YAML reads as two halves of a character "
        "rather than one; write the character itself or \\U0001F4C9"
    )


@pytest.mark.parametrize(
    ("key", "shown", "reason"),
    [
        ('"churn\\0"', "'churn\\x00'", "'\\x00' is not allowed"),
        ('"churn\\x07"', "'churn\\x07'", "'\\x07' is not allowed"),
        ('"churn\\u200f"', "'churn\\u200f'", "'\\u200f' is not allowed"),  # right-to-left mark
        ('"\\u202echurn"', "'\\u202echurn'", "it starts with '\\u202e'"),  # right-to-left override
        ('"churn\\n"', "'churn\\n'", "'\\n' is not allowed"),  # '$' in a regex would let this through
        ("café", "'café'", "'é' is not allowed"),
        ("churn daily!", "'churn daily!'", "' ' and '!' are not allowed"),
        ("_churn", "'_churn'", "it starts with '_'"),
        ("c" * 64, "'" + "c" * 64 + "'", "it is 64 characters long"),
        ('""', "''", "it is empty"),
    ],
)
def test_monitor_names_break_the_rule_with_the_character_shown(key: str, shown: str, reason: str) -> None:
    (message,) = problems_of(named(key))
    assert message.startswith("monitors.yaml:2:3: monitors."), message
    assert message.endswith(f": {shown} cannot be a monitor name: {reason}{RULE_TAIL}"), message


def test_a_very_long_name_is_shown_cut() -> None:
    (message,) = problems_of(f"monitors:\n  ? {'n' * 5_000}\n  :\n{BODY}")
    assert "'" + "n" * 80 + "...' (5,000 characters) cannot be a monitor name: it is 5,000 characters long" in message
    assert len(message) < 600


def test_channel_names_follow_the_same_rule() -> None:
    text = 'channels:\n  "on call": {type: log}\n' + named("churn")
    (message,) = problems_of(text)
    assert (
        message
        == f"monitors.yaml:2:3: channels.on call: 'on call' cannot be a channel name: ' ' is not allowed{RULE_TAIL}"
    )


def test_names_that_differ_only_in_case_are_refused() -> None:
    text = "monitors:\n  churn:\n" + BODY + "  Churn:\n" + BODY
    (message,) = problems_of(text)
    assert message == (
        "monitors.yaml:5:3: monitors.Churn: monitor name 'Churn' differs from 'churn' only in letter case; cloud "
        "resource names and some file systems ignore case, so give it a different name"
    )


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n", "Yes", "ON"])
def test_yaml_1_1_booleans_are_names_in_yaml_1_2(word: str) -> None:
    spec = load_spec_text(named(word))
    assert list(spec.monitors) == [word]


@pytest.mark.parametrize(
    ("key", "read_as"),
    [
        ("true", "a boolean"),
        ("False", "a boolean"),
        ("null", "nothing (null)"),
        ("~", "nothing (null)"),
        ("1", "a whole number"),
        ("0x1F", "a whole number"),
        ("1.5", "a number"),
        ("2024-01-01", "a date"),
        ("2024-01-01 10:00:00", "a date"),
    ],
)
def test_keys_yaml_reads_as_something_else_must_be_quoted(key: str, read_as: str) -> None:
    (message,) = problems_of(named(key))
    assert message == (
        f"monitors.yaml:2:3: monitors.{key}: the key '{key}' is read by YAML as {read_as}, but a key is a name; "
        f'put it in quotes: "{key}"'
    )


def test_a_quoted_number_is_a_name() -> None:
    assert list(load_spec_text(named('"2024"')).monitors) == ["2024"]


def test_a_yaml_1_1_file_reads_yes_as_a_boolean_and_says_so() -> None:
    (message,) = problems_of("%YAML 1.1\n---\n" + named("yes"))
    assert message.startswith("monitors.yaml:4:3: monitors.yes: the key 'yes' is read by YAML as a boolean")


def test_names_built_in_code_follow_the_rule() -> None:
    monitor = dp.Monitor(baseline=dp.Baseline(data="a.parquet"), target=dp.Target(data="b.csv"))
    for name, reason in (
        ("churn\ud83d\udcc9", "'\\ud83d' and '\\udcc9' are not allowed"),
        ("café", "'é' is not allowed"),
    ):
        with pytest.raises(SpecError) as info:
            dp.Spec(monitors={name: monitor})
        (problem,) = info.value.problems
        assert problem.message.endswith(f"cannot be a monitor name: {reason}{RULE_TAIL}")
        str(info.value).encode("utf-8")  # printable anywhere


def test_spec_monitor_refuses_a_name_that_cannot_be_one() -> None:
    spec = load_spec_text(named("churn"))
    with pytest.raises(
        UsageError,
        match=r"^'churn\\x00' cannot be a monitor name: '\\x00' is not allowed; .*the spec's monitors are churn$",
    ):
        spec.monitor("churn\x00")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "monitors.yaml").write_text(named("churn"))
    with HistoryStore.open(tmp_path / ".driftplane"):
        pass
    return tmp_path


@pytest.mark.parametrize("command", ["run", "plan", "destroy"])
@pytest.mark.parametrize("bad", ["churn\u200f", "churn\x00", "ch\udcffurn", "c" * 64])
def test_monitor_arguments_follow_the_rule(project: Path, command: str, bad: str) -> None:
    extra = ["--yes"] if command == "destroy" else []
    result = CliRunner().invoke(cli, [command, str(project / "monitors.yaml"), "--monitor", bad, *extra])
    assert result.exit_code == 2, result.output
    assert " cannot be a monitor name: " in result.stderr and RULE_TAIL in result.stderr
    assert "unexpected" not in result.stderr


@pytest.mark.parametrize("bad", ["churn\u200f", "ch\udcffurn", "churn/../x", "c" * 64])
@pytest.mark.parametrize("where", ["--spec", "--state-dir"])
def test_the_history_name_argument_follows_the_rule(project: Path, bad: str, where: str) -> None:
    place = str(project / "monitors.yaml") if where == "--spec" else str(project / ".driftplane")
    result = CliRunner().invoke(cli, ["history", bad, where, place])
    assert result.exit_code == 2, result.output
    assert " cannot be a monitor name: " in result.stderr
    assert "unexpected" not in result.stderr


def test_a_name_argument_from_a_terminal_with_non_utf8_bytes_is_refused(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "driftplane", "history", b"ch\xffurn", "--spec", str(project / "monitors.yaml")],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert b"'ch\\udcffurn' cannot be a monitor name: '\\udcff' is not allowed" in done.stderr
    assert b"unexpected" not in done.stderr


def test_the_yaml_reference_states_the_rule_exactly() -> None:
    reference = (ROOT / "docs" / "yaml-reference.md").read_text(encoding="utf-8")
    assert " ".join(NAME_RULE.split()) in " ".join(reference.split())


def test_load_spec_reads_the_rule_from_a_file_too(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text(textwrap.dedent(named("café")), encoding="utf-8")
    with pytest.raises(SpecError, match="cannot be a monitor name: 'é' is not allowed"):
        load_spec(spec)
