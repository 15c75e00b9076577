"""Put the pieces together: resolve files, pick their readers, add the time, apply the window.

``open_stream`` does everything that can fail cheaply (a missing path, a missing cloud
package, mixed formats) before it returns, so those errors surface when ``read()`` is
called; the files themselves are opened one at a time as the stream is iterated.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from driftplane.engine.arrays import scalar
from driftplane.engine.readers import TIMESTAMP_COLUMN, DataStream, ReadStats
from driftplane.engine.readers.datafiles import (
    DataFile,
    empty_file_error,
    is_remote_uri,
    where_relative_paths_start,
)
from driftplane.engine.readers.formats import choose_format, looks_like_capture
from driftplane.engine.readers.options import CaptureOutput, ReadOptions, skipped_total
from driftplane.engine.readers.timestamps import UTC_US, to_utc
from driftplane.engine.readers.windows import files_for_window, filter_rows, no_data_note
from driftplane.errors import DataError
from driftplane.result import Window
from driftplane.spec.models import Baseline, DataSource, Target
from driftplane.windows import describe_window, utc

logger = logging.getLogger(__name__)

Period = tuple[datetime, datetime]


def open_stream(
    source: DataSource,
    *,
    base_dir: Path | None,
    window: Window | None,
    column_names: list[str] | None,
    batch_rows: int,
    capture_output: CaptureOutput | None = None,
    capture_ids: bool = False,
) -> DataStream:
    """Resolve ``source`` to files now; read them lazily as the returned stream is iterated."""
    if source.data is None:
        raise DataError(
            "this source has no 'data' path to read (an 'endpoint' target is read by a cloud provider)"
        )
    if batch_rows < 1:
        raise DataError(f"batch_rows must be at least 1, not {batch_rows}")
    stats = ReadStats()
    options = ReadOptions(
        stats=stats,
        batch_rows=batch_rows,
        header=source.header,
        delimiter=source.delimiter,
        column_names=list(source.columns) if source.columns is not None else column_names,
        capture_output=capture_output or _capture_output(source),
        max_bad_records=source.max_bad_records,
        setting=f"{role_prefix(source)}max_bad_records",
        capture_ids=capture_ids,
    )
    found = files_for_window(source, window, base_dir=base_dir)
    stats.looked_at = list(found.looked_at)
    stats.files_skipped = len(found.skipped)
    partitioned = bool(found.partitions) or any(period is not None for _, period in found.files) or bool(
        found.skipped
    )
    where = source.data
    if not found.files and not found.skipped and not (window is not None and found.has_time):
        raise DataError(_nothing_found(source, base_dir, found.looked_at))
    files = [f for f, _ in found.files]
    periods = {f.path: period for f, period in found.files}
    fmt, selected, ignored = choose_format(files, source.format, where) if files else (source.format, [], [])
    if ignored:
        names = ", ".join(f.name for f in ignored[:5]) + (", ..." if len(ignored) > 5 else "")
        options.note(f"ignored {len(ignored)} file(s) under {where} that are not data files: {names}")
    if fmt == "jsonl" and selected and looks_like_capture(selected[0]):
        fmt = "sagemaker-capture"
        logger.debug("%s holds SageMaker capture records; reading it as sagemaker-capture", selected[0].display)
    row_times = fmt == "sagemaker-capture" or source.timestamp_column is not None
    if window is not None and partitioned and not row_times:
        # Rows take their partition's start as their time: a file is in the window or not.
        inside: list[DataFile] = []
        for file in selected:
            period = periods.get(file.path)
            if period is not None and utc(window.start) <= period[0] < utc(window.end):
                inside.append(file)
            else:
                stats.files_skipped += 1
        selected = inside
        if found.period is not None and found.period.after(utc(window.start)) > utc(window.end):
            options.note(
                f"{where} is partitioned by {found.period} but the window {describe_window(window)} is "
                "shorter: rows take their partition's start as their time, so a window that does not "
                "contain a partition's start gets none of its rows; add a timestamp_column for finer windows"
            )
    if window is not None and not partitioned and not row_times:
        options.note(
            f"{where} has no time (no {{timestamp:...}} fields in the path and no timestamp_column), "
            f"so all of it was read for window {describe_window(window)}"
        )
    description = _describe(selected, where, window)
    batches = _batches(
        selected,
        fmt=fmt,
        periods=periods,
        source=source,
        options=options,
        window=window if (partitioned or row_times) else None,
    )
    return DataStream(_finish(batches, options, window, found.looked_at, where), stats, description)


def role_prefix(source: DataSource) -> str:
    """``target.`` or ``baseline.``: where a setting of ``source`` sits in the spec."""
    if isinstance(source, Target):
        return "target."
    if isinstance(source, Baseline):
        return "baseline."
    return ""


def _capture_output(source: DataSource) -> CaptureOutput:
    """A Target says where the endpoint output goes; other sources take SageMaker's default."""
    return source.capture_output if isinstance(source, Target) else "start"


def _batches(
    files: list[DataFile],
    *,
    fmt: str,
    periods: dict[str, Period | None],
    source: DataSource,
    options: ReadOptions,
    window: Window | None,
) -> Iterator[pa.RecordBatch]:
    stats = options.stats
    if not files:
        return
    reader = _reader_for(fmt)
    for file in files:
        stats.files += 1
        stats.opened.append(file.display)
        stats.bytes_read += file.size or 0
        if file.size == 0:
            raise empty_file_error(file.display)
        logger.debug("reading %s as %s", file.display, fmt)
        period = periods.get(file.path)
        try:
            for batch in reader(file, options):
                batch = _with_time(batch, file, period, source, fmt)
                if window is not None and TIMESTAMP_COLUMN in batch.schema.names and batch.num_rows:
                    batch = filter_rows(batch, batch.column(TIMESTAMP_COLUMN), window)
                    if batch.num_rows == 0:
                        continue
                stats.rows += batch.num_rows
                yield batch
        except (pa.ArrowException, OSError) as exc:
            raise DataError(f"{file.display}: could not be read: {exc}") from None


def _reader_for(fmt: str) -> Callable[[DataFile, ReadOptions], Iterator[pa.RecordBatch]]:
    """The reader of one format, imported when that format is read."""
    if fmt == "csv":
        from driftplane.engine.readers.csv import read_csv_file

        return read_csv_file
    if fmt == "parquet":
        from driftplane.engine.readers.parquet import read_parquet_file

        return read_parquet_file
    if fmt == "jsonl":
        from driftplane.engine.readers.jsonl import read_jsonl_file

        return read_jsonl_file
    if fmt == "sagemaker-capture":
        from driftplane.engine.readers.capture import read_capture_file

        return lambda file, options: read_capture_file(file, options, TIMESTAMP_COLUMN)
    raise DataError(f"unknown format '{fmt}'; use csv, parquet, jsonl or sagemaker-capture")


def _with_time(
    batch: pa.RecordBatch, file: DataFile, period: Period | None, source: DataSource, fmt: str
) -> pa.RecordBatch:
    """Add ``TIMESTAMP_COLUMN`` from the timestamp column or the file's partition."""
    if fmt == "sagemaker-capture":
        return batch  # the capture reader adds each record's inference time
    column = source.timestamp_column
    if column is not None:
        if column not in batch.schema.names:
            raise DataError(
                f"{file.display} has no column '{column}' (the timestamp_column); its columns are "
                f"{', '.join(batch.schema.names[:20])}"
            )
        times = to_utc(batch.column(column), column=column, where=file.display)
        return batch.append_column(TIMESTAMP_COLUMN, times)
    if period is not None:
        start = scalar(utc(period[0]), UTC_US)
        return batch.append_column(TIMESTAMP_COLUMN, pa.repeat(start, batch.num_rows))
    return batch


def _finish(
    batches: Iterator[pa.RecordBatch], options: ReadOptions, window: Window | None, looked_at: list[str], where: str
) -> Iterator[pa.RecordBatch]:
    """Pass batches through; at the end, judge the malformed records read and say when a window held no data."""
    stats = options.stats
    yield from batches
    options.check_share(where)
    if stats.bad_lines:
        options.note(skipped_total(stats.bad_lines, where, options.setting, options.max_bad_records))
    if window is not None and stats.rows == 0:
        stats.messages.append(
            no_data_note(window, files_read=stats.files, skipped=stats.files_skipped, looked_at=looked_at)
        )
        logger.debug(stats.messages[-1])


def _nothing_found(source: DataSource, base_dir: Path | None, looked_at: list[str]) -> str:
    data = source.data or ""
    hint = "" if is_remote_uri(data) else where_relative_paths_start(data, base_dir)
    places = ", ".join(looked_at[:3])
    if any(c in data for c in "*?[{"):
        return f"no files match {data} (looked for {places}){hint}"
    return f"no data files in {places}{hint}; the directory is empty or holds only hidden files"


def _describe(files: list[DataFile], where: str, window: Window | None) -> str:
    in_window = f" in window {describe_window(window)}" if window is not None else ""
    if not files:
        return f"no files{in_window} ({where})"
    if len(files) == 1:
        return f"{files[0].display}{in_window}"
    common = posixpath.commonprefix([f.display for f in files])
    common = common[: common.rfind("/")] if "/" in common else where
    return f"{len(files)} files under {common}{in_window}"
