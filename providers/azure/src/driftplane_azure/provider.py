"""The azure provider: Azure Machine Learning model-monitoring schedules.

Each monitor becomes one azure-ai-ml MonitorSchedule (data-drift and data-quality signals,
email notification), plus an Azure Monitor action group and alert rule when it notifies
webhooks or Slack, plus a data asset when its baseline is a local file to upload.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from driftplane.errors import DataError, NotAvailableYet, Problem, ProviderError, SpecError
from driftplane.provider import (
    Action,
    Change,
    Leftover,
    MonitorStatus,
    Plan,
    Provider,
    ProviderSettings,
    Request,
    monitors_to_destroy,
)
from driftplane.spec.models import Spec
from driftplane_azure import alerts, leftovers
from driftplane_azure.arm import resolve_references, schedule_body, schedule_operation
from driftplane_azure.checks import azure_problems
from driftplane_azure.clients import WorkspaceScope, ml_client, monitor_client, resolve_scope
from driftplane_azure.data_refs import parse_data_ref
from driftplane_azure.diff import differences
from driftplane_azure.errors import azure_errors
from driftplane_azure.mapping import MANAGED_TAG, MANAGED_VALUE, MONITOR_TAG
from driftplane_azure.mltable import DESCRIPTOR
from driftplane_azure.settings import AzureSettings
from driftplane_azure.translate import (
    Translation,
    Upload,
    default_collector_asset,
    tags_for,
    translate,
)

logger = logging.getLogger(__name__)

SCHEDULE_KIND = leftovers.SCHEDULE_KIND
DATA_KIND = "azureml:DataAsset"
DATA_API_VERSION = "2023-04-01-preview"  # what azure-ai-ml sends for data versions


@contextlib.contextmanager
def _quiet_sdk() -> Iterator[None]:
    """azure-ai-ml prints progress dots to stdout while polling; keep stdout for driftplane's output."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def _owned_by(schedule: Any, monitor: str) -> bool:
    return leftovers.tagged_monitor(getattr(schedule, "tags", None)) == monitor


def upload_prefix(monitor: str, upload: Upload) -> str:
    """Where in the datastore an uploaded baseline goes: one folder per monitor and content version."""
    return f"driftplane/{monitor}/{upload.version}"


def data_entity(settings: AzureSettings, monitor: str, upload: Upload) -> Any:
    """The data asset an uploaded baseline is registered as (its files already in the datastore)."""
    from azure.ai.ml.entities import Data

    uri = f"azureml://datastores/{settings.datastore}/paths/{upload_prefix(monitor, upload)}/"
    return Data(
        name=upload.name,
        version=upload.version,
        path=uri,
        type=upload.type,
        description=f"Baseline of driftplane monitor '{monitor}', uploaded from {upload.path.name}",
        tags={MONITOR_TAG: monitor, MANAGED_TAG: MANAGED_VALUE},
    )


class AzureProvider(Provider):
    name: ClassVar[str] = "azure"
    description: ClassVar[str] = "Azure Machine Learning model monitors with data-drift and data-quality signals"
    backends: ClassVar[tuple[str, ...]] = ("model-monitor", "dataset-monitor")
    settings_model: ClassVar[type[ProviderSettings]] = AzureSettings

    @property
    def azure(self) -> AzureSettings:
        assert isinstance(self.settings, AzureSettings)
        return self.settings

    # --- checks ---------------------------------------------------------------------------

    def check(self, spec: Spec) -> list[Problem]:
        """What Azure ML cannot express in this spec, each problem located (no SDK, no network)."""
        return azure_problems(spec, self.azure)

    def _require_valid(self, spec: Spec) -> None:
        problems = self.check(spec)
        if problems:
            raise SpecError(problems)

    def _names(self, spec: Spec, monitors: Sequence[str] | None) -> list[str]:
        if monitors:
            for name in monitors:
                spec.monitor(name)
            return list(monitors)
        return list(spec.monitors)

    # --- plan -------------------------------------------------------------------------------

    def plan(self, spec: Spec, *, monitors: Sequence[str] | None = None, offline: bool = False) -> Plan:
        """What apply would do, with the exact ARM requests; offline assumes nothing exists."""
        self._require_valid(spec)
        names = self._names(spec, monitors)
        if offline:
            scope = resolve_scope(self.azure, spec.base_dir, offline=True)
            changes: list[Change] = []
            for name in names:
                if not spec.monitors[name].enabled:
                    continue
                translation = translate(spec, name, self.azure)
                changes.extend(self._create_changes(spec, translation, scope))
            return Plan(provider=self.name, backend=self.backend, changes=changes)
        session = Session(self, spec)
        changes = session.plan(names)[0]
        return Plan(provider=self.name, backend=self.backend, changes=changes, leftovers=session.leftovers())

    def _create_changes(self, spec: Spec, translation: Translation, scope: WorkspaceScope) -> list[Change]:
        changes = [self._upload_change(translation.monitor, upload, scope) for upload in translation.uploads]
        changes.append(
            Change(
                action="create",
                kind=SCHEDULE_KIND,
                name=translation.schedule_name,
                monitor=translation.monitor,
                request=Request(
                    api="arm",
                    operation=schedule_operation("PUT", scope, translation.schedule_name),
                    body=schedule_body(translation.schedule, scope),
                ),
            )
        )
        tags = tags_for(spec, translation.monitor, self.azure)
        for resource in alerts.alert_resources(translation, self.azure, scope, tags):
            changes.append(
                Change(
                    action="create",
                    kind=resource.kind,
                    name=resource.name,
                    monitor=translation.monitor,
                    request=Request(api="arm", operation=resource.operation, body=resource.shown_body),
                )
            )
        return changes

    def _upload_change(self, monitor: str, upload: Upload, scope: WorkspaceScope) -> Change:
        body: dict[str, Any] = data_entity(self.azure, monitor, upload)._to_rest_object().as_dict()
        return Change(
            action="create",
            kind=DATA_KIND,
            name=f"{upload.name}:{upload.version}",
            monitor=monitor,
            request=Request(
                api="arm",
                operation=f"PUT {scope.data_id(upload.name, upload.version)}?api-version={DATA_API_VERSION}",
                body=body,
            ),
            reason=f"upload {upload.path.name} to datastore {self.azure.datastore}, then register it",
        )

    # --- apply / destroy --------------------------------------------------------------------

    def apply(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> Plan:
        """Make the workspace match the spec; a second apply changes nothing."""
        self._require_valid(spec)
        session = Session(self, spec)
        changes, work = session.plan(self._names(spec, monitors))
        for step in work:
            step()
        return Plan(provider=self.name, backend=self.backend, changes=changes, leftovers=session.leftovers())

    def destroy(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> Plan:
        """Disable, then delete, the schedules (and alert rules) driftplane made for these monitors.

        A name need not be in the spec: what driftplane made for it is found by its tags.
        """
        names = monitors_to_destroy(spec, monitors)
        session = Session(self, spec)
        return Plan(provider=self.name, backend=self.backend, changes=session.destroy(names))

    def run(self, spec: Spec, **kwargs: Any) -> Any:
        """Azure ML runs monitors on their schedule; a one-off run here is not offered yet."""
        raise NotAvailableYet(
            "the azure provider cannot run monitors now: Azure ML runs each schedule itself "
            "(see `driftplane status` for its runs). To check the same spec on this machine, "
            "use `driftplane run --provider local`"
        )

    # --- status -------------------------------------------------------------------------------

    def status(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> list[MonitorStatus]:
        """Each monitor's schedule and its recent monitoring runs as RunResults."""
        from driftplane_azure.status import monitor_status

        session = Session(self, spec)
        return [monitor_status(session, name) for name in self._names(spec, monitors)]


class Session:
    """One conversation with a workspace: the client, the scope, and what it has found."""

    def __init__(self, provider: AzureProvider, spec: Spec | None, *, base_dir: Path | None = None) -> None:
        self.provider = provider
        self.settings = provider.azure
        self._spec = spec
        self.scope = resolve_scope(self.settings, spec.base_dir if spec is not None else (base_dir or Path.cwd()))
        self.ml = ml_client(self.settings, self.scope)
        self._monitor_client: Any = None
        self._check_workspace()

    @property
    def spec(self) -> Spec:
        """The spec this session plans for (import sessions have none and never ask)."""
        assert self._spec is not None, "this session was opened without a spec"
        return self._spec

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
                f"'{group}' ({why}); driftplane reads them to find what it made for webhook and Slack "
                f"channels. Ask an owner of '{group}' for the 'Monitoring Contributor' role there "
                "(or Contributor), then try again"
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

    def collector(self, endpoint: str, deployment: str) -> tuple[str, str]:
        """The data asset a deployment's data collector registers its model inputs as."""
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
        inputs = collections.get("model_inputs")
        if inputs is None or not getattr(inputs, "data", None) or str(getattr(inputs, "enabled", "true")).lower() != "true":
            raise ProviderError(
                f"deployment '{endpoint}:{deployment}' does not collect its model inputs, so Azure ML has "
                "no production data to monitor; enable data_collector.collections.model_inputs on the "
                "deployment, or give target.data"
            )
        arm = AMLVersionedArmId(inputs.data)
        asset = self.data_asset(arm.asset_name, arm.asset_version, why=f"the model inputs of {endpoint}:{deployment}")
        return f"azureml:{arm.asset_name}:{arm.asset_version}", str(asset.type)

    def data_asset(self, name: str, version: str, *, why: str, missing_ok: bool = False) -> Any:
        """The data asset, or ProviderError naming it and what to do (None when missing_ok)."""
        from azure.core.exceptions import ResourceNotFoundError

        try:
            with self.errors(f"reading data asset {name}:{version}"), _quiet_sdk():
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
                return self.ml.schedules.get(name)
        except ProviderError as exc:
            if isinstance(exc.__cause__, ResourceNotFoundError):
                return None
            raise

    def owned_schedules(self) -> list[Any]:
        """Every schedule of the workspace, enabled or not."""
        from azure.ai.ml._restclient.arm_ml_service.models import ScheduleListViewType

        with self.errors("listing schedules"), _quiet_sdk():
            return list(self.ml.schedules.list(list_view_type=ScheduleListViewType.ALL))

    # --- plan ---------------------------------------------------------------------------------

    def translation(self, name: str) -> Translation:
        return translate(self.spec, name, self.settings, collector=self.collector)

    def _check_assets(self, translation: Translation) -> None:
        monitor = self.spec.monitors[translation.monitor]
        for side, text in (("baseline", monitor.baseline.data), ("target", monitor.target.data)):
            if text is None:
                continue
            ref = parse_data_ref(text, local_allowed=True)
            if ref.kind == "asset":
                assert ref.name is not None and ref.version is not None
                self.data_asset(ref.name, ref.version, why=f"monitors.{translation.monitor}.{side}.data")

    def plan(self, names: list[str]) -> tuple[list[Change], list[Any]]:
        """The changes, and the steps that make them (in order)."""
        changes: list[Change] = []
        work: list[Any] = []
        for name in names:
            self._plan_monitor(name, changes, work)
        return changes, work

    def _plan_monitor(self, name: str, changes: list[Change], work: list[Any]) -> None:
        monitor = self.spec.monitors[name]
        if not monitor.enabled:
            self._plan_disabled(name, changes, work)
            return
        translation = self.translation(name)
        self._check_assets(translation)
        for upload in translation.uploads:
            if self.data_asset(upload.name, upload.version, why="uploaded baseline", missing_ok=True) is None:
                changes.append(self.provider._upload_change(name, upload, self.scope))
                work.append(lambda upload=upload, name=name: self._upload(name, upload))
        self._plan_schedule(translation, changes, work)
        self._plan_alerts(translation, changes, work)

    def _plan_schedule(self, translation: Translation, changes: list[Change], work: list[Any]) -> None:
        name, schedule = translation.schedule_name, translation.schedule
        existing = self.schedule(name)
        if existing is not None and not _owned_by(existing, translation.monitor):
            raise ProviderError(
                f"workspace '{self.scope.workspace}' already has a schedule named '{name}' that driftplane "
                f"did not create (it has no {MONITOR_TAG}={translation.monitor} tag); driftplane leaves it "
                "alone. Rename the monitor or set providers.azure.name_prefix"
            )
        action: Action = "create"
        reason: str | None = None
        if existing is not None:
            current = resolve_references(existing, self.scope)._to_rest_object().as_dict()
            desired = schedule_body(schedule, self.scope)
            diffs = differences(desired, current)
            if existing._is_enabled is False:
                schedule._is_enabled = True
                diffs.append("isEnabled: false -> true")
            if not diffs:
                changes.append(Change(action="noop", kind=SCHEDULE_KIND, name=name, monitor=translation.monitor))
                return
            action, reason = "update", "; ".join(diffs)
        changes.append(
            Change(
                action=action,
                kind=SCHEDULE_KIND,
                name=name,
                monitor=translation.monitor,
                request=Request(api="arm", operation=schedule_operation("PUT", self.scope, name), body=schedule_body(schedule, self.scope)),
                reason=reason,
            )
        )
        work.append(lambda: self._put_schedule(schedule, "creating" if action == "create" else "updating"))

    def _plan_disabled(self, name: str, changes: list[Change], work: list[Any]) -> None:
        from driftplane_azure.mapping import schedule_name

        azure_name = schedule_name(self.settings, name)
        existing = self.schedule(azure_name)
        if existing is None or not _owned_by(existing, name) or existing._is_enabled is False:
            return
        existing._is_enabled = False
        changes.append(
            Change(
                action="update",
                kind=SCHEDULE_KIND,
                name=azure_name,
                monitor=name,
                request=Request(api="arm", operation=schedule_operation("PUT", self.scope, azure_name), body=schedule_body(existing, self.scope)),
                reason="the monitor is disabled in the spec: isEnabled true -> false",
            )
        )
        work.append(lambda: self._put_schedule(existing, "disabling"))

    def _plan_alerts(self, translation: Translation, changes: list[Change], work: list[Any]) -> None:
        tags = tags_for(self.spec, translation.monitor, self.settings)
        wanted = alerts.alert_resources(translation, self.settings, self.scope, tags)
        wanted_names = {(r.kind, r.name) for r in wanted}
        for resource in wanted:
            with self.monitor_errors(f"reading {resource.kind} '{resource.name}'"):
                existing = alerts.get_existing(self.monitor_client, self.scope, resource.kind, resource.name)
            action: Action = "create"
            reason: str | None = None
            if existing is not None:
                diffs = differences(resource.body, existing)
                if not diffs:
                    changes.append(Change(action="noop", kind=resource.kind, name=resource.name, monitor=translation.monitor))
                    continue
                action, reason = "update", "; ".join(diffs)
            changes.append(
                Change(
                    action=action,
                    kind=resource.kind,
                    name=resource.name,
                    monitor=translation.monitor,
                    request=Request(api="arm", operation=resource.operation, body=resource.shown_body),
                    reason=reason,
                )
            )
            work.append(lambda resource=resource: self._put_alert(resource))
        # Alert resources of this monitor that the spec no longer asks for.
        stale = [
            (alerts.METRIC_ALERT_KIND, alerts.metric_alert_name(translation)),
            (alerts.ACTION_GROUP_KIND, alerts.action_group_name(translation)),
        ]
        for kind, name in stale:
            if (kind, name) in wanted_names:
                continue
            with self.monitor_errors(f"reading {kind} '{name}'"):
                existing = alerts.get_existing(self.monitor_client, self.scope, kind, name)
            if existing is None or (existing.get("tags") or {}).get(MONITOR_TAG) != translation.monitor:
                continue
            changes.append(self._delete_alert_change(kind, name, translation.monitor, "no webhook or Slack channel needs it"))
            work.append(lambda kind=kind, name=name: self._delete_alert(kind, name))

    def _delete_alert_change(self, kind: str, name: str, monitor: str, reason: str) -> Change:
        collection = "actionGroups" if kind == alerts.ACTION_GROUP_KIND else "metricAlerts"
        version = alerts.ACTION_GROUPS_API_VERSION if kind == alerts.ACTION_GROUP_KIND else alerts.METRIC_ALERTS_API_VERSION
        return Change(
            action="delete",
            kind=kind,
            name=name,
            monitor=monitor,
            request=Request(api="arm", operation=f"DELETE {self.scope.insights_path(collection, name)}?api-version={version}"),
            reason=reason,
        )

    # --- writes ---------------------------------------------------------------------------------

    def _upload(self, monitor: str, upload: Upload) -> None:
        """Copy the local baseline to the datastore, then register it as a data asset."""
        logger.debug("uploading %s as data asset %s:%s", upload.path, upload.name, upload.version)
        prefix = upload_prefix(monitor, upload)
        action = f"uploading {upload.path} to datastore '{self.settings.datastore}'"
        with self.errors(action), _quiet_sdk():
            container = self._container()
            for file in upload.files:
                relative = file.name if file == upload.path else file.relative_to(upload.path).as_posix()
                try:
                    with file.open("rb") as stream:
                        container.upload_blob(f"{prefix}/{relative}", stream, overwrite=True)
                except OSError as exc:
                    raise DataError(f"cannot read {file} to upload it: {exc}") from exc
            if upload.descriptor is not None:
                # Written last: the folder is an mltable only once the data it names is there.
                container.upload_blob(f"{prefix}/{DESCRIPTOR}", upload.descriptor.encode(), overwrite=True)
        self._register(monitor, upload)

    def _register(self, monitor: str, upload: Upload) -> None:
        """PUT the data version azure-ai-ml serializes, as the plan shows it.

        Not ``ml.data.create_or_update``: for an mltable on a datastore it first downloads the
        MLTable file just written through a storage client of its own, which ignores the
        configured transport (a proxy, or the tests' fake) and only re-reads what driftplane wrote.
        """
        from azure.core.exceptions import HttpResponseError
        from azure.core.rest import HttpRequest

        from driftplane_azure.clients import ARM, pipeline_client

        body = data_entity(self.settings, monitor, upload)._to_rest_object().as_dict()
        url = f"{ARM}{self.scope.data_id(upload.name, upload.version)}?api-version={DATA_API_VERSION}"
        with self.errors(f"registering data asset {upload.name}:{upload.version}"):
            response = pipeline_client(self.settings).send_request(HttpRequest("PUT", url, json=body))
            if response.status_code >= 400:
                raise HttpResponseError(response=response)

    def _container(self) -> Any:
        """The datastore's blob container, with the datastore's own key or SAS, else the credential."""
        from azure.storage.blob import ContainerClient

        from driftplane_azure.clients import make_credential, transport_kwargs

        store = self.ml.datastores.get(self.settings.datastore, include_secrets=True)
        if type(store).__name__ != "AzureBlobDatastore":
            raise ProviderError(
                f"datastore '{self.settings.datastore}' is {type(store).__name__}, not Blob Storage; set "
                "providers.azure.datastore to a blob datastore (workspaceblobstore is the default)"
            )
        secrets = getattr(store, "credentials", None)
        credential: Any = getattr(secrets, "account_key", None) or getattr(secrets, "sas_token", None)
        if credential is None:
            credential = make_credential(self.settings)
        account_url = f"{store.protocol}://{store.account_name}.blob.{store.endpoint}"
        return ContainerClient(account_url, store.container_name, credential=credential, **transport_kwargs())

    def _put_schedule(self, schedule: Any, verb: str) -> None:
        logger.debug("%s schedule %s in workspace %s", verb, schedule.name, self.scope.workspace)
        with self.errors(f"{verb} schedule '{schedule.name}'"), _quiet_sdk():
            self.ml.schedules.begin_create_or_update(schedule).result()

    def _put_alert(self, resource: alerts.AlertResource) -> None:
        logger.debug("writing %s %s", resource.kind, resource.name)
        with self.monitor_errors(f"writing {resource.kind} '{resource.name}'"):
            alerts.create_or_update(self.monitor_client, self.scope, resource)

    def _delete_alert(self, kind: str, name: str) -> None:
        logger.debug("deleting %s %s", kind, name)
        with self.monitor_errors(f"deleting {kind} '{name}'"):
            alerts.delete(self.monitor_client, self.scope, kind, name)

    # --- destroy ----------------------------------------------------------------------------------

    def leftovers(self) -> list[Leftover]:
        """What driftplane created here for monitors the spec no longer runs."""
        return leftovers.leftovers(self.spec, leftovers.owned_resources(self))

    def destroy(self, names: list[str]) -> list[Change]:
        """Remove, by their tags, the schedules, alert rules and action groups of these monitors."""
        changes: list[Change] = []
        wanted = set(names)
        for item in leftovers.owned_resources(self):
            if item.monitor not in wanted:
                continue
            if item.kind == SCHEDULE_KIND:
                changes.append(self._destroy_schedule(item.entity, item.monitor))
            else:
                changes.append(self._delete_alert_change(item.kind, item.name, item.monitor, "the monitor is destroyed"))
                self._delete_alert(item.kind, item.name)
        return changes

    def _destroy_schedule(self, schedule: Any, monitor: str) -> Change:
        """Azure ML deletes only a disabled schedule: disable it first when it is not."""
        with self.errors(f"disabling schedule '{schedule.name}'"), _quiet_sdk():
            if schedule._is_enabled is not False:
                self.ml.schedules.begin_disable(schedule.name).result()
        with self.errors(f"deleting schedule '{schedule.name}'"), _quiet_sdk():
            self.ml.schedules.begin_delete(schedule.name).result()
        logger.debug("deleted schedule %s of monitor %s", schedule.name, monitor)
        return Change(
            action="delete",
            kind=SCHEDULE_KIND,
            name=schedule.name,
            monitor=monitor,
            request=Request(api="arm", operation=schedule_operation("DELETE", self.scope, schedule.name)),
            reason="disabled, then deleted",
        )


def now_utc() -> datetime:
    return datetime.now(UTC)


__all__ = ["AzureProvider", "default_collector_asset"]
