"""The local runner: one monitor, one window, end to end.

Profile the baseline once (cached under the state directory), profile the target window,
decide drift and quality (``engine.monitor.run_monitor``), write the reports as one
atomic bundle, record the run in history, then evaluate alerts. Each step is ordered so
that a crash or a full disk never loses a run: history is written after the reports, in
one transaction, and alerts are sent only for runs that history holds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from driftplane.engine.constraints import Constraints
from driftplane.engine.jsonfiles import write_json_atomic
from driftplane.engine.monitor import (
    BaselineCache,
    MonitorRun,
    load_monitor_baseline,
    profiling_monitor,
    run_monitor,
)
from driftplane.engine.sagemaker import write_constraints, write_statistics, write_violations
from driftplane.errors import DataError, StorageError
from driftplane.local.alerts import process_alerts
from driftplane.local.bundle import remove_leftovers, report_bundle
from driftplane.local.history import HistoryStore
from driftplane.local.locks import monitor_lock
from driftplane.local.prometheus import PrometheusMetrics
from driftplane.local.report import write_report
from driftplane.local.settings import STATE_ELSEWHERE, LocalSettings
from driftplane.resolved import REJUDGE_LOOKBACK, ResolvedMonitor, resolve_monitor
from driftplane.result import RunResult, Window
from driftplane.result_summary import report_path, summary_line
from driftplane.run_metrics import metrics_from_result
from driftplane.spec.models import Spec
from driftplane.windows import FUTURE_ALLOWANCE, describe_window

logger = logging.getLogger(__name__)

REPORT_FILES = {
    "html": "report.html",
    "statistics": "statistics.json",
    "constraints": "constraints.json",
    "constraint_violations": "constraint_violations.json",
    "result": "result.json",
}
Progress = Callable[[str, int], None]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def needs_rejudging(monitor: ResolvedMonitor, recorded: RunResult) -> bool:
    """Whether labels may have landed since ``recorded`` judged its window: it has a model-quality
    judgement made before the window's wait had passed (a judgement made after it is settled)."""
    policy = monitor.performance
    if policy is None or policy.labels is None or recorded.status == "failed" or recorded.window is None:
        return False
    if recorded.performance is None:
        return False
    judged_at = recorded.performance.judged_at or recorded.started_at
    if judged_at is None:
        return False
    judged_at = judged_at if judged_at.tzinfo else judged_at.replace(tzinfo=UTC)
    return judged_at < policy.final_at(recorded.window.end)


def window_folder(window: Window) -> str:
    """A report directory name for a window: its end, e.g. 2026-01-12T0000Z."""
    return window.end.strftime("%Y-%m-%dT%H%MZ")


def say_failure(outcome: MonitorRun, result: RunResult) -> bool:
    """Log a failed run as one error, with its traceback and its report; False if it did not fail.

    The same line as serve logs and as `driftplane run` gives on stderr: 'churn [window]:
    FAILED: why; report PATH'. The command's result line on stdout then says only FAILED.
    """
    if outcome.failure is None:
        return False
    line = summary_line(result)
    report = report_path(result)
    if report is not None:
        line += f"; report {report}"
    failure = outcome.failure
    logger.error("%s", line, exc_info=(type(failure), failure, failure.__traceback__))
    return True


def _not_cached_note(failure: StorageError) -> str:
    """The note a run keeps when its baseline profile could not be cached."""
    return (
        "the baseline profile could not be cached "
        f"({failure.strerror or failure}); it is profiled again at the next run"
    )


def _say(error: DataError) -> None:
    """Log an error that another one, raised after it, would otherwise hide."""
    logger.error("%s", error, exc_info=error)  # its cause's traceback shows where the write failed


@dataclass
class LocalRunner:
    """Runs the monitors of one spec with the local provider's settings."""

    spec: Spec
    settings: LocalSettings
    metrics: PrometheusMetrics | None = None
    lock_timeout: float = 10.0
    progress: Progress | None = None
    # When this runner (a `run` command, a backfill, serve) started: alert deliveries that
    # failed since then wait a minute before their next try; older ones are retried at once.
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    # The time windows are judged at (labels landed by then); tests replay days with it.
    clock: Callable[[], datetime] = _utcnow

    @property
    def state_dir(self) -> Path:
        return self.spec.base_dir / self.settings.state_dir

    @property
    def reports_dir(self) -> Path:
        return self.spec.base_dir / self.settings.reports_dir

    def run_window(
        self, name: str, end: datetime, *, defer_alerts: list[Callable[[], None]] | None = None
    ) -> RunResult:
        """Run ``name`` over the window of a tick at ``end`` (the scheduler's entry point), then
        judge again the earlier windows whose labels may have landed since. defer_alerts: as in ``run``."""
        result = self.run(name, self.window_of(name, end), defer_alerts=defer_alerts)
        self.rejudge(name, skip=[result.window] if result.window is not None else [])
        return result

    def window_of(self, name: str, tick: datetime) -> Window:
        """The window a run of ``name`` scheduled at ``tick`` reads (the monitor's window rule)."""
        return resolve_monitor(self.spec, name).windows.for_tick(tick)

    def last_window_end(self, name: str) -> datetime | None:
        """When the latest window of ``name`` that did not fail ended (for serve's catch-up)."""
        if not HistoryStore.exists(self.state_dir):
            return None
        with HistoryStore.open(self.state_dir) as store:
            return store.latest_window_end(
                name, not_after=datetime.now(UTC) + FUTURE_ALLOWANCE, include_failed=False
            )

    def run(self, name: str, window: Window, *, defer_alerts: list[Callable[[], None]] | None = None) -> RunResult:
        """Run one monitor over one window: reports, history, alerts, metrics.

        defer_alerts: when given, a successful run's alerts are not evaluated here but added to
        it as a call to make once the result has been shown, so that a person reads the
        window's summary first and then the alerts it raised (``driftplane run``). A run whose
        reports or baseline cache failed still sends its alerts here, before raising.

        Raises MonitorBusyError when another process runs the same monitor, and DataError
        when the reports or the baseline cache could not be written (after the run is safely
        in history). A failed run is logged here as one error with its traceback and report.
        """
        with monitor_lock(self.state_dir, name, timeout=self.lock_timeout):
            remove_leftovers(self.reports_dir)
            logger.debug("monitor %s: running %s", name, describe_window(window))
            outcome = run_monitor(
                resolve_monitor(self.spec, name),
                window,
                cache=BaselineCache(self.state_dir / "baselines", instead=STATE_ELSEWHERE),
                provider="local",
                progress=self.progress,
                report_failure=False,  # said below, once, with where its report is
                now=self.clock(),
            )
            cache_failure = outcome.baseline.cache_error if outcome.baseline is not None else None
            if cache_failure is not None:
                outcome.result = outcome.result.model_copy(
                    update={"messages": [*outcome.result.messages, _not_cached_note(cache_failure)]}
                )
            said = False
            try:
                with HistoryStore.open(self.state_dir) as store:
                    history = store.list_runs(name, limit=self.settings.history_runs)
                    result, write_error = self._write_reports(name, outcome, history)
                    said = say_failure(outcome, result)
                    store.record_run(result)
                    if defer_alerts is not None and write_error is None and cache_failure is None:
                        defer_alerts.append(lambda: self.alert(name, result))
                    else:
                        process_alerts(self.spec, name, result, store, session_start=self.started)
            except DataError:
                if not said:  # the history failed too: the run's own failure is still said first
                    say_failure(outcome, outcome.result)
                if cache_failure is not None:
                    _say(cache_failure)
                raise
            if self.metrics is not None:
                self.metrics.publish(metrics_from_result(result, read_seconds=outcome.read_seconds))
                self.metrics.publish_result(result)
                self.metrics.run_finished(name)
            if write_error is not None:
                if cache_failure is not None:
                    _say(cache_failure)
                raise write_error
            if cache_failure is not None:
                raise DataError(
                    f"{str(cache_failure).rstrip('.')}. The run itself went on with the profile "
                    "and is recorded in history; the baseline is profiled again at each run until this is fixed."
                ) from cache_failure
            return result

    def alert(self, name: str, result: RunResult) -> None:
        """Evaluate and send the alerts of a run already in history (see ``run``'s defer_alerts)."""
        with monitor_lock(self.state_dir, name, timeout=self.lock_timeout), HistoryStore.open(self.state_dir) as store:
            process_alerts(self.spec, name, result, store, session_start=self.started)

    def rejudge(self, name: str, *, skip: Collection[Window] = ()) -> list[RunResult]:
        """Judge again each recorded window of ``name`` whose labels may have landed since its last
        judgement (``needs_rejudging``), oldest first; each judgement is recorded as a run of that
        window, and performance alerts are evaluated on it. ``skip``: windows just run.

        A window whose re-judgement fails (its data is gone) keeps its recorded run; the failure
        is logged as an error naming the window.
        """
        monitor = resolve_monitor(self.spec, name)
        if monitor.performance is None or monitor.performance.labels is None:
            return []
        if not HistoryStore.exists(self.state_dir):
            return []
        with HistoryStore.open(self.state_dir) as store:
            recent = store.list_runs(name, limit=REJUDGE_LOOKBACK)
        skipped = {(w.start, w.end) for w in skip}
        due: dict[tuple[datetime, datetime], RunResult] = {}
        for recorded in recent:  # newest first: the latest judgement of each window decides
            window = recorded.window
            if window is None or (window.start, window.end) in skipped or (window.start, window.end) in due:
                continue
            due[(window.start, window.end)] = recorded
        results = []
        for key in sorted(due):
            if not needs_rejudging(monitor, due[key]):
                continue
            result = self._rejudge_one(monitor, due[key])
            if result is not None:
                results.append(result)
        return results

    def _rejudge_one(self, monitor: ResolvedMonitor, recorded: RunResult) -> RunResult | None:
        from driftplane.engine.performance.monitor_quality import add_performance

        name = monitor.name
        window = recorded.window
        assert window is not None
        now = self.clock()
        with monitor_lock(self.state_dir, name, timeout=self.lock_timeout):
            cache = BaselineCache(self.state_dir / "baselines", instead=STATE_ELSEWHERE)
            try:
                baseline = load_monitor_baseline(profiling_monitor(monitor), window=window, cache=cache)
                result = add_performance(
                    monitor, recorded, window, profile=baseline.profile, cache_dir=cache.directory, now=now
                )
            except DataError as exc:
                logger.error(
                    "monitor %s: the window %s could not be judged again as labels land (%s); its recorded run "
                    "is kept", name, describe_window(window), exc, exc_info=exc,
                )
                return None
            with HistoryStore.open(self.state_dir) as store:
                self._rewrite_result_files(name, result, store)
                store.record_run(result)
                # The new judgement first, then the alerts it raises (as a run says them).
                logger.info("monitor %s: judged again as labels land: %s", name, summary_line(result))
                process_alerts(self.spec, name, result, store, session_start=self.started, only=("performance",))
        if self.metrics is not None:
            self.metrics.publish_result(result)
        return result

    def _rewrite_result_files(self, name: str, result: RunResult, store: HistoryStore) -> None:
        """The window's result.json and report page with the new judgement (atomic writes)."""
        window = result.window
        assert window is not None
        folder = self.reports_dir / name / window_folder(window)
        if not folder.is_dir():
            return
        try:
            write_json_atomic(folder / REPORT_FILES["result"], result.model_dump(mode="json"))
            write_report(
                folder / REPORT_FILES["html"],
                result,
                history=store.list_runs(name, limit=self.settings.history_runs),
                monitor=self.spec.monitor(name),
            )
        except (OSError, DataError) as exc:
            logger.error("monitor %s: the reports in %s could not be updated with the new judgement: %s",
                         name, folder, exc, exc_info=exc)

    def _write_reports(
        self, name: str, outcome: MonitorRun, history: list[RunResult]
    ) -> tuple[RunResult, DataError | None]:
        """Write the bundle; on failure keep the result (with a note) and return the error."""
        result = outcome.result
        window = result.window
        assert window is not None
        final = self.reports_dir / name / window_folder(window)
        paths = {kind: str(final / file) for kind, file in REPORT_FILES.items()}
        if outcome.target is None:  # a failed run: the result and the page that explains it
            paths = {k: v for k, v in paths.items() if k in ("html", "result")}
        result = result.model_copy(update={"reports": paths})
        try:
            with report_bundle(final) as folder:
                if outcome.target is not None and outcome.baseline is not None:
                    write_statistics(outcome.target, folder / REPORT_FILES["statistics"])
                    constraints: Constraints = outcome.baseline.constraints
                    write_constraints(constraints, folder / REPORT_FILES["constraints"])
                    write_violations(result.violations, folder / REPORT_FILES["constraint_violations"])
                write_report(
                    folder / REPORT_FILES["html"],
                    result,
                    history=history,
                    monitor=self.spec.monitor(name),
                    base_dir=self.spec.base_dir,
                )
                write_json_atomic(folder / REPORT_FILES["result"], result.model_dump(mode="json"))
        except (OSError, DataError) as exc:
            reason = exc.strerror if isinstance(exc, OSError | StorageError) and exc.strerror else str(exc)
            message = (
                f"the reports of monitor {name} for {describe_window(window)} could not be "
                f"written to {final}: {reason}. The run itself is recorded in history; free space "
                "or fix the reports directory, then run this window again to get its reports."
            )
            kept = result.model_copy(update={"reports": {}, "messages": [*result.messages, message]})
            error = DataError(message)
            error.__cause__ = exc  # the log file's traceback shows the write that failed
            return kept, error
        logger.debug("monitor %s: %s: %s; report %s", name, describe_window(window), result.status, paths["html"])
        return result, None
