"""A monitor's Alerts as Cloud Monitoring alert policies and notification channels.

Each spec Alert becomes one alert policy whose MetricThreshold conditions watch the metric
that answers it (``feature_drifted`` summed per monitor for drift, ``violations`` for
data quality, ``feature_drift`` for a metric, ``runs`` with status failed for failures),
filtered to the monitor's label. Google rejects some conditions only when they arrive (a
filter over 2,048 characters, a comparison other than GT/LT, a duration that is not whole
minutes); ``policy_problems`` finds those before anything is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from driftplane.spec.models import Alert, ChannelRef, ChannelSpec, Monitor, Spec
from driftplane_gcp import descriptors
from driftplane_gcp.messages import to_dict
from driftplane_gcp.names import DIGEST_LABEL, digest, label_value, managed_labels, quote
from driftplane_gcp.series import fit_label
from driftplane_gcp.settings import GcpSettings

if TYPE_CHECKING:
    from google.cloud import monitoring_v3

logger = logging.getLogger(__name__)

MAX_FILTER = 2048
MAX_CONDITIONS = 6
MIN_ALIGNMENT = 60
MAX_ALIGNMENT = 90_000
REDACTED = "<redacted>"
# Labels Google stores but never returns in the clear; compared through the digest label.
SENSITIVE_LABELS = ("auth_token", "password")


@dataclass(frozen=True)
class ChannelTarget:
    """One Cloud Monitoring notification channel a monitor's alerts notify."""

    monitor: str
    key: str
    type: str
    display_name: str
    labels: Mapping[str, str]
    secret_labels: tuple[str, ...] = ()

    def message(self, *, redact: bool = False) -> monitoring_v3.NotificationChannel:
        from google.cloud import monitoring_v3

        labels = dict(self.labels)
        body_digest = digest({"type": self.type, "labels": labels, "display_name": self.display_name, "monitor": self.monitor})
        if redact:
            labels = {k: (REDACTED if k in self.secret_labels else v) for k, v in labels.items()}
        return monitoring_v3.NotificationChannel(
            type_=self.type,
            display_name=self.display_name,
            description=f"Created by driftplane for monitor {self.monitor}.",
            labels=labels,
            user_labels={**managed_labels(self.monitor, self.key), DIGEST_LABEL: body_digest},
            enabled=True,
        )


def _channel_settings(spec: Spec, ref: ChannelRef) -> tuple[str, str, Any] | None:
    """(type, reference name, validated settings) of a notify entry; None for bare 'log'."""
    from driftplane.plugins import get_channel_types

    types = get_channel_types()
    if isinstance(ref, ChannelSpec):
        kind, raw, name = ref.type, ref.settings, ""
    elif ref in spec.channels:
        kind, raw, name = spec.channels[ref].type, spec.channels[ref].settings, ref
    elif ":" in ref:
        kind, _, target = ref.partition(":")
        if kind not in types:
            return kind, ref, None
        raw, name = types[kind].shorthand(target), ""
    else:
        return None  # 'log' and names the spec validation already reported
    cls = types.get(kind)
    if cls is None:
        return kind, name, None
    return kind, name, cls.settings_from(raw)


def _secret(value: Any) -> str:
    return value.get_secret_value() if isinstance(value, SecretStr) else str(value)


def channel_targets(
    spec: Spec, monitor_name: str, alert: Alert, settings: GcpSettings, problems: Callable[[int, str], None]
) -> list[ChannelTarget]:
    """The notification channels an alert's ``notify`` entries become.

    ``problems(index, message)`` is told about entries Cloud Monitoring cannot deliver to.
    """
    from driftplane.alerting.redact import redact_url

    targets: list[ChannelTarget] = []
    prefix = f"driftplane {monitor_name}"
    for index, ref in enumerate(alert.notify):
        resolved = _channel_settings(spec, ref)
        if resolved is None:
            continue
        kind, name, channel = resolved
        if kind == "log":
            continue
        if kind == "email" and channel is not None:
            for address in channel.to:
                targets.append(
                    ChannelTarget(monitor_name, f"email-{address}", "email", f"{prefix}: email {address}", {"email_address": address})
                )
        elif kind == "webhook" and channel is not None:
            url = _secret(channel.url)
            if channel.secret is not None or channel.headers:
                logger.warning(
                    "monitor %s: Cloud Monitoring posts its own incident JSON to webhook %s, without "
                    "driftplane's HMAC signature or extra headers",
                    monitor_name,
                    redact_url(url),
                )
            targets.append(
                ChannelTarget(
                    monitor_name,
                    f"webhook-{digest(url)[:12]}",
                    "webhook_tokenauth",
                    f"{prefix}: webhook {redact_url(url)}",
                    {"url": url},
                    secret_labels=("url",),
                )
            )
        elif kind == "slack":
            app = settings.slack.get(name) if name else None
            if app is None:
                where = f"'{name}'" if name else "written inline"
                problems(
                    index,
                    f"slack channel {where}: Cloud Monitoring posts to Slack through a Slack app, not an "
                    "incoming webhook; define the channel under 'channels:' and add providers.gcp.slack."
                    f"{name or 'NAME'} with channel_name and auth_token (a Slack app's OAuth token)",
                )
                continue
            targets.append(
                ChannelTarget(
                    monitor_name,
                    f"slack-{name}",
                    "slack",
                    f"{prefix}: slack {app.channel_name}",
                    {"channel_name": app.channel_name, "auth_token": app.auth_token.get_secret_value()},
                    secret_labels=("auth_token",),
                )
            )
        else:
            problems(
                index,
                f"channel type '{kind}' has no Cloud Monitoring notification channel; use email, "
                "webhook or slack (log channels are skipped: incidents show in the console)",
            )
    unique: dict[str, ChannelTarget] = {}
    for target in targets:
        unique.setdefault(target.key, target)
    return list(unique.values())


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


def alignment_seconds(period_seconds: float) -> int:
    """An alignment period Google accepts: whole minutes, 60 s to 25 h, at least the run interval.

    A series written once a day looks absent to a 5-minute alignment, so the period covers
    the schedule's interval; weekly monitors are capped at Google's 25 hours.
    """
    minutes = -(-int(period_seconds) // 60)
    return max(MIN_ALIGNMENT, min(MAX_ALIGNMENT, minutes * 60))


def conditions_for(
    alert: Alert, *, monitor: str, prefix: str, resource_type: str, alignment: int
) -> list[monitoring_v3.AlertPolicy.Condition]:
    """The MetricThreshold conditions that answer one Alert."""
    from google.cloud import monitoring_v3 as m

    def condition(
        name: str, title: str, labels: dict[str, str | list[str]], comparison: Any, threshold: float, *, reduce: bool
    ) -> m.AlertPolicy.Condition:
        # reduce: sum the per-feature (or per-check) series of the monitor into one value.
        reducer = {"cross_series_reducer": m.Aggregation.Reducer.REDUCE_SUM, "group_by_fields": ["metric.label.monitor"]}
        aggregation = m.Aggregation(
            alignment_period={"seconds": alignment},
            per_series_aligner=m.Aggregation.Aligner.ALIGN_MAX,
            **(reducer if reduce else {}),
        )
        return m.AlertPolicy.Condition(
            display_name=title,
            condition_threshold=m.AlertPolicy.Condition.MetricThreshold(
                filter=metric_filter(descriptors.metric_type(prefix, name), resource_type, {"monitor": monitor, **labels}),
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
    alert: Alert,
    index: int,
    *,
    monitor_name: str,
    monitor: Monitor,
    prefix: str,
    resource_type: str,
    period_seconds: float,
    channel_names: list[str],
) -> monitoring_v3.AlertPolicy:
    """The alert policy for one Alert, labelled so apply finds it again."""
    from google.cloud import monitoring_v3 as m

    conditions = conditions_for(
        alert, monitor=monitor_name, prefix=prefix, resource_type=resource_type, alignment=alignment_seconds(period_seconds)
    )
    description = alert.describe()
    body = m.AlertPolicy(
        display_name=f"driftplane {monitor_name}: {description}"[:512],
        documentation=m.AlertPolicy.Documentation(
            content="\n\n".join(
                part
                for part in (
                    f"driftplane monitor **{monitor_name}**: {description}.",
                    monitor.description,
                    f"See the latest runs with `driftplane status --monitor {monitor_name} --provider gcp`.",
                )
                if part
            ),
            mime_type="text/markdown",
        ),
        combiner=m.AlertPolicy.ConditionCombinerType.OR,
        conditions=conditions,
        notification_channels=sorted(channel_names),
        enabled=True,
        user_labels=managed_labels(monitor_name, alert_key(alert, index)),
    )
    body.user_labels[DIGEST_LABEL] = digest(to_dict(body))
    return body


def alert_key(alert: Alert, index: int) -> str:
    """The identity of an alert within its monitor: its name, else its position and kind.

    Changing a threshold keeps the key, so apply updates the policy in place.
    """
    return f"alert-{label_value(alert.name, 50)}" if alert.name else f"alert-{index}-{alert.when}"
