"""How commands show things: problems, JSON, tables. The only place that writes to the terminal."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import IO, TYPE_CHECKING, Any, NoReturn

import click

from driftplane.atomic import storage_error
from driftplane.errors import Problem, StorageError

if TYPE_CHECKING:
    from rich.console import Console

logger = logging.getLogger("driftplane.cli")


def closed_pipe_exit() -> NoReturn:
    """The reader of stdout went away (``| head -1``): not a failure, so exit 0 quietly.

    Python flushes stdout again at exit and would fail on the closed pipe, so stdout is
    pointed at the null device first.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a real file (a test's capture): nothing to flush later
        pass
    raise click.exceptions.Exit(0)


@contextmanager
def closed_pipe_is_not_an_error() -> Iterator[None]:
    """Around a command's output: a closed pipe on stdout ends the command with exit code 0."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        closed_pipe_exit()


@cache
def _console_class() -> type[Console]:
    """rich's Console, made to treat a closed pipe as driftplane does (rich is imported here,
    when something is first shown, not when the CLI starts)."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    def widen_to_annotations(table: Table) -> None:
        """rich wraps a table's title and caption at the table's width, folding a long path
        mid-word; let the table be as wide as they are (still no wider than the console)."""
        widths = [
            cell_len(note.plain if isinstance(note, Text) else note)
            for note in (table.title, table.caption)
            if isinstance(note, str | Text)
        ]
        if widths:
            table.min_width = max([table.min_width or 0, *widths])

    class _Console(Console):
        def print(self, *objects: Any, **kwargs: Any) -> None:
            for table in objects:
                if isinstance(table, Table):
                    widen_to_annotations(table)
            super().print(*objects, **kwargs)

        def on_broken_pipe(self) -> None:
            # rich exits with status 1 here, which driftplane's CLI documents as "drift found".
            self.quiet = True
            closed_pipe_exit()

    return _Console


# The width tables may take when the output is not a terminal (a pipe, a CI log, a file): wide
# enough that no table wraps a cell, since nothing will redraw it; each table is only as wide
# as its content.
PIPED_WIDTH = 1000


def console(stderr: bool = False) -> Console:
    """A rich console on stdout (or stderr) that degrades to plain text when piped, and prints
    text as it is (no rich markup).

    Piped, a table is as wide as its content (up to PIPED_WIDTH) instead of being folded into
    80 columns, where a log reader would see a feature name split over two lines. COLUMNS,
    when set, still wins.
    """
    stream = sys.stderr if stderr else sys.stdout
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream: treat it as not a terminal
        terminal = False
    width = None if terminal or os.environ.get("COLUMNS") else PIPED_WIDTH
    # No markup and no emoji codes: what is printed is paths, names and values a user wrote, and
    # '[draft]' or ':smile:' in one of them is text (rich would drop or replace it).
    return _console_class()(stderr=stderr, soft_wrap=True, highlight=False, width=width, markup=False, emoji=False)


def show_problems(
    problems: Iterable[Problem], outcome: str = "nothing was run", *, cause: BaseException | None = None
) -> int:
    """Print each problem as FILE:LINE:COL: key.path: message on stderr, then one closing line.

    The closing line is always ``error: N problem(s); <outcome>.``, whichever stage found
    them, so a script or a person can rely on it. It is logged as an error, so the log file
    (and log-based alerting) holds it too, with the traceback of ``cause`` whose message
    lists every problem. Returns the count.
    """
    count = 0
    for problem in problems:
        click.echo(str(problem), err=True)
        count += 1
    exc_info = (type(cause), cause, cause.__traceback__) if cause is not None else None
    logger.error("%d problem%s; %s.", count, "s" if count != 1 else "", outcome, exc_info=exc_info)
    return count


def stdout_target() -> str:
    """Where standard output goes, for a message about it: a file's path, or 'standard output'."""
    try:
        target = os.readlink(f"/proc/self/fd/{sys.stdout.fileno()}")
    except (OSError, ValueError, AttributeError):
        return "standard output"
    return target if target.startswith("/") else "standard output"


class StdoutError(StorageError):
    """Standard output could not be written (exit 3)."""


class GuardedStdout:
    """sys.stdout while a command runs: a write the OS refuses (a full disk behind a
    redirection, a quota) becomes a StorageError that says so, instead of a bare OSError.

    The first failure is kept, so one that only a log line met (logging swallows its own
    errors) still ends the command with an error.
    """

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.failure: StdoutError | None = None

    def _failed(self, exc: OSError) -> StdoutError:
        where = stdout_target()
        what = "the output" if where == "standard output" else "the output (standard output)"
        said = storage_error(
            exc,
            what,
            where,
            kept="What the command did is done; only its output is incomplete.",
            instead="redirect the output somewhere else",
        )
        error = StdoutError(str(said), path=said.path, errno=said.errno, strerror=said.strerror)
        self.failure = self.failure or error
        return error

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from exc

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


@contextmanager
def guarded_stdout() -> Iterator[GuardedStdout]:
    """Install GuardedStdout for the length of a command (once, when commands nest)."""
    if isinstance(sys.stdout, GuardedStdout):
        yield sys.stdout
        return
    guard = GuardedStdout(sys.stdout)
    sys.stdout = guard
    try:
        yield guard
    finally:
        sys.stdout = guard.stream


def silence_stdout() -> None:
    """After stdout failed: point it at the null device, so Python's flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture)
        pass


def print_json(data: Any) -> None:
    """Pretty JSON on stdout; accepts pydantic models and lists of them."""
    if hasattr(data, "model_dump"):
        data = data.model_dump(mode="json")
    elif isinstance(data, list):
        data = [d.model_dump(mode="json") if hasattr(d, "model_dump") else d for d in data]
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
