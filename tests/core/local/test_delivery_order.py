"""Notifications reach a receiver in the order their events happened, and a new run retries at once.

A receiver that hears RESOLVED and then a stale FIRING believes a resolved alert is firing.
Everything here goes through a real HTTP server on 127.0.0.1 and the real SQLite outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.core.alerting.test_delivery import FAST, drifting, make_spec
from tests.core.conftest import HttpReceiver

from driftplane.local import alert_state
from driftplane.local.alerts import process_alerts
from driftplane.local.history import HistoryStore
from driftplane.result import RunResult

MakeResult = Callable[..., RunResult]
T0 = datetime(2026, 1, 16, 8, 0, tzinfo=UTC)


def calm(make_result: MakeResult, day: int) -> RunResult:
    return make_result(day=day, values={"age": 0.01, "income": 0.02})


def events(receiver: HttpReceiver) -> list[str]:
    return [request.json()["event"] for request in receiver.requests]


def test_within_one_backfill_a_resolved_waits_for_its_undelivered_firing(
    tmp_path: Path, make_result: MakeResult, http_receiver: HttpReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    http_receiver.script = [(500, 0.0)] * 3  # the receiver is down for the first run (3 attempts)
    spec = make_spec({"ops": {"type": "webhook", "url": http_receiver.url(), **FAST}}, ["ops"])
    session = T0 - timedelta(seconds=1)  # one process (a backfill) runs every window below
    with caplog.at_level(logging.INFO, logger="driftplane"), HistoryStore.open(tmp_path) as store:
        [first] = process_alerts(spec, "churn", drifting(make_result, day=0), store, now=T0, session_start=session)
        assert not first.delivered and first.pending
        # Seconds later the drift is gone: a RESOLVED is raised while the FIRING waits out its minute.
        second = process_alerts(
            spec, "churn", calm(make_result, day=1), store, now=T0 + timedelta(seconds=5), session_start=session
        )
        assert [(o.event, o.delivered, o.pending) for o in second] == [
            ("firing", False, True),
            ("resolved", False, True),
        ]
        assert events(http_receiver) == ["firing"] * 3  # nothing was sent out of order
        # A minute later both go, the FIRING first.
        third = process_alerts(
            spec, "churn", calm(make_result, day=2), store, now=T0 + timedelta(minutes=2), session_start=session
        )
        assert alert_state.pending(store, "churn") == []
    assert [(o.event, o.delivered) for o in third] == [("firing", True), ("resolved", True)]
    assert events(http_receiver) == ["firing"] * 4 + ["resolved"]
    assert http_receiver.requests[3].json()["id"] == first.notification_id
    deferral = next(r for r in caplog.records if "retries it at its first window of churn after" in r.getMessage())
    assert deferral.levelno == logging.INFO
    assert "after 2026-01-16T08:01:00Z" in deferral.getMessage()
    assert "failed at 2026-01-16T08:00:00Z" in deferral.getMessage()
    waiting = next(r for r in caplog.records if "waiting for the earlier FIRING" in r.getMessage())
    assert waiting.levelno == logging.INFO and "RESOLVED alert 'drift'" in waiting.getMessage()


def test_a_new_run_retries_at_once_and_delivers_in_event_order(
    tmp_path: Path, make_result: MakeResult, http_receiver: HttpReceiver
) -> None:
    http_receiver.script = [(500, 0.0)] * 3
    spec = make_spec({"ops": {"type": "webhook", "url": http_receiver.url(), **FAST}}, ["ops"])
    with HistoryStore.open(tmp_path) as store:
        process_alerts(spec, "churn", drifting(make_result, day=0), store, now=T0, session_start=T0)
        # A separate `driftplane run` five seconds later (it started after the failed attempt).
        later = T0 + timedelta(seconds=5)
        outcomes = process_alerts(spec, "churn", calm(make_result, day=1), store, now=later, session_start=later)
        assert alert_state.pending(store, "churn") == []
    assert [(o.event, o.delivered) for o in outcomes] == [("firing", True), ("resolved", True)]
    assert events(http_receiver) == ["firing"] * 4 + ["resolved"]


def test_a_firing_that_keeps_failing_holds_back_only_its_own_alert_and_channel(
    tmp_path: Path, make_result: MakeResult, http_receiver: HttpReceiver
) -> None:
    http_receiver.script = [(404, 0.0)]  # not retried within the run: one attempt
    spec = make_spec(
        {
            "ops": {"type": "webhook", "url": http_receiver.url("/ops"), **FAST},
            "team": {"type": "webhook", "url": http_receiver.url("/team"), **FAST},
        },
        ["ops"],
    )
    spec.monitors["churn"].alerts[0].notify.append("team")
    with HistoryStore.open(tmp_path) as store:
        first = process_alerts(spec, "churn", drifting(make_result, day=0), store, now=T0)
        assert [o.delivered for o in first] == [False, True]  # ops got the 404, team got it
        http_receiver.script = [(404, 0.0)]  # ops still refuses
        second = process_alerts(spec, "churn", calm(make_result, day=1), store, now=T0 + timedelta(seconds=5))
    by_channel = {(o.channel, o.event): o.delivered for o in second}
    assert by_channel == {
        ("webhook 'ops'", "firing"): False,
        ("webhook 'ops'", "resolved"): False,  # kept behind the FIRING, never before it
        ("webhook 'team'", "resolved"): True,
    }
    assert [(r.path, r.json()["event"]) for r in http_receiver.requests] == [
        ("/ops", "firing"),
        ("/team", "firing"),
        ("/ops", "firing"),
        ("/team", "resolved"),
    ]
