"""The window a run that keeps no history judges final at each tick: the newest one whose labels' wait has passed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from driftplane.resolved import resolve_monitor
from driftplane.result import Window
from driftplane.spec import Spec


def monitor(wait: str, schedule: str = "daily", **target: Any) -> Any:
    body = {
        "baseline": {"data": "b.parquet", "label": "y"},
        "target": {"data": "t.parquet", "window": "1d", **target},
        "schedule": schedule,
        "model": {"problem_type": "binary", "prediction": "p", "id": "id"},
        "labels": {"data": "l.parquet", "label": "y", "wait": wait},
        "checks": {"performance": {"metrics": {"accuracy": {"min": 0.8}}}},
    }
    return resolve_monitor(Spec.model_validate({"monitors": {"m": body}}), "m")


def day(d: int) -> datetime:
    return datetime(2026, 2, d, tzinfo=UTC)


def test_each_daily_window_is_settled_once_at_the_tick_its_wait_ends() -> None:
    resolved = monitor("3d")
    settled = [resolved.settled_window(resolved.windows.for_tick(day(d))) for d in (10, 11, 12)]
    assert settled == [
        Window(start=day(6), end=day(7)),
        Window(start=day(7), end=day(8)),
        Window(start=day(8), end=day(9)),
    ]


def test_a_wait_between_ticks_settles_the_newest_window_already_past_it() -> None:
    resolved = monitor("36h")
    assert resolved.settled_window(resolved.windows.for_tick(day(10))) == Window(start=day(7), end=day(8))


def test_latency_shifts_the_settled_window_as_it_shifts_the_read_one() -> None:
    resolved = monitor("2d", latency="6h")
    window = resolved.windows.for_tick(day(10))
    settled = resolved.settled_window(window)
    assert settled is not None and settled.end == datetime(2026, 2, 7, 18, tzinfo=UTC)
    assert resolved.performance.final_at(settled.end) <= datetime(2026, 2, 10, tzinfo=UTC)


def test_without_labels_nothing_is_settled() -> None:
    resolved = monitor("1d")
    bare = resolved.__class__(**{**resolved.__dict__, "performance": None})
    assert bare.settled_window(bare.windows.for_tick(day(10))) is None
