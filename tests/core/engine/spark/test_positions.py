"""The Spark engine names headerless columns by the baseline's full layout too (features.exclude keeps places)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.core.engine.readers.test_positions import (
    COLUMNS,
    assert_nothing_found,
    capture_line,
    day_rows,
    write_baseline,
)

import driftplane as dp
from driftplane.spec.models import DataSource, FeatureSelection, Target


@pytest.mark.parametrize("left_out", ["score", "age", "spend"])
def test_headerless_csv_and_capture_on_spark_keep_their_places(spark, tmp_path: Path, left_out: str) -> None:
    rows = day_rows(400)
    baseline = write_baseline(tmp_path, rows)
    (tmp_path / "today.csv").write_text("".join(",".join(r) + "\n" for r in rows))
    (tmp_path / "capture.jsonl").write_text("".join(capture_line(r, k) + "\n" for k, r in enumerate(rows)))
    selection = FeatureSelection(exclude=[left_out])
    for target in (
        DataSource(data=str(tmp_path / "today.csv"), header=False),
        Target(data=str(tmp_path / "capture.jsonl"), format="sagemaker-capture"),
    ):
        result = dp.compare(str(baseline), target, features=selection, engine="spark")
        assert_nothing_found(result, selection)
        assert result.rows.target == 400
    assert left_out in COLUMNS


def test_a_parquet_baseline_read_pruned_on_spark_keeps_every_columns_place(spark, tmp_path: Path) -> None:
    """Spark reads only the monitored columns of Parquet; the profile still knows them all, in order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = day_rows(300)
    table = pa.table({name: [r[k] for r in rows] for k, name in enumerate(COLUMNS)})
    pq.write_table(table, tmp_path / "train.parquet")
    (tmp_path / "today.csv").write_text("".join(",".join(r) + "\n" for r in rows))
    selection = FeatureSelection(exclude=["customer_id"])
    result = dp.compare(
        str(tmp_path / "train.parquet"),
        DataSource(data=str(tmp_path / "today.csv"), header=False),
        features=selection,
        engine="spark",
    )
    assert result.violations == [], [v.description for v in result.violations]
    assert [f.name for f in result.features] == [c for c in COLUMNS if c != "customer_id"]
    assert not any("_c" in m for m in result.messages), result.messages
