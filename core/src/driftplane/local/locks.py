"""One run of a monitor at a time: a per-monitor lock file under the state directory.

Two ``driftplane run`` (or a ``run`` beside ``serve``) on the same monitor would write the
same report directory and race on alert state. The second one waits up to a timeout and
then refuses, naming the monitor and the process that holds it. The lock is an
``flock`` on ``<state_dir>/locks/<monitor>.lock``: the kernel releases it when the holder
exits, even when killed, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from driftplane.atomic import writing
from driftplane.errors import DriftplaneError, StorageError
from driftplane.local.settings import STATE_ELSEWHERE

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.05
DEFAULT_TIMEOUT = 10.0


class MonitorBusyError(DriftplaneError):
    """Another process is running the same monitor (exit code 3)."""

    def __init__(self, message: str, *, monitor: str, holder: str | None) -> None:
        super().__init__(message)
        self.monitor = monitor
        self.holder = holder


def lock_path(state_dir: str | Path, monitor: str) -> Path:
    """Where the lock file of ``monitor`` lives."""
    return Path(state_dir) / "locks" / f"{monitor}.lock"


class MonitorLock:
    """An exclusive, per-monitor lock held for the length of one run.

    Use ``with MonitorLock(state_dir, "churn"):``; ``timeout`` is how long to wait for
    another process to finish (0: refuse at once).
    """

    def __init__(self, state_dir: str | Path, monitor: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.monitor = monitor
        self.path = lock_path(state_dir, monitor)
        self.timeout = timeout
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, waiting up to ``timeout``; MonitorBusyError when it stays taken."""
        with writing(
            f"the lock file of monitor '{self.monitor}'", self.path, kept="Nothing was run.", instead=STATE_ELSEWHERE
        ):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        announced = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read_holder(fd)
                    os.close(fd)
                    raise MonitorBusyError(
                        f"monitor '{self.monitor}' is already being run by another driftplane "
                        f"process ({holder or 'holder unknown'}; lock {self.path}); waited "
                        f"{self.timeout:g} s. Wait for that run to finish, or stop it, and run "
                        "again. Nothing was changed.",
                        monitor=self.monitor,
                        holder=holder,
                    ) from None
                if not announced:
                    logger.info(
                        "monitor '%s' is being run by another process (%s); waiting up to %g s",
                        self.monitor,
                        _read_holder(fd) or "holder unknown",
                        self.timeout,
                    )
                    announced = True
                time.sleep(POLL_SECONDS)
        try:
            with writing(
                f"the lock file of monitor '{self.monitor}'",
                self.path,
                kept="Nothing was run.",
                instead=STATE_ELSEWHERE,
            ):
                # Who holds it, for the message of a run that has to wait.
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"pid {os.getpid()} since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC\n".encode(), 0)
        except StorageError:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        """Let the next run of this monitor go ahead."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def __enter__(self) -> MonitorLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def monitor_lock(state_dir: str | Path, monitor: str, *, timeout: float = DEFAULT_TIMEOUT) -> MonitorLock:
    """The lock a run of ``monitor`` holds; use as ``with monitor_lock(state_dir, name):``."""
    return MonitorLock(state_dir, monitor, timeout=timeout)


def _read_holder(fd: int) -> str | None:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return None
    return text or None
