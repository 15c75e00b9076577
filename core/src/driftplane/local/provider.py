"""The local provider: the embedded default and the reference every other provider matches."""

from __future__ import annotations

import logging
import shutil
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from driftplane.atomic import writing
from driftplane.engine.loop import RunRequest, run_windows
from driftplane.local.history import HistoryStore
from driftplane.local.settings import STATE_ELSEWHERE, LocalSettings
from driftplane.provider import (
    Change,
    MonitorStatus,
    Plan,
    Provider,
    ProviderSettings,
    monitors_to_destroy,
    selected_monitors,
)
from driftplane.resolved import ResolvedMonitor
from driftplane.result import RunResult, Window
from driftplane.spec.models import Spec
from driftplane.windows import FUTURE_ALLOWANCE, iso_z

logger = logging.getLogger(__name__)


class LocalProvider(Provider):
    """Runs monitors in this process; history in SQLite, reports on disk, alerts by channel."""

    name: ClassVar[str] = "local"
    description: ClassVar[str] = "runs monitors on this machine; history in SQLite, reports on disk"
    backends: ClassVar[tuple[str, ...]] = ("local",)
    settings_model: ClassVar[type[ProviderSettings]] = LocalSettings

    @property
    def local_settings(self) -> LocalSettings:
        assert isinstance(self.settings, LocalSettings)
        return self.settings

    def runner(self, spec: Spec, **kwargs: Any) -> Any:
        """A LocalRunner for ``spec`` with these settings."""
        from driftplane.local.runner import LocalRunner

        return LocalRunner(spec, self.local_settings, **kwargs)

    # --- plan / apply / destroy: nothing is deployed locally ------------------------------

    def plan(self, spec: Spec, *, monitors: Sequence[str] | None = None, offline: bool = False) -> Plan:
        """Nothing to create: monitors run in-process (driftplane run, serve, or a cron job)."""
        changes = [
            Change(
                action="noop",
                kind="local:Monitor",
                name=name,
                monitor=name,
                reason=f"runs in-process ({spec.monitors[name].schedule}); nothing to deploy",
            )
            for name in selected_monitors(spec, monitors)
        ]
        return Plan(provider=self.name, backend=self.backend, changes=changes)

    def apply(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> Plan:
        """Creates the state directory; the monitors themselves need nothing deployed."""
        runner = self.runner(spec)
        with writing("the state directory", runner.state_dir, kept="Nothing was changed.", instead=STATE_ELSEWHERE):
            runner.state_dir.mkdir(parents=True, exist_ok=True)
        return self.plan(spec, monitors=monitors)

    def destroy(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> Plan:
        """Drops the cached baseline profiles. History and reports are the team's record: kept."""
        runner = self.runner(spec)
        changes = []
        for name in monitors_to_destroy(spec, monitors):
            cache = runner.state_dir / "baselines" / name
            if cache.exists():
                with writing(
                    f"the baseline cache of monitor {name} (deleting it)",
                    cache,
                    kept="What could not be deleted is still there; run destroy again once this is fixed.",
                ):
                    if cache.is_dir():
                        shutil.rmtree(cache)
                    else:  # not driftplane's folder layout, but still the cache's place
                        cache.unlink()
                changes.append(
                    Change(
                        action="delete",
                        kind="local:BaselineCache",
                        name=str(cache),
                        monitor=name,
                        reason="cached baseline profile; recomputed at the next run",
                    )
                )
        if changes:
            logger.info(
                "history (%s) and reports (%s) are kept", runner.state_dir / "driftplane.db", runner.reports_dir
            )
        return Plan(provider=self.name, backend=self.backend, changes=changes)

    # --- run / status ---------------------------------------------------------------------

    def run(
        self,
        spec: Spec,
        *,
        monitors: Sequence[str] | None = None,
        at: datetime | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> Iterator[RunResult]:
        """Run each monitor over its window (ending at ``at``), or every window in a backfill.

        Every window is decided first: one that ends in the future is refused (UsageError)
        before anything runs, as judging it would silence the monitor's alerts afterwards.
        """
        runner = self.runner(spec)
        request = RunRequest(at=at, start=start, end=end)
        # Each window's alerts are sent once its result has been handed on (and shown), so
        # an alert line follows the summary of the window it belongs to; also when the caller
        # stops early, since the generator's close runs the finally.
        pending: list[Callable[[], None]] = []
        ran: dict[str, list[Window]] = {}

        def one(monitor: ResolvedMonitor, window: Window, _newest: bool) -> RunResult:
            return runner.run(monitor.name, window, defer_alerts=pending)

        for result in run_windows(spec, monitors, request, one):
            if result.window is not None:
                ran.setdefault(result.monitor, []).append(result.window)
            try:
                yield result
            finally:
                while pending:
                    pending.pop(0)()
        # Windows run earlier whose labels may have landed since are judged again (model quality).
        for name in selected_monitors(spec, monitors):
            yield from runner.rejudge(name, skip=ran.get(name, []))

    def status(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> list[MonitorStatus]:
        """Each monitor's latest runs from history and when its schedule fires next."""
        runner = self.runner(spec)
        now = datetime.now(UTC)
        # A run recorded for a window in the future (an older driftplane allowed it) is not the
        # latest: the runs are the windows that ended by now, and details say how many are beyond.
        horizon = now + FUTURE_ALLOWANCE
        statuses = []
        store = HistoryStore.open(runner.state_dir) if HistoryStore.exists(runner.state_dir) else None
        try:
            for name in selected_monitors(spec, monitors):
                monitor = spec.monitor(name)
                runs = store.list_runs(name, limit=5, not_after=horizon) if store is not None else []
                future = store.future_runs(name, after=horizon) if store is not None else 0
                statuses.append(
                    MonitorStatus(
                        monitor=name,
                        provider=self.name,
                        state=runs[0].status if runs else "never run",
                        schedule=str(monitor.schedule),
                        next_run=monitor.schedule.next_after(now),
                        runs=runs,
                        details={
                            "state_dir": str(runner.state_dir),
                            "reports_dir": str(runner.reports_dir),
                            "future_runs": future,
                        },
                    )
                )
        finally:
            if store is not None:
                store.close()
        return statuses

    # --- serve ------------------------------------------------------------------------------

    def serve(
        self, spec: Spec, *, host: str | None = None, port: int | None = None, stop: threading.Event | None = None
    ) -> None:
        """Run every enabled monitor on its schedule until SIGTERM/SIGINT (or ``stop`` is set)."""
        from driftplane.local.httpserver import start_http_server
        from driftplane.local.prometheus import PrometheusMetrics
        from driftplane.local.report_pages import ReportPages
        from driftplane.local.scheduler import Scheduler

        metrics = PrometheusMetrics()
        runner = self.runner(spec, metrics=metrics, lock_timeout=60.0)
        names = selected_monitors(spec, None)
        scheduler = Scheduler(runner, {name: spec.monitors[name].schedule for name in names})
        serve_settings = self.local_settings.serve

        def health() -> tuple[bool, dict[str, Any]]:
            monitors = {
                name: {
                    "schedule": state.schedule,
                    "next_run": _iso(state.next_run),
                    "running_window": _iso(state.running_window),
                    "last_window": _iso(state.last_window),
                    "last_status": state.last_status,
                    "last_error": state.last_error,
                    "runs": state.runs,
                }
                for name, state in scheduler.states.items()
            }
            return scheduler.alive() and not scheduler.stopping, {"monitors": monitors}

        stop = stop or threading.Event()
        previous: dict[int, Any] = {}
        received: list[int] = []
        # Signals are handled from the start, so a SIGTERM while starting up stops cleanly too.
        if threading.current_thread() is threading.main_thread():
            def on_signal(number: int, frame: Any) -> None:
                if not received:
                    logger.info(
                        "received %s: stopping after the runs in progress finish", signal.Signals(number).name
                    )
                received.append(number)
                stop.set()

            for sig in (signal.SIGTERM.value, signal.SIGINT.value):
                previous[sig] = signal.signal(sig, on_signal)
        try:
            pages = ReportPages(runner.state_dir, names, status=lambda name: scheduler.states[name].last_status)
            server = start_http_server(
                host or serve_settings.host,
                serve_settings.port if port is None else port,
                metrics.registry,
                health,
                pages=pages,
            )
        except BaseException:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            raise
        scheduler.start()
        try:
            while not stop.wait(1.0):
                pass
        finally:
            scheduler.stop()
            server.shutdown()
            server.server_close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            logger.info("stopped; every finished run is in history and its reports are complete")
        if signal.SIGINT.value in received[:1]:
            # Ctrl-C: stopped cleanly, and the command ends as every interrupted one does (exit 130).
            raise KeyboardInterrupt


def _iso(moment: datetime | None) -> str | None:
    """'2026-01-14T00:00:00Z': ISO 8601 in UTC, as /healthz and every JSON of driftplane write times."""
    return None if moment is None else iso_z(moment)
