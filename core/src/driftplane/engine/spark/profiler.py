"""The driver's side of the Spark engine: plan the read, profile partitions, merge the partials.

    profile = profile_source(DataSource(data="s3a://lake/capture/{timestamp:yyyy}/..."),
                             phase="target", reference=baseline, window=window, ...)

The result is the Profile the local engine would compute on the same data: every exact part
(counts, missing values, types, min/max, sums and moments, histograms on the baseline's
grid, category counts) is merged exactly, the KLL quantile sketch within its documented
error. Everything after profiling (drift, checks, reports, alerts) is the local code.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driftplane.engine.profile import Profile, ProfileSettings
from driftplane.engine.readers import TIMESTAMP_COLUMN
from driftplane.engine.readers.options import check_bad_records, skipped_total
from driftplane.engine.readers.stream import role_prefix
from driftplane.engine.readers.windows import no_data_note
from driftplane.engine.spark.locations import SparkInput, resolve
from driftplane.engine.spark.partials import (
    BLOCK_COLUMN,
    FILE_COLUMN,
    LINE_COLUMN,
    PARTIAL_SCHEMA,
    TEXT_FORMATS,
    PartitionJob,
    merge_partials,
    profile_partition,
)
from driftplane.engine.spark.session import get_session, spark_errors
from driftplane.errors import DataError
from driftplane.resolved import FeaturePolicy, Rules
from driftplane.result import Window
from driftplane.spec.models import DataSource, Target
from driftplane.windows import utc

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

logger = logging.getLogger(__name__)

Progress = Callable[[str, int], None]
# Above this many partitions the partials are merged in two levels, so the driver receives
# at most MERGE_PARTITIONS of them however large the data.
WIDE_PARTITIONS = 64
MERGE_PARTITIONS = 16
# Numbers per column all partials together may carry to the driver as exact values (16 MB of
# float64): each partial keeps exact values up to its share of this, at least as many as a
# KLL sketch holds (4 * k) and at most the local engine's limit (ProfileSettings.exact_quantiles).
DRIVER_EXACT_VALUES = 2**21
DELTA_HINT = (
    "start Spark with the Delta Lake connector (e.g. --packages io.delta:delta-spark_2.13:<version> "
    "and the DeltaSparkSessionExtension), or run on Databricks, where it is built in"
)


def profile_source(
    source: DataSource,
    *,
    phase: str,
    reference: Profile | None,
    rules: Rules | None,
    settings: ProfileSettings | None,
    base_dir: Path | None,
    window: Window | None,
    progress: Progress | None = None,
    sample: Any = None,
    spark: SparkSession | None = None,
) -> Profile:
    """Profile ``source`` (within ``window``) on Spark; the same Profile the local engine computes.

    reference: the baseline's profile, sent to every executor (a broadcast) so the target's
        histograms are counted on its grid and its categories exactly.
    spark: the session to use; default: the active one, else a local one.
    """
    if sample is not None:
        raise DataError(
            "the domain classifier (checks.drift.classifier) is not available with the Spark engine; "
            "turn it off for this monitor or use engine: local"
        )
    session = spark or get_session()
    settings = settings or (reference.settings if reference is not None else ProfileSettings())
    found = resolve(session, source, base_dir=base_dir, window=window)
    logger.info("profiling the %s on Spark: %s", phase, found.description)
    if found.kind == "files" and not found.paths:
        empty = Profile(settings=settings, source=found.description)
        empty.messages.extend(found.messages)
        return empty
    features = rules.features if rules is not None else None
    frame, header_line, layout = _frame(session, found, source, features, window)
    reference_handle, broadcast = _share_reference(session, reference)
    partitions = _partitions(frame)
    job = PartitionJob(
        fmt=found.fmt if found.fmt in TEXT_FORMATS else "arrow",
        # A partition's partial travels to the driver as JSON: exact values only up to its share
        # of DRIVER_EXACT_VALUES, so many partitions cannot swamp the driver.
        settings=_settings_dict(settings, exact_quantiles=partial_exact_limit(settings, partitions)),
        features=features.to_dict() if features is not None else None,
        categorical=tuple(sorted(features.categorical)) if features is not None else (),
        source=found.description,
        header=source.header,
        header_line=header_line,
        delimiter=source.delimiter,
        column_names=tuple(source.columns) if source.columns is not None else None,
        capture_output=source.capture_output if isinstance(source, Target) else "start",
        max_bad_records=source.max_bad_records,
        setting=f"{role_prefix(source)}max_bad_records",
        timestamp_column=source.timestamp_column,
        window=(utc(window.start).isoformat(), utc(window.end).isoformat())
        if window is not None and found.row_times
        else None,
        threads=_task_cpus(session),
        reference=reference_handle,
    )
    try:
        profile = _run(frame, job, settings, found, partitions)
    finally:
        if broadcast is not None:
            broadcast.unpersist()
    profile.source = found.description
    profile.messages[:0] = [m for m in found.messages if m not in profile.messages]
    if layout:  # typed sources are read pruned to the monitored columns: keep every column's place
        profile.all_columns = [name for name in layout if name != TIMESTAMP_COLUMN]
    setting = f"{role_prefix(source)}max_bad_records"
    check_bad_records(
        source.max_bad_records,
        profile.skipped_records,
        profile.rows,
        where=found.where,
        setting=setting,
        notes=profile.messages,
    )
    if profile.skipped_records:
        profile.messages.append(skipped_total(profile.skipped_records, found.where, setting, source.max_bad_records))
    if window is not None and profile.rows == 0 and found.row_times:
        read = len(found.paths) if found.kind == "files" else 0
        profile.messages.append(no_data_note(window, files_read=read, skipped=found.skipped, looked_at=[found.where]))
    if progress is not None:
        progress(phase, profile.rows)
    return profile


def partial_exact_limit(settings: ProfileSettings, partials: int) -> int:
    """How many numbers per column one of ``partials`` partial profiles keeps exactly.

    The partials' share of DRIVER_EXACT_VALUES, clamped to [4 * kll_k, exact_quantiles]: with
    up to 32 partitions that is the local engine's own limit, so a column that fits it is exact
    on Spark too unless one partition holds far more than its share (a skewed partitioning).
    Unknown partition counts (Spark Connect) get the floor.
    """
    floor = min(4 * settings.kll_k, settings.exact_quantiles)
    if partials <= 0:
        return floor
    return max(floor, min(settings.exact_quantiles, DRIVER_EXACT_VALUES // partials))


def _settings_dict(settings: ProfileSettings, *, exact_quantiles: int) -> dict[str, int]:
    return {**{k: int(v) for k, v in settings.__dict__.items()}, "exact_quantiles": exact_quantiles}


def _run(frame: DataFrame, job: PartitionJob, settings: ProfileSettings, found: SparkInput, partitions: int) -> Profile:
    with warnings.catch_warnings():
        # pyspark checks for pandas (which driftplane does not use) and warns about its version.
        warnings.filterwarnings("ignore", message=".*pandas.*", category=FutureWarning)
        partials = frame.mapInArrow(partial(profile_partition, job), PARTIAL_SCHEMA)
        if partitions > WIDE_PARTITIONS:
            # Each group's merged partial keeps exact values up to its share of the driver's budget.
            group = _settings_dict(settings, exact_quantiles=partial_exact_limit(settings, MERGE_PARTITIONS))
            partials = partials.repartition(MERGE_PARTITIONS).mapInArrow(partial(merge_partials, group), PARTIAL_SCHEMA)
    try:
        rows = partials.collect()
    except spark_errors() as exc:
        raise DataError(f"{found.where}: Spark could not read it: {_reason(exc)}") from None
    merged = Profile(settings=settings, source=found.description)
    for row in rows:
        if row["error"] is not None:
            raise DataError(row["error"])
        merged.merge_in(Profile.from_dict(json.loads(row["profile"])))
    logger.debug(
        "merged %d partial profiles of %s from %d partitions (%d rows)",
        len(rows),
        found.description,
        partitions,
        merged.rows,
    )
    return merged


def _frame(
    session: SparkSession, found: SparkInput, source: DataSource, features: FeaturePolicy | None, window: Window | None
) -> tuple[DataFrame, str | None, list[str]]:
    """The DataFrame to profile (typed columns, or lines for text formats), a CSV header, and
    a typed source's columns before they are pruned to the monitored ones (text formats: none)."""
    from pyspark.sql import functions as F

    header_line = None
    try:
        if found.fmt in TEXT_FORMATS:
            lines = session.read.text(found.paths)
            frame = lines.select(
                F.col(LINE_COLUMN),
                F.col("_metadata.file_path").alias(FILE_COLUMN),
                F.col("_metadata.file_block_start").alias(BLOCK_COLUMN),
            )
            if found.fmt == "csv" and source.header:
                header_line = _first_line_of(session, found.paths[0])
            return frame, header_line, []
        if found.kind == "table":
            frame = session.table(found.paths[0])
        elif found.kind == "delta":
            frame = session.read.format("delta").load(found.paths[0])
        else:
            frame = session.read.option("mergeSchema", "true").parquet(*found.paths)
        frame.schema  # noqa: B018  # Spark Connect reads lazily: fail here, where the message is made
    except spark_errors() as exc:
        reason = _reason(exc)
        if found.kind == "delta" and ("DATA_SOURCE_NOT_FOUND" in str(exc) or "delta" in reason.lower()):
            raise DataError(
                f"{found.where} is a Delta table, but this Spark cannot read Delta: {reason}; {DELTA_HINT}"
            ) from None
        raise DataError(f"{found.where}: Spark could not read it: {reason}") from None
    return _typed(frame, found, source, features, window), header_line, list(frame.columns)


def _typed(
    frame: DataFrame, found: SparkInput, source: DataSource, features: FeaturePolicy | None, window: Window | None
) -> DataFrame:
    """Only the columns a profile needs (Parquet and Delta then read no others), and the window."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampNTZType, TimestampType

    column = source.timestamp_column
    if column is not None and column not in frame.columns:
        raise DataError(
            f"{found.description} has no column '{column}' (the timestamp_column); its columns are "
            f"{', '.join(frame.columns[:20])}"
        )
    keep = [
        name
        for name in frame.columns
        if (name != TIMESTAMP_COLUMN and (features is None or features.selected(name))) or name == column
    ]
    frame = frame.select(*[F.col(_quoted(name)) for name in keep])
    if column is not None and window is not None:
        kind = frame.schema[column].dataType
        start, end = utc(window.start), utc(window.end)
        # Pushed down to Parquet and Delta statistics; executors apply the exact window again.
        if isinstance(kind, TimestampType):
            frame = frame.where((F.col(_quoted(column)) >= _instant(start)) & (F.col(_quoted(column)) < _instant(end)))
        elif isinstance(kind, TimestampNTZType):
            frame = frame.where(
                (F.col(_quoted(column)) >= _wall_time(start)) & (F.col(_quoted(column)) < _wall_time(end))
            )
    return frame


def _instant(when: datetime) -> Any:
    from pyspark.sql import functions as F

    return F.expr(f"TIMESTAMP '{when.strftime('%Y-%m-%d %H:%M:%S.%f')}Z'")


def _wall_time(when: datetime) -> Any:
    from pyspark.sql import functions as F

    return F.expr(f"TIMESTAMP_NTZ '{when.strftime('%Y-%m-%d %H:%M:%S.%f')}'")


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _first_line_of(session: SparkSession, path: str) -> str | None:
    """A CSV file's header, its first line, as Spark's own CSV reader takes it."""
    from pyspark.sql import functions as F

    rows = session.read.text(path).where(F.col("_metadata.file_block_start") == 0).limit(1).collect()
    if not rows:
        return None
    return str(rows[0][0]).lstrip("\ufeff").rstrip("\r")


def _share_reference(session: SparkSession, reference: Profile | None) -> tuple[Any, Any]:
    """The reference's to_dict as a broadcast (JSON text), or the text itself without a SparkContext."""
    if reference is None:
        return None, None
    text = json.dumps(reference.to_dict())
    try:
        broadcast = session.sparkContext.broadcast(text)
    except (AttributeError, *spark_errors()):  # type: ignore[misc]  # Spark Connect has no SparkContext
        return text, None  # the reference then travels with each task
    return broadcast, broadcast


def _task_cpus(session: SparkSession) -> int:
    try:
        return max(1, int(session.conf.get("spark.task.cpus", "1") or 1))
    except ValueError:
        return 1


def _partitions(frame: DataFrame) -> int:
    try:
        return int(frame.rdd.getNumPartitions())
    except (AttributeError, *spark_errors()):  # type: ignore[misc]  # Spark Connect: no RDDs
        return 0  # merge every partial on the driver


def _reason(exc: BaseException) -> str:
    """The first line of Spark's message, without the JVM stack trace."""
    text = str(exc).strip()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("at ", "JVM stacktrace")):
            return line
    return type(exc).__name__
