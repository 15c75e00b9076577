"""Numbers, shares and times as a person reads them: few digits, thousands separators, UTC.

A report that prints ``0.23145678912`` makes the reader do the rounding; three significant
digits are enough to compare a metric with its threshold.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

MISSING = "—"
MINUS = "\N{MINUS SIGN}"  # typographic minus: as wide as a plus, aligns in columns
TIMES = "\N{MULTIPLICATION SIGN}"


def as_float(value: Any) -> float | None:
    """A finite or infinite float from a summary value, or None when it is not a number."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def number(value: Any) -> str:
    """A number with about three significant digits: 0.231, 12.3, 1,234, 2.5e+07."""
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return MISSING
    as_number = as_float(value)
    if as_number is None:
        return "n/a" if isinstance(value, float) else str(value)
    if math.isinf(as_number):
        return "∞" if as_number > 0 else MINUS + "∞"
    magnitude = abs(as_number)
    if magnitude == 0:
        return "0"
    if magnitude >= 1e6 or magnitude < 1e-3:
        text = f"{as_number:.3g}"
    elif magnitude >= 1000 or float(as_number).is_integer():
        text = f"{as_number:,.0f}"
    else:
        text = f"{as_number:.3g}"
    return text.replace("-", MINUS)


def number_pair(value: float, threshold: float) -> tuple[str, str]:
    """A metric and its threshold with enough digits to tell them apart (0.1003 vs 0.1, not 0.1 vs 0.1)."""
    if value == threshold or not (math.isfinite(value) and math.isfinite(threshold)):
        return number(value), number(threshold)
    for digits in range(3, 8):
        left, right = f"{value:.{digits}g}", f"{threshold:.{digits}g}"
        if left != right:
            return left.replace("-", MINUS), right.replace("-", MINUS)
    return number(value), number(threshold)


def times(ratio: float) -> str:
    """A multiple of the threshold: 12x, 2.3x, 1.02x (never "1.0x" for a value just above it)."""
    if ratio >= 10:
        return f"{ratio:.0f}{TIMES}"
    text = f"{ratio:.1f}"
    if text == "1.0" and ratio != 1:
        text = f"{ratio:.3f}".rstrip("0")
    return text + TIMES


def count(value: Any) -> str:
    """A count with thousands separators: 1,234,567."""
    as_number = as_float(value)
    if as_number is None or math.isinf(as_number):
        return MISSING
    return f"{round(as_number):,}"


def percent(share: float | None) -> str:
    """A share in [0, 1] as a percentage: 12.3%, 0.04% or <0.01% for tiny non-zero shares."""
    if share is None or math.isnan(share):
        return MISSING
    value = share * 100
    if value == 0:
        return "0%"
    if abs(value) < 0.01:
        return "<0.01%"
    if abs(value) < 1:
        return f"{value:.2f}%"
    if abs(value) >= 99.95 and value < 100:
        return ">99.9%"
    return f"{value:.1f}%".replace(".0%", "%")


def timestamp(when: datetime | None) -> str:
    """A moment in UTC to the minute (seconds when they are not zero)."""
    if when is None:
        return MISSING
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    pattern = "%Y-%m-%d %H:%M:%S" if when.second else "%Y-%m-%d %H:%M"
    return when.strftime(pattern) + " UTC"


def span(length: timedelta) -> str:
    """A length of time in the largest whole units: 1 day, 6 hours, 90 minutes, 3.2 s."""
    seconds = length.total_seconds()
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            amount = int(seconds // size)
            return f"{amount} {unit}{'s' if amount != 1 else ''}"
    if seconds >= 60:
        return f"{seconds / 3600:.1f} hours" if seconds >= 3600 else f"{seconds / 60:.0f} minutes"
    return f"{seconds:.3g} s"


def seconds(value: float | None) -> str:
    """A run's duration: 0.42 s, 12 s, 3 min 20 s."""
    if value is None:
        return MISSING
    if value < 60:
        return f"{value:.2g} s" if value < 10 else f"{value:.0f} s"
    minutes, rest = divmod(round(value), 60)
    return f"{minutes} min {rest} s"


def plural(amount: int, word: str, many: str | None = None) -> str:
    """``3 features``, ``1 feature``."""
    return f"{amount:,} {word if amount == 1 else (many or word + 's')}"
