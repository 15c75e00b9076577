"""The model-quality policy is decided once in core: columns, label source, checks and judgements."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from driftplane.resolved import resolve_monitor
from driftplane.spec import load_spec

SPEC = """\
monitors:
  churn:
    baseline: {data: validation.csv, label: churned}
    target: {data: scored.csv}
    features: {include: [age, plan]}
    model: {problem_type: binary, prediction: churn_pred, probability: churn_score, id: rid, positive_label: 1}
    labels: {data: labels.csv, label: churned, wait: 3d, min_coverage: 0.9}
    checks:
      drift: {categorical: {metric: jensen_shannon, threshold: 0.2}}
      performance:
        metrics:
          accuracy: {min: 0.85}
          auc: {below_baseline_by: 0.05}
          log_loss: {above_baseline_by: 0.1}
          false_positive_rate: {max: 0.2}
        estimate: true
    alerts:
      - {when: performance, metrics: [accuracy], judged: provisional, notify: [log]}
      - {when: prediction_drift, notify: [log]}
      - {when: performance, notify: [log]}
"""


@pytest.fixture
def resolved(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "monitors.yaml"
    path.write_text(textwrap.dedent(SPEC))
    return resolve_monitor(load_spec(path), "churn")


def test_policy_decided_once(resolved) -> None:  # type: ignore[no-untyped-def]
    policy = resolved.performance
    assert policy.problem_type == "binary"
    assert policy.positive_label == "1"
    assert policy.id == policy.label_id == "rid"
    assert policy.baseline_label == "churned"
    assert str(policy.wait) == "3d" and str(policy.search) == "3d"  # search defaults to wait
    assert policy.output_columns == ("churn_pred", "churn_score")
    checks = {c.metric: c for c in policy.checks}
    assert (checks["accuracy"].direction, checks["accuracy"].threshold(0.95)) == ("min", 0.85)
    assert checks["auc"].threshold(0.9) == pytest.approx(0.85)
    assert checks["log_loss"].direction == "max" and checks["log_loss"].threshold(0.3) == pytest.approx(0.4)
    assert checks["auc"].threshold(None) is None
    assert checks["accuracy"].failed(0.84, 0.85) and not checks["accuracy"].failed(0.85, 0.85)
    assert checks["false_positive_rate"].failed(0.21, 0.2)


def test_alert_conditions(resolved) -> None:  # type: ignore[no-untyped-def]
    first, second, third = resolved.alerts
    assert (first.when, first.metrics, first.judged) == ("performance", ("accuracy",), "provisional")
    assert second.when == "prediction_drift"
    assert (third.metrics, third.judged) == (None, "final")
    assert first.key != third.key


def test_prediction_drift_rules_by_kind(resolved) -> None:  # type: ignore[no-untyped-def]
    rules = {r.feature: r for r in resolved.prediction_drift_rules()}
    assert rules["churn_pred"].kind == "categorical" and rules["churn_pred"].metric == "jensen_shannon"
    assert rules["churn_pred"].threshold == 0.2
    assert rules["churn_score"].kind == "numerical"


def test_output_id_and_label_columns_are_not_input_features(tmp_path: Path) -> None:
    path = tmp_path / "monitors.yaml"
    path.write_text(textwrap.dedent(SPEC).replace("    features: {include: [age, plan]}\n", ""))
    features = resolve_monitor(load_spec(path), "churn").features
    assert not any(features.selected(c) for c in ("churn_pred", "churn_score", "rid", "churned"))
    assert features.selected("age")
    listed = textwrap.dedent(SPEC).replace("include: [age, plan]", "include: [age, churn_score]")
    path.write_text(listed)
    assert resolve_monitor(load_spec(path), "churn").features.selected("churn_score")


def test_judgement(resolved) -> None:  # type: ignore[no-untyped-def]
    policy = resolved.performance
    end = datetime(2026, 3, 2, tzinfo=UTC)
    judge = policy.judge
    assert judge(end, end + timedelta(hours=1), predictions=100, labelled=50) == "provisional"
    assert judge(end, end + timedelta(hours=1), predictions=100, labelled=90) == "final"  # min_coverage 0.9
    assert judge(end, end + timedelta(days=3), predictions=100, labelled=10) == "final"  # wait passed
    assert judge(end, end + timedelta(days=3) - timedelta(seconds=1), predictions=100, labelled=10) == "provisional"
    assert judge(end, end, predictions=100, labelled=0, estimated=True) == "estimated"
    assert judge(end, end, predictions=100, labelled=0) == "provisional"  # no label yet: not an error
    assert judge(end, end + timedelta(days=3), predictions=100, labelled=0) == "none"  # none ever came
    assert judge(end, end, predictions=0, labelled=0, estimated=True) == "none"
    assert policy.settled(end, end + timedelta(days=3)) and not policy.settled(end, end + timedelta(days=2))
