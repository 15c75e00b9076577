"""A spec's schedule as an Azure ML trigger: a recurrence where Azure has one, else the cron.

Schedules are UTC everywhere; the trigger says so (``time_zone: UTC``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from driftplane.spec.schedules import Schedule

_WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
_DAY_NAMES = {name[:3]: i for i, name in enumerate(_WEEKDAYS)}


@dataclass(frozen=True)
class TriggerPlan:
    """How a schedule becomes an Azure trigger: a recurrence where Azure has one, else cron."""

    kind: str  # "recurrence" | "cron"
    frequency: str | None = None  # day, week
    interval: int = 1
    hours: list[int] = field(default_factory=list)
    minutes: list[int] = field(default_factory=list)
    week_days: list[str] = field(default_factory=list)
    expression: str | None = None


def _numbers(text: str, low: int, high: int) -> list[int] | None:
    """A cron field that is one number or a list of numbers, else None."""
    if not re.fullmatch(r"\d+(,\d+)*", text):
        return None
    values = sorted({int(v) for v in text.split(",")})
    return values if all(low <= v <= high for v in values) else None


def _week_days(text: str) -> list[str] | None:
    days: list[str] = []
    for part in text.lower().split(","):
        if part.isdigit() and 0 <= int(part) <= 7:
            days.append(_WEEKDAYS[int(part) % 7])
        elif part[:3] in _DAY_NAMES and len(part) == 3:
            days.append(_WEEKDAYS[_DAY_NAMES[part[:3]]])
        else:
            return None
    return sorted(set(days), key=_WEEKDAYS.index)


def trigger_for(schedule: Schedule) -> TriggerPlan:
    """Daily and weekly times (the keywords and crons like ``15 3 * * *``) are recurrences;
    everything else, ``hourly`` included, is the schedule's own cron expression.

    An hourly recurrence would run at the minute the schedule was created; the cron
    ``0 * * * *`` runs at minute 0, as the spec says.
    """
    minute, hour, day_of_month, month, day_of_week = schedule.fields
    minutes = _numbers(minute, 0, 59)
    hours = _numbers(hour, 0, 23)
    if minutes is not None and hours is not None and day_of_month == "*" and month == "*":
        if day_of_week in ("*", "?"):
            return TriggerPlan("recurrence", frequency="day", interval=1, hours=hours, minutes=minutes)
        days = _week_days(day_of_week)
        if days:
            return TriggerPlan("recurrence", frequency="week", interval=1, hours=hours, minutes=minutes, week_days=days)
    return TriggerPlan("cron", expression=schedule.cron)


def azure_trigger(schedule: Schedule) -> Any:
    """The azure-ai-ml trigger entity of a schedule, in UTC."""
    from azure.ai.ml.entities import CronTrigger, RecurrencePattern, RecurrenceTrigger

    plan = trigger_for(schedule)
    if plan.kind == "cron":
        return CronTrigger(expression=str(plan.expression), time_zone="UTC")
    pattern = RecurrencePattern(hours=plan.hours, minutes=plan.minutes, week_days=plan.week_days or None)
    return RecurrenceTrigger(frequency=str(plan.frequency), interval=plan.interval, schedule=pattern, time_zone="UTC")
