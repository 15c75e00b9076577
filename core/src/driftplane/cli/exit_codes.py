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


# ``plan --detailed-exitcode`` (as Terraform's): 0 nothing would change, 2 something would, 1 any
# error (bad usage, a bad spec, a failure), since 2 no longer means bad usage there.
PLAN_HAS_CHANGES = 2
DETAILED_ERROR = 1
# The click context's ``meta`` key a command sets to ask for those codes.
DETAILED_EXIT_CODES = "driftplane.detailed_exit_codes"


def exit_code_for(meta: dict[str, object], code: int) -> int:
    """``code``, or DETAILED_ERROR for any error (not an interrupt) when detailed codes were asked for."""
    if meta.get(DETAILED_EXIT_CODES) and code not in (ExitCode.OK, 130):
        return DETAILED_ERROR
    return code
