"""Exit codes of every driftplane command; CI pipelines branch on them."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a command's exit status means.

    OK: ran and found nothing.
    FOUND: ran and found drift or data-quality violations.
    USAGE: bad usage or a bad spec; nothing ran.
    FAILURE: something failed: unreadable data, a cloud error, a bug.
    """

    OK = 0
    FOUND = 1
    USAGE = 2
    FAILURE = 3
