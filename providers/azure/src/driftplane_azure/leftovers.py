"""What driftplane created in a workspace, found by its tags: for leftovers and destroy.

A monitor removed from the spec has no spec section left to derive names from, so destroy
and the leftovers of a plan look for resources by the two tags driftplane puts on all it
creates (``managed-by: driftplane`` and ``driftplane-monitor: NAME``):

- monitor schedules of the workspace (listed enabled or not);
- metric alert rules of the workspace's resource group whose scope is this workspace;
- action groups of that resource group that such a rule notifies, or that no rule of the
  resource group notifies at all (a rule deleted before its group). An action group another
  workspace's rule uses belongs to that workspace's spec and is left alone.

Uploaded baseline data assets carry the tags too but are not listed: Azure ML data versions
cannot be deleted, only archived, and they are the record of what a monitor compared against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from driftplane.provider import Leftover, leftover_reason
from driftplane.spec.models import Spec
from driftplane_azure import alerts
from driftplane_azure.mapping import MANAGED_TAG, MANAGED_VALUE, MONITOR_TAG

if TYPE_CHECKING:
    from driftplane_azure.provider import Session

SCHEDULE_KIND = "azureml:Schedule"


@dataclass(frozen=True)
class Owned:
    """One resource driftplane created, with the monitor it is tagged with."""

    monitor: str
    kind: str
    name: str
    entity: Any = None  # the MonitorSchedule, for schedules: destroy disables it first


def tagged_monitor(tags: dict[str, str] | None) -> str | None:
    """The monitor a resource was created for, or None when driftplane did not create it."""
    tags = tags or {}
    if tags.get(MANAGED_TAG) != MANAGED_VALUE:
        return None
    return tags.get(MONITOR_TAG) or None


def _same_id(a: str | None, b: str | None) -> bool:
    """ARM ids compare case-insensitively (Azure returns them in either case)."""
    return (a or "").rstrip("/").lower() == (b or "").rstrip("/").lower()


def owned_resources(session: Session) -> list[Owned]:
    """Schedules, then alert rules, then action groups: the order destroy removes them in."""
    owned: list[Owned] = []
    for schedule in session.owned_schedules():
        monitor = tagged_monitor(getattr(schedule, "tags", None))
        if monitor is not None:
            owned.append(Owned(monitor, SCHEDULE_KIND, schedule.name, schedule))
    with session.monitor_errors("listing the metric alert rules of the resource group"):
        rules = alerts.list_all(session.monitor_client, session.scope, alerts.METRIC_ALERT_KIND)
    with session.monitor_errors("listing the action groups of the resource group"):
        groups = alerts.list_all(session.monitor_client, session.scope, alerts.ACTION_GROUP_KIND)
    workspace = session.scope.workspace_id
    ours = [rule for rule in rules if any(_same_id(s, workspace) for s in rule.scopes or [])]
    notified_by_ours = {a.action_group_id.lower() for rule in ours for a in rule.actions or [] if a.action_group_id}
    notified_by_any = {a.action_group_id.lower() for rule in rules for a in rule.actions or [] if a.action_group_id}
    for rule in ours:
        monitor = tagged_monitor(rule.tags)
        if monitor is not None:
            owned.append(Owned(monitor, alerts.METRIC_ALERT_KIND, rule.name))
    for group in groups:
        monitor = tagged_monitor(group.tags)
        group_id = (group.id or session.scope.insights_path("actionGroups", group.name)).lower()
        if monitor is not None and (group_id in notified_by_ours or group_id not in notified_by_any):
            owned.append(Owned(monitor, alerts.ACTION_GROUP_KIND, group.name))
    return owned


def leftovers(spec: Spec, owned: list[Owned]) -> list[Leftover]:
    """Everything tagged with a monitor the spec no longer runs (removed or disabled)."""
    found = []
    for item in owned:
        reason = leftover_reason(spec, item.monitor)
        if reason is not None:
            found.append(Leftover(monitor=item.monitor, kind=item.kind, name=item.name, reason=reason))
    return found
