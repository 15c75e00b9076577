"""Plan: what apply would create, change or delete, as the exact gRPC requests, and how to do it.

What each monitor wants comes from ``translate`` (the resolved monitor as requests); it is
matched with what exists (by the user labels driftplane sets, or by name for jobs), and each
difference becomes a Step (``apply.Step``): the Change that ``plan --json`` shows and the
call that performs it. The steps come in the order ``apply`` runs them: channels before the
policies that name them, policies deleted before their channels, Cloud Run jobs before the
Scheduler jobs that start them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from driftplane.errors import ProviderError, SpecError
from driftplane.provider import AttributeChange, Change, Request
from driftplane.resolved import ResolvedMonitor, resolve_monitor
from driftplane.spec.models import Spec
from driftplane_gcp import alerts, descriptors, errors, names, schedules, translate
from driftplane_gcp.apply import Context, Step
from driftplane_gcp.checks import spec_problems
from driftplane_gcp.messages import changed_attributes, to_dict
from driftplane_gcp.settings import GcpSettings
from driftplane_gcp.state import Existing
from driftplane_gcp.translate import Identity, MonitorAlerts

logger = logging.getLogger(__name__)


def request(api: str, operation: str, message: Any) -> Request:
    return Request(api=api, operation=operation, body=to_dict(message))


def _reject_bad_policy(policy: Any, monitor: str, index: int) -> None:
    found = alerts.policy_problems(policy)
    if found:
        raise errors.AlertFilterError(
            f"monitor {monitor}, alert {index + 1} ('{policy.display_name}'): Cloud Monitoring would reject "
            f"its policy, so nothing was sent: {'; '.join(found)}"
        )


@dataclass(frozen=True)
class Where:
    """The project, region and monitors one plan is about."""

    spec: Spec
    settings: GcpSettings
    project: str
    scope: Sequence[str]  # monitors whose resources may be touched
    enabled: Sequence[str]  # monitors whose resources should exist

    @property
    def parent(self) -> str:
        return f"projects/{self.project}"

    @property
    def regional(self) -> str:
        return f"{self.parent}/locations/{self.settings.location}"

    @property
    def scope_labels(self) -> dict[str, str]:
        """Monitor label value -> monitor name, for the monitors in scope."""
        return {names.label_value(n): n for n in self.scope}

    @cached_property
    def monitors(self) -> list[ResolvedMonitor]:
        """The enabled monitors in scope, resolved."""
        return [resolve_monitor(self.spec, name) for name in self.enabled]

    @cached_property
    def alerts(self) -> list[MonitorAlerts]:
        """Each enabled monitor's channels and policies."""
        return [translate.alert_resources(monitor, self.settings) for monitor in self.monitors]


def build_steps(
    spec: Spec,
    settings: GcpSettings,
    *,
    project: str,
    scope: Sequence[str],
    existing: Existing,
    keep: bool = True,
    purge: bool = False,
) -> list[Step]:
    """The steps that make the project match the spec for the monitors in ``scope``.

    keep=False (destroy) wants nothing, so everything driftplane made for them is deleted
    (``scope`` may then name monitors the spec no longer declares: their resources are found
    by labels and derived names alone); purge also deletes the metric descriptors (and with
    them all written data). A channel that a policy outside the scope still notifies is kept.
    """
    enabled = [n for n in scope if n in spec.monitors and resolve_monitor(spec, n).enabled] if keep else []
    problems = spec_problems(spec, settings, enabled, policies=False)
    if problems:
        raise SpecError(problems)
    where = Where(spec, settings, project, scope, enabled)
    steps = _descriptor_steps(where, existing, purge=purge)
    steps += _channel_steps(where, existing)
    wanted_channels = {identity for resources in where.alerts for identity in resources.channels}
    policy_steps, kept_policies = _policy_steps(where, existing)
    steps += policy_steps
    labels = where.scope_labels
    for identity, have in sorted(existing.policies.items()):
        if identity[0] in labels and identity not in kept_policies:
            steps.append(_delete_policy(have, labels[identity[0]]))
    for identity, have in sorted(existing.channels.items()):
        if identity[0] in labels and identity not in wanted_channels:
            users = existing.users_outside(have.name, labels)
            if users:
                logger.warning(
                    "notification channel %s ('%s') of monitor %s is kept: alert policies %s still notify it, "
                    "and driftplane never edits a policy it did not create for these monitors. Take the channel "
                    "out of those policies, then run destroy --monitor %s again",
                    have.name,
                    have.display_name,
                    labels[identity[0]],
                    ", ".join(f"'{u}'" for u in users),
                    labels[identity[0]],
                )
                continue
            steps.append(_delete_channel(have, labels[identity[0]]))
    return steps + _job_steps(where, existing)


def _descriptor_steps(where: Where, existing: Existing, *, purge: bool) -> list[Step]:
    """Metric descriptors: shared by all monitors, created with the first, deleted only by a purge.

    The model-quality ones are created with the first monitor that declares a model.
    """
    from google.cloud import monitoring_v3 as m

    steps: list[Step] = []
    prefix = where.settings.metric_prefix
    if not where.enabled:
        if not purge:
            return steps
        ours = {descriptors.metric_type(prefix, i.name) for i in descriptors.metric_infos()}
        for type_, have in sorted(existing.descriptors.items()):
            if type_ not in ours:
                continue
            delete = m.DeleteMetricDescriptorRequest(name=have.name)

            def delete_descriptor(ctx: Context, req: Any = delete) -> None:
                ctx.write(
                    ctx.clients.metrics.delete_metric_descriptor,
                    doing=f"deleting metric descriptor {req.name}",
                    api=errors.MONITORING,
                    request=req,
                )

            change = Change(
                action="delete",
                kind=names.DESCRIPTOR,
                name=have.name,
                monitor=where.scope[0],
                request=request(names.METRIC_SERVICE, "DeleteMetricDescriptor", delete),
                reason="purge: deletes the metric and every point written to it",
            )
            steps.append(Step(change, delete_descriptor))
        return steps
    owner = where.enabled[0]
    # Model-quality descriptors only once a monitor in scope declares a model (never deleted but by a purge).
    performance = any(monitor.performance is not None for monitor in where.monitors)
    for info in descriptors.metric_infos(performance=performance):
        wanted = descriptors.descriptor(prefix, info)
        have = existing.descriptors.get(wanted.type)
        create = m.CreateMetricDescriptorRequest(name=where.parent, metric_descriptor=wanted)
        reason = None
        if have is not None:
            label_keys = {label.key for label in have.labels}
            changed = changed_attributes({k: v for k, v in to_dict(wanted).items() if k != "labels"}, to_dict(have))
            found = [item.describe(60) for item in changed]
            missing = [label.key for label in wanted.labels if label.key not in label_keys]
            found += [f"label {key} is missing" for key in missing]
            if missing:
                keys = sorted(label_keys | set(missing))
                changed.append(AttributeChange(path="labels", old=sorted(label_keys), new=keys))
            if not found:
                steps.append(Step(Change(action="noop", kind=names.DESCRIPTOR, name=have.name, monitor=owner)))
                continue
            reason = "; ".join(found)

        def create_descriptor(ctx: Context, req: Any = create) -> None:
            # Create is idempotent: an existing descriptor is updated (labels are never removed).
            ctx.write(
                ctx.clients.metrics.create_metric_descriptor,
                doing=f"creating metric descriptor {req.metric_descriptor.type}",
                api=errors.MONITORING,
                request=req,
            )

        change = Change(
            action="update" if have is not None else "create",
            kind=names.DESCRIPTOR,
            name=f"{where.parent}/metricDescriptors/{wanted.type}",
            monitor=owner,
            request=request(names.METRIC_SERVICE, "CreateMetricDescriptor", create),
            reason=reason,
            changed=changed if have is not None else [],
        )
        steps.append(Step(change, create_descriptor))
    return steps


def _channel_steps(where: Where, existing: Existing) -> list[Step]:
    """Create or update every notification channel the enabled monitors' alerts notify."""
    steps: list[Step] = []
    for resources in where.alerts:
        for identity in resources.channels:
            steps.append(_channel_step(where, resources, identity, existing.channels.get(identity)))
    return steps


def _channel_step(where: Where, resources: MonitorAlerts, identity: Identity, have: Any) -> Step:
    from google.cloud import monitoring_v3 as m

    target = resources.channels[identity]
    shown = resources.channel_message(identity, redact=True)  # what plan prints: secrets replaced
    if have is None:
        create = m.CreateNotificationChannelRequest(
            name=where.parent, notification_channel=resources.channel_message(identity)
        )

        def create_channel(ctx: Context, req: Any = create, identity: Identity = identity) -> None:
            created = ctx.write(
                ctx.clients.channels.create_notification_channel,
                doing=f"creating notification channel '{req.notification_channel.display_name}'",
                api=errors.MONITORING,
                request=req,
            )
            ctx.channel_names[identity] = created.name

        shown_request = m.CreateNotificationChannelRequest(name=where.parent, notification_channel=shown)
        change = Change(
            action="create",
            kind=names.CHANNEL,
            name=target.display_name,
            monitor=target.monitor,
            request=request(names.CHANNEL_SERVICE, "CreateNotificationChannel", shown_request),
        )
        return Step(change, create_channel)
    message = resources.channel_message(identity)
    ignore = [f"labels.{k}" for k in target.secret_labels]  # Google never shows them back
    changed = changed_attributes(to_dict(message), to_dict(have), ignore=ignore)
    found = [item.describe(60) for item in changed]
    if not found:
        noop = Change(
            action="noop", kind=names.CHANNEL, name=have.name, monitor=target.monitor, display_name=have.display_name
        )
        return Step(noop)
    message.name = shown.name = have.name
    update = m.UpdateNotificationChannelRequest(notification_channel=message)

    def update_channel(ctx: Context, req: Any = update) -> None:
        ctx.write(
            ctx.clients.channels.update_notification_channel,
            doing=f"updating notification channel {req.notification_channel.name}",
            api=errors.MONITORING,
            request=req,
        )

    change = Change(
        action="update",
        kind=names.CHANNEL,
        name=have.name,
        monitor=target.monitor,
        request=request(
            names.CHANNEL_SERVICE,
            "UpdateNotificationChannel",
            m.UpdateNotificationChannelRequest(notification_channel=shown),
        ),
        reason=_reason(found),
        display_name=target.display_name,
        changed=_shown_changes(changed),
    )
    return Step(change, update_channel)


def _policy_steps(where: Where, existing: Existing) -> tuple[list[Step], set[Identity]]:
    """Create or update one alert policy per alert; returns the steps and the existing identities kept.

    A policy is found by its key label; one labelled as driftplane 0.1 labelled it (the
    alert's name, or its position) is taken over and updated in place, keeping its id.
    """
    from google.cloud import monitoring_v3 as m

    known = {identity: channel.name for identity, channel in existing.channels.items()}
    wanted = {policy.identity for resources in where.alerts for policy in resources.policies}
    steps: list[Step] = []
    kept: set[Identity] = set()
    for resources in where.alerts:
        name = resources.monitor
        for wanted_policy in resources.policies:
            build, index = wanted_policy.build, wanted_policy.alert.index
            policy = build(known)
            _reject_bad_policy(policy, name, index)
            found_as = wanted_policy.identity
            have = existing.policies.get(found_as)
            legacy = wanted_policy.legacy_identity
            if have is None and legacy in existing.policies and legacy not in wanted and legacy not in kept:
                found_as, have = legacy, existing.policies[legacy]
            if have is None:

                def create_policy(ctx: Context, build: Any = build, index: int = index, monitor: str = name) -> None:
                    body = build({**known, **ctx.channel_names})
                    _reject_bad_policy(body, monitor, index)
                    ctx.write(
                        ctx.clients.alerts.create_alert_policy,
                        doing=f"creating alert policy '{body.display_name}'",
                        api=errors.MONITORING,
                        request=m.CreateAlertPolicyRequest(name=where.parent, alert_policy=body),
                    )

                change = Change(
                    action="create",
                    kind=names.POLICY,
                    name=policy.display_name,
                    monitor=name,
                    request=request(
                        names.ALERT_SERVICE,
                        "CreateAlertPolicy",
                        m.CreateAlertPolicyRequest(name=where.parent, alert_policy=policy),
                    ),
                )
                steps.append(Step(change, create_policy))
                continue
            kept.add(found_as)
            changed = changed_attributes(to_dict(policy), to_dict(have))
            found = [item.describe(60) for item in changed]
            if not found:
                noop = Change(
                    action="noop", kind=names.POLICY, name=have.name, monitor=name, display_name=have.display_name
                )
                steps.append(Step(noop))
                continue
            policy.name = have.name

            def update_policy(
                ctx: Context, build: Any = build, policy_name: str = have.name, index: int = index, monitor: str = name
            ) -> None:
                body = build({**known, **ctx.channel_names})
                _reject_bad_policy(body, monitor, index)
                body.name = policy_name  # an empty update mask replaces the whole policy, same id
                ctx.write(
                    ctx.clients.alerts.update_alert_policy,
                    doing=f"updating alert policy {policy_name}",
                    api=errors.MONITORING,
                    request=m.UpdateAlertPolicyRequest(alert_policy=body),
                )

            reason = _reason(found)
            if found_as != wanted_policy.identity:
                reason = f"labelled by an older driftplane (key {found_as[1]}); now key {wanted_policy.identity[1]}"
            change = Change(
                action="update",
                kind=names.POLICY,
                name=have.name,
                monitor=name,
                request=request(
                    names.ALERT_SERVICE, "UpdateAlertPolicy", m.UpdateAlertPolicyRequest(alert_policy=policy)
                ),
                reason=reason,
                display_name=policy.display_name,
                changed=_shown_changes(changed),
            )
            steps.append(Step(change, update_policy))
    return steps, kept


def _job_steps(where: Where, existing: Existing) -> list[Step]:
    """Cloud Run jobs, then the Scheduler jobs that start them; deletes in the reverse order."""
    from google.cloud import run_v2, scheduler_v1

    settings, project = where.settings, where.project
    steps: list[Step] = []
    scheduler_steps: list[Step] = []
    wanted: set[str] = set()
    if settings.scheduled_runs:
        for monitor in where.monitors:
            name = monitor.name
            jobs = translate.job_resources(monitor, settings, project=project)
            job, job_name = jobs.run_job, jobs.run_job_name
            wanted.add(job_name)
            have = existing.run_jobs.get(job_name)
            if have is not None and not names.is_managed(have.labels):
                raise ProviderError(
                    f"monitor {name}: a Cloud Run job {job_name} exists that driftplane did not create; "
                    "driftplane touches nothing it did not create. Delete or rename that job, or use "
                    "another location (providers.gcp.location)"
                )
            steps.append(_job_step(job, job_name, have, name, where.regional))
            scheduled = jobs.scheduler_job
            scheduled_have = existing.scheduler_jobs.get(scheduled.name)
            if scheduled_have is not None and not schedules.is_managed_scheduler_job(scheduled_have):
                raise ProviderError(
                    f"monitor {name}: a Cloud Scheduler job {scheduled.name} exists that driftplane did not "
                    "create; delete or rename it, or use another location (providers.gcp.location)"
                )
            scheduler_steps.append(_scheduler_step(scheduled, scheduled_have, name, where.regional))
    steps += scheduler_steps
    for job_name, have in sorted(existing.scheduler_jobs.items()):
        owner = _monitor_of_job(job_name, where.scope, project, settings.location)
        if owner is None or job_name in wanted or not schedules.is_managed_scheduler_job(have):
            continue
        delete_scheduled = scheduler_v1.DeleteJobRequest(name=job_name)

        def delete_scheduler_job(ctx: Context, req: Any = delete_scheduled) -> None:
            ctx.write(
                ctx.clients.scheduler.delete_job,
                doing=f"deleting Cloud Scheduler job {req.name}",
                api=errors.SCHEDULER,
                request=req,
            )

        change = Change(
            action="delete",
            kind=names.SCHEDULER_JOB,
            name=job_name,
            monitor=owner,
            request=request(names.SCHEDULER_SERVICE, "DeleteJob", delete_scheduled),
        )
        steps.append(Step(change, delete_scheduler_job))
    labels = where.scope_labels
    for job_name, have in sorted(existing.run_jobs.items()):
        label = have.labels.get(names.MONITOR_LABEL, "")
        if not names.is_managed(have.labels) or label not in labels or job_name in wanted:
            continue
        delete_job = run_v2.DeleteJobRequest(name=job_name)

        def delete_run_job(ctx: Context, req: Any = delete_job) -> None:
            operation = ctx.write(
                ctx.clients.jobs.delete_job, doing=f"deleting Cloud Run job {req.name}", api=errors.RUN, request=req
            )
            ctx.wait(operation, f"deleting Cloud Run job {req.name}")

        change = Change(
            action="delete",
            kind=names.RUN_JOB,
            name=job_name,
            monitor=labels[label],
            request=request(names.RUN_SERVICE, "DeleteJob", delete_job),
        )
        steps.append(Step(change, delete_run_job))
    return steps


def _reason(found: list[str]) -> str:
    """Readable differences; the digest label alone means a value Google does not show back changed."""
    shown = [
        f
        for f in found
        if not f.startswith(f"userLabels.{names.DIGEST_LABEL}")
        and not f.startswith(f"labels.{names.DIGEST_LABEL}")
        and "digest=" not in f
    ]
    if not shown:
        return "a setting Google does not show back changed (e.g. a token or URL)"
    return "; ".join(shown)


def _shown_changes(changed: list[AttributeChange]) -> list[AttributeChange]:
    """The changed attributes a plan shows. The digest label changes with any setting; alone, it
    means one Google does not show back (a token or URL) changed, which is said in words."""
    digests = [item for item in changed if item.path.endswith(f"abels.{names.DIGEST_LABEL}")]
    shown = [item for item in changed if item not in digests]
    if shown or not digests:
        return shown
    return [AttributeChange(path=digests[0].path, old="(a setting Google does not show back)", new="(changed)")]


def _monitor_of_job(job_name: str, scope: Sequence[str], project: str, location: str) -> str | None:
    for monitor in scope:
        if schedules.scheduler_job_name(project, location, monitor) == job_name:
            return monitor
    return None


def _delete_policy(have: Any, monitor: str) -> Step:
    from google.cloud import monitoring_v3 as m

    req = m.DeleteAlertPolicyRequest(name=have.name)

    def execute(ctx: Context) -> None:
        ctx.write(
            ctx.clients.alerts.delete_alert_policy,
            doing=f"deleting alert policy {req.name}",
            api=errors.MONITORING,
            request=req,
        )

    return Step(
        Change(
            action="delete",
            kind=names.POLICY,
            name=have.name,
            monitor=monitor,
            request=request(names.ALERT_SERVICE, "DeleteAlertPolicy", req),
            reason=f"'{have.display_name}' is no longer in the spec for this monitor",
            display_name=have.display_name,
        ),
        execute,
    )


def _delete_channel(have: Any, monitor: str) -> Step:
    from google.cloud import monitoring_v3 as m

    req = m.DeleteNotificationChannelRequest(name=have.name, force=False)

    def execute(ctx: Context) -> None:
        ctx.write(
            ctx.clients.channels.delete_notification_channel,
            doing=f"deleting notification channel {req.name}",
            api=errors.MONITORING,
            request=req,
        )

    return Step(
        Change(
            action="delete",
            kind=names.CHANNEL,
            name=have.name,
            monitor=monitor,
            request=request(names.CHANNEL_SERVICE, "DeleteNotificationChannel", req),
            display_name=have.display_name or None,
        ),
        execute,
    )


def _job_step(job: Any, job_name: str, have: Any, monitor: str, regional: str) -> Step:
    from google.cloud import run_v2

    if have is None:
        req = run_v2.CreateJobRequest(parent=regional, job=job, job_id=job_name.rsplit("/", 1)[1])

        def create(ctx: Context) -> None:
            operation = ctx.write(
                ctx.clients.jobs.create_job, doing=f"creating Cloud Run job {job_name}", api=errors.RUN, request=req
            )
            ctx.wait(operation, f"creating Cloud Run job {job_name}")

        return Step(
            Change(
                action="create",
                kind=names.RUN_JOB,
                name=job_name,
                monitor=monitor,
                request=request(names.RUN_SERVICE, "CreateJob", req),
            ),
            create,
        )
    changed = changed_attributes(to_dict(job), to_dict(have))
    found = [item.describe(60) for item in changed]
    if not found:
        return Step(Change(action="noop", kind=names.RUN_JOB, name=job_name, monitor=monitor))
    job.name = job_name
    req = run_v2.UpdateJobRequest(job=job)

    def update(ctx: Context) -> None:
        operation = ctx.write(
            ctx.clients.jobs.update_job, doing=f"updating Cloud Run job {job_name}", api=errors.RUN, request=req
        )
        ctx.wait(operation, f"updating Cloud Run job {job_name}")

    return Step(
        Change(
            action="update",
            kind=names.RUN_JOB,
            name=job_name,
            monitor=monitor,
            request=request(names.RUN_SERVICE, "UpdateJob", req),
            reason=_reason(found),
            changed=_shown_changes(changed),
        ),
        update,
    )


def _scheduler_step(job: Any, have: Any, monitor: str, regional: str) -> Step:
    from google.cloud import scheduler_v1

    if have is None:
        req = scheduler_v1.CreateJobRequest(parent=regional, job=job)

        def create(ctx: Context) -> None:
            ctx.write(
                ctx.clients.scheduler.create_job,
                doing=f"creating Cloud Scheduler job {job.name}",
                api=errors.SCHEDULER,
                request=req,
            )

        return Step(
            Change(
                action="create",
                kind=names.SCHEDULER_JOB,
                name=job.name,
                monitor=monitor,
                request=request(names.SCHEDULER_SERVICE, "CreateJob", req),
            ),
            create,
        )
    changed = changed_attributes(to_dict(job), to_dict(have))
    found = [item.describe(60) for item in changed]
    if not found:
        return Step(Change(action="noop", kind=names.SCHEDULER_JOB, name=job.name, monitor=monitor))
    req = scheduler_v1.UpdateJobRequest(job=job)

    def update(ctx: Context) -> None:
        ctx.write(
            ctx.clients.scheduler.update_job,
            doing=f"updating Cloud Scheduler job {job.name}",
            api=errors.SCHEDULER,
            request=req,
        )

    return Step(
        Change(
            action="update",
            kind=names.SCHEDULER_JOB,
            name=job.name,
            monitor=monitor,
            request=request(names.SCHEDULER_SERVICE, "UpdateJob", req),
            reason=_reason(found),
            changed=_shown_changes(changed),
        ),
        update,
    )
