"""The window rule: one tick reads one window, whoever runs it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from driftplane.result import Window
from driftplane.spec.durations import Duration
from driftplane.spec.models import FixedWindow
from driftplane.spec.schedules import Schedule
from driftplane.windows import WindowRule, describe_window, window_ending_at


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def rule(schedule: str, *, length: str | None = None, latency: str | None = None) -> WindowRule:
    return WindowRule(
        Schedule.parse(schedule),
        length=Duration.parse(length) if length else None,
        latency=Duration.parse(latency) if latency else None,
    )


def test_window_ending_at_a_duration() -> None:
    assert window_ending_at(utc(2026, 1, 6), Duration.parse("1d")) == Window(start=utc(2026, 1, 5), end=utc(2026, 1, 6))
    assert window_ending_at(datetime(2026, 3, 31, 12), "1mo") == Window(
        start=utc(2026, 2, 28, 12), end=utc(2026, 3, 31, 12)
    )


def test_window_ending_at_with_latency() -> None:
    assert window_ending_at(utc(2026, 1, 6, 2), "1d", latency="2h") == Window(
        start=utc(2026, 1, 5), end=utc(2026, 1, 6)
    )


def test_describe_window() -> None:
    assert (
        describe_window(Window(start=utc(2026, 1, 5), end=utc(2026, 1, 6)))
        == "[2026-01-05T00:00:00Z, 2026-01-06T00:00:00Z)"
    )


def test_a_tick_reads_the_window_before_it_moved_back_by_the_latency() -> None:
    daily = rule("daily", latency="2h")
    assert daily.for_tick(utc(2026, 1, 12)) == Window(start=utc(2026, 1, 10, 22), end=utc(2026, 1, 11, 22))


def test_the_latest_window_is_the_window_of_the_latest_tick_with_latency_too() -> None:
    """`run` without --at, a cloud job started by the scheduler and `serve` agree (they used not to)."""
    daily = rule("daily", latency="2h")
    for now in (utc(2026, 1, 12, 0, 0), utc(2026, 1, 12, 0, 5), utc(2026, 1, 12, 1, 59), utc(2026, 1, 12, 23, 59)):
        assert daily.latest(now) == daily.for_tick(utc(2026, 1, 12)), now


def test_a_time_off_the_schedule_reads_a_window_of_the_usual_length() -> None:
    assert rule("daily").for_tick(utc(2026, 1, 5, 12)) == Window(start=utc(2026, 1, 4, 12), end=utc(2026, 1, 5, 12))


def test_consecutive_ticks_of_a_weekday_cron_tile_the_week() -> None:
    """Friday reads Thursday to Friday, Monday reads the weekend: nothing read twice or never."""
    weekdays = rule("0 9 * * 1-5")
    windows = weekdays.backfill(utc(2026, 1, 5, 9), utc(2026, 1, 19, 9))  # Monday to Monday, two weeks
    assert len(windows) == 10
    for before, after in itertools.pairwise(windows):
        assert before.end == after.start
    monday = next(w for w in windows if w.end == utc(2026, 1, 12, 9))
    assert monday.start == utc(2026, 1, 9, 9)  # from Friday 09:00
    friday = next(w for w in windows if w.end == utc(2026, 1, 9, 9))
    assert friday.start == utc(2026, 1, 8, 9)


def test_a_configured_window_length_overrides_the_gap() -> None:
    weekly_of_a_month = rule("weekly", length="28d")
    window = weekly_of_a_month.for_tick(utc(2026, 1, 12))
    assert window.end - window.start == timedelta(days=28)


def test_a_fixed_window_is_read_at_every_tick() -> None:
    fixed = FixedWindow(start=utc(2026, 1, 1), end=utc(2026, 2, 1))
    every = WindowRule(Schedule.parse("hourly"), fixed=fixed)
    assert every.for_tick(utc(2030, 1, 1)) == Window(start=utc(2026, 1, 1), end=utc(2026, 2, 1))
    assert every.backfill(utc(2026, 1, 1), utc(2026, 3, 1)) == [Window(start=utc(2026, 1, 1), end=utc(2026, 2, 1))]


def test_a_backfill_runs_each_tick_in_its_range_once() -> None:
    hourly = rule("hourly")
    windows = hourly.backfill(utc(2026, 1, 1), utc(2026, 1, 1, 5))
    assert [w.end for w in windows] == [utc(2026, 1, 1, h) for h in range(1, 6)]
    assert hourly.count_backfill(utc(2026, 1, 1), utc(2026, 12, 1), limit=10) == 11


@pytest.mark.parametrize(
    ("schedule", "period", "longest"),
    [
        ("hourly", timedelta(hours=1), timedelta(hours=1)),
        ("daily", timedelta(days=1), timedelta(days=1)),
        ("weekly", timedelta(days=7), timedelta(days=7)),
        ("*/15 * * * *", timedelta(minutes=15), timedelta(minutes=15)),
        ("0 9 * * 1-5", timedelta(days=1), timedelta(days=3)),
        ("0 0 1 * *", timedelta(days=31), timedelta(days=31)),
    ],
)
def test_the_period_does_not_depend_on_the_day_it_is_asked(
    schedule: str, period: timedelta, longest: timedelta
) -> None:
    assert rule(schedule).period == period
    assert rule(schedule).longest_gap == longest


def test_window_length_is_none_only_when_windows_differ() -> None:
    assert rule("daily").window_length == Duration.parse("1d")
    assert rule("0 9 * * 1-5").window_length is None
    assert rule("0 9 * * 1-5", length="1d").window_length == Duration.parse("1d")


def test_future_windows_are_told() -> None:
    hourly = rule("hourly")
    now = utc(2026, 1, 1, 12)
    assert not hourly.ends_in_future(Window(start=utc(2026, 1, 1, 11), end=utc(2026, 1, 1, 12, 4)), now=now)
    assert hourly.ends_in_future(Window(start=utc(2026, 1, 1, 11), end=utc(2026, 1, 1, 12, 6)), now=now)
