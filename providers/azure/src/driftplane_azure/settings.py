"""Settings of the azure provider (the spec's ``providers.azure`` section)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from driftplane.provider import ProviderSettings


class AzureSettings(ProviderSettings):
    """Which workspace the monitors live in and how their Spark jobs run."""

    backend: Literal["model-monitor", "dataset-monitor"] = Field(
        default="model-monitor",
        description="model-monitor: azure-ai-ml v2 schedules; dataset-monitor: legacy v1, for migration only.",
    )
    subscription_id: str | None = Field(default=None, description="Use ${AZURE_SUBSCRIPTION_ID}.")
    resource_group: str | None = None
    workspace: str | None = None
    workspace_config: str | None = Field(default=None, description="A config.json naming the workspace, instead of the three above.")
    instance_type: str = Field(default="standard_e4s_v3", description="Serverless Spark instance type.")
    spark_runtime: Literal["3.4", "3.5"] = Field(default="3.4", description="Serverless Spark runtime version.")
    data: Literal["upload", "as-is"] = Field(
        default="upload",
        description="upload: local data becomes a data asset; as-is: paths are azureml:// URIs or assets.",
    )
    tags: dict[str, str] = Field(default_factory=dict)
