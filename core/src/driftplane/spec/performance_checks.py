"""Model-quality settings that contradict each other, refused when the spec is read.

A regression model checked on auc, labels with no model to join them to, a performance check
with neither labels nor an estimate to judge it by, an alert on a metric nobody checks: each
would otherwise be accepted and then do nothing. Each problem is located at the key that
makes it so, and says what to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftplane.errors import Problem
from driftplane.spec.performance_metrics import (
    ALL_PERFORMANCE_METRICS,
    NEEDS_PROBABILITY,
    PERFORMANCE_METRICS,
    REPORTED_ONLY,
)
from driftplane.spec.problems import SourceMap, suggest_then

if TYPE_CHECKING:
    from driftplane.spec.models import Monitor, Spec

Path = tuple[str | int, ...]
Found = list[tuple[Path, str, bool]]  # (path under the monitor, message, located at the key)


def performance_problems(spec: Spec, source: SourceMap | None = None) -> list[Problem]:
    """Every contradiction in the monitors' model, labels, performance checks and their alerts."""
    problems: list[Problem] = []
    for name, monitor in spec.monitors.items():
        for where, message, key in _monitor_problems(monitor):
            path: Path = ("monitors", name, *where)
            problems.append(source.problem(path, message, key=key) if source is not None else Problem(path, message))
    return problems


def _monitor_problems(monitor: Monitor) -> Found:
    found: Found = []
    model, labels = monitor.model, monitor.labels
    performance = monitor.checks.performance
    if model is None:
        if labels is not None:
            message = "labels need a model to join them to: add model: {problem_type: ..., ...}"
            found.append((("labels",), message, True))
        if monitor.baseline.label is not None:
            found.append((("baseline", "label"), "baseline.label needs a model: add model: {problem_type: ...}", False))
        if performance is not None:
            found.append(
                (("checks", "performance"), "performance checks need a model: add model: {problem_type: ...}", True)
            )
    else:
        found.extend(_model_problems(monitor))
    if performance is not None and model is not None:
        found.extend(_check_problems(monitor))
    found.extend(_alert_problems(monitor))
    return found


def _model_problems(monitor: Monitor) -> Found:
    model = monitor.model
    assert model is not None
    found: Found = []
    kind = model.problem_type
    if kind == "regression" and model.probability is not None:
        found.append(
            (("model", "probability"), "a regression model has no probability: remove model.probability", False)
        )
    if kind == "binary" and isinstance(model.probability, dict):
        found.append(
            (
                ("model", "probability"),
                "binary: probability is the positive class's probability column (a name), not a mapping",
                False,
            )
        )
    if kind == "multiclass" and isinstance(model.probability, str):
        found.append(
            (
                ("model", "probability"),
                "multiclass: probability is a mapping {class: column}, one column per class, not one name",
                False,
            )
        )
    if model.prediction is None and not (kind == "binary" and isinstance(model.probability, str)):
        need = "prediction (or probability, from which prediction = probability >= threshold)"
        found.append((("model",), f"a {kind} model needs {need if kind == 'binary' else 'prediction'}", False))
    labels = monitor.labels
    target = monitor.target
    data = (target.data or "").lower()
    # Only SageMaker capture records carry their own id; csv and parquet never do.
    capture = target.format == "sagemaker-capture" or (
        target.format == "auto" and not data.endswith((".csv", ".parquet", ".pq", ".csv.gz"))
    )
    if labels is not None:
        ground_truth = labels.format == "sagemaker-ground-truth"
        if model.id is None and not capture:
            found.append(
                (
                    ("model",),
                    "joining labels needs model.id, the predictions' id column (sagemaker-capture targets use "
                    "eventMetadata.inferenceId)",
                    False,
                )
            )
        if labels.id is None and model.id is None and not ground_truth:
            found.append((("labels",), "labels need an id column: set labels.id (or model.id)", False))
        if labels.label is None and labels.format in ("csv", "parquet", "jsonl"):
            found.append((("labels",), "labels need label: the column holding the true label or value", False))
        if labels.search is not None and labels.search.approx_timedelta() < labels.wait.approx_timedelta():
            found.append(
                (
                    ("labels", "search"),
                    f"search ({labels.search}) is shorter than wait ({labels.wait}): labels landing after "
                    f"{labels.search} would never be read although the window waits for them; make search at "
                    "least wait",
                    False,
                )
            )
    return found


def _check_problems(monitor: Monitor) -> Found:
    model, performance = monitor.model, monitor.checks.performance
    assert model is not None and performance is not None
    kind = model.problem_type
    allowed = PERFORMANCE_METRICS[kind]
    found: Found = []
    where: Path = ("checks", "performance")
    if monitor.labels is None and not performance.estimate:
        found.append(
            (
                where,
                "performance checks need labels (labels: {data: ..., label: ...}) or estimate: true to judge by; "
                "neither is given",
                True,
            )
        )
    if performance.estimate and kind != "regression" and model.probability is None:
        found.append(
            (
                (*where, "estimate"),
                f"estimating a {kind} model's performance (CBPE) needs its probabilities: set model.probability",
                False,
            )
        )
    if performance.estimate and monitor.baseline.label is None:
        found.append(
            ((*where, "estimate"), "estimates are fitted on the labelled baseline: set baseline.label", False)
        )
    for metric, bound in performance.metrics.items():
        path: Path = (*where, "metrics", metric)
        if metric == REPORTED_ONLY:
            found.append((path, "confusion_matrix is reported with every judgement, not checked: remove it", True))
            continue
        if metric not in ALL_PERFORMANCE_METRICS:
            found.append(
                (
                    path,
                    suggest_then(
                        f"unknown metric '{metric}'", metric, allowed, f"{kind} metrics are {', '.join(allowed)}"
                    ),
                    True,
                )
            )
            continue
        if metric not in allowed:
            found.append(
                (path, f"'{metric}' does not apply to a {kind} model; {kind} metrics are {', '.join(allowed)}", True)
            )
            continue
        if metric in NEEDS_PROBABILITY and model.probability is None:
            found.append((path, f"'{metric}' is computed from probabilities: set model.probability", True))
        relative = bound.below_baseline_by is not None or bound.above_baseline_by is not None
        if relative and monitor.baseline.label is None:
            found.append(
                (
                    path,
                    f"'{metric}' is bounded relative to the baseline, whose metrics need baseline.label "
                    "(the baseline's true labels); set it, or use min/max",
                    True,
                )
            )
    return found


def _alert_problems(monitor: Monitor) -> Found:
    found: Found = []
    performance = monitor.checks.performance
    for index, alert in enumerate(monitor.alerts):
        at: Path = ("alerts", index)
        if alert.when == "performance":
            if performance is None or not performance.enabled or not performance.metrics:
                found.append(
                    (
                        (*at, "when"),
                        "an alert on performance can never fire: this monitor checks no metric "
                        "(checks.performance.metrics); add checks or remove the alert",
                        False,
                    )
                )
                continue
            for position, metric in enumerate(alert.metrics or []):
                if metric not in performance.metrics:
                    checked = list(performance.metrics)
                    message = suggest_then(
                        f"'{metric}' is not checked (checks.performance.metrics), so this alert never sees it fail",
                        metric,
                        checked,
                        f"the checked metrics are {', '.join(checked)}",
                    )
                    found.append(((*at, "metrics", position), message, False))
            if alert.judged == "estimate" and not performance.estimate:
                found.append(
                    (
                        (*at, "judged"),
                        "judged: estimate needs checks.performance.estimate: true (nothing is estimated otherwise)",
                        False,
                    )
                )
        if alert.when == "prediction_drift":
            if monitor.model is None:
                found.append(
                    ((*at, "when"), "an alert on prediction_drift needs a model (model.prediction): add model", False)
                )
            elif not monitor.checks.drift.enabled:
                found.append(
                    (
                        (*at, "when"),
                        "an alert on prediction_drift can never fire: drift checks are off (checks.drift.enabled)",
                        False,
                    )
                )
    return found
