"""Alert state over a sequence of runs: fire once when a condition starts, resolve once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from driftplane.local import alert_state
from driftplane.local.alerts import process_alerts
from driftplane.local.history import HistoryStore
from driftplane.resolved import alert_key, resolve_monitor
from driftplane.result import RunResult
from driftplane.spec import Spec, spec_from_data
from driftplane.spec.models import Alert

MakeResult = Callable[..., RunResult]
NOW = datetime(2026, 2, 1, 12, tzinfo=UTC)


def make_spec(alerts: list[dict[str, Any]], **extra: Any) -> Spec:
    return spec_from_data(
        {
            "monitors": {
                "churn": {
                    "baseline": {"data": "train.parquet"},
                    "target": {"data": "capture/*.parquet", "window": "1d"},
                    "alerts": alerts,
                }
            },
            **extra,
        }
    )


def run_sequence(
    tmp_path: Path, spec: Spec, results: list[RunResult]
) -> list[list[tuple[str, str, bool]]]:
    """Process each result like the runner would, reopening the store each time."""
    events = []
    for i, result in enumerate(results):
        with HistoryStore.open(tmp_path) as store:
            store.record_run(result)
            outcomes = process_alerts(spec, "churn", result, store, now=NOW + timedelta(hours=i))
        events.append([(o.alert, o.event, o.delivered) for o in outcomes])
    return events


def test_an_alert_fires_once_when_drift_starts_and_resolves_once(
    tmp_path: Path, make_result: MakeResult, caplog: pytest.LogCaptureFixture
) -> None:
    spec = make_spec([{"name": "age drift", "when": "drift", "notify": ["log"]}])
    drifting = {"age": 0.3, "income": 0.02}
    calm = {"age": 0.02, "income": 0.02}
    sequence = [calm, drifting, drifting, drifting, calm, calm, drifting]
    results = [make_result(day=day, values=values) for day, values in enumerate(sequence)]
    with caplog.at_level(logging.INFO, logger="driftplane"):
        events = run_sequence(tmp_path, spec, results)
    assert events == [
        [],
        [("age drift", "firing", True)],
        [],
        [],
        [("age drift", "resolved", True)],
        [],
        [("age drift", "firing", True)],
    ]
    lines = [r.getMessage() for r in caplog.records if r.name == "driftplane.alerts"]
    assert len(lines) == 3
    assert lines[0].startswith(
        "alert FIRING for monitor churn: age drift: 1 feature drifted: age (normalized_wasserstein 0.3 > 0.1)"
    )
    assert lines[1].startswith("alert RESOLVED for monitor churn: age drift: no feature drifted")


def test_failure_alert_fires_on_a_failed_run_and_other_alerts_keep_their_state(
    tmp_path: Path, make_result: MakeResult
) -> None:
    spec = make_spec(
        [
            {"name": "drift", "when": "drift", "notify": ["log"]},
            {"name": "broken", "when": "failure", "notify": ["log"]},
        ]
    )
    results = [
        make_result(day=0, values={"age": 0.3}),
        make_result(day=1, failed="the target window had no files"),
        make_result(day=2, values={"age": 0.3}),
        make_result(day=3, values={"age": 0.01}),
    ]
    events = run_sequence(tmp_path, spec, results)
    assert events == [
        [("drift", "firing", True)],
        [("broken", "firing", True)],  # and no "drift resolved": a failed run says nothing about drift
        [("broken", "resolved", True)],  # drift is still firing: not announced again
        [("drift", "resolved", True)],
    ]


def test_a_backfilled_older_window_does_not_flip_the_current_state(tmp_path: Path, make_result: MakeResult) -> None:
    spec = make_spec([{"name": "drift", "when": "drift", "notify": ["log"]}])
    events = run_sequence(
        tmp_path,
        spec,
        [make_result(day=10, values={"age": 0.3}), make_result(day=3, values={"age": 0.01})],
    )
    assert events == [[("drift", "firing", True)], []]
    with HistoryStore.open(tmp_path) as store:
        [state] = alert_state.load_states(store, "churn").values()
    assert state.firing


def test_state_is_kept_per_alert_and_survives_changing_its_channels(tmp_path: Path, make_result: MakeResult) -> None:
    first = make_spec([{"when": "violation", "notify": ["log"]}])
    second = make_spec([{"when": "violation", "notify": ["log:info"]}])
    assert resolve_monitor(first, "churn").alerts[0].key == resolve_monitor(second, "churn").alerts[0].key
    assert alert_key(Alert(when="violation", notify=["log"])) != alert_key(
        Alert(when="violation", check_types=["data_type_check"], notify=["log"])
    )
    violating = make_result(day=0, violations=[("age", "completeness_check")])
    with HistoryStore.open(tmp_path) as store:
        assert [o.event for o in process_alerts(first, "churn", violating, store, now=NOW)] == ["firing"]
        still = make_result(day=1, violations=[("age", "completeness_check")])
        assert process_alerts(second, "churn", still, store, now=NOW) == []
        states = alert_state.load_states(store, "churn")
    [state] = states.values()
    assert state.alert_name == "violations"
    assert state.reason.startswith("1 violation: completeness_check on age")


def test_a_monitor_without_alerts_records_nothing(tmp_path: Path, make_result: MakeResult) -> None:
    spec = make_spec([])
    with HistoryStore.open(tmp_path) as store:
        assert process_alerts(spec, "churn", make_result(values={"age": 0.9}), store, now=NOW) == []
        assert alert_state.load_states(store, "churn") == {}


def test_the_same_condition_twice_notifies_each_channel_once(tmp_path: Path, make_result: MakeResult) -> None:
    spec = make_spec(
        [
            {"when": "drift", "notify": ["log"]},
            {"when": "drift", "notify": ["log", "log:info"]},
        ]
    )
    with HistoryStore.open(tmp_path) as store:
        outcomes = process_alerts(spec, "churn", make_result(values={"age": 0.5}), store, now=NOW)
    assert sorted(o.channel for o in outcomes) == ["log", "log (info)"]
