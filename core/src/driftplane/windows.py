"""Windows: which time range a run reads, decided once for every provider.

A window is half-open, [start, end), in UTC (``driftplane.result.Window``). A monitor's
``WindowRule`` maps a scheduled tick to the window that tick reads:

    [tick - latency - length, tick - latency)

``length`` is the target's ``window`` or, when it has none, the gap between the tick and
the schedule's previous tick, so consecutive runs of any schedule (a weekday cron
included) read consecutive windows that leave nothing out. ``run --at T`` reads the window
of a tick at T; ``run`` without ``--at`` the window of the latest tick; a backfill the
window of every tick in its range. The local provider, ``serve``, the AWS processing job
and the GCP job all ask this rule, so one tick reads one window wherever it runs.

Pure time arithmetic (no pyarrow), so the CLI can import it without the engine.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from driftplane.result import Window
from driftplane.spec.durations import Duration
from driftplane.spec.models import FixedWindow
from driftplane.spec.schedules import Schedule

# The reference span the typical period of a cron schedule is measured over: fixed, so a
# plan built on a Monday and one built on a Saturday agree. A Monday at midnight UTC.
REFERENCE_START = datetime(2026, 1, 5, tzinfo=UTC)
REFERENCE_TICKS = 2_000  # at most this many ticks are walked to measure it
REFERENCE_SPAN = timedelta(days=366)  # ... and no more than a year of them
# How far past now a window may end and still be run: the clocks of two machines (the one
# that wrote the data, the one that runs driftplane) disagree by a little.
FUTURE_ALLOWANCE = timedelta(minutes=5)


def utc(when: datetime) -> datetime:
    """Naive times are UTC; aware ones are converted to UTC."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def iso_z(when: datetime) -> str:
    """``2026-01-14T00:00:00Z``: a moment in UTC to the second, as logs, /healthz and JSON write it."""
    return utc(when).strftime("%Y-%m-%dT%H:%M:%SZ")


def window_text(window: Window) -> str:
    """``2026-01-05 00:00 to 2026-01-06 00:00 UTC``: a window as a person reads it."""
    start, end = utc(window.start), utc(window.end)
    fmt = "%Y-%m-%d %H:%M:%S" if start.second or end.second else "%Y-%m-%d %H:%M"
    return f"{start.strftime(fmt)} to {end.strftime(fmt)} UTC"


def describe_window(window: Window) -> str:
    """``[2026-01-05T00:00:00Z, 2026-01-06T00:00:00Z)`` for messages."""
    return f"[{_iso(window.start)}, {_iso(window.end)})"


def _iso(when: datetime) -> str:
    return utc(when).isoformat().replace("+00:00", "Z")


def window_ending_at(
    end: datetime, length: Duration | FixedWindow | str, *, latency: Duration | str | None = None
) -> Window:
    """``length`` back from ``end`` (moved back by ``latency`` first), or the fixed range itself."""
    if isinstance(length, FixedWindow):
        return Window(start=utc(length.start), end=utc(length.end))
    duration = Duration.parse(length)
    end = utc(end)
    if latency is not None:
        end = Duration.parse(latency).before(end)
    return Window(start=duration.before(end), end=end)


@dataclass(frozen=True)
class WindowRule:
    """How a monitor's scheduled ticks map to the windows they read.

    length: the target's window; None reads the gap since the schedule's previous tick.
    fixed: a fixed range every run reads (one-off comparisons); ticks do not move it.
    latency: how late data arrives; every window ends this long before its tick.
    """

    schedule: Schedule
    length: Duration | None = None
    fixed: FixedWindow | None = None
    latency: Duration | None = None

    # -- ticks -----------------------------------------------------------------------------

    def previous_tick(self, tick: datetime) -> datetime:
        """The schedule's tick strictly before ``tick``."""
        return self.schedule.previous_at_or_before(utc(tick) - timedelta(microseconds=1))

    def latest_tick(self, now: datetime | None = None) -> datetime:
        """The last tick at or before ``now`` (default: the current time)."""
        return self.schedule.previous_at_or_before(utc(now or datetime.now(UTC)))

    def ticks(self, start: datetime, end: datetime, *, limit: int | None = None) -> list[datetime]:
        """The ticks in (start, end], oldest first; at most ``limit`` of them when given."""
        start, end = utc(start), utc(end)
        out: list[datetime] = []
        tick = self.schedule.next_after(start)
        while tick <= end and (limit is None or len(out) < limit):
            out.append(tick)
            tick = self.schedule.next_after(tick)
        return out

    # -- windows ---------------------------------------------------------------------------

    def for_tick(self, tick: datetime) -> Window:
        """The window a run scheduled at ``tick`` reads (``tick`` need not be on the schedule).

        Off the schedule (``run --at 12:00`` on a daily monitor), the length is the gap
        that ends at the last tick at or before it, so ``--at`` keeps a daily monitor's
        windows a day long.
        """
        tick = utc(tick)
        if self.fixed is not None:
            return Window(start=utc(self.fixed.start), end=utc(self.fixed.end))
        end = self.latency.before(tick) if self.latency is not None else tick
        if self.length is not None:
            return Window(start=self.length.before(end), end=end)
        on_schedule = self.schedule.previous_at_or_before(tick)
        gap = on_schedule - self.previous_tick(on_schedule)
        return Window(start=end - gap, end=end)

    def latest(self, now: datetime | None = None) -> Window:
        """The window of the latest tick: what ``run`` reads without ``--at``."""
        return self.for_tick(self.latest_tick(now))

    def backfill(self, start: datetime, end: datetime) -> list[Window]:
        """The window of every tick in (start, end], oldest first; a fixed window once."""
        if self.fixed is not None:
            return [self.for_tick(utc(end))]
        return [self.for_tick(tick) for tick in self.ticks(start, end)]

    def count_backfill(self, start: datetime, end: datetime, *, limit: int) -> int:
        """How many windows a backfill runs, counting no further than ``limit + 1``.

        Stops early so a range of millions of windows is refused at once.
        """
        if self.fixed is not None:
            return 1
        return len(self.ticks(start, end, limit=limit + 1))

    def ends_in_future(self, window: Window, *, now: datetime | None = None) -> bool:
        """True when ``window`` ends after now, beyond the clock-skew allowance."""
        return utc(window.end) > utc(now or datetime.now(UTC)) + FUTURE_ALLOWANCE

    # -- lengths for translators -------------------------------------------------------------

    @cached_property
    def _gaps(self) -> Counter[timedelta]:
        gaps: Counter[timedelta] = Counter()
        tick = self.schedule.previous_at_or_before(REFERENCE_START)
        for _ in range(REFERENCE_TICKS):
            following = self.schedule.next_after(tick)
            gaps[following - tick] += 1
            tick = following
            if tick - REFERENCE_START > REFERENCE_SPAN:
                break
        return gaps

    @property
    def period(self) -> timedelta:
        """The schedule's usual time between two ticks (the most common gap).

        Keywords are exact (1h, 1d, 7d). A cron is measured over a fixed reference year,
        so every plan agrees whatever day it is built: a weekday cron's period is 1 day,
        a monthly cron's 31 days (ties go to the longer gap).
        """
        fixed = {"hourly": timedelta(hours=1), "daily": timedelta(days=1), "weekly": timedelta(days=7)}
        if self.schedule.keyword in fixed:
            return fixed[self.schedule.keyword]
        return max(self._gaps.items(), key=lambda item: (item[1], item[0]))[0]

    @property
    def longest_gap(self) -> timedelta:
        """The longest time between two ticks (a weekday cron's weekend: 3 days)."""
        if self.schedule.keyword is not None:
            return self.period
        return max(self._gaps)

    @property
    def regular(self) -> bool:
        """True when every gap between ticks is the same, so every window has one length."""
        return self.schedule.keyword is not None or len(self._gaps) == 1

    @property
    def window_length(self) -> Duration | None:
        """Every window's length when it is one length (the target's window, or a regular
        schedule's period); None for a fixed window or an irregular schedule without one."""
        if self.fixed is not None:
            return None
        if self.length is not None:
            return self.length
        return Duration.parse(self.period) if self.regular else None

    def describe(self) -> str:
        """'the last 1d, read 2h late, at every daily run' for reports and plans."""
        if self.fixed is not None:
            return f"the fixed window {window_text(Window(start=self.fixed.start, end=self.fixed.end))}"
        length = f"the last {self.length}" if self.length is not None else "the time since the previous run"
        late = f", {self.latency} late" if self.latency is not None else ""
        return f"{length}{late}, at every {self.schedule} run"


__all__ = [
    "FUTURE_ALLOWANCE",
    "WindowRule",
    "describe_window",
    "iso_z",
    "utc",
    "window_ending_at",
    "window_text",
]
