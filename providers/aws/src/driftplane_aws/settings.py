"""Settings of the aws provider (the spec's ``providers.aws`` section)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, WithJsonSchema, field_validator

from driftplane.provider import ProviderSettings, problem_check

ROLE_ARN = re.compile(r"^arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$")
S3_URI = re.compile(r"^s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9](/.*)?$")
ROLE_EXAMPLE = "arn:aws:iam::123456789012:role/SageMakerMonitoring"
MAX_RUNTIME_PROCESSING = 777_600  # CreateProcessingJob's StoppingCondition (9 days)
MAX_RUNTIME_MONITORING = 86_400  # a data-quality job definition's StoppingCondition (1 day)
# Editors get the patterns from the JSON Schema; failures are explained by the validators below.
RoleArn = Annotated[str, WithJsonSchema({"type": "string", "pattern": ROLE_ARN.pattern})]
S3Uri = Annotated[str, WithJsonSchema({"type": "string", "pattern": S3_URI.pattern})]
NAME_PREFIX = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9])*$")
MAX_NAME_PREFIX = 20
NamePrefix = Annotated[
    str,
    WithJsonSchema({"type": "string", "pattern": NAME_PREFIX.pattern, "minLength": 1, "maxLength": MAX_NAME_PREFIX}),
]


def role_arn_problem(value: str) -> str | None:
    """Why ``value`` is not an IAM role ARN, in words (None when it is one)."""
    if ROLE_ARN.match(value):
        return None
    if re.match(r"^arn:aws[a-z\-]*:iam::\d{12}:user/", value):
        return (
            f"'{value}' is an IAM user; SageMaker and EventBridge Scheduler "
            f"assume roles: give a role's ARN such as {ROLE_EXAMPLE}"
        )
    return (
        f"'{value}' is not an IAM role ARN: expected arn:aws:iam::<12-digit account>:role/<name>, e.g. {ROLE_EXAMPLE}"
    )


def s3_uri_problem(value: str) -> str | None:
    """Why ``value`` is not an S3 URI SageMaker takes, in words (None when it is one)."""
    if S3_URI.match(value):
        return None
    if not value.startswith("s3://"):
        return f"'{value}' is not an S3 URI: expected s3://bucket/prefix, e.g. s3://ml-monitoring/driftplane"
    return (
        f"'{value}': the bucket name must be 3-63 lower-case letters, digits, '.' or '-', starting and ending with a "
        "letter or digit (e.g. s3://ml-monitoring/driftplane)"
    )


def name_prefix_problem(value: str) -> str | None:
    """Why ``value`` cannot start driftplane's resource names, in words (None when it can)."""
    if not NAME_PREFIX.match(value):
        return (
            f"'{value}' cannot start resource names: use letters, digits and '-', starting and ending with a letter "
            "or digit (e.g. driftplane or ml-team)"
        )
    if len(value) > MAX_NAME_PREFIX:
        return (
            f"'{value}' is {len(value)} characters; name_prefix may have at most {MAX_NAME_PREFIX} (with the monitor's "
            "name it must fit SageMaker's 63-character names): shorten it"
        )
    return None


class NetworkSettings(ProviderSettings):
    """VPC settings for the monitoring or processing jobs (SageMaker's NetworkConfig)."""

    security_group_ids: list[str] = Field(default_factory=list, max_length=5)
    subnets: list[str] = Field(default_factory=list, max_length=16)
    enable_network_isolation: bool = False
    enable_inter_container_traffic_encryption: bool = False


class AwsSettings(ProviderSettings):
    """Where and how SageMaker runs the monitors."""

    backend: Literal["model-monitor", "processing"] = Field(
        default="model-monitor",
        description=(
            "model-monitor: SageMaker Model Monitor schedules (accounts that already use it); "
            "processing: EventBridge Scheduler starting SageMaker Processing jobs that run driftplane (any account)."
        ),
    )
    region: str | None = Field(
        default=None, description="AWS region; default: the AWS configuration's (AWS_REGION, ~/.aws/config)."
    )
    profile: str | None = Field(default=None, description="A named profile of ~/.aws/config to take credentials from.")
    role_arn: RoleArn | None = Field(
        default=None,
        description="IAM role SageMaker assumes to run the jobs; use ${SAGEMAKER_ROLE_ARN}.",
    )
    scheduler_role_arn: RoleArn | None = Field(
        default=None,
        description="processing: the role EventBridge Scheduler assumes to start the jobs; default: role_arn.",
    )
    output_s3_uri: S3Uri | None = Field(
        default=None,
        description="s3://bucket/prefix under which baselines, job specs and reports are written.",
    )
    name_prefix: NamePrefix = Field(
        default="driftplane",
        description="Start of every name driftplane gives a cloud resource (1-20 letters, digits, '-').",
    )
    instance_type: str = Field(default="ml.m5.xlarge", description="SageMaker instance type of each job.")
    instance_count: int = Field(default=1, ge=1, le=100)
    volume_size_gb: int = Field(default=30, ge=1, le=16384)
    max_runtime_seconds: int = Field(
        default=3600,
        ge=1,
        le=MAX_RUNTIME_PROCESSING,
        description="Seconds a job may run: at most 86400 with model-monitor, 777600 with processing.",
    )
    volume_kms_key_id: str | None = Field(default=None, max_length=2048)
    output_kms_key_id: str | None = Field(default=None, max_length=2048)
    network: NetworkSettings | None = None
    image_uri: str | None = Field(
        default=None,
        max_length=255,
        description="processing: the driftplane container image (see providers/aws/Dockerfile).",
    )
    capture_variant: str = Field(
        default="AllTraffic",
        description="processing: the endpoint variant whose captured traffic a job reads.",
    )
    sns_topic_arn: str | None = Field(
        default=None,
        pattern=r"^arn:aws[a-z\-]*:sns:[a-z0-9\-]+:\d{12}:[A-Za-z0-9_\-]{1,256}$",
        description="Send alarms to this SNS topic instead of creating one per alert with email subscriptions.",
    )
    wait_seconds: int = Field(
        default=300,
        ge=0,
        le=7200,
        description="How long apply waits for a schedule to leave Pending (and for a baselining job).",
    )
    poll_seconds: float = Field(default=5.0, ge=0, le=60, description="Seconds between two status polls while waiting.")
    max_attempts: int = Field(
        default=5, ge=1, le=20, description="Attempts per AWS call in botocore's standard retry mode."
    )
    tags: dict[str, str] = Field(default_factory=dict, description="Added to everything the provider creates.")

    _a_role = field_validator("role_arn", "scheduler_role_arn")(problem_check(role_arn_problem))
    _a_name_prefix = field_validator("name_prefix")(problem_check(name_prefix_problem))
    _an_s3_uri = field_validator("output_s3_uri")(problem_check(s3_uri_problem))
