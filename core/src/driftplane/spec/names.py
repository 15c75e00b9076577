"""The one rule for monitor and channel names, and how any text is shown in a message.

A name becomes part of cloud resource names (SageMaker allows ASCII letters, digits and
'-', at most 63; Google label values are lower-case ASCII, at most 63), of file and
directory names, SQLite keys, URLs and metric labels. So a name is plain ASCII: accented
letters, spaces, control characters and invisible marks are refused wherever a name is
taken (the spec, ``--monitor``, ``history MONITOR``), with the character that broke the rule.
Two names that differ only in case are refused too: Azure resource names and the file
systems of macOS and Windows would treat them as one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from driftplane.errors import Problem, UsageError

MAX_NAME_LENGTH = 63
# \Z, not $: '$' also matches before a trailing newline, which would let "churn\n" through.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}\Z")
# The same rule for JSON Schema (ECMA-262 regexes, where '$' is the end of the text).
NAME_JSON_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$"
NAME_RULE = (
    "1 to 63 characters, each an ASCII letter (A-Z, a-z), a digit (0-9), '-' or '_', "
    "the first a letter or digit"
)
_NAME_CHARACTER = re.compile(r"[A-Za-z0-9_-]")
_SHOWN_LIMIT = 80


def shown(text: str, limit: int = _SHOWN_LIMIT) -> str:
    """``text`` quoted for a message: unprintable and invisible characters escaped, long text cut.

    A name with a NUL, a right-to-left mark or half a surrogate pair must still print (and
    be seen for what it is) on any terminal and in the log file.
    """
    cut = text[:limit]
    body = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in cut)
    if len(text) > limit:
        return f"'{body}...' ({len(text):,} characters)"
    return f"'{body}'"


def quoted(value: Any) -> str:
    """A value as a message names it: text through ``shown``, anything else as Python writes it."""
    return shown(value) if isinstance(value, str) else repr(value)


def _reason(name: str) -> str:
    if not name:
        return "it is empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"it is {len(name):,} characters long"
    if not _NAME_CHARACTER.fullmatch(name[0]) or name[0] in "-_":
        return f"it starts with {shown(name[0])}"
    bad = [shown(ch) for ch in dict.fromkeys(ch for ch in name if not _NAME_CHARACTER.fullmatch(ch))][:3]
    listed = bad[0] if len(bad) == 1 else f"{', '.join(bad[:-1])} and {bad[-1]}"
    return f"{listed} {'is' if len(bad) == 1 else 'are'} not allowed"


def name_problem(name: Any, what: str = "monitor") -> str | None:
    """Why ``name`` cannot be a ``what`` name, or None when it can."""
    if not isinstance(name, str):
        return f"a {what} name must be text, not {type(name).__name__}"
    if NAME_PATTERN.match(name):
        return None
    return f"{shown(name)} cannot be a {what} name: {_reason(name)}; a name is {NAME_RULE}"


def check_name(name: Any, what: str = "monitor") -> str:
    """``name`` when it follows the rule; a ValueError saying why otherwise (for validators)."""
    problem = name_problem(name, what)
    if problem:
        raise ValueError(problem)
    return str(name)


def require_name(name: str, what: str = "monitor", *, known: Iterable[str] = ()) -> None:
    """A UsageError when a name given on the command line cannot be a ``what`` name."""
    problem = name_problem(name, what)
    if problem:
        names = ", ".join(known)
        raise UsageError(problem + (f"; the spec's {what}s are {names}" if names else ""))


def case_clashes(names: Iterable[Any]) -> list[tuple[str, str]]:
    """(earlier, later) pairs of names that differ only in letter case."""
    first: dict[str, str] = {}
    clashes: list[tuple[str, str]] = []
    for name in names:
        if not isinstance(name, str):
            continue
        earlier = first.setdefault(name.lower(), name)
        if earlier != name:
            clashes.append((earlier, name))
    return clashes


def case_problems_in_data(data: Any, source: Any = None) -> list[Problem]:
    """Monitors (or channels) whose names differ only in case, located at the later one."""
    if not isinstance(data, Mapping):
        return []
    problems: list[Problem] = []
    for section, what in (("monitors", "monitor"), ("channels", "channel")):
        entries = data.get(section)
        if not isinstance(entries, Mapping):
            continue
        for earlier, later in case_clashes(entries):
            message = (
                f"{what} name {shown(later)} differs from {shown(earlier)} only in letter case; cloud "
                "resource names and some file systems ignore case, so give it a different name"
            )
            path = (section, later)
            problems.append(source.problem(path, message, key=True) if source is not None else Problem(path, message))
    return problems
