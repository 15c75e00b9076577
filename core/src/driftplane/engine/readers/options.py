"""What every format reader is told about a read, and how headerless columns get names."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from driftplane.engine.readers import ReadStats

logger = logging.getLogger(__name__)

CaptureOutput = Literal["start", "end", "ignore"]
CHUNK_BYTES = 8 << 20  # text is parsed in chunks this size: big enough for pyarrow's threads
MAX_LINES_NAMED = 5  # how many bad line numbers a message lists


@dataclass
class ReadOptions:
    """Settings of one read shared by the format readers."""

    stats: ReadStats
    batch_rows: int = 131_072
    header: bool = True
    delimiter: str = ","
    column_names: list[str] | None = None  # names for headerless columns, by position
    capture_output: CaptureOutput = "start"
    chunk_bytes: int = CHUNK_BYTES

    def note(self, message: str) -> None:
        """Add a message for a person, once (the caller decides how to show it; logged at debug)."""
        if message not in self.stats.messages:
            self.stats.messages.append(message)
            logger.debug(message)


def positional_names(count: int, options: ReadOptions, where: str, *, offset: int = 0) -> list[str]:
    """Names for ``count`` headerless columns starting at position ``offset``.

    The baseline's names by position (as SageMaker matches captured CSV); columns beyond
    them are ``_c<index>`` and a message says so, because they usually mean the data and
    the baseline disagree on the number of columns.
    """
    known = options.column_names or []
    names = [known[offset + i] if offset + i < len(known) else f"_c{offset + i}" for i in range(count)]
    if options.column_names is not None and offset + count > len(known):
        extra = offset + count - max(len(known), offset)
        options.note(
            f"{where}: rows have {offset + count} fields but the baseline names {len(known)} columns; "
            f"the {extra} extra field{'s are' if extra > 1 else ' is'} named "
            f"{', '.join(names[max(len(known) - offset, 0):][:MAX_LINES_NAMED])}"
            f"{'...' if extra > MAX_LINES_NAMED else ''}"
        )
    return names


def list_line_numbers(numbers: list[int]) -> str:
    """``lines 3, 7, 9`` or ``lines 3, 7, 9, 12, 15 and 40 more``."""
    shown = ", ".join(str(n) for n in numbers[:MAX_LINES_NAMED])
    more = len(numbers) - MAX_LINES_NAMED
    word = "line" if len(numbers) == 1 else "lines"
    return f"{word} {shown}" + (f" and {more} more" if more > 0 else "")
