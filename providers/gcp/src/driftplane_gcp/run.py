"""Running monitors with the engine, here or in the Cloud Run job, and writing the results.

Every run goes through the engine's run loop (``driftplane.engine.loop.run_windows``), so a
tick, ``--at`` or a backfill range means the same windows as for the local provider; what
is particular to Google Cloud is only what happens to a result: it is written as time
series (``publish``). Cloud Monitoring takes points in time order and at most 25 hours old,
so a backfill runs every window but writes only the newest one's points. With a model, the
newest window's run also judges again the earlier windows whose labels may have landed since
the previous run (``rejudge``), and writes each judgement in its own series.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from driftplane.errors import ProviderError
from driftplane.resolved import ResolvedMonitor
from driftplane.result import RunResult, Window
from driftplane.spec.models import Spec
from driftplane_gcp.clients import GcpClients
from driftplane_gcp.rejudge import rejudge
from driftplane_gcp.settings import GcpSettings

logger = logging.getLogger(__name__)


def run_monitors(
    spec: Spec,
    clients: GcpClients,
    *,
    settings: GcpSettings,
    project: str,
    monitors: Sequence[str] | None = None,
    at: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Iterator[RunResult]:
    """Each run's result, newest window of each monitor written to Cloud Monitoring.

    A write that fails is said in that result's messages, the other monitors still run, and
    the failures are raised (one ProviderError) once every result has been yielded.
    clock: the time windows are judged at (labels landed by then; default now); tests replay days with it.
    """
    from driftplane.engine.loop import RunRequest, run_windows
    from driftplane.engine.monitor import BaselineCache, run_monitor
    from driftplane_gcp.publish import finished_at, publish

    failures: list[ProviderError] = []
    warned: set[str] = set()

    def execute(monitor: ResolvedMonitor, window: Window, newest: bool) -> RunResult:
        if not newest and monitor.name not in warned:
            warned.add(monitor.name)
            logger.warning(
                "monitor %s: backfilling; every window runs, but only the newest is written to Cloud Monitoring, "
                "which accepts points in time order and at most 25 hours old",
                monitor.name,
            )
        now = clock() if clock is not None else datetime.now(UTC)
        with tempfile.TemporaryDirectory(prefix="driftplane-") as scratch:
            # A model's run keeps the labelled baseline's quality here, so windows judged again reuse it.
            cache = BaselineCache(Path(scratch)) if newest and monitor.performance is not None else None
            outcome = run_monitor(monitor, window, cache=cache, provider="gcp", now=now)
            result = outcome.result
            if not newest:
                return result
            rejudged: list[RunResult] = []
            if outcome.baseline is not None:  # labels of earlier windows land even when today's data is late
                rejudged = rejudge(
                    monitor,
                    window,
                    profile=outcome.baseline.profile,
                    now=now,
                    cache_dir=cache.directory if cache is not None else None,
                )
        try:
            publish(
                clients,
                result,
                settings=settings,
                project=project,
                at=finished_at(result),
                read_seconds=outcome.read_seconds,
                monitor=monitor,
                rejudged=rejudged,
            )
        except ProviderError as exc:
            failures.append(exc)
            note = f"the result could not be written to Cloud Monitoring: {exc}"
            result = result.model_copy(update={"messages": [*result.messages, note]})
        return result

    yield from run_windows(spec, monitors, RunRequest(at=at, start=start, end=end), execute)
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise ProviderError("\n".join(str(f) for f in failures))


__all__ = ["run_monitors"]
