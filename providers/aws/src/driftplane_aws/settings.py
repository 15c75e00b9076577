"""Settings of the aws provider (the spec's ``providers.aws`` section)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from driftplane.provider import ProviderSettings


class NetworkSettings(ProviderSettings):
    """VPC settings for the monitoring or processing jobs."""

    security_group_ids: list[str] = Field(default_factory=list)
    subnets: list[str] = Field(default_factory=list)
    enable_network_isolation: bool = False
    enable_inter_container_traffic_encryption: bool = False


class AwsSettings(ProviderSettings):
    """Where and how SageMaker runs the monitors."""

    backend: Literal["model-monitor", "processing"] = Field(
        default="model-monitor",
        description=(
            "model-monitor: SageMaker Model Monitor schedules (accounts that already use it); "
            "processing: EventBridge Scheduler starting SageMaker Processing jobs (any account)."
        ),
    )
    region: str | None = Field(default=None, description="AWS region; default: the AWS configuration's.")
    role_arn: str | None = Field(default=None, description="IAM role SageMaker assumes; use ${SAGEMAKER_ROLE_ARN}.")
    output_s3_uri: str | None = Field(default=None, description="s3://bucket/prefix for baselines and reports.")
    instance_type: str = Field(default="ml.m5.xlarge")
    instance_count: int = Field(default=1, ge=1, le=100)
    volume_size_gb: int = Field(default=30, ge=1, le=16384)
    max_runtime_seconds: int = Field(default=3600, ge=1, le=86400)
    volume_kms_key_id: str | None = None
    output_kms_key_id: str | None = None
    network: NetworkSettings | None = None
    image_uri: str | None = Field(default=None, description="processing backend: the driftplane container image.")
    sns_topic_arn: str | None = Field(default=None, description="Use this SNS topic for email alerts instead of creating one.")
    tags: dict[str, str] = Field(default_factory=dict)
