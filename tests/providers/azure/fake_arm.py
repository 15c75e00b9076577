"""A stand-in for Azure Resource Manager, plugged into the real azure-core transport.

The real MLClient (and azure-mgmt-monitor's client) send their requests through a
``requests`` session whose https adapter is this class, so every byte the SDKs build is
exercised; only the far end is fake. It keeps state (schedules, alert rules, data assets),
records every request, and can be told to fail the ways Azure fails.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
import urllib3
from azure.core.credentials import AccessToken, AccessTokenInfo
from azure.core.pipeline.transport import RequestsTransport
from requests.adapters import BaseAdapter

SUB, RG, WS = "00000000-0000-0000-0000-000000000001", "ml-rg", "ml-ws"
WS_ID = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.MachineLearningServices/workspaces/{WS}"
API_HOST = "https://westeurope.api.azureml.ms"


class FakeCredential:
    """A token for any scope, like a signed-in az CLI."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken("fake-token", 4102444800)

    def get_token_info(self, *scopes: str, options: Any = None) -> AccessTokenInfo:
        return AccessTokenInfo("fake-token", 4102444800)


@dataclass
class Sent:
    """One request as ARM received it."""

    method: str
    path: str
    query: dict[str, str]
    body: Any

    @property
    def line(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class Failure:
    method: str
    pattern: str
    status: int
    body: dict[str, Any]
    times: int = 1


@dataclass
class FakeARM(BaseAdapter):
    workspaces: set[str] = field(default_factory=lambda: {WS})
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    async_schedule_failure: dict[str, Any] | None = None
    jobs: list[dict[str, Any]] = field(default_factory=list)
    v1_monitors: list[dict[str, Any]] = field(default_factory=list)
    blobs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__()

    # --- seeding ----------------------------------------------------------------------------

    def add_data_asset(self, name: str, version: str, data_type: str = "mltable", uri: str | None = None) -> None:
        path = f"{WS_ID}/data/{name}/versions/{version}"
        self.resources[path.lower()] = {
            "id": path,
            "name": version,
            "type": "Microsoft.MachineLearningServices/workspaces/data/versions",
            "properties": {
                "dataType": data_type,
                "dataUri": uri or f"azureml://datastores/workspaceblobstore/paths/{name}/",
                "isAnonymous": False,
                "isArchived": False,
                "tags": {},
                "properties": {},
            },
        }

    def add_datastore(self, name: str = "workspaceblobstore") -> None:
        path = f"{WS_ID}/datastores/{name}"
        self.resources[path.lower()] = {
            "id": path,
            "name": name,
            "type": "Microsoft.MachineLearningServices/workspaces/datastores",
            "properties": {
                "datastoreType": "AzureBlob",
                "accountName": "mlstore",
                "containerName": "azureml-blobstore",
                "endpoint": "core.windows.net",
                "protocol": "https",
                "credentials": {"credentialsType": "AccountKey"},
                "isDefault": True,
            },
        }

    def add_deployment(self, endpoint: str, deployment: str, *, inputs_asset: tuple[str, str] | None) -> None:
        path = f"{WS_ID}/onlineEndpoints/{endpoint}/deployments/{deployment}"
        collector = None
        if inputs_asset is not None:
            data_id = f"{WS_ID}/data/{inputs_asset[0]}/versions/{inputs_asset[1]}"
            collector = {
                "collections": {
                    "model_inputs": {"dataCollectionMode": "Enabled", "dataId": data_id},
                    "model_outputs": {"dataCollectionMode": "Enabled", "dataId": data_id.replace("inputs", "outputs")},
                }
            }
        self.resources[path.lower()] = {
            "id": path,
            "name": deployment,
            "type": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
            "location": "westeurope",
            "kind": "Managed",
            "tags": {},
            "sku": {"name": "Default", "capacity": 1},
            "properties": {
                "endpointComputeType": "Managed",
                "instanceType": "Standard_F2s_v2",
                "scaleSettings": {"scaleType": "Default"},
                "model": f"{WS_ID}/models/credit-default-model/versions/1",
                "provisioningState": "Succeeded",
                "dataCollector": collector,
            },
        }

    def fail(self, method: str, pattern: str, status: int, code: str, message: str, times: int = 1) -> None:
        """The next ``times`` requests matching answer with an ARM error body."""
        self.failures.append(Failure(method, pattern, status, {"error": {"code": code, "message": message}}, times))

    # --- queries --------------------------------------------------------------------------------

    def lines(self, *, writes_only: bool = False) -> list[str]:
        return [s.line for s in self.sent if not writes_only or s.method in ("PUT", "DELETE", "POST", "PATCH")]

    def schedules(self) -> dict[str, dict[str, Any]]:
        return {
            r["name"]: r
            for p, r in self.resources.items()
            if "/schedules/" in p and r.get("type", "").endswith("schedules")
        }

    # --- the adapter ------------------------------------------------------------------------------

    def close(self) -> None:
        pass

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        parts = urlsplit(request.url or "")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        body = None
        if request.body:
            raw: Any = request.body
            if hasattr(raw, "read"):
                raw = raw.read()
            try:
                body = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                body = raw  # bytes of an uploaded file
        method = request.method or "GET"
        self.sent.append(Sent(method, parts.path, query, body))
        status, payload, headers = self._answer(method, parts.netloc, parts.path, query, body)
        return self._response(request, status, payload, headers)

    def _response(self, request: Any, status: int, payload: Any, headers: dict[str, str]) -> requests.Response:
        content = b"" if payload is None else json.dumps(payload).encode()
        response = requests.Response()
        response.status_code = status
        response.request = request
        response.url = request.url
        response.headers.update({"Content-Type": "application/json", "x-ms-request-id": "fake", **headers})
        response.raw = urllib3.HTTPResponse(
            body=io.BytesIO(content), preload_content=False, status=status, headers=dict(response.headers)
        )
        response._content = content
        return response

    def _error(self, status: int, code: str, message: str) -> tuple[int, Any, dict[str, str]]:
        return status, {"error": {"code": code, "message": message}}, {"x-ms-failure-cause": "gateway"}

    def _answer(
        self, method: str, host: str, path: str, query: dict[str, str], body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        for failure in list(self.failures):
            if failure.method == method and re.search(failure.pattern, path):
                failure.times -= 1
                if failure.times <= 0:
                    self.failures.remove(failure)
                return failure.status, failure.body, {}
        if path.endswith("/listSecrets") and method == "POST":
            return 200, {"secretsType": "AccountKey", "key": "ZmFrZS1rZXk="}, {}
        if host.endswith(".blob.core.windows.net"):
            return self._blob(method, host, path, query, body)
        if path.startswith("/operations/"):
            return 200, self.async_schedule_failure, {}
        if host.endswith("api.azureml.ms"):
            return self._dataplane(method, path, query)
        match = re.match(
            r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.MachineLearningServices/workspaces/([^/]+)(/.*)?$",
            path,
        )
        if match:
            if match.group(1) not in self.workspaces:
                return self._error(
                    404,
                    "ResourceNotFound",
                    f"The Resource 'Microsoft.MachineLearningServices/workspaces/{match.group(1)}' "
                    f"under resource group '{RG}' was not found.",
                )
            rest = match.group(2) or ""
            if rest == "":
                return 200, self._workspace(match.group(1)), {}
            if rest == "/schedules" and method == "GET":
                return 200, {"value": list(self.schedules().values())}, {}
            if rest == "/jobs" and method == "GET":
                wanted = query.get("scheduleId")
                return 200, {"value": [j for j in self.jobs if not wanted or j.get("scheduleName") == wanted]}, {}
        listed = re.search(r"/providers/Microsoft.Insights/(actionGroups|metricAlerts)$", path)
        if listed and method == "GET":
            collection = f"/microsoft.insights/{listed.group(1).lower()}/"
            return 200, {"value": [r for p, r in self.resources.items() if collection in p]}, {}
        if re.search(r"/providers/Microsoft.Insights/(actionGroups|metricAlerts)/[^/]+$", path):
            return self._resource(method, path, body, kind="insights")
        if "/schedules/" in path:
            return self._schedule(method, path, body)
        return self._resource(method, path, body, kind="plain")

    def _blob(
        self, method: str, host: str, path: str, query: dict[str, str], body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        """Just enough of Blob Storage for azure-ai-ml's upload of a local file."""
        if method == "PUT":
            self.blobs[path] = body
            return 201, None, {"ETag": '"1"', "Last-Modified": "Wed, 25 Nov 2026 00:00:00 GMT", "Content-MD5": ""}
        if method == "HEAD" or (method == "GET" and query.get("comp") != "list"):
            if path in self.blobs:
                return 200, None, {"Content-Length": "0"}
            return 404, None, {"x-ms-error-code": "BlobNotFound"}
        return 200, None, {}

    def _workspace(self, name: str) -> dict[str, Any]:
        return {
            "id": WS_ID,
            "name": name,
            "type": "Microsoft.MachineLearningServices/workspaces",
            "location": "westeurope",
            "identity": {"type": "SystemAssigned"},
            "properties": {
                "discoveryUrl": f"{API_HOST}/discovery",
                "workspaceId": "11111111-2222-3333-4444-555555555555",
            },
        }

    def _schedule(self, method: str, path: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        key = path.lower()
        name = path.rsplit("/", 1)[1]
        if method == "PUT":
            stored = json.loads(json.dumps(body))
            stored.update(id=path, name=name, type="Microsoft.MachineLearningServices/workspaces/schedules")
            if self.async_schedule_failure is not None:
                stored["properties"]["provisioningState"] = "Creating"
                self.resources[key] = stored
                return (
                    201,
                    stored,
                    {"Azure-AsyncOperation": "https://management.azure.com/operations/op-1", "Retry-After": "0"},
                )
            stored["properties"]["provisioningState"] = "Succeeded"
            stored["properties"].setdefault("isEnabled", True)
            self.resources[key] = stored
            return 200, stored, {}
        if method == "GET":
            if key in self.resources:
                return 200, self.resources[key], {}
            return self._error(404, "UserError", f"Schedule {name} not found.")
        if method == "DELETE":
            if self.resources.pop(key, None) is None:
                return 204, None, {}
            return 200, None, {}
        return self._error(405, "MethodNotAllowed", method)

    def _resource(self, method: str, path: str, body: Any, *, kind: str) -> tuple[int, Any, dict[str, str]]:
        key = path.lower()
        name = path.rsplit("/", 1)[1]
        if method == "PUT":
            stored = json.loads(json.dumps(body))
            stored.update(id=path, name=name)
            if kind == "insights":
                stored["type"] = "Microsoft.Insights/" + path.split("/Microsoft.Insights/")[1].split("/")[0]
            self.resources[key] = stored
            return 200, stored, {}
        if method == "GET":
            if key in self.resources:
                return 200, self.resources[key], {}
            what = path.split("/providers/", 1)[-1]
            return self._error(
                404, "ResourceNotFound", f"The Resource '{what}' under resource group '{RG}' was not found."
            )
        if method == "DELETE":
            return (200 if self.resources.pop(key, None) is not None else 204), None, {}
        return self._error(405, "MethodNotAllowed", method)

    def _dataplane(self, method: str, path: str, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        if path == "/discovery":
            return 200, {"api": API_HOST, "catalog": API_HOST, "experimentation": API_HOST, "history": API_HOST}, {}
        if path.endswith("/datadrifts") and method == "GET":
            return 200, self.v1_monitors, {}
        return self._error(404, "NotFound", f"no route {method} {path}")


def transport_for(fake: FakeARM) -> RequestsTransport:
    """azure-core's own RequestsTransport over a session whose https adapter is the fake."""
    session = requests.Session()
    session.mount("https://", fake)
    return RequestsTransport(session=session, session_owner=False)


def as_schedule(body: dict[str, Any], name: str) -> Any:
    """A REST body read back by azure-ai-ml's own REST model into a MonitorSchedule entity."""
    from azure.ai.ml._restclient.arm_ml_service.models import Schedule as RestSchedule
    from azure.ai.ml.entities import MonitorSchedule

    return MonitorSchedule._from_rest_object(RestSchedule({**body, "name": name}))
