"""Bad data gets a clear answer, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import driftplane as dp
from driftplane.engine.profiler import profile_stream
from driftplane.errors import DataError


def parquet(path: Path, columns: dict) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


def test_all_null_columns_are_explained(tmp_path: Path) -> None:
    base = parquet(tmp_path / "b.parquet", {"x": pa.nulls(100, pa.float64()), "y": np.arange(100.0)})
    target = parquet(tmp_path / "t.parquet", {"x": pa.nulls(100, pa.float64()), "y": pa.nulls(100, pa.float64())})
    result = dp.compare(base, target)
    assert any("'x' has no values in the baseline" in m for m in result.messages)
    assert any("'y' has no values in the target" in m for m in result.messages)
    assert ("y", "completeness_check") in {(v.feature_name, v.constraint_check_type) for v in result.violations}
    assert json.loads(result.to_json())["status"] == "violations"


def test_all_nan_column_counts_as_missing(tmp_path: Path) -> None:
    base = parquet(tmp_path / "b.parquet", {"x": np.full(50, np.nan), "y": np.arange(50.0)})
    profile = dp.profile(base)
    assert profile["x"].missing == 50 and profile["x"].inferred_type == "Unknown"
    result = dp.compare(base, base)
    assert result.status == "ok"


def test_infinities_are_left_out_of_statistics_and_reported(tmp_path: Path) -> None:
    values = np.concatenate([np.random.default_rng(0).normal(size=200), [np.inf, -np.inf, np.inf]])
    base = parquet(tmp_path / "b.parquet", {"x": values})
    result = dp.compare(base, base, out_dir=tmp_path / "out")
    summary = result.features[0].baseline
    assert summary["infinite"] == 3 and np.isfinite(summary["max"]) and summary["count"] == 203
    assert any("3 infinite value(s)" in m for m in result.messages)
    json.loads((tmp_path / "out" / "statistics.json").read_text())  # valid JSON, no Infinity


def test_mixed_types_across_files_of_one_column(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    parquet(tmp_path / "base" / "part-1.parquet", {"v": np.arange(500)})
    parquet(tmp_path / "base" / "part-2.parquet", {"v": np.arange(500)})
    (tmp_path / "target").mkdir()
    parquet(tmp_path / "target" / "part-1.parquet", {"v": np.arange(500)})
    parquet(tmp_path / "target" / "part-2.parquet", {"v": [str(i) for i in range(499)] + ["unknown"]})
    result = dp.compare(tmp_path / "base" / "*.parquet", tmp_path / "target" / "*.parquet")
    [violation] = [v for v in result.violations if v.constraint_check_type == "data_type_check"]
    assert "Only 99.9% of data is Integral" in violation.description
    assert result.features[0].target["type"] == "String"


def test_a_million_distinct_strings_keep_memory_bounded() -> None:
    values = pa.array([f"id-{i:07d}" for i in range(1_000_000)])
    batches = pa.table({"id": values}).to_batches(max_chunksize=131_072)
    column = profile_stream(batches)["id"]
    assert column.categorical is not None and not column.categorical.exact
    assert len(column.categorical.counts) == 0  # nothing kept exactly past the cap
    assert column.distinct_count() == pytest.approx(1_000_000, rel=0.05)
    assert len(json.dumps(column.to_dict())) < 100_000  # the serialized column stays small
    assert sum(column.categorical.top(20).values()) == 1_000_000


def test_names_with_spaces_and_non_ascii(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    columns = {"prix €": rng.normal(size=300), "名前": rng.choice(["a", "b"], 300), "a b\tc": rng.integers(0, 3, 300)}
    base = parquet(tmp_path / "b.parquet", columns)
    result = dp.compare(base, base, out_dir=tmp_path / "ünïcode out")
    assert [f.name for f in result.features] == list(columns)
    stats = json.loads((tmp_path / "ünïcode out" / "statistics.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in stats["features"]] == list(columns)


def test_duplicate_column_names_are_a_data_error() -> None:
    batch = pa.RecordBatch.from_arrays([pa.array([1]), pa.array([2])], names=["a", "a"])
    with pytest.raises(DataError, match="'a' appear more than once"):
        profile_stream([batch])


def test_empty_baseline_is_a_data_error(tmp_path: Path) -> None:
    empty = parquet(tmp_path / "e.parquet", {"x": pa.array([], pa.float64())})
    full = parquet(tmp_path / "f.parquet", {"x": [1.0]})
    with pytest.raises(DataError, match="the baseline has no rows"):
        dp.compare(empty, full)
    with pytest.raises(DataError, match="the target has no rows"):
        dp.compare(full, empty)


def test_nested_values_are_counted_not_crashed_on() -> None:
    batch = pa.record_batch({"tags": pa.array([["a"], ["b", "c"], None]), "n": [1, 2, 3]})
    column = profile_stream([batch])["tags"]
    assert column.inferred_type == "String" and column.missing == 1 and column.unsupported == 2
