"""Webhook and Slack channels through Azure Monitor: an action group and a metric alert rule.

Azure ML model monitoring emails by itself, but reaches nothing else. When a signal breaches
its thresholds the monitoring run fails ("has failed due to one or more features violating
metric thresholds"), so a metric alert on the workspace's ``Failed Runs`` for the schedule's
experiment notifies an action group whose webhook receivers are the spec's channels. The
alert uses Azure's common alert schema; a Slack incoming webhook needs a Logic App or
similar in front to turn that into a Slack message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from driftplane_azure.clients import WorkspaceScope
from driftplane_azure.settings import AzureSettings
from driftplane_azure.translate import Translation

ACTION_GROUPS_API_VERSION = "2023-01-01"
METRIC_ALERTS_API_VERSION = "2018-03-01"
ACTION_GROUP_KIND = "monitor:ActionGroup"
METRIC_ALERT_KIND = "monitor:MetricAlert"
WORKSPACE_METRIC_NAMESPACE = "Microsoft.MachineLearningServices/workspaces"
FAILED_RUNS_METRIC = "Failed Runs"


@dataclass(frozen=True)
class AlertResource:
    """One Azure Monitor resource to create: its ARM path, the SDK model and its REST body."""

    kind: str
    name: str
    path: str
    api_version: str
    model: Any
    body: dict[str, Any]
    shown_body: dict[str, Any]  # the body with webhook URLs redacted, for plans and logs

    @property
    def operation(self) -> str:
        return f"PUT {self.path}?api-version={self.api_version}"


def redact(url: str) -> str:
    """Keep scheme and host; webhook paths and queries often hold tokens."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/***" if parts.netloc else "***"


def _short_name(monitor: str) -> str:
    """Action group short names are at most 12 characters."""
    return re.sub(r"[^A-Za-z0-9]", "", f"dp{monitor}")[:12] or "driftplane"


def action_group_name(translation: Translation) -> str:
    return f"{translation.schedule_name}-alerts"


def metric_alert_name(translation: Translation) -> str:
    return f"{translation.schedule_name}-breach"


def alert_resources(
    translation: Translation, settings: AzureSettings, scope: WorkspaceScope, tags: dict[str, str]
) -> list[AlertResource]:
    """The action group and alert rule a monitor's webhook and Slack channels need (none without)."""
    if not translation.hooks:
        return []
    from azure.mgmt.monitor.models import (
        ActionGroupResource,
        MetricAlertAction,
        MetricAlertResource,
        MetricAlertSingleResourceMultipleMetricCriteria,
        MetricCriteria,
        MetricDimension,
        WebhookReceiver,
    )

    group_name = action_group_name(translation)
    group_path = scope.insights_path("actionGroups", group_name)
    receivers = [
        WebhookReceiver(name=hook.name, service_uri=hook.url, use_common_alert_schema=True) for hook in translation.hooks
    ]
    group = ActionGroupResource(
        location="Global",
        tags=tags,
        group_short_name=_short_name(translation.monitor),
        enabled=True,
        webhook_receivers=receivers,
    )
    group_body = dict(group.serialize())
    shown_group = dict(group.serialize())
    for receiver in shown_group["properties"].get("webhookReceivers", []):
        receiver["serviceUri"] = redact(receiver["serviceUri"])

    rule_name = metric_alert_name(translation)
    rule = MetricAlertResource(
        location="global",
        tags=tags,
        description=(
            f"driftplane monitor '{translation.monitor}': a model-monitoring run of schedule "
            f"'{translation.schedule_name}' failed or found drift or data-quality violations"
        ),
        severity=settings.alert_severity,
        enabled=True,
        scopes=[scope.workspace_id],
        evaluation_frequency=timedelta(minutes=15),
        window_size=timedelta(hours=1),
        criteria=MetricAlertSingleResourceMultipleMetricCriteria(
            all_of=[
                MetricCriteria(
                    name="failed-monitoring-runs",
                    metric_namespace=WORKSPACE_METRIC_NAMESPACE,
                    metric_name=FAILED_RUNS_METRIC,
                    dimensions=[
                        MetricDimension(name="ExperimentName", operator="Include", values=[translation.schedule_name])
                    ],
                    operator="GreaterThan",
                    threshold=0,
                    time_aggregation="Total",
                    skip_metric_validation=True,
                )
            ]
        ),
        auto_mitigate=True,
        actions=[MetricAlertAction(action_group_id=group_path)],
    )
    rule_body = dict(rule.serialize())
    return [
        AlertResource(ACTION_GROUP_KIND, group_name, group_path, ACTION_GROUPS_API_VERSION, group, group_body, shown_group),
        AlertResource(
            METRIC_ALERT_KIND,
            rule_name,
            scope.insights_path("metricAlerts", rule_name),
            METRIC_ALERTS_API_VERSION,
            rule,
            rule_body,
            rule_body,
        ),
    ]


def create_or_update(client: Any, scope: WorkspaceScope, resource: AlertResource) -> None:
    """PUT one resource through azure-mgmt-monitor."""
    if resource.kind == ACTION_GROUP_KIND:
        client.action_groups.create_or_update(scope.resource_group, resource.name, resource.model)
    else:
        client.metric_alerts.create_or_update(scope.resource_group, resource.name, resource.model)


def get_existing(client: Any, scope: WorkspaceScope, kind: str, name: str) -> dict[str, Any] | None:
    """The REST form of an existing resource, or None when there is none."""
    from azure.core.exceptions import ResourceNotFoundError

    try:
        if kind == ACTION_GROUP_KIND:
            found = client.action_groups.get(scope.resource_group, name)
        else:
            found = client.metric_alerts.get(scope.resource_group, name)
    except ResourceNotFoundError:
        return None
    body: dict[str, Any] = dict(found.serialize(keep_readonly=True))
    return body


def list_all(client: Any, scope: WorkspaceScope, kind: str) -> list[Any]:
    """Every resource of that kind in the workspace's resource group, as SDK models."""
    if kind == ACTION_GROUP_KIND:
        return list(client.action_groups.list_by_resource_group(scope.resource_group))
    return list(client.metric_alerts.list_by_resource_group(scope.resource_group))


def delete(client: Any, scope: WorkspaceScope, kind: str, name: str) -> None:
    if kind == ACTION_GROUP_KIND:
        client.action_groups.delete(scope.resource_group, name)
    else:
        client.metric_alerts.delete(scope.resource_group, name)
