"""The CloudWatch metrics a processing job publishes: driftplane's own, which the alarms watch.

Every metric of ``driftplane.run_metrics`` (runs, violations, rows, timings, ``feature_drift``
with its ``metric``, ``feature_drifted`` as the run decided it, ``drift_share``) goes to the
``driftplane`` namespace with its labels as dimensions, as the local provider serves them to
Prometheus and the gcp provider writes them to Cloud Monitoring. Nothing is published under
SageMaker's ``feature_baseline_drift_<feature>``: that name means SageMaker's L-infinity
distance, and the run's metric may be another.

Model quality (``run_metrics.sagemaker_performance_points``): each metric under SageMaker's name for it
(``accuracy``, ``auc``, ``rmse``, ...; driftplane's name where SageMaker lacks the metric) with
dimensions ``judged`` (final, provisional, estimated) and ``monitor``; ``performance_failed``
per checked metric as the run judged it, which the alarms watch; ``label_coverage_ratio``;
``prediction_drift`` and ``prediction_drifted`` per model output.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from driftplane.result import RunResult
from driftplane.run_metrics import (
    MetricPoint,
    metrics_from_result,
    prediction_drift_points,
    sagemaker_performance_points,
)
from driftplane_aws.translate import DRIFTPLANE_NAMESPACE

logger = logging.getLogger(__name__)

BATCH = 20  # PutMetricData items per call, well under every service limit


def metric_data(
    result: RunResult,
    *,
    read_seconds: Mapping[str, float] | None = None,
    when: datetime | None = None,
    performance_only: bool = False,
) -> dict[str, list[dict[str, Any]]]:
    """Namespace -> MetricData items for one run.

    performance_only: just the model-quality points (a past window judged again as its labels
    landed: its drift and run counts were published when it was first run).
    """
    stamp = when or datetime.now(UTC)
    points = [] if performance_only else metrics_from_result(result, read_seconds=read_seconds)
    points += sagemaker_performance_points(result)
    points += prediction_drift_points(result)
    return {DRIFTPLANE_NAMESPACE: [_datum(point, stamp) for point in points]}


def _datum(point: MetricPoint, stamp: datetime) -> dict[str, Any]:
    unit = "Seconds" if point.kind == "timer" else "Count" if point.kind == "counter" else "None"
    return {
        "MetricName": point.name,
        "Dimensions": [{"Name": k, "Value": str(v)} for k, v in sorted(point.labels.items())],
        "Value": float(point.value),
        "Timestamp": stamp,
        "Unit": unit,
    }


def publish(clients: Any, data: dict[str, list[dict[str, Any]]]) -> int:
    """Send the metric data; returns how many points went out."""
    sent = 0
    for namespace, items in data.items():
        for start in range(0, len(items), BATCH):
            chunk = items[start : start + BATCH]
            clients.call(
                "cloudwatch", "PutMetricData", {"Namespace": namespace, "MetricData": chunk}, resource=namespace
            )
            sent += len(chunk)
    logger.info("published %d CloudWatch metric points", sent)
    return sent
