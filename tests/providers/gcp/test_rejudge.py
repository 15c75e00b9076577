"""Which earlier windows a run on Google Cloud judges again: those not yet settled at the previous tick."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.core.local.test_model_quality_lifecycle import DAY0, land_labels, make_project

from driftplane.resolved import resolve_monitor
from driftplane.spec import Spec, load_spec
from driftplane_gcp.clients import GcpClients
from driftplane_gcp.emulator import GoogleCloudEmulator
from driftplane_gcp.provider import GcpProvider
from driftplane_gcp.rejudge import windows_due
from driftplane_gcp.run import run_monitors

from .conftest import SETTINGS

T = datetime(2026, 3, 10, tzinfo=UTC)


def monitor(schedule: str = "daily", *, wait: str | None = "3d", latency: str | None = None, window: str = "1d") -> Any:
    target: dict[str, Any] = {"data": "p/*.parquet", "window": window}
    if latency:
        target["latency"] = latency
    raw: dict[str, Any] = {
        "baseline": {"data": "v.parquet", "label": "y"},
        "target": target,
        "schedule": schedule,
        "model": {"problem_type": "binary", "prediction": "pred", "id": "rid"},
    }
    if wait is not None:
        raw["labels"] = {"data": "l/*.parquet", "label": "y", "wait": wait}
    return resolve_monitor(Spec.model_validate({"monitors": {"m": raw}}), "m")


def ends(windows: list[Any]) -> list[str]:
    return [f"{w.end:%m-%d %H:%M}" for w in windows]


def test_daily_windows_with_three_days_of_labels_are_judged_again_three_times() -> None:
    resolved = monitor()
    newest = resolved.windows.for_tick(T)
    assert ends(windows_due(resolved, newest)) == ["03-07 00:00", "03-08 00:00", "03-09 00:00"]


def test_a_wait_shorter_than_the_schedule_judges_the_previous_window_once_more() -> None:
    resolved = monitor(wait="2h")
    assert ends(windows_due(resolved, resolved.windows.for_tick(T))) == ["03-09 00:00"]


def test_latency_moves_the_windows_with_the_schedule() -> None:
    resolved = monitor(latency="6h")
    newest = resolved.windows.for_tick(T)
    assert newest.end == T - timedelta(hours=6)
    assert ends(windows_due(resolved, newest)) == ["03-06 18:00", "03-07 18:00", "03-08 18:00"]


def test_hourly_windows_with_a_day_of_labels() -> None:
    resolved = monitor("hourly", wait="1d", window="1h")
    due = windows_due(resolved, resolved.windows.for_tick(T))
    assert len(due) == 24 and due[-1].end == T - timedelta(hours=1) and due[0].end == T - timedelta(hours=24)


def test_without_labels_nothing_is_judged_again() -> None:
    resolved = monitor(wait=None)
    assert windows_due(resolved, resolved.windows.for_tick(T)) == []


def test_a_window_whose_predictions_are_gone_keeps_its_judgement_and_the_others_are_judged(
    tmp_path: Path, clients: GcpClients, fake: GoogleCloudEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    spec_path, _, arrivals = make_project(tmp_path, "http://127.0.0.1:9/unused")
    spec_path.write_text(spec_path.read_text().replace("notify: [hook]", "notify: [log]"))
    spec = load_spec(spec_path)
    settings = GcpProvider.validate_settings({**SETTINGS, "scheduled_runs": False})
    for tick in (1, 2):
        land_labels(tmp_path, arrivals, tick - 1)
        at = DAY0 + timedelta(days=tick)
        list(run_monitors(spec, clients, settings=settings, project="my-project", at=at, clock=lambda at=at: at))
    for path in (tmp_path / "scored" / "2026" / "03" / "01").iterdir():
        path.unlink()  # the first day's predictions are gone
    land_labels(tmp_path, arrivals, 2)
    at = DAY0 + timedelta(days=3)
    with caplog.at_level(logging.ERROR, logger="driftplane_gcp.rejudge"):
        (newest,) = run_monitors(spec, clients, settings=settings, project="my-project", at=at, clock=lambda: at)
    assert newest.status != "failed"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no predictions: nothing to judge
    latest = fake.called("CreateTimeSeries")[-1].time_series
    judged = {ts.metric.labels["window_end"] for ts in latest if "window_end" in ts.metric.labels}
    assert judged == {"2026-03-03T00:00:00Z"}  # the 03-02 window judged again; 03-01 left as it was


def test_an_unreadable_label_file_is_said_per_window_and_the_run_still_writes(
    tmp_path: Path, clients: GcpClients, fake: GoogleCloudEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    spec_path, _, arrivals = make_project(tmp_path, "http://127.0.0.1:9/unused")
    spec_path.write_text(spec_path.read_text().replace("notify: [hook]", "notify: [log]"))
    spec = load_spec(spec_path)
    settings = GcpProvider.validate_settings({**SETTINGS, "scheduled_runs": False})
    for tick in (1, 2):
        land_labels(tmp_path, arrivals, tick - 1)
        at = DAY0 + timedelta(days=tick)
        list(run_monitors(spec, clients, settings=settings, project="my-project", at=at, clock=lambda at=at: at))
    land_labels(tmp_path, arrivals, 2)
    (tmp_path / "labels" / "2026" / "03" / "03" / "broken.parquet").write_bytes(b"not parquet")
    at = DAY0 + timedelta(days=3)
    with caplog.at_level(logging.ERROR):
        (newest,) = run_monitors(spec, clients, settings=settings, project="my-project", at=at, clock=lambda: at)
    said = [r.getMessage() for r in caplog.records if r.name == "driftplane_gcp.rejudge" and r.levelno == logging.ERROR]
    for day in ("01", "02"):  # each window judged again says it could not be, naming it
        assert any(f"[2026-03-{day}T00:00:00Z, " in m and "broken.parquet" in m and "stands" in m for m in said), said
    errors = [r for r in caplog.records if r.name == "driftplane_gcp.rejudge" and r.levelno == logging.ERROR]
    assert all(r.exc_info for r in errors)  # each with its traceback
    runs = [ts for ts in fake.called("CreateTimeSeries")[-1].time_series if ts.metric.type.endswith("/runs")]
    assert [ts.metric.labels["status"] for ts in runs] == [newest.status]  # the run itself is still written
