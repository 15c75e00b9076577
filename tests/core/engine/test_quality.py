"""The six check types, decided on hand-computed cases, with SageMaker's thresholds and methods."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from driftplane.engine.constraints import Constraints, MonitoringConfig, suggest_constraints
from driftplane.engine.evaluate import evaluate
from driftplane.engine.profiler import profile_stream
from driftplane.resolved import resolve_rules
from driftplane.spec.models import Checks, QualityChecks


def run(base: dict, target: dict, *, constraints: Constraints | None = None, checks: Checks | None = None):
    baseline = profile_stream([pa.record_batch(base)], threads=1)
    current = profile_stream([pa.record_batch(target)], reference=baseline, threads=1)
    return evaluate(baseline, current, constraints=constraints, rules=resolve_rules(checks))


def kinds(result) -> set[tuple[str, str]]:
    return {(v.feature_name, v.constraint_check_type) for v in result.violations}


def test_data_type_check_text_matches_sagemaker() -> None:
    # 1,000 Integral values, of which 3 arrive as text: 99.7% Integral
    target = [str(i) for i in range(997)] + ["n/a", "n/a", "?"]
    result = run({"n": list(range(1000))}, {"n": target})
    [violation] = [v for v in result.violations if v.constraint_check_type == "data_type_check"]
    assert violation.description == (
        "Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. "
        "Observed: Only 99.7% of data is Integral."
    )


def test_data_type_threshold_from_monitoring_config() -> None:
    target = [str(i) for i in range(997)] + ["n/a", "n/a", "?"]
    lenient = Checks(quality=QualityChecks(data_type_threshold=0.99))
    assert ("n", "data_type_check") not in kinds(run({"n": list(range(1000))}, {"n": target}, checks=lenient))


def test_whole_numbers_are_valid_fractional_values() -> None:
    result = run({"x": [0.5, 1.5, 2.5] * 100}, {"x": [1, 2, 3] * 100})
    assert ("x", "data_type_check") not in kinds(result)


def test_completeness_robust_allows_noise_and_simple_does_not() -> None:
    rng = np.random.default_rng(0)
    base = pa.array(rng.normal(size=10_000), mask=np.arange(10_000) % 10 == 0)  # 90% complete
    slightly = pa.array(rng.normal(size=10_000), mask=np.arange(10_000) % 9 == 0)  # 88.9%: within 4 sigma (1.7%)
    assert ("x", "completeness_check") not in kinds(run({"x": base}, {"x": slightly}))
    simple = Checks(quality=QualityChecks(comparison_method="simple"))
    result = run({"x": base}, {"x": slightly}, checks=simple)
    [violation] = [v for v in result.violations if v.constraint_check_type == "completeness_check"]
    assert violation.description.startswith("Data completeness requirement is not met. Expected completeness: 90.0%.")
    much = pa.array(rng.normal(size=10_000), mask=np.arange(10_000) % 4 == 0)  # 75%
    assert ("x", "completeness_check") in kinds(run({"x": base}, {"x": much}))


def test_a_complete_baseline_fails_on_the_first_missing_value() -> None:
    result = run({"x": [1.0] * 1000}, {"x": [1.0] * 999 + [None]})
    assert ("x", "completeness_check") in kinds(result)


def test_categorical_values_check_names_the_new_values() -> None:
    result = run({"c": ["a", "b"] * 500}, {"c": ["a", "b"] * 495 + ["new"] * 10})
    [violation] = [v for v in result.violations if v.constraint_check_type == "categorical_values_check"]
    assert "Only 99.0% of data is within the domain" in violation.description
    assert "'new' (10 rows)" in violation.description
    lenient = Checks(quality=QualityChecks(domain_content_threshold=0.95))
    assert ("c", "categorical_values_check") not in kinds(
        run({"c": ["a", "b"] * 500}, {"c": ["a", "b"] * 495 + ["new"] * 10}, checks=lenient)
    )


def test_baseline_drift_check_robust_and_simple() -> None:
    # exact CDFs: baseline uniform on 0..999, target the same shifted by 120 -> L-infinity 0.12
    base = np.arange(1000, dtype=float)
    target = base + 120
    robust = run({"x": base}, {"x": target})
    assert ("x", "baseline_drift_check") not in kinds(robust)  # 0.12 - 1.8*sqrt(2/1000) = 0.0395
    simple = run({"x": base}, {"x": target}, checks=Checks(quality=QualityChecks(comparison_method="simple")))
    [violation] = [v for v in simple.violations if v.constraint_check_type == "baseline_drift_check"]
    import re

    found = re.search(r"distance: (\S+) exceeds threshold: (\S+)", violation.description)  # as AWS's samples parse it
    assert found and float(found.group(1)) == pytest.approx(0.12) and float(found.group(2)) == 0.1


def test_categorical_baseline_drift_chi_squared_method() -> None:
    base = {"c": ["a"] * 500 + ["b"] * 500}
    target = {"c": ["a"] * 600 + ["b"] * 400}
    constraints = suggest_constraints(profile_stream([pa.record_batch(base)]))
    chi = Constraints(
        constraints.features,
        MonitoringConfig(categorical_drift_method="ChiSquared", categorical_comparison_threshold=0.05),
        suggested=False,
    )
    [violation] = [
        v for v in run(base, target, constraints=chi).violations if v.constraint_check_type == "baseline_drift_check"
    ]
    assert "chi-squared p-value" in violation.description
    # L-infinity: |0.6 - 0.5| = 0.1 is not above 0.1
    assert ("c", "baseline_drift_check") not in kinds(run(base, target))


def test_missing_and_extra_columns_are_violations_not_errors() -> None:
    result = run({"a": [1.0, 2.0], "gone": [1, 2]}, {"a": [1.0, 2.0], "new col ü": ["x", "y"]})
    assert kinds(result) == {("gone", "missing_column_check"), ("new col ü", "extra_column_check")}
    missing = next(v for v in result.violations if v.constraint_check_type == "missing_column_check")
    assert (
        "Number of columns in current dataset: 2, Number of columns in baseline constraints: 2" in missing.description
    )
    assert result.status == "violations"


def test_evaluation_switched_off_globally_and_per_feature() -> None:
    base, target = {"a": [1.0] * 10, "b": [1.0] * 10}, {"a": [None] * 10, "b": [None] * 10}
    constraints = suggest_constraints(profile_stream([pa.record_batch(base)]))
    off = Constraints(constraints.features, MonitoringConfig(evaluate_constraints="Disabled"), suggested=False)
    assert run(base, target, constraints=off).violations == []
    features = [
        constraints.features[0].__class__(
            **{**constraints.features[0].__dict__, "overrides": {"evaluate_constraints": "Disabled"}}
        ),
        constraints.features[1],
    ]
    partly = Constraints(features, constraints.monitoring_config, suggested=False)
    assert kinds(run(base, target, constraints=partly)) == {("b", "completeness_check")}


def test_explicit_spec_thresholds_override_a_files_monitoring_config() -> None:
    base, target = {"c": ["a", "b"] * 50}, {"c": ["a", "b"] * 49 + ["z", "z"]}
    constraints = suggest_constraints(profile_stream([pa.record_batch(base)]))
    from_file = Constraints(constraints.features, MonitoringConfig(domain_content_threshold=0.5), suggested=False)
    assert ("c", "categorical_values_check") not in kinds(run(base, target, constraints=from_file))
    strict = Checks(quality=QualityChecks(domain_content_threshold=1.0))
    assert ("c", "categorical_values_check") in kinds(run(base, target, constraints=from_file, checks=strict))


def test_quality_checks_can_be_switched_off() -> None:
    result = run({"a": [1.0, 2.0]}, {"b": [1.0]}, checks=Checks(quality=QualityChecks(enabled=False)))
    assert result.violations == []


def test_numbers_arriving_as_text_get_a_note_and_only_non_numbers_a_violation(tmp_path) -> None:
    import pyarrow.parquet as pq

    from driftplane.engine.api import compare

    rng = np.random.default_rng(11)
    rows = 1000
    pq.write_table(
        pa.table({"price": rng.normal(2, 1, rows), "qty": rng.integers(0, 9, rows)}), tmp_path / "base.parquet"
    )
    prices = rng.normal(2, 1, rows)
    as_text = pa.table(
        {"price": pa.array([f"{p:.3f}" for p in prices], pa.large_string()), "qty": rng.integers(0, 9, rows)}
    )
    pq.write_table(as_text, tmp_path / "text.parquet")
    result = compare(tmp_path / "base.parquet", tmp_path / "text.parquet")
    [note] = [m for m in result.messages if m.startswith("'price'")]
    assert note.startswith(
        "'price' is stored as numbers in the baseline (Fractional) "
        "but 1,000 of its 1,000 values in the target arrived as text"
    )
    # "2.345" is Fractional to SageMaker (Deequ's per-value regex): no data_type_check, drift still measured
    assert ("price", "data_type_check") not in kinds(result)
    [price] = [f for f in result.features if f.name == "price"]
    assert price.drift is not None and price.drift.value is not None and not price.drift.drifted
    assert not [m for m in result.messages if m.startswith("'qty'")]  # typed on both sides: nothing to say

    # text that is not a number is a data_type_check violation, as in SageMaker
    broken = pa.table(
        {
            "price": pa.array(["n/a"] * 50 + [f"{p:.3f}" for p in prices[50:]], pa.large_string()),
            "qty": rng.integers(0, 9, rows),
        }
    )
    pq.write_table(broken, tmp_path / "broken.parquet")
    result = compare(tmp_path / "base.parquet", tmp_path / "broken.parquet")
    assert ("price", "data_type_check") in kinds(result)
    assert any(m.startswith("'price' is stored as numbers in the baseline") for m in result.messages)
