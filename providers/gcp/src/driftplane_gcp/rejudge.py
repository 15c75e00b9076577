"""Judging earlier windows again as their labels land, in a job that keeps no history.

The local provider re-judges each recorded window whose last judgement came before its
``wait`` had passed (``LocalRunner.rejudge``). The Cloud Run job has no history to look in,
but the schedule says the same thing: the previous run, one tick earlier, judged every window
that was not yet settled then; so each run judges again every earlier window whose final
time (its end plus ``wait``) is after the previous tick. A window is judged once more in the
run after its wait has passed, and that judgement is final. Runs that did not happen (the job
was paused) leave the windows that settled meanwhile with their last judgement.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from driftplane.engine.profile import Profile
from driftplane.errors import DataError
from driftplane.resolved import REJUDGE_LOOKBACK, ResolvedMonitor
from driftplane.result import Rows, RunResult, Window
from driftplane.result_summary import summary_line
from driftplane.windows import describe_window

logger = logging.getLogger(__name__)

# At most this many earlier windows are judged in one run, as the local runner looks at its latest
# REJUDGE_LOOKBACK runs; ``validate`` refuses a monitor whose wait covers more.
MAX_REJUDGED = REJUDGE_LOOKBACK


def windows_due(monitor: ResolvedMonitor, newest: Window, *, limit: int = MAX_REJUDGED) -> list[Window]:
    """The earlier windows a run whose newest window is ``newest`` judges again, oldest first.

    Empty for a monitor without labels or with a fixed window; at most ``limit`` + 1 windows
    (so a caller can tell that there are more than ``limit``).
    """
    policy = monitor.performance
    rule = monitor.windows
    if policy is None or policy.labels is None or rule.fixed is not None:
        return []
    tick = rule.latency.after(newest.end) if rule.latency is not None else newest.end
    previous_run = rule.previous_tick(tick)
    due: list[Window] = []
    at = tick
    while len(due) <= limit:
        at = rule.previous_tick(at)
        window = rule.for_tick(at)
        if window.end >= newest.end:
            continue
        if policy.final_at(window.end) <= previous_run:
            break  # settled when the previous run judged it; so is every earlier window
        due.append(window)
    return list(reversed(due))


def rejudge(
    monitor: ResolvedMonitor, newest: Window, *, profile: Profile, now: datetime, cache_dir: Path | None = None
) -> list[RunResult]:
    """The judgement as of ``now`` of each earlier window whose labels may have landed since the last run.

    ``profile`` is the baseline's, as the newest window's run loaded it; ``cache_dir`` the run's
    baseline cache, where that run kept the labelled baseline's quality. A window whose data
    cannot be read any more is logged as an error naming it and left out; the others are judged.
    """
    from driftplane.engine.performance.judge import judge_window
    from driftplane.engine.performance.monitor_quality import monitor_baseline_quality

    windows = windows_due(monitor, newest)[:MAX_REJUDGED]
    if not windows:
        return []
    quality = monitor_baseline_quality(monitor, profile, cache_dir)
    results = []
    for window in windows:
        try:
            performance = judge_window(monitor, window, baseline=quality, now=now, column_names=profile.layout)
        except DataError as exc:
            logger.error(
                "monitor %s: the window %s could not be judged again as labels land (%s); its last judgement "
                "in Cloud Monitoring stands",
                monitor.name,
                describe_window(window),
                exc,
                exc_info=exc,
            )
            continue
        if performance.judged == "none":  # no predictions (or no label in time, and no estimate): nothing to write
            logger.debug("monitor %s: nothing to judge again in %s", monitor.name, describe_window(window))
            continue
        result = RunResult(
            monitor=monitor.name,
            window=window,
            rows=Rows(baseline=profile.rows, target=performance.coverage.predictions),
            status="ok",
            provider="gcp",
            started_at=now,
            performance=performance,
            messages=["judged again as labels land; input drift and data quality are those of the window's own run"],
        )
        logger.info("monitor %s: judged again as labels land: %s", monitor.name, summary_line(result))
        results.append(result)
    return results


__all__ = ["MAX_REJUDGED", "rejudge", "windows_due"]
