"""Bad specs get clear, located answers: one test per kind of mistake from issue 2."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from driftplane.errors import SpecError
from driftplane.spec import load_spec, load_spec_text


def with_monitor(extra: str, head: str = "") -> str:
    """A spec with one valid monitor 'churn' plus ``extra`` lines inside the monitor."""
    body = textwrap.indent(textwrap.dedent(extra), "    ")
    return (
        textwrap.dedent(head)
        + "monitors:\n  churn:\n    baseline:\n      data: train.parquet\n"
        + "    target:\n      data: capture/*.jsonl\n"
        + body
    )


def problems_of(text: str, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec_text(textwrap.dedent(text), file="monitors.yaml", env=env or {})
    return [str(p) for p in info.value.problems]


def test_missing_spec_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"spec file not found: .*nope\.yaml"):
        load_spec(tmp_path / "nope.yaml")


def test_empty_file_says_what_is_needed(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text("# only a comment\n")
    with pytest.raises(SpecError) as info:
        load_spec(spec)
    (problem,) = info.value.problems
    assert problem.file == str(spec)
    assert "empty" in problem.message and "monitors:" in problem.message


def test_syntax_error_shows_line_and_neighbours() -> None:
    text = """\
    monitors:
      churn:
        baseline:
          data: train.parquet
        target: [unclosed
        schedule: daily
    """
    (message,) = problems_of(text)
    assert message.startswith("monitors.yaml:6:")
    assert "YAML syntax error" in message
    # the neighbouring lines are shown, numbered, with a marker on the culprit
    assert "5 |     target: [unclosed" in message
    assert "> 6 |" in message


def test_unclosed_quote_is_located_where_it_opens() -> None:
    text = """\
    monitors:
      churn:
        baseline:
          data: "train.parquet
        target: {data: b.csv}
        schedule: daily
    """
    (message,) = problems_of(text)
    # where the quote opens, not the end of the file where YAML noticed it; both are named
    assert message.startswith(
        "monitors.yaml:4:13: YAML syntax error: found unexpected end of stream at line 7, column 1"
    )
    assert "(while scanning a quoted scalar that starts here); is a closing quote missing?" in message
    assert '> 4 |       data: "train.parquet' in message
    caret = message.splitlines()[message.splitlines().index('  > 4 |       data: "train.parquet') + 1]
    assert caret == "      | " + " " * 12 + "^"
    # the lines after it are shown too
    assert "5 |     target: {data: b.csv}" in message and "6 |     schedule: daily" in message


def test_tab_indentation_says_to_use_spaces() -> None:
    text = "monitors:\n  churn:\n\tbaseline: {data: a.csv}\n    target: {data: b.csv}\n"
    (message,) = problems_of(text)
    assert message.startswith("monitors.yaml:3:1: YAML syntax error: found character '\\t' that cannot start any token")
    assert "YAML indents with spaces, never tabs: replace the tab with spaces" in message
    assert "> 3 | \\tbaseline: {data: a.csv}" in message  # the tab is visible
    assert "4 |     target: {data: b.csv}" in message


def test_syntax_error_excerpt_shows_lines_after_and_the_opening_bracket() -> None:
    text = """\
    monitors:
      churn:
        baseline: {data: a.csv
        target: {data: b.csv}
        schedule: daily
        enabled: true
        tags: {team: ml}
    """
    (message,) = problems_of(text)
    assert message.startswith("monitors.yaml:4:11: YAML syntax error: expected ',' or '}', but got ':'")
    assert "(while parsing a flow mapping that starts at line 3, column 15)" in message
    assert "> 3 |     baseline: {data: a.csv" in message and "> 4 |     target: {data: b.csv}" in message
    assert "5 |     schedule: daily" in message and "6 |     enabled: true" in message
    assert "7 |" not in message


def test_unknown_key_suggests_the_closest() -> None:
    text = """\
    monitors:
      churn:
        baseline: {data: train.parquet}
        target: {data: x.csv}
        schedul: daily
    """
    assert problems_of(text) == [
        "monitors.yaml:5:5: monitors.churn.schedul: unknown key 'schedul'; did you mean 'schedule'?"
    ]


def test_wrong_type_names_expected_and_found() -> None:
    text = """\
    monitors:
      churn:
        baseline: {data: train.parquet}
        target: {data: x.csv}
        checks:
          drift:
            numerical: {metric: psi, threshold: high}
    """
    assert problems_of(text) == [
        "monitors.yaml:7:45: monitors.churn.checks.drift.numerical.threshold: expected a number, got 'high'"
    ]


def test_unset_env_var_is_located_and_says_how_to_fix() -> None:
    text = """\
    monitors:
      churn:
        baseline: {data: "${TRAIN_PATH}"}
        target: {data: x.csv}
    """
    (message,) = problems_of(text)
    assert message.startswith("monitors.yaml:3:22: monitors.churn.baseline.data: ")
    assert "environment variable TRAIN_PATH is not set" in message
    assert "${TRAIN_PATH:-default}" in message


def test_env_vars_are_interpolated_with_defaults() -> None:
    spec = load_spec_text(
        textwrap.dedent(
            """\
            monitors:
              churn:
                baseline: {data: "${DATA}/train.parquet"}
                target: {data: "${TARGET:-capture}/*.jsonl", window: "${WINDOW}"}
            """
        ),
        env={"DATA": "/srv/data", "WINDOW": "7d"},
    )
    monitor = spec.monitors["churn"]
    assert monitor.baseline.data == "/srv/data/train.parquet"
    assert monitor.target.data == "capture/*.jsonl"
    assert str(monitor.target.window) == "7d"


def test_cron_with_six_fields_is_refused_with_why() -> None:
    text = with_monitor('schedule: "0 0 3 * * *"\n')
    (message,) = problems_of(text)
    assert "monitors.churn.schedule: '0 0 3 * * *' has 6 fields; a cron expression has 5" in message


def test_schedule_that_is_not_a_schedule() -> None:
    text = with_monitor("schedule: every hour\n")
    (message,) = problems_of(text)
    assert message == (
        "monitors.yaml:7:15: monitors.churn.schedule: 'every hour' is not hourly, daily, weekly or a cron expression"
    )


def test_two_monitors_with_the_same_name() -> None:
    text = """\
    monitors:
      churn:
        baseline: {data: a.csv}
        target: {data: b.csv}
      churn:
        baseline: {data: c.csv}
        target: {data: d.csv}
    """
    (message,) = problems_of(text)
    assert message.startswith("monitors.yaml:5:3: monitors.churn: 'churn' is defined twice (first on line 2)")


def test_a_duplicate_key_hides_no_other_problem() -> None:
    text = """\
    monitors:
      churn:
        baseline: {data: a.csv, formt: csv}
        target: {data: b.csv}
        schedule: every hour
      churn:
        baseline: {data: c.csv}
      fraud:
        baseline: {data: a.csv}
        target: {data: b.csv, window: one day}
    """
    messages = problems_of(text)
    assert [m.split(": ")[0] for m in messages] == [
        "monitors.yaml:3:29",
        "monitors.yaml:5:15",
        "monitors.yaml:6:3",
        "monitors.yaml:10:35",
    ], messages
    assert "'churn' is defined twice (first on line 2)" in messages[2]


def test_an_undefined_channel_is_reported_with_structural_errors() -> None:
    text = with_monitor(
        """\
        schedule: every hour
        alerts:
          - when: drift
            notify: [oncal]
        """,
        head='channels:\n  oncall: {type: webhook, url: "https://example.com/hook"}\n',
    )
    messages = problems_of(text)
    assert len(messages) == 2, messages
    assert "schedule: 'every hour' is not hourly" in messages[0]
    assert "notify[0]: no channel named 'oncal'; did you mean 'oncall'?" in messages[1]


def test_load_spec_checks_run_on_data_that_does_not_validate(tmp_path: Path) -> None:
    from driftplane.errors import Problem
    from driftplane.spec.problems import SourceMap

    def no_kubeflow(data: object, source: SourceMap | None) -> list[Problem]:
        assert isinstance(data, dict) and source is not None
        return [source.problem(("provider",), "not here")] if data.get("provider") == "kubeflow" else []

    spec = tmp_path / "monitors.yaml"
    spec.write_text("provider: kubeflow\nmonitors: {}\n")
    with pytest.raises(SpecError) as info:
        load_spec(spec, checks=[no_kubeflow])
    assert [(p.line, p.message) for p in info.value.problems] == [(1, "not here"), (2, "must not be empty")]


def test_monitor_without_target() -> None:
    text = """\
    monitors:
      churn:
        baseline: {data: a.csv}
    """
    (message,) = problems_of(text)
    assert message.startswith("monitors.yaml:2:3: monitors.churn.target: 'target' is missing")
    assert "target: {data:" in message


def test_python_object_tag_is_an_error_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"""\
    monitors:
      churn:
        baseline: !!python/object/apply:os.system ["touch {marker}"]
        target: {{data: b.csv}}
    """
    (message,) = problems_of(text)
    assert "tag '!!python/object/apply:os.system' is not allowed" in message
    assert message.startswith("monitors.yaml:3:15:")
    assert not marker.exists()


def test_every_error_is_reported_not_just_the_first() -> None:
    text = """\
    provider: local
    monitors:
      churn:
        baseline: {data: a.csv, formt: csv}
        target: {data: b.csv, window: one day}
        schedule: every hour
      fraud:
        baseline: {data: "${NOPE}"}
    """
    messages = problems_of(text)
    assert len(messages) == 5, messages
    assert [m.split(":")[1] for m in messages] == ["4", "5", "6", "7", "8"]


def test_top_level_must_be_a_mapping() -> None:
    (message,) = problems_of("- a\n- b\n")
    assert "must be a mapping with a 'monitors:' section" in message


def test_monitor_names_follow_the_naming_rule() -> None:
    text = """\
    monitors:
      "churn daily!":
        baseline: {data: a.csv}
        target: {data: b.csv}
    """
    (message,) = problems_of(text)
    assert message.startswith(
        "monitors.yaml:2:3: monitors.churn daily!: 'churn daily!' cannot be a "
        "monitor name: ' ' and '!' are not allowed; a name is 1 to 63 characters"
    )


def test_alert_condition_fields_must_fit_the_condition() -> None:
    text = with_monitor(
        """\
        alerts:
          - when: metric
            feature: age
            notify: [log]
          - when: drift
            check_types: [data_type_check]
            notify: [log]
        """
    )
    messages = problems_of(text)
    assert any("alerts[0]: 'above' or 'below' is needed when 'when' is metric" in m for m in messages)
    assert any("alerts[1]: 'check_types' does not apply when 'when' is drift" in m for m in messages)


def test_alert_naming_an_undefined_channel() -> None:
    text = with_monitor(
        """\
        alerts:
          - when: drift
            notify: [oncal]
        """,
        head='channels:\n  oncall: {type: webhook, url: "https://example.com/hook"}\n',
    )
    (message,) = problems_of(text)
    assert message.endswith(
        "notify[0]: no channel named 'oncal'; did you mean 'oncall'? Define it under 'channels:' "
        "(defined: oncall) or write a shorthand such as email:ml@example.com, webhook:https://..., "
        "slack:https://... or log"
    )


def test_metric_wrong_kind_is_explained() -> None:
    text = with_monitor(
        """\
        checks:
          drift:
            categorical: {metric: normalized_wasserstein, threshold: 0.1}
        """
    )
    (message,) = problems_of(text)
    assert "categorical.metric 'normalized_wasserstein' applies to numbers only" in message


def test_metric_aliases_from_azure_are_accepted() -> None:
    spec = load_spec_text(
        with_monitor(
            """\
            checks:
              drift:
                numerical: {metric: normalized_wasserstein_distance, threshold: 0.2}
                categorical: {metric: population_stability_index, threshold: 0.05}
            """
        )
    )
    drift = spec.monitors["churn"].checks.drift
    assert (drift.numerical.metric, drift.categorical.metric) == ("normalized_wasserstein", "psi")
