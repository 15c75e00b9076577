"""What driftplane created for monitors the spec no longer runs (removed, or ``enabled: false``).

Alert policies, notification channels and Cloud Run jobs are found by driftplane's user
labels; Cloud Scheduler jobs, which have no labels, by the marker in their description.
Metric descriptors are shared by every monitor, so they are never one monitor's leftover.

A user label folds a monitor name to lower case (with a hash when that loses information),
so the monitor's own spelling is read back from what driftplane wrote next to the label: the
display name (``driftplane <monitor>: ...``), the Cloud Run job's ``DRIFTPLANE_MONITOR``
variable, the Scheduler job's description. ``destroy --monitor <that name>`` finds the same
resources again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from driftplane.provider import Leftover, leftover_reason, selected_monitors
from driftplane.spec.models import Spec
from driftplane_gcp import names, schedules
from driftplane_gcp.state import Existing

_IN_DISPLAY_NAME = re.compile(r"^driftplane ([A-Za-z0-9][A-Za-z0-9_-]{0,62}): ")
_IN_SCHEDULER_DESCRIPTION = re.compile(r"^driftplane monitor ([A-Za-z0-9][A-Za-z0-9_-]{0,62}): ")
MONITOR_ENV = "DRIFTPLANE_MONITOR"


def _checked(candidate: str | None, label: str) -> str:
    """The spelled-out name when it folds to the label it sits next to, else the label itself."""
    if candidate is not None and names.label_value(candidate) == label:
        return candidate
    return label


def _from_display_name(display_name: str, label: str) -> str:
    found = _IN_DISPLAY_NAME.match(display_name or "")
    return _checked(found.group(1) if found else None, label)


def _from_run_job(job: Any) -> str:
    label = job.labels.get(names.MONITOR_LABEL, "")
    candidate = None
    for container in job.template.template.containers:
        for env in container.env:
            if env.name == MONITOR_ENV:
                candidate = env.value
    return _checked(candidate, label)


def _from_scheduler_job(job: Any) -> str:
    found = _IN_SCHEDULER_DESCRIPTION.match(job.description or "")
    if found:
        return found.group(1)
    return job.name.rsplit("/", 1)[1].removeprefix(names.ID_PREFIX)


def find_leftovers(spec: Spec, existing: Existing, *, project: str, location: str) -> list[Leftover]:
    """One Leftover per resource driftplane created for a monitor this spec does not run.

    Kinds and names are those of the Change that would delete it. A channel another policy
    still notifies says so in its reason: destroy keeps it (see ``Existing.users_outside``).
    """
    runs = selected_monitors(spec, None)  # declared and enabled
    running_labels = {names.label_value(name) for name in runs}
    running_jobs = {schedules.scheduler_job_name(project, location, name) for name in runs}
    found: list[tuple[str, str, str, str]] = []  # (monitor, kind, name, extra reason)

    for (label, _), policy in existing.policies.items():
        if label not in running_labels:
            found.append((_from_display_name(policy.display_name, label), names.POLICY, policy.name, ""))
    for (label, _), channel in existing.channels.items():
        if label in running_labels:
            continue
        users = existing.users_outside(channel.name, {label})
        extra = (
            f"; kept by destroy while {_quoted(users)} still notif{'ies' if len(users) == 1 else 'y'} it"
            if users
            else ""
        )
        found.append((_from_display_name(channel.display_name, label), names.CHANNEL, channel.name, extra))
    for job_name, job in existing.scheduler_jobs.items():
        if schedules.is_managed_scheduler_job(job) and job_name not in running_jobs:
            found.append((_from_scheduler_job(job), names.SCHEDULER_JOB, job_name, ""))
    for job_name, job in existing.run_jobs.items():
        label = job.labels.get(names.MONITOR_LABEL, "")
        if names.is_managed(job.labels) and label not in running_labels:
            found.append((_from_run_job(job), names.RUN_JOB, job_name, ""))

    order = {names.SCHEDULER_JOB: 0, names.RUN_JOB: 1, names.POLICY: 2, names.CHANNEL: 3}
    out = []
    for monitor, kind, name, extra in sorted(found, key=lambda item: (item[0], order[item[1]], item[2])):
        reason = leftover_reason(spec, monitor)
        if reason is None:  # a name recovered from a label that a running monitor folds to: not ours to list
            continue
        out.append(Leftover(monitor=monitor, kind=kind, name=name, reason=reason + extra))
    return out


def _quoted(items: Iterable[str]) -> str:
    shown = [f"'{item}'" for item in items]
    return ("alert policies " if len(shown) > 1 else "alert policy ") + ", ".join(shown)
