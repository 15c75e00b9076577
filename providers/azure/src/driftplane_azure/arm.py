"""ARM bodies and paths: what goes on the wire for a schedule, found without sending it.

azure-ai-ml rewrites ``azureml:NAME:VERSION`` references to ARM ids before it serializes a
schedule; ``resolve_references`` does the same locally so an offline plan shows the exact
body. The tests check it against what the SDK really sends.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from driftplane_azure.clients import ARM, SCHEDULES_API_VERSION, WorkspaceScope
from driftplane_azure.data_refs import ASSET, parse_endpoint

if TYPE_CHECKING:
    from azure.ai.ml.entities import MonitorSchedule


def _data_id(path: str | None, scope: WorkspaceScope) -> str | None:
    match = ASSET.match(path or "")
    return scope.data_id(match.group("name"), match.group("version")) if match else path


def _component_id(reference: str | None, scope: WorkspaceScope) -> str | None:
    match = ASSET.match(reference or "")
    return scope.component_id(match.group("name"), match.group("version")) if match else reference


def resolve_references(schedule: MonitorSchedule, scope: WorkspaceScope) -> MonitorSchedule:
    """A copy of the schedule with asset, component and deployment references as ARM ids."""
    resolved = copy.deepcopy(schedule)
    definition = resolved.create_monitor
    target = definition.monitoring_target
    if target is not None and target.endpoint_deployment_id and not target.endpoint_deployment_id.startswith("/"):
        endpoint, deployment = parse_endpoint(target.endpoint_deployment_id)
        target.endpoint_deployment_id = scope.deployment_id(endpoint, deployment)
    for signal in (definition.monitoring_signals or {}).values():
        for data in (getattr(signal, "production_data", None), getattr(signal, "reference_data", None)):
            if data is None or isinstance(data, list):
                continue
            data.input_data.path = _data_id(data.input_data.path, scope)
            if getattr(data, "pre_processing_component", None):
                data.pre_processing_component = _component_id(data.pre_processing_component, scope)
    return resolved


def schedule_body(schedule: MonitorSchedule, scope: WorkspaceScope) -> dict[str, Any]:
    """The REST body azure-ai-ml PUTs for this schedule."""
    body: dict[str, Any] = resolve_references(schedule, scope)._to_rest_object().as_dict()
    return body


def schedule_operation(method: str, scope: WorkspaceScope, name: str) -> str:
    """``PUT /subscriptions/.../schedules/NAME?api-version=...`` as the plan shows it."""
    return f"{method} {scope.schedule_path(name)}?api-version={SCHEDULES_API_VERSION}"


def full_url(operation: str) -> str:
    """The URL of a planned operation."""
    return ARM + operation.split(" ", 1)[1]
