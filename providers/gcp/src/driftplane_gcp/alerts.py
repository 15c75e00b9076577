"""A monitor's resolved alerts as Cloud Monitoring alert policies.

Each ``AlertRule`` becomes one alert policy whose MetricThreshold conditions watch the
metric that answers it (``feature_drifted`` summed per monitor for drift, ``violations`` for
data quality, ``feature_drift`` for a metric, ``runs`` with status failed for failures,
``performance_checks_failed`` per metric at the alert's judgements for model quality,
``prediction_drifted`` for the model's output), filtered to the monitor's label.
Google rejects some conditions only when they arrive (a filter over 2,048 characters, a
comparison other than GT/LT, a duration that is not whole minutes);
``policy_problems`` finds those before anything is sent.

A policy is found again by its ``driftplane-key`` label: the alert's ``AlertRule.key`` (its
name, or a digest of its condition), the same identity every provider uses.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from driftplane.alerting.conditions import JUDGEMENTS_FOR
from driftplane.resolved import AlertRule
from driftplane.windows import WindowRule
from driftplane_gcp import descriptors
from driftplane_gcp.messages import to_dict
from driftplane_gcp.names import DIGEST_LABEL, digest, label_value, managed_labels, quote
from driftplane_gcp.series import fit_label

if TYPE_CHECKING:
    from google.cloud import monitoring_v3

logger = logging.getLogger(__name__)

MAX_FILTER = 2048
MAX_CONDITIONS = 6
MIN_ALIGNMENT = 60
MAX_ALIGNMENT = 90_000


# --- conditions -------------------------------------------------------------------------


def metric_filter(metric_type: str, resource_type: str, labels: Mapping[str, str | list[str]]) -> str:
    """A monitoring filter naming the metric type, the resource type and label matches."""
    parts = [f"metric.type = {quote(metric_type)}", f"resource.type = {quote(resource_type)}"]
    for key, value in labels.items():
        if isinstance(value, list):
            if len(value) == 1:
                parts.append(f"metric.label.{key} = {quote(value[0])}")
            else:
                parts.append(f"metric.label.{key} = one_of({', '.join(quote(v) for v in value)})")
        else:
            parts.append(f"metric.label.{key} = {quote(value)}")
    return " AND ".join(parts)


def alignment_seconds(windows: WindowRule) -> int:
    """An alignment period Google accepts: whole minutes, 60 s to 25 h, at least the run interval.

    A series written once a day looks absent to a 5-minute alignment, so the period covers
    the schedule's usual interval (``WindowRule.period``: a weekday cron's is one day, the
    same whatever day the plan is made); weekly monitors are capped at Google's 25 hours.
    """
    minutes = -(-int(windows.period.total_seconds()) // 60)
    return max(MIN_ALIGNMENT, min(MAX_ALIGNMENT, minutes * 60))


def conditions_for(
    alert: AlertRule, *, monitor: str, prefix: str, resource_type: str, alignment: int
) -> list[monitoring_v3.AlertPolicy.Condition]:
    """The MetricThreshold conditions that answer one alert."""
    from google.cloud import monitoring_v3 as m

    def condition(
        name: str,
        title: str,
        labels: dict[str, str | list[str]],
        comparison: Any,
        threshold: float,
        *,
        reduce: bool,
        by: tuple[str, ...] = ("monitor",),
    ) -> m.AlertPolicy.Condition:
        # reduce: sum the per-feature (or per-check) series of the monitor into one value per ``by``.
        reducer = {
            "cross_series_reducer": m.Aggregation.Reducer.REDUCE_SUM,
            "group_by_fields": [f"metric.label.{label}" for label in by],
        }
        aggregation = m.Aggregation(
            alignment_period={"seconds": alignment},
            per_series_aligner=m.Aggregation.Aligner.ALIGN_MAX,
            **(reducer if reduce else {}),
        )
        return m.AlertPolicy.Condition(
            display_name=title,
            condition_threshold=m.AlertPolicy.Condition.MetricThreshold(
                filter=metric_filter(
                    descriptors.metric_type(prefix, name), resource_type, {"monitor": monitor, **labels}
                ),
                comparison=comparison,
                threshold_value=threshold,
                duration={"seconds": 0},
                aggregations=[aggregation],
                trigger=m.AlertPolicy.Condition.Trigger(count=1),
            ),
        )

    gt, lt = m.ComparisonType.COMPARISON_GT, m.ComparisonType.COMPARISON_LT
    if alert.when == "drift":
        labels: dict[str, str | list[str]] = {}
        if alert.features:
            labels["feature"] = [fit_label(f) for f in alert.features]
        title = f"at least {alert.min_features} drifted feature{'s' if alert.min_features > 1 else ''}"
        return [condition("feature_drifted", title, labels, gt, alert.min_features - 1, reduce=True)]
    if alert.when == "violation":
        labels = {"check_type": list(alert.check_types)} if alert.check_types else {}
        return [condition("violations", "data-quality violations", labels, gt, 0, reduce=True)]
    if alert.when == "failure":
        return [condition("runs", "failed runs", {"status": "failed"}, gt, 0, reduce=True)]
    if alert.when == "performance":
        # Windows judged in a run whose check failed, per metric (each metric its own incident), at the
        # judgements the alert fires on (final; or final and provisional; or any, estimates included).
        judged = list(JUDGEMENTS_FOR[alert.judged])
        labels = {"judged": judged}
        if alert.metrics:
            labels["metric"] = list(alert.metrics)
        scope = f" of {', '.join(alert.metrics)}" if alert.metrics else ""
        title = f"failed performance checks{scope} ({' or '.join(judged)})"
        return [condition("performance_checks_failed", title, labels, gt, 0, reduce=True, by=("monitor", "metric"))]
    if alert.when == "prediction_drift":
        return [condition("prediction_drifted", "the model's output drifted", {}, gt, 0, reduce=True)]
    assert alert.feature is not None
    labels = {"feature": fit_label(alert.feature)}
    if alert.metric:
        labels["metric"] = alert.metric
    what = f"{alert.feature} {alert.metric or 'drift'}"
    out = []
    if alert.above is not None:
        out.append(condition("feature_drift", f"{what} above {alert.above:g}", labels, gt, alert.above, reduce=False))
    if alert.below is not None:
        out.append(condition("feature_drift", f"{what} below {alert.below:g}", labels, lt, alert.below, reduce=False))
    return out


def policy_problems(policy: monitoring_v3.AlertPolicy) -> list[str]:
    """What Google would reject in this policy, in words; empty when it is acceptable."""
    from google.cloud import monitoring_v3 as m

    problems = []
    if not 1 <= len(policy.conditions) <= MAX_CONDITIONS:
        problems.append(f"a policy has 1 to {MAX_CONDITIONS} conditions, this one {len(policy.conditions)}")
    for condition in policy.conditions:
        threshold = condition.condition_threshold
        text = threshold.filter
        if len(text) > MAX_FILTER:
            problems.append(
                f"condition '{condition.display_name}': its filter is {len(text)} characters, more than "
                f"Cloud Monitoring's {MAX_FILTER} (name fewer features, or shorter ones)"
            )
        if "metric.type" not in text or "resource.type" not in text:
            problems.append(f"condition '{condition.display_name}': the filter must name metric.type and resource.type")
        if threshold.comparison not in (m.ComparisonType.COMPARISON_GT, m.ComparisonType.COMPARISON_LT):
            problems.append(
                f"condition '{condition.display_name}': only COMPARISON_GT and COMPARISON_LT are supported, "
                f"not {threshold.comparison.name}"
            )
        seconds = threshold.duration.total_seconds() if threshold.duration else 0
        if seconds % 60:
            problems.append(f"condition '{condition.display_name}': duration {seconds:g}s is not whole minutes")
        for aggregation in threshold.aggregations:
            period = aggregation.alignment_period.total_seconds() if aggregation.alignment_period else 0
            if not MIN_ALIGNMENT <= period <= MAX_ALIGNMENT:
                problems.append(
                    f"condition '{condition.display_name}': alignment period {period:g}s is outside "
                    f"{MIN_ALIGNMENT}-{MAX_ALIGNMENT} s"
                )
    return problems


def policy_for(
    alert: AlertRule,
    *,
    monitor: str,
    description: str | None,
    prefix: str,
    resource_type: str,
    alignment: int,
    channel_names: Sequence[str],
    labels: Mapping[str, str],
) -> monitoring_v3.AlertPolicy:
    """The alert policy for one alert, labelled (the monitor's tags, then driftplane's) so apply finds it again."""
    from google.cloud import monitoring_v3 as m

    conditions = conditions_for(alert, monitor=monitor, prefix=prefix, resource_type=resource_type, alignment=alignment)
    body = m.AlertPolicy(
        display_name=f"driftplane {monitor}: {alert.name}"[:512],
        documentation=m.AlertPolicy.Documentation(
            content="\n\n".join(
                part
                for part in (
                    f"driftplane monitor **{monitor}**: {alert.name}.",
                    description,
                    f"See the latest runs with `driftplane status --monitor {monitor} --provider gcp`.",
                )
                if part
            ),
            mime_type="text/markdown",
        ),
        combiner=m.AlertPolicy.ConditionCombinerType.OR,
        conditions=conditions,
        notification_channels=sorted(channel_names),
        enabled=True,
        user_labels={**labels, **managed_labels(monitor, alert.key)},
    )
    body.user_labels[DIGEST_LABEL] = digest(to_dict(body))
    return body


def legacy_key(alert: AlertRule) -> str:
    """The ``driftplane-key`` label driftplane 0.1 gave this alert's policy (its name, else its position).

    apply finds a policy labelled so and updates it in place to the alert's key, so upgrading
    keeps every policy (and its incidents) instead of replacing it.
    """
    name = alert.key.removeprefix("name:") if alert.named else None
    return label_value(f"alert-{label_value(name, 50)}" if name else f"alert-{alert.index}-{alert.when}")
