"""A spec Schedule in SageMaker's and EventBridge Scheduler's cron dialects.

SageMaker Model Monitor accepts only minute 0 and a fixed hour, every hour, or every N
hours (``cron(0 * ? * * *)``, ``cron(0 12 ? * * *)``, ``cron(0 0/6 ? * * *)``); anything
else is refused with the reason before a request is sent. EventBridge Scheduler takes a
6-field cron with a year and needs ``?`` in the day-of-month or the day-of-week.
"""

from __future__ import annotations

import re

from driftplane.spec.schedules import Schedule

WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


class ScheduleNotExpressible(ValueError):
    """The schedule has no equivalent in the target service's cron dialect."""


def sagemaker_cron(schedule: Schedule) -> str:
    """SageMaker's ScheduleExpression for a schedule, or ScheduleNotExpressible saying why."""
    if schedule.keyword == "hourly":
        return "cron(0 * ? * * *)"
    if schedule.keyword == "daily":
        return "cron(0 0 ? * * *)"
    why = (
        "SageMaker Model Monitor runs only hourly, daily at a fixed hour, or every N hours "
        "(cron 'minute 0' with an hour like 3, * or */6); "
    )
    if schedule.keyword == "weekly":
        raise ScheduleNotExpressible(why + "'weekly' cannot be expressed: use daily, or backend: processing")
    minute, hour, dom, month, dow = schedule.fields
    if minute != "0" or dom != "*" or month != "*" or dow not in ("*", "?"):
        raise ScheduleNotExpressible(
            why + f"'{schedule.cron}' cannot be expressed: use such a schedule, or backend: processing"
        )
    if hour == "*":
        return "cron(0 * ? * * *)"
    match = re.fullmatch(r"(\*|\d{1,2})(?:/(\d{1,2}))?", hour)
    if match is None:
        raise ScheduleNotExpressible(why + f"the hour field '{hour}' cannot be expressed")
    start, step = match.group(1), match.group(2)
    if start != "*" and not 0 <= int(start) <= 23:
        raise ScheduleNotExpressible(why + f"hour {start} is not 0-23")
    if step is None:
        return f"cron(0 {int(start)} ? * * *)"
    if not 1 <= int(step) <= 24:
        raise ScheduleNotExpressible(why + f"every {step} hours is not 1-24")
    return f"cron(0 {0 if start == '*' else int(start)}/{int(step)} ? * * *)"


def _weekday_names(field: str) -> str:
    """Cron weekday numbers (0 or 7 = Sunday) as EventBridge's names (1 = Sunday there)."""
    return re.sub(r"\d+", lambda m: WEEKDAYS[int(m.group(0)) % 8] if int(m.group(0)) <= 7 else m.group(0), field)


def scheduler_cron(schedule: Schedule) -> str:
    """EventBridge Scheduler's cron(minutes hours day-of-month month day-of-week year)."""
    minute, hour, dom, month, dow = schedule.fields
    # EventBridge writes increments from a start value (0/15), not from a star (*/15).
    minute, hour = (re.sub(r"^\*/", "0/", f) for f in (minute, hour))
    dom, month = (re.sub(r"^\*/", "1/", f) for f in (dom, month))
    if dow in ("*", "?"):
        dow = "?"
    elif dom in ("*", "?"):
        dom = "?"
        dow = _weekday_names(dow)
    else:
        raise ScheduleNotExpressible(
            f"'{schedule.cron}' restricts both the day of the month and the day of the week; "
            "EventBridge Scheduler needs one of them to be '?' (any day), written '*' in the spec's cron: "
            "leave one of them '*', or split it into two monitors"
        )
    return f"cron({minute} {hour} {dom} {month} {dow} *)"
