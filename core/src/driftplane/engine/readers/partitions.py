"""Partition formats in paths: ``data/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.csv``.

Time-partitioned data (SageMaker capture's ``yyyy/mm/dd/hh`` folders, Azure's
``{timestamp:yyyy/MM/dd}`` partition formats) carries each file's time in its path. Reading
that time from the path lets a window skip whole files without opening them, and gives
rows a virtual timestamp column when the data itself has none.

A field is ``{name:format}``; the format uses yyyy, MM, dd, HH, mm, ss and literal
separators (``{timestamp:yyyy/MM/dd}``, ``{date:yyyy-MM-dd}``). The fields must name a time
from the year down without gaps; the finest one sets the partition's period (a day for
``dd``). A field without a format (``{region}``) matches any one path segment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from driftplane.errors import DataError
from driftplane.spec.durations import Duration

FIELD = re.compile(r"\{([^{}:]*)(?::([^{}]*))?\}")
TOKEN = re.compile(r"yyyy|MM|dd|HH|mm|ss")
# token -> (regex for its digits, datetime attribute, period when it is the finest field)
TOKENS: dict[str, tuple[str, str, Duration]] = {
    "yyyy": (r"\d{4}", "year", Duration(months=12, text="1y")),
    "MM": (r"\d{2}", "month", Duration(months=1, text="1mo")),
    "dd": (r"\d{2}", "day", Duration(fixed=timedelta(days=1), text="1d")),
    "HH": (r"\d{2}", "hour", Duration(fixed=timedelta(hours=1), text="1h")),
    "mm": (r"\d{2}", "minute", Duration(fixed=timedelta(minutes=1), text="1m")),
    "ss": (r"\d{2}", "second", Duration(fixed=timedelta(seconds=1), text="1s")),
}
ORDER = ("yyyy", "MM", "dd", "HH", "mm", "ss")
STRFTIME = {"yyyy": "%Y", "MM": "%m", "dd": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}


@dataclass(frozen=True)
class Partition:
    """One period of a partitioned path: its time range and the glob that lists its files."""

    start: datetime
    end: datetime
    pattern: str  # the template with this period's values filled in (may still hold * or ?)


@dataclass(frozen=True)
class PartitionTemplate:
    """A path with time fields: turns paths into periods and periods into paths."""

    template: str
    glob: str  # the template with every field replaced by a wildcard
    regex: re.Pattern[str]
    tokens: tuple[str, ...]  # time tokens present, coarse to fine (a prefix of ORDER)

    @classmethod
    def parse(cls, template: str) -> PartitionTemplate | None:
        """The template in ``template``, or None when it has no ``{...}`` fields."""
        if not FIELD.search(template):
            return None
        glob_parts: list[str] = []
        regex_parts: list[str] = []
        seen: list[str] = []
        pos = 0
        for match in FIELD.finditer(template):
            literal = template[pos : match.start()]
            glob_parts.append(literal)
            regex_parts.append(_glob_to_regex(literal))
            pos = match.end()
            name, fmt = match.group(1), match.group(2)
            if fmt is None:  # {region}: any one path segment
                glob_parts.append("*")
                regex_parts.append(r"[^/]*")
                continue
            if not TOKEN.search(fmt):
                raise DataError(
                    f"partition field '{match.group(0)}' in {template} has no time parts; "
                    "use yyyy, MM, dd, HH, mm, ss, e.g. {timestamp:yyyy/MM/dd}"
                )
            field_glob, field_regex = _field_patterns(fmt, seen, name, template)
            glob_parts.append(field_glob)
            regex_parts.append(field_regex)
        tail = template[pos:]
        glob_parts.append(tail)
        regex_parts.append(_glob_to_regex(tail))
        tokens = tuple(t for t in ORDER if t in seen)
        if tokens and tokens != ORDER[: len(tokens)]:
            missing = [t for t in ORDER[: ORDER.index(tokens[-1])] if t not in tokens]
            raise DataError(
                f"partition format in {template} has {', '.join(tokens)} but not {', '.join(missing)}; "
                "time fields must run from the year down without gaps (yyyy, MM, dd, HH, mm, ss)"
            )
        return cls(
            template=template,
            glob="".join(glob_parts),
            regex=re.compile("".join(regex_parts)),
            tokens=tokens,
        )

    @property
    def has_time(self) -> bool:
        return bool(self.tokens)

    @property
    def period(self) -> Duration | None:
        """How long one partition lasts (a day for ``dd``); None without time fields."""
        return TOKENS[self.tokens[-1]][2] if self.tokens else None

    def period_of(self, path: str) -> tuple[datetime, datetime] | None:
        """The [start, end) period a path belongs to; None when it does not fit the template."""
        match = self.regex.fullmatch(path)
        if match is None or not self.tokens:
            return None
        values: dict[str, int] = {}
        for group, text in match.groupdict().items():
            token = group.split("_")[0]
            number = int(text)
            if values.setdefault(token, number) != number:
                return None  # the same part twice with different values
        parts = {TOKENS[t][1]: values[t] for t in self.tokens}
        try:
            start = datetime(
                parts.get("year", 1),
                parts.get("month", 1),
                parts.get("day", 1),
                parts.get("hour", 0),
                parts.get("minute", 0),
                parts.get("second", 0),
                tzinfo=UTC,
            )
        except ValueError:
            return None  # 2026/13/40: not a date
        period = self.period
        assert period is not None
        return start, period.after(start)

    def floor(self, when: datetime) -> datetime:
        """The start of the partition holding ``when``."""
        when = when.astimezone(UTC)
        keep = {TOKENS[t][1] for t in self.tokens}
        return datetime(
            when.year,
            when.month if "month" in keep else 1,
            when.day if "day" in keep else 1,
            when.hour if "hour" in keep else 0,
            when.minute if "minute" in keep else 0,
            when.second if "second" in keep else 0,
            tzinfo=UTC,
        )

    def partitions(self, start: datetime, end: datetime) -> Iterator[Partition]:
        """Every partition overlapping [start, end), in time order, with its listing glob."""
        period = self.period
        if period is None:
            return
        current = self.floor(start)
        while current < end:
            following = period.after(current)
            yield Partition(start=current, end=following, pattern=self.fill(current))
            current = following

    def count_partitions(self, start: datetime, end: datetime) -> int:
        """How many partitions overlap [start, end), computed without listing them one by one."""
        period = self.period
        if period is None:
            return 0
        first = self.floor(start)
        if period.months:
            last = self.floor(end - timedelta(microseconds=1))
            months = (last.year - first.year) * 12 + (last.month - first.month)
            return months // period.months + 1
        span = end - first
        return max(0, -(-span // period.fixed))

    def fill(self, when: datetime) -> str:
        """The template with the time fields set to ``when`` (other fields become ``*``)."""

        def replace(match: re.Match[str]) -> str:
            fmt = match.group(2)
            if fmt is None:
                return "*"
            return TOKEN.sub(lambda t: when.strftime(STRFTIME[t.group(0)]), fmt)

        return FIELD.sub(replace, self.template)


def _field_patterns(fmt: str, seen: list[str], name: str, template: str) -> tuple[str, str]:
    """Glob and regex for one field's format, e.g. ``yyyy/MM/dd`` -> ``*/*/*`` and digits."""
    glob = ""
    regex = ""
    pos = 0
    for token in TOKEN.finditer(fmt):
        literal = fmt[pos : token.start()]
        glob += literal
        regex += re.escape(literal)
        text = token.group(0)
        group = f"{text}_{sum(1 for s in seen if s == text)}"
        seen.append(text)
        glob += "*"
        regex += f"(?P<{group}>{TOKENS[text][0]})"
        pos = token.end()
    literal = fmt[pos:]
    if any(c in literal for c in "{}"):
        raise DataError(f"partition field '{{{name}:{fmt}}}' in {template} is not closed properly")
    glob += literal
    regex += re.escape(literal)
    return glob, regex


def _glob_to_regex(text: str) -> str:
    """Translate the glob parts between fields (``*``, ``**``, ``?``) to a path regex."""
    out = ""
    i = 0
    while i < len(text):
        c = text[i]
        if text.startswith("**/", i):
            out += r"(?:.*/)?"
            i += 3
            continue
        if text.startswith("**", i):
            out += r".*"
            i += 2
            continue
        if c == "*":
            out += r"[^/]*"
        elif c == "?":
            out += r"[^/]"
        elif c == "[":
            close = text.find("]", i + 1)
            if close == -1:
                out += re.escape(c)
            else:
                body = text[i + 1 : close]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out += f"[{body}]"
                i = close + 1
                continue
        else:
            out += re.escape(c)
        i += 1
    return out
