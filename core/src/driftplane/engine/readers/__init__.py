"""Readers: any supported source in, Arrow record batches out, one window at a time.

``read(source, ...)`` is the single entry point the rest of driftplane uses. It resolves a
file, directory, glob or remote URI (through fsspec), skips files whose partition time
lies outside the window without opening them, and yields ``pyarrow.RecordBatch`` objects
so that memory stays bounded however large the data is.

What consumers (profiles, checks) can rely on, and what they must handle:

- Column names and order are kept exactly as the data has them (spaces, non-ASCII).
  Headerless CSV and capture columns take ``column_names`` by position: every column of the
  baseline's data in its order (``Profile.layout``), the ones a monitor leaves out included,
  so none slides onto its neighbour's name. Fields beyond them are named ``_c<index>`` (with
  a message); without names they are ``_c0, _c1, ...`` as SageMaker names them.
- Values are kept exactly as written (``readers/text.py``). CSV fields arrive as text, except
  a column (of one chunk) whose every value int64 or float64 holds exactly: ``007``, ``+5``,
  ``1e5``, ``NaN``, ``True``, ``2024-10-27T17:39:31Z`` stay the text written and only the empty
  field is missing. JSON strings stay strings (pyarrow would make times of some); JSON numbers
  and booleans keep their types; Parquet keeps its own. Parsing happens only where the spec
  asks for it: the ``timestamp_column`` gives ``TIMESTAMP_COLUMN`` and stays text itself.
- Batches of one stream may DISAGREE on a column's Arrow type: int64 in one file and
  float64 or string in another, or even within one large CSV file (types are decided per
  chunk, so a numeric column that turns to text later arrives as strings from there on).
  A column with no values in a batch may be of type null. Text holding numbers is never
  cast here; consumers count types per value, as SageMaker does.
- A batch may lack a column other batches have (a JSON key absent from a whole file).
- ``TIMESTAMP_COLUMN`` (timestamp[us, tz=UTC]) is present only when a partition format in
  the path, a ``timestamp_column`` or capture's ``eventMetadata.inferenceTime`` gives each
  row a time; it is not a feature.
- A file with a header (or a Parquet schema) but no rows yields one empty batch so its
  columns are known, and leaves a message in ``stats.messages``.
- Malformed records are treated alike in every format: a CSV row whose field count is not
  the header's, a JSON Lines line that is not an object, a capture line that is no record or
  whose payload cannot be read. Each is skipped and counted in ``stats.bad_lines``; a note per
  file and reason names the lines, and one more sums them up. Past the source's
  ``max_bad_records`` (a count, checked as the read goes, or a share of the records read,
  checked when it ends) the read raises DataError naming the files, lines and setting.
- Other data problems raise ``DataError`` naming the file (and line).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pyarrow as pa

from driftplane.columns import TIMESTAMP_COLUMN as TIMESTAMP_COLUMN
from driftplane.result import Window
from driftplane.spec.models import DataSource


@dataclass
class ReadStats:
    """What a read did, for logs, messages in the RunResult and metrics."""

    files: int = 0  # files opened
    files_skipped: int = 0  # files outside the window, never opened
    rows: int = 0  # rows yielded (after window filtering)
    bad_lines: int = 0  # malformed records skipped (CSV rows, JSON Lines and capture lines)
    # Values arrived as text because the format is text (CSV fields, captured CSV): that a
    # number came as a string then says nothing about what wrote it.
    text_format: bool = False
    bytes_read: int = 0
    messages: list[str] = field(default_factory=list)  # notes a person should read
    opened: list[str] = field(default_factory=list)  # the files opened, as named in messages
    looked_at: list[str] = field(default_factory=list)  # paths and globs listed to find them


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
    capture_output: Literal["start", "end", "ignore"] | None = None,
    capture_ids: bool = False,
) -> DataStream:
    """Open ``source`` and stream its rows inside ``window`` as record batches.

    base_dir: where relative paths start (the spec file's directory).
    window: only rows whose timestamp (column or partition) is in [start, end).
    column_names: names for headerless CSV / capture columns, by position: the baseline's
        ``Profile.layout`` (every column of its data, excluded ones too); ``source.columns``
        wins when set.
    capture_output: sagemaker-capture only; default: the Target's ``capture_output``, else "start".
    capture_ids: sagemaker-capture only: add each record's ``eventMetadata.inferenceId`` (else
        ``eventId``) as ``CAPTURE_ID_COLUMN``, to join predictions to labels.
    Raises DataError with a message naming the file and what to do. Paths, formats and
    missing packages are checked before this returns; file contents as they are read.
    """
    from driftplane.engine.readers.stream import open_stream

    return open_stream(
        source,
        base_dir=base_dir,
        window=window,
        column_names=column_names,
        batch_rows=batch_rows,
        capture_output=capture_output,
        capture_ids=capture_ids,
    )
