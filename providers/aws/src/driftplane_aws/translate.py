"""A resolved monitor as the exact AWS requests that make it real.

Nothing here talks to AWS, and nothing is decided here: given the settings, the region and
account, and (when known) the baseline's features, each function translates what
``driftplane.resolved`` decided (windows, tags, alert identity, channels, drift rules) into
request bodies exactly as they will be sent. ``plan --offline`` prints them as they are;
plain ``plan`` compares them with what exists. Alarms are built in ``alarms.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from driftplane import drift_metrics
from driftplane.provider import Request
from driftplane.resolved import AlertRule, ResolvedMonitor, resolve_monitor
from driftplane.run_metrics import CATALOGUE
from driftplane.spec.models import DataSource, Spec
from driftplane_aws import names
from driftplane_aws.analyzer import analyzer_image, partition_of
from driftplane_aws.channels import Subscription, subscriptions
from driftplane_aws.schedules import sagemaker_cron, scheduler_cron
from driftplane_aws.settings import AwsSettings

ENDPOINT_NAMESPACE = "aws/sagemaker/Endpoints/data-metrics"
BATCH_NAMESPACE = "aws/sagemaker/ModelMonitoring/data-metrics"
DRIFTPLANE_NAMESPACE = "driftplane"
DRIFT_METRIC = "feature_baseline_drift_{feature}"

INPUT_ENDPOINT = "/opt/ml/processing/input/endpoint"
INPUT_BATCH = "/opt/ml/processing/input/batch"
INPUT_SPEC = "/opt/ml/processing/input/spec"
INPUT_BASELINE = "/opt/ml/processing/input/baseline"
OUTPUT = "/opt/ml/processing/output"
JOB_SPEC_FILE = "monitors.yaml"
# driftplane run exits 1 when it found drift; that is a successful job, not a failed one.
JOB_SCRIPT = 'driftplane "$@"; rc=$?; if [ "$rc" -eq 1 ]; then exit 0; fi; exit "$rc"'
SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
EXECUTION_ID = "<aws.scheduler.execution-id>"


def sagemaker_metric(monitor: ResolvedMonitor) -> str:
    """The drift metric SageMaker's analyzer publishes as ``feature_baseline_drift_<feature>``.

    Its L-infinity distance, corrected for sample size with ``comparison_method: robust``
    (driftplane's linf_robust) or not with ``simple`` (linf), numerical and categorical alike:
    the registered metric whose SageMaker equivalent is the monitor's comparison method.
    """
    return metric_for_comparison(monitor.quality.comparison_method)


def metric_for_comparison(method: str) -> str:
    """The metric SageMaker publishes under a constraints.json comparison_method (Robust or Simple)."""
    found = drift_metrics.with_equivalent(drift_metrics.SAGEMAKER, method.capitalize())
    if found is None:
        raise ValueError(f"no drift metric is SageMaker's comparison_method {method}")
    return found.name


def remote_baseline(monitor: ResolvedMonitor) -> tuple[str, str] | None:
    """The user's statistics.json and constraints.json on S3, used as they are.

    None when driftplane writes the files.
    """
    baseline = monitor.baseline
    statistics, constraints = baseline.statistics or "", baseline.constraints or ""
    if baseline.kind == "statistics" and statistics.startswith("s3://") and constraints.startswith("s3://"):
        return statistics, constraints
    return None


def labelled_baseline(monitor: ResolvedMonitor) -> bool:
    """Whether the baseline's rows carry labels the model's quality is computed from (baseline.label)."""
    policy = monitor.performance
    return policy is not None and policy.baseline_label is not None and monitor.baseline.kind == "data"


def data_format(data: str | None, fmt: str) -> str | None:
    """The format of a dataset as its ``format`` or its path's suffix says; None when neither tells."""
    if fmt != "auto":
        return fmt
    name = (data or "").lower().rstrip("/")
    for suffix, found in ((".csv", "csv"), (".parquet", "parquet"), (".jsonl", "jsonl"), (".json", "jsonl")):
        if name.endswith(suffix) or name.endswith(suffix + ".gz"):
            return found
    return None


@dataclass(frozen=True)
class Account:
    """Where requests go: region, account id and partition (for ARNs built offline)."""

    region: str
    account: str

    @property
    def partition(self) -> str:
        return partition_of(self.region)

    def arn(self, service: str, resource: str, *, region: bool = True) -> str:
        return f"arn:{self.partition}:{service}:{self.region if region else ''}:{self.account}:{resource}"


@dataclass
class Translation:
    """What one monitor becomes, plus notes for the person reading the plan.

    pending: why some alarms are not planned yet (their features or kinds are known only
        once a baseline file exists); plan shows them as one waiting change.
    """

    monitor: str
    notes: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    # The labelled baseline's model-quality metric values (relative bounds resolve against them); None: not read.
    quality_baseline: dict[str, float | None] | None = None


@dataclass(frozen=True)
class AlertTopic:
    """The SNS topic (driftplane's own, or the configured one) that an alert's alarms notify."""

    key: str  # AlertRule.key
    slug: str
    name: str | None  # None when settings.sns_topic_arn is used
    arn: str
    subscriptions: tuple[Subscription, ...]

    @property
    def emails(self) -> tuple[str, ...]:
        return tuple(s.endpoint for s in self.subscriptions if s.protocol == "email")


class Translator:
    """Builds the requests of the monitors of one spec from their resolved form."""

    def __init__(self, spec: Spec, settings: AwsSettings, account: Account) -> None:
        self.spec = spec
        self.settings = settings
        self.account = account

    # --- common pieces ------------------------------------------------------------------

    def monitor(self, name: str) -> ResolvedMonitor:
        """Everything monitor ``name`` means, decided in core."""
        return resolve_monitor(self.spec, name)

    @property
    def prefix(self) -> str:
        return self.settings.name_prefix

    def tags(self, monitor: str) -> dict[str, str]:
        """The settings' tags, the spec's and the monitor's over them, then driftplane's own."""
        return names.standard_tags(monitor, self.monitor(monitor).tags_over(self.settings.tags))

    def output_uri(self, monitor: str, *parts: str) -> str:
        assert self.settings.output_s3_uri is not None
        return names.join_s3(self.settings.output_s3_uri, monitor, *parts)

    def baseline_uri(self, monitor: str, file: str = "") -> str:
        return self.output_uri(monitor, "baseline", file)

    def reports_uri(self, monitor: str) -> str:
        return self.output_uri(monitor, "reports")

    def schedule_name(self, monitor: str) -> str:
        return names.schedule_name(self.prefix, monitor)

    def role(self) -> str:
        assert self.settings.role_arn is not None
        return self.settings.role_arn

    def cluster(self) -> dict[str, Any]:
        s = self.settings
        config: dict[str, Any] = {
            "InstanceCount": s.instance_count,
            "InstanceType": s.instance_type,
            "VolumeSizeInGB": s.volume_size_gb,
        }
        if s.volume_kms_key_id:
            config["VolumeKmsKeyId"] = s.volume_kms_key_id
        return {"ClusterConfig": config}

    def network(self) -> dict[str, Any] | None:
        net = self.settings.network
        if net is None:
            return None
        out: dict[str, Any] = {
            "EnableInterContainerTrafficEncryption": net.enable_inter_container_traffic_encryption,
            "EnableNetworkIsolation": net.enable_network_isolation,
        }
        if net.security_group_ids or net.subnets:
            out["VpcConfig"] = {"SecurityGroupIds": list(net.security_group_ids), "Subnets": list(net.subnets)}
        return out

    def stopping(self) -> dict[str, int]:
        return {"MaxRuntimeInSeconds": self.settings.max_runtime_seconds}

    # --- baseline files ---------------------------------------------------------------------

    def baseline_resources(self, monitor: str) -> tuple[str, str]:
        """S3 URIs of the statistics.json and constraints.json the jobs compare with."""
        return remote_baseline(self.monitor(monitor)) or (
            self.baseline_uri(monitor, "statistics.json"),
            self.baseline_uri(monitor, "constraints.json"),
        )

    def put_object(self, monitor: str, uri: str, body: str, metadata: dict[str, str]) -> Request:
        bucket, key = names.split_s3_uri(uri)
        params: dict[str, Any] = {
            "Bucket": bucket,
            "Key": key,
            "Body": body,
            "ContentType": "application/json",
            "Metadata": {"driftplane-monitor": monitor, **metadata},
            "Tagging": names.s3_tagging(self.tags(monitor)),
        }
        if self.settings.output_kms_key_id:
            params["ServerSideEncryption"] = "aws:kms"
            params["SSEKMSKeyId"] = self.settings.output_kms_key_id
        return Request(api="s3", operation="PutObject", body=params)

    def baselining_job(self, monitor: str) -> tuple[str, Request]:
        """SageMaker's own baselining job (``baseline: {job: sagemaker}``) with the analyzer image."""
        source = self.monitor(monitor).baseline.source
        assert source is not None and source.data is not None
        body: dict[str, Any] = {
            "ProcessingInputs": [
                {
                    "InputName": "baseline_dataset_input",
                    "S3Input": {
                        "S3Uri": source.data,
                        "LocalPath": "/opt/ml/processing/input/baseline_dataset_input",
                        "S3DataType": "S3Prefix",
                        "S3InputMode": "File",
                        "S3DataDistributionType": "FullyReplicated",
                        "S3CompressionType": "None",
                    },
                }
            ],
            "ProcessingOutputConfig": {
                "Outputs": [
                    {
                        "OutputName": "monitoring_output",
                        "S3Output": {
                            "S3Uri": self.baseline_uri(monitor),
                            "LocalPath": OUTPUT,
                            "S3UploadMode": "EndOfJob",
                        },
                    }
                ]
            },
            "ProcessingResources": self.cluster(),
            "StoppingCondition": self.stopping(),
            "AppSpecification": {"ImageUri": analyzer_image(self.account.region)},
            "Environment": {
                "dataset_format": json.dumps(analyzer_format(source)),
                "dataset_source": "/opt/ml/processing/input/baseline_dataset_input",
                "output_path": OUTPUT,
                "publish_cloudwatch_metrics": "Disabled",
            },
            "RoleArn": self.role(),
        }
        if self.settings.output_kms_key_id:
            body["ProcessingOutputConfig"]["KmsKeyId"] = self.settings.output_kms_key_id
        network = self.network()
        if network:
            body["NetworkConfig"] = network
        name = names.baselining_job_name(self.prefix, monitor, json.dumps(body, sort_keys=True))
        body = {"ProcessingJobName": name, **body, "Tags": names.tag_list(self.tags(monitor))}
        return name, Request(api="sagemaker", operation="CreateProcessingJob", body=body)

    # --- model-monitor --------------------------------------------------------------------

    def job_input(self, monitor: str) -> dict[str, Any]:
        target = self.monitor(monitor).target
        common: dict[str, Any] = {"S3InputMode": "File", "S3DataDistributionType": "FullyReplicated"}
        # No Start/EndTimeOffset: botocore documents them for model-quality jobs only; SageMaker
        # decides which captured data a data-quality run reads (checks.py refuses other windows).
        if target.endpoint:
            return {"EndpointInput": {"EndpointName": target.endpoint, "LocalPath": INPUT_ENDPOINT, **common}}
        assert target.data is not None
        return {
            "BatchTransformInput": {
                "DataCapturedDestinationS3Uri": fixed_prefix(target.data),
                "DatasetFormat": batch_dataset_format(target.data, target.format, target.header),
                "LocalPath": INPUT_BATCH,
                **common,
            }
        }

    def job_definition(self, monitor: str) -> tuple[str, Request]:
        statistics, constraints = self.baseline_resources(monitor)
        output: dict[str, Any] = {
            "MonitoringOutputs": [
                {"S3Output": {"S3Uri": self.reports_uri(monitor), "LocalPath": OUTPUT, "S3UploadMode": "Continuous"}}
            ]
        }
        if self.settings.output_kms_key_id:
            output["KmsKeyId"] = self.settings.output_kms_key_id
        body: dict[str, Any] = {
            "DataQualityBaselineConfig": {
                "ConstraintsResource": {"S3Uri": constraints},
                "StatisticsResource": {"S3Uri": statistics},
            },
            "DataQualityAppSpecification": {
                "ImageUri": analyzer_image(self.account.region),
                "Environment": {"publish_cloudwatch_metrics": "Enabled"},
            },
            "DataQualityJobInput": self.job_input(monitor),
            "DataQualityJobOutputConfig": output,
            "JobResources": self.cluster(),
            "RoleArn": self.role(),
            "StoppingCondition": self.stopping(),
        }
        network = self.network()
        if network:
            body["NetworkConfig"] = network
        name = names.job_definition_name(self.prefix, monitor, json.dumps(body, sort_keys=True))
        return name, Request(
            api="sagemaker",
            operation="CreateDataQualityJobDefinition",
            body={"JobDefinitionName": name, **body, "Tags": names.tag_list(self.tags(monitor))},
        )

    def schedule_config(self, monitor: str, job_definition: str) -> dict[str, Any]:
        return {
            "ScheduleConfig": {"ScheduleExpression": sagemaker_cron(self.monitor(monitor).schedule)},
            "MonitoringJobDefinitionName": job_definition,
            "MonitoringType": "DataQuality",
        }

    def create_schedule(self, monitor: str, job_definition: str) -> Request:
        return Request(
            api="sagemaker",
            operation="CreateMonitoringSchedule",
            body={
                "MonitoringScheduleName": self.schedule_name(monitor),
                "MonitoringScheduleConfig": self.schedule_config(monitor, job_definition),
                "Tags": names.tag_list(self.tags(monitor)),
            },
        )

    def update_schedule(self, monitor: str, job_definition: str) -> Request:
        return Request(
            api="sagemaker",
            operation="UpdateMonitoringSchedule",
            body={
                "MonitoringScheduleName": self.schedule_name(monitor),
                "MonitoringScheduleConfig": self.schedule_config(monitor, job_definition),
            },
        )

    # --- processing -------------------------------------------------------------------------

    def mounts_baseline(self, monitor: str) -> bool:
        """True when the job reads baseline files driftplane (or SageMaker's baselining job) wrote
        under the output prefix, mounted as an input; a lagged or remote baseline is read where it is."""
        resolved = self.monitor(monitor)
        return resolved.baseline.kind != "lag" and remote_baseline(resolved) is None and not labelled_baseline(resolved)

    def job_spec(self, monitor: str) -> str:
        """The spec a processing job runs: this monitor only, its baseline files, no alerts.

        Alerts are CloudWatch alarms on what the job publishes, so channels (and any secrets
        in them) never leave this machine. The baseline files are the ones the job's inputs
        mount, or the user's own files on S3, which the job reads where they are; a labelled
        baseline (baseline.label) stays its rows on S3, whose model quality the checks compare with.
        """
        resolved = self.monitor(monitor)
        data = self.spec.monitor(monitor).model_dump(mode="json", exclude_unset=True)
        data["alerts"] = []
        remote = remote_baseline(resolved)
        if remote is not None:
            baseline: dict[str, Any] = {"statistics": remote[0], "constraints": remote[1]}
            original = data.get("baseline", {})
            if original.get("storage_options"):
                baseline["storage_options"] = original["storage_options"]
            data["baseline"] = baseline
        elif labelled_baseline(resolved):
            pass  # the job reads the labelled rows itself: the model's quality on them is what checks compare with
        elif resolved.baseline.kind != "lag":
            data["baseline"] = {
                "statistics": f"{INPUT_BASELINE}/statistics.json",
                "constraints": f"{INPUT_BASELINE}/constraints.json",
            }
        settings = self.settings.model_dump(mode="json", exclude_defaults=True)
        settings.setdefault("region", self.account.region)
        document = {
            "version": 1,
            "provider": "aws",
            "providers": {"aws": settings},
            "tags": dict(self.spec.tags),
            "monitors": {monitor: data},
        }
        return json.dumps(document, indent=2, sort_keys=True) + "\n"

    def processing_job(self, monitor: str) -> dict[str, Any]:
        """CreateProcessingJob's parameters, with EventBridge Scheduler's placeholders."""
        assert self.settings.image_uri is not None
        body: dict[str, Any] = {
            "ProcessingJobName": f"{names.processing_job_base(self.prefix, monitor)}-{EXECUTION_ID}",
            "ProcessingResources": self.cluster(),
            "StoppingCondition": self.stopping(),
            "AppSpecification": {
                "ImageUri": self.settings.image_uri,
                "ContainerEntrypoint": ["sh", "-c", JOB_SCRIPT, "driftplane"],
                "ContainerArguments": [
                    "run",
                    f"{INPUT_SPEC}/{JOB_SPEC_FILE}",
                    "--provider",
                    "aws",
                    "--monitor",
                    monitor,
                    "--at",
                    SCHEDULED_TIME,
                ],
            },
            "ProcessingInputs": [_s3_input("spec", self.output_uri(monitor, "job"), INPUT_SPEC)],
            "ProcessingOutputConfig": {
                "Outputs": [
                    {
                        "OutputName": "reports",
                        "S3Output": {
                            "S3Uri": self.reports_uri(monitor),
                            "LocalPath": OUTPUT,
                            "S3UploadMode": "EndOfJob",
                        },
                    }
                ]
            },
            "Environment": {
                "DRIFTPLANE_AWS_JOB": "1",
                "DRIFTPLANE_MONITOR": monitor,
                "DRIFTPLANE_OUTPUT_PATH": OUTPUT,
                "DRIFTPLANE_MONITORING_SCHEDULE": self.schedule_name(monitor),
                "AWS_DEFAULT_REGION": self.account.region,
            },
            "RoleArn": self.role(),
            "Tags": names.tag_list(self.tags(monitor)),
        }
        if self.mounts_baseline(monitor):
            body["ProcessingInputs"].append(_s3_input("baseline", self.baseline_uri(monitor), INPUT_BASELINE))
        if self.settings.output_kms_key_id:
            body["ProcessingOutputConfig"]["KmsKeyId"] = self.settings.output_kms_key_id
        network = self.network()
        if network:
            body["NetworkConfig"] = network
        return body

    def schedule_group(self, monitor: str) -> Request:
        return Request(
            api="scheduler",
            operation="CreateScheduleGroup",
            body={"Name": names.schedule_group_name(self.prefix, monitor), "Tags": names.tag_list(self.tags(monitor))},
        )

    def scheduler_schedule(self, monitor: str, *, update: bool = False) -> Request:
        role = self.settings.scheduler_role_arn or self.role()
        body: dict[str, Any] = {
            "Name": self.schedule_name(monitor),
            "GroupName": names.schedule_group_name(self.prefix, monitor),
            "Description": f"driftplane monitor {monitor}: starts a SageMaker Processing job running driftplane run",
            "ScheduleExpression": scheduler_cron(self.monitor(monitor).schedule),
            "ScheduleExpressionTimezone": "UTC",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "State": "ENABLED",
            "Target": {
                "Arn": f"arn:{self.account.partition}:scheduler:::aws-sdk:sagemaker:createProcessingJob",
                "RoleArn": role,
                "Input": json.dumps(self.processing_job(monitor), sort_keys=True),
                "RetryPolicy": {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 3},
            },
        }
        return Request(api="scheduler", operation="UpdateSchedule" if update else "CreateSchedule", body=body)

    # --- alerts: SNS topics ------------------------------------------------------------------

    def alarmable(self, alert: AlertRule) -> bool:
        """Whether any CloudWatch alarm can watch this alert's condition on this backend.

        SageMaker Model Monitor publishes no metric for failed runs or violations (validate
        refuses such alerts there); an alert without alarms gets no topic.
        """
        return self.settings.backend == "processing" or alert.when in ("drift", "metric", "performance")

    def topics(self, monitor: str, translation: Translation | None = None) -> list[AlertTopic]:
        """The topic each alert's alarms notify: one per alert whose channels need SNS subscriptions."""
        out = []
        for alert in self.monitor(monitor).alerts:
            if not self.alarmable(alert):
                if translation is not None:
                    translation.notes.append(
                        f"alert '{alert.name}': SageMaker Model Monitor publishes no CloudWatch metric for "
                        f"{'failed runs' if alert.when == 'failure' else 'violations'}, "
                        "so it has no alarm and no topic; "
                        "`driftplane status` shows them (or use backend: processing)"
                    )
                continue
            wanted = tuple(subscriptions(alert.channels))
            if self.settings.sns_topic_arn:
                if translation is not None and alert.channels:
                    translation.notes.append(
                        f"alert '{alert.name}': its alarms notify providers.aws.sns_topic_arn; its channels "
                        f"({', '.join(c.name for c in alert.channels)}) hear them only through that topic's own "
                        "subscriptions, which driftplane leaves to you"
                    )
                out.append(AlertTopic(alert.key, alert.slug, None, self.settings.sns_topic_arn, ()))
            elif wanted:
                name = names.topic_name(self.prefix, monitor, alert.slug)
                out.append(AlertTopic(alert.key, alert.slug, name, self.account.arn("sns", name), wanted))
        return out

    def create_topic(self, monitor: str, topic: AlertTopic) -> Request:
        attributes: dict[str, str] = {"DisplayName": f"driftplane {monitor}"[:100]}
        return Request(
            api="sns",
            operation="CreateTopic",
            body={"Name": topic.name, "Attributes": attributes, "Tags": names.tag_list(self.tags(monitor))},
        )

    def dimensions(self, monitor: str) -> tuple[str, list[dict[str, str]]]:
        """Namespace and dimensions SageMaker publishes its drift metrics under (model-monitor)."""
        target = self.monitor(monitor).target
        schedule = {"Name": "MonitoringSchedule", "Value": self.schedule_name(monitor)}
        if target.endpoint:
            return ENDPOINT_NAMESPACE, [{"Name": "Endpoint", "Value": target.endpoint}, schedule]
        return BATCH_NAMESPACE, [schedule]


def _s3_input(name: str, uri: str, local: str) -> dict[str, Any]:
    return {
        "InputName": name,
        "S3Input": {
            "S3Uri": uri.rstrip("/") + "/",
            "LocalPath": local,
            "S3DataType": "S3Prefix",
            "S3InputMode": "File",
            "S3DataDistributionType": "FullyReplicated",
        },
    }


def fixed_prefix(data: str) -> str:
    """The part of a data path before any partition field or wildcard (a folder URI)."""
    cut = len(data)
    for marker in ("{", "*", "?", "["):
        position = data.find(marker)
        if position != -1:
            cut = min(cut, position)
    prefix = data[:cut]
    if cut < len(data):
        prefix = prefix.rsplit("/", 1)[0]
    return prefix.rstrip("/")


def batch_dataset_format(data: str, fmt: str, header: bool) -> dict[str, Any]:
    """SageMaker's DatasetFormat for a batch transform output; ValueError when there is none."""
    found = data_format(data, fmt)
    if found == "csv":
        return {"Csv": {"Header": header}}
    if found == "jsonl":
        return {"Json": {"Line": True}}
    if found == "parquet":
        return {"Parquet": {}}
    raise ValueError(
        f"SageMaker reads batch transform output as CSV, JSON Lines or Parquet; '{data}' is {found or fmt}: "
        "set target.format to csv, jsonl or parquet"
    )


def analyzer_format(source: DataSource) -> dict[str, Any]:
    """The baselining job's ``dataset_format`` (CSV or JSON Lines: checks.py refuses the rest)."""
    if data_format(source.data, source.format) == "jsonl":
        return {"json": {"lines": True}}
    return {"csv": {"header": source.header, "output_columns_position": "START"}}


def window_differs_from_period(monitor: ResolvedMonitor) -> bool:
    """True when the monitor's windows are not the schedule's period ending at each tick (a latency, another length)."""
    windows = monitor.windows
    if windows.latency is not None:
        return True
    return windows.length is not None and windows.length.approx_timedelta() != windows.period


def alarm_period(monitor: ResolvedMonitor) -> int:
    """One evaluation period per run: the schedule's period in whole minutes, at most 7 days."""
    seconds = int(monitor.windows.period.total_seconds())
    seconds = ((seconds + 59) // 60) * 60
    return max(60, min(seconds, 7 * 86400))


def metric_names() -> list[str]:
    """driftplane's own metrics the processing jobs publish."""
    return sorted(CATALOGUE)
