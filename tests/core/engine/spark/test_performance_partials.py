"""Model-quality accumulators computed on Spark (local[2], mapInArrow) equal the local engine's.

Rows are (id, prediction, score, label) as the label join gives them: labels as text, the
way SageMaker's ground truth writes them, predictions as integers. Partition partials travel
as JSON and merge on the driver (in two levels past 64 partitions); every metric, the
confusion matrix, the AUC error bound and the calibration bins equal those of one local
accumulator over the same rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftplane.engine.performance.partials import (
    PerformanceJob,
    accumulate_batches,
    accumulate_on_spark,
)
from driftplane.errors import DataError


def joined_rows(folder: Path, rows: int, files: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, rows)
    score = 1 / (1 + np.exp(-rng.normal(2 * label - 1, 1.3)))
    table = pa.table(
        {
            "id": pa.array([f"inf-{i}" for i in range(rows)]),
            "prediction": pa.array((score >= 0.5).astype(np.int64)),
            "score": pa.array(score),
            "label": pa.array(label.astype(str)),
            "amount": pa.array(rng.lognormal(3, 1, rows)),
            "amount_predicted": pa.array(rng.lognormal(3, 1, rows)),
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    for index, part in enumerate(np.array_split(np.arange(rows), files)):
        pq.write_table(table.take(part), folder / f"part-{index}.parquet")
    return table


BINARY = PerformanceJob(
    problem_type="binary",
    label="label",
    prediction="prediction",
    probability="score",
    positive_label="1",
)


def test_binary_metrics_on_spark_equal_local(spark, tmp_path: Path) -> None:
    table = joined_rows(tmp_path / "joined", 60_000, 4, seed=1)
    frame = spark.read.parquet(str(tmp_path / "joined")).repartition(6)
    on_spark = accumulate_on_spark(frame, BINARY)
    local = accumulate_batches(BINARY, table.to_batches(max_chunksize=7_000))
    assert on_spark.rows == local.rows == 60_000
    assert on_spark.metrics() == local.metrics()
    assert on_spark.confusion_matrix() == local.confusion_matrix()
    assert on_spark.error_bounds() == local.error_bounds()
    assert on_spark.calibration() == local.calibration()  # type: ignore[attr-defined]
    spread = on_spark.spread()
    assert spread["accuracy"] is not None and 0 < spread["accuracy"] < 0.01


def test_wide_merge_past_64_partitions_equals_local(spark, tmp_path: Path) -> None:
    table = joined_rows(tmp_path / "joined", 7_000, 2, seed=2)
    frame = spark.read.parquet(str(tmp_path / "joined")).repartition(70)
    assert frame.rdd.getNumPartitions() == 70
    regression = PerformanceJob(
        problem_type="regression", label="amount", prediction="amount_predicted"
    )
    on_spark = accumulate_on_spark(frame, regression)
    local = accumulate_batches(regression, table.to_batches())
    assert on_spark.metrics() == local.metrics()  # exact sums: no float order effects
    binary = accumulate_on_spark(frame, BINARY)
    assert binary.metrics() == accumulate_batches(BINARY, table.to_batches()).metrics()


def test_bad_rows_on_an_executor_raise_the_engines_message(spark, tmp_path: Path) -> None:
    table = joined_rows(tmp_path / "ok", 2_000, 1, seed=3)
    scores = table.column("score").to_numpy().copy()
    scores[1234] = 1.25
    broken = table.set_column(table.schema.get_field_index("score"), "score", pa.array(scores))
    pq.write_table(broken, tmp_path / "broken.parquet")
    frame = spark.read.parquet(str(tmp_path / "broken.parquet")).repartition(3)
    with pytest.raises(
        DataError,
        match=r"the probability column 'score' holds values outside \[0, 1\] \(1 of \d+ rows, e.g. 1.25\)",
    ):
        accumulate_on_spark(frame, BINARY)
    with pytest.raises(DataError, match="the joined predictions have no column 'churn'"):
        accumulate_on_spark(
            frame, PerformanceJob(problem_type="binary", label="churn", prediction="prediction")
        )
