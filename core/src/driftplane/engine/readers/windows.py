"""Which partitions and files a window covers, and which of their rows fall in it.

Which window a run reads is decided by the monitor's ``driftplane.windows.WindowRule``; the
readers use these helpers to skip files outside it, filter rows by time, and say "no data
for the window X" with the partitions they looked at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from fsspec.spec import AbstractFileSystem

from driftplane.engine.arrays import FALSE, scalar
from driftplane.engine.readers.datafiles import (
    DataFile,
    absolute_location,
    filesystem_for,
    list_files,
)
from driftplane.engine.readers.partitions import Partition, PartitionTemplate
from driftplane.errors import DataError
from driftplane.result import Window
from driftplane.spec.durations import Duration
from driftplane.spec.models import DataSource
from driftplane.windows import utc, window_text

# Listing partition by partition is cheaper than listing everything only up to a point.
MAX_PARTITIONS_TO_LIST = 256
NO_DATA = "no data for the window"  # how the note of an empty window starts (the run's error uses it)


def no_data_note(window: Window, *, files_read: int, skipped: int, looked_at: list[str]) -> str:
    """One sentence on an empty window: what was read and where it looked.

    ``no data for the window 2026-02-28 00:00 to 2026-03-01 00:00 UTC; looked at data/2026/02/28/*.parquet``
    """
    text = f"{NO_DATA} {window_text(window)}"
    if files_read:
        text += f": {files_read:,} file(s) read, none of their rows falls in it"
    if looked_at:
        places = ", ".join(looked_at[:5]) + (f" and {len(looked_at) - 5} more" if len(looked_at) > 5 else "")
        text += f"; looked at {places}"
    if skipped:
        text += f" ({skipped:,} file(s) outside the window skipped)"
    return text


@dataclass
class WindowFiles:
    """What a window covers in a partitioned source: its partitions and the files in them."""

    partitions: list[Partition] = field(default_factory=list)  # only when listed one by one
    files: list[tuple[DataFile, tuple[datetime, datetime] | None]] = field(default_factory=list)
    skipped: list[DataFile] = field(default_factory=list)  # listed but outside the window
    looked_at: list[str] = field(default_factory=list)  # the globs or paths listed
    has_time: bool = False  # the path has time fields (partitions)
    period: Duration | None = None  # how long one partition lasts


def partitions_for_window(source: DataSource, window: Window, *, base_dir: Path | None = None) -> list[Partition]:
    """The partitions of ``source`` that overlap ``window`` (from the path template, no listing).

    Empty when the path has no time fields.
    """
    template = _template(source, base_dir)
    if template is None or not template.has_time:
        return []
    return list(template.partitions(utc(window.start), utc(window.end)))


def files_for_window(source: DataSource, window: Window | None, *, base_dir: Path | None = None) -> WindowFiles:
    """The files of ``source`` whose partition overlaps ``window``, each with its period.

    Files outside the window are never opened. Without time fields in the path every file
    is returned (with period None): rows are then filtered by a timestamp column, if any.
    """
    if source.data is None:
        raise DataError("this source has no 'data' path to read")
    location = absolute_location(source.data, base_dir)
    fs, path = filesystem_for(location, source.storage_options)
    template = PartitionTemplate.parse(path)
    result = WindowFiles(
        has_time=template is not None and template.has_time,
        period=template.period if template is not None else None,
    )
    if template is None:
        files, _kind = list_files(fs, path, data=source.data, base_dir=base_dir)
        result.files = [(f, None) for f in files]
        result.looked_at = [path]
        return result
    if not template.has_time:
        files, _kind = list_files(fs, template.glob, data=source.data, base_dir=base_dir)
        result.files = [(f, None) for f in files if template.regex.fullmatch(f.path)]
        result.looked_at = [template.glob]
        return result
    if window is not None:
        start, end = utc(window.start), utc(window.end)
        if template.count_partitions(start, end) <= MAX_PARTITIONS_TO_LIST:
            for partition in template.partitions(start, end):
                result.partitions.append(partition)
                result.looked_at.append(partition.pattern)
                files, _kind = _list_partition(fs, partition.pattern, source.data, base_dir)
                for f in files:
                    period = template.period_of(f.path)
                    if period is not None and period[0] < end and period[1] > start:
                        result.files.append((f, period))
            return result
    files, _kind = list_files(fs, template.glob, data=source.data, base_dir=base_dir)
    result.looked_at = [template.glob]
    for f in files:
        period = template.period_of(f.path)
        if period is None:
            continue  # matched the wildcards but not the date digits (e.g. 2026/xx/05)
        if window is None or (period[0] < utc(window.end) and period[1] > utc(window.start)):
            result.files.append((f, period))
        else:
            result.skipped.append(f)
    return result


def _list_partition(
    fs: AbstractFileSystem, pattern: str, data: str, base_dir: Path | None
) -> tuple[list[DataFile], str]:
    """List one partition; a partition with nothing in it is normal, not an error."""
    try:
        return list_files(fs, pattern, data=data, base_dir=base_dir)
    except DataError:
        return [], "missing"


def _template(source: DataSource, base_dir: Path | None) -> PartitionTemplate | None:
    if source.data is None:
        return None
    location = absolute_location(source.data, base_dir)
    _fs, path = filesystem_for(location, source.storage_options)
    return PartitionTemplate.parse(path)


def filter_rows(batch: pa.RecordBatch, times: pa.Array, window: Window) -> pa.RecordBatch:
    """The rows of ``batch`` whose time is in [start, end); rows without a time are dropped."""
    start = scalar(utc(window.start), pa.timestamp("us", tz="UTC"))
    end = scalar(utc(window.end), pa.timestamp("us", tz="UTC"))
    keep = pc.and_(pc.greater_equal(times, start), pc.less(times, end))
    keep = pc.fill_null(keep, FALSE)
    if pc.all(keep).as_py():
        return batch
    return batch.filter(keep)

