"""Plan: what apply would create, change or delete, as the exact gRPC requests, and how to do it.

Desired resources are built from the spec, matched with what exists (by the user labels
driftplane sets, or by name for jobs), and each difference becomes a Step: the Change that
``plan --json`` shows and the call that performs it. Apply runs the steps in an order that
keeps references valid: channels before the policies that name them, policies deleted
before their channels, Cloud Run jobs before the Scheduler jobs that start them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from driftplane.errors import Problem, ProviderError, SpecError
from driftplane.provider import Change, Request
from driftplane.spec.models import Spec
from driftplane.windows import WindowRule
from driftplane_gcp import alerts, descriptors, errors, names, schedules
from driftplane_gcp.clients import GcpClients, call, write_retry
from driftplane_gcp.messages import differences, to_dict
from driftplane_gcp.settings import GcpSettings
from driftplane_gcp.state import Existing

logger = logging.getLogger(__name__)

PENDING = "<known after apply: {}>"


@dataclass
class Context:
    """What executing steps needs: the clients, and channel names learnt along the way."""

    clients: GcpClients
    project: str
    settings: GcpSettings
    channel_names: dict[tuple[str, str], str] = field(default_factory=dict)

    def write(self, fn: Callable[..., Any], *, doing: str, api: errors.Api, request: Any) -> Any:
        """One write call, retried on UNAVAILABLE and DEADLINE_EXCEEDED only."""
        return call(
            fn,
            doing=doing,
            api=api,
            project=self.project,
            request=request,
            retry=write_retry(self.settings.timeout),
            timeout=self.settings.timeout,
        )


@dataclass
class Step:
    """A Change as shown by plan, and the call that makes it (None for noop)."""

    change: Change
    execute: Callable[[Context], None] | None = None


def request(api: str, operation: str, message: Any) -> Request:
    return Request(api=api, operation=operation, body=to_dict(message))


def spec_problems(
    spec: Spec, settings: GcpSettings, monitors: Sequence[str], *, policies: bool = True
) -> list[Problem]:
    """What this provider cannot realise in the spec, located at the spec's keys.

    policies=False leaves out alert policies Google would reject: plan and apply raise those
    as AlertFilterError (a ProviderError) right before they would have been sent.
    """
    source = spec.source
    problems: list[Problem] = []

    def locate(path: tuple[Any, ...], message: str) -> None:
        problems.append(source.problem(path, message) if source is not None else Problem(path, message))

    if settings.scheduled_runs:
        for key in ("image", "service_account"):
            if getattr(settings, key) is None:
                locate(
                    ("providers", "gcp"),
                    f"scheduled runs need providers.gcp.{key} (the Cloud Run job's "
                    f"{'container image' if key == 'image' else 'service account email'}); "
                    "set it, or set scheduled_runs: false and run `driftplane run --provider gcp` yourself",
                )
    for name in monitors:
        monitor = spec.monitors[name]
        keys: dict[str, int] = {}
        for a, alert in enumerate(monitor.alerts):
            path = ("monitors", name, "alerts", a)
            key = names.label_value(alerts.alert_key(alert, a))
            if key in keys:
                locate(
                    path + ("name",),
                    f"alerts {keys[key] + 1} and {a + 1} of monitor {name} are both named '{alert.name}'; "
                    "the gcp provider finds each alert's policy by its name, so give them different names",
                )
            keys.setdefault(key, a)

            def report(index: int, message: str, path: tuple[Any, ...] = path) -> None:
                locate(path + ("notify", index), message)

            alerts.channel_targets(spec, name, alert, settings, report)
            if not policies:
                continue
            policy = alerts.policy_for(
                alert,
                a,
                monitor_name=name,
                monitor=monitor,
                prefix=settings.metric_prefix,
                resource_type=settings.resource_type,
                period_seconds=WindowRule(monitor.schedule).period.total_seconds(),
                channel_names=[],
            )
            for message in alerts.policy_problems(policy):
                locate(path, f"Cloud Monitoring would reject this alert: {message}")
    return problems


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
    enabled = [n for n in scope if n in spec.monitors and spec.monitors[n].enabled] if keep else []
    problems = spec_problems(spec, settings, enabled, policies=False)
    if problems:
        raise SpecError(problems)
    where = Where(spec, settings, project, scope, enabled)
    steps = _descriptor_steps(where, existing, purge=purge)
    wanted_channels, channels_of_alert = _wanted_channels(where)
    steps += _channel_steps(where, wanted_channels, existing)
    policy_steps, wanted_policies = _policy_steps(where, channels_of_alert, existing)
    steps += policy_steps
    labels = where.scope_labels
    for identity, have in sorted(existing.policies.items()):
        if identity[0] in labels and identity not in wanted_policies:
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
    """Metric descriptors: shared by all monitors, created with the first, deleted only by a purge."""
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
    for info in descriptors.metric_infos():
        wanted = descriptors.descriptor(prefix, info)
        have = existing.descriptors.get(wanted.type)
        create = m.CreateMetricDescriptorRequest(name=where.parent, metric_descriptor=wanted)
        reason = None
        if have is not None:
            label_keys = {label.key for label in have.labels}
            found = differences({k: v for k, v in to_dict(wanted).items() if k != "labels"}, to_dict(have))
            found += [f"label {label.key} is missing" for label in wanted.labels if label.key not in label_keys]
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
        )
        steps.append(Step(change, create_descriptor))
    return steps


ChannelIdentity = tuple[str, str]  # (monitor label, key label)


def _wanted_channels(
    where: Where,
) -> tuple[dict[ChannelIdentity, alerts.ChannelTarget], dict[tuple[str, int], list[ChannelIdentity]]]:
    """The channels every enabled monitor's alerts notify, and which ones each alert uses."""
    wanted: dict[ChannelIdentity, alerts.ChannelTarget] = {}
    of_alert: dict[tuple[str, int], list[ChannelIdentity]] = {}
    for name in where.enabled:
        for a, alert in enumerate(where.spec.monitors[name].alerts):
            keys = []
            for target in alerts.channel_targets(where.spec, name, alert, where.settings, lambda i, msg: None):
                identity = (names.label_value(name), names.label_value(target.key))
                wanted.setdefault(identity, target)
                keys.append(identity)
            of_alert[(name, a)] = keys
    return wanted, of_alert


def _channel_steps(where: Where, wanted: dict[ChannelIdentity, alerts.ChannelTarget], existing: Existing) -> list[Step]:
    from google.cloud import monitoring_v3 as m

    steps: list[Step] = []
    for identity, target in wanted.items():
        have = existing.channels.get(identity)
        shown = target.message(redact=True)  # what plan prints: secrets replaced
        if have is None:
            create = m.CreateNotificationChannelRequest(name=where.parent, notification_channel=target.message())

            def create_channel(ctx: Context, req: Any = create, identity: ChannelIdentity = identity) -> None:
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
            steps.append(Step(change, create_channel))
            continue
        message = target.message()
        ignore = [f"labels.{k}" for k in target.secret_labels]  # Google never shows them back
        found = differences(to_dict(message), to_dict(have), ignore=ignore)
        if not found:
            steps.append(Step(Change(action="noop", kind=names.CHANNEL, name=have.name, monitor=target.monitor)))
            continue
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
                names.CHANNEL_SERVICE, "UpdateNotificationChannel", m.UpdateNotificationChannelRequest(notification_channel=shown)
            ),
            reason=_reason(found),
        )
        steps.append(Step(change, update_channel))
    return steps


def _policy_steps(
    where: Where, channels_of_alert: dict[tuple[str, int], list[ChannelIdentity]], existing: Existing
) -> tuple[list[Step], set[ChannelIdentity]]:
    """Create or update one alert policy per Alert; returns the steps and the identities wanted.

    A policy names its channels by resource name, which a new channel gets only when apply
    creates it, so the steps build the policy again at execution time with the names known then.
    """
    from google.cloud import monitoring_v3 as m

    known = {identity: channel.name for identity, channel in existing.channels.items()}
    steps: list[Step] = []
    wanted: set[ChannelIdentity] = set()
    for name in where.enabled:
        monitor = where.spec.monitors[name]
        period = WindowRule(monitor.schedule).period.total_seconds()
        for a, alert in enumerate(monitor.alerts):
            keys = channels_of_alert[(name, a)]

            def build(
                channel_names: dict[ChannelIdentity, str],
                alert: Any = alert,
                a: int = a,
                name: str = name,
                monitor: Any = monitor,
                keys: list[ChannelIdentity] = keys,
                period: float = period,
            ) -> m.AlertPolicy:
                return alerts.policy_for(
                    alert,
                    a,
                    monitor_name=name,
                    monitor=monitor,
                    prefix=where.settings.metric_prefix,
                    resource_type=where.settings.resource_type,
                    period_seconds=period,
                    channel_names=[channel_names.get(k) or PENDING.format(k[1]) for k in keys],
                )

            policy = build(known)
            _reject_bad_policy(policy, name, a)
            identity = (names.label_value(name), policy.user_labels[names.KEY_LABEL])
            wanted.add(identity)
            have = existing.policies.get(identity)
            if have is None:

                def create_policy(ctx: Context, build: Any = build, a: int = a, monitor: str = name) -> None:
                    body = build({**known, **ctx.channel_names})
                    _reject_bad_policy(body, monitor, a)
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
                        names.ALERT_SERVICE, "CreateAlertPolicy", m.CreateAlertPolicyRequest(name=where.parent, alert_policy=policy)
                    ),
                )
                steps.append(Step(change, create_policy))
                continue
            found = differences(to_dict(policy), to_dict(have))
            if not found:
                steps.append(Step(Change(action="noop", kind=names.POLICY, name=have.name, monitor=name)))
                continue
            policy.name = have.name

            def update_policy(ctx: Context, build: Any = build, policy_name: str = have.name, a: int = a, monitor: str = name) -> None:
                body = build({**known, **ctx.channel_names})
                _reject_bad_policy(body, monitor, a)
                body.name = policy_name  # an empty update mask replaces the whole policy, same id
                ctx.write(
                    ctx.clients.alerts.update_alert_policy,
                    doing=f"updating alert policy {policy_name}",
                    api=errors.MONITORING,
                    request=m.UpdateAlertPolicyRequest(alert_policy=body),
                )

            change = Change(
                action="update",
                kind=names.POLICY,
                name=have.name,
                monitor=name,
                request=request(names.ALERT_SERVICE, "UpdateAlertPolicy", m.UpdateAlertPolicyRequest(alert_policy=policy)),
                reason=_reason(found),
            )
            steps.append(Step(change, update_policy))
    return steps, wanted


def _job_steps(where: Where, existing: Existing) -> list[Step]:
    """Cloud Run jobs, then the Scheduler jobs that start them; deletes in the reverse order."""
    from google.cloud import run_v2, scheduler_v1

    settings, project = where.settings, where.project
    steps: list[Step] = []
    scheduler_steps: list[Step] = []
    wanted: set[str] = set()
    if settings.scheduled_runs:
        for name in where.enabled:
            job = schedules.run_job(name, settings=settings, project=project)
            job_name = schedules.run_job_name(project, settings.location, name)
            wanted.add(job_name)
            have = existing.run_jobs.get(job_name)
            if have is not None and not names.is_managed(have.labels):
                raise ProviderError(
                    f"monitor {name}: a Cloud Run job {job_name} exists that driftplane did not create; "
                    "driftplane touches nothing it did not create. Delete or rename that job, or use "
                    "another location (providers.gcp.location)"
                )
            steps.append(_job_step(job, job_name, have, name, where.regional))
            scheduled = schedules.scheduler_job(name, where.spec.monitors[name], settings=settings, project=project)
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
                ctx.clients.scheduler.delete_job, doing=f"deleting Cloud Scheduler job {req.name}", api=errors.SCHEDULER, request=req
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
            operation = ctx.write(ctx.clients.jobs.delete_job, doing=f"deleting Cloud Run job {req.name}", api=errors.RUN, request=req)
            _wait(operation, ctx, f"deleting Cloud Run job {req.name}")

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
    shown = [f for f in found if not f.startswith(f"userLabels.{names.DIGEST_LABEL}") and not f.startswith(f"labels.{names.DIGEST_LABEL}") and "digest=" not in f]
    if not shown:
        return "a setting Google does not show back changed (e.g. a token or URL)"
    return "; ".join(shown)


def _monitor_of_job(job_name: str, scope: Sequence[str], project: str, location: str) -> str | None:
    for monitor in scope:
        if schedules.scheduler_job_name(project, location, monitor) == job_name:
            return monitor
    return None


def _wait(operation: Any, ctx: Context, doing: str) -> Any:
    """Wait for a Cloud Run long-running operation; its failure is a ProviderError."""
    from google.api_core import exceptions as gexc

    try:
        return operation.result(timeout=max(ctx.settings.timeout, 120))
    except gexc.GoogleAPICallError as exc:
        raise errors.explain(exc, doing=doing, api=errors.RUN, project=ctx.project) from exc


def _delete_policy(have: Any, monitor: str) -> Step:
    from google.cloud import monitoring_v3 as m

    req = m.DeleteAlertPolicyRequest(name=have.name)

    def execute(ctx: Context) -> None:
        ctx.write(ctx.clients.alerts.delete_alert_policy, doing=f"deleting alert policy {req.name}", api=errors.MONITORING, request=req)

    return Step(
        Change(
            action="delete",
            kind=names.POLICY,
            name=have.name,
            monitor=monitor,
            request=request(names.ALERT_SERVICE, "DeleteAlertPolicy", req),
            reason=f"'{have.display_name}' is no longer in the spec for this monitor",
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
        ),
        execute,
    )


def _job_step(job: Any, job_name: str, have: Any, monitor: str, regional: str) -> Step:
    from google.cloud import run_v2

    if have is None:
        req = run_v2.CreateJobRequest(parent=regional, job=job, job_id=job_name.rsplit("/", 1)[1])

        def create(ctx: Context) -> None:
            operation = ctx.write(ctx.clients.jobs.create_job, doing=f"creating Cloud Run job {job_name}", api=errors.RUN, request=req)
            _wait(operation, ctx, f"creating Cloud Run job {job_name}")

        return Step(
            Change(action="create", kind=names.RUN_JOB, name=job_name, monitor=monitor, request=request(names.RUN_SERVICE, "CreateJob", req)),
            create,
        )
    found = differences(to_dict(job), to_dict(have))
    if not found:
        return Step(Change(action="noop", kind=names.RUN_JOB, name=job_name, monitor=monitor))
    job.name = job_name
    req = run_v2.UpdateJobRequest(job=job)

    def update(ctx: Context) -> None:
        operation = ctx.write(ctx.clients.jobs.update_job, doing=f"updating Cloud Run job {job_name}", api=errors.RUN, request=req)
        _wait(operation, ctx, f"updating Cloud Run job {job_name}")

    return Step(
        Change(
            action="update",
            kind=names.RUN_JOB,
            name=job_name,
            monitor=monitor,
            request=request(names.RUN_SERVICE, "UpdateJob", req),
            reason=_reason(found),
        ),
        update,
    )


def _scheduler_step(job: Any, have: Any, monitor: str, regional: str) -> Step:
    from google.cloud import scheduler_v1

    if have is None:
        req = scheduler_v1.CreateJobRequest(parent=regional, job=job)

        def create(ctx: Context) -> None:
            ctx.write(ctx.clients.scheduler.create_job, doing=f"creating Cloud Scheduler job {job.name}", api=errors.SCHEDULER, request=req)

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
    found = differences(to_dict(job), to_dict(have))
    if not found:
        return Step(Change(action="noop", kind=names.SCHEDULER_JOB, name=job.name, monitor=monitor))
    req = scheduler_v1.UpdateJobRequest(job=job)

    def update(ctx: Context) -> None:
        ctx.write(ctx.clients.scheduler.update_job, doing=f"updating Cloud Scheduler job {job.name}", api=errors.SCHEDULER, request=req)

    return Step(
        Change(
            action="update",
            kind=names.SCHEDULER_JOB,
            name=job.name,
            monitor=monitor,
            request=request(names.SCHEDULER_SERVICE, "UpdateJob", req),
            reason=_reason(found),
        ),
        update,
    )
