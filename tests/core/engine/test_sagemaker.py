"""SageMaker's files: read the real ones, write ours in the same shape, round trip both."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import driftplane as dp
from driftplane.engine.constraints import suggest_constraints
from driftplane.engine.profiler import profile_stream
from driftplane.engine.sagemaker import (
    profile_from_statistics,
    read_constraints,
    read_statistics,
    read_violations,
    statistics_from_profile,
    write_violations,
)
from driftplane.errors import DataError

DATA = Path(__file__).parent / "data" / "sagemaker"
REAL_STATISTICS = DATA / "aai540_statistics.json"
REAL_CONSTRAINTS = DATA / "aai540_constraints.json"


def test_real_statistics_sketch_weights_and_buckets_sum_to_num_present() -> None:
    raw = json.loads(REAL_STATISTICS.read_text())
    profile = read_statistics(REAL_STATISTICS)
    assert profile.rows == 23432 and profile.origin == "sagemaker"
    numeric = [f for f in raw["features"] if "numerical_statistics" in f]
    assert len(numeric) == 8
    for feature in numeric:
        column = profile[feature["name"]]
        assert column.numeric.quantiles.n == 23432
        assert column.numeric.quantiles.weighted().total == 23432
        # written back, the sketch levels and buckets still add up
        ours = statistics_from_profile(profile)
        written = next(f for f in ours["features"] if f["name"] == feature["name"])["numerical_statistics"]
        kll = written["distribution"]["kll"]
        assert sum(len(level) * 2**i for i, level in enumerate(kll["sketch"]["data"])) == 23432
        assert sum(b["count"] for b in kll["buckets"]) == 23432
        # our buckets from their sketch agree with their buckets
        theirs = [b["count"] for b in feature["numerical_statistics"]["distribution"]["kll"]["buckets"]]
        assert np.allclose([b["count"] for b in kll["buckets"]], theirs, atol=23432 * 0.01)
    price = profile["price"]
    assert price.inferred_type == "Fractional" and price.numeric.mean == pytest.approx(614658.9799806821)
    assert price.numeric.std == pytest.approx(974816.9090171932)
    assert profile["state"].categorical.total == 23432 and len(profile["state"].categorical.counts) == 54
    # SageMaker's own estimate (24,000) is more than the 23,432 values there are: read, it is capped
    assert profile["id"].distinct_estimate == 24000.0 and profile["id"].distinct_count() == 23432


def test_suggested_constraints_from_real_statistics_match_sagemakers() -> None:
    ours = suggest_constraints(read_statistics(REAL_STATISTICS))
    theirs = read_constraints(REAL_CONSTRAINTS)
    assert ours.names == theirs.names
    for mine, real in zip(ours.features, theirs.features, strict=True):
        assert (mine.name, mine.inferred_type, mine.completeness, mine.is_non_negative) == (
            real.name, real.inferred_type, real.completeness, real.is_non_negative
        )
        assert (sorted(mine.domains) if mine.domains else None) == (sorted(real.domains) if real.domains else None)
    assert ours.monitoring_config == theirs.monitoring_config


def test_real_and_legacy_constraints_read() -> None:
    real = read_constraints(REAL_CONSTRAINTS)
    config = real.monitoring_config
    assert (config.comparison_method, config.datatype_check_threshold, config.categorical_drift_method) == (
        "Robust",
        1.0,
        "LInfinity",
    )
    legacy = read_constraints(DATA / "sdk_tests_constraints_legacy.json")
    assert legacy.monitoring_config.comparison_threshold == 1.0
    assert legacy.monitoring_config.perform_comparison == "Enabled"
    assert legacy.feature("message").overrides == {"evaluate_constraints": "Enabled", "emit_metrics": "Enabled"}
    assert legacy.feature("second_message").domains == ["preproc-not-YET-supported-for-csv-json"]


def test_violation_files_read_and_write(tmp_path: Path) -> None:
    for name in ("sdk_tests_constraint_violations.json", "examples_notebook_violations_excerpt.json"):
        violations = read_violations(DATA / name)
        out = write_violations(violations, tmp_path / name)
        assert json.loads(out.read_text()) == json.loads((DATA / name).read_text())


def test_our_statistics_have_sagemakers_fields_and_read_back() -> None:
    rng = np.random.default_rng(0)
    batch = pa.record_batch(
        {
            "amount": rng.gamma(2, 10, 5000),
            "count": rng.integers(0, 9, 5000),
            "state": rng.choice(["CA", "NY", "TX"], 5000),
        }
    )
    profile = profile_stream([batch])
    stats = profile.to_statistics()
    assert stats["version"] == 0.0 and stats["dataset"] == {"item_count": 5000}
    amount = stats["features"][0]
    assert amount["inferred_type"] == "Fractional"
    numerical = amount["numerical_statistics"]
    assert set(numerical) == {
        "common",
        "mean",
        "sum",
        "std_dev",
        "min",
        "max",
        "approximate_num_distinct_values",
        "completeness",
        "distribution",
    }
    assert set(numerical["distribution"]["kll"]["sketch"]) == {"parameters", "data"}
    assert len(numerical["distribution"]["kll"]["buckets"]) == 10
    state = stats["features"][2]["string_statistics"]
    assert state["distinct_count"] == 3.0 and {b["value"] for b in state["distribution"]["categorical"]["buckets"]} == {
        "CA",
        "NY",
        "TX",
    }
    back = profile_from_statistics(json.loads(json.dumps(stats)))
    assert back["amount"].numeric.mean == pytest.approx(profile["amount"].numeric.mean)
    assert back["count"].inferred_type == "Integral"
    assert back["state"].categorical.counts == profile["state"].categorical.counts


def test_compare_against_sagemaker_statistics_uses_the_constraints_beside_it(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    rows = 3000
    base = pa.table({"x": rng.normal(0, 1, rows), "c": rng.choice(["a", "b"], rows)})
    baseline_dir = tmp_path / "baseline"
    baseline_dir.mkdir()
    (baseline_dir / "statistics.json").write_text(json.dumps(profile_stream(base.to_batches()).to_statistics()))
    constraints = suggest_constraints(profile_stream(base.to_batches())).to_dict()
    constraints["monitoring_config"]["distribution_constraints"]["comparison_threshold"] = 0.9
    constraints["features"][0]["monitoringConfigOverrides"] = {"evaluate_constraints": "Disabled"}
    (baseline_dir / "constraints.json").write_text(json.dumps(constraints))
    import pyarrow.parquet as pq

    pq.write_table(
        pa.table({"x": rng.normal(3, 1, rows), "c": rng.choice(["a", "b", "z"], rows)}), tmp_path / "t.parquet"
    )
    result = dp.compare(baseline_dir / "statistics.json", tmp_path / "t.parquet")
    kinds = {(v.feature_name, v.constraint_check_type) for v in result.violations}
    # x is switched off by its override; c's new value is found
    assert ("c", "categorical_values_check") in kinds and not any(name == "x" for name, _ in kinds)
    assert next(f for f in result.features if f.name == "x").drift.drifted
    assert any("constraints beside the baseline" in m for m in result.messages)


def test_broken_statistics_file_is_a_clear_data_error(tmp_path: Path) -> None:
    bad = tmp_path / "statistics.json"
    bad.write_text(
        '{"version": 0.0, "features": [{"name": "x", "inferred_type": '
        '"Fractional", "numerical_statistics": {"common": {}}}]}'
    )
    with pytest.raises(
        DataError,
        match=r"statistics.json: not a SageMaker statistics.json: features\[0\] \(x\): 'num_present' is missing",
    ):
        read_statistics(bad)
    bad.write_text('{"features": [')
    with pytest.raises(DataError, match=r"statistics.json:1:\d+: not valid JSON"):
        read_statistics(bad)
    with pytest.raises(DataError, match="needs a 'features' list"):
        read_constraints(_write(tmp_path / "c.json", "{}"))


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
