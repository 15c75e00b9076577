"""Readers: any supported source in, Arrow record batches out, one window at a time.

``read(source, ...)`` is the single entry point the rest of driftplane uses. It resolves a
file, directory, glob or remote URI (through fsspec), skips files whose partition time
lies outside the window without opening them, and yields ``pyarrow.RecordBatch`` objects
so that memory stays bounded however large the data is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from driftplane.result import Window
from driftplane.spec.models import DataSource

TIMESTAMP_COLUMN = "__timestamp__"  # the virtual column partition fields produce


@dataclass
class ReadStats:
    """What a read did, for logs, messages in the RunResult and metrics."""

    files: int = 0  # files opened
    files_skipped: int = 0  # files outside the window, never opened
    rows: int = 0  # rows yielded (after window filtering)
    bad_lines: int = 0  # malformed lines skipped (capture/JSONL)
    bytes_read: int = 0
    messages: list[str] = field(default_factory=list)  # notes a person should read


class DataStream:
    """An iterable of record batches plus the stats of reading them.

    Iterate once. ``stats`` is complete after iteration ends.
    """

    def __init__(self, batches: Iterator[pa.RecordBatch], stats: ReadStats, description: str) -> None:
        self._batches = batches
        self.stats = stats
        self.description = description  # e.g. "3 files under data/2026/01/05"

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        return self._batches


def read(
    source: DataSource,
    *,
    base_dir: Path | None = None,
    window: Window | None = None,
    column_names: list[str] | None = None,
    batch_rows: int = 131_072,
) -> DataStream:
    """Open ``source`` and stream its rows inside ``window`` as record batches.

    base_dir: where relative paths start (the spec file's directory).
    window: only rows whose timestamp (column or partition) is in [start, end).
    column_names: names for headerless CSV / capture columns, by position (the baseline's).
    Raises DataError with a message naming the file and what to do.
    """
    from driftplane.engine.readers.simple import read_simple

    return read_simple(source, base_dir=base_dir, window=window, column_names=column_names, batch_rows=batch_rows)
