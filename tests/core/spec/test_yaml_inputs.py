"""Files that are not quite YAML specs get a located message, never a crash (issue 12).

Bytes that are not UTF-8, characters YAML does not allow, tags with values that do not fit,
numbers too long to read, dates that do not exist, roots that are not mappings: each is
reported at its file, line and column with what to do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from driftplane.errors import SpecError
from driftplane.spec import load_spec, load_spec_text

BODY = "    baseline: {data: train.parquet}\n    target: {data: capture.csv}\n"


def problems_in_file(path: Path) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec(path)
    return [str(p).replace(str(path), "monitors.yaml") for p in info.value.problems]


def problems_of(text: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec_text(text, file="monitors.yaml", env={})
    return [str(p) for p in info.value.problems]


def test_bytes_that_are_not_utf8_are_located(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_bytes(b"monitors:\n  churn:\n    description: caf\xe9 au lait\n" + BODY.encode())
    assert problems_in_file(spec) == [
        "monitors.yaml:3:21: not UTF-8 text: the byte 0xE9 cannot be read; save the spec as UTF-8 "
        "(it may have been saved as Latin-1 or Windows-1252)"
    ]


def test_a_utf16_file_says_so(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_bytes(("monitors:\n  churn:\n" + BODY).encode("utf-16"))
    assert problems_in_file(spec) == ["monitors.yaml:1:1: the file is UTF-16 text; save the spec as UTF-8"]


def test_a_byte_order_mark_is_read_past_and_columns_stay_right(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_bytes(b"\xef\xbb\xbfmonitors:\n  churn:\n" + BODY.encode() + b"    schedule: sometimes\n")
    assert problems_in_file(spec) == [
        "monitors.yaml:5:15: monitors.churn.schedule: 'sometimes' is not hourly, daily, weekly or a cron expression"
    ]


@pytest.mark.parametrize(
    ("character", "name", "escape"),
    [
        ("\x00", "a control character", "\\x00"),
        ("\x07", "a control character", "\\x07"),
        ("\x1b", "a control character", "\\x1b"),
    ],
)
def test_a_control_character_in_the_file_is_located(tmp_path: Path, character: str, name: str, escape: str) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text(f"monitors:\n  churn:\n    description: up{character}down\n" + BODY, encoding="utf-8")
    (message,) = problems_in_file(spec)
    code = f"U+{ord(character):04X}"
    assert message.startswith(
        f"monitors.yaml:3:20: the character {code} ({name}) cannot appear in a YAML file; remove it, or write it as "
        f'the escape "{escape}" inside a double-quoted string if it is meant'
    )
    assert f"> 3 |     description: up{escape}down" in message  # shown, not sent to the terminal


def test_a_noncharacter_is_located() -> None:
    (message,) = problems_of("monitors:\n  churn:\n    description: a\uffff\n" + BODY)
    assert message.startswith("monitors.yaml:3:19: the character U+FFFF (not a character) cannot appear in a YAML file")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("- a\n- b\n", "a list"),
        ("just words\n", "text"),
        ("42\n", "a number"),
        ("true\n", "a boolean"),
        ("null\n", "nothing"),
    ],
)
def test_a_root_that_is_not_a_mapping(text: str, kind: str) -> None:
    assert problems_of(text) == [
        f"monitors.yaml:1:1: the spec must be a mapping with a 'monitors:' section, not {kind}"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "9" * 5_000,
            "'" + "9" * 80 + "...' (5,000 characters) cannot be read as a whole number "
            "(it has too many digits); put it in quotes if it is text",
        ),
        ("!!int abc", "'abc' cannot be read as a whole number; remove the tag !!int or change the value"),
        ("!!float abc", "'abc' cannot be read as a number; remove the tag !!float or change the value"),
        ("!!bool maybe", "'maybe' cannot be read as a boolean; remove the tag !!bool or change the value"),
        ("!!timestamp soon", "'soon' cannot be read as a date; remove the tag !!timestamp or change the value"),
    ],
)
def test_values_that_cannot_be_what_yaml_or_their_tag_says(value: str, expected: str) -> None:
    (message,) = problems_of(f"monitors:\n  churn:\n    checks: {{drift: {{bins: {value}}}}}\n" + BODY)
    assert message == f"monitors.yaml:3:28: monitors.churn.checks.drift.bins: {expected}"


@pytest.mark.parametrize(
    ("date", "reason"),
    [("2024-13-01", "month must be in 1..12"), ("2024-02-30 10:00:00", "day is out of range for month")],
)
def test_a_date_that_does_not_exist_is_located(date: str, reason: str) -> None:
    text = (
        "monitors:\n  churn:\n    baseline: {data: a.csv, window: {start: "
        f"{date}, end: 2025-01-01}}}}\n    target: {{data: b.csv}}\n"
    )
    (message,) = problems_of(text)
    assert message == (
        f"monitors.yaml:3:45: monitors.churn.baseline.window.start: '{date}' cannot be read as a date ({reason}); "
        "put it in quotes if it is text"
    )


@pytest.mark.parametrize("window", ["99999999999999d", "P99999999999999D", "101y", "9" * 5_000 + "d", "1e300"])
def test_a_duration_too_long_for_any_calendar_is_refused(window: str) -> None:
    (message,) = problems_of(
        f"monitors:\n  churn:\n    baseline: {{data: a.csv}}\n    target: {{data: b.csv, window: {window}}}\n"
    )
    assert message.startswith("monitors.yaml:4:35: monitors.churn.target.window: ")
    assert message.endswith("is longer than 100 years, longer than any window or lag")


@pytest.mark.parametrize(
    "tag",
    ["!!python/object/apply:os.system", "!!python/name:os.system", "!!binary", "!!set", "!!omap", "!custom"],
)
def test_a_tag_on_a_key_is_refused(tag: str) -> None:
    (message,) = problems_of(f"monitors:\n  {tag} churn:\n" + BODY)
    assert message.startswith("monitors.yaml:2:3: ")
    assert "is not allowed" in message


def test_a_list_or_mapping_as_a_key_is_located_at_the_key_and_hides_nothing() -> None:
    text = "monitors:\n  churn:\n" + BODY + "    ? [a, b]\n    : 1\n    ? {c: d}\n    : 2\n    schedule: sometimes\n"
    assert problems_of(text) == [
        "monitors.yaml:5:7: monitors.churn.[...]: a key must be a name (a word or a quoted string), not a list",
        "monitors.yaml:7:7: monitors.churn.{...}: a key must be a name (a word or a quoted string), not a mapping",
        "monitors.yaml:9:15: monitors.churn.schedule: 'sometimes' is not hourly, daily, weekly or a cron expression",
    ]


def test_a_missing_key_before_the_colon() -> None:
    assert problems_of("monitors:\n  churn:\n" + BODY + "    : daily\n") == [
        "monitors.yaml:5:5: monitors.churn.: a key is missing before the ':'; write the name there"
    ]


def test_true_and_1_as_keys_do_not_collide() -> None:
    # Python would make True and 1 one dict key; both are refused, each at its own line
    text = "monitors:\n  churn:\n" + BODY + "    tags:\n      true: a\n      1: b\n"
    assert [m.split(": ")[0] for m in problems_of(text)] == ["monitors.yaml:6:7", "monitors.yaml:7:7"]


def test_nested_merges_and_merged_keys_that_are_not_names() -> None:
    text = (
        "x-d: &d {? [a]: 1, schedule: hourly}\nx-e: &e {<<: *d, enabled: false}\nmonitors:\n  churn:\n    <<: *e\n"
        + BODY
    )
    assert problems_of(text) == [
        "monitors.yaml:1:12: monitors.churn.[...]: a key must be a name (a word or a quoted string), not a list"
    ]
    spec = load_spec_text(
        "x-d: &d {schedule: hourly}\nx-e: &e {<<: *d, enabled: false}\nmonitors:\n  churn:\n    <<: *e\n" + BODY
    )
    churn = spec.monitors["churn"]
    assert (str(churn.schedule), churn.enabled) == ("hourly", False)


def test_an_unset_variable_in_shared_settings_is_reported_for_each_use() -> None:
    text = (
        'x-d: &d {description: "${NOPE}"}\nmonitors:\n  churn:\n    <<: *d\n' + BODY + "  fraud:\n    <<: *d\n" + BODY
    )
    messages = problems_of(text)
    assert [m.split(": environment")[0] for m in messages] == [
        "monitors.yaml:1:23: monitors.churn.description",
        "monitors.yaml:1:23: monitors.fraud.description",
    ]


def test_an_environment_variable_that_is_not_utf8_is_refused() -> None:
    text = 'monitors:\n  churn:\n    description: "${NOTE}"\n' + BODY
    with pytest.raises(SpecError) as info:
        load_spec_text(text, file="monitors.yaml", env={"NOTE": "caf\udce9"})
    (problem,) = info.value.problems
    assert str(problem) == (
        "monitors.yaml:3:18: monitors.churn.description: environment variable NOTE holds bytes that are not UTF-8 "
        "text; set it to UTF-8 text"
    )
