"""``${VAR}`` interpolation from the environment, so secrets never have to be written inline.

``${VAR}`` must be set; ``${VAR:-default}`` falls back when it is unset or empty;
``$${`` writes a literal ``${``.
"""

from __future__ import annotations

import os
import re

from driftplane.spec.names import shown

_PATTERN = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# What environment variables may add to a spec in all: secrets and URLs are short.
MAX_INTERPOLATED_CHARACTERS = 1_000_000
# How Python hands over environment bytes that are not UTF-8 (PEP 383).
_SURROGATE = re.compile("[\ud800-\udfff]")


def interpolate(text: str, env: dict[str, str] | None = None, *, limit: int | None = None) -> tuple[str, list[str]]:
    """Replace every ``${VAR}`` in ``text``; returns the result and any problems found.

    ``limit`` bounds how many characters the variables may add (what is left of
    MAX_INTERPOLATED_CHARACTERS for the whole spec): a value that would grow past it (a huge
    variable, or one repeated many times) is a problem, and is never built in full.
    """
    environ = os.environ if env is None else env
    problems: list[str] = []
    added = 0
    over = False

    def within_limit(match: re.Match[str], value: str, name: str) -> str:
        nonlocal added, over
        added += len(value) - len(match.group(0))
        if limit is None or added <= limit:
            return value
        if not over:
            over = True
            problems.append(
                f"${{{name}}} holds {len(value):,} characters, which takes what environment variables add "
                f"to this spec past {MAX_INTERPOLATED_CHARACTERS:,} characters; check that it is the "
                "variable you meant"
            )
        return ""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        body = match.group(1)
        name, has_default, default = body.partition(":-")
        name = name.strip()
        if not _NAME.match(name):
            problems.append(
                f"{shown(match.group(0))} is not a valid variable reference; write ${{NAME}} or ${{NAME:-default}}"
            )
            return match.group(0)
        value = environ.get(name)
        if value is None or (has_default and value == ""):
            if has_default:
                return within_limit(match, default, name)
            problems.append(
                f"environment variable {name} is not set; set it (export {name}=...) "
                f"or give a default with ${{{name}:-default}}"
            )
            return ""
        if _SURROGATE.search(value):
            problems.append(
                f"environment variable {name} holds bytes that are not UTF-8 text; set it to UTF-8 text"
            )
            return ""
        return within_limit(match, value, name)

    return _PATTERN.sub(replace, text), problems
