"""Where a source's data is, as Spark sees it: the files a window needs, their format, or a table.

Listing goes through Spark itself (its ``binaryFile`` source, metadata only), so every store
Spark has a connector for (HDFS, s3a, abfss, gs, dbfs, Unity Catalog volumes) works without
fsspec. The rules are the local readers': a directory is read recursively, hidden files
(``_SUCCESS``, ``.crc``) are skipped, ``auto`` picks the format from the extensions and refuses
a mix, JSON Lines holding SageMaker capture records are read as capture, and partition fields
in the path (``{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}``) prune whole files before
anything is opened. A directory holding ``_delta_log`` is a Delta table; ``table:NAME`` names
a table in Spark's catalog (Hive metastore, Unity Catalog).
"""

from __future__ import annotations

import json
import logging
import posixpath
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from driftplane.engine.readers.datafiles import (
    DataFile,
    absolute_location,
    empty_file_error,
    is_remote_uri,
    where_relative_paths_start,
)
from driftplane.engine.readers.formats import choose_format
from driftplane.engine.readers.partitions import PartitionTemplate
from driftplane.engine.readers.windows import MAX_PARTITIONS_TO_LIST, no_data_note
from driftplane.errors import DataError
from driftplane.result import Window
from driftplane.spec.models import DataSource
from driftplane.windows import describe_window, utc

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

logger = logging.getLogger(__name__)

TABLE_PREFIX = "table:"
DELTA_LOG = "_delta_log"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(//[^/]*)?")
Kind = Literal["files", "delta", "table"]


@dataclass
class SparkInput:
    """What to hand Spark's reader, and what a person should be told about it."""

    kind: Kind
    fmt: str  # parquet, csv, jsonl, sagemaker-capture (files); delta; table
    paths: list[str]  # the files to read; the Delta table's path; the table's name
    where: str  # the data as the spec names it
    description: str  # for messages: "3 files under data/2026/01 in window [...]"
    messages: list[str] = field(default_factory=list)
    row_times: bool = False  # rows carry their own time (timestamp_column or capture)
    skipped: int = 0  # files outside the window, never read


def is_table_name(data: str | None) -> bool:
    return data is not None and data.startswith(TABLE_PREFIX)


def spark_location(data: str, base_dir: Path | None) -> str:
    """The path to give Spark: URIs as written, relative local paths made absolute."""
    if is_remote_uri(data) or _SCHEME.match(data):
        return data
    return absolute_location(data, base_dir)


def resolve(spark: SparkSession, source: DataSource, *, base_dir: Path | None, window: Window | None) -> SparkInput:
    """The files (or table) ``source`` covers within ``window``; DataError when there is nothing."""
    if source.data is None:
        raise DataError("this source has no 'data' path to read (an 'endpoint' target is read by a cloud provider)")
    data = source.data
    row_times = source.timestamp_column is not None
    if is_table_name(data):
        name = data[len(TABLE_PREFIX) :].strip()
        _check_table(spark, name)
        return SparkInput("table", "table", [name], data, f"table {name}", _untimed(data, window, row_times), row_times)
    location = spark_location(data, base_dir)
    template = PartitionTemplate.parse(location)
    if (
        template is None
        and not any(c in location for c in "*?[")
        and _exists(spark, f"{location.rstrip('/')}/{DELTA_LOG}")
    ):
        return SparkInput(
            "delta", "delta", [location], data, f"Delta table {data}", _untimed(data, window, row_times), row_times
        )
    files, skipped, looked_at, periods = _files(spark, location, template, window, source, base_dir)
    if not files and not skipped and not (window is not None and template is not None and template.has_time):
        raise DataError(_nothing_found(data, base_dir, looked_at))
    found = [DataFile(path=path, size=size, fs=None, display=path) for path, size in files]
    fmt, selected, ignored = choose_format(found, source.format, data) if found else (source.format, [], [])
    messages: list[str] = []
    if ignored:
        names = ", ".join(f.name for f in ignored[:5]) + (", ..." if len(ignored) > 5 else "")
        messages.append(f"ignored {len(ignored)} file(s) under {data} that are not data files: {names}")
    if fmt == "jsonl" and selected and _looks_like_capture(spark, selected[0].path):
        fmt = "sagemaker-capture"
    row_times = row_times or fmt == "sagemaker-capture"
    partitioned = template is not None and template.has_time
    if window is not None and partitioned and not row_times:
        # As the local readers: rows take their partition's start as their time.
        inside = []
        for file in selected:
            period = periods.get(file.path)
            if period is not None and utc(window.start) <= period[0] < utc(window.end):
                inside.append(file)
            else:
                skipped += 1
        selected = inside
        period_length = template.period if template is not None else None
        if period_length is not None and period_length.after(utc(window.start)) > utc(window.end):
            messages.append(
                f"{data} is partitioned by {period_length} but the window {describe_window(window)} is "
                "shorter: rows take their partition's start as their time, so a window that does not "
                "contain a partition's start gets none of its rows; add a timestamp_column for finer windows"
            )
    if not partitioned:
        messages.extend(_untimed(data, window, row_times))
    for file in selected:
        if file.size == 0:
            raise empty_file_error(file.display)
    if window is not None and not selected:
        messages.append(no_data_note(window, files_read=0, skipped=skipped, looked_at=looked_at))
    return SparkInput(
        "files",
        fmt,
        [f.path for f in selected],
        data,
        _describe([f.path for f in selected], data, window),
        messages,
        row_times=row_times,
        skipped=skipped,
    )


Period = tuple[datetime, datetime]


def _untimed(data: str, window: Window | None, row_times: bool) -> list[str]:
    """The local readers' note for a window over data that has no time at all."""
    if window is None or row_times:
        return []
    return [
        f"{data} has no time (no {{timestamp:...}} fields in the path and no timestamp_column), "
        f"so all of it was read for window {describe_window(window)}"
    ]


def _files(
    spark: SparkSession,
    location: str,
    template: PartitionTemplate | None,
    window: Window | None,
    source: DataSource,
    base_dir: Path | None,
) -> tuple[list[tuple[str, int]], int, list[str], dict[str, Period]]:
    """(path, size) of the files to consider, how many were skipped, what was listed, periods."""
    if template is None:
        return (
            _list(spark, [location], missing_ok=False, data=source.data or location, base_dir=base_dir),
            0,
            [location],
            {},
        )
    if not template.has_time:
        listed = _list(spark, [template.glob], missing_ok=True)
        return [(p, s) for p, s in listed if template.regex.fullmatch(_comparable(p, location))], 0, [template.glob], {}
    periods: dict[str, Period] = {}
    files: list[tuple[str, int]] = []
    skipped = 0
    if window is not None:
        start, end = utc(window.start), utc(window.end)
        if template.count_partitions(start, end) <= MAX_PARTITIONS_TO_LIST:
            patterns = [p.pattern for p in template.partitions(start, end)]
            for path, size in _list(spark, patterns, missing_ok=True):
                period = template.period_of(_comparable(path, location))
                if period is not None and period[0] < end and period[1] > start:
                    files.append((path, size))
                    periods[path] = period
            return files, 0, patterns, periods
    for path, size in _list(spark, [template.glob], missing_ok=True):
        period = template.period_of(_comparable(path, location))
        if period is None:
            continue  # matched the wildcards but not the date digits
        if window is None or (period[0] < utc(window.end) and period[1] > utc(window.start)):
            files.append((path, size))
            periods[path] = period
        else:
            skipped += 1
    return files, skipped, [template.glob], periods


def _comparable(spark_path: str, location: str) -> str:
    """A listed path in the form the template was written in (no ``file:`` for local paths)."""
    if _SCHEME.match(location):
        return spark_path
    return _SCHEME.sub("", spark_path, count=1)


def _list(
    spark: SparkSession,
    patterns: list[str],
    *,
    missing_ok: bool,
    data: str | None = None,
    base_dir: Path | None = None,
) -> list[tuple[str, int]]:
    """Every data file under ``patterns`` (directories recursively, hidden files skipped), sorted."""
    from pyspark.errors import AnalysisException

    frames: list[DataFrame] = []
    for pattern in patterns:
        try:
            frame = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(pattern)
        except AnalysisException as exc:
            if "PATH_NOT_FOUND" in str(exc) or "Path does not exist" in str(exc):
                if missing_ok:
                    continue
                if data is not None and any(c in pattern for c in "*?["):
                    raise DataError(_nothing_found(data, base_dir, [pattern])) from None
                hint = "" if data is None or is_remote_uri(data) else where_relative_paths_start(data, base_dir)
                raise DataError(f"data not found: {pattern}{hint}") from None
            raise DataError(f"{pattern}: Spark could not list it: {_first_line(exc)}") from None
        frames.append(frame.select("path", "length"))
    if not frames:
        return []
    union = frames[0]
    for frame in frames[1:]:
        union = union.unionByName(frame)
    from driftplane.engine.spark.session import spark_errors

    try:
        rows = union.collect()
    except spark_errors() as exc:
        raise DataError(f"{', '.join(patterns[:3])}: Spark could not list the files: {_first_line(exc)}") from None
    return sorted({(str(r["path"]), int(r["length"])) for r in rows})


def _exists(spark: SparkSession, path: str) -> bool:
    from pyspark.errors import AnalysisException

    try:
        spark.read.format("binaryFile").load(path).schema  # noqa: B018  # Spark Connect analyses only when asked
    except AnalysisException:
        return False
    return True


def _check_table(spark: SparkSession, name: str) -> None:
    if not name:
        raise DataError("'table:' needs a table name after it, e.g. table:analytics.inference_log")
    from driftplane.engine.spark.session import spark_errors

    try:
        exists = spark.catalog.tableExists(name)
    except spark_errors() as exc:
        raise DataError(f"table {name}: Spark could not look it up: {_first_line(exc)}") from None
    if not exists:
        raise DataError(
            f"table {name} does not exist in Spark's catalog (current database: "
            f"{spark.catalog.currentDatabase()}); check the name with SHOW TABLES, or qualify it as database.table"
        )


def _looks_like_capture(spark: SparkSession, path: str) -> bool:
    """True when the first non-blank line of a JSON Lines file is a SageMaker capture record."""
    from pyspark.sql import functions as F

    rows = spark.read.text(path).where(F.length(F.trim("value")) > 0).limit(1).collect()
    if not rows:
        return False
    try:
        value: Any = json.loads(rows[0]["value"])
    except json.JSONDecodeError:
        return False
    return isinstance(value, dict) and isinstance(value.get("captureData"), dict)


def _nothing_found(data: str, base_dir: Path | None, looked_at: list[str]) -> str:
    hint = "" if is_remote_uri(data) else where_relative_paths_start(data, base_dir)
    places = ", ".join(looked_at[:3])
    if any(c in data for c in "*?[{"):
        return f"no files match {data} (looked for {places}){hint}"
    return f"no data files in {places}{hint}; the directory is empty or holds only hidden files"


def _describe(paths: list[str], where: str, window: Window | None) -> str:
    in_window = f" in window {describe_window(window)}" if window is not None else ""
    shown = [_SCHEME.sub("", p, count=1) if p.startswith("file:") else p for p in paths]
    if not shown:
        return f"no files{in_window} ({where})"
    if len(shown) == 1:
        return f"{shown[0]}{in_window}"
    common = posixpath.commonprefix(shown)
    common = common[: common.rfind("/")] if "/" in common else where
    return f"{len(shown)} files under {common}{in_window}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
