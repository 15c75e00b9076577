"""Paths in a report, made portable: relative to the spec's folder, or just the file name.

A report is mailed, attached to a ticket, opened in a notebook on another machine: an
absolute path (``/home/ana/project/data/daily/2026/02/19/*.parquet``) means nothing there
and tells the reader about someone's home folder. Every path the page shows (in errors,
notes, the list of files, the data sources) goes through ``PortablePaths``: a path under the
spec's folder is shown relative to it, any other absolute path by its file name alone.
URLs (``s3://``, ``https://``) are left as they are.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from driftplane.result import RunResult

# An absolute path inside free text: POSIX (/x/y), Windows (C:\x or C:/x) or a file:// URI. A
# slash that follows a word character, a dot, a colon or another slash is part of something
# else (a date 2026/02/19, a relative path data/x, a URL's //host/path), not the start of one.
_ABSOLUTE = re.compile(
    r"(?<![\w.:/~\\-])(?:file://)?(?:/|[A-Za-z]:[\\/])[^\s'\"<>|;()`]+"
)
# Punctuation that ends a sentence, not the path it follows.
_TRAILING = ".,:;!?"


def _resolved(text: str) -> str:
    """The path with its links resolved as far as they exist (a glob's pattern is kept as written)."""
    try:
        return Path(text).resolve().as_posix()
    except (OSError, RuntimeError):  # a loop of links, or a path the system refuses
        return text


@dataclass(frozen=True)
class PortablePaths:
    """Rewrites absolute paths for a page that may be read anywhere.

    base_dir: the spec's folder; paths under it are shown relative to it. None (a report
    rendered from a result alone, in a notebook): every absolute path is shown by its name.
    """

    base_dir: Path | None = None

    @classmethod
    def under(cls, base_dir: str | os.PathLike[str] | None) -> PortablePaths:
        return cls(Path(os.path.abspath(base_dir)) if base_dir is not None else None)

    def _bases(self) -> list[str]:
        """The spec's folder as given and with its links resolved: a path may be written either way."""
        if self.base_dir is None:
            return []
        return list(dict.fromkeys([self.base_dir.as_posix(), self.base_dir.resolve().as_posix()]))

    def path(self, path: str) -> str:
        """One path as the page shows it; relative paths and URLs are kept as written."""
        text = path.removeprefix("file://")
        windows = re.match(r"[A-Za-z]:[\\/]", text) is not None
        if not windows and not text.startswith("/"):
            return path
        if not windows and self.base_dir is not None:
            for candidate in dict.fromkeys([os.path.normpath(text), _resolved(text)]):
                for base in self._bases():
                    try:
                        return PurePosixPath(candidate).relative_to(base).as_posix() or "."
                    except ValueError:
                        continue
        name = (PureWindowsPath(text) if windows else PurePosixPath(text)).name
        return name or path

    def text(self, text: str) -> str:
        """``text`` with each absolute path in it rewritten by ``path``."""

        def swap(match: re.Match[str]) -> str:
            found = match.group(0)
            core = found.rstrip(_TRAILING)
            if len(core) < 2:
                return found
            return self.path(core) + found[len(core) :]

        return _ABSOLUTE.sub(swap, text)

    def result(self, result: RunResult) -> RunResult:
        """A copy of ``result`` whose error, notes and report paths are portable."""
        return result.model_copy(
            update={
                "error": self.text(result.error) if result.error is not None else None,
                "messages": [self.text(m) for m in result.messages],
                "reports": {kind: self.path(p) for kind, p in result.reports.items()},
            }
        )
