"""The aws provider: SageMaker Model Monitor, or SageMaker Processing for any account."""

from __future__ import annotations

from typing import ClassVar

from driftplane.provider import Provider, ProviderSettings
from driftplane_aws.settings import AwsSettings


class AwsProvider(Provider):
    name: ClassVar[str] = "aws"
    description: ClassVar[str] = "Amazon SageMaker monitoring schedules, CloudWatch alarms and SNS email"
    backends: ClassVar[tuple[str, ...]] = ("model-monitor", "processing")
    settings_model: ClassVar[type[ProviderSettings]] = AwsSettings
