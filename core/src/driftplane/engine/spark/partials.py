"""What runs on Spark's executors: one partial Profile per partition, by the local engine's code.

``profile_partition`` is the function handed to ``DataFrame.mapInArrow``. It turns the
partition's Arrow batches into the record batches the local readers would have produced
(Parquet, Delta and tables come typed from Spark; CSV, JSON Lines and capture arrive as
lines and are parsed by the local readers' own parsers, so types are inferred exactly as
they are locally), adds the virtual timestamp column and keeps the window's rows (the local
readers' ``to_utc`` and ``filter_rows``), and profiles them with ``profile_stream``, the
local profiler itself. The partial profile leaves as one row: its ``to_dict`` as JSON.

A DataError (a bad timestamp, a column that cannot be profiled) leaves as a row too, so the
driver can raise it with its own message instead of a Java stack trace.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from driftplane.engine.profile import Profile, ProfileSettings
from driftplane.engine.profiler import profile_stream
from driftplane.engine.readers import TIMESTAMP_COLUMN, ReadStats
from driftplane.engine.readers.capture import CaptureDecoder, CaptureProblems
from driftplane.engine.readers.chunks import TextChunk
from driftplane.engine.readers.csv import CsvChunkParser
from driftplane.engine.readers.datafiles import DataFile
from driftplane.engine.readers.jsonl import TextFields, parse_json_chunk
from driftplane.engine.readers.options import (
    CHUNK_BYTES,
    CaptureOutput,
    ReadOptions,
    SkippedRecords,
)
from driftplane.engine.readers.tables import align_columns, flatten_structs
from driftplane.engine.readers.timestamps import to_utc
from driftplane.engine.readers.windows import filter_rows
from driftplane.errors import DataError
from driftplane.resolved import FeaturePolicy
from driftplane.result import Window

logger = logging.getLogger(__name__)

PARTIAL_SCHEMA = "profile binary, error string"
LINE_COLUMN = "value"  # Spark's text source
FILE_COLUMN = "__driftplane_file__"  # _metadata.file_path
BLOCK_COLUMN = "__driftplane_block__"  # _metadata.file_block_start
TEXT_FORMATS = ("csv", "jsonl", "sagemaker-capture")


@dataclass(frozen=True)
class PartitionJob:
    """Everything an executor needs to profile a partition; small and picklable."""

    fmt: str  # "arrow" for typed sources, else a text format
    settings: dict[str, int]
    features: dict[str, Any] | None
    categorical: tuple[str, ...]
    source: str
    header: bool = True
    header_line: str | None = None  # CSV: the first file's header, as Spark's CSV reader takes it
    delimiter: str = ","
    column_names: tuple[str, ...] | None = None
    capture_output: CaptureOutput = "start"
    max_bad_records: int | str = 100
    setting: str = "max_bad_records"
    timestamp_column: str | None = None
    window: tuple[str, str] | None = None  # ISO start and end: rows outside are dropped
    threads: int = 1
    chunk_bytes: int = CHUNK_BYTES
    reference: Any = None  # a Broadcast of the reference's to_dict JSON, or the JSON itself

    def reference_profile(self) -> Profile | None:
        if self.reference is None:
            return None
        text = self.reference.value if hasattr(self.reference, "value") else self.reference
        return Profile.from_dict(json.loads(text))

    def window_object(self) -> Window | None:
        if self.window is None:
            return None
        return Window(start=datetime.fromisoformat(self.window[0]), end=datetime.fromisoformat(self.window[1]))


def profile_partition(job: PartitionJob, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """mapInArrow's function: the partition's batches in, one row holding its partial Profile out."""
    try:
        stats = ReadStats()
        reference = job.reference_profile()
        rows = _records(job, batches, stats, reference)
        profile = profile_stream(
            rows,
            reference=reference,
            features=FeaturePolicy.from_dict(job.features) if job.features is not None else None,
            settings=ProfileSettings.from_dict(job.settings),
            categorical=job.categorical,
            threads=job.threads,
            source=job.source,
        )
        profile.messages.extend(m for m in stats.messages if m not in profile.messages)
        profile.skipped_records = stats.bad_lines
        if stats.text_format:
            profile.forget_text_counts()
    except DataError as exc:
        yield _row(None, str(exc))
        return
    yield _row(json.dumps(profile.to_dict()).encode("utf-8"), None)


def merge_partials(settings: dict[str, int], batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """mapInArrow's function for the second level of a wide merge: partials in, one partial out.

    settings: the merged partial's (its exact-quantile limit is larger than one partition's).
    """
    merged: Profile | None = None
    for batch in batches:
        for payload, error in zip(batch.column("profile").to_pylist(), batch.column("error").to_pylist(), strict=True):
            if error is not None:
                yield _row(None, error)
                continue
            partial = Profile.from_dict(json.loads(payload))
            if merged is None:
                merged = Profile(settings=ProfileSettings.from_dict(settings), source=partial.source)
            merged.merge_in(partial)
    if merged is not None:
        yield _row(json.dumps(merged.to_dict()).encode("utf-8"), None)


def _row(payload: bytes | None, error: str | None) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays(
        [pa.array([payload], pa.binary()), pa.array([error], pa.string())], names=["profile", "error"]
    )


# --- from Spark's batches to the local readers' batches --------------------------------------


def _records(
    job: PartitionJob, batches: Iterable[pa.RecordBatch], stats: ReadStats, reference: Profile | None
) -> Iterator[pa.RecordBatch]:
    window = job.window_object()
    if job.fmt in TEXT_FORMATS:
        names = job.column_names or (tuple(reference.layout) if reference is not None else None)
        parsed = _TextParser(job, stats, list(names) if names is not None else None).parse(batches)
    else:
        parsed = iter(batches)
    for batch in parsed:
        batch = _with_time(batch, job)
        if window is not None and TIMESTAMP_COLUMN in batch.schema.names and batch.num_rows:
            batch = filter_rows(batch, batch.column(TIMESTAMP_COLUMN), window)
            if batch.num_rows == 0:
                continue
        stats.rows += batch.num_rows
        yield batch


def _with_time(batch: pa.RecordBatch, job: PartitionJob) -> pa.RecordBatch:
    """The timestamp column's times as ``TIMESTAMP_COLUMN``, as the local readers add them."""
    column = job.timestamp_column
    if column is None or TIMESTAMP_COLUMN in batch.schema.names or job.fmt == "sagemaker-capture":
        return batch
    if column not in batch.schema.names:
        raise DataError(
            f"{job.source} has no column '{column}' (the timestamp_column); its columns are "
            f"{', '.join(batch.schema.names[:20])}"
        )
    times = to_utc(batch.column(column), column=column, where=job.source)
    return batch.append_column(TIMESTAMP_COLUMN, times)


@dataclass
class _Piece:
    """Consecutive lines of one file split: what the local readers would call part of a file."""

    file: str
    block: int
    lines: list[pa.Array] = field(default_factory=list)
    size: int = 0
    started: bool = False  # the first chunk was parsed (CSV: names are known)
    parser: Any = None
    known: list[str] = field(default_factory=list)  # JSON Lines: columns in first-seen order
    text_fields: TextFields = field(default_factory=TextFields)  # JSON Lines: fields read as text
    skipped: Any = None  # SkippedRecords of this split
    problems: Any = None
    lines_before: int = 0  # lines of the split already parsed: line numbers count from its start


class _TextParser:
    """Lines from Spark's text source, grouped by file split, parsed by the local readers' parsers."""

    def __init__(self, job: PartitionJob, stats: ReadStats, names: list[str] | None) -> None:
        self.job = job
        self.stats = stats
        self.options = ReadOptions(
            stats=stats,
            header=job.header,
            delimiter=job.delimiter,
            column_names=names,
            capture_output=job.capture_output,
            chunk_bytes=job.chunk_bytes,
            max_bad_records=job.max_bad_records,
            setting=job.setting,
        )

    def parse(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        piece: _Piece | None = None
        for batch in batches:
            if batch.num_rows == 0:
                continue
            files = batch.column(FILE_COLUMN)
            blocks = batch.column(BLOCK_COLUMN).to_numpy(zero_copy_only=False)
            codes = pc.dictionary_encode(files).indices.to_numpy(zero_copy_only=False)
            changes = np.flatnonzero((codes[1:] != codes[:-1]) | (blocks[1:] != blocks[:-1])) + 1
            starts = [0, *changes.tolist()]
            ends = [*changes.tolist(), batch.num_rows]
            lines = batch.column(LINE_COLUMN)
            for start, end in zip(starts, ends, strict=True):
                file, block = str(files[start].as_py()), int(blocks[start])
                if piece is None or piece.file != file or piece.block != block:
                    if piece is not None:
                        yield from self._finish(piece)
                    piece = _Piece(file=file, block=block)
                    if block == 0 and self.job.fmt == "csv" and self.job.header:
                        piece.lines_before = 1  # the header, dropped below, is the file's line 1
                    part = lines.slice(start, end - start)
                    if block == 0 and self.job.fmt == "csv" and self.job.header:
                        self._check_header(piece, str(part[0].as_py()))
                        part = part.slice(1)
                else:
                    part = lines.slice(start, end - start)
                piece.lines.append(part)
                piece.size += int(pc.sum(pc.binary_length(part)).as_py() or 0) + len(part)
                if piece.size >= self.job.chunk_bytes:
                    yield from self._flush(piece)
        if piece is not None:
            yield from self._finish(piece)

    def _check_header(self, piece: _Piece, line: str) -> None:
        expected = self.job.header_line
        if expected is not None and line.lstrip("\ufeff").rstrip("\r") != expected:
            raise DataError(
                f"{_display(piece.file)}: its header ({_shorten(line)}) differs from the first file's "
                f"({_shorten(expected)}); the Spark engine reads CSV files of one source with one header, "
                "so rewrite the file with the same columns or read it separately"
            )

    def _flush(self, piece: _Piece) -> Iterator[pa.RecordBatch]:
        if not piece.lines:
            return
        joined = pa.concat_arrays(piece.lines) if len(piece.lines) > 1 else piece.lines[0]
        piece.lines, piece.size = [], 0
        if len(joined) == 0:
            return
        data = _text(joined)
        # Line numbers in notes count from the split's start (Spark does not say where it is in the file).
        chunk = TextChunk(data, first_line=piece.lines_before + 1)
        piece.lines_before += len(joined)
        if piece.skipped is None:
            what = {"csv": "malformed row", "jsonl": "malformed line"}.get(self.job.fmt, "capture line")
            piece.skipped = SkippedRecords(_where(piece), self.options, what=what)
        fmt = self.job.fmt
        if fmt == "csv":
            yield from self._csv(piece, chunk)
        elif fmt == "jsonl":
            table = parse_json_chunk(chunk, piece.skipped, piece.text_fields)
            if table is not None and table.num_rows:
                yield from align_columns(flatten_structs(table), piece.known).to_batches(
                    max_chunksize=self.options.batch_rows
                )
        else:
            if piece.parser is None:
                piece.problems = CaptureProblems(piece.skipped)
                piece.parser = CaptureDecoder(_data_file(piece.file), self.options, TIMESTAMP_COLUMN, piece.problems)
            yield from piece.parser.chunk(chunk)

    def _csv(self, piece: _Piece, chunk: TextChunk) -> Iterator[pa.RecordBatch]:
        if piece.parser is None:
            piece.parser = CsvChunkParser(_data_file(piece.file), self.options)
            piece.parser.skipped = piece.skipped
        if not piece.started:
            piece.started = True
            if self.job.header:
                header = (self.job.header_line or "").encode("utf-8") + b"\n"
                # the header goes in front of the split's first line, which keeps its number
                chunk = TextChunk(header + bytes(chunk.view), first_line=chunk.first_line - 1)
            yield from piece.parser.first(chunk)
            return
        yield from piece.parser.more(chunk)

    def _finish(self, piece: _Piece) -> Iterator[pa.RecordBatch]:
        yield from self._flush(piece)
        if piece.skipped is not None:
            piece.skipped.report()


def _where(piece: _Piece) -> str:
    """How a note names a split: the file, and where in it the split starts."""
    display = _display(piece.file)
    return f"{display} (lines counted from byte {piece.block})" if piece.block else display


def _text(lines: pa.Array) -> bytes:
    """Lines joined by line breaks, as the bytes of a text file (one vectorised join)."""
    if not pa.types.is_string(lines.type):
        lines = pc.cast(lines, pa.string())
    ended = pc.binary_join_element_wise(lines, pa.scalar("", pa.string()), "\n")
    _validity, offsets, data = ended.buffers()
    if data is None:
        return b""
    bounds = np.frombuffer(offsets, dtype=np.int32, count=len(ended) + 1, offset=ended.offset * 4)
    return data.slice(int(bounds[0]), int(bounds[-1] - bounds[0])).to_pybytes()


def _data_file(path: str) -> DataFile:
    """A DataFile that only names the file in messages: executors never open files themselves."""
    return DataFile(path=path, size=None, fs=None, display=_display(path))


def _display(path: str) -> str:
    """``/data/x.csv`` for local files (Spark says ``file:/data/x.csv``), the URI otherwise."""
    if path.startswith("file:"):
        rest = path[len("file:") :]
        return "/" + rest.lstrip("/") if rest.startswith("/") else rest
    return path


def _shorten(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")
