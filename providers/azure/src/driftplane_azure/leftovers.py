"""What driftplane created in a workspace, found by its tags: for leftovers and destroy.

A monitor removed from the spec has no spec section left to derive names from, so destroy
and the leftovers of a plan look for resources by the two tags driftplane puts on all it
creates (``managed-by: driftplane`` and ``driftplane-monitor: NAME``):

- monitor schedules of the workspace (listed enabled or not);
- Azure Monitor metric alert rules of the workspace's resource group whose scope is this
  workspace, and action groups that such a rule notifies, or that no rule of the resource
  group notifies at all (a rule deleted before its group). Earlier versions made one of each
  for a monitor's webhook and Slack channels, which Azure no longer gets (see
  ``channels``); plan removes them once a spec no longer asks for them. An action group
  another workspace's rule uses belongs to that workspace's spec and is left alone.

Uploaded baseline data assets carry the tags too but are not listed: Azure ML data versions
cannot be deleted, only archived, and they are the record of what a monitor compared against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from driftplane.provider import Leftover, leftover_reason
from driftplane.spec.models import Spec
from driftplane_azure.names import tagged_monitor

if TYPE_CHECKING:
    from driftplane_azure.workspace import Session

SCHEDULE_KIND = "azureml:Schedule"
DATA_KIND = "azureml:DataAsset"
ACTION_GROUP_KIND = "monitor:ActionGroup"
METRIC_ALERT_KIND = "monitor:MetricAlert"
ACTION_GROUPS_API_VERSION = "2023-01-01"
METRIC_ALERTS_API_VERSION = "2018-03-01"


@dataclass(frozen=True)
class Owned:
    """One resource driftplane created, with the monitor it is tagged with."""

    monitor: str
    kind: str
    name: str
    entity: Any = None  # the MonitorSchedule, for schedules: destroy disables it first


def alert_resource_names(schedule: str) -> list[tuple[str, str]]:
    """(kind, name) of the action group and alert rule earlier versions made for a schedule."""
    return [(METRIC_ALERT_KIND, f"{schedule}-breach"), (ACTION_GROUP_KIND, f"{schedule}-alerts")]


def alert_resource_path(session: Session, kind: str, name: str) -> str:
    """``DELETE`` path of an Azure Monitor resource, with its api-version."""
    if kind == ACTION_GROUP_KIND:
        return f"{session.scope.insights_path('actionGroups', name)}?api-version={ACTION_GROUPS_API_VERSION}"
    return f"{session.scope.insights_path('metricAlerts', name)}?api-version={METRIC_ALERTS_API_VERSION}"


def alert_resource_tags(session: Session, kind: str, name: str) -> dict[str, str] | None:
    """The tags of an existing action group or alert rule, or None when there is none."""
    from azure.core.exceptions import ResourceNotFoundError

    client = session.monitor_client
    group = session.scope.resource_group
    with session.monitor_errors(f"reading {kind} '{name}'"):
        try:
            if kind == ACTION_GROUP_KIND:
                found = client.action_groups.get(group, name)
            else:
                found = client.metric_alerts.get(group, name)
        except ResourceNotFoundError:
            return None
    return dict(found.tags or {})


def delete_alert_resource(session: Session, kind: str, name: str) -> None:
    client = session.monitor_client
    with session.monitor_errors(f"deleting {kind} '{name}'"):
        if kind == ACTION_GROUP_KIND:
            client.action_groups.delete(session.scope.resource_group, name)
        else:
            client.metric_alerts.delete(session.scope.resource_group, name)


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
    client, group_name = session.monitor_client, session.scope.resource_group
    with session.monitor_errors("listing the metric alert rules of the resource group"):
        rules = list(client.metric_alerts.list_by_resource_group(group_name))
    with session.monitor_errors("listing the action groups of the resource group"):
        groups = list(client.action_groups.list_by_resource_group(group_name))
    workspace = session.scope.workspace_id
    ours = [rule for rule in rules if any(_same_id(s, workspace) for s in rule.scopes or [])]
    notified_by_ours = {a.action_group_id.lower() for rule in ours for a in rule.actions or [] if a.action_group_id}
    notified_by_any = {a.action_group_id.lower() for rule in rules for a in rule.actions or [] if a.action_group_id}
    for rule in ours:
        monitor = tagged_monitor(rule.tags)
        if monitor is not None:
            owned.append(Owned(monitor, METRIC_ALERT_KIND, rule.name))
    for group in groups:
        monitor = tagged_monitor(group.tags)
        group_id = (group.id or session.scope.insights_path("actionGroups", group.name)).lower()
        if monitor is not None and (group_id in notified_by_ours or group_id not in notified_by_any):
            owned.append(Owned(monitor, ACTION_GROUP_KIND, group.name))
    return owned


def leftovers(spec: Spec, owned: list[Owned]) -> list[Leftover]:
    """Everything tagged with a monitor the spec no longer runs (removed or disabled)."""
    found = []
    for item in owned:
        reason = leftover_reason(spec, item.monitor)
        if reason is not None:
            found.append(Leftover(monitor=item.monitor, kind=item.kind, name=item.name, reason=reason))
    return found
