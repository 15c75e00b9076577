"""Settings of the gcp provider (the spec's ``providers.gcp`` section)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from driftplane.provider import ProviderSettings


class GcpSettings(ProviderSettings):
    """Which project the metrics, alert policies and scheduled runs go to."""

    backend: Literal["cloud-monitoring"] = "cloud-monitoring"
    project: str | None = Field(default=None, description="Google Cloud project id; use ${GOOGLE_CLOUD_PROJECT}.")
    location: str = Field(default="us-central1", description="Region for Cloud Scheduler and Cloud Run jobs.")
    metric_prefix: str = Field(default="custom.googleapis.com/driftplane/")
    resource_type: str = Field(default="generic_task", description="Monitored-resource type the metrics are written to.")
    resource_labels: dict[str, str] = Field(default_factory=dict)
    image: str | None = Field(default=None, description="Container image that runs driftplane for scheduled runs.")
    service_account: str | None = None
