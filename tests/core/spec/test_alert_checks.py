"""Alerts that could never fire are refused when the spec is read, at the key that is wrong."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import driftplane as dp
from driftplane.errors import SpecError
from driftplane.spec import load_spec


def problems_of(tmp_path: Path, monitor: str) -> list[str]:
    path = tmp_path / "monitors.yaml"
    body = "monitors:\n  churn:\n" + textwrap.indent(textwrap.dedent(monitor), "    ")
    path.write_text(body)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    return [f"{p.line}:{p.column}: {p.key_path}: {p.message}" for p in info.value.problems]


BASE = """\
baseline: {data: train.csv}
target: {data: daily/*.csv}
"""


def test_a_metric_the_monitor_never_computes_for_the_feature(tmp_path: Path) -> None:
    (line,) = problems_of(
        tmp_path,
        BASE + "alerts:\n  - {when: metric, feature: day_mins, metric: psi, above: 0.2, notify: [log]}\n",
    )
    assert line.startswith("6:51: monitors.churn.alerts[0].metric: 'psi' is never computed for 'day_mins'")
    assert "normalized_wasserstein or jensen_shannon" in line
    assert "checks.drift.features.day_mins.metric: psi" in line


def test_the_metric_of_a_per_feature_rule_or_kind_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "monitors.yaml"
    path.write_text(
        "monitors:\n  churn:\n"
        + textwrap.indent(
            BASE
            + "features: {categorical: [area_code]}\n"
            + "checks: {drift: {features: {day_mins: {metric: psi}}}}\n"
            + "alerts:\n"
            + "  - {when: metric, feature: day_mins, metric: psi, above: 0.2, notify: [log]}\n"
            + "  - {when: metric, feature: area_code, metric: jensen_shannon, above: 0.2, notify: [log]}\n",
            "    ",
        )
    )
    assert len(load_spec(path).monitors["churn"].alerts) == 2


def test_a_categorical_feature_watched_with_a_numerical_metric(tmp_path: Path) -> None:
    (line,) = problems_of(
        tmp_path,
        BASE + "features: {categorical: [area_code]}\n" + "alerts:\n  - {when: metric, feature: area_code, metric: "
        "normalized_wasserstein, above: 0.2, notify: [log]}\n",
    )
    assert "its drift metric is jensen_shannon, by kind" in line


def test_more_drifting_features_than_the_alert_can_see(tmp_path: Path) -> None:
    (line,) = problems_of(
        tmp_path,
        BASE + "alerts:\n  - {when: drift, min_features: 3, features: [day_mins, eve_mins], notify: [log]}\n",
    )
    assert "alerts[0].min_features: min_features is 3, but only 2 feature(s) can drift" in line
    assert "lower min_features to at most 2" in line


def test_features_the_monitor_excludes_or_does_not_include(tmp_path: Path) -> None:
    lines = problems_of(
        tmp_path,
        BASE
        + "features: {include: [day_mins, eve_mins], exclude: [customer_id]}\n"
        + "alerts:\n  - {when: drift, features: [customer_id, day_mnis], notify: [log]}\n",
    )
    assert len(lines) == 2
    assert "alerts[0].features[0]: 'customer_id' is excluded from this monitor (features.exclude)" in lines[0]
    assert "alerts[0].features[1]: 'day_mnis' is not among this monitor's features" in lines[1]
    assert "did you mean 'day_mins'?" in lines[1]


def test_drift_alerts_with_drift_checks_off(tmp_path: Path) -> None:
    (line,) = problems_of(
        tmp_path, BASE + "checks: {drift: {enabled: false}}\nalerts:\n  - {when: drift, notify: [log]}\n"
    )
    assert "alerts[0].when: an alert on drift can never fire: this monitor's drift checks are off" in line


def test_the_same_check_applies_to_a_spec_built_in_code() -> None:
    with pytest.raises(SpecError, match="'psi' is never computed for 'day_mins'"):
        dp.Spec(
            monitors={
                "churn": dp.Monitor(
                    baseline={"data": "train.csv"},
                    target={"data": "daily/*.csv"},
                    alerts=[
                        {"when": "metric", "feature": "day_mins", "metric": "psi", "above": 0.2, "notify": ["log"]}
                    ],
                )
            }
        )


def test_a_features_numerical_column_watched_with_a_categorical_metric(tmp_path: Path) -> None:
    """features.numerical decides the kind as much as features.categorical does: the run never
    computes jensen_shannon for day_mins, so an alert on it could never fire."""
    (line,) = problems_of(
        tmp_path,
        BASE
        + "features: {numerical: [day_mins]}\n"
        + "alerts:\n  - {when: metric, feature: day_mins, metric: jensen_shannon, above: 0.2, notify: [log]}\n",
    )
    assert line.startswith("7:51: monitors.churn.alerts[0].metric: 'jensen_shannon' is never computed for 'day_mins'")
    assert (
        "its drift metric is normalized_wasserstein, by kind: the spec declares it numerical (features.numerical)"
        in line
    )
    assert "checks.drift.features.day_mins.metric: jensen_shannon" in line


def test_a_per_feature_kind_decides_over_the_lists(tmp_path: Path) -> None:
    (line,) = problems_of(
        tmp_path,
        BASE
        + "features: {numerical: [area_code]}\n"
        + "checks: {drift: {features: {area_code: {kind: categorical}}}}\n"
        + "alerts:\n  - {when: metric, feature: area_code, metric: "
        "normalized_wasserstein, above: 0.2, notify: [log]}\n",
    )
    assert "its drift metric is jensen_shannon, by kind: the spec declares it categorical" in line
    assert "(checks.drift.features.area_code.kind), and normalized_wasserstein does not apply" in line


def test_the_metric_of_a_features_numerical_column_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "monitors.yaml"
    path.write_text(
        "monitors:\n  churn:\n"
        + textwrap.indent(
            BASE
            + "features: {numerical: [day_mins]}\n"
            + "checks: {drift: {features: {day_mins: {metric: psi}}}}\n"
            + "alerts:\n"
            + "  - {when: metric, feature: day_mins, metric: psi, above: 0.2, notify: [log]}\n",
            "    ",
        )
    )
    assert len(load_spec(path).monitors["churn"].alerts) == 1
