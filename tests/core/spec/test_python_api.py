"""Specs built in code get the same models, validation and messages as YAML."""

from __future__ import annotations

import json

import pytest

import driftplane as dp


def make_monitor(**overrides: object) -> dp.Monitor:
    fields: dict[str, object] = {
        "baseline": dp.Baseline(data="train.parquet"),
        "target": dp.Target(
            data="capture/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.jsonl",
            format="sagemaker-capture",
            window="1d",
        ),
        "schedule": "hourly",
        "alerts": [dp.Alert(when="drift", notify=["email:ml@example.com"])],
    }
    fields.update(overrides)
    return dp.Monitor(**fields)


def test_design_example_builds() -> None:
    spec = dp.Spec(monitors={"churn": make_monitor()})
    monitor = spec.monitors["churn"]
    assert monitor.schedule.cron == "0 * * * *"
    assert monitor.target.window is not None and str(monitor.target.window) == "1d"
    assert monitor.checks.drift.numerical.metric == "normalized_wasserstein"
    assert monitor.checks.drift.categorical.threshold == 0.1


def test_code_built_errors_are_spec_errors_with_key_paths() -> None:
    with pytest.raises(dp.SpecError) as info:
        dp.Monitor(baseline=dp.Baseline(data="a.csv"), target={"data": "b.csv", "window": "soon"}, schedulee="daily")
    messages = sorted(str(p) for p in info.value.problems)
    assert messages == [
        "schedulee: unknown key 'schedulee'; did you mean 'schedule'?",
        "target.window: 'soon' is not a duration such as 30m, 1h, 1d, 7d, 2w, 6mo, 1y or ISO 8601 (P1D, PT1H)",
    ]


def test_code_built_spec_checks_channel_references() -> None:
    monitor = make_monitor(alerts=[dp.Alert(when="violation", notify=["pager"])])
    with pytest.raises(dp.SpecError, match="no channel named 'pager'"):
        dp.Spec(monitors={"churn": monitor})


def test_models_are_frozen() -> None:
    monitor = make_monitor()
    with pytest.raises(Exception, match="frozen"):
        monitor.schedule = dp.Schedule.parse("daily")  # type: ignore[misc]


def test_spec_round_trips_through_json() -> None:
    spec = dp.Spec(monitors={"churn": make_monitor()}, tags={"team": "ml"})
    again = dp.Spec.model_validate(json.loads(spec.model_dump_json()))
    assert again == spec


def test_baseline_takes_exactly_one_source() -> None:
    with pytest.raises(dp.SpecError, match="takes one of 'data', 'statistics' or 'lag', not 'data' and 'lag'"):
        dp.Baseline(data="a.csv", lag="1y")
    with pytest.raises(dp.SpecError, match="needs one of 'data'"):
        dp.Baseline()
    assert dp.Baseline(lag="1y").lag is not None


def test_unknown_monitor_name_reads_as_one_sentence_with_or_without_a_suggestion() -> None:
    spec = dp.Spec(monitors={"churn": make_monitor(), "fraud": make_monitor()})
    with pytest.raises(dp.UsageError) as info:
        spec.monitor("chrun")
    assert str(info.value) == "no monitor named 'chrun'; did you mean 'churn'? The spec has: churn, fraud"
    with pytest.raises(dp.UsageError) as info:
        spec.monitor("payments")
    assert str(info.value) == "no monitor named 'payments'; the spec has: churn, fraud"
