"""``${VAR}`` interpolation from the environment, so secrets never have to be written inline.

``${VAR}`` must be set; ``${VAR:-default}`` falls back when it is unset or empty;
``$${`` writes a literal ``${``.
"""

from __future__ import annotations

import os
import re

_PATTERN = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def interpolate(text: str, env: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """Replace every ``${VAR}`` in ``text``; returns the result and any problems found."""
    environ = os.environ if env is None else env
    problems: list[str] = []

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        body = match.group(1)
        name, has_default, default = body.partition(":-")
        name = name.strip()
        if not _NAME.match(name):
            problems.append(
                f"'${{{body}}}' is not a valid variable reference; write ${{NAME}} or ${{NAME:-default}}"
            )
            return match.group(0)
        value = environ.get(name)
        if value is None or (has_default and value == ""):
            if has_default:
                return default
            problems.append(
                f"environment variable {name} is not set; set it (export {name}=...) "
                f"or give a default with ${{{name}:-default}}"
            )
            return ""
        return value

    return _PATTERN.sub(replace, text), problems
