"""The run loop: which windows a run command means, and each monitor run over them.

Every provider that runs driftplane itself goes through here: local ``run`` and ``serve``,
the AWS processing job and the GCP job. They differ only in what they do with a result
(history and reports, CloudWatch metrics, Cloud Monitoring series), so a scheduled tick
reads the same window, and gives the same result, whoever runs it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from driftplane.errors import UsageError
from driftplane.provider import selected_monitors
from driftplane.resolved import ResolvedMonitor, resolve_monitor
from driftplane.result import Window
from driftplane.spec.models import Spec
from driftplane.windows import FUTURE_ALLOWANCE, iso_z, utc, window_text

logger = logging.getLogger(__name__)
T = TypeVar("T")

# A backfill of more windows than this needs a confirmation (run --yes): a mistyped --from
# must not start tens of thousands of runs.
MAX_BACKFILL_WINDOWS = 10_000


@dataclass(frozen=True)
class RunRequest:
    """What a run asks for: the latest window (nothing set), the window of a tick at ``at``
    (``run --at``, a scheduler's tick), or every window of a backfill from ``start`` to ``end``."""

    at: datetime | None = None
    start: datetime | None = None
    end: datetime | None = None

    @property
    def backfill(self) -> bool:
        return self.start is not None and self.end is not None

    def windows(self, monitor: ResolvedMonitor, *, now: datetime | None = None) -> list[Window]:
        """The windows this request means for ``monitor``, oldest first."""
        if self.start is not None and self.end is not None:
            return monitor.windows.backfill(self.start, self.end)
        if self.at is not None:
            return [monitor.windows.for_tick(self.at)]
        return [monitor.windows.latest(now)]


@dataclass(frozen=True)
class PlannedRun:
    """One monitor and the windows it will run, in order."""

    monitor: ResolvedMonitor
    windows: list[Window]


def refuse_future_window(name: str, window: Window, *, now: datetime | None = None) -> None:
    """UsageError when ``window`` ends after now (beyond the clock-skew allowance).

    Such a window has no complete data yet, and once judged it is the newest an alert has
    seen: every real window after it would look older and could never fire the alert.
    """
    now = utc(now or datetime.now(UTC))
    if utc(window.end) <= now + FUTURE_ALLOWANCE:
        return
    raise UsageError(
        f"monitor {name}: the window {window_text(window)} ends in the future (it is now "
        f"{now:%Y-%m-%d %H:%M} UTC). A window that has not ended has no complete data, and judging it "
        "would make every later run look older, so its alerts could not fire. Run a window that has "
        "ended: leave out --at (the latest scheduled window), or give a time up to now."
    )


def plan_runs(
    spec: Spec, names: Sequence[str] | None, request: RunRequest, *, now: datetime | None = None
) -> list[PlannedRun]:
    """Every selected monitor's windows, all decided before anything runs.

    A window that ends in the future is refused here (UsageError), so a mistyped time
    runs nothing rather than some monitors.
    """
    planned = []
    for name in selected_monitors(spec, names):
        monitor = resolve_monitor(spec, name)
        windows = request.windows(monitor, now=now)
        if request.backfill and not windows:
            assert request.start is not None and request.end is not None
            logger.warning(
                "monitor %s: no scheduled window (%s) ends between %s and %s; nothing to backfill",
                name,
                monitor.schedule,
                iso_z(request.start),
                iso_z(request.end),
            )
        for window in windows:
            refuse_future_window(name, window, now=now)
        planned.append(PlannedRun(monitor, windows))
    return planned


def count_windows(
    spec: Spec, names: Sequence[str] | None, start: datetime, end: datetime, *, limit: int
) -> dict[str, int]:
    """How many windows a backfill runs per monitor, counting no further than ``limit + 1`` in all."""
    counts: dict[str, int] = {}
    total = 0
    for name in selected_monitors(spec, names):
        count = resolve_monitor(spec, name).windows.count_backfill(start, end, limit=max(limit - total, 0))
        counts[name] = count
        total += count
        if total > limit:
            break
    return counts


def run_windows(
    spec: Spec,
    names: Sequence[str] | None,
    request: RunRequest,
    execute: Callable[[ResolvedMonitor, Window, bool], T],
    *,
    now: datetime | None = None,
) -> Iterator[T]:
    """Run each selected monitor over the windows ``request`` means, through ``execute``.

    execute(monitor, window, newest): one run, as the provider does it (``newest`` is True for
        a monitor's last window, for providers that publish only that one).
    """
    for planned in plan_runs(spec, names, request, now=now):
        for number, window in enumerate(planned.windows, start=1):
            yield execute(planned.monitor, window, number == len(planned.windows))


__all__ = [
    "MAX_BACKFILL_WINDOWS",
    "PlannedRun",
    "RunRequest",
    "count_windows",
    "plan_runs",
    "refuse_future_window",
    "run_windows",
]
