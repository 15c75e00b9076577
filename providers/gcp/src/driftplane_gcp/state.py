"""What already exists on Google Cloud that driftplane may own: read-only list calls."""

from __future__ import annotations

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


def _identity(labels: Any) -> tuple[str, str]:
    return labels.get(MONITOR_LABEL, ""), labels.get(KEY_LABEL, "")


def read_existing(
    clients: GcpClients, *, project: str, location: str, prefix: str, scheduled_runs: bool
) -> Existing:
    """List what exists: descriptors under the prefix, driftplane's channels, policies and jobs."""
    found = Existing()
    parent = f"projects/{project}"
    descriptors = call(
        clients.metrics.list_metric_descriptors,
        doing="listing metric descriptors",
        api=errors.MONITORING,
        project=project,
        request={"name": parent, "filter": f"metric.type = starts_with({quote(prefix)})"},
    )
    for descriptor in call(lambda: list(descriptors), doing="listing metric descriptors", api=errors.MONITORING, project=project):
        found.descriptors[descriptor.type] = descriptor
    channels = call(
        clients.channels.list_notification_channels,
        doing="listing notification channels",
        api=errors.MONITORING,
        project=project,
        request={"name": parent},
    )
    for channel in call(lambda: list(channels), doing="listing notification channels", api=errors.MONITORING, project=project):
        if is_managed(channel.user_labels):
            found.channels[_identity(channel.user_labels)] = channel
    policies = call(
        clients.alerts.list_alert_policies,
        doing="listing alert policies",
        api=errors.MONITORING,
        project=project,
        request={"name": parent},
    )
    for policy in call(lambda: list(policies), doing="listing alert policies", api=errors.MONITORING, project=project):
        if is_managed(policy.user_labels):
            found.policies[_identity(policy.user_labels)] = policy
    if not scheduled_runs:
        return found
    regional = f"{parent}/locations/{location}"
    jobs = call(
        clients.jobs.list_jobs, doing="listing Cloud Run jobs", api=errors.RUN, project=project, request={"parent": regional}
    )
    for job in call(lambda: list(jobs), doing="listing Cloud Run jobs", api=errors.RUN, project=project):
        found.run_jobs[job.name] = job
    scheduled = call(
        clients.scheduler.list_jobs,
        doing="listing Cloud Scheduler jobs",
        api=errors.SCHEDULER,
        project=project,
        request={"parent": regional},
    )
    for job in call(lambda: list(scheduled), doing="listing Cloud Scheduler jobs", api=errors.SCHEDULER, project=project):
        found.scheduler_jobs[job.name] = job
    return found
