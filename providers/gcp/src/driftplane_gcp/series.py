"""A run's results as Cloud Monitoring time series: one point per series, all at one time.

Every point of a run carries the same end time (when the run finished), so reading the
latest points back groups them into that run again. Label values are kept within Google's
limits here, before anything is sent.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from driftplane.resolved import ResolvedMonitor
from driftplane.result import RunResult
from driftplane.run_metrics import MetricPoint, metrics_from_result, performance_points, prediction_drift_points
from driftplane.spec.models import CHECK_TYPES
from driftplane.windows import iso_z
from driftplane_gcp import descriptors
from driftplane_gcp.names import short_hash
from driftplane_gcp.resources import defaulted_labels

if TYPE_CHECKING:
    from google.cloud import monitoring_v3

logger = logging.getLogger(__name__)

MAX_LABEL_VALUE = 1024
MAX_SERIES_PER_REQUEST = 200


@dataclass(frozen=True)
class Resource:
    """The monitored resource a monitor's series are written to."""

    type: str
    labels: Mapping[str, str]


def resource_for(
    resource_type: str, configured: Mapping[str, str], *, project: str, location: str, monitor: str
) -> Resource:
    """The resource labels: configured ones first, sensible defaults for the rest.

    ``job`` defaults to the monitor so each monitor is its own writer of its series (Cloud
    Monitoring allows a single writer per series).
    """
    defaults = {
        "project_id": project,
        "location": location,
        "namespace": "driftplane",
        "job": fit_label(monitor),
        "task_id": "driftplane",
        "node_id": fit_label(monitor),
    }
    wanted = defaulted_labels(resource_type)
    labels = {key: defaults[key] for key in wanted}
    labels.update(configured)
    return Resource(resource_type, labels)


@functools.lru_cache(maxsize=4096)
def fit_label(value: str, limit: int = MAX_LABEL_VALUE) -> str:
    """A label value within Google's 1,024 characters; longer ones keep a hash of the whole.

    Cached, so the warning about a long value is given once, not for every series that has it.
    """
    if len(value) <= limit:
        return value
    shortened = value[: limit - 9] + "~" + short_hash(value, 8)
    logger.warning(
        "the label value '%s...' is %d characters, more than Cloud Monitoring's %d; it is written as '%s'",
        value[:40],
        len(value),
        limit,
        shortened[-20:],
    )
    return shortened


def points_for(result: RunResult, read_seconds: Mapping[str, float] | None = None) -> list[MetricPoint]:
    """The catalogue's points for a run, plus what the gcp provider adds.

    Violation counts are written for every check type, zeros included: a gauge series
    without a new point looks absent rather than fine, and alert incidents would not close.
    ``feature_violations`` says which features they are about (only those found: alerts
    watch ``violations``), so ``status`` can name them. Both thresholds of each feature
    (applied and configured) are written, so ``status`` shows the ones the run used.
    """
    points = list(metrics_from_result(result, read_seconds=read_seconds))
    found = {p.labels.get("check_type") for p in points if p.name == "violations"}
    points += [
        MetricPoint("violations", 0, {"monitor": result.monitor, "check_type": check})
        for check in CHECK_TYPES
        if check not in found
    ]
    kinds = {f.name: f.kind for f in result.features}
    out: list[MetricPoint] = []
    for point in points:
        if point.name == "feature_drift":
            kind = kinds.get(point.labels["feature"], "numerical")
            point = MetricPoint(point.name, point.value, {**point.labels, "kind": kind})
        out.append(point)
    by_feature: dict[tuple[str, str], int] = {}
    for violation in result.violations:
        key = (violation.constraint_check_type, violation.feature_name)
        by_feature[key] = by_feature.get(key, 0) + 1
    out += [
        MetricPoint("feature_violations", count, {"monitor": result.monitor, "check_type": check, "feature": feature})
        for (check, feature), count in sorted(by_feature.items())
    ]
    for feature in result.features:
        drift = feature.drift
        if drift is None or drift.value is None:
            continue
        labels = {"monitor": result.monitor, "feature": feature.name}
        applied = drift.effective_threshold if drift.effective_threshold is not None else drift.threshold
        out.append(MetricPoint("feature_drift_threshold", applied, labels))
        out.append(MetricPoint("feature_drift_configured_threshold", drift.threshold, dict(labels)))
    return out


def model_quality_points(
    monitor: ResolvedMonitor, newest: RunResult, rejudged: Sequence[RunResult] = ()
) -> list[MetricPoint]:
    """The model-quality points of a run: each judgement of a window in its own series, prediction drift
    of the newest window, and per checked metric how many judged windows failed it (what alerts watch).

    ``newest`` is the run's own window; ``rejudged`` the earlier windows judged again as labels land.
    Every (metric, judgement) count is written, zeros included, so an alert's incident closes once
    no judged window fails any more.
    """
    policy = monitor.performance
    if policy is None:
        return []
    from driftplane.alerting.conditions import JUDGEMENTS_FOR

    points: list[MetricPoint] = []
    # A failed newest window (its data has not arrived) judges nothing; earlier windows still are.
    judgements = [*([newest] if newest.status != "failed" else []), *rejudged]
    for result in judgements:
        if result.window is None:
            continue
        window_end = iso_z(result.window.end)
        points += [
            MetricPoint(p.name, p.value, {**p.labels, descriptors.WINDOW_LABEL: window_end})
            for p in performance_points(result)
        ]
    points += prediction_drift_points(newest)
    for output in newest.prediction_drift:
        drift = output.drift
        if drift is None or drift.value is None:
            continue
        applied = drift.effective_threshold if drift.effective_threshold is not None else drift.threshold
        points.append(
            MetricPoint("prediction_drift_threshold", applied, {"monitor": newest.monitor, "output": output.name})
        )
    kinds = JUDGEMENTS_FOR["estimate" if policy.estimate else "provisional"]
    failed = {(check.metric, judged): 0 for check in policy.checks for judged in kinds}
    for result in judgements:
        performance = result.performance
        if performance is None or performance.judged == "none":
            continue
        metrics = performance.realised if performance.judged in ("final", "provisional") else performance.estimates
        for metric in metrics:
            key = (metric.name, performance.judged)
            if key in failed:
                failed[key] += int(metric.failed)
    points += [
        MetricPoint("performance_checks_failed", count, {"monitor": newest.monitor, "metric": metric, "judged": judged})
        for (metric, judged), count in failed.items()
    ]
    return points


def time_series(
    points: list[MetricPoint], *, prefix: str, resource: Resource, at: datetime
) -> list[monitoring_v3.TimeSeries]:
    """One TimeSeries per point, each with exactly one point ending at ``at``.

    Two points for the same series would be refused in one request, so the last one wins.
    """
    from google.api import metric_pb2, monitored_resource_pb2
    from google.cloud import monitoring_v3

    seconds = int(at.replace(microsecond=0).timestamp())
    interval = monitoring_v3.TimeInterval(end_time={"seconds": seconds, "nanos": at.microsecond * 1000})
    kinds = metric_pb2.MetricDescriptor
    by_series: dict[tuple[str, tuple[tuple[str, str], ...]], monitoring_v3.TimeSeries] = {}
    for point in points:
        info = descriptors.info(point.name)
        labels = {key: fit_label(str(value)) for key, value in point.labels.items()}
        if info.value_type == "INT64":
            value = monitoring_v3.TypedValue(int64_value=int(point.value))
            value_type = kinds.ValueType.INT64
        else:
            value = monitoring_v3.TypedValue(double_value=float(point.value))
            value_type = kinds.ValueType.DOUBLE
        series = monitoring_v3.TimeSeries(
            metric=metric_pb2.Metric(type=descriptors.metric_type(prefix, point.name), labels=labels),
            resource=monitored_resource_pb2.MonitoredResource(type=resource.type, labels=dict(resource.labels)),
            metric_kind=kinds.MetricKind.GAUGE,
            value_type=value_type,
            points=[monitoring_v3.Point(interval=interval, value=value)],
        )
        by_series[(point.name, tuple(sorted(labels.items())))] = series
    return list(by_series.values())


def chunks(
    series: list[monitoring_v3.TimeSeries], size: int = MAX_SERIES_PER_REQUEST
) -> list[list[monitoring_v3.TimeSeries]]:
    """At most 200 series per CreateTimeSeries request."""
    return [series[i : i + size] for i in range(0, len(series), size)]
