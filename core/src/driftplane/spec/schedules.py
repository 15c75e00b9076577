"""Schedules: ``hourly``, ``daily``, ``weekly`` or a 5-field cron expression, in UTC.

Every provider translates the same Schedule (SageMaker cron, Azure recurrence or cron,
Cloud Scheduler cron, croniter for the local scheduler), so the parsed form keeps both the
keyword a user wrote and the equivalent cron expression.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from croniter import croniter
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from driftplane.spec.names import quoted

KEYWORDS = {
    "hourly": "0 * * * *",
    "daily": "0 0 * * *",
    "weekly": "0 0 * * 1",
}
_ALIASES = {"@hourly": "hourly", "@daily": "daily", "@weekly": "weekly", "@midnight": "daily"}
SCHEDULE_HELP = "hourly, daily, weekly or a cron expression"


@dataclass(frozen=True)
class Schedule:
    """When a monitor runs. ``keyword`` is hourly/daily/weekly, or None for custom cron."""

    cron: str
    keyword: str | None = None

    @classmethod
    def parse(cls, value: Any) -> Schedule:
        """Accept a keyword or a 5-field cron expression; ValueError says what was wrong."""
        if isinstance(value, Schedule):
            return value
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{quoted(value)} is not {SCHEDULE_HELP}")
        text = " ".join(value.split())
        keyword = _ALIASES.get(text.lower(), text.lower())
        if keyword in KEYWORDS:
            return cls(cron=KEYWORDS[keyword], keyword=keyword)
        fields = text.split(" ")
        looks_like_cron = all(any(c.isdigit() or c in "*/,-?LW#" for c in f) for f in fields)
        if not looks_like_cron:
            raise ValueError(f"{quoted(value)} is not {SCHEDULE_HELP}")
        if len(fields) != 5:
            hint = ""
            if len(fields) == 6:
                hint = (
                    "; seconds or years are not supported, drop the extra field"
                    " (SageMaker-style 'cron(...)' is written by the aws provider for you)"
                )
            raise ValueError(
                f"{quoted(value)} has {len(fields)} fields; a cron expression has 5 "
                f"(minute hour day-of-month month day-of-week){hint}"
            )
        if not croniter.is_valid(text):
            raise ValueError(
                f"{quoted(value)} is not a valid cron expression "
                "(minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-6)"
            )
        return cls(cron=text, keyword=None)

    @property
    def fields(self) -> tuple[str, str, str, str, str]:
        """The five cron fields: minute, hour, day of month, month, day of week."""
        parts = self.cron.split(" ")
        return parts[0], parts[1], parts[2], parts[3], parts[4]

    def next_after(self, when: datetime) -> datetime:
        """The first scheduled time strictly after ``when`` (timezone kept)."""
        result: datetime = croniter(self.cron, when).get_next(datetime)
        return result.replace(fold=0)

    def previous_at_or_before(self, when: datetime) -> datetime:
        """The last scheduled time at or before ``when``."""
        if croniter.match(self.cron, when) and when.second == 0 and when.microsecond == 0:
            return when
        result: datetime = croniter(self.cron, when).get_prev(datetime)
        return result.replace(fold=0)

    def __str__(self) -> str:
        return self.keyword or self.cron

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"enum": ["hourly", "daily", "weekly"]},
                {"type": "string", "pattern": r"^\S+( \S+){4}$"},
            ],
            "description": "hourly, daily, weekly, or a 5-field cron expression in UTC",
            "examples": ["daily", "30 3 * * *"],
        }
