"""The scheduler behind ``driftplane serve``: every monitor on its schedule, one run at a time.

Each monitor has its own worker thread, so a slow monitor never delays another, and a
monitor never runs twice at once. On start each monitor catches up at most one missed
window (the latest scheduled one, if history has no run for it that did not fail); older gaps
are left to an explicit ``driftplane run --from --to`` backfill. Stopping waits for runs in progress: their
reports are written atomically, so nothing is ever half-written.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from driftplane.result import RunResult, Window
from driftplane.result_summary import drifted_words, report_path, summary_line
from driftplane.spec.schedules import Schedule

logger = logging.getLogger(__name__)


class WindowRunner(Protocol):
    """What the scheduler needs from the local runner."""

    def run_window(
        self, monitor: str, end: datetime, *, defer_alerts: list[Callable[[], None]] | None = None
    ) -> RunResult: ...

    def last_window_end(self, monitor: str) -> datetime | None: ...

    def window_of(self, monitor: str, tick: datetime) -> Window: ...


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class MonitorState:
    """What /healthz reports per monitor."""

    schedule: str
    next_run: datetime | None = None
    running_window: datetime | None = None
    last_window: datetime | None = None
    last_status: str | None = None
    last_error: str | None = None
    runs: int = 0


@dataclass
class Scheduler:
    """Runs ``monitors`` (name -> Schedule) through ``runner`` until ``stop()``."""

    runner: WindowRunner
    monitors: dict[str, Schedule]
    clock: Callable[[], datetime] = utcnow
    catch_up: bool = True
    states: dict[str, MonitorState] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        for name, schedule in self.monitors.items():
            self.states[name] = MonitorState(schedule=str(schedule))

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def start(self) -> None:
        """Start one worker thread per monitor."""
        for name in self.monitors:
            thread = threading.Thread(target=self._work, args=(name,), name=f"driftplane-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        logger.info("serving %d monitor%s: %s", len(self.monitors), "s" if len(self.monitors) != 1 else "",
                    ", ".join(f"{n} ({s})" for n, s in self.monitors.items()))

    def stop(self, timeout: float | None = None) -> bool:
        """Ask every worker to stop after its current run; True if all stopped in time."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        return not any(t.is_alive() for t in self._threads)

    def alive(self) -> bool:
        """True while every worker thread runs (for /healthz)."""
        return bool(self._threads) and all(t.is_alive() for t in self._threads)

    def _missed_window(self, name: str) -> datetime | None:
        """The latest tick, when its window is newer than the last one recorded that did not fail."""
        schedule = self.monitors[name]
        latest = schedule.previous_at_or_before(self.clock())
        last = self.runner.last_window_end(name)
        if last is None or last < self.runner.window_of(name, latest).end:
            return latest
        return None

    def _run(self, name: str, end: datetime) -> None:
        state = self.states[name]
        state.running_window = end
        logger.info("monitor %s: running the window ending %s", name, _moment(end))
        # The window's alerts are sent after its summary line, as `driftplane run` says them:
        # a person reads what the window found first, then the alerts it raised.
        pending: list[Callable[[], None]] = []
        try:
            result = self.runner.run_window(name, end, defer_alerts=pending)
        except Exception as exc:  # a worker must survive any failure of one run and say why
            state.last_status, state.last_error = "failed", f"{type(exc).__name__}: {exc}"
            logger.error(
                "monitor %s: the run for the window ending %s failed: %s", name, _moment(end), exc, exc_info=True
            )
        else:
            state.last_status, state.last_error = result.status, result.error
            if result.status == "failed":
                # The runner logged it as an error, with its traceback and report: said once.
                logger.debug("monitor %s: the run for the window ending %s failed", name, _moment(end))
            else:
                logger.info("%s", _summary(result))
            self._send_alerts(name, end, pending)
        finally:
            state.running_window = None
            state.last_window = end
            state.runs += 1

    def _send_alerts(self, name: str, end: datetime, pending: list[Callable[[], None]]) -> None:
        """Send a window's deferred alerts; a failure is said and the worker goes on."""
        for send in pending:
            try:
                send()
            except Exception as exc:  # a worker must survive any failure of one run and say why
                logger.error(
                    "monitor %s: the alerts of the window ending %s could not be sent: %s",
                    name, _moment(end), exc, exc_info=True,
                )

    def _work(self, name: str) -> None:
        schedule = self.monitors[name]
        state = self.states[name]
        if self.catch_up and not self._stop.is_set():
            missed = self._missed_window(name)
            if missed is not None:
                logger.info("monitor %s: catching up the missed window ending %s", name, _moment(missed))
                self._run(name, missed)
        while not self._stop.is_set():
            due = schedule.next_after(self.clock())
            state.next_run = due
            while not self._stop.is_set():
                remaining = (due - self.clock()).total_seconds()
                if remaining <= 0:
                    break
                self._stop.wait(min(remaining, 60.0))
            if self._stop.is_set():
                break
            self._run(name, due)


def _summary(result: RunResult) -> str:
    """The same words as `driftplane run` prints: verdict, drifted features, report."""
    line = summary_line(result)
    if result.drifted_features:
        line += f"; drifted: {drifted_words(result)}"
    report = report_path(result)
    if report is not None:
        line += f"; report {report}"
    return line


def _moment(when: datetime) -> str:
    """'2026-01-14 00:00 UTC', as the run summary writes times."""
    return f"{when.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
