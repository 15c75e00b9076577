"""The Spark engine gives the local engine's answers on the same data, in every format.

The designed suite (tests/core/engine/conftest.py) is written as Parquet, CSV and JSON
Lines, split over several files and, with small splits, over many partitions that start in
the middle of a file. Both engines profile it; counts, missing values, types, min/max,
means, histograms and categories must be equal, quantiles within the sketch's error, and
``compare`` must reach the same verdict for every feature.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from tests.core.engine.conftest import designed_tables
from tests.core.engine.spark.compare_profiles import assert_same_profile

from driftplane.engine.api import compare, load_baseline, profile, profile_source
from driftplane.spec.models import DataSource

ROWS = 12_000


def _write(table: pa.Table, folder: Path, fmt: str, parts: int = 3) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    step = -(-table.num_rows // parts)
    for index in range(parts):
        piece = table.slice(index * step, step)
        path = folder / f"part-{index}.{fmt}"
        if fmt == "parquet":
            pq.write_table(piece, path, row_group_size=2_000)
        elif fmt == "csv":
            pacsv.write_csv(piece, path)
        else:
            with path.open("w", encoding="utf-8") as handle:
                for row in piece.to_pylist():
                    handle.write(_json(row) + "\n")
    return folder


def _json(row: dict) -> str:
    return json.dumps(
        {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}, ensure_ascii=False
    )


def _numbers(table: pa.Table) -> dict[str, np.ndarray]:
    out = {}
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_floating(column.type) or pa.types.is_integer(column.type):
            out[name] = pc.drop_null(column).to_numpy().astype(np.float64)
    return out


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path, pa.Table, pa.Table]]:
    root = tmp_path_factory.mktemp("suite")
    baseline, target = designed_tables(ROWS, seed=7)
    return {
        fmt: (
            _write(baseline, root / fmt / "baseline", fmt),
            _write(target, root / fmt / "target", fmt),
            baseline,
            target,
        )
        for fmt in ("parquet", "csv", "jsonl")
    }


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_baseline_profiles_are_the_same(spark, small_splits, suite, fmt: str) -> None:
    base_dir, _, table, _ = suite[fmt]
    local = profile(base_dir)
    on_spark = profile(base_dir, engine="spark")
    assert local.rows == ROWS
    assert_same_profile(local, on_spark, _numbers(table))


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_target_profiles_on_the_baselines_bins_are_the_same(spark, small_splits, suite, fmt: str) -> None:
    base_dir, target_dir, _, target = suite[fmt]
    reference, _ = load_baseline(str(base_dir))
    kwargs = dict(
        phase="target",
        reference=reference,
        rules=None,
        settings=None,
        base_dir=None,
        window=None,
        progress=None,
        threads=None,
    )
    local = profile_source(DataSource(data=str(target_dir)), **kwargs)
    on_spark = profile_source(DataSource(data=str(target_dir)), engine="spark", **kwargs)
    assert local.columns["mean_shift"].numeric.histogram.fixed
    assert_same_profile(local, on_spark, _numbers(target))


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_compare_reaches_the_same_verdicts(spark, suite, fmt: str) -> None:
    base_dir, target_dir, _, _ = suite[fmt]
    local = compare(str(base_dir), str(target_dir))
    on_spark = compare(str(base_dir), str(target_dir), engine="spark")
    assert on_spark.status == local.status == "drift_and_violations"
    assert on_spark.rows == local.rows
    verdicts = {f.name: f.drift.drifted if f.drift else None for f in local.features}
    assert {f.name: f.drift.drifted if f.drift else None for f in on_spark.features} == verdicts
    assert verdicts["mean_shift"] and not verdicts["steady_normal"]
    for mine, theirs in zip(on_spark.features, local.features, strict=True):
        if theirs.drift is not None and mine.drift is not None:
            assert mine.drift.value == pytest.approx(theirs.drift.value, abs=0.02), mine.name
    assert sorted((v.feature_name, v.constraint_check_type) for v in on_spark.violations) == sorted(
        (v.feature_name, v.constraint_check_type) for v in local.violations
    )


def test_many_partitions_are_merged_in_two_levels_with_the_same_answer(
    spark, suite, caplog: pytest.LogCaptureFixture
) -> None:
    """Above 64 partitions the executors merge partials first: the driver receives at most 16."""
    base_dir, _, table, _ = suite["csv"]
    key = "spark.sql.files.maxPartitionBytes"
    before = spark.conf.get(key)
    spark.conf.set(key, "16384")
    spark.conf.set("spark.sql.files.openCostInBytes", "1")
    caplog.set_level("DEBUG", logger="driftplane.engine.spark.profiler")
    try:
        on_spark = profile(base_dir, engine="spark")
    finally:
        spark.conf.set(key, before)
        spark.conf.unset("spark.sql.files.openCostInBytes")
    merged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("merged ")]
    partials, partitions = int(merged[-1].split()[1]), int(merged[-1].split(" from ")[1].split()[0])
    assert partitions > 64 and partials <= 16
    local = profile(base_dir)
    assert_same_profile(local, on_spark, _numbers(table))
    # 12,000 values per column fit the exact limit: the executors' group merge keeps them exact.
    for name, column in local.columns.items():
        if column.numeric is not None and column.numeric.count:
            mine = on_spark.columns[name].numeric.quantiles
            assert mine.exact, name
            assert mine.weighted().values.tolist() == column.numeric.quantiles.weighted().values.tolist(), name


QUICKSTART = Path(__file__).resolve().parents[4] / "examples" / "quickstart" / "data"


@pytest.mark.parametrize("day", ["02", "11"])  # 11: after the drift starts, with baseline_drift_check violations
def test_quickstart_drift_values_are_identical_on_both_engines(spark, day: str) -> None:
    """A 20,000-row baseline in one partition: under the local exact limit, so Spark is exact too.

    Spark used to turn every partition of more than 4,096 values into a KLL sketch, so its
    drift values (and the violation's "Baseline drift distance") differed from the local ones
    in the third digit although every summary matched.
    """
    baseline, target = str(QUICKSTART / "train.parquet"), str(QUICKSTART / f"daily/2026/01/{day}/scores.parquet")
    local = compare(baseline, target)
    on_spark = compare(baseline, target, engine="spark")
    values = {f.name: f.drift.value for f in local.features if f.drift is not None}
    assert values["area_code"] > 0 and values["custserv_calls"] > 0
    assert {f.name: f.drift.value for f in on_spark.features if f.drift is not None} == values
    if day == "11":
        assert any(v.constraint_check_type == "baseline_drift_check" for v in local.violations)
    assert sorted((v.feature_name, v.description) for v in on_spark.violations) == sorted(
        (v.feature_name, v.description) for v in local.violations
    )


def test_many_small_partitions_stay_exact_when_the_column_fits_the_local_limit(spark, small_splits, suite) -> None:
    """Partials of several partitions whose values together fit the exact limit merge to exact values."""
    base_dir, _, _, _ = suite["parquet"]
    local = profile(base_dir)
    on_spark = profile(base_dir, engine="spark")
    for name, column in local.columns.items():
        if column.numeric is not None and column.numeric.count:
            assert column.numeric.quantiles.exact, name
            assert on_spark.columns[name].numeric.quantiles.exact, name
            assert (
                on_spark.columns[name].numeric.quantiles.weighted().values.tolist()
                == column.numeric.quantiles.weighted().values.tolist()
            ), name
