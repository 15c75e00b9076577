"""What apply would change in a workspace, and the steps that change it.

Each monitor's translation is compared with what the workspace has: the uploaded baseline
(by name and content version; its tags updated in place), the schedule (both bodies go
through azure-ai-ml's own entities first, so fields the service fills in never count as a
change), and the Azure Monitor resources earlier versions made for webhook and Slack
channels (removed). An offline plan assumes nothing exists.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from driftplane.errors import ProviderError
from driftplane.plan_diff import attribute_changes
from driftplane.provider import Action, AttributeChange, Change, Request
from driftplane.resolved import ResolvedMonitor
from driftplane_azure import apply
from driftplane_azure.arm import resolve_references, schedule_body, schedule_operation
from driftplane_azure.clients import WorkspaceScope
from driftplane_azure.data_refs import parse_data_ref
from driftplane_azure.leftovers import (
    DATA_KIND,
    SCHEDULE_KIND,
    alert_resource_names,
    alert_resource_path,
    alert_resource_tags,
    delete_alert_resource,
)
from driftplane_azure.names import MONITOR_TAG, schedule_name, tagged_monitor
from driftplane_azure.settings import AzureSettings
from driftplane_azure.translate import Translation, translate
from driftplane_azure.upload import Upload
from driftplane_azure.workspace import Session

Step = Callable[[], None]


def _step(function: Callable[..., None], *args: Any) -> Step:
    """One write, bound to its arguments now (not when the loop has moved on)."""
    return functools.partial(function, *args)

# Keys the service owns; a difference there is not a change driftplane makes.
IGNORED = {"provisioningState", "isEnabled", "id", "name", "type", "systemData"}


# -- differences ---------------------------------------------------------------------------------


def changed_attributes(desired: Any, existing: Any, path: str = "") -> list[AttributeChange]:
    """Each attribute that differs (keys of either side, service-owned ones left out), existing -> desired."""
    return attribute_changes(desired, existing, path=path, subset=False, ignore_keys=IGNORED, per_item=False)


def itemised(changed: list[AttributeChange]) -> list[AttributeChange]:
    """The same changes with lists of equal length compared item by item, as a plan shows them
    (``metricThresholds[0].threshold.value: 0.1 -> 0.2`` rather than both whole lists)."""
    out: list[AttributeChange] = []
    for item in changed:
        lists = isinstance(item.old, list) and isinstance(item.new, list) and len(item.old) == len(item.new)
        inner = attribute_changes(item.new, item.old, path=item.path, subset=False) if lists else []
        out.extend(inner or [item])
    return out


def differences(changed: list[AttributeChange], *, limit: int = 8) -> list[str]:
    """``key.path: existing -> desired`` for each changed attribute, at most ``limit`` of them."""
    found = [item.describe() for item in changed]
    if len(found) > limit:
        return found[:limit] + [f"and {len(found) - limit} more"]
    return found


# -- changes -------------------------------------------------------------------------------------


def upload_change(
    settings: AzureSettings,
    translation: Translation,
    upload: Upload,
    scope: WorkspaceScope,
    *,
    action: Action = "create",
    reason: str | None = None,
    changed: list[AttributeChange] | None = None,
) -> Change:
    """Registering (after uploading) a local baseline, as the plan shows it."""
    body = apply.data_body(settings, translation.monitor, upload, translation.tags)
    return Change(
        action=action,
        kind=DATA_KIND,
        name=f"{upload.name}:{upload.version}",
        monitor=translation.monitor,
        request=Request(
            api="arm",
            operation=f"PUT {scope.data_id(upload.name, upload.version)}?api-version={apply.DATA_API_VERSION}",
            body=body,
        ),
        reason=reason or f"upload {upload.source} to datastore {settings.datastore}, then register it",
        changed=changed or [],
    )


def schedule_change(
    translation: Translation,
    scope: WorkspaceScope,
    action: Action,
    reason: str | None = None,
    changed: list[AttributeChange] | None = None,
) -> Change:
    return Change(
        action=action,
        kind=SCHEDULE_KIND,
        name=translation.schedule_name,
        monitor=translation.monitor,
        request=Request(
            api="arm",
            operation=schedule_operation("PUT", scope, translation.schedule_name),
            body=schedule_body(translation.schedule, scope),
        ),
        reason=reason,
        changed=changed or [],
    )


def offline_changes(resolved: ResolvedMonitor, settings: AzureSettings, scope: WorkspaceScope) -> list[Change]:
    """Everything one monitor needs, assuming nothing exists (``plan --offline``)."""
    translation = translate(resolved, settings)
    changes = [upload_change(settings, translation, upload, scope) for upload in translation.uploads]
    changes.append(schedule_change(translation, scope, "create"))
    return changes


# -- online plans --------------------------------------------------------------------------------


def plan_monitors(session: Session, names: list[str]) -> tuple[list[Change], list[Step]]:
    """The changes, and the steps that make them (in order)."""
    changes: list[Change] = []
    steps: list[Step] = []
    for name in names:
        resolved = session.resolved(name)
        if not resolved.enabled:
            _plan_disabled(session, resolved, changes, steps)
            continue
        translation = translate(resolved, session.settings, collector=session.collector)
        _check_assets(session, resolved)
        _plan_uploads(session, translation, changes, steps)
        _plan_schedule(session, translation, changes, steps)
        _plan_old_alert_resources(session, translation, changes, steps)
    return changes, steps


def _check_assets(session: Session, resolved: ResolvedMonitor) -> None:
    """Every data asset the monitor names exists (else a ProviderError saying how to register it)."""
    baseline = resolved.baseline.source
    labels = resolved.performance.labels if resolved.performance is not None else None
    sides = (
        ("baseline", baseline.data if baseline is not None else None),
        ("target", resolved.target.data),
        ("labels", labels.data if labels is not None else None),
    )
    for side, text in sides:
        if text is None:
            continue
        ref = parse_data_ref(text, local_allowed=True)
        if ref.kind == "asset":
            assert ref.name is not None and ref.version is not None
            session.data_asset(ref.name, ref.version, why=f"monitors.{resolved.name}.{side}.data")


def _plan_uploads(session: Session, translation: Translation, changes: list[Change], steps: list[Step]) -> None:
    settings, monitor, tags = session.settings, translation.monitor, translation.tags
    for upload in translation.uploads:
        existing = session.data_asset(upload.name, upload.version, why="uploaded baseline", missing_ok=True)
        if existing is None:
            changes.append(upload_change(settings, translation, upload, session.scope))
            steps.append(_step(apply.upload, session, monitor, upload, tags))
            continue
        # Tags Azure sets itself (azureml.*) are not driftplane's to compare.
        current = {k: v for k, v in (getattr(existing, "tags", None) or {}).items() if not k.startswith("azureml.")}
        changed = changed_attributes(tags, current, "tags")
        if not changed:
            name = f"{upload.name}:{upload.version}"
            changes.append(Change(action="noop", kind=DATA_KIND, name=name, monitor=monitor))
            continue
        reason = "; ".join(differences(changed)) + " (the data is already uploaded)"
        update = upload_change(
            settings, translation, upload, session.scope, action="update", reason=reason, changed=changed
        )
        changes.append(update)
        steps.append(_step(apply.register, session, monitor, upload, tags))


def _plan_schedule(session: Session, translation: Translation, changes: list[Change], steps: list[Step]) -> None:
    name, schedule = translation.schedule_name, translation.schedule
    existing = session.schedule(name)
    if existing is not None and tagged_monitor(getattr(existing, "tags", None)) != translation.monitor:
        raise ProviderError(
            f"workspace '{session.scope.workspace}' already has a schedule named '{name}' that driftplane "
            f"did not create for monitor '{translation.monitor}' (it has no {MONITOR_TAG}={translation.monitor} "
            "tag); driftplane leaves it alone. Rename the monitor or set providers.azure.name_prefix"
        )
    action: Action = "create"
    reason: str | None = None
    changed: list[AttributeChange] = []
    if existing is not None:
        current = resolve_references(existing, session.scope)._to_rest_object().as_dict()
        changed = changed_attributes(schedule_body(schedule, session.scope), current)
        if existing._is_enabled is False:
            schedule._is_enabled = True
            changed.append(AttributeChange(path="isEnabled", old=False, new=True))
        if not changed:
            changes.append(Change(action="noop", kind=SCHEDULE_KIND, name=name, monitor=translation.monitor))
            return
        action, reason = "update", "; ".join(differences(changed))
    changes.append(schedule_change(translation, session.scope, action, reason, itemised(changed)))
    verb = "creating" if action == "create" else "updating"
    steps.append(lambda: apply.put_schedule(session, schedule, verb))


def _plan_disabled(session: Session, resolved: ResolvedMonitor, changes: list[Change], steps: list[Step]) -> None:
    """A monitor disabled in the spec: its schedule is disabled, not deleted."""
    azure_name = schedule_name(session.settings, resolved.name)
    existing = session.schedule(azure_name)
    owned = existing is not None and tagged_monitor(getattr(existing, "tags", None)) == resolved.name
    if existing is None or not owned or existing._is_enabled is False:
        return
    existing._is_enabled = False
    changes.append(
        Change(
            action="update",
            kind=SCHEDULE_KIND,
            name=azure_name,
            monitor=resolved.name,
            request=Request(
                api="arm",
                operation=schedule_operation("PUT", session.scope, azure_name),
                body=schedule_body(existing, session.scope),
            ),
            reason="the monitor is disabled in the spec: isEnabled true -> false",
            changed=[AttributeChange(path="isEnabled", old=True, new=False)],
        )
    )
    steps.append(lambda: apply.put_schedule(session, existing, "disabling"))


def delete_alert_change(session: Session, kind: str, name: str, monitor: str, reason: str) -> Change:
    return Change(
        action="delete",
        kind=kind,
        name=name,
        monitor=monitor,
        request=Request(api="arm", operation=f"DELETE {alert_resource_path(session, kind, name)}"),
        reason=reason,
    )


def _plan_old_alert_resources(
    session: Session, translation: Translation, changes: list[Change], steps: list[Step]
) -> None:
    """The action group and alert rule earlier versions made for webhook and Slack channels go."""
    for kind, name in alert_resource_names(translation.schedule_name):
        tags = alert_resource_tags(session, kind, name)
        if tags is None or tags.get(MONITOR_TAG) != translation.monitor:
            continue
        reason = (
            "made by an earlier driftplane for webhook and Slack channels, which Azure cannot deliver "
            "with driftplane's contract"
        )
        changes.append(delete_alert_change(session, kind, name, translation.monitor, reason))
        steps.append(_step(delete_alert_resource, session, kind, name))
