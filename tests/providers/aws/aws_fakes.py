"""Stand-ins for the SageMaker calls moto lacks, and a recorder that checks every request strictly.

``FakeMonitoring`` answers CreateMonitoringSchedule and friends, ListMonitoringExecutions
and UpdateEndpoint the way botocore's Stubber does (a ``before-call`` handler returning a
response, validated against the operation's output shape), but keeps state, so apply, plan
and destroy can be exercised as a sequence. Every other call goes on to the moto server.
``RequestLog`` records each request sent and checks it against the service model with
enums, patterns and lengths (the Stubber checks names and types only).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.validate import validate_parameters

from driftplane_aws.servicemodel import request_problems

HANDLED = (
    "CreateMonitoringSchedule",
    "DescribeMonitoringSchedule",
    "UpdateMonitoringSchedule",
    "DeleteMonitoringSchedule",
    "ListMonitoringSchedules",
    "ListMonitoringExecutions",
    "UpdateEndpoint",
    "ListTags",
)


class FakeError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass
class RequestLog:
    """Every request (service, operation, params) and the strict problems found in any."""

    requests: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def attach(self, client: Any) -> None:
        service = client.meta.service_model.service_name

        def record(params: dict[str, Any], model: Any, **_: Any) -> None:
            body = copy.deepcopy(params)
            self.requests.append((service, model.name, body))
            for problem in request_problems(service, model.name, body):
                self.problems.append(f"{service}:{model.name}: {problem}")

        client.meta.events.register_first(
            f"before-parameter-build.{client.meta.service_model.service_id.hyphenize()}.*", record
        )

    def operations(self, service: str | None = None) -> list[str]:
        return [op for s, op, _ in self.requests if service is None or s == service]

    def mutations(self) -> list[str]:
        reads = ("Describe", "List", "Get", "Head")
        return [op for _, op, _ in self.requests if not op.startswith(reads)]

    def clear(self) -> None:
        self.requests.clear()


@dataclass
class FakeMonitoring:
    """Monitoring schedules, executions and endpoint updates, kept in memory."""

    region: str = "us-east-1"
    account: str = "123456789012"
    schedules: dict[str, dict[str, Any]] = field(default_factory=dict)
    executions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    endpoint_updates: list[dict[str, Any]] = field(default_factory=list)
    status_after_create: str = "Scheduled"
    failure_reason: str | None = None
    fail: dict[str, FakeError] = field(default_factory=dict)  # operation -> error to raise once

    def attach(self, client: Any) -> None:
        if client.meta.service_model.service_name != "sagemaker":
            return
        client.meta.events.register("before-parameter-build.sagemaker.*", self._remember)
        client.meta.events.register("before-call.sagemaker.*", self._answer)
        self._client = client

    def _remember(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["fake_params"] = copy.deepcopy(params)

    def _answer(self, model: Any, context: dict[str, Any], **_: Any) -> Any:
        if model.name not in HANDLED:
            return None
        params = context.get("fake_params", {})
        error = self.fail.pop(model.name, None)
        try:
            if error is not None:
                raise error
            parsed = getattr(self, "_" + model.name)(params)
        except FakeError as exc:
            return AWSResponse(None, exc.status, {}, None), {
                "Error": {"Code": exc.code, "Message": exc.message},
                "ResponseMetadata": {"HTTPStatusCode": exc.status, "RetryAttempts": 0},
            }
        if parsed is None:  # not ours (ListTags of a moto resource): let moto answer
            return None
        if model.output_shape is not None:
            validate_parameters(parsed, model.output_shape)  # as the Stubber does
        parsed.setdefault("ResponseMetadata", {"HTTPStatusCode": 200, "RetryAttempts": 0})
        return AWSResponse(None, 200, {}, None), parsed

    def _arn(self, name: str) -> str:
        return f"arn:aws:sagemaker:{self.region}:{self.account}:monitoring-schedule/{name}"

    def _get(self, name: str) -> dict[str, Any]:
        if name not in self.schedules:
            raise FakeError("ResourceNotFound", f"Monitoring Schedule {self._arn(name)} not found")
        return self.schedules[name]

    def _CreateMonitoringSchedule(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params["MonitoringScheduleName"]
        if name in self.schedules:
            raise FakeError("ResourceInUse", f"Monitoring Schedule {self._arn(name)} already exists")
        now = datetime.now(UTC)
        self.schedules[name] = {
            "MonitoringScheduleArn": self._arn(name),
            "MonitoringScheduleName": name,
            "MonitoringScheduleStatus": "Pending",
            "MonitoringType": params["MonitoringScheduleConfig"].get("MonitoringType", "DataQuality"),
            "CreationTime": now,
            "LastModifiedTime": now,
            "MonitoringScheduleConfig": params["MonitoringScheduleConfig"],
            "_tags": params.get("Tags", []),
        }
        return {"MonitoringScheduleArn": self._arn(name)}

    def _settle(self, schedule: dict[str, Any]) -> None:
        if schedule["MonitoringScheduleStatus"] == "Pending" and self.status_after_create != "Pending":
            schedule["MonitoringScheduleStatus"] = self.status_after_create
            if self.failure_reason:
                schedule["FailureReason"] = self.failure_reason

    def _DescribeMonitoringSchedule(self, params: dict[str, Any]) -> dict[str, Any]:
        schedule = self._get(params["MonitoringScheduleName"])
        out = {k: v for k, v in schedule.items() if not k.startswith("_")}
        self._settle(schedule)
        return copy.deepcopy(out)

    def _UpdateMonitoringSchedule(self, params: dict[str, Any]) -> dict[str, Any]:
        schedule = self._get(params["MonitoringScheduleName"])
        schedule["MonitoringScheduleConfig"] = params["MonitoringScheduleConfig"]
        schedule["MonitoringScheduleStatus"] = "Pending"
        schedule["LastModifiedTime"] = datetime.now(UTC)
        return {"MonitoringScheduleArn": schedule["MonitoringScheduleArn"]}

    def _DeleteMonitoringSchedule(self, params: dict[str, Any]) -> dict[str, Any]:
        self._get(params["MonitoringScheduleName"])
        del self.schedules[params["MonitoringScheduleName"]]
        return {}

    def _ListMonitoringSchedules(self, params: dict[str, Any]) -> dict[str, Any]:
        """NameContains as SageMaker applies it; one page, unless MaxResults asks for less (then a NextToken)."""
        found = sorted(name for name in self.schedules if params.get("NameContains", "") in name)
        start = int(params.get("NextToken", "0"))
        size = params.get("MaxResults", 100)
        page = found[start : start + size]
        summaries = [
            {
                k: self.schedules[name][k]
                for k in (
                    "MonitoringScheduleName",
                    "MonitoringScheduleArn",
                    "CreationTime",
                    "LastModifiedTime",
                    "MonitoringScheduleStatus",
                    "MonitoringType",
                )
            }
            for name in page
        ]
        out: dict[str, Any] = {"MonitoringScheduleSummaries": summaries}
        if start + size < len(found):
            out["NextToken"] = str(start + size)
        return out

    def _ListMonitoringExecutions(self, params: dict[str, Any]) -> dict[str, Any]:
        found = list(self.executions.get(params.get("MonitoringScheduleName", ""), []))
        found.sort(key=lambda e: e["ScheduledTime"], reverse=params.get("SortOrder") == "Descending")
        return {"MonitoringExecutionSummaries": found[: params.get("MaxResults", 10)]}

    def _UpdateEndpoint(self, params: dict[str, Any]) -> dict[str, Any]:
        self.endpoint_updates.append(params)
        return {
            "EndpointArn": f"arn:aws:sagemaker:{self.region}:{self.account}:endpoint/{params['EndpointName'].lower()}"
        }

    def _ListTags(self, params: dict[str, Any]) -> dict[str, Any] | None:
        for schedule in self.schedules.values():
            if schedule["MonitoringScheduleArn"] == params["ResourceArn"]:
                return {"Tags": schedule["_tags"]}
        return None
