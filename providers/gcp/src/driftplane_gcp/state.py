"""What already exists on Google Cloud that driftplane may own: read-only list calls."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from driftplane_gcp import errors
from driftplane_gcp.clients import GcpClients, call
from driftplane_gcp.names import KEY_LABEL, MONITOR_LABEL, is_managed, quote


@dataclass
class Existing:
    """Resources found in the project, keyed the way desired resources are matched."""

    descriptors: dict[str, Any] = field(default_factory=dict)  # metric type -> MetricDescriptor
    channels: dict[tuple[str, str], Any] = field(default_factory=dict)  # (monitor label, key) -> channel
    policies: dict[tuple[str, str], Any] = field(default_factory=dict)  # (monitor label, key) -> policy
    run_jobs: dict[str, Any] = field(default_factory=dict)  # full name -> run_v2.Job (managed or not)
    scheduler_jobs: dict[str, Any] = field(default_factory=dict)  # full name -> scheduler_v1.Job
    # channel name -> the alert policies (anyone's) that notify it, as (monitor label or None, display name)
    channel_users: dict[str, list[tuple[str | None, str]]] = field(default_factory=dict)

    def users_outside(self, channel_name: str, monitor_labels: Collection[str]) -> list[str]:
        """Display names of policies notifying a channel that are not of these monitors.

        Those policies outlive a destroy of the monitors (another monitor's, or not
        driftplane's at all), so the channel must stay: Google refuses to delete a channel a
        policy still names, and driftplane never edits a policy it did not create.
        """
        return [shown for label, shown in self.channel_users.get(channel_name, []) if label not in monitor_labels]


def _identity(labels: Any) -> tuple[str, str]:
    return labels.get(MONITOR_LABEL, ""), labels.get(KEY_LABEL, "")


def _list(method: Any, request: dict[str, str], *, doing: str, api: errors.Api, project: str) -> list[Any]:
    """Every item of a list RPC: the first call and the pages after it map errors the same way."""
    pages = call(method, doing=doing, api=api, project=project, request=request)
    items: list[Any] = call(lambda: list(pages), doing=doing, api=api, project=project)
    return items


def read_existing(
    clients: GcpClients, *, project: str, location: str, prefix: str, scheduled_runs: bool
) -> Existing:
    """List what exists: descriptors under the prefix, driftplane's channels, policies and jobs."""
    found = Existing()
    parent = f"projects/{project}"
    for descriptor in _list(
        clients.metrics.list_metric_descriptors,
        {"name": parent, "filter": f"metric.type = starts_with({quote(prefix)})"},
        doing="listing metric descriptors",
        api=errors.MONITORING,
        project=project,
    ):
        found.descriptors[descriptor.type] = descriptor
    for channel in _list(
        clients.channels.list_notification_channels,
        {"name": parent},
        doing="listing notification channels",
        api=errors.MONITORING,
        project=project,
    ):
        if is_managed(channel.user_labels):
            found.channels[_identity(channel.user_labels)] = channel
    for policy in _list(
        clients.alerts.list_alert_policies,
        {"name": parent},
        doing="listing alert policies",
        api=errors.MONITORING,
        project=project,
    ):
        managed = is_managed(policy.user_labels)
        if managed:
            found.policies[_identity(policy.user_labels)] = policy
        owner = policy.user_labels.get(MONITOR_LABEL) if managed else None
        for channel_name in policy.notification_channels:
            found.channel_users.setdefault(channel_name, []).append((owner, policy.display_name))
    if not scheduled_runs:
        return found
    regional = {"parent": f"{parent}/locations/{location}"}
    for job in _list(clients.jobs.list_jobs, regional, doing="listing Cloud Run jobs", api=errors.RUN, project=project):
        found.run_jobs[job.name] = job
    for job in _list(
        clients.scheduler.list_jobs,
        regional,
        doing="listing Cloud Scheduler jobs",
        api=errors.SCHEDULER,
        project=project,
    ):
        found.scheduler_jobs[job.name] = job
    return found
