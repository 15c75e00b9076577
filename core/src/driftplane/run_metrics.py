"""The metrics a monitor run produces, in three kinds: counters, timers and values.

Every provider publishes the same metrics: the local provider to Prometheus (/metrics) and
history, the gcp provider as Cloud Monitoring time series, the aws processing backend as
CloudWatch metrics. This module only says what they are; publishing is each provider's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from driftplane.result import RunResult

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


# Model quality, published by the clouds that run driftplane themselves: each realised or estimated
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
    "prediction_drift": ("value", ("monitor", "feature", "metric"), "The latest drift metric of a model output."),
    "prediction_drifted": ("value", ("monitor", "feature"), "1 when the model output drifted in the latest run."),
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


def metrics_from_result(
    result: RunResult, *, read_seconds: Mapping[str, float] | None = None
) -> list[MetricPoint]:
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
    """The model-quality points of one judgement: each metric's value under its own name, whether each
    checked metric failed, the label coverage, and the drift of the model's outputs.

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
    for output in result.prediction_drift:
        if output.drift is None or output.drift.value is None:
            continue
        labels = {"monitor": monitor, "feature": output.name}
        points.append(MetricPoint("prediction_drift", output.drift.value, {**labels, "metric": output.drift.metric}))
        points.append(MetricPoint("prediction_drifted", float(output.drift.drifted), labels))
    return points
