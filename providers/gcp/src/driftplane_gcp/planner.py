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

from driftplane.engine.monitor import schedule_period
from driftplane.errors import Problem, ProviderError, SpecError
from driftplane.provider import Change, Request
from driftplane.spec.models import Spec
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
        for a, alert in enumerate(monitor.alerts):
            path = ("monitors", name, "alerts", a)

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
                period_seconds=schedule_period(monitor.schedule).approx_timedelta().total_seconds(),
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

    keep=False (destroy) wants nothing, so everything driftplane made for them is deleted;
    purge also deletes the metric descriptors (and with them all written data).
    """
    from google.cloud import monitoring_v3 as m
    from google.cloud import run_v2, scheduler_v1

    enabled = [n for n in scope if spec.monitors[n].enabled] if keep else []
    problems = spec_problems(spec, settings, enabled, policies=False)
    if problems:
        raise SpecError(problems)
    parent = f"projects/{project}"
    regional = f"{parent}/locations/{settings.location}"
    scope_labels = {names.label_value(n): n for n in scope}
    steps: list[Step] = []

    # --- metric descriptors (shared by all monitors; deleted only by a purge) -----------
    if enabled:
        owner = enabled[0]
        for info in descriptors.metric_infos():
            wanted = descriptors.descriptor(settings.metric_prefix, info)
            have = existing.descriptors.get(wanted.type)
            req = m.CreateMetricDescriptorRequest(name=parent, metric_descriptor=wanted)
            reason = None
            if have is not None:
                label_keys = {label.key for label in have.labels}
                found = differences({k: v for k, v in to_dict(wanted).items() if k != "labels"}, to_dict(have))
                found += [f"label {label.key} is missing" for label in wanted.labels if label.key not in label_keys]
                if not found:
                    steps.append(Step(Change(action="noop", kind=names.DESCRIPTOR, name=have.name, monitor=owner)))
                    continue
                reason = "; ".join(found)

            def create_descriptor(ctx: Context, req: Any = req) -> None:
                ctx.write(
                    ctx.clients.metrics.create_metric_descriptor,
                    doing=f"creating metric descriptor {req.metric_descriptor.type}",
                    api=errors.MONITORING,
                    request=req,
                )

            steps.append(
                Step(
                    Change(
                        action="update" if have is not None else "create",
                        kind=names.DESCRIPTOR,
                        name=f"{parent}/metricDescriptors/{wanted.type}",
                        monitor=owner,
                        request=request(names.METRIC_SERVICE, "CreateMetricDescriptor", req),
                        reason=reason,
                    ),
                    create_descriptor,
                )
            )
    elif purge:
        ours = {descriptors.metric_type(settings.metric_prefix, i.name) for i in descriptors.metric_infos()}
        for type_, have in sorted(existing.descriptors.items()):
            if type_ not in ours:
                continue
            req = m.DeleteMetricDescriptorRequest(name=have.name)

            def delete_descriptor(ctx: Context, req: Any = req) -> None:
                ctx.write(
                    ctx.clients.metrics.delete_metric_descriptor,
                    doing=f"deleting metric descriptor {req.name}",
                    api=errors.MONITORING,
                    request=req,
                )

            steps.append(
                Step(
                    Change(
                        action="delete",
                        kind=names.DESCRIPTOR,
                        name=have.name,
                        monitor=scope[0],
                        request=request(names.METRIC_SERVICE, "DeleteMetricDescriptor", req),
                        reason="--purge: deletes the metric and every point written to it",
                    ),
                    delete_descriptor,
                )
            )

    # --- notification channels ----------------------------------------------------------
    wanted_channels: dict[tuple[str, str], alerts.ChannelTarget] = {}
    channels_of_alert: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for name in enabled:
        monitor = spec.monitors[name]
        for a, alert in enumerate(monitor.alerts):
            keys = []
            for target in alerts.channel_targets(spec, name, alert, settings, lambda i, msg: None):
                identity = (names.label_value(name), names.label_value(target.key))
                wanted_channels.setdefault(identity, target)
                keys.append(identity)
            channels_of_alert[(name, a)] = keys
    known_channels = {identity: ch.name for identity, ch in existing.channels.items()}
    channel_steps: list[Step] = []
    for identity, target in wanted_channels.items():
        have = existing.channels.get(identity)
        shown = target.message(redact=True)
        if have is None:
            req = m.CreateNotificationChannelRequest(name=parent, notification_channel=target.message())
            shown_req = m.CreateNotificationChannelRequest(name=parent, notification_channel=shown)

            def create_channel(ctx: Context, req: Any = req, identity: tuple[str, str] = identity) -> None:
                created = ctx.write(
                    ctx.clients.channels.create_notification_channel,
                    doing=f"creating notification channel '{req.notification_channel.display_name}'",
                    api=errors.MONITORING,
                    request=req,
                )
                ctx.channel_names[identity] = created.name

            channel_steps.append(
                Step(
                    Change(
                        action="create",
                        kind=names.CHANNEL,
                        name=target.display_name,
                        monitor=target.monitor,
                        request=request(names.CHANNEL_SERVICE, "CreateNotificationChannel", shown_req),
                    ),
                    create_channel,
                )
            )
            continue
        wanted_message = target.message()
        ignore = [f"labels.{k}" for k in target.secret_labels]
        found = differences(to_dict(wanted_message), to_dict(have), ignore=ignore)
        if not found:
            channel_steps.append(Step(Change(action="noop", kind=names.CHANNEL, name=have.name, monitor=target.monitor)))
            continue
        wanted_message.name = have.name
        shown.name = have.name
        req = m.UpdateNotificationChannelRequest(notification_channel=wanted_message)

        def update_channel(ctx: Context, req: Any = req) -> None:
            ctx.write(
                ctx.clients.channels.update_notification_channel,
                doing=f"updating notification channel {req.notification_channel.name}",
                api=errors.MONITORING,
                request=req,
            )

        channel_steps.append(
            Step(
                Change(
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
                ),
                update_channel,
            )
        )
    steps += channel_steps

    # --- alert policies -----------------------------------------------------------------
    wanted_policies: set[tuple[str, str]] = set()
    for name in enabled:
        monitor = spec.monitors[name]
        period = schedule_period(monitor.schedule).approx_timedelta().total_seconds()
        for a, alert in enumerate(monitor.alerts):
            keys = channels_of_alert[(name, a)]

            def build(
                channel_names: dict[tuple[str, str], str],
                alert: Any = alert,
                a: int = a,
                name: str = name,
                monitor: Any = monitor,
                keys: list[tuple[str, str]] = keys,
                period: float = period,
            ) -> m.AlertPolicy:
                return alerts.policy_for(
                    alert,
                    a,
                    monitor_name=name,
                    monitor=monitor,
                    prefix=settings.metric_prefix,
                    resource_type=settings.resource_type,
                    period_seconds=period,
                    channel_names=[channel_names.get(k) or PENDING.format(k[1]) for k in keys],
                )

            policy = build(known_channels)
            _reject_bad_policy(policy, name, a)
            identity = (names.label_value(name), policy.user_labels[names.KEY_LABEL])
            wanted_policies.add(identity)
            have = existing.policies.get(identity)
            if have is not None:
                found = differences(to_dict(policy), to_dict(have))
                if not found:
                    steps.append(Step(Change(action="noop", kind=names.POLICY, name=have.name, monitor=name)))
                    continue
                policy.name = have.name
                req: Any = m.UpdateAlertPolicyRequest(alert_policy=policy)

                def update_policy(ctx: Context, build: Any = build, name_: str = have.name, a: int = a, monitor: str = name) -> None:
                    body = build({**known_channels, **ctx.channel_names})
                    _reject_bad_policy(body, monitor, a)
                    body.name = name_
                    ctx.write(
                        ctx.clients.alerts.update_alert_policy,
                        doing=f"updating alert policy {name_}",
                        api=errors.MONITORING,
                        request=m.UpdateAlertPolicyRequest(alert_policy=body),
                    )

                steps.append(
                    Step(
                        Change(
                            action="update",
                            kind=names.POLICY,
                            name=have.name,
                            monitor=name,
                            request=request(names.ALERT_SERVICE, "UpdateAlertPolicy", req),
                            reason=_reason(found),
                        ),
                        update_policy,
                    )
                )
                continue
            req = m.CreateAlertPolicyRequest(name=parent, alert_policy=policy)

            def create_policy(ctx: Context, build: Any = build, a: int = a, monitor: str = name) -> None:
                body = build({**known_channels, **ctx.channel_names})
                _reject_bad_policy(body, monitor, a)
                ctx.write(
                    ctx.clients.alerts.create_alert_policy,
                    doing=f"creating alert policy '{body.display_name}'",
                    api=errors.MONITORING,
                    request=m.CreateAlertPolicyRequest(name=parent, alert_policy=body),
                )

            steps.append(
                Step(
                    Change(
                        action="create",
                        kind=names.POLICY,
                        name=policy.display_name,
                        monitor=name,
                        request=request(names.ALERT_SERVICE, "CreateAlertPolicy", req),
                    ),
                    create_policy,
                )
            )
    for identity, have in sorted(existing.policies.items()):
        if identity[0] in scope_labels and identity not in wanted_policies:
            steps.append(_delete_policy(have, scope_labels[identity[0]]))
    for identity, have in sorted(existing.channels.items()):
        if identity[0] in scope_labels and identity not in wanted_channels:
            steps.append(_delete_channel(have, scope_labels[identity[0]]))

    # --- scheduled runs -----------------------------------------------------------------
    wanted_jobs: set[str] = set()
    scheduler_steps: list[Step] = []
    if settings.scheduled_runs:
        for name in enabled:
            job = schedules.run_job(name, settings=settings, project=project)
            job_name = schedules.run_job_name(project, settings.location, name)
            wanted_jobs.add(job_name)
            have = existing.run_jobs.get(job_name)
            if have is not None and not names.is_managed(have.labels):
                raise ProviderError(
                    f"monitor {name}: a Cloud Run job {job_name} exists that driftplane did not create; "
                    "driftplane touches nothing it did not create. Delete or rename that job, or use "
                    "another location (providers.gcp.location)"
                )
            steps.append(_job_step(job, job_name, have, name, regional))
            sjob = schedules.scheduler_job(name, spec.monitors[name], settings=settings, project=project)
            shave = existing.scheduler_jobs.get(sjob.name)
            if shave is not None and not schedules.is_managed_scheduler_job(shave):
                raise ProviderError(
                    f"monitor {name}: a Cloud Scheduler job {sjob.name} exists that driftplane did not "
                    "create; delete or rename it, or use another location (providers.gcp.location)"
                )
            scheduler_steps.append(_scheduler_step(sjob, shave, name, regional))
    steps += scheduler_steps
    for job_name, have in sorted(existing.scheduler_jobs.items()):
        monitor = _monitor_of_job(job_name, scope, project, settings.location)
        if monitor is not None and job_name not in wanted_jobs and schedules.is_managed_scheduler_job(have):
            req = scheduler_v1.DeleteJobRequest(name=job_name)

            def delete_scheduler_job(ctx: Context, req: Any = req) -> None:
                ctx.write(
                    ctx.clients.scheduler.delete_job,
                    doing=f"deleting Cloud Scheduler job {req.name}",
                    api=errors.SCHEDULER,
                    request=req,
                )

            steps.append(
                Step(
                    Change(
                        action="delete",
                        kind=names.SCHEDULER_JOB,
                        name=job_name,
                        monitor=monitor,
                        request=request(names.SCHEDULER_SERVICE, "DeleteJob", req),
                    ),
                    delete_scheduler_job,
                )
            )
    for job_name, have in sorted(existing.run_jobs.items()):
        label = have.labels.get(names.MONITOR_LABEL, "")
        if names.is_managed(have.labels) and label in scope_labels and job_name not in wanted_jobs:
            req = run_v2.DeleteJobRequest(name=job_name)

            def delete_run_job(ctx: Context, req: Any = req) -> None:
                operation = ctx.write(
                    ctx.clients.jobs.delete_job, doing=f"deleting Cloud Run job {req.name}", api=errors.RUN, request=req
                )
                _wait(operation, ctx, f"deleting Cloud Run job {req.name}")

            steps.append(
                Step(
                    Change(
                        action="delete",
                        kind=names.RUN_JOB,
                        name=job_name,
                        monitor=scope_labels[label],
                        request=request(names.RUN_SERVICE, "DeleteJob", req),
                    ),
                    delete_run_job,
                )
            )
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
