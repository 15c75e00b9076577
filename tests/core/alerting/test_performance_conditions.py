"""Performance and prediction-drift alerts: which judgements fire them, and what they say."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftplane.alerting.conditions import evaluate, judgeable
from driftplane.resolved import resolve_monitor
from driftplane.result import (
    Drift,
    FeatureResult,
    LabelCoverage,
    Performance,
    PerformanceMetric,
    RunResult,
)
from driftplane.spec import load_spec

SPEC = """\
monitors:
  churn:
    baseline: {data: validation.csv, label: y}
    target: {data: scored.csv}
    model: {problem_type: binary, prediction: pred, probability: score, id: rid}
    labels: {data: labels.csv, label: y}
    checks:
      performance:
        metrics: {accuracy: {min: 0.85}, recall: {min: 0.5}}
        estimate: true
    alerts:
      - {name: final, when: performance, notify: [log]}
      - {name: provisional, when: performance, judged: provisional, notify: [log]}
      - {name: estimate, when: performance, judged: estimate, notify: [log]}
      - {name: recall only, when: performance, metrics: [recall], judged: provisional, notify: [log]}
      - {name: output, when: prediction_drift, notify: [log]}
"""


@pytest.fixture
def alerts(tmp_path: Path) -> dict:
    path = tmp_path / "monitors.yaml"
    path.write_text(SPEC)
    return {a.name: a for a in resolve_monitor(load_spec(path), "churn").alerts}


def result(
    judged: str, *, failed_realised: bool = False, failed_estimate: bool = False, drifted: bool = False
) -> RunResult:
    metrics = []
    if judged in ("final", "provisional"):
        metrics.append(PerformanceMetric(name="accuracy", value=0.7 if failed_realised else 0.9, threshold=0.85,
                                         direction="min", failed=failed_realised, baseline=0.91))
        metrics.append(PerformanceMetric(name="recall", value=0.6, threshold=0.5, direction="min"))
    metrics.append(PerformanceMetric(name="accuracy", value=0.8 if failed_estimate else 0.9, lower=0.75, upper=0.85,
                                     estimated=True, threshold=0.85, direction="min", failed=failed_estimate))
    labelled = {"final": 100, "provisional": 40}.get(judged, 0)
    return RunResult.model_validate({
        "monitor": "churn",
        "rows": {"baseline": 10, "target": 100},
        "status": "ok",
        "performance": Performance(problem_type="binary", judged=judged,  # type: ignore[arg-type]
                                   coverage=LabelCoverage(predictions=100, labelled=labelled, share=labelled / 100),
                                   metrics=metrics),
        "prediction_drift": [FeatureResult(name="pred", kind="categorical",
                                           drift=Drift(metric="jensen_shannon", value=0.3 if drifted else 0.01,
                                                       threshold=0.1, drifted=drifted))],
    })


def test_final_alerts_wait_for_a_final_judgement(alerts: dict) -> None:
    final = alerts["final"]
    assert not judgeable(final, result("provisional", failed_realised=True))  # neither fires nor resolves
    assert not judgeable(final, result("estimated", failed_estimate=True))
    firing, reason = evaluate(final, result("final", failed_realised=True))
    assert firing
    assert reason == "1 performance check failed (final, 100% labelled): accuracy 0.7 < 0.85 (baseline 0.91)"
    assert not evaluate(final, result("final"))[0]


def test_provisional_and_estimate_levels(alerts: dict) -> None:
    assert evaluate(alerts["provisional"], result("provisional", failed_realised=True))[0]
    assert not judgeable(alerts["provisional"], result("estimated", failed_estimate=True))
    firing, reason = evaluate(alerts["estimate"], result("estimated", failed_estimate=True))
    assert firing and "estimated [0.75, 0.85]" in reason
    # Once labels land, the realised values judge, not the estimate.
    assert not evaluate(alerts["estimate"], result("provisional", failed_estimate=True))[0]
    assert not evaluate(alerts["recall only"], result("provisional", failed_realised=True))[0]


def test_prediction_drift_alert(alerts: dict) -> None:
    firing, reason = evaluate(alerts["output"], result("none", drifted=True))
    assert firing and reason.startswith("the model's output drifted: pred (jensen_shannon 0.3 > 0.1)")
    assert not evaluate(alerts["output"], result("none"))[0]
