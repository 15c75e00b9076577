"""A monitor of the spec as the exact AWS requests that make it real.

Nothing here talks to AWS: given the settings, the region and account, and (when known) the
baseline's features, each function returns request bodies exactly as they will be sent.
``plan --offline`` prints them as they are; plain ``plan`` compares them with what exists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from driftplane.metrics import CATALOGUE
from driftplane.provider import Request
from driftplane.spec.durations import Duration
from driftplane.spec.models import CHECK_TYPES, Alert, ChannelSpec, Monitor, Spec
from driftplane_aws import names
from driftplane_aws.analyzer import analyzer_image, partition_of
from driftplane_aws.baseline import FeatureInfo
from driftplane_aws.schedules import sagemaker_cron, scheduler_cron
from driftplane_aws.settings import AwsSettings

ENDPOINT_NAMESPACE = "aws/sagemaker/Endpoints/data-metrics"
BATCH_NAMESPACE = "aws/sagemaker/ModelMonitoring/data-metrics"
DRIFTPLANE_NAMESPACE = "driftplane"
DRIFT_METRIC = "feature_baseline_drift_{feature}"
SAGEMAKER_METRICS = {"linf", "linf_robust"}
MAX_ALARM_METRICS = 10  # CloudWatch: at most 10 metrics in a metric-math alarm

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
    """What one monitor becomes, plus notes for the person reading the plan."""

    monitor: str
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AlertTopic:
    """The SNS topic (or the configured one) that an alert's alarms notify."""

    index: int
    slug: str
    name: str | None  # None when settings.sns_topic_arn is used
    arn: str
    emails: tuple[str, ...]


class Translator:
    """Builds the requests of the monitors of one spec."""

    def __init__(self, spec: Spec, settings: AwsSettings, account: Account) -> None:
        self.spec = spec
        self.settings = settings
        self.account = account

    # --- common pieces ------------------------------------------------------------------

    @property
    def prefix(self) -> str:
        return self.settings.name_prefix

    def tags(self, monitor: str) -> dict[str, str]:
        return names.standard_tags(monitor, self.settings.tags, self.spec.tags, self.spec.monitor(monitor).tags)

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
        config: dict[str, Any] = {"InstanceCount": s.instance_count, "InstanceType": s.instance_type, "VolumeSizeInGB": s.volume_size_gb}
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
        baseline = self.spec.monitor(monitor).baseline
        if baseline.statistics and baseline.statistics.startswith("s3://") and baseline.constraints:
            return baseline.statistics, baseline.constraints
        return self.baseline_uri(monitor, "statistics.json"), self.baseline_uri(monitor, "constraints.json")

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
        spec_monitor = self.spec.monitor(monitor)
        baseline = spec_monitor.baseline
        assert baseline.data is not None
        body: dict[str, Any] = {
            "ProcessingInputs": [
                {
                    "InputName": "baseline_dataset_input",
                    "S3Input": {
                        "S3Uri": baseline.data,
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
                        "S3Output": {"S3Uri": self.baseline_uri(monitor), "LocalPath": OUTPUT, "S3UploadMode": "EndOfJob"},
                    }
                ]
            },
            "ProcessingResources": self.cluster(),
            "StoppingCondition": self.stopping(),
            "AppSpecification": {"ImageUri": analyzer_image(self.account.region)},
            "Environment": {
                "dataset_format": json.dumps(_analyzer_format(spec_monitor)),
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
        target = self.spec.monitor(monitor).target
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
            "MonitoringOutputs": [{"S3Output": {"S3Uri": self.reports_uri(monitor), "LocalPath": OUTPUT, "S3UploadMode": "Continuous"}}]
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
            "ScheduleConfig": {"ScheduleExpression": sagemaker_cron(self.spec.monitor(monitor).schedule)},
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

    def job_spec(self, monitor: str) -> str:
        """The spec a processing job runs: this monitor only, baseline files from its inputs, no alerts.

        Alerts are CloudWatch alarms on what the job publishes, so channels (and any secrets
        in them) never leave this machine.
        """
        original = self.spec.monitor(monitor)
        data = original.model_dump(mode="json", exclude_unset=True)
        data["alerts"] = []
        if original.baseline.lag is None:
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
                        "S3Output": {"S3Uri": self.reports_uri(monitor), "LocalPath": OUTPUT, "S3UploadMode": "EndOfJob"},
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
        if self.spec.monitor(monitor).baseline.lag is None:
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
            "ScheduleExpression": scheduler_cron(self.spec.monitor(monitor).schedule),
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

    # --- alerts: SNS topics and CloudWatch alarms -----------------------------------------------

    def emails(self, alert: Alert) -> tuple[list[str], list[str]]:
        """(email addresses, names of channels AWS does not deliver) of an alert."""
        addresses: list[str] = []
        others: list[str] = []
        for ref in alert.notify:
            channel: ChannelSpec | None
            label = ref if isinstance(ref, str) else ref.type
            if isinstance(ref, ChannelSpec):
                channel = ref
            elif ref.startswith("email:"):
                addresses.append(ref.partition(":")[2])
                continue
            else:
                channel = self.spec.channels.get(ref)
            if channel is not None and channel.type == "email":
                to = channel.settings.get("to", [])
                addresses.extend([to] if isinstance(to, str) else list(to))
            else:
                others.append(label)
        return list(dict.fromkeys(addresses)), others

    def topics(self, monitor: str, translation: Translation | None = None) -> list[AlertTopic]:
        out = []
        for index, alert in enumerate(self.spec.monitor(monitor).alerts):
            slug = names.alert_slug(index, alert.name, alert.when)
            emails, others = self.emails(alert)
            if others and translation is not None:
                translation.notes.append(
                    f"alert '{alert.describe()}': {', '.join(others)} {'is' if len(others) == 1 else 'are'} delivered by the "
                    "local provider only; on AWS its alarms notify by SNS email"
                )
            if self.settings.sns_topic_arn:
                out.append(AlertTopic(index, slug, None, self.settings.sns_topic_arn, tuple(emails)))
            elif emails:
                name = names.topic_name(self.prefix, monitor, slug)
                out.append(AlertTopic(index, slug, name, self.account.arn("sns", name), tuple(emails)))
            elif translation is not None:
                translation.notes.append(f"alert '{alert.describe()}' has no email channel: its alarms notify nobody")
        return out

    def create_topic(self, monitor: str, topic: AlertTopic) -> Request:
        attributes: dict[str, str] = {"DisplayName": f"driftplane {monitor}"[:100]}
        return Request(
            api="sns",
            operation="CreateTopic",
            body={"Name": topic.name, "Attributes": attributes, "Tags": names.tag_list(self.tags(monitor))},
        )

    def dimensions(self, monitor: str) -> tuple[str, list[dict[str, str]]]:
        """Namespace and dimensions SageMaker (and the processing job) publish drift metrics under."""
        target = self.spec.monitor(monitor).target
        schedule = {"Name": "MonitoringSchedule", "Value": self.schedule_name(monitor)}
        if target.endpoint:
            return ENDPOINT_NAMESPACE, [{"Name": "Endpoint", "Value": target.endpoint}, schedule]
        return BATCH_NAMESPACE, [schedule]

    def alarms(
        self,
        monitor: str,
        features: list[FeatureInfo] | None,
        translation: Translation,
        *,
        dimensions: tuple[str, list[dict[str, str]]] | None = None,
    ) -> list[Request]:
        """PutMetricAlarm requests for every alert; ``features`` None when the baseline is not known yet."""
        spec_monitor = self.spec.monitor(monitor)
        topics = {t.index: t for t in self.topics(monitor, translation)}
        namespace, dims = dimensions or self.dimensions(monitor)
        period = alarm_period(spec_monitor)
        requests: list[Request] = []
        for index, alert in enumerate(spec_monitor.alerts):
            topic = topics.get(index)
            actions = [topic.arn] if topic else []
            slug = names.alert_slug(index, alert.name, alert.when)
            base = {
                "ActionsEnabled": True,
                "AlarmActions": actions,
                "OKActions": actions,
                "Tags": names.tag_list(self.tags(monitor)),
            }

            def drift_alarm(feature: str, threshold: float, operator: str, *parts: str, _alert: Alert = alert, _base: dict[str, Any] = base, _slug: str = slug) -> Request:
                return _alarm(
                    {
                        **_base,
                        "AlarmName": names.alarm_name(self.prefix, monitor, _slug, *parts),
                        "AlarmDescription": f"driftplane monitor {monitor}, alert '{_alert.describe()}': "
                        f"drift of {feature} {'above' if operator.startswith('Greater') else 'below'} {threshold:g}",
                        "Namespace": namespace,
                        "MetricName": DRIFT_METRIC.format(feature=feature),
                        "Dimensions": dims,
                        "Statistic": "Maximum",
                        "Period": period,
                        "EvaluationPeriods": 1,
                        "DatapointsToAlarm": 1,
                        "Threshold": float(threshold),
                        "ComparisonOperator": operator,
                        "TreatMissingData": "ignore",
                    }
                )

            if alert.when == "metric":
                assert alert.feature is not None
                if alert.above is not None:
                    requests.append(drift_alarm(alert.feature, alert.above, "GreaterThanThreshold", "above"))
                if alert.below is not None:
                    requests.append(drift_alarm(alert.feature, alert.below, "LessThanThreshold", "below"))
                continue
            if alert.when == "failure":
                if self.settings.backend == "processing":
                    requests.append(self._driftplane_alarm(monitor, alert, base, slug, period, failure=True))
                else:
                    translation.notes.append(
                        f"alert '{alert.describe()}': SageMaker Model Monitor publishes no metric for failed runs, "
                        "so it has no alarm; `driftplane status` shows failures (or use backend: processing)"
                    )
                continue
            if alert.when == "violation" and self.settings.backend == "processing":
                requests.append(self._driftplane_alarm(monitor, alert, base, slug, period, failure=False))
                continue
            if alert.when == "violation":
                raise AlarmNotExpressible(violation_not_alarmable(alert.describe()))
            if features is None:
                continue
            chosen = [f for f in features if alert.features is None or f.name in alert.features]
            thresholds = {f.name: f.threshold for f in chosen}
            if alert.when == "drift" and alert.min_features > 1:
                requests.append(self._count_alarm(monitor, alert, base, slug, period, namespace, dims, chosen, thresholds))
                continue
            for feature in chosen:
                requests.append(drift_alarm(feature.name, thresholds[feature.name], "GreaterThanThreshold", feature.name))
        return requests

    def _count_alarm(
        self,
        monitor: str,
        alert: Alert,
        base: dict[str, Any],
        slug: str,
        period: int,
        namespace: str,
        dims: list[dict[str, str]],
        features: list[FeatureInfo],
        thresholds: dict[str, float],
    ) -> Request:
        if len(features) > MAX_ALARM_METRICS:
            raise AlarmNotExpressible(
                f"alert '{alert.describe()}' counts drifted features among {len(features)}; a CloudWatch alarm "
                f"can combine at most {MAX_ALARM_METRICS}: list at most {MAX_ALARM_METRICS} in the alert's 'features'"
            )
        metrics: list[dict[str, Any]] = [
            {
                "Id": f"m{i}",
                "Label": feature.name,
                "MetricStat": {
                    "Metric": {"Namespace": namespace, "MetricName": DRIFT_METRIC.format(feature=feature.name), "Dimensions": dims},
                    "Period": period,
                    "Stat": "Maximum",
                },
                "ReturnData": False,
            }
            for i, feature in enumerate(features)
        ]
        expression = " + ".join(f"IF(m{i} > {thresholds[f.name]:g}, 1, 0)" for i, f in enumerate(features))
        metrics.append({"Id": "drifted", "Expression": expression, "Label": "drifted features", "ReturnData": True})
        return _alarm(
            {
                **base,
                "AlarmName": names.alarm_name(self.prefix, monitor, slug),
                "AlarmDescription": f"driftplane monitor {monitor}, alert '{alert.describe()}'",
                "Metrics": metrics,
                "EvaluationPeriods": 1,
                "DatapointsToAlarm": 1,
                "Threshold": float(alert.min_features),
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "TreatMissingData": "ignore",
            }
        )

    def _driftplane_alarm(
        self, monitor: str, alert: Alert, base: dict[str, Any], slug: str, period: int, *, failure: bool
    ) -> Request:
        """processing: alarms on driftplane's own run and violation counters."""
        common = {
            **base,
            "AlarmName": names.alarm_name(self.prefix, monitor, slug),
            "AlarmDescription": f"driftplane monitor {monitor}, alert '{alert.describe()}'",
            "EvaluationPeriods": 1,
            "DatapointsToAlarm": 1,
            "Threshold": 0.0,
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
        }
        if failure:
            return _alarm(
                {
                    **common,
                    "Namespace": DRIFTPLANE_NAMESPACE,
                    "MetricName": "runs",
                    "Dimensions": [{"Name": "monitor", "Value": monitor}, {"Name": "status", "Value": "failed"}],
                    "Statistic": "Sum",
                    "Period": period,
                }
            )
        types = list(alert.check_types or CHECK_TYPES)
        metrics: list[dict[str, Any]] = [
            {
                "Id": f"v{i}",
                "Label": check_type,
                "MetricStat": {
                    "Metric": {
                        "Namespace": DRIFTPLANE_NAMESPACE,
                        "MetricName": "violations",
                        "Dimensions": [{"Name": "monitor", "Value": monitor}, {"Name": "check_type", "Value": check_type}],
                    },
                    "Period": period,
                    "Stat": "Sum",
                },
                "ReturnData": False,
            }
            for i, check_type in enumerate(types)
        ]
        expression = " + ".join(f"FILL(v{i}, 0)" for i in range(len(types)))
        metrics.append({"Id": "violations", "Expression": expression, "Label": "violations", "ReturnData": True})
        return _alarm({**common, "Metrics": metrics})


def violation_not_alarmable(alert: str) -> str:
    return (
        f"alert '{alert}': SageMaker Model Monitor publishes CloudWatch metrics for drift (feature_baseline_drift_<feature>) "
        "and value counts (feature_data_<feature>, feature_non_null_<feature>), but none for violations, so a violation "
        "alert has no alarm there. Use `when: drift` for drift (SageMaker's baseline_drift_check), `driftplane status` "
        "to see completeness, data-type and other violations, or backend: processing, whose jobs publish a violations "
        "metric per check type"
    )


class AlarmNotExpressible(ValueError):
    """An alert that no CloudWatch alarm can express."""


def _alarm(body: dict[str, Any]) -> Request:
    return Request(api="cloudwatch", operation="PutMetricAlarm", body=body)


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
    if fmt == "auto":
        name = data.lower().rstrip("/")
        for suffix, found in ((".csv", "csv"), (".parquet", "parquet"), (".jsonl", "jsonl"), (".json", "jsonl")):
            if name.endswith(suffix) or name.endswith(suffix + ".gz"):
                fmt = found
                break
    if fmt == "csv":
        return {"Csv": {"Header": header}}
    if fmt == "jsonl":
        return {"Json": {"Line": True}}
    if fmt == "parquet":
        return {"Parquet": {}}
    raise ValueError(
        f"SageMaker reads batch transform output as CSV, JSON Lines or Parquet; '{data}' is {fmt}: "
        "set target.format to csv, jsonl or parquet"
    )


def _analyzer_format(monitor: Monitor) -> dict[str, Any]:
    baseline = monitor.baseline
    fmt = baseline.format
    if fmt == "auto" and baseline.data:
        fmt = "csv" if ".csv" in baseline.data.lower() else "jsonl" if ".json" in baseline.data.lower() else fmt
    if fmt == "jsonl":
        return {"json": {"lines": True}}
    return {"csv": {"header": baseline.header, "output_columns_position": "START"}}


def window_differs_from_period(monitor: Monitor) -> bool:
    """True when the spec asks for a window other than the schedule's period, or for a latency."""
    target = monitor.target
    if target.latency is not None:
        return True
    window = target.window if isinstance(target.window, Duration) else None
    return window is not None and window.approx_timedelta().total_seconds() != schedule_seconds(monitor)


def schedule_seconds(monitor: Monitor) -> int:
    """The schedule's usual time between runs, in seconds (the same on every day a plan is built)."""
    from driftplane.windows import WindowRule

    return int(WindowRule(monitor.schedule).period.total_seconds())


def alarm_period(monitor: Monitor) -> int:
    """One evaluation period per run: the schedule's period in whole minutes, at most 7 days."""
    seconds = schedule_seconds(monitor)
    seconds = ((seconds + 59) // 60) * 60
    return max(60, min(seconds, 7 * 86400))


def metric_names() -> list[str]:
    """driftplane's own metrics the processing jobs publish."""
    return sorted(CATALOGUE)
