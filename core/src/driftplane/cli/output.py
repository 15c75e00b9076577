"""How commands show things: problems, JSON, tables. The only place that writes to the terminal."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

import click
from rich.console import Console

from driftplane.errors import Problem


def console(stderr: bool = False) -> Console:
    """A rich console on stdout (or stderr) that degrades to plain text when piped."""
    return Console(stderr=stderr, soft_wrap=True, highlight=False)


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
