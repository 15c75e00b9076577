"""The metrics a monitor run produces, in three kinds: counters, timers and values.

Every provider publishes the same metrics: the local provider to Prometheus (/metrics) and
history, the gcp provider as Cloud Monitoring time series, the aws processing backend as
CloudWatch metrics. This module only says what they are; publishing is each provider's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from driftplane.result import PerformanceMetric, RunResult

MetricKind = Literal["counter", "timer", "value"]

# name -> (kind, label names, help text). Names are snake_case without a prefix; each
# publisher adds its own (driftplane_ for Prometheus, the metric prefix for Cloud Monitoring).
CATALOGUE: dict[str, tuple[MetricKind, tuple[str, ...], str]] = {
    "runs": ("counter", ("monitor", "status"), "Monitor runs, by outcome."),
    "violations": ("counter", ("monitor", "check_type"), "Data-quality violations found, by check type."),
    "rows_read": ("counter", ("monitor", "side"), "Rows read, by side (baseline or target)."),
    "run_duration_seconds": ("timer", ("monitor",), "Wall time of a whole run."),
    "read_duration_seconds": ("timer", ("monitor", "side"), "Time spent reading and profiling one side."),
    "feature_drift": ("value", ("monitor", "feature", "metric"), "The latest drift metric of a feature."),
    "feature_drifted": ("value", ("monitor", "feature"), "1 when the feature drifted in the latest run, else 0."),
    "drift_share": ("value", ("monitor",), "Share of checked features that drifted in the latest run."),
    "last_window_end_timestamp_seconds": ("value", ("monitor",), "Unix time at which the latest window ended."),
}


# The series of model quality: name -> (label names, help text). Each carries monitor and
# judged (final | provisional | estimated) unless said otherwise. Realised metrics are under the
# window's judgement (final or provisional), estimates under ``estimated``. Published by the
# local provider to Prometheus and by the clouds that run driftplane themselves (gcp).
PERFORMANCE_METRICS: dict[str, tuple[tuple[str, ...], str]] = {
    "performance_metric": (
        ("monitor", "metric", "judged"),
        "A model-quality metric realised from labels, of the newest window judged final or provisional.",
    ),
    "performance_metric_failed": (
        ("monitor", "metric", "judged"),
        "1 when the metric (realised or estimated) is past its threshold, else 0.",
    ),
    "performance_threshold": (
        ("monitor", "metric", "judged"),
        "The absolute threshold the metric's check applied (relative checks resolved against the baseline).",
    ),
    "performance_estimate": (
        ("monitor", "metric", "judged"),
        "A metric estimated before labels (CBPE/DLE), of the newest window with an estimate.",
    ),
    "performance_estimate_lower": (("monitor", "metric", "judged"), "The lower end of the estimate's band."),
    "performance_estimate_upper": (("monitor", "metric", "judged"), "The upper end of the estimate's band."),
    "label_coverage_ratio": (("monitor", "judged"), "Share of the window's predictions with a label so far."),
    "labelled_predictions": (("monitor", "judged"), "Predictions of the window with a label so far."),
    "predictions": (("monitor", "judged"), "Predictions of the window."),
    "performance_window_end_timestamp_seconds": (
        ("monitor", "judged"),
        "Unix time at which the window these series describe ended.",
    ),
    "prediction_drift": (
        ("monitor", "output", "metric"),
        "The latest drift metric of a model output column (apart from input features).",
    ),
    "prediction_drifted": (("monitor", "output"), "1 when the model output drifted in the latest run, else 0."),
}


# Model quality under SageMaker's names (the aws provider, whose processing backend publishes what its
# model-monitor backend's alarms read): each realised or estimated
# metric under its own name (accuracy, auc, rmse, ...: SageMaker's names where SageMaker has the metric)
# with labels (monitor, judged), judged being final | provisional | estimated; and these.
PERFORMANCE_FAILED = "performance_failed"
PERFORMANCE_CATALOGUE: dict[str, tuple[MetricKind, tuple[str, ...], str]] = {
    PERFORMANCE_FAILED: (
        "value",
        ("monitor", "metric", "judged"),
        "1 when the checked metric is past its threshold (relative bounds resolved against the baseline), else 0.",
    ),
    "label_coverage_ratio": ("value", ("monitor", "judged"), "Share of the window's predictions with a label so far."),
}


@dataclass(frozen=True)
class MetricPoint:
    """One measurement: add ``value`` to a counter, observe it on a timer, or set a value."""

    name: str
    value: float
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> MetricKind:
        """The catalogue's kind; a model-quality metric named after itself (accuracy, ...) is a value."""
        known = CATALOGUE.get(self.name) or PERFORMANCE_CATALOGUE.get(self.name)
        return known[0] if known is not None else "value"


def metrics_from_result(result: RunResult, *, read_seconds: Mapping[str, float] | None = None) -> list[MetricPoint]:
    """The metric points one run produces. ``read_seconds`` maps side -> seconds, if measured."""
    monitor = result.monitor
    points = [MetricPoint("runs", 1, {"monitor": monitor, "status": result.status})]
    counts: dict[str, int] = {}
    for violation in result.violations:
        counts[violation.constraint_check_type] = counts.get(violation.constraint_check_type, 0) + 1
    points += [MetricPoint("violations", n, {"monitor": monitor, "check_type": c}) for c, n in sorted(counts.items())]
    points.append(MetricPoint("rows_read", result.rows.baseline, {"monitor": monitor, "side": "baseline"}))
    points.append(MetricPoint("rows_read", result.rows.target, {"monitor": monitor, "side": "target"}))
    if result.duration_seconds is not None:
        points.append(MetricPoint("run_duration_seconds", result.duration_seconds, {"monitor": monitor}))
    for side, seconds in sorted((read_seconds or {}).items()):
        points.append(MetricPoint("read_duration_seconds", seconds, {"monitor": monitor, "side": side}))
    for feature in result.features:
        if feature.drift is None or feature.drift.value is None:
            continue
        points.append(
            MetricPoint(
                "feature_drift",
                feature.drift.value,
                {"monitor": monitor, "feature": feature.name, "metric": feature.drift.metric},
            )
        )
        points.append(
            MetricPoint("feature_drifted", float(feature.drift.drifted), {"monitor": monitor, "feature": feature.name})
        )
    if result.drift_share is not None:
        points.append(MetricPoint("drift_share", result.drift_share, {"monitor": monitor}))
    if result.window is not None:
        points.append(
            MetricPoint("last_window_end_timestamp_seconds", result.window.end.timestamp(), {"monitor": monitor})
        )
    return points


def performance_points(result: RunResult) -> list[MetricPoint]:
    """The model-quality points of one judgement of ``result``'s window (``PERFORMANCE_METRICS``).

    Realised metrics are under the window's judgement (final or provisional), estimates under
    ``estimated`` (a provisional window has both); coverage and the window's end under each.
    Nothing for a window with nothing to judge (``none``).
    """
    performance = result.performance
    if performance is None or performance.judged == "none":
        return []
    monitor = result.monitor
    kinds: list[tuple[str, list[PerformanceMetric]]] = []
    if performance.realised and performance.judged in ("final", "provisional"):
        kinds.append((performance.judged, performance.realised))
    if performance.estimates:
        kinds.append(("estimated", performance.estimates))
    points: list[MetricPoint] = []
    for judged, metrics in kinds:
        for metric in metrics:
            labels = {"monitor": monitor, "metric": metric.name, "judged": judged}
            if metric.value is not None:
                name = "performance_estimate" if metric.estimated else "performance_metric"
                points.append(MetricPoint(name, metric.value, labels))
            if metric.estimated and metric.lower is not None and metric.upper is not None:
                points.append(MetricPoint("performance_estimate_lower", metric.lower, labels))
                points.append(MetricPoint("performance_estimate_upper", metric.upper, labels))
            if metric.threshold is not None:
                points.append(MetricPoint("performance_threshold", metric.threshold, labels))
                points.append(MetricPoint("performance_metric_failed", float(metric.failed), labels))
        window_labels = {"monitor": monitor, "judged": judged}
        coverage = performance.coverage
        if coverage.share is not None:
            points.append(MetricPoint("label_coverage_ratio", coverage.share, window_labels))
        points.append(MetricPoint("labelled_predictions", coverage.labelled, window_labels))
        points.append(MetricPoint("predictions", coverage.predictions, window_labels))
        if result.window is not None:
            end = result.window.end.timestamp()
            points.append(MetricPoint("performance_window_end_timestamp_seconds", end, window_labels))
    return points


def prediction_drift_points(result: RunResult) -> list[MetricPoint]:
    """Each model output's drift metric and whether it drifted (apart from the input features)."""
    points: list[MetricPoint] = []
    for output in result.prediction_drift:
        drift = output.drift
        if drift is None or drift.value is None:
            continue
        labels = {"monitor": result.monitor, "output": output.name}
        points.append(MetricPoint("prediction_drift", drift.value, {**labels, "metric": drift.metric}))
        points.append(MetricPoint("prediction_drifted", float(drift.drifted), labels))
    return points


def sagemaker_performance_points(result: RunResult) -> list[MetricPoint]:
    """SageMaker-named model-quality points of one judgement (aws): each metric's value under its own name, whether each
    checked metric failed, and the label coverage (the outputs' drift: ``prediction_drift_points``).

    Estimated metrics carry judged=estimated whatever the window's judgement, so an alarm on
    final values never hears an estimate.
    """
    monitor = result.monitor
    points: list[MetricPoint] = []
    performance = result.performance
    if performance is not None and performance.judged != "none":
        for metric in performance.metrics:
            if metric.value is None:
                continue
            judged = "estimated" if metric.estimated else performance.judged
            labels = {"monitor": monitor, "judged": judged}
            points.append(MetricPoint(metric.name, metric.value, labels))
            if metric.threshold is not None:
                points.append(MetricPoint(PERFORMANCE_FAILED, float(metric.failed), {**labels, "metric": metric.name}))
        if performance.judged != "estimated" and performance.coverage.share is not None:
            points.append(
                MetricPoint(
                    "label_coverage_ratio",
                    performance.coverage.share,
                    {"monitor": monitor, "judged": performance.judged},
                )
            )
    return points
