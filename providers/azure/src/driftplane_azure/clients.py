"""Which workspace, which credential, and the clients that talk to it.

azure-ai-ml takes seconds to import, so every SDK import here is inside a function: the
plugin module and ``driftplane --help`` stay light.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driftplane.errors import ProviderError
from driftplane_azure.settings import AzureSettings, subscription_id_problem

if TYPE_CHECKING:
    from azure.ai.ml import MLClient
    from azure.core.credentials import TokenCredential
    from azure.mgmt.monitor import MonitorManagementClient

logger = logging.getLogger(__name__)

ARM = "https://management.azure.com"
ML_PROVIDER = "Microsoft.MachineLearningServices"
SCHEDULES_API_VERSION = "2023-06-01-preview"  # what azure-ai-ml sends for schedules
PLACEHOLDERS = {
    "subscription_id": "{subscription_id}",
    "resource_group": "{resource_group}",
    "workspace": "{workspace}",
}


class WorkspaceNotNamed(ProviderError):
    """Settings that do not say which workspace; ``missing`` lists the settings' names.

    The message is in the spec's words; commands that take the workspace from options say
    it in theirs (``driftplane azure import``).
    """

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(
            f"the azure provider needs {', '.join('providers.azure.' + m for m in missing)} "
            "(or providers.azure.workspace_config pointing at the workspace's config.json) "
            "to know which workspace to use"
        )


@dataclass(frozen=True)
class WorkspaceScope:
    """Subscription, resource group and workspace: where every ARM path points."""

    subscription_id: str
    resource_group: str
    workspace: str

    @property
    def resource_group_path(self) -> str:
        return f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"

    @property
    def workspace_id(self) -> str:
        """The workspace's ARM id."""
        return f"{self.resource_group_path}/providers/{ML_PROVIDER}/workspaces/{self.workspace}"

    def schedule_path(self, name: str) -> str:
        return f"{self.workspace_id}/schedules/{name}"

    def data_id(self, name: str, version: str) -> str:
        return f"{self.workspace_id}/data/{name}/versions/{version}"

    def component_id(self, name: str, version: str) -> str:
        return f"{self.workspace_id}/components/{name}/versions/{version}"

    def deployment_id(self, endpoint: str, deployment: str) -> str:
        return f"{self.workspace_id}/onlineEndpoints/{endpoint}/deployments/{deployment}"

    def insights_path(self, kind: str, name: str) -> str:
        """An Azure Monitor resource (actionGroups, metricAlerts) in the workspace's resource group."""
        return f"{self.resource_group_path}/providers/Microsoft.Insights/{kind}/{name}"


@dataclass
class ClientOptions:
    """What clients are built with: a credential and an azure-core transport, when injected.

    Tests (and teams behind a proxy) give a transport; nothing else changes.
    """

    credential: Any = None
    transport: Any = None


_injected = ClientOptions()


@contextmanager
def client_options(*, credential: Any = None, transport: Any = None) -> Iterator[None]:
    """Build every Azure client inside the block with this credential and transport."""
    global _injected
    previous = _injected
    _injected = ClientOptions(credential=credential, transport=transport)
    try:
        yield
    finally:
        _injected = previous


def _config_file(settings: AzureSettings, base_dir: Path) -> dict[str, str]:
    if settings.workspace_config is None:
        return {}
    path = Path(settings.workspace_config)
    if not path.is_absolute():
        path = base_dir / path
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProviderError(
            f"providers.azure.workspace_config: {path} does not exist; download config.json from the "
            "workspace's overview page in the Azure portal, or set subscription_id, resource_group "
            "and workspace instead"
        ) from None
    except (OSError, json.JSONDecodeError) as exc:
        raise ProviderError(f"providers.azure.workspace_config: cannot read {path}: {exc}") from None
    if not isinstance(raw, dict):
        raise ProviderError(f"providers.azure.workspace_config: {path} is not a JSON object")
    return {
        "subscription_id": str(raw.get("subscription_id") or raw.get("subscriptionId") or ""),
        "resource_group": str(raw.get("resource_group") or raw.get("resourceGroup") or ""),
        "workspace": str(raw.get("workspace_name") or raw.get("workspaceName") or ""),
    }


def resolve_scope(settings: AzureSettings, base_dir: Path, *, offline: bool = False) -> WorkspaceScope:
    """The workspace the settings name; offline plans may leave parts as {placeholders}."""
    from_file = _config_file(settings, base_dir) if (settings.workspace_config and not offline) else {}
    if offline and settings.workspace_config:
        try:
            from_file = _config_file(settings, base_dir)
        except ProviderError as exc:
            logger.debug("offline plan without the workspace config file: %s", exc)
    values = {
        "subscription_id": settings.subscription_id or from_file.get("subscription_id") or "",
        "resource_group": settings.resource_group or from_file.get("resource_group") or "",
        "workspace": settings.workspace or from_file.get("workspace") or "",
    }
    file_subscription = from_file.get("subscription_id")
    if not settings.subscription_id and file_subscription and not offline:
        problem = subscription_id_problem(file_subscription)
        if problem:
            raise ProviderError(f"providers.azure.workspace_config: subscription_id {problem}")
    missing = [key for key, value in values.items() if not value]
    if missing and not offline:
        raise WorkspaceNotNamed(missing)
    for key in missing:
        values[key] = PLACEHOLDERS[key]
    return WorkspaceScope(**values)


def make_credential(settings: AzureSettings) -> TokenCredential:
    """The credential the settings ask for (an injected one wins)."""
    if _injected.credential is not None:
        credential: TokenCredential = _injected.credential
        return credential
    from azure.identity import (
        AzureCliCredential,
        DefaultAzureCredential,
        EnvironmentCredential,
        ManagedIdentityCredential,
    )

    if settings.credential == "azure-cli":
        return AzureCliCredential()
    if settings.credential == "environment":
        return EnvironmentCredential()
    if settings.credential == "managed-identity":
        return ManagedIdentityCredential(client_id=settings.managed_identity_client_id)
    if settings.managed_identity_client_id:
        return DefaultAzureCredential(managed_identity_client_id=settings.managed_identity_client_id)
    return DefaultAzureCredential()


def transport_kwargs() -> dict[str, Any]:
    return {"transport": _injected.transport} if _injected.transport is not None else {}


def ml_client(settings: AzureSettings, scope: WorkspaceScope) -> MLClient:
    """An MLClient for the workspace; constructing it makes no network call."""
    from azure.ai.ml import MLClient

    logging.getLogger("azure.ai.ml").setLevel(max(logging.WARNING, logging.getLogger("azure").level))
    return MLClient(
        make_credential(settings),
        scope.subscription_id,
        scope.resource_group,
        scope.workspace,
        enable_telemetry=False,
        **transport_kwargs(),
    )


def monitor_client(settings: AzureSettings, scope: WorkspaceScope) -> MonitorManagementClient:
    """An Azure Monitor management client for action groups and alert rules."""
    from azure.mgmt.monitor import MonitorManagementClient

    return MonitorManagementClient(make_credential(settings), scope.subscription_id, **transport_kwargs())


def pipeline_client(settings: AzureSettings) -> Any:
    """A bare ARM pipeline client (bearer token, retries) for REST resources no SDK covers."""
    from azure.core import PipelineClient
    from azure.core.pipeline import policies
    from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy, ARMHttpLoggingPolicy

    credential = make_credential(settings)
    return PipelineClient(
        base_url=ARM,
        policies=[
            policies.HeadersPolicy(),
            policies.UserAgentPolicy("driftplane-azure"),
            policies.RetryPolicy(retry_total=2),
            ARMChallengeAuthenticationPolicy(credential, f"{ARM}/.default"),
            ARMHttpLoggingPolicy(),
        ],
        **transport_kwargs(),
    )
