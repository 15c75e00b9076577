"""A resolved monitor as the Google Cloud requests that realise it.

Everything here comes from ``driftplane.resolved.resolve_monitor``: the alerts with their
conditions, keys and resolved channels, the window rule (for the alert policies' alignment)
and the tags. Nothing is read from the raw spec, so a monitor means here what it means to
the local provider. ``plan`` diffs what this asks for against what exists; ``checks`` reports,
at their lines, what cannot be asked for.

Per monitor: one notification channel per delivery target (``channels.DELIVERY``), one alert
policy per alert, and with scheduled runs a Cloud Run job and the Cloud Scheduler job that
starts it. Every one carries the monitor's tags (``ResolvedMonitor.tags_over`` the settings'
``labels``) as user labels, or, on the Scheduler job which has none, in its description.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from driftplane.resolved import AlertRule, ResolvedMonitor
from driftplane_gcp import alerts, schedules
from driftplane_gcp.channels import NotificationTarget, notification_targets
from driftplane_gcp.names import label_value, tag_labels
from driftplane_gcp.settings import GcpSettings

if TYPE_CHECKING:
    from google.cloud import monitoring_v3, run_v2, scheduler_v1

PENDING = "<known after apply: {}>"
Identity = tuple[str, str]  # (monitor label, key label): how a channel or policy is found again


@dataclass(frozen=True)
class PolicyRequest:
    """One alert's policy: its identity, the channels it names, and how to build it.

    A policy names its channels by resource name, which a new channel gets only when apply
    creates it, so ``build`` takes the names known at that moment.
    """

    alert: AlertRule
    identity: Identity  # (monitor label, key label)
    legacy_identity: Identity  # how driftplane 0.1 labelled it (see alerts.legacy_key)
    channels: tuple[Identity, ...]
    build: Callable[[Mapping[Identity, str]], monitoring_v3.AlertPolicy]


@dataclass
class MonitorAlerts:
    """What a monitor's alerts become: notification channels and alert policies."""

    monitor: str
    channels: dict[Identity, NotificationTarget] = field(default_factory=dict)
    channel_labels: dict[str, str] = field(default_factory=dict)  # user labels (tags) of every channel
    policies: list[PolicyRequest] = field(default_factory=list)

    def channel_message(self, identity: Identity, *, redact: bool = False) -> monitoring_v3.NotificationChannel:
        return self.channels[identity].message(user_labels=self.channel_labels, redact=redact)


def tags(monitor: ResolvedMonitor, settings: GcpSettings) -> dict[str, str]:
    """The monitor's tags as written: the settings' labels, under the spec's, under the monitor's."""
    return monitor.tags_over(settings.labels)


def labels(monitor: ResolvedMonitor, settings: GcpSettings) -> dict[str, str]:
    """The monitor's tags as Google user labels (``names.tag_label``)."""
    return tag_labels(tags(monitor, settings))


def alert_resources(monitor: ResolvedMonitor, settings: GcpSettings) -> MonitorAlerts:
    """The notification channels and alert policies of one monitor's alerts."""
    label = label_value(monitor.name)
    user_labels = labels(monitor, settings)
    out = MonitorAlerts(monitor.name, channel_labels=user_labels)
    alignment = alerts.alignment_seconds(monitor.windows)
    for alert in monitor.alerts:
        targets = notification_targets(monitor.name, alert.channels, settings)
        keys: list[Identity] = []
        for target in targets:
            identity = (label, label_value(target.key))
            out.channels.setdefault(identity, target)
            keys.append(identity)

        def build(
            channel_names: Mapping[Identity, str], alert: AlertRule = alert, keys: tuple[Identity, ...] = tuple(keys)
        ) -> monitoring_v3.AlertPolicy:
            return alerts.policy_for(
                alert,
                monitor=monitor.name,
                description=monitor.description,
                prefix=settings.metric_prefix,
                resource_type=settings.resource_type,
                alignment=alignment,
                channel_names=[channel_names.get(k) or PENDING.format(k[1]) for k in keys],
                labels=user_labels,
            )

        out.policies.append(
            PolicyRequest(
                alert=alert,
                identity=(label, label_value(alert.key)),
                legacy_identity=(label, alerts.legacy_key(alert)),
                channels=tuple(keys),
                build=build,
            )
        )
    return out


@dataclass(frozen=True)
class MonitorJobs:
    """The Cloud Run job that runs a monitor and the Cloud Scheduler job that starts it."""

    run_job: run_v2.Job
    run_job_name: str
    scheduler_job: scheduler_v1.Job


def job_resources(monitor: ResolvedMonitor, settings: GcpSettings, *, project: str) -> MonitorJobs:
    """The scheduled-run jobs of one monitor (``settings.scheduled_runs`` must be on)."""
    return MonitorJobs(
        run_job=schedules.run_job(monitor.name, settings=settings, project=project, labels=labels(monitor, settings)),
        run_job_name=schedules.run_job_name(project, settings.location, monitor.name),
        scheduler_job=schedules.scheduler_job(
            monitor, settings=settings, project=project, tags=tags(monitor, settings)
        ),
    )


__all__ = ["MonitorAlerts", "MonitorJobs", "PolicyRequest", "alert_resources", "job_resources", "labels", "tags"]
