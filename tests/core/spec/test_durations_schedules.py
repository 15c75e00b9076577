"""Durations and schedules: what users write and what it means."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from driftplane.spec import Duration, Schedule


@pytest.mark.parametrize(
    ("text", "months", "fixed"),
    [
        ("1h", 0, timedelta(hours=1)),
        ("30m", 0, timedelta(minutes=30)),
        ("7d", 0, timedelta(days=7)),
        ("2w", 0, timedelta(weeks=2)),
        ("1y", 12, timedelta(0)),
        ("6mo", 6, timedelta(0)),
        ("P1D", 0, timedelta(days=1)),
        ("PT1H", 0, timedelta(hours=1)),
        ("P1Y2M3DT4H", 14, timedelta(days=3, hours=4)),
    ],
)
def test_duration_forms(text: str, months: int, fixed: timedelta) -> None:
    duration = Duration.parse(text)
    assert (duration.months, duration.fixed) == (months, fixed)
    assert str(duration) == text


@pytest.mark.parametrize("bad", ["one day", "1 fortnight", "P", "PT", "0d", "", "-1d"])
def test_bad_durations_say_what_is_accepted(bad: str) -> None:
    with pytest.raises(ValueError, match="duration|zero"):
        Duration.parse(bad)


def test_a_year_lag_is_calendar_aware() -> None:
    december = datetime(2026, 12, 1, tzinfo=UTC)
    assert Duration.parse("1y").before(december) == datetime(2025, 12, 1, tzinfo=UTC)
    # month arithmetic clamps the day instead of failing
    assert Duration.parse("1mo").before(datetime(2026, 3, 31, tzinfo=UTC)) == datetime(2026, 2, 28, tzinfo=UTC)


def test_iso_round_trip_for_cloud_offsets() -> None:
    assert Duration.parse("1d").iso() == "P1D"
    assert Duration.parse("90m").iso() == "PT1H30M"
    assert Duration.parse("1y").iso() == "P1Y"


@pytest.mark.parametrize(
    ("text", "cron", "keyword"),
    [
        ("hourly", "0 * * * *", "hourly"),
        ("Daily", "0 0 * * *", "daily"),
        ("@weekly", "0 0 * * 1", "weekly"),
        ("30   3 * * *", "30 3 * * *", None),
    ],
)
def test_schedules(text: str, cron: str, keyword: str | None) -> None:
    schedule = Schedule.parse(text)
    assert (schedule.cron, schedule.keyword) == (cron, keyword)


def test_schedule_next_and_previous() -> None:
    schedule = Schedule.parse("daily")
    noon = datetime(2026, 1, 5, 12, tzinfo=UTC)
    assert schedule.next_after(noon) == datetime(2026, 1, 6, tzinfo=UTC)
    assert schedule.previous_at_or_before(noon) == datetime(2026, 1, 5, tzinfo=UTC)
    midnight = datetime(2026, 1, 5, tzinfo=UTC)
    assert schedule.previous_at_or_before(midnight) == midnight


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("every hour", "is not hourly, daily, weekly or a cron expression"),
        ("0 0 3 * * *", "has 6 fields"),
        ("0 0 *", "has 3 fields"),
        ("61 * * * *", "is not a valid cron expression"),
    ],
)
def test_bad_schedules(bad: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        Schedule.parse(bad)
