"""A progress bar for long reads, shown only once a run has taken a couple of seconds."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

PROGRESS_DELAY_SECONDS = 2.0


class DelayedProgress:
    """A progress bar on the terminal that appears only once a run has taken a couple of seconds.

    Quick runs print nothing extra, and nothing is drawn when stderr is not a terminal
    (piped, CI) or when JSON was asked for.
    """

    def __init__(self, enabled: bool, delay: float = PROGRESS_DELAY_SECONDS) -> None:
        self.stderr = Console(stderr=True, markup=False, emoji=False)
        self.enabled = enabled and self.stderr.is_terminal
        self.delay = delay
        self.started = time.monotonic()
        self.progress: Progress | None = None
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, phase: str, rows: int) -> None:
        if not self.enabled:
            return
        if self.progress is None:
            if time.monotonic() - self.started < self.delay:
                return
            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}", markup=False),
                TextColumn("{task.completed:,} rows"),
                TimeElapsedColumn(),
                console=self.stderr,
                transient=True,
            )
            self.progress.start()
        task = self.tasks.get(phase)
        if task is None:
            task = self.tasks[phase] = self.progress.add_task(f"reading the {phase}", total=None)
        self.progress.update(task, completed=rows)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


@contextmanager
def progress_reporter(enabled: bool) -> Iterator[DelayedProgress]:
    reporter = DelayedProgress(enabled)
    try:
        yield reporter
    finally:
        reporter.close()
