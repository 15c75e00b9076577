"""Settings of the azure provider (the spec's ``providers.azure`` section)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from driftplane.provider import ProviderSettings

# Serverless Spark instance types the Azure ML docs list for model monitoring.
DOCUMENTED_INSTANCE_TYPES = (
    "standard_e4s_v3",
    "standard_e8s_v3",
    "standard_e16s_v3",
    "standard_e32s_v3",
    "standard_e64s_v3",
)
SPARK_RUNTIMES = ("3.4", "3.5")
# Azure subscription ids are GUIDs; anything else (a {placeholder}, a name) fails only at apply.
SUBSCRIPTION_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def subscription_id_problem(value: str) -> str | None:
    """Why ``value`` cannot be a subscription id, or None when it can."""
    if SUBSCRIPTION_ID.match(value.strip()):
        return None
    placeholder = "{" in value or "<" in value or "$" in value
    what = "a placeholder" if placeholder else "not a subscription id"
    return (
        f"'{value}' is {what}; an Azure subscription id is a GUID such as "
        "00000000-0000-0000-0000-000000000000 (az account show --query id). Write "
        "${AZURE_SUBSCRIPTION_ID} and export AZURE_SUBSCRIPTION_ID, or paste the id"
    )


QualityKind = Literal["numerical", "categorical"]
QualityMetric = Literal["null_value_rate", "data_type_error_rate", "out_of_bounds_rate"]


class AzureMonitorSettings(ProviderSettings):
    """Azure-only details of one monitor, under ``providers.azure.monitors.<name>``.

    They say what the provider-neutral spec cannot: the ML task of a deployment, the label
    column of the training data, how production data is read.
    """

    ml_task: Literal["classification", "regression"] = Field(
        default="classification",
        description="The task of the model behind target.endpoint (Azure's monitoring_target.ml_task).",
    )
    target_column: str | None = Field(
        default=None,
        description="The label column of the baseline data (Azure's data_column_names.target_column).",
    )
    preprocessing_component: str | None = Field(
        default=None,
        description=(
            "azureml:NAME:VERSION of a component that turns the target's uri_folder into an mltable "
            "for each window (inputs data_window_start, data_window_end, input_data). Use an exact "
            "version such as 1.0.0."
        ),
    )
    target_type: Literal["mltable", "uri_folder", "uri_file"] | None = Field(
        default=None,
        description="Input type of the target data; default mltable, or uri_folder with a preprocessing component.",
    )
    baseline_type: Literal["mltable", "uri_folder", "uri_file"] | None = Field(
        default=None,
        description=(
            "Input type of the baseline data asset; default mltable. Uploaded local baselines are "
            "always registered as mltable."
        ),
    )
    top_n_features: int | None = Field(
        default=None,
        ge=1,
        description=(
            "Azure-only: the drift signal watches the N features the model finds most important "
            "(Azure's top_n_feature_importance) instead of features.include; needs target_column."
        ),
    )
    quality_thresholds: dict[QualityKind, dict[QualityMetric, float | None]] = Field(
        default_factory=dict,
        description=(
            "Azure-only: data-quality thresholds per feature kind as Azure writes them (rates in "
            "[0, 1]); each one given replaces what checks.quality maps to, null removes that metric. "
            "E.g. {numerical: {null_value_rate: 0.05}}."
        ),
    )
    reference_window: str | None = Field(
        default=None,
        description=(
            "Azure-only, with baseline.lag: how long the lagged reference window is (Azure's "
            "out-of-box monitors use twice the target window); default: the target's window."
        ),
    )
    schedule_name: str | None = Field(
        default=None,
        description="The Azure schedule's name; default: name_prefix plus the monitor's name.",
    )

    @field_validator("reference_window")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        from driftplane.spec.durations import Duration

        if value is not None:
            Duration.parse(value)
        return value

    @field_validator("quality_thresholds")
    @classmethod
    def _rates(cls, value: dict[str, dict[str, float | None]]) -> dict[str, dict[str, float | None]]:
        for kind, metrics in value.items():
            for metric, rate in metrics.items():
                if rate is not None and not 0 <= rate <= 1:
                    raise ValueError(f"{kind}.{metric} is {rate}; a rate is between 0 and 1")
        return value


class AzureSettings(ProviderSettings):
    """Which workspace the monitors live in and how their Spark jobs run."""

    backend: Literal["model-monitor", "dataset-monitor"] = Field(
        default="model-monitor",
        description=(
            "model-monitor: azure-ai-ml v2 schedules. dataset-monitor: the retired v1 data drift "
            "service, kept only so `driftplane azure import-v1` can move its monitors over."
        ),
    )
    subscription_id: str | None = Field(default=None, description="Use ${AZURE_SUBSCRIPTION_ID}.")
    resource_group: str | None = Field(default=None, description="The workspace's resource group.")
    workspace: str | None = Field(default=None, description="The Azure Machine Learning workspace name.")
    workspace_config: str | None = Field(
        default=None,
        description=(
            "A config.json naming the workspace (subscription_id, resource_group, workspace_name), "
            "as downloaded from the portal; relative to the spec file. Values set above win."
        ),
    )
    credential: Literal["default", "azure-cli", "environment", "managed-identity"] = Field(
        default="default",
        description=(
            "default: DefaultAzureCredential (environment, workload identity, managed identity, "
            "az login...); or only one of those sources."
        ),
    )
    managed_identity_client_id: str | None = Field(
        default=None, description="Client id of a user-assigned managed identity."
    )
    instance_type: str = Field(
        default="standard_e4s_v3",
        description=(
            "Serverless Spark instance type: standard_e4s_v3, standard_e8s_v3, standard_e16s_v3, "
            "standard_e32s_v3 or standard_e64s_v3 (any letter case)."
        ),
    )
    spark_runtime: Literal["3.4", "3.5"] = Field(
        default="3.4", description="Serverless Spark runtime version (azure-ai-ml accepts 3.4 and 3.5)."
    )
    data: Literal["upload", "as-is"] = Field(
        default="upload",
        description=(
            "upload: a local baseline file becomes a data asset (named driftplane-<monitor>-baseline, "
            "versioned by content) at apply; as-is: data must already be azureml:NAME:VERSION assets "
            "or azureml:// / https:// / abfss:// URIs."
        ),
    )
    datastore: str = Field(
        default="workspaceblobstore", description="Where uploaded baselines go (upload mode)."
    )
    name_prefix: str = Field(
        default="",
        description="Prepended to each monitor's name to make the Azure schedule name.",
    )
    alert_severity: int = Field(
        default=2,
        ge=0,
        le=4,
        description=(
            "No longer used, and refused when set: it was the severity of the Azure Monitor alert rule "
            "earlier versions made for webhook and Slack channels, which Azure no longer gets."
        ),
    )
    monitors: dict[str, AzureMonitorSettings] = Field(
        default_factory=dict, description="Azure-only details per monitor, by monitor name."
    )
    tags: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Added to everything driftplane creates (schedules, uploaded baselines); the spec's and "
            "the monitor's tags go over them."
        ),
    )

    @field_validator("subscription_id")
    @classmethod
    def _subscription(cls, value: str | None) -> str | None:
        """Empty is allowed (offline plans); anything else must be a GUID, not a template."""
        if value:
            problem = subscription_id_problem(value)
            if problem:
                raise ValueError(problem)
        return value or None

    @field_validator("instance_type")
    @classmethod
    def _instance_type(cls, value: str) -> str:
        """Serverless Spark runs only on the memory-optimized E-series sizes Azure ML lists."""
        if value.lower() not in DOCUMENTED_INSTANCE_TYPES:
            raise ValueError(
                f"'{value}' is not an instance type Azure ML's serverless Spark runs on; it takes "
                f"{', '.join(DOCUMENTED_INSTANCE_TYPES)} (any letter case)"
            )
        return value

    @field_validator("spark_runtime", mode="before")
    @classmethod
    def _spark_runtime(cls, value: Any) -> Any:
        """YAML reads 3.4 as a number; say plainly which runtimes exist instead of guessing one."""
        text = f"{value:.1f}" if isinstance(value, float) else str(value)
        if text not in SPARK_RUNTIMES:
            raise ValueError(
                f"'{value}' is not a Spark runtime Azure offers: Azure's serverless Spark supports "
                'runtime 3.4 and 3.5; write spark_runtime: "3.4" or "3.5"'
            )
        return text

    def for_monitor(self, name: str) -> AzureMonitorSettings:
        """The Azure details of one monitor (defaults when it has none)."""
        return self.monitors.get(name) or AzureMonitorSettings()
