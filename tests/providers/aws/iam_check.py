"""Is each recorded request allowed by a policy? IAM's action and resource for each call, matched as IAM matches.

Only Allow statements are generated, so a call is allowed when one statement's Action and
Resource patterns both match (``*`` and ``?`` wildcards; actions case-insensitively,
resources case-sensitively). An operation this module does not know fails the check, so a
new call cannot slip past it.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from .conftest import ACCOUNT, REGION

ANY = "*"
S3_OBJECT_ACTIONS = {
    "HeadObject": "GetObject",
    "GetObject": "GetObject",
    "PutObject": "PutObject",
    "DeleteObject": "DeleteObject",
}
# Calls IAM authorises on "*" only (no resource-level permissions).
UNSCOPED = {
    "cloudwatch": {"DescribeAlarms", "ListMetrics", "PutMetricData", "GetMetricStatistics"},
    "sns": {"ListTopics", "Unsubscribe"},
    "scheduler": {"ListScheduleGroups", "ListSchedules"},
}


# Calls AWS answers without any permission (even when a policy denies them).
NEEDS_NO_PERMISSION = {("sts", "GetCallerIdentity")}


def _sagemaker_resource(op: str, params: dict[str, Any]) -> str:
    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:"
    if op.startswith("List") and op != "ListTags":
        return ANY
    if "ResourceArn" in params:
        return str(params["ResourceArn"])
    for key, kind in (
        ("MonitoringScheduleName", "monitoring-schedule"),
        ("JobDefinitionName", "data-quality-job-definition"),
        ("ProcessingJobName", "processing-job"),
        ("EndpointName", "endpoint"),
        ("EndpointConfigName", "endpoint-config"),
    ):
        if key in params:
            return f"{arn}{kind}/{str(params[key]).lower()}"
    raise AssertionError(f"iam_check does not know the resource of sagemaker:{op} {params}")


def action_and_resources(service: str, op: str, params: dict[str, Any]) -> tuple[str, list[str]]:
    if op in UNSCOPED.get(service, set()):
        return f"{service}:{op}", [ANY]
    if service == "s3":
        if op in S3_OBJECT_ACTIONS:
            return f"s3:{S3_OBJECT_ACTIONS[op]}", [f"arn:aws:s3:::{params['Bucket']}/{params['Key']}"]
        if op in ("ListObjectsV2", "ListObjects"):
            return "s3:ListBucket", [f"arn:aws:s3:::{params['Bucket']}"]
    if service == "sagemaker":
        return f"sagemaker:{op}", [_sagemaker_resource(op, params)]
    if service == "cloudwatch":
        alarm = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:"
        if op == "PutMetricAlarm":
            return "cloudwatch:PutMetricAlarm", [alarm + params["AlarmName"]]
        if op == "DeleteAlarms":
            return "cloudwatch:DeleteAlarms", [alarm + n for n in params["AlarmNames"]]
        if op in ("ListTagsForResource", "TagResource"):
            return f"cloudwatch:{op}", [params["ResourceARN"]]
    if service == "sns":
        if op == "CreateTopic":
            return "sns:CreateTopic", [f"arn:aws:sns:{REGION}:{ACCOUNT}:{params['Name']}"]
        if "TopicArn" in params:
            return f"sns:{op}", [params["TopicArn"]]
        if "ResourceArn" in params:
            return f"sns:{op}", [params["ResourceArn"]]
    if service == "scheduler":
        base = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:"
        if op.endswith("ScheduleGroup"):
            return f"scheduler:{op}", [f"{base}schedule-group/{params['Name']}"]
        if op.endswith("Schedule"):
            return f"scheduler:{op}", [f"{base}schedule/{params.get('GroupName', 'default')}/{params['Name']}"]
        if "ResourceArn" in params:
            return f"scheduler:{op}", [params["ResourceArn"]]
    raise AssertionError(f"iam_check does not know the IAM action and resource of {service}:{op}")


def allowed(policy: dict[str, Any], action: str, resource: str) -> bool:
    for statement in policy["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if not any(fnmatchcase(action.lower(), a.lower()) for a in actions):
            continue
        if any(fnmatchcase(resource, r) for r in statement["Resource"]):
            return True
    return False


def denied(policy: dict[str, Any], requests: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
    """Every (action on resource) among ``requests`` the policy does not allow."""
    out = []
    for service, op, params in requests:
        if (service, op) in NEEDS_NO_PERMISSION:
            continue
        action, resources = action_and_resources(service, op, params)
        out += [f"{action} on {r}" for r in resources if not allowed(policy, action, r)]
    return sorted(set(out))
