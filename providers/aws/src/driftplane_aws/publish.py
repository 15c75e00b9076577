"""The CloudWatch metrics a processing job publishes: SageMaker's names, so the same alarms work.

``feature_baseline_drift_<feature>`` goes to SageMaker's namespace with SageMaker's
dimensions (the endpoint and the schedule), carrying the spec's drift metric of each
feature; driftplane's own metrics (``driftplane.metrics``: runs, violations, rows, timings,
drift) go to the ``driftplane`` namespace with their labels as dimensions.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from driftplane.metrics import MetricPoint, metrics_from_result
from driftplane.result import RunResult
from driftplane_aws.translate import DRIFT_METRIC, DRIFTPLANE_NAMESPACE

logger = logging.getLogger(__name__)

BATCH = 20  # PutMetricData items per call, well under every service limit


def metric_data(
    result: RunResult,
    *,
    namespace: str,
    dimensions: list[dict[str, str]],
    read_seconds: Mapping[str, float] | None = None,
    when: datetime | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Namespace -> MetricData items for one run."""
    stamp = when or datetime.now(UTC)
    sagemaker: list[dict[str, Any]] = []
    for feature in result.features:
        if feature.drift is None or feature.drift.value is None:
            continue
        sagemaker.append(
            {
                "MetricName": DRIFT_METRIC.format(feature=feature.name),
                "Dimensions": dimensions,
                "Value": float(feature.drift.value),
                "Timestamp": stamp,
                "Unit": "None",
            }
        )
    own = [_datum(point, stamp) for point in metrics_from_result(result, read_seconds=read_seconds)]
    return {namespace: sagemaker, DRIFTPLANE_NAMESPACE: own}


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
            clients.call("cloudwatch", "PutMetricData", {"Namespace": namespace, "MetricData": chunk}, resource=namespace)
            sent += len(chunk)
    logger.info("published %d CloudWatch metric points", sent)
    return sent
