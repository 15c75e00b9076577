"""One conversation with a workspace: the clients, the scope, and what it reads there.

plan, apply, destroy, status and the import commands all read the workspace through a
Session; what each of them writes lives in ``apply``.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from driftplane.errors import ProviderError
from driftplane.resolved import ResolvedMonitor, resolve_monitor
from driftplane.spec.models import Spec
from driftplane_azure.clients import ml_client, monitor_client, resolve_scope
from driftplane_azure.errors import azure_errors
from driftplane_azure.performance import with_performance_thresholds
from driftplane_azure.settings import AzureSettings

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def quiet_sdk() -> Iterator[None]:
    """azure-ai-ml prints progress dots to stdout while polling; keep stdout for driftplane's output."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


class Session:
    """The workspace a spec (or an import) talks to: its clients, its scope, its reads."""

    def __init__(self, settings: AzureSettings, spec: Spec | None, *, base_dir: Path | None = None) -> None:
        self.settings = settings
        self._spec = spec
        self.scope = resolve_scope(settings, spec.base_dir if spec is not None else (base_dir or Path.cwd()))
        self.ml = ml_client(settings, self.scope)
        self._monitor_client: Any = None
        self._check_workspace()

    @property
    def spec(self) -> Spec:
        """The spec this session plans for (import sessions have none and never ask)."""
        assert self._spec is not None, "this session was opened without a spec"
        return self._spec

    def resolved(self, name: str) -> ResolvedMonitor:
        """Everything monitor ``name`` means, decided once in core."""
        return resolve_monitor(self.spec, name)

    @property
    def monitor_client(self) -> Any:
        if self._monitor_client is None:
            self._monitor_client = monitor_client(self.settings, self.scope)
        return self._monitor_client

    def errors(self, action: str, **kwargs: Any) -> Any:
        return azure_errors(action, workspace=self.scope.workspace, **kwargs)

    def monitor_errors(self, action: str) -> Any:
        """Errors of Azure Monitor calls: their permission lives on the resource group, not the workspace."""
        group = self.scope.resource_group
        return azure_errors(
            action,
            forbidden=lambda why: (
                f"no permission on the Azure Monitor alert rules and action groups of resource group "
                f"'{group}' ({why}); driftplane reads them to find the ones earlier versions made for "
                f"webhook and Slack channels. Ask an owner of '{group}' for the 'Monitoring Contributor' "
                "role there (or Contributor), then try again"
            ),
        )

    def _check_workspace(self) -> None:
        scope = self.scope
        with self.errors(
            f"reading workspace '{scope.workspace}'",
            not_found=lambda why: (
                f"workspace '{scope.workspace}' does not exist in resource group '{scope.resource_group}' "
                f"of subscription '{scope.subscription_id}' ({why}); check providers.azure.workspace, "
                "resource_group and subscription_id"
            ),
        ):
            self.ml.workspaces.get(scope.workspace)

    # --- reads -------------------------------------------------------------------------------

    def collector(self, endpoint: str, deployment: str, collection: str = "model_inputs") -> tuple[str, str]:
        """The data asset a deployment's data collector registers its model inputs (or outputs) as."""
        from azure.ai.ml._utils._arm_id_utils import AMLVersionedArmId

        with self.errors(
            f"reading deployment '{deployment}' of endpoint '{endpoint}'",
            not_found=lambda why: (
                f"there is no deployment '{deployment}' on online endpoint '{endpoint}' in workspace "
                f"'{self.scope.workspace}' ({why}); check target.endpoint"
            ),
        ):
            found = self.ml.online_deployments.get(name=deployment, endpoint_name=endpoint)
        collections = getattr(getattr(found, "data_collector", None), "collections", None) or {}
        collected = collections.get(collection)
        enabled = str(getattr(collected, "enabled", "true")).lower() == "true"
        if collected is None or not getattr(collected, "data", None) or not enabled:
            what = "inputs" if collection == "model_inputs" else "outputs"
            needs = (
                "no production data to monitor"
                if collection == "model_inputs"
                else "no predictions to judge model performance or prediction drift on"
            )
            raise ProviderError(
                f"deployment '{endpoint}:{deployment}' does not collect its model {what}, so Azure ML has "
                f"{needs}; enable data_collector.collections.{collection} on the deployment, or give target.data"
            )
        arm = AMLVersionedArmId(collected.data)
        asset = self.data_asset(
            arm.asset_name,
            arm.asset_version,
            why=f"the model {collection.removeprefix('model_')} of {endpoint}:{deployment}",
        )
        return f"azureml:{arm.asset_name}:{arm.asset_version}", str(asset.type)

    def data_asset(self, name: str, version: str, *, why: str, missing_ok: bool = False) -> Any:
        """The data asset, or ProviderError naming it and what to do (None when missing_ok)."""
        from azure.core.exceptions import ResourceNotFoundError

        try:
            with self.errors(f"reading data asset {name}:{version}"), quiet_sdk():
                return self.ml.data.get(name=name, version=version)
        except ProviderError as exc:
            if isinstance(exc.__cause__, ResourceNotFoundError):
                if missing_ok:
                    return None
                raise ProviderError(
                    f"data asset '{name}' version {version} ({why}) does not exist in workspace "
                    f"'{self.scope.workspace}'; register it (az ml data create --name {name} --version "
                    f"{version} ...) or fix the reference in the spec"
                ) from exc.__cause__
            raise

    def schedule(self, name: str) -> Any:
        """The existing schedule of that name, or None."""
        from azure.core.exceptions import ResourceNotFoundError

        try:
            with self.errors(f"reading schedule '{name}'"):
                # The REST body as well as the entity: azure-ai-ml's entity loses a performance
                # signal's thresholds, which the body still has.
                operations = self.ml.schedules
                raw = operations.service_client.get(
                    resource_group_name=self.scope.resource_group,
                    workspace_name=self.scope.workspace,
                    name=name,
                    cls=lambda _, obj, __: obj,
                )
                from azure.ai.ml.entities import Schedule

                return with_performance_thresholds(Schedule._from_rest_object(raw), raw)
        except ProviderError as exc:
            if isinstance(exc.__cause__, ResourceNotFoundError):
                return None
            raise

    def owned_schedules(self) -> list[Any]:
        """Every schedule of the workspace, enabled or not."""
        from azure.ai.ml._restclient.arm_ml_service.models import ScheduleListViewType

        with self.errors("listing schedules"), quiet_sdk():
            return list(self.ml.schedules.list(list_view_type=ScheduleListViewType.ALL))
