"""Durations such as ``1h``, ``7d`` or ``1y`` (and ISO 8601 ``P1D``), and window arithmetic.

Windows and seasonal lags need calendar months and years ("this December against last
December"), which ``timedelta`` cannot express, so a Duration keeps months apart from a
fixed part and applies both to a datetime.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from driftplane.spec.names import quoted

_UNITS = {
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}
_MONTH_UNITS = {"mo": 1, "y": 12}
_SHORT = re.compile(r"^\s*(\d+)\s*(s|min|m|h|d|w|mo|y)\s*$")
_ISO = re.compile(
    r"^P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+)S)?)?$"
)
MAX_YEARS = 100
DURATION_HELP = "a duration such as 30m, 1h, 1d, 7d, 2w, 6mo, 1y or ISO 8601 (P1D, PT1H)"


def _add_months(when: datetime, months: int) -> datetime:
    """Shift by whole calendar months, clamping the day (31 Mar - 1mo = 28/29 Feb)."""
    index = when.year * 12 + (when.month - 1) + months
    year, month = divmod(index, 12)
    day = min(when.day, calendar.monthrange(year, month + 1)[1])
    return when.replace(year=year, month=month + 1, day=day)


@dataclass(frozen=True)
class Duration:
    """A length of time: calendar months plus a fixed part, written as the user wrote it."""

    months: int = 0
    fixed: timedelta = timedelta(0)
    text: str = ""

    @classmethod
    def parse(cls, value: str | int | float | timedelta | Duration) -> Duration:
        """Read ``1h``, ``7d``, ``1y``, ``P1D`` or a number of seconds; ValueError if neither.

        Durations past ``MAX_YEARS`` are refused: no window or lag is that long, and the
        dates they would lead to do not exist.
        """
        try:
            duration = cls._parse(value)
        except (OverflowError, ValueError) as exc:
            if isinstance(exc, ValueError) and "Exceeds the limit" not in str(exc):
                raise
            duration = None
        if duration is None or duration.months > 12 * MAX_YEARS or duration.fixed > timedelta(days=366 * MAX_YEARS):
            raise ValueError(f"{quoted(value)} is longer than {MAX_YEARS} years, longer than any window or lag")
        return duration

    @classmethod
    def _parse(cls, value: str | int | float | timedelta | Duration) -> Duration:
        if isinstance(value, Duration):
            return value
        if isinstance(value, timedelta):
            return cls(fixed=value, text=_format_timedelta(value))
        if isinstance(value, bool):
            raise ValueError(f"{quoted(value)} is not {DURATION_HELP}")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"expected a finite number of seconds or {DURATION_HELP}, got {value}")
        if isinstance(value, int | float):
            return cls(fixed=timedelta(seconds=value), text=f"{value}s")
        text = str(value).strip()
        match = _SHORT.match(text)
        if match:
            number, unit = int(match.group(1)), match.group(2)
            if unit in _MONTH_UNITS:
                duration = cls(months=number * _MONTH_UNITS[unit], text=text)
            else:
                duration = cls(fixed=number * _UNITS[unit], text=text)
        else:
            iso = _ISO.match(text.upper()) if text.upper().startswith("P") else None
            if not iso or text.upper() in ("P", "PT") or text.upper().endswith("T"):
                raise ValueError(f"{quoted(value)} is not {DURATION_HELP}")
            parts = {k: int(v) for k, v in iso.groupdict().items() if v}
            duration = cls(
                months=parts.get("y", 0) * 12 + parts.get("mo", 0),
                fixed=timedelta(
                    weeks=parts.get("w", 0),
                    days=parts.get("d", 0),
                    hours=parts.get("h", 0),
                    minutes=parts.get("mi", 0),
                    seconds=parts.get("s", 0),
                ),
                text=text,
            )
        if duration.months == 0 and duration.fixed <= timedelta(0):
            raise ValueError(f"{quoted(value)} is zero; a duration must be longer than that")
        return duration

    def before(self, when: datetime) -> datetime:
        """The instant this long before ``when``."""
        return _add_months(when, -self.months) - self.fixed

    def after(self, when: datetime) -> datetime:
        """The instant this long after ``when``."""
        return _add_months(when, self.months) + self.fixed

    def approx_timedelta(self) -> timedelta:
        """An approximate length (a month counts as 30 days), for sizes and sorting only."""
        return self.fixed + timedelta(days=30 * self.months)

    def iso(self) -> str:
        """ISO 8601 form, e.g. ``P1D``; what Azure and SageMaker offsets expect."""
        years, months = divmod(self.months, 12)
        days = self.fixed.days
        seconds = self.fixed.seconds
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        out = "P"
        out += f"{years}Y" if years else ""
        out += f"{months}M" if months else ""
        out += f"{days}D" if days else ""
        if hours or minutes or secs:
            out += "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
            out += f"{secs}S" if secs else ""
        return out if out != "P" else "PT0S"

    def __str__(self) -> str:
        return self.text or self.iso()

    # pydantic integration: accept strings/numbers, serialise back to the written text.
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
            "type": "string",
            "pattern": r"^(\d+\s*(s|min|m|h|d|w|mo|y)|P.+)$",
            "description": DURATION_HELP,
            "examples": ["1h", "1d", "7d", "1y"],
        }


def _format_timedelta(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
