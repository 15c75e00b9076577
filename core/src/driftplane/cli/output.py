"""How commands show things: problems, JSON, tables. The only place that writes to the terminal."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click
from rich.console import Console

from driftplane.errors import Problem


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


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich exits with status 1 here, which driftplane's CLI documents as "drift found".
        self.quiet = True
        closed_pipe_exit()


def console(stderr: bool = False) -> Console:
    """A rich console on stdout (or stderr) that degrades to plain text when piped."""
    return _Console(stderr=stderr, soft_wrap=True, highlight=False)


def show_problems(problems: Iterable[Problem], outcome: str = "nothing was run") -> int:
    """Print each problem as FILE:LINE:COL: key.path: message on stderr, then one closing line.

    The closing line is always ``N problem(s); <outcome>.``, whichever stage found them, so
    a script or a person can rely on it. Returns the count.
    """
    count = 0
    for problem in problems:
        click.echo(str(problem), err=True)
        count += 1
    click.echo(f"{count} problem{'s' if count != 1 else ''}; {outcome}.", err=True)
    return count


def print_json(data: Any) -> None:
    """Pretty JSON on stdout; accepts pydantic models and lists of them."""
    if hasattr(data, "model_dump"):
        data = data.model_dump(mode="json")
    elif isinstance(data, list):
        data = [d.model_dump(mode="json") if hasattr(d, "model_dump") else d for d in data]
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
