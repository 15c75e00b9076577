"""What every format reader is told about a read, and how headerless columns get names."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from driftplane.errors import DataError
from driftplane.spec.models import DEFAULT_MAX_BAD_RECORDS

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
    max_bad_records: int | str = DEFAULT_MAX_BAD_RECORDS  # a count, or a share such as "0.5%"
    setting: str = "max_bad_records"  # how messages name the setting (target.max_bad_records)
    # sagemaker-capture: also give each row its record's inferenceId (else eventId) in CAPTURE_ID_COLUMN.
    capture_ids: bool = False

    def note(self, message: str) -> None:
        """Add a message for a person, once (the caller decides how to show it; logged at debug)."""
        if message not in self.stats.messages:
            self.stats.messages.append(message)
            logger.debug(message)


    def count_bad(self, where: str, lines: list[int], reason: str) -> None:
        """Count malformed records just skipped; DataError once more than a count limit allows.

        A share limit ("0.5%") needs the whole read and is checked when it ends (``check_share``).
        """
        if not lines:
            return
        self.stats.bad_lines += len(lines)
        limit = self.max_bad_records
        if isinstance(limit, int) and self.stats.bad_lines > limit:
            raise DataError(
                f"{where}: {self.stats.bad_lines:,} malformed record{'s' if self.stats.bad_lines > 1 else ''} so far, "
                f"more than {self.setting} "
                f"({limit:,}) allows; the latest ({reason}) at {list_line_numbers(sorted(lines))}. "
                f"Fix the data, or raise {self.setting} to skip more"
            )

    def check_share(self, where: str) -> None:
        """DataError when a share limit ("0.5%") is exceeded by the records of the whole read."""
        if isinstance(self.max_bad_records, str):
            check_bad_records(
                self.max_bad_records,
                self.stats.bad_lines,
                self.stats.rows,
                where=where,
                setting=self.setting,
                notes=self.stats.messages,
            )


def skipped_total(bad: int, where: str, setting: str, limit: int | str) -> str:
    """The note that sums up a read's skipped records and the limit they count against."""
    return f"{bad:,} bad record{'s' if bad > 1 else ''} skipped in {where} ({setting} allows {limit})"


SKIPPED = ": skipped "  # what every note about skipped records says after the file's name


def check_bad_records(limit: int | str, bad: int, rows: int, *, where: str, setting: str, notes: list[str]) -> None:
    """DataError when ``bad`` malformed records (beside ``rows`` good ones) are more than ``limit`` allows.

    The readers apply a count as they go; this judges a whole read (a share needs it, and the
    Spark engine adds up its partitions' counts here). The error repeats the first notes that
    name files and lines, since a failed run keeps no notes.
    """
    if bad == 0:
        return
    total = bad + rows
    if isinstance(limit, int):
        if bad <= limit:
            return
        how_many = f"{bad:,} of {total:,} records were malformed, more than {setting} ({limit:,}) allows"
    else:
        if bad <= float(limit.rstrip("%")) / 100 * total:
            return
        how_many = (
            f"{bad:,} of {total:,} records were malformed ({bad / total:.2%}), more than {setting} ({limit}) allows"
        )
    named = [note for note in notes if SKIPPED in note]
    listing = "; ".join(named[:3]) + (f"; and {len(named) - 3} more files" if len(named) > 3 else "")
    raise DataError(
        f"{where}: {how_many}{f' ({listing})' if listing else ''}. Fix the data, or raise {setting} to skip more"
    )


class SkippedRecords:
    """Malformed records of one file: counted as they are found, described once when it ends."""

    def __init__(self, display: str, options: ReadOptions, *, what: str) -> None:
        self.display = display
        self.options = options
        self.what = what  # "malformed row", "capture line": what a skipped record is in this format
        self.lines: dict[str, list[int]] = defaultdict(list)

    def add(self, reason: str, lines: list[int]) -> None:
        """Skip ``lines`` (1-based line numbers in the file) for ``reason``."""
        if not lines:
            return
        self.lines[reason].extend(lines)
        self.options.count_bad(self.display, lines, reason)

    @property
    def count(self) -> int:
        return sum(len(lines) for lines in self.lines.values())

    def report(self) -> None:
        """One note per reason: ``x.csv: skipped 2 malformed rows (...): lines 4, 9``."""
        for reason, lines in self.lines.items():
            lines.sort()
            n = len(lines)
            self.options.note(
                f"{self.display}{SKIPPED}{n} {self.what}{'s' if n > 1 else ''} ({reason}): {list_line_numbers(lines)}"
            )


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
