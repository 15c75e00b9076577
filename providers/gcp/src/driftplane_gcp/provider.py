"""The gcp provider: Cloud Monitoring metrics, alert policies and scheduled runs."""

from __future__ import annotations

from typing import ClassVar

from driftplane.provider import Provider, ProviderSettings
from driftplane_gcp.settings import GcpSettings


class GcpProvider(Provider):
    name: ClassVar[str] = "gcp"
    description: ClassVar[str] = "Google Cloud Monitoring custom metrics, alert policies and Cloud Run jobs"
    backends: ClassVar[tuple[str, ...]] = ("cloud-monitoring",)
    settings_model: ClassVar[type[ProviderSettings]] = GcpSettings
