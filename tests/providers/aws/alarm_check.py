"""What a CloudWatch alarm would decide on the data points a run published (moto stores them; it
does not evaluate alarms): the alarm's statistic of its one metric over all the data, compared
with its threshold as its operator says."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

OPERATORS = {
    "GreaterThanThreshold": lambda value, threshold: value > threshold,
    "GreaterThanOrEqualToThreshold": lambda value, threshold: value >= threshold,
    "LessThanThreshold": lambda value, threshold: value < threshold,
    "LessThanOrEqualToThreshold": lambda value, threshold: value <= threshold,
}


def alarm_value(cloudwatch: Any, alarm: dict[str, Any]) -> float | None:
    """The value a single-metric alarm compares: its statistic of every data point (None: no data)."""
    found = cloudwatch.get_metric_statistics(
        Namespace=alarm["Namespace"],
        MetricName=alarm["MetricName"],
        Dimensions=alarm["Dimensions"],
        StartTime=datetime(2020, 1, 1, tzinfo=UTC),
        EndTime=datetime(2100, 1, 1, tzinfo=UTC),
        Period=86400 * 366,
        Statistics=[alarm["Statistic"]],
    )["Datapoints"]
    values = [point[alarm["Statistic"]] for point in found]
    if not values:
        return None
    return (
        max(values)
        if alarm["Statistic"] == "Maximum"
        else min(values)
        if alarm["Statistic"] == "Minimum"
        else sum(values)
    )


def alarm_fires(cloudwatch: Any, alarm: dict[str, Any]) -> bool | None:
    """Whether the alarm would be in ALARM on the published data (None: no data, the alarm ignores it)."""
    value = alarm_value(cloudwatch, alarm)
    if value is None:
        return None
    return bool(OPERATORS[alarm["ComparisonOperator"]](value, alarm["Threshold"]))
