"""Model-quality settings: accepted when they make sense, refused at the key that is wrong."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from driftplane.cli import cli
from driftplane.engine.performance.definitions import METRIC_NAMES
from driftplane.errors import SpecError
from driftplane.spec import load_spec
from driftplane.spec.performance_metrics import PERFORMANCE_METRICS


def write(tmp_path: Path, monitor: str) -> Path:
    path = tmp_path / "monitors.yaml"
    path.write_text("monitors:\n  churn:\n" + textwrap.indent(textwrap.dedent(monitor), "    "))
    return path


def problems_of(tmp_path: Path, monitor: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec(write(tmp_path, monitor))
    return [f"{p.line}:{p.column}: {p.key_path}: {p.message}" for p in info.value.problems]


GOOD = """\
baseline: {data: validation.csv, label: churned}
target: {data: "scored/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.csv"}
model:
  problem_type: binary
  prediction: churn_pred
  probability: churn_score
  id: inference_id
labels:
  data: "labels/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.jsonl"
  label: churned
  wait: 3d
  min_coverage: 0.95
checks:
  performance:
    metrics:
      accuracy: {min: 0.85}
      auc: {below_baseline_by: 0.05}
    estimate: true
alerts:
  - {when: performance, metrics: [accuracy], judged: provisional, notify: [log]}
  - {when: prediction_drift, notify: [log]}
"""


def test_the_contract_example_loads(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, GOOD))
    monitor = spec.monitors["churn"]
    assert monitor.model is not None and monitor.model.problem_type == "binary"
    assert monitor.labels is not None and str(monitor.labels.wait) == "3d"
    assert monitor.checks.performance is not None
    assert monitor.checks.performance.metrics["auc"].below_baseline_by == 0.05
    assert [a.when for a in monitor.alerts] == ["performance", "prediction_drift"]


def test_spec_metric_names_are_the_engines() -> None:
    assert {k: tuple(v) for k, v in PERFORMANCE_METRICS.items()} == {k: tuple(v) for k, v in METRIC_NAMES.items()}


def test_a_classification_metric_on_a_regression_model(tmp_path: Path) -> None:
    lines = problems_of(
        tmp_path,
        GOOD.replace("problem_type: binary", "problem_type: regression")
        .replace("  probability: churn_score\n", "")
        .replace("accuracy: {min: 0.85}", "rmse: {max: 3}")
        .replace("metrics: [accuracy]", "metrics: [rmse]")
        .replace("    estimate: true\n", ""),
    )
    assert lines == [
        "18:11: monitors.churn.checks.performance.metrics.auc: 'auc' does not apply to a regression model; "
        "regression metrics are mae, mse, rmse, r2, mape"
    ]


def test_probability_on_regression_and_unknown_metric_suggests(tmp_path: Path) -> None:
    lines = problems_of(
        tmp_path,
        GOOD.replace("problem_type: binary", "problem_type: regression")
        .replace("accuracy: {min: 0.85}", "rmsee: {max: 3}")
        .replace("auc: {below_baseline_by: 0.05}", "mae: {max: 2}")
        .replace("metrics: [accuracy]", "metrics: [mae]"),
    )
    assert lines[0] == (
        "8:20: monitors.churn.model.probability: a regression model has no probability: remove model.probability"
    )
    assert any(
        "checks.performance.metrics.rmsee: unknown metric 'rmsee'; did you mean 'rmse'? Regression metrics are" in line
        for line in lines
    )


def test_labels_without_model_and_checks_without_labels_or_estimate(tmp_path: Path) -> None:
    lines = problems_of(
        tmp_path,
        """\
        baseline: {data: validation.csv}
        target: {data: scored.csv}
        labels: {data: labels.csv, id: rid, label: y}
        """,
    )
    assert lines == [
        "5:5: monitors.churn.labels: labels need a model to join them to: add model: {problem_type: ..., ...}"
    ]
    no_labels = GOOD.split("labels:\n")[0] + "checks:\n  performance:\n    metrics: {accuracy: {min: 0.8}}\n"
    (line,) = problems_of(tmp_path, no_labels)
    assert line.startswith("11:7: monitors.churn.checks.performance: performance checks need labels")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("min_coverage: 0.95", "min_coverage: 0"), "monitors.churn.labels.min_coverage: must be greater than 0"),
        (("min_coverage: 0.95", "min_coverage: 1.5"), "monitors.churn.labels.min_coverage: must be at most 1"),
        (("wait: 3d", "wait: soon"), "monitors.churn.labels.wait: 'soon' is not a duration"),
        (("wait: 3d", "wait: 3d\n  search: later"), "monitors.churn.labels.search: 'later' is not a duration"),
        (("wait: 3d", "wait: 3d\n  search: 1d"), "monitors.churn.labels.search: search (1d) is shorter than wait"),
        (("accuracy: {min: 0.85}", "accuracy: {min: 0.85, max: 0.9}"), "takes exactly one of 'min', 'max'"),
        (("accuracy: {min: 0.85}", "confusion_matrix: {min: 1}"), "confusion_matrix is reported"),
        (("metrics: [accuracy]", "metrics: [acuracy]"), "'acuracy' is not checked"),
        (("  probability: churn_score\n", ""), "checks.performance.metrics.auc: 'auc' is computed from probabilities"),
        (("  id: inference_id\n", ""), "monitors.churn.model: joining labels needs model.id"),
        (("judged: provisional", "judged: estimate"), None),
        (("judged: provisional", "judged: later"), "monitors.churn.alerts[0].judged"),
        (("validation.csv, label: churned", "validation.csv"), "baseline, whose metrics need baseline.label"),
    ],
)
def test_located_refusals(tmp_path: Path, change: tuple[str, str], expected: str | None) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    if expected is None:
        load_spec(write(tmp_path, text))
        return
    lines = problems_of(tmp_path, text)
    assert any(expected in line for line in lines), lines
    assert all(line.split(":")[0].isdigit() for line in lines), lines


def test_estimate_alert_needs_estimate(tmp_path: Path) -> None:
    text = GOOD.replace("    estimate: true\n", "").replace("judged: provisional", "judged: estimate")
    (line,) = problems_of(tmp_path, text)
    assert "alerts[0].judged: judged: estimate needs checks.performance.estimate: true" in line


def test_multiclass_and_binary_probability_shapes(tmp_path: Path) -> None:
    lines = problems_of(
        tmp_path,
        GOOD.replace("problem_type: binary", "problem_type: multiclass")
        .replace("auc: {below_baseline_by: 0.05}", "macro_f1: {min: 0.5}"),
    )
    assert any("model.probability: multiclass: probability is a mapping" in line for line in lines)
    load_spec(
        write(
            tmp_path,
            GOOD.replace("problem_type: binary", "problem_type: multiclass")
            .replace("probability: churn_score", "probability: {a: p_a, b: p_b}")
            .replace("auc: {below_baseline_by: 0.05}", "macro_f1: {min: 0.5}"),
        )
    )


def test_schema_lists_the_new_keys() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    defs = schema["$defs"]
    assert {"problem_type", "prediction", "probability", "positive_label", "threshold", "id"} <= set(
        defs["Model"]["properties"]
    )
    assert {"wait", "min_coverage", "search", "label", "id"} <= set(defs["Labels"]["properties"])
    assert "sagemaker-ground-truth" in json.dumps(defs["Labels"]["properties"]["format"])
    assert "label" in defs["Baseline"]["properties"]
    assert "auc" in json.dumps(defs["PerformanceChecks"]["properties"]["metrics"])
    assert "prediction_drift" in json.dumps(defs["Alert"]["properties"]["when"])


def test_alert_keys_of_older_alerts_do_not_change(tmp_path: Path) -> None:
    from driftplane.resolved import resolve_monitor

    spec = load_spec(
        write(tmp_path, "baseline: {data: a.csv}\ntarget: {data: b.csv}\nalerts:\n  - {when: drift, notify: [log]}\n")
    )
    # The key main gave this alert before model quality existed.
    assert resolve_monitor(spec, "churn").alerts[0].key == "drift:" + __import__("hashlib").sha256(
        json.dumps(
            {"when": "drift", "min_features": 1, "features": None, "check_types": None, "feature": None,
             "metric": None, "above": None, "below": None},
            sort_keys=True,
        ).encode()
    ).hexdigest()[:16]
