"""RunResult's model-quality fields are additive: results without a model read as before."""

from __future__ import annotations

import json

import numpy as np

from driftplane.engine.performance import BinaryAccumulator
from driftplane.result import (
    CalibrationBin,
    Drift,
    FeatureResult,
    LabelCoverage,
    Performance,
    PerformanceMetric,
    Rows,
    RunResult,
)

# The result JSON's keys before issue 14, in order (docs/cli.md "Result JSON").
KEYS_BEFORE = [
    "monitor",
    "window",
    "rows",
    "status",
    "features",
    "violations",
    "reports",
    "drift_share",
    "dataset_drift",
    "provider",
    "started_at",
    "duration_seconds",
    "messages",
    "error",
]


def plain_result() -> RunResult:
    return RunResult(
        monitor="churn", rows=Rows(baseline=10, target=12), status="ok", messages=["a note"]
    )


def test_a_result_without_a_model_has_exactly_the_keys_it_had() -> None:
    result = plain_result()
    assert list(json.loads(result.to_json())) == KEYS_BEFORE
    assert list(result.model_dump(mode="json")) == KEYS_BEFORE
    assert "performance" not in result.to_json(indent=None)


def test_performance_and_prediction_drift_round_trip() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 500)
    s = rng.random(500)
    accumulator = BinaryAccumulator()
    accumulator.update(y, None, s)
    metrics = accumulator.metrics()
    performance = Performance(
        problem_type="binary",
        judged="provisional",
        coverage=LabelCoverage(predictions=800, labelled=500, share=500 / 800),
        metrics=[
            PerformanceMetric(
                name="accuracy",
                value=metrics["accuracy"],
                baseline=0.9,
                threshold=0.85,
                direction="min",
                failed=True,
            ),
            PerformanceMetric(
                name="auc", value=metrics["auc"], error_bound=accumulator.error_bounds()["auc"]
            ),
            PerformanceMetric(name="recall", value=0.4, lower=0.35, upper=0.45, estimated=True),
        ],
        confusion_matrix=accumulator.confusion_matrix(),
        calibration=[CalibrationBin(**b) for b in accumulator.calibration()],
        messages=["300 predictions have no label yet"],
    )
    drift = FeatureResult(
        name="churn_score",
        kind="numerical",
        drift=Drift(metric="normalized_wasserstein", value=0.2, threshold=0.1, drifted=True),
    )
    result = plain_result().model_copy(
        update={"performance": performance, "prediction_drift": [drift]}
    )
    data = json.loads(result.to_json())
    assert list(data) == [*KEYS_BEFORE, "performance", "prediction_drift"]
    assert data["performance"]["confusion_matrix"] == accumulator.confusion_matrix()
    assert data["performance"]["judged"] == "provisional"
    back = RunResult.model_validate_json(result.to_json())
    assert back == result
    assert [m.name for m in back.performance.failed_metrics] == ["accuracy"]  # type: ignore[union-attr]
