"""The model-quality points every provider that runs driftplane publishes (``run_metrics``)."""

from __future__ import annotations

from driftplane.run_metrics import PERFORMANCE_METRICS, performance_points, prediction_drift_points

from .performance_results import quality_result


def _by(points, name):  # type: ignore[no-untyped-def]
    return {(p.labels.get("metric"), p.labels.get("judged")): p.value for p in points if p.name == name}


def test_a_provisional_window_gives_its_realised_metrics_as_provisional_and_its_estimates_as_estimated() -> None:
    result = quality_result(4, judged="provisional", labelled_share=0.5)
    points = performance_points(result)
    assert {p.name for p in points} <= set(PERFORMANCE_METRICS)
    realised = _by(points, "performance_metric")
    estimates = _by(points, "performance_estimate")
    assert ("accuracy", "provisional") in realised and ("accuracy", "final") not in realised
    assert set(estimates) == {("accuracy", "estimated"), ("auc", "estimated")}
    lower, upper = _by(points, "performance_estimate_lower"), _by(points, "performance_estimate_upper")
    assert lower[("accuracy", "estimated")] <= estimates[("accuracy", "estimated")] <= upper[("accuracy", "estimated")]
    coverage = {p.labels["judged"]: p.value for p in points if p.name == "label_coverage_ratio"}
    assert coverage == {"provisional": 0.5, "estimated": 0.5}
    ends = {p.value for p in points if p.name == "performance_window_end_timestamp_seconds"}
    assert ends == {result.window.end.timestamp()}  # type: ignore[union-attr]


def test_a_failed_check_is_one_on_its_failed_series_and_the_threshold_is_the_applied_one() -> None:
    result = quality_result(4, judged="final")  # labels flipped from day 3: accuracy below 0.85
    points = performance_points(result)
    failed = _by(points, "performance_metric_failed")
    assert failed[("accuracy", "final")] == 1.0
    assert _by(points, "performance_threshold")[("accuracy", "final")] == 0.85
    assert not any(p.labels.get("judged") == "estimated" for p in points)  # final: no estimate on show


def test_a_window_with_nothing_to_judge_gives_no_points_and_prediction_drift_is_apart() -> None:
    result = quality_result(1, judged="final", prediction_drift=0.3)
    none = result.model_copy(update={"performance": result.performance.model_copy(update={"judged": "none"})})  # type: ignore[union-attr]
    assert performance_points(none) == []
    drift = prediction_drift_points(result)
    assert [(p.name, p.labels["output"], p.value) for p in drift] == [
        ("prediction_drift", "churn_score", 0.3),
        ("prediction_drifted", "churn_score", 1.0),
    ]
    assert all(p.kind == "value" for p in drift)
