"""``driftplane aws iam-policy``: the least-privilege IAM policies a spec needs.

Three identities act: whoever runs driftplane (plan, apply, status), the role SageMaker's
jobs run as (role_arn), and with the processing backend the role EventBridge Scheduler
assumes to start the jobs.
"""

from __future__ import annotations

import re
from typing import Any

from driftplane.spec.models import Spec
from driftplane_aws import names
from driftplane_aws.analyzer import ANALYZER_ACCOUNTS, partition_of
from driftplane_aws.settings import AwsSettings
from driftplane_aws.translate import DRIFTPLANE_NAMESPACE, Account, Translator, fixed_prefix

ANALYZER_REPOSITORY = "sagemaker-model-monitor-analyzer"
# account.dkr.ecr.region.amazonaws.com[.cn]/repository[:tag | @digest]
ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/(?P<repository>[^:@]+)"
)


def _statement(
    sid: str, actions: list[str], resources: list[str], condition: dict[str, Any] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resources}
    if condition:
        out["Condition"] = condition
    return out


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


CAPTURE_PLACEHOLDER = "s3://CAPTURE_BUCKET/CAPTURE_PREFIX"


def _objects(partition: str, uri: str) -> str:
    """The ARN of every object under an s3:// prefix."""
    bucket, key = names.split_s3_uri(uri)
    return f"arn:{partition}:s3:::{bucket}/{key}/*" if key else f"arn:{partition}:s3:::{bucket}/*"


def _bucket(partition: str, uri: str) -> str:
    return f"arn:{partition}:s3:::{names.split_s3_uri(uri)[0]}"


def policies(
    spec: Spec, settings: AwsSettings, region: str, account: str, captures: dict[str, str] | None = None
) -> dict[str, Any]:
    """The policies of the three identities, for the spec's backend only.

    captures: each endpoint's DataCaptureConfig destination (s3://...), which the jobs read;
    an endpoint missing from it gets a CAPTURE_BUCKET/CAPTURE_PREFIX placeholder to fill in.
    """
    partition = partition_of(region)
    prefix = settings.name_prefix
    # SageMaker ARNs carry names in lower case; IAM compares them case-sensitively.
    sm_prefix = prefix.lower()
    sm = f"arn:{partition}:sagemaker:{region}:{account}"
    output = settings.output_s3_uri or "s3://BUCKET/driftplane"
    objects = _objects(partition, output)
    role = settings.role_arn or f"arn:{partition}:iam::{account}:role/SAGEMAKER_ROLE"
    scheduler_role = settings.scheduler_role_arn or role
    monitors = list(spec.monitors.values())
    baselining = any(m.baseline.job == "sagemaker" for m in monitors)
    model_monitor = settings.backend == "model-monitor"
    # Data the jobs read (target and baseline datasets, labels), and SageMaker files the runner reads back.
    read = [(m.target.data, m.baseline.data, m.labels.data if m.labels is not None else None) for m in monitors]
    data_uris = sorted({fixed_prefix(d) for uris in read for d in uris if d and d.startswith("s3://")})
    baseline_files = sorted({f for m in monitors for f in (m.baseline.statistics, m.baseline.constraints) if f and f.startswith("s3://")})
    endpoints = sorted({m.target.endpoint for m in monitors if m.target.endpoint and not m.target.data})
    capture_uris = {e: (captures or {}).get(e) or CAPTURE_PLACEHOLDER for e in endpoints}

    # sts:GetCallerIdentity (the account id for ARNs) needs no permission: AWS answers it even when denied.
    runner = [
        _statement(
            "BaselinesAndReports", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:PutObjectTagging"], [objects]
        ),
        _statement("ListOutputBucket", ["s3:ListBucket"], [_bucket(partition, output)]),
    ]
    if baseline_files:
        runner.append(
            _statement(
                "ReadSageMakerBaselines", ["s3:GetObject"], [f"arn:{partition}:s3:::{u[5:]}" for u in baseline_files]
            )
        )
    runner += [
        _statement(
            "AlertTopics",
            [
                "sns:CreateTopic",
                "sns:DeleteTopic",
                "sns:GetTopicAttributes",
                "sns:Subscribe",
                "sns:ListSubscriptionsByTopic",
                "sns:ListTagsForResource",
                "sns:TagResource",
            ],
            [f"arn:{partition}:sns:{region}:{account}:{prefix}-*"],
        ),
        # IAM knows no resource type for these two (service authorization reference): "*" is the only
        # resource they take. SNS itself lets only a topic's or subscription's owner unsubscribe.
        _statement("FindTopics", ["sns:ListTopics", "sns:Unsubscribe"], ["*"]),
        _statement(
            "Alarms",
            [
                "cloudwatch:PutMetricAlarm",
                "cloudwatch:DeleteAlarms",
                "cloudwatch:ListTagsForResource",
                "cloudwatch:TagResource",
            ],
            [f"arn:{partition}:cloudwatch:{region}:{account}:alarm:{prefix}/*"],
        ),
        # Read-only. ListMetrics has no resource type in IAM; DescribeAlarms is called with
        # AlarmNamePrefix (finding the alarms of retired monitors), which names no one alarm.
        _statement("ReadAlarmsAndMetrics", ["cloudwatch:DescribeAlarms", "cloudwatch:ListMetrics"], ["*"]),
    ]
    # CreateDataQualityJobDefinition and a baselining job pass the job role to SageMaker; an
    # EventBridge schedule passes the scheduler role to EventBridge Scheduler.
    if model_monitor or baselining:
        runner.append(
            _statement(
                "PassJobRole",
                ["iam:PassRole"],
                [role],
                {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            )
        )
    if not model_monitor:
        runner.append(
            _statement(
                "PassSchedulerRole",
                ["iam:PassRole"],
                [scheduler_role],
                {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
            )
        )
    if endpoints:
        runner.append(
            _statement(
                "Endpoints",
                [
                    "sagemaker:DescribeEndpoint",
                    "sagemaker:DescribeEndpointConfig",
                    "sagemaker:CreateEndpointConfig",
                    "sagemaker:UpdateEndpoint",
                    "sagemaker:AddTags",
                ],
                [f"{sm}:endpoint/{e.lower()}" for e in endpoints] + [f"{sm}:endpoint-config/*"],
            )
        )
    if model_monitor:
        runner.append(
            _statement(
                "MonitoringSchedules",
                [
                    "sagemaker:CreateMonitoringSchedule",
                    "sagemaker:UpdateMonitoringSchedule",
                    "sagemaker:DeleteMonitoringSchedule",
                    "sagemaker:DescribeMonitoringSchedule",
                    "sagemaker:CreateDataQualityJobDefinition",
                    "sagemaker:DescribeDataQualityJobDefinition",
                    "sagemaker:DeleteDataQualityJobDefinition",
                    "sagemaker:CreateModelQualityJobDefinition",
                    "sagemaker:DescribeModelQualityJobDefinition",
                    "sagemaker:DeleteModelQualityJobDefinition",
                    "sagemaker:AddTags",
                    "sagemaker:ListTags",
                ],
                [
                    f"{sm}:monitoring-schedule/{sm_prefix}-*",
                    f"{sm}:data-quality-job-definition/{sm_prefix}-*",
                    f"{sm}:model-quality-job-definition/{sm_prefix}-*",
                ],
            )
        )
        # List calls take no resource in IAM (ListMonitoringExecutions included): status lists a
        # schedule's runs, plan finds job definitions and schedules of retired monitors.
        runner.append(
            _statement(
                "ListMonitoring",
                [
                    "sagemaker:ListDataQualityJobDefinitions",
                    "sagemaker:ListModelQualityJobDefinitions",
                    "sagemaker:ListMonitoringSchedules",
                    "sagemaker:ListMonitoringExecutions",
                ],
                ["*"],
            )
        )
        # status reads each run's processing job, which SageMaker names itself (not driftplane-*).
        runner.append(_statement("ReadMonitoringRuns", ["sagemaker:DescribeProcessingJob"], [f"{sm}:processing-job/*"]))
    else:
        runner.append(
            _statement(
                "Schedules",
                [
                    "scheduler:CreateSchedule",
                    "scheduler:UpdateSchedule",
                    "scheduler:DeleteSchedule",
                    "scheduler:GetSchedule",
                    "scheduler:CreateScheduleGroup",
                    "scheduler:DeleteScheduleGroup",
                    "scheduler:GetScheduleGroup",
                    "scheduler:ListTagsForResource",
                    "scheduler:TagResource",
                ],
                [
                    f"arn:{partition}:scheduler:{region}:{account}:schedule/{prefix}-*/*",
                    f"arn:{partition}:scheduler:{region}:{account}:schedule-group/{prefix}-*",
                ],
            )
        )
        # plan finds the schedule groups (and their schedules) of retired monitors with these.
        runner.append(_statement("ListSchedules", ["scheduler:ListScheduleGroups", "scheduler:ListSchedules"], ["*"]))
        runner.append(
            _statement("ReadRuns", ["sagemaker:DescribeProcessingJob"], [f"{sm}:processing-job/{sm_prefix}-*"])
        )
        runner.append(_statement("ListJobs", ["sagemaker:ListProcessingJobs"], ["*"]))
    if baselining:
        runner.append(
            _statement(
                "BaseliningJobs",
                ["sagemaker:CreateProcessingJob", "sagemaker:DescribeProcessingJob", "sagemaker:AddTags"],
                [f"{sm}:processing-job/{sm_prefix}-*"],
            )
        )
    job = [
        _statement("ReadInputsWriteReports", ["s3:GetObject", "s3:PutObject"], [objects]),
        _statement("ListOutputBucket", ["s3:ListBucket"], [_bucket(partition, output)]),
        # PutMetricData has no resource type in IAM; the namespace condition keeps it to the metrics the jobs publish.
        _statement(
            "PublishMetrics",
            ["cloudwatch:PutMetricData"],
            ["*"],
            {"StringEquals": {"cloudwatch:namespace": _namespaces(spec, settings, region, account)}},
        ),
        _statement(
            "Logs",
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            [f"arn:{partition}:logs:{region}:{account}:log-group:/aws/sagemaker/*"],
        ),
        # The registry sign-in token is account-wide ("*" only); images come from the jobs' repositories alone.
        _statement("RegistryToken", ["ecr:GetAuthorizationToken"], ["*"]),
        _statement(
            "PullImages",
            ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            _repositories(settings, region, partition, analyzer=model_monitor or baselining),
        ),
    ]
    if baseline_files:
        # SageMaker's analyzer (model-monitor) and the processing job read the user's baseline files where they are.
        job.append(
            _statement(
                "ReadSageMakerBaselines", ["s3:GetObject"], [f"arn:{partition}:s3:::{u[5:]}" for u in baseline_files]
            )
        )
    if data_uris:
        job.append(_statement("ReadData", ["s3:GetObject"], [_objects(partition, u) for u in data_uris]))
        job.append(_statement("ListData", ["s3:ListBucket"], sorted({_bucket(partition, u) for u in data_uris})))
    if endpoints:
        # The endpoint's captured traffic, under <destination>/<endpoint>/ (DataCaptureConfig).
        where = sorted({names.join_s3(capture_uris[e], e) for e in endpoints})
        job.append(_statement("ReadCapture", ["s3:GetObject"], [_objects(partition, u) for u in where]))
        job.append(_statement("ListCapture", ["s3:ListBucket"], sorted({_bucket(partition, u) for u in where})))
    if endpoints and not model_monitor:
        job.append(
            _statement(
                "FindCapture",
                ["sagemaker:DescribeEndpoint", "sagemaker:DescribeEndpointConfig"],
                [f"{sm}:endpoint/{e.lower()}" for e in endpoints] + [f"{sm}:endpoint-config/*"],
            )
        )
    out: dict[str, Any] = {"driftplane": _doc(*runner), "job_role": _doc(*job)}
    if not model_monitor:
        out["scheduler_role"] = _doc(
            _statement(
                "StartJobs",
                ["sagemaker:CreateProcessingJob", "sagemaker:AddTags"],
                [f"{sm}:processing-job/{sm_prefix}-*"],
            ),
            _statement(
                "PassJobRole",
                ["iam:PassRole"],
                [role],
                {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            ),
        )
        out["scheduler_role_trust"] = _doc(
            {
                "Sid": "SchedulerAssumes",
                "Effect": "Allow",
                "Principal": {"Service": "scheduler.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        )
    return out


def _namespaces(spec: Spec, settings: AwsSettings, region: str, account: str) -> list[str]:
    """The CloudWatch namespaces the jobs publish to.

    SageMaker's drift namespaces on model-monitor, driftplane's own on processing.
    """
    if settings.backend == "processing":
        return [DRIFTPLANE_NAMESPACE]
    from driftplane_aws.quality import QualityTranslator, has_model_quality

    translator = Translator(spec, settings, Account(region, account))
    found = {translator.dimensions(name)[0] for name in spec.monitors}
    found |= {
        QualityTranslator(translator).dimensions(name)[0]
        for name in spec.monitors
        if has_model_quality(translator.monitor(name))
    }
    return sorted(found)


def _repositories(settings: AwsSettings, region: str, partition: str, *, analyzer: bool) -> list[str]:
    """The ECR repositories the jobs' images come from: SageMaker's analyzer, driftplane's image (processing)."""
    out = []
    if analyzer and region in ANALYZER_ACCOUNTS:
        out.append(f"arn:{partition}:ecr:{region}:{ANALYZER_ACCOUNTS[region]}:repository/{ANALYZER_REPOSITORY}")
    if settings.backend == "processing":
        found = ECR_IMAGE.match(settings.image_uri or "")
        if not found:
            return ["*"]  # not an ECR image (or none yet): no repository ARN to name
        out.append(f"arn:{partition}:ecr:{found['region']}:{found['account']}:repository/{found['repository']}")
    return out or ["*"]


def capture_destinations(clients: Any, spec: Spec) -> dict[str, str]:
    """Each endpoint target's capture destination, read from its endpoint config (read-only calls)."""
    from driftplane_aws.capture import describe_endpoint

    out = {}
    for monitor in spec.monitors.values():
        endpoint = monitor.target.endpoint
        if not endpoint or monitor.target.data or endpoint in out:
            continue
        described = describe_endpoint(clients, endpoint)
        config = clients.call(
            "sagemaker", "DescribeEndpointConfig", {"EndpointConfigName": described["EndpointConfigName"]}
        )
        destination = (config.get("DataCaptureConfig") or {}).get("DestinationS3Uri")
        if destination:
            out[endpoint] = str(destination).rstrip("/")
    return out
