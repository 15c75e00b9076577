"""``driftplane aws iam-policy``: the least-privilege IAM policies a spec needs.

Three identities act: whoever runs driftplane (plan, apply, status), the role SageMaker's
jobs run as (role_arn), and with the processing backend the role EventBridge Scheduler
assumes to start the jobs.
"""

from __future__ import annotations

from typing import Any

from driftplane.spec.models import Spec
from driftplane_aws import names
from driftplane_aws.analyzer import partition_of
from driftplane_aws.settings import AwsSettings


def _statement(sid: str, actions: list[str], resources: list[str], condition: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resources}
    if condition:
        out["Condition"] = condition
    return out


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def policies(spec: Spec, settings: AwsSettings, region: str, account: str) -> dict[str, Any]:
    partition = partition_of(region)
    prefix = settings.name_prefix
    sm = f"arn:{partition}:sagemaker:{region}:{account}"
    bucket, key = names.split_s3_uri(settings.output_s3_uri or "s3://BUCKET/driftplane")
    objects = f"arn:{partition}:s3:::{bucket}/{key}/*" if key else f"arn:{partition}:s3:::{bucket}/*"
    role = settings.role_arn or f"arn:{partition}:iam::{account}:role/SAGEMAKER_ROLE"
    data_reads = sorted(
        {f"arn:{partition}:s3:::{d.split('/')[2]}/*" for m in spec.monitors.values() for d in (m.target.data, m.baseline.data) if d and d.startswith("s3://")}
    )
    endpoints = sorted({m.target.endpoint for m in spec.monitors.values() if m.target.endpoint})
    runner = [
        _statement("ReadIdentity", ["sts:GetCallerIdentity"], ["*"]),
        _statement("BaselinesAndReports", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:PutObjectTagging"], [objects]),
        _statement("ListOutputBucket", ["s3:ListBucket"], [f"arn:{partition}:s3:::{bucket}"]),
        _statement(
            "AlertTopics",
            ["sns:CreateTopic", "sns:DeleteTopic", "sns:GetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:ListTagsForResource", "sns:TagResource"],
            [f"arn:{partition}:sns:{region}:{account}:{prefix}-*"],
        ),
        _statement("FindTopics", ["sns:ListTopics", "sns:Unsubscribe"], ["*"]),
        _statement(
            "Alarms",
            ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:ListTagsForResource", "cloudwatch:TagResource"],
            [f"arn:{partition}:cloudwatch:{region}:{account}:alarm:{prefix}/*"],
        ),
        _statement("ReadAlarmsAndMetrics", ["cloudwatch:DescribeAlarms", "cloudwatch:ListMetrics"], ["*"]),
        _statement("PassJobRole", ["iam:PassRole"], [role], {"StringEquals": {"iam:PassedToService": ["sagemaker.amazonaws.com", "scheduler.amazonaws.com"]}}),
    ]
    if endpoints:
        runner.append(
            _statement(
                "Endpoints",
                ["sagemaker:DescribeEndpoint", "sagemaker:DescribeEndpointConfig", "sagemaker:CreateEndpointConfig", "sagemaker:UpdateEndpoint", "sagemaker:AddTags"],
                [f"{sm}:endpoint/{e}" for e in endpoints] + [f"{sm}:endpoint-config/*"],
            )
        )
    if settings.backend == "model-monitor":
        runner.append(
            _statement(
                "MonitoringSchedules",
                [
                    "sagemaker:CreateMonitoringSchedule",
                    "sagemaker:UpdateMonitoringSchedule",
                    "sagemaker:DeleteMonitoringSchedule",
                    "sagemaker:DescribeMonitoringSchedule",
                    "sagemaker:ListMonitoringExecutions",
                    "sagemaker:CreateDataQualityJobDefinition",
                    "sagemaker:DescribeDataQualityJobDefinition",
                    "sagemaker:DeleteDataQualityJobDefinition",
                    "sagemaker:AddTags",
                    "sagemaker:ListTags",
                ],
                [f"{sm}:monitoring-schedule/{prefix}-*", f"{sm}:data-quality-job-definition/{prefix}-*"],
            )
        )
        # List calls take no resource: plan finds job definitions and schedules of retired monitors with them.
        runner.append(_statement("ListJobDefinitions", ["sagemaker:ListDataQualityJobDefinitions", "sagemaker:ListMonitoringSchedules"], ["*"]))
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
                [f"arn:{partition}:scheduler:{region}:{account}:schedule/{prefix}-*/*", f"arn:{partition}:scheduler:{region}:{account}:schedule-group/{prefix}-*"],
            )
        )
        # plan finds the schedule groups (and their schedules) of retired monitors with these.
        runner.append(_statement("ListSchedules", ["scheduler:ListScheduleGroups", "scheduler:ListSchedules"], ["*"]))
    runner.append(
        _statement(
            "JobsAndRuns",
            ["sagemaker:CreateProcessingJob", "sagemaker:DescribeProcessingJob", "sagemaker:AddTags"],
            [f"{sm}:processing-job/{prefix}-*"],
        )
    )
    runner.append(_statement("ListJobs", ["sagemaker:ListProcessingJobs"], ["*"]))
    job = [
        _statement("ReadInputsWriteReports", ["s3:GetObject", "s3:PutObject"], [objects]),
        _statement("ListOutputBucket", ["s3:ListBucket"], [f"arn:{partition}:s3:::{bucket}"]),
        _statement("PublishMetrics", ["cloudwatch:PutMetricData"], ["*"]),
        _statement("Logs", ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], [f"arn:{partition}:logs:{region}:{account}:log-group:/aws/sagemaker/*"]),
        _statement("PullImages", ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], ["*"]),
    ]
    if data_reads:
        job.append(_statement("ReadData", ["s3:GetObject", "s3:ListBucket"], data_reads + [r.rsplit("/", 1)[0] for r in data_reads]))
    if endpoints and settings.backend == "processing":
        job.append(_statement("FindCapture", ["sagemaker:DescribeEndpoint", "sagemaker:DescribeEndpointConfig"], [f"{sm}:endpoint/{e}" for e in endpoints] + [f"{sm}:endpoint-config/*"]))
    out: dict[str, Any] = {"driftplane": _doc(*runner), "job_role": _doc(*job)}
    if settings.backend == "processing":
        out["scheduler_role"] = _doc(
            _statement("StartJobs", ["sagemaker:CreateProcessingJob", "sagemaker:AddTags"], [f"{sm}:processing-job/{prefix}-*"]),
            _statement("PassJobRole", ["iam:PassRole"], [role], {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}),
        )
        out["scheduler_role_trust"] = _doc(
            {"Sid": "SchedulerAssumes", "Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"}, "Action": "sts:AssumeRole"}
        )
    return out
