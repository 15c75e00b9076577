"""What apply and destroy write to a workspace: uploads, data assets, schedules, deletions.

``plan`` decides what changes; each change's step calls one function here.
"""

from __future__ import annotations

import logging
from typing import Any

from driftplane.errors import DataError, ProviderError
from driftplane.provider import Change, Request
from driftplane_azure.arm import schedule_operation
from driftplane_azure.leftovers import SCHEDULE_KIND
from driftplane_azure.mltable import DESCRIPTOR
from driftplane_azure.settings import AzureSettings
from driftplane_azure.upload import Upload
from driftplane_azure.workspace import Session, quiet_sdk

logger = logging.getLogger(__name__)

DATA_API_VERSION = "2023-04-01-preview"  # what azure-ai-ml sends for data versions


def upload_prefix(monitor: str, upload: Upload) -> str:
    """Where in the datastore an uploaded baseline goes: one folder per monitor and content version."""
    return f"driftplane/{monitor}/{upload.version}"


def data_entity(settings: AzureSettings, monitor: str, upload: Upload, tags: dict[str, str]) -> Any:
    """The data asset an uploaded baseline is registered as (its files already in the datastore)."""
    from azure.ai.ml.entities import Data

    uri = f"azureml://datastores/{settings.datastore}/paths/{upload_prefix(monitor, upload)}/"
    return Data(
        name=upload.name,
        version=upload.version,
        path=uri,
        type=upload.type,
        description=f"Baseline of driftplane monitor '{monitor}', uploaded from {upload.source}",
        tags=tags,
    )


def data_body(settings: AzureSettings, monitor: str, upload: Upload, tags: dict[str, str]) -> dict[str, Any]:
    """The REST body of the data version, as azure-ai-ml serializes it."""
    body: dict[str, Any] = data_entity(settings, monitor, upload, tags)._to_rest_object().as_dict()
    return body


def upload(session: Session, monitor: str, upload: Upload, tags: dict[str, str]) -> None:
    """Copy the local baseline to the datastore, then register it as a data asset."""
    logger.debug("uploading %s as data asset %s:%s", upload.source, upload.name, upload.version)
    prefix = upload_prefix(monitor, upload)
    action = f"uploading {upload.source} to datastore '{session.settings.datastore}'"
    with session.errors(action), quiet_sdk():
        container = _container(session)
        for file in upload.files:
            try:
                with file.open("rb") as stream:
                    container.upload_blob(f"{prefix}/{upload.relative(file)}", stream, overwrite=True)
            except OSError as exc:
                raise DataError(f"cannot read {file} to upload it: {exc}") from exc
        if upload.descriptor is not None:
            # Written last: the folder is an mltable only once the data it names is there.
            container.upload_blob(f"{prefix}/{DESCRIPTOR}", upload.descriptor.encode(), overwrite=True)
    register(session, monitor, upload, tags)


def register(session: Session, monitor: str, upload: Upload, tags: dict[str, str]) -> None:
    """PUT the data version azure-ai-ml serializes, as the plan shows it (also to change its tags).

    Not ``ml.data.create_or_update``: for an mltable on a datastore it first downloads the
    MLTable file just written through a storage client of its own, which ignores the
    configured transport (a proxy, or the tests' fake) and only re-reads what driftplane wrote.
    """
    from azure.core.exceptions import HttpResponseError
    from azure.core.rest import HttpRequest

    from driftplane_azure.clients import ARM, pipeline_client

    body = data_body(session.settings, monitor, upload, tags)
    url = f"{ARM}{session.scope.data_id(upload.name, upload.version)}?api-version={DATA_API_VERSION}"
    with session.errors(f"registering data asset {upload.name}:{upload.version}"):
        response = pipeline_client(session.settings).send_request(HttpRequest("PUT", url, json=body))
        if response.status_code >= 400:
            raise HttpResponseError(response=response)


def _container(session: Session) -> Any:
    """The datastore's blob container, with the datastore's own key or SAS, else the credential."""
    from azure.storage.blob import ContainerClient

    from driftplane_azure.clients import make_credential, transport_kwargs

    settings = session.settings
    store = session.ml.datastores.get(settings.datastore, include_secrets=True)
    if type(store).__name__ != "AzureBlobDatastore":
        raise ProviderError(
            f"datastore '{settings.datastore}' is {type(store).__name__}, not Blob Storage; set "
            "providers.azure.datastore to a blob datastore (workspaceblobstore is the default)"
        )
    secrets = getattr(store, "credentials", None)
    credential: Any = getattr(secrets, "account_key", None) or getattr(secrets, "sas_token", None)
    if credential is None:
        credential = make_credential(settings)
    account_url = f"{store.protocol}://{store.account_name}.blob.{store.endpoint}"
    return ContainerClient(account_url, store.container_name, credential=credential, **transport_kwargs())


def put_schedule(session: Session, schedule: Any, verb: str) -> None:
    logger.debug("%s schedule %s in workspace %s", verb, schedule.name, session.scope.workspace)
    with session.errors(f"{verb} schedule '{schedule.name}'"), quiet_sdk():
        session.ml.schedules.begin_create_or_update(schedule).result()


def destroy_schedule(session: Session, schedule: Any, monitor: str) -> Change:
    """Azure ML deletes only a disabled schedule: disable it first when it is not."""
    with session.errors(f"disabling schedule '{schedule.name}'"), quiet_sdk():
        if schedule._is_enabled is not False:
            session.ml.schedules.begin_disable(schedule.name).result()
    with session.errors(f"deleting schedule '{schedule.name}'"), quiet_sdk():
        session.ml.schedules.begin_delete(schedule.name).result()
    logger.debug("deleted schedule %s of monitor %s", schedule.name, monitor)
    return Change(
        action="delete",
        kind=SCHEDULE_KIND,
        name=schedule.name,
        monitor=monitor,
        request=Request(api="arm", operation=schedule_operation("DELETE", session.scope, schedule.name)),
        reason="disabled, then deleted",
    )
