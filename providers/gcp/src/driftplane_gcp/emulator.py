"""An emulator of Cloud Monitoring, Cloud Scheduler and Cloud Run jobs, offered to users on purpose.

Google ships no emulator for these APIs and the monitoring client has no REST transport, so
this package offers one: to try the gcp provider without a project
(``python -m driftplane_gcp.emulator``, then ``DRIFTPLANE_GCP_EMULATOR_HOST=127.0.0.1:PORT``),
and to test code that deploys or reads driftplane monitors, as driftplane's own tests do,
with the real, unmodified Google clients over gRPC (``GoogleCloudEmulator().start()``). It
is documented in docs/providers/gcp.md. The provider never imports it: only the variable
points the clients at it.

It keeps state and enforces the documented rules that matter to a writer: at most 200
series per CreateTimeSeries, exactly one point per series, points newer than the last one
and at most 25 h old, label keys and values within limits, writable resource types, alert
conditions with COMPARISON_GT/LT only, whole-minute durations and 60-90,000 s alignment
periods, channels that exist, no deleting a channel a policy uses, and Google's user-label
rules on policies, channels and Cloud Run jobs. It is not Google: it does not evaluate
alert policies, send notifications or run jobs.

The generated monitoring, scheduler and run packages ship proto-plus types but no
``*_pb2_grpc`` servicer modules, so the methods are registered with
``grpc.method_handlers_generic_handler`` under the service names the generated transports
call (``/google.monitoring.v3.MetricService/CreateTimeSeries`` ...).
"""

from __future__ import annotations

import re
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.api import label_pb2, metric_pb2
from google.cloud import monitoring_v3 as m
from google.cloud import run_v2, scheduler_v1
from google.longrunning import operations_pb2
from google.protobuf import any_pb2, empty_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from driftplane_gcp.resources import RESOURCE_LABELS, WRITABLE_RESOURCES

MAX_SERIES = 200
MAX_LABELS = 30
MAX_LABEL_KEY = 100
MAX_LABEL_VALUE = 1024
MAX_TYPE = 200
MAX_FILTER = 2048
MAX_AGE = 25 * 3600 + 10  # "Data points cannot be written more than 25h10s in the past."
MAX_AHEAD = 5 * 60
LABEL_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
USER_LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
USER_LABEL_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")
MAX_USER_LABELS = 64
MAX_DESCRIPTION = 500
RUN_JOB_ID = re.compile(r"^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$")
SCHEDULER_JOB_ID = re.compile(r"^[A-Za-z0-9_-]{1,500}$")
CHANNEL_LABELS = {
    "email": ({"email_address"}, set()),
    "slack": ({"channel_name", "auth_token"}, {"team"}),
    "webhook_tokenauth": ({"url"}, set()),
    "webhook_basicauth": ({"url", "username", "password"}, set()),
    "pubsub": ({"topic"}, set()),
    "sms": ({"number"}, set()),
}
SENSITIVE = ("auth_token", "password")
SERVICES = {
    "google.monitoring.v3.MetricService": "monitoring.googleapis.com",
    "google.monitoring.v3.AlertPolicyService": "monitoring.googleapis.com",
    "google.monitoring.v3.NotificationChannelService": "monitoring.googleapis.com",
    "google.cloud.scheduler.v1.CloudScheduler": "cloudscheduler.googleapis.com",
    "google.cloud.run.v2.Jobs": "run.googleapis.com",
}


class Abort(Exception):
    """Raised inside a handler to answer with a status (and optional details)."""

    def __init__(self, code: grpc.StatusCode, message: str, details: Iterable[Any] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = list(details)


def _serialize(message: Any) -> bytes:
    if hasattr(message, "SerializeToString"):
        return bytes(message.SerializeToString())
    return bytes(type(message).serialize(message))


def _seconds(timestamp: Any) -> float:
    """A proto-plus timestamp (datetime) or None as epoch seconds."""
    return float(timestamp.timestamp()) if timestamp else 0.0


@dataclass
class Fault:
    code: grpc.StatusCode
    message: str
    times: int
    details: list[Any] = field(default_factory=list)


@dataclass
class StoredSeries:
    metric_type: str
    metric_labels: dict[str, str]
    resource_type: str
    resource_labels: dict[str, str]
    value_type: int
    points: list[m.Point] = field(default_factory=list)  # oldest first


class GoogleCloudEmulator:
    """The state and the handlers; ``start()`` serves them on 127.0.0.1."""

    def __init__(self, *, min_point_interval: float = 5.0, clock: Callable[[], float] = time.time) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.min_point_interval = min_point_interval
        self.descriptors: dict[str, metric_pb2.MetricDescriptor] = {}
        self.series: dict[tuple[Any, ...], StoredSeries] = {}
        self.policies: dict[str, m.AlertPolicy] = {}
        self.channels: dict[str, m.NotificationChannel] = {}
        self.scheduler_jobs: dict[str, scheduler_v1.Job] = {}
        self.run_jobs: dict[str, run_v2.Job] = {}
        self.calls: list[tuple[str, Any]] = []
        self.faults: dict[str, list[Fault]] = {}
        self.disabled: set[str] = set()
        self.server: grpc.Server | None = None
        self.address = ""

    # --- control ------------------------------------------------------------------------

    def fail(
        self, method: str, code: grpc.StatusCode, message: str, *, times: int = 1, details: Iterable[Any] = ()
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (e.g. 'CreateTimeSeries') with an error."""
        self.faults.setdefault(method, []).append(Fault(code, message, times, list(details)))

    def disable_api(self, service: str) -> None:
        """Answer every call to ``service`` (e.g. 'monitoring.googleapis.com') as a disabled API."""
        self.disabled.add(service)

    def called(self, method: str) -> list[Any]:
        return [request for name, request in self.calls if name == method]

    def start(self, port: int = 0) -> str:
        """Serve on 127.0.0.1 (any free port by default); returns 'host:port'."""
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        server.add_generic_rpc_handlers(self._handlers())
        port = server.add_insecure_port(f"127.0.0.1:{port}")
        server.start()
        self.server = server
        self.address = f"127.0.0.1:{port}"
        return self.address

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop(grace=None)
            self.server = None

    # --- plumbing -----------------------------------------------------------------------

    def _wrap(self, service: str, method: str, fn: Callable[[Any], Any]) -> Callable[[Any, grpc.ServicerContext], Any]:
        def handler(request: Any, context: grpc.ServicerContext) -> Any:
            with self.lock:
                self.calls.append((method, request))
                try:
                    self._check_faults(service, method)
                    return fn(request)
                except Abort as exc:
                    status = status_pb2.Status(code=exc.code.value[0], message=exc.message)
                    for detail in exc.details:
                        packed = any_pb2.Any()
                        packed.Pack(detail)
                        status.details.append(packed)
                    context.abort_with_status(rpc_status.to_status(status))
            raise AssertionError("unreachable")

        return handler

    def _check_faults(self, service: str, method: str) -> None:
        api = SERVICES[service]
        if api in self.disabled:
            project = "the-project"
            raise Abort(
                grpc.StatusCode.PERMISSION_DENIED,
                f"{api} has not been used in project {project} before or it is disabled. Enable it by "
                f"visiting https://console.developers.google.com/apis/api/{api}/overview?project={project} then retry.",
                [
                    error_details_pb2.ErrorInfo(
                        reason="SERVICE_DISABLED",
                        domain="googleapis.com",
                        metadata={"service": api, "consumer": f"projects/{project}"},
                    )
                ],
            )
        queue = self.faults.get(method)
        if queue:
            fault = queue[0]
            fault.times -= 1
            if fault.times <= 0:
                queue.pop(0)
            raise Abort(fault.code, fault.message, fault.details)

    def _handlers(self) -> list[grpc.GenericRpcHandler]:
        table: dict[str, dict[str, tuple[Callable[[Any], Any], Any]]] = {
            "google.monitoring.v3.MetricService": {
                "CreateMetricDescriptor": (self.create_descriptor, m.CreateMetricDescriptorRequest),
                "GetMetricDescriptor": (self.get_descriptor, m.GetMetricDescriptorRequest),
                "ListMetricDescriptors": (self.list_descriptors, m.ListMetricDescriptorsRequest),
                "DeleteMetricDescriptor": (self.delete_descriptor, m.DeleteMetricDescriptorRequest),
                "CreateTimeSeries": (self.create_time_series, m.CreateTimeSeriesRequest),
                "ListTimeSeries": (self.list_time_series, m.ListTimeSeriesRequest),
            },
            "google.monitoring.v3.AlertPolicyService": {
                "CreateAlertPolicy": (self.create_policy, m.CreateAlertPolicyRequest),
                "GetAlertPolicy": (self.get_policy, m.GetAlertPolicyRequest),
                "ListAlertPolicies": (self.list_policies, m.ListAlertPoliciesRequest),
                "UpdateAlertPolicy": (self.update_policy, m.UpdateAlertPolicyRequest),
                "DeleteAlertPolicy": (self.delete_policy, m.DeleteAlertPolicyRequest),
            },
            "google.monitoring.v3.NotificationChannelService": {
                "CreateNotificationChannel": (self.create_channel, m.CreateNotificationChannelRequest),
                "GetNotificationChannel": (self.get_channel, m.GetNotificationChannelRequest),
                "ListNotificationChannels": (self.list_channels, m.ListNotificationChannelsRequest),
                "UpdateNotificationChannel": (self.update_channel, m.UpdateNotificationChannelRequest),
                "DeleteNotificationChannel": (self.delete_channel, m.DeleteNotificationChannelRequest),
            },
            "google.cloud.scheduler.v1.CloudScheduler": {
                "CreateJob": (self.create_scheduler_job, scheduler_v1.CreateJobRequest),
                "GetJob": (self.get_scheduler_job, scheduler_v1.GetJobRequest),
                "ListJobs": (self.list_scheduler_jobs, scheduler_v1.ListJobsRequest),
                "UpdateJob": (self.update_scheduler_job, scheduler_v1.UpdateJobRequest),
                "DeleteJob": (self.delete_scheduler_job, scheduler_v1.DeleteJobRequest),
            },
            "google.cloud.run.v2.Jobs": {
                "CreateJob": (self.create_run_job, run_v2.CreateJobRequest),
                "GetJob": (self.get_run_job, run_v2.GetJobRequest),
                "ListJobs": (self.list_run_jobs, run_v2.ListJobsRequest),
                "UpdateJob": (self.update_run_job, run_v2.UpdateJobRequest),
                "DeleteJob": (self.delete_run_job, run_v2.DeleteJobRequest),
            },
        }
        handlers = []
        for service, methods in table.items():
            handlers.append(
                grpc.method_handlers_generic_handler(
                    service,
                    {
                        name: grpc.unary_unary_rpc_method_handler(
                            self._wrap(service, name, fn),
                            request_deserializer=request_type.deserialize,
                            response_serializer=_serialize,
                        )
                        for name, (fn, request_type) in methods.items()
                    },
                )
            )
        return handlers

    @staticmethod
    def _invalid(message: str) -> Abort:
        return Abort(grpc.StatusCode.INVALID_ARGUMENT, message)

    @staticmethod
    def _not_found(what: str) -> Abort:
        return Abort(grpc.StatusCode.NOT_FOUND, f"{what} does not exist")

    # --- metric descriptors -------------------------------------------------------------

    def _check_type(self, metric_type: str) -> None:
        if not metric_type.startswith(("custom.googleapis.com/", "external.googleapis.com/")):
            raise self._invalid(f"Metric type {metric_type} is not a user-defined metric type")
        if len(metric_type) > MAX_TYPE:
            raise self._invalid(f"Metric type {metric_type} is longer than {MAX_TYPE} characters")

    def _check_label_keys(self, keys: Iterable[str], what: str) -> None:
        keys = list(keys)
        if len(keys) > MAX_LABELS:
            raise self._invalid(f"{what} has {len(keys)} labels; at most {MAX_LABELS} are allowed")
        for key in keys:
            if not LABEL_KEY.match(key) or len(key) > MAX_LABEL_KEY:
                raise self._invalid(f"{what}: label key '{key}' is not valid")

    def create_descriptor(self, request: m.CreateMetricDescriptorRequest) -> metric_pb2.MetricDescriptor:
        md = request.metric_descriptor
        self._check_type(md.type)
        self._check_label_keys([label.key for label in md.labels], f"Metric descriptor {md.type}")
        existing = self.descriptors.get(md.type)
        if existing is not None:  # updated, but labels are never removed
            keys = {label.key for label in md.labels}
            for label in existing.labels:
                if label.key not in keys:
                    md.labels.append(label)
        md.name = f"{request.name}/metricDescriptors/{md.type}"
        self.descriptors[md.type] = md
        return md

    def get_descriptor(self, request: m.GetMetricDescriptorRequest) -> metric_pb2.MetricDescriptor:
        for md in self.descriptors.values():
            if md.name == request.name:
                return md
        raise self._not_found(f"Metric descriptor {request.name}")

    def list_descriptors(self, request: m.ListMetricDescriptorsRequest) -> m.ListMetricDescriptorsResponse:
        selected = [md for md in self.descriptors.values() if _matches(request.filter, {"metric.type": md.type})]
        return m.ListMetricDescriptorsResponse(metric_descriptors=selected)

    def delete_descriptor(self, request: m.DeleteMetricDescriptorRequest) -> empty_pb2.Empty:
        for metric_type, md in list(self.descriptors.items()):
            if md.name == request.name:
                del self.descriptors[metric_type]
                for key in [k for k, s in self.series.items() if s.metric_type == metric_type]:
                    del self.series[key]
                return empty_pb2.Empty()
        raise self._not_found(f"Metric descriptor {request.name}")

    # --- time series --------------------------------------------------------------------

    def create_time_series(self, request: m.CreateTimeSeriesRequest) -> empty_pb2.Empty:
        if len(request.time_series) > MAX_SERIES:
            raise self._invalid(
                "The maximum number of TimeSeries objects per Create "
                f"request is {MAX_SERIES}; got {len(request.time_series)}"
            )
        now = self.clock()
        seen: set[tuple[Any, ...]] = set()
        accepted: list[tuple[tuple[Any, ...], m.TimeSeries]] = []
        for index, ts in enumerate(request.time_series):
            where = f"timeSeries[{index}]"
            if len(ts.points) != 1:
                raise self._invalid(
                    f"One or more TimeSeries could not be written: {where} "
                    f"must have exactly one point, not {len(ts.points)}"
                )
            self._check_type(ts.metric.type)
            labels = dict(ts.metric.labels)
            self._check_label_keys(labels, f"{where} metric {ts.metric.type}")
            for key, value in labels.items():
                if len(value) > MAX_LABEL_VALUE:
                    raise self._invalid(
                        f"{where}: the value of label {key} is longer than {MAX_LABEL_VALUE} characters"
                    )
            resource = ts.resource
            if resource.type not in WRITABLE_RESOURCES:
                raise self._invalid(
                    f"{where}: Metrics cannot be written to {resource.type}. See "
                    "https://cloud.google.com/monitoring/custom-metrics/creating-metrics#which-resource"
                )
            needed = set(RESOURCE_LABELS[resource.type])
            have = set(resource.labels)
            if have != needed:
                raise self._invalid(
                    f"{where}: resource {resource.type} needs labels {sorted(needed)}, got {sorted(have)}"
                )
            point = ts.points[0]
            kind_of_value = type(point.value).pb(point.value).WhichOneof("value")
            value_type = {
                "int64_value": metric_pb2.MetricDescriptor.ValueType.INT64,
                "double_value": metric_pb2.MetricDescriptor.ValueType.DOUBLE,
                "bool_value": metric_pb2.MetricDescriptor.ValueType.BOOL,
                "string_value": metric_pb2.MetricDescriptor.ValueType.STRING,
            }.get(kind_of_value or "", 0)
            descriptor = self.descriptors.get(ts.metric.type)
            if descriptor is not None:
                declared = {label.key for label in descriptor.labels}
                unknown = sorted(set(labels) - declared)
                if unknown:
                    raise self._invalid(f"{where}: labels {unknown} are not in the descriptor of {ts.metric.type}")
                if descriptor.value_type != value_type:
                    raise self._invalid(
                        f"{where}: value type {metric_pb2.MetricDescriptor.ValueType.Name(value_type)} does not match "
                        f"the descriptor's {metric_pb2.MetricDescriptor.ValueType.Name(descriptor.value_type)}"
                    )
                if descriptor.metric_kind != metric_pb2.MetricDescriptor.MetricKind.GAUGE:
                    raise self._invalid(f"{where}: {ts.metric.type} is not a GAUGE metric")
            end = _seconds(point.interval.end_time)
            start = _seconds(point.interval.start_time)
            if start and start != end:
                raise self._invalid(f"{where}: a GAUGE point's start time must equal its end time")
            if end > now + MAX_AHEAD:
                raise self._invalid(
                    f"Field {where}.points[0].interval.end_time had an invalid value: Data points cannot be "
                    "written more than 5m in the future."
                )
            if end < now - MAX_AGE:
                raise self._invalid(
                    f"Field {where}.points[0].interval.end_time had an invalid value: Data points cannot be "
                    "written more than 25h10s in the past."
                )
            key = (ts.metric.type, tuple(sorted(labels.items())), resource.type, tuple(sorted(resource.labels.items())))
            if key in seen:
                raise self._invalid(f"{where}: the same time series appears twice in one request")
            seen.add(key)
            stored = self.series.get(key)
            if stored is not None and stored.points:
                last = _seconds(stored.points[-1].interval.end_time)
                if end <= last:
                    raise self._invalid(
                        f"One or more TimeSeries could not be written: Points must be written in order. One or more "
                        f"of the points specified had an older start time than the most recent point.: {where}"
                    )
                if end - last < self.min_point_interval:
                    raise self._invalid(
                        f"One or more TimeSeries could not be written: One or more points were written more "
                        f"frequently than the maximum sampling period configured for the metric.: {where}"
                    )
            accepted.append((key, ts))
        for key, ts in accepted:
            if ts.metric.type not in self.descriptors:  # auto-created, labels inferred
                point = ts.points[0]
                kind_of_value = type(point.value).pb(point.value).WhichOneof("value")
                self.descriptors[ts.metric.type] = metric_pb2.MetricDescriptor(
                    name=f"{request.name}/metricDescriptors/{ts.metric.type}",
                    type=ts.metric.type,
                    metric_kind=metric_pb2.MetricDescriptor.MetricKind.GAUGE,
                    value_type=metric_pb2.MetricDescriptor.ValueType.INT64
                    if kind_of_value == "int64_value"
                    else metric_pb2.MetricDescriptor.ValueType.DOUBLE,
                    labels=[label_pb2.LabelDescriptor(key=k) for k in ts.metric.labels],
                )
            stored = self.series.setdefault(
                key, StoredSeries(ts.metric.type, dict(ts.metric.labels), ts.resource.type, dict(ts.resource.labels), 0)
            )
            stored.points.append(ts.points[0])
        return empty_pb2.Empty()

    def list_time_series(self, request: m.ListTimeSeriesRequest) -> m.ListTimeSeriesResponse:
        if not request.filter:
            raise self._invalid("Field filter had an invalid value: a filter is required")
        if not request.interval.end_time:
            raise self._invalid("Field interval.endTime had an invalid value: it is required")
        start = _seconds(request.interval.start_time)
        end = _seconds(request.interval.end_time)
        out = []
        for stored in self.series.values():
            fields = {"metric.type": stored.metric_type, "resource.type": stored.resource_type}
            fields.update({f"metric.label.{k}": v for k, v in stored.metric_labels.items()})
            fields.update({f"resource.label.{k}": v for k, v in stored.resource_labels.items()})
            if not _matches(request.filter, fields):
                continue
            points = [p for p in stored.points if start <= _seconds(p.interval.end_time) <= end]
            if not points:
                continue
            series = m.TimeSeries(
                metric=metric_pb2.Metric(type=stored.metric_type, labels=stored.metric_labels),
                resource={"type": stored.resource_type, "labels": stored.resource_labels},
                metric_kind=metric_pb2.MetricDescriptor.MetricKind.GAUGE,
                value_type=stored.value_type or self.descriptors[stored.metric_type].value_type,
            )
            if request.view == m.ListTimeSeriesRequest.TimeSeriesView.FULL:
                series.points = list(reversed(points))  # newest first, as Google answers
            out.append(series)
        return m.ListTimeSeriesResponse(time_series=out)

    def _check_user_labels(self, labels: Any, what: str) -> None:
        """Google's label rules: at most 64, keys [a-z][a-z0-9_-]{0,62}, values [a-z0-9_-]{0,63}."""
        if len(labels) > MAX_USER_LABELS:
            raise self._invalid(f"{what}: {len(labels)} labels; at most {MAX_USER_LABELS} are allowed")
        for key, value in labels.items():
            if not USER_LABEL_KEY.match(key) or not USER_LABEL_VALUE.match(value):
                raise self._invalid(
                    f"{what}: label {key}={value!r} breaks the label rules (lower-case letters, digits, '_' and '-', "
                    "at most 63 characters, keys starting with a letter)"
                )

    # --- alert policies -----------------------------------------------------------------

    def _check_policy(self, policy: m.AlertPolicy) -> None:
        if not policy.display_name:
            raise self._invalid("AlertPolicy.display_name is required")
        if not 1 <= len(policy.conditions) <= 6:
            raise self._invalid(f"An alert policy has 1 to 6 conditions, not {len(policy.conditions)}")
        if len(policy.conditions) > 1 and policy.combiner == m.AlertPolicy.ConditionCombinerType.COMBINE_UNSPECIFIED:
            raise self._invalid("A combiner is required when a policy has more than one condition")
        for condition in policy.conditions:
            threshold = condition.condition_threshold
            if not threshold.filter:
                raise self._invalid("condition_threshold.filter is required")
            if len(threshold.filter) > MAX_FILTER:
                raise self._invalid(f"The filter is longer than {MAX_FILTER} characters")
            if "metric.type" not in threshold.filter or "resource.type" not in threshold.filter:
                raise self._invalid("The filter must specify the metric type and the resource type")
            _parse(threshold.filter)  # raises Abort on a syntax error
            if threshold.comparison not in (m.ComparisonType.COMPARISON_GT, m.ComparisonType.COMPARISON_LT):
                raise self._invalid(
                    f"Comparison {threshold.comparison.name} is not supported; only COMPARISON_LT and COMPARISON_GT are"
                )
            if threshold.duration and threshold.duration.total_seconds() % 60:
                raise self._invalid("The duration must be a multiple of 60 seconds")
            for aggregation in threshold.aggregations:
                period = aggregation.alignment_period.total_seconds() if aggregation.alignment_period else 0
                if aggregation.per_series_aligner != m.Aggregation.Aligner.ALIGN_NONE and not 60 <= period <= 90_000:
                    raise self._invalid(f"The alignment period must be between 60 and 90000 seconds, not {period:g}")
        for name in policy.notification_channels:
            if name not in self.channels:
                raise self._invalid(f"Notification channel {name} does not exist")
        self._check_user_labels(policy.user_labels, f"Alert policy {policy.display_name!r}")

    def _store_policy(self, policy: m.AlertPolicy, name: str) -> m.AlertPolicy:
        policy.name = name
        for condition in policy.conditions:
            if not condition.name:
                condition.name = f"{name}/conditions/{uuid.uuid4().hex[:12]}"
        self.policies[name] = policy
        return policy

    def create_policy(self, request: m.CreateAlertPolicyRequest) -> m.AlertPolicy:
        policy = request.alert_policy
        if policy.name:
            raise self._invalid("AlertPolicy.name must be empty when creating a policy")
        self._check_policy(policy)
        return self._store_policy(policy, f"{request.name}/alertPolicies/{uuid.uuid4().hex[:16]}")

    def get_policy(self, request: m.GetAlertPolicyRequest) -> m.AlertPolicy:
        if request.name not in self.policies:
            raise self._not_found(f"Alert policy {request.name}")
        return self.policies[request.name]

    def list_policies(self, request: m.ListAlertPoliciesRequest) -> m.ListAlertPoliciesResponse:
        prefix = f"{request.name}/alertPolicies/"
        return m.ListAlertPoliciesResponse(alert_policies=[p for n, p in self.policies.items() if n.startswith(prefix)])

    def update_policy(self, request: m.UpdateAlertPolicyRequest) -> m.AlertPolicy:
        policy = request.alert_policy
        if policy.name not in self.policies:
            raise self._not_found(f"Alert policy {policy.name}")
        if request.update_mask and request.update_mask.paths:
            raise self._invalid("this emulator supports full replacement only (an empty update_mask)")
        self._check_policy(policy)
        return self._store_policy(policy, policy.name)

    def delete_policy(self, request: m.DeleteAlertPolicyRequest) -> empty_pb2.Empty:
        if self.policies.pop(request.name, None) is None:
            raise self._not_found(f"Alert policy {request.name}")
        return empty_pb2.Empty()

    # --- notification channels ----------------------------------------------------------

    def _check_channel(self, channel: m.NotificationChannel) -> None:
        if channel.type_ not in CHANNEL_LABELS:
            raise self._invalid(f"Unknown notification channel type '{channel.type_}'")
        required, optional = CHANNEL_LABELS[channel.type_]
        labels = set(channel.labels)
        if not required <= labels:
            raise self._invalid(f"Channel type {channel.type_} needs labels {sorted(required - labels)}")
        if labels - required - optional:
            raise self._invalid(f"Channel type {channel.type_} has no labels {sorted(labels - required - optional)}")
        self._check_user_labels(channel.user_labels, f"Notification channel {channel.display_name!r}")

    @staticmethod
    def _shown(channel: m.NotificationChannel) -> m.NotificationChannel:
        """Sensitive labels are obfuscated in responses, as Google does."""
        copy = m.NotificationChannel.deserialize(m.NotificationChannel.serialize(channel))
        for key in SENSITIVE:
            if key in copy.labels:
                copy.labels[key] = "*" * 10
        return copy

    def create_channel(self, request: m.CreateNotificationChannelRequest) -> m.NotificationChannel:
        channel = request.notification_channel
        self._check_channel(channel)
        channel.name = f"{request.name}/notificationChannels/{uuid.uuid4().int % 10**19}"
        channel.verification_status = m.NotificationChannel.VerificationStatus.UNVERIFIED  # type: ignore[assignment]
        self.channels[channel.name] = channel
        return self._shown(channel)

    def get_channel(self, request: m.GetNotificationChannelRequest) -> m.NotificationChannel:
        if request.name not in self.channels:
            raise self._not_found(f"Notification channel {request.name}")
        return self._shown(self.channels[request.name])

    def list_channels(self, request: m.ListNotificationChannelsRequest) -> m.ListNotificationChannelsResponse:
        prefix = f"{request.name}/notificationChannels/"
        return m.ListNotificationChannelsResponse(
            notification_channels=[self._shown(c) for n, c in self.channels.items() if n.startswith(prefix)]
        )

    def update_channel(self, request: m.UpdateNotificationChannelRequest) -> m.NotificationChannel:
        channel = request.notification_channel
        if channel.name not in self.channels:
            raise self._not_found(f"Notification channel {channel.name}")
        self._check_channel(channel)
        self.channels[channel.name] = channel
        return self._shown(channel)

    def delete_channel(self, request: m.DeleteNotificationChannelRequest) -> empty_pb2.Empty:
        if request.name not in self.channels:
            raise self._not_found(f"Notification channel {request.name}")
        users = [p.name for p in self.policies.values() if request.name in p.notification_channels]
        if users and not request.force:
            raise Abort(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"Notification channel {request.name} is referenced by alert policies {users}; use force to delete it",
            )
        del self.channels[request.name]
        return empty_pb2.Empty()

    # --- Cloud Scheduler ----------------------------------------------------------------

    def create_scheduler_job(self, request: scheduler_v1.CreateJobRequest) -> scheduler_v1.Job:
        from croniter import croniter

        job = request.job
        if not job.name.startswith(f"{request.parent}/jobs/"):
            raise self._invalid(f"Job name {job.name} is not under {request.parent}")
        if not SCHEDULER_JOB_ID.match(job.name.rsplit("/", 1)[1]):
            raise self._invalid(f"Job id in {job.name} is not valid")
        if job.name in self.scheduler_jobs:
            raise Abort(grpc.StatusCode.ALREADY_EXISTS, f"Job {job.name} already exists")
        if not job.schedule or not croniter.is_valid(job.schedule):
            raise self._invalid(f"Schedule '{job.schedule}' is not a valid cron expression")
        if not job.http_target.uri.startswith("https://"):
            raise self._invalid("http_target.uri must be an https URL")
        self._check_description(job)
        job.state = scheduler_v1.Job.State.ENABLED  # type: ignore[assignment]
        job.time_zone = job.time_zone or "Etc/UTC"
        self.scheduler_jobs[job.name] = job
        return job

    def _check_description(self, job: scheduler_v1.Job) -> None:
        if len(job.description) > MAX_DESCRIPTION:
            raise self._invalid(f"Job description is {len(job.description)} characters; at most {MAX_DESCRIPTION}")

    def get_scheduler_job(self, request: scheduler_v1.GetJobRequest) -> scheduler_v1.Job:
        if request.name not in self.scheduler_jobs:
            raise self._not_found(f"Job {request.name}")
        return self.scheduler_jobs[request.name]

    def list_scheduler_jobs(self, request: scheduler_v1.ListJobsRequest) -> scheduler_v1.ListJobsResponse:
        prefix = f"{request.parent}/jobs/"
        return scheduler_v1.ListJobsResponse(jobs=[j for n, j in self.scheduler_jobs.items() if n.startswith(prefix)])

    def update_scheduler_job(self, request: scheduler_v1.UpdateJobRequest) -> scheduler_v1.Job:
        job = request.job
        if job.name not in self.scheduler_jobs:
            raise self._not_found(f"Job {job.name}")
        self._check_description(job)
        job.state = self.scheduler_jobs[job.name].state
        self.scheduler_jobs[job.name] = job
        return job

    def delete_scheduler_job(self, request: scheduler_v1.DeleteJobRequest) -> empty_pb2.Empty:
        if self.scheduler_jobs.pop(request.name, None) is None:
            raise self._not_found(f"Job {request.name}")
        return empty_pb2.Empty()

    # --- Cloud Run jobs (long-running operations answered as already done) --------------

    @staticmethod
    def _operation(parent: str, job: run_v2.Job) -> operations_pb2.Operation:
        packed = any_pb2.Any()
        packed.Pack(run_v2.Job.pb(job))
        return operations_pb2.Operation(name=f"{parent}/operations/{uuid.uuid4()}", done=True, response=packed)

    def _check_run_job(self, job: run_v2.Job) -> None:
        containers = job.template.template.containers
        if not containers or not containers[0].image:
            raise self._invalid("template.template.containers[0].image is required")
        self._check_user_labels(job.labels, f"Job {job.name or 'being created'}")

    def create_run_job(self, request: run_v2.CreateJobRequest) -> operations_pb2.Operation:
        if not RUN_JOB_ID.match(request.job_id):
            raise self._invalid(f"Job id '{request.job_id}' is not valid")
        name = f"{request.parent}/jobs/{request.job_id}"
        if name in self.run_jobs:
            raise Abort(grpc.StatusCode.ALREADY_EXISTS, f"Resource '{request.job_id}' already exists")
        job = request.job
        if job.name:
            raise self._invalid("Job.name must be empty on create; it comes from job_id")
        self._check_run_job(job)
        job.name = name
        job.uid = str(uuid.uuid4())
        job.generation = 1
        self.run_jobs[name] = job
        return self._operation(request.parent, job)

    def get_run_job(self, request: run_v2.GetJobRequest) -> run_v2.Job:
        if request.name not in self.run_jobs:
            raise self._not_found(f"Job {request.name}")
        return self.run_jobs[request.name]

    def list_run_jobs(self, request: run_v2.ListJobsRequest) -> run_v2.ListJobsResponse:
        prefix = f"{request.parent}/jobs/"
        return run_v2.ListJobsResponse(jobs=[j for n, j in self.run_jobs.items() if n.startswith(prefix)])

    def update_run_job(self, request: run_v2.UpdateJobRequest) -> operations_pb2.Operation:
        job = request.job
        old = self.run_jobs.get(job.name)
        if old is None:
            raise self._not_found(f"Job {job.name}")
        self._check_run_job(job)
        job.uid = old.uid
        job.generation = old.generation + 1
        self.run_jobs[job.name] = job
        return self._operation(job.name.rsplit("/jobs/", 1)[0], job)

    def delete_run_job(self, request: run_v2.DeleteJobRequest) -> operations_pb2.Operation:
        job = self.run_jobs.pop(request.name, None)
        if job is None:
            raise self._not_found(f"Job {request.name}")
        return self._operation(request.name.rsplit("/jobs/", 1)[0], job)


# --- a small filter language: `a = "x" AND b = starts_with("y") AND c = one_of("p", "q")` ----

_CLAUSE = re.compile(
    r"""\s*(?P<field>[a-z_.]+(?:\."[^"]+")?)\s*=\s*"""
    r"""(?:(?P<fn>starts_with|one_of)\s*\((?P<args>(?:\s*"(?:[^"\\]|\\.)*"\s*,?)+)\)|"(?P<value>(?:[^"\\]|\\.)*)")\s*"""
)
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _parse(text: str) -> list[tuple[str, str, list[str]]]:
    clauses = []
    for part in re.split(r"\s+AND\s+", text.strip()):
        match = _CLAUSE.fullmatch(part)
        if match is None:
            raise Abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"Field filter had an invalid value of \"{text}\": cannot parse '{part}'",
            )
        field_name = match["field"].replace('"', "").replace("metric.labels.", "metric.label.")
        if match["fn"]:
            values = [_unescape(v) for v in _STRING.findall(match["args"])]
            clauses.append((field_name, match["fn"], values))
        else:
            clauses.append((field_name, "eq", [_unescape(match["value"])]))
    return clauses


def _matches(text: str, fields: dict[str, str]) -> bool:
    if not text:
        return True
    for field_name, op, values in _parse(text):
        have = fields.get(field_name)
        if have is None:
            return False
        if op == "starts_with" and not have.startswith(values[0]):
            return False
        if op in ("eq", "one_of") and have not in values:
            return False
    return True


def main(argv: list[str] | None = None) -> None:
    """``python -m driftplane_gcp.emulator [--port N]``: serve until interrupted."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m driftplane_gcp.emulator",
        description="An emulator of Cloud Monitoring, Cloud Scheduler and Cloud "
        "Run jobs on 127.0.0.1, for trying driftplane-gcp offline.",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free one)")
    args = parser.parse_args(argv)
    emulator = GoogleCloudEmulator()
    address = emulator.start(port=args.port)
    sys.stdout.write(f"export DRIFTPLANE_GCP_EMULATOR_HOST={address}\n")  # for eval in a shell
    sys.stdout.flush()
    try:
        assert emulator.server is not None
        emulator.server.wait_for_termination()
    except KeyboardInterrupt:
        emulator.stop()


if __name__ == "__main__":
    main()

