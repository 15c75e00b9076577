"""Model-quality accumulators from Arrow batches: one partial per Spark partition, merged on the driver.

The label join gives rows of (id, prediction, score, label); ``accumulate_partition`` is the
function handed to ``DataFrame.mapInArrow``: it feeds a partition's batches to the local
accumulator and sends it back as one row holding its ``to_dict`` JSON, the way the profile
partials travel (engine/spark/partials.py). ``merge_partials`` is the second level of a wide
merge, ``accumulate_on_spark`` the driver's side. Every metric equals the local engine's on
the same rows, bit for bit: counts and exact sums do not depend on how rows are split. Only
the spread (which of five folds a row falls in) is drawn per partition.

A DataError (a probability outside [0, 1], a third class for a binary model) leaves as a row
too, so the driver raises it with its own message instead of a Java stack trace.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from driftplane.engine.performance.accumulators import Accumulator, new_accumulator
from driftplane.errors import DataError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

logger = logging.getLogger(__name__)

PARTIAL_SCHEMA = "accumulator binary, error string"
WIDE_PARTITIONS = 64
MERGE_PARTITIONS = 16


@dataclass(frozen=True)
class PerformanceJob:
    """What an executor needs to accumulate a partition: the model's columns; small and picklable."""

    problem_type: str
    label: str = "label"
    prediction: str | None = "prediction"
    probability: str | None = None
    positive_label: str = "1"
    threshold: float = 0.5
    weight: str | None = None

    def empty(self, seed: int = 0) -> Accumulator:
        names = {"label": self.label}
        if self.prediction is not None:
            names["prediction"] = self.prediction
        if self.probability is not None:
            names["probability"] = self.probability
        return new_accumulator(
            self.problem_type,
            positive_label=self.positive_label,
            threshold=self.threshold,
            names=names,
            seed=seed,
        )


def accumulate_batches(
    job: PerformanceJob, batches: Iterable[pa.RecordBatch], seed: int = 0
) -> Accumulator:
    """The accumulator of every row of ``batches`` (columns named as in ``job``)."""
    accumulator = job.empty(seed)
    for batch in batches:
        if batch.num_rows == 0:
            continue
        accumulator.update(
            _column(batch, job.label, "label"),
            _column(batch, job.prediction, "prediction") if job.prediction is not None else None,
            _column(batch, job.probability, "probability") if job.probability is not None else None,
            _column(batch, job.weight, "weight") if job.weight is not None else None,
        )
    return accumulator


def _column(batch: pa.RecordBatch, name: str, role: str) -> pa.Array:
    if name not in batch.schema.names:
        raise DataError(
            f"the joined predictions have no {role} column '{name}'; "
            f"their columns are {', '.join(batch.schema.names[:20])}"
        )
    return batch.column(name)


def _partition_seed() -> int:
    """The partition's number, so partitions draw different folds (0 outside Spark)."""
    try:
        from pyspark import TaskContext
    except ImportError:
        return 0
    context = TaskContext.get()
    return int(context.partitionId()) if context is not None else 0


def accumulate_partition(
    job: PerformanceJob, batches: Iterable[pa.RecordBatch]
) -> Iterator[pa.RecordBatch]:
    """mapInArrow's function: the partition's rows in, one row holding its accumulator out."""
    try:
        accumulator = accumulate_batches(job, batches, seed=_partition_seed())
    except DataError as exc:
        yield _row(None, str(exc))
        return
    yield _row(json.dumps(accumulator.to_dict()).encode("utf-8"), None)


def merge_partials(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """mapInArrow's function for the second level of a wide merge: partials in, one partial out."""
    merged: Accumulator | None = None
    for batch in batches:
        for payload, error in zip(
            batch.column("accumulator").to_pylist(), batch.column("error").to_pylist(), strict=True
        ):
            if error is not None:
                yield _row(None, error)
                continue
            merged = _merge(merged, payload)
    if merged is not None:
        yield _row(json.dumps(merged.to_dict()).encode("utf-8"), None)


def _merge(merged: Accumulator | None, payload: bytes) -> Accumulator:
    partial_accumulator = Accumulator.from_dict(json.loads(payload))
    if merged is None:
        return partial_accumulator
    merged.merge(partial_accumulator)
    return merged


def collect_partials(rows: Iterable[Any], job: PerformanceJob) -> Accumulator:
    """The driver's merge of collected partial rows (each with ``accumulator`` and ``error``)."""
    merged: Accumulator | None = None
    for row in rows:
        if row["error"] is not None:
            raise DataError(row["error"])
        merged = _merge(merged, row["accumulator"])
    return merged if merged is not None else job.empty()


def _row(payload: bytes | None, error: str | None) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays(
        [pa.array([payload], pa.binary()), pa.array([error], pa.string())],
        names=["accumulator", "error"],
    )


def accumulate_on_spark(frame: DataFrame, job: PerformanceJob) -> Accumulator:
    """Accumulate a DataFrame of joined predictions and labels on Spark; the local engine's metrics."""
    from driftplane.engine.spark.session import spark_errors

    columns = [c for c in (job.label, job.prediction, job.probability, job.weight) if c is not None]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"the joined predictions have no column {', '.join(repr(c) for c in missing)}; "
            f"their columns are {', '.join(frame.columns[:20])}"
        )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*pandas.*", category=FutureWarning)
        partials = frame.select(*columns).mapInArrow(
            partial(accumulate_partition, job), PARTIAL_SCHEMA
        )
        try:
            partitions = int(frame.rdd.getNumPartitions())
        except (AttributeError, *spark_errors()):  # type: ignore[misc]  # Spark Connect: no RDDs
            partitions = 0
        if partitions > WIDE_PARTITIONS:
            partials = partials.repartition(MERGE_PARTITIONS).mapInArrow(
                merge_partials, PARTIAL_SCHEMA
            )
    try:
        rows = partials.collect()
    except spark_errors() as exc:
        raise DataError(
            f"Spark could not compute the model-quality metrics: {str(exc).strip().splitlines()[0]}"
        ) from None
    accumulator = collect_partials(rows, job)
    logger.debug(
        "merged %d model-quality partials from %d partitions (%d rows)",
        len(rows),
        partitions,
        accumulator.rows,
    )
    return accumulator
