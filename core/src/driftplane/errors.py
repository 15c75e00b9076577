"""driftplane's exceptions: one base class, one small subclass per kind of failure.

The CLI maps each kind to an exit code (see ``driftplane.cli.exit_codes``), so the
class says what went wrong and the message says what to do about it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class DriftplaneError(Exception):
    """Base class of every error driftplane raises on purpose."""


class UsageError(DriftplaneError):
    """The command or call was given arguments it cannot work with (exit code 2)."""


class NotAvailableYet(UsageError):
    """A command or provider method exists in the interface but is not built yet (exit 2)."""


_MAX_KEY_SHOWN = 80


def _visible_key(key: str) -> str:
    shown = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in key[:_MAX_KEY_SHOWN])
    return shown + "..." if len(key) > _MAX_KEY_SHOWN else shown


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec, located as precisely as the input allows."""

    path: tuple[str | int, ...]
    message: str
    file: str | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based

    @property
    def key_path(self) -> str:
        """Render the path like ``monitors.churn.alerts[0].notify``.

        A key with invisible characters (a NUL, a newline, a right-to-left mark) shows them
        as escapes, and a very long key is cut, so the path reads as what the file holds.
        """
        out = ""
        for part in self.path:
            if isinstance(part, int):
                out += f"[{part}]"
            else:
                text = _visible_key(str(part))
                out += f".{text}" if out else text
        return out

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        key = f"{self.key_path}: " if self.path else ""
        return f"{where}{key}{self.message}"


class SpecError(UsageError, ValueError):
    """A spec is invalid; carries every problem found, not just the first (exit 2)."""

    def __init__(self, problems: Iterable[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(path=(), message=problems)]
        self.problems: Sequence[Problem] = list(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems in the spec:"]
        lines.extend(f"  {p}" for p in self.problems)
        return "\n".join(lines)


class UnknownProviderError(UsageError, KeyError):
    """A provider named in a spec or on the command line is not installed."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class DataError(DriftplaneError):
    """Data could not be read or made sense of: missing file, bad CSV, empty window (exit 3)."""


class ProviderError(DriftplaneError):
    """A provider failed to do what was asked: a cloud call, a permission, a quota (exit 3)."""


class StorageError(DataError):
    """A file or folder could not be written: a full disk, a quota, a read-only filesystem,
    missing permissions (exit 3). Says what, where and what to do; nothing is half-written.
    """

    def __init__(self, message: str, *, path: str, errno: int | None = None, strerror: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.errno = errno
        self.strerror = strerror
