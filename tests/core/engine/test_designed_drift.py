"""Designed drift is always found with the right check type; undrifted columns never are."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from tests.core.engine.conftest import DESIGNED, STEADY, designed_tables, write

import driftplane as dp


def findings(result: dp.RunResult) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for feature in result.drifted_features:
        found[feature.name].add("drift")
    for violation in result.violations:
        found[violation.feature_name].add(violation.constraint_check_type)
    return found


def assert_designed_found(result: dp.RunResult) -> None:
    found = findings(result)
    for column, expected in DESIGNED.items():
        assert expected <= found.get(column, set()), f"{column}: expected {expected}, found {found.get(column)}"
    false_alarms = {c: found[c] for c in STEADY if c in found}
    assert not false_alarms, f"undrifted columns flagged: {false_alarms}"


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_designed_drift_found_at_1000_rows_parquet(tmp_path: Path, seed: int) -> None:
    baseline, target = designed_tables(1000, seed)
    result = dp.compare(write(baseline, tmp_path / "b.parquet"), write(target, tmp_path / "t.parquet"))
    assert_designed_found(result)
    assert result.status == "drift_and_violations"


@pytest.mark.parametrize("seed", [6, 7])
def test_designed_drift_found_at_1000_rows_csv(tmp_path: Path, seed: int) -> None:
    baseline, target = designed_tables(1000, seed)
    result = dp.compare(write(baseline, tmp_path / "b.csv"), write(target, tmp_path / "t.csv"))
    assert_designed_found(result)


@pytest.mark.parametrize("seed", range(10))
def test_no_false_alarm_between_samples_of_one_distribution_at_1000_rows(tmp_path: Path, seed: int) -> None:
    first, _ = designed_tables(1000, seed)
    second, _ = designed_tables(1000, seed + 100)
    result = dp.compare(write(first, tmp_path / "a.parquet"), write(second, tmp_path / "b.parquet"))
    assert result.status == "ok", findings(result)
    assert result.drift_share == 0.0
    # the noise correction raised some thresholds above the configured 0.1, never lowered one
    thresholds = [(f.drift.threshold, f.drift.effective_threshold) for f in result.features if f.drift]
    assert all(effective >= configured for configured, effective in thresholds)
    assert any(effective > configured for configured, effective in thresholds)


@pytest.mark.slow
def test_designed_drift_found_and_no_false_alarm_at_1_000_000_rows(tmp_path: Path) -> None:
    baseline, target = designed_tables(1_000_000, 11)
    base_path, target_path = write(baseline, tmp_path / "b.parquet"), write(target, tmp_path / "t.parquet")
    result = dp.compare(base_path, target_path)
    assert_designed_found(result)
    # at a million rows the noise is negligible: every threshold is the configured one
    assert all(
        f.drift.effective_threshold == f.drift.threshold
        for f in result.features
        if f.drift and f.drift.value is not None
    )
    other, _ = designed_tables(1_000_000, 12)
    quiet = dp.compare(base_path, write(other, tmp_path / "same.parquet"))
    assert quiet.status == "ok", findings(quiet)
