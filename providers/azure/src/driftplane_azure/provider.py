"""The azure provider: Azure Machine Learning model-monitoring schedules."""

from __future__ import annotations

from typing import ClassVar

from driftplane.provider import Provider, ProviderSettings
from driftplane_azure.settings import AzureSettings


class AzureProvider(Provider):
    name: ClassVar[str] = "azure"
    description: ClassVar[str] = "Azure Machine Learning model monitors with data-drift and data-quality signals"
    backends: ClassVar[tuple[str, ...]] = ("model-monitor", "dataset-monitor")
    settings_model: ClassVar[type[ProviderSettings]] = AzureSettings
