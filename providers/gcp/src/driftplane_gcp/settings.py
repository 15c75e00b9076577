"""Settings of the gcp provider (the spec's ``providers.gcp`` section)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator

from driftplane.provider import ProviderSettings, problem_check
from driftplane.spec.problems import suggest_then
from driftplane_gcp.resources import WRITABLE_RESOURCES, label_problems

# Metric type path elements: letters, digits and '_', each starting with a letter or digit;
# the domain is the only part with dots (naming conventions of Cloud Monitoring).
_PREFIX = re.compile(r"^(custom\.googleapis\.com|external\.googleapis\.com)/([A-Za-z0-9][A-Za-z0-9_]*/)*$")
_LABEL_KEY = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
# Project IDs: 6-30 lowercase letters, digits and hyphens, starting with a letter, not ending
# with a hyphen; old domain-scoped projects carry a prefix ("example.com:my-project").
_PROJECT = re.compile(r"^([a-z0-9][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$")
# Regions: us-central1, europe-west4, northamerica-northeast1 (Cloud Scheduler and Cloud Run
# jobs live in a region, never a zone such as us-central1-a).
_REGION = re.compile(r"^[a-z]+(-[a-z]+)+[0-9]+$")
_ZONE = re.compile(r"^([a-z]+(-[a-z]+)+[0-9]+)-[a-z]$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def _project_problem(value: str) -> str | None:
    if _PROJECT.match(value):
        return None
    expected = (
        "a project ID is 6 to 30 lowercase letters, digits and hyphens, starts with a letter and does "
        "not end with a hyphen (e.g. my-project-123)"
    )
    if value.isdigit():
        return f"'{value}' is a project number, not a project ID: {expected}; `gcloud projects list` shows both"
    guess = re.sub(r"[^a-z0-9-]+", "-", value.strip().lower()).strip("-")
    hint = f"; did you mean '{guess}'?" if guess != value and _PROJECT.match(guess) else ""
    return (
        f"'{value}' is not a Google Cloud project ID: {expected}; use the ID, not the display name "
        f"(`gcloud projects list` shows it){hint}"
    )


def _region_problem(value: str) -> str | None:
    if _REGION.match(value):
        return None
    zone = _ZONE.match(value)
    if zone:
        return f"'{value}' is a zone; Cloud Scheduler and Cloud Run jobs live in a region: use '{zone.group(1)}'"
    guess = re.sub(r"[\s_]+", "-", value.strip().lower())
    guess = re.sub(r"-([0-9]+)$", r"\1", guess)
    zone = _ZONE.match(guess)
    guess = zone.group(1) if zone else guess
    hint = f"; did you mean '{guess}'?" if guess != value and _REGION.match(guess) else ""
    return (
        f"'{value}' is not a Google Cloud region: a region is written like us-central1 or europe-west4 "
        f"(lowercase, hyphens, the number joined to the last word){hint}"
    )


class SlackApp(BaseModel):
    """How Cloud Monitoring posts to one Slack channel: a Slack app's OAuth token and the channel.

    Cloud Monitoring's Slack notification channels post through a Slack app, not through
    incoming-webhook URLs, so a spec's slack channel needs these to exist on Google Cloud.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    channel_name: str = Field(description="The Slack channel, e.g. '#ml-alerts'.")
    auth_token: SecretStr = Field(description="The Slack app's OAuth token; use ${SLACK_BOT_TOKEN}.")


class GcpSettings(ProviderSettings):
    """Which project the metrics, alert policies and scheduled runs go to."""

    backend: Literal["cloud-monitoring"] = "cloud-monitoring"
    project: str | None = Field(
        default=None,
        description=(
            "Google Cloud project id; use ${GOOGLE_CLOUD_PROJECT}. Default: GOOGLE_CLOUD_PROJECT, "
            "then the project of the Application Default Credentials."
        ),
    )
    location: str = Field(default="us-central1", description="Region for Cloud Scheduler and Cloud Run jobs.")
    credentials: str | None = Field(
        default=None,
        description=(
            "A service-account key file to use instead of Application Default Credentials "
            "(default: ADC, i.e. GOOGLE_APPLICATION_CREDENTIALS, gcloud's login, or the attached service account)."
        ),
    )
    metric_prefix: str = Field(
        default="custom.googleapis.com/driftplane/",
        description="Metric types are this prefix plus the metric name, "
        "e.g. custom.googleapis.com/driftplane/feature_drift.",
    )
    # resource_labels comes before resource_type so that resource_type's check sees both.
    resource_labels: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Labels of the monitored resource. generic_task defaults: project_id (the project), location, "
            "namespace 'driftplane', job (the monitor) and task_id 'driftplane'. Other types need the "
            "labels naming their machine or cluster, e.g. gce_instance: instance_id and zone."
        ),
    )
    resource_type: str = Field(
        default="generic_task",
        validate_default=True,
        description=f"Monitored-resource type the metrics are written to: one of {', '.join(WRITABLE_RESOURCES)}.",
    )
    scheduled_runs: bool = Field(
        default=True,
        description=(
            "Deploy each monitor's schedule as a Cloud Scheduler job starting a Cloud Run job "
            "(needs image and service_account). false: run `driftplane run --provider gcp` yourself."
        ),
    )
    image: str | None = Field(default=None, description="Container image that runs driftplane for scheduled runs.")
    service_account: str | None = Field(
        default=None,
        description="Service account email the Cloud Run job runs as and Cloud Scheduler authenticates with.",
    )
    spec_path: str = Field(
        default="/app/monitors.yaml",
        description="Where this spec file is inside the image; the scheduled job "
        "runs `driftplane run SPEC_PATH --monitor M --provider gcp`.",
    )
    job_timeout: int = Field(default=3600, ge=60, le=86400, description="Seconds a scheduled run may take.")
    slack: dict[str, SlackApp] = Field(
        default_factory=dict,
        description="Per slack channel named under 'channels:', the Slack app Cloud Monitoring posts through.",
    )
    incident_webhooks: bool = Field(
        default=False,
        description=(
            "Cloud Monitoring posts its own incident JSON to a webhook, not driftplane's "
            "driftplane.alert/v1 body: true delivers webhook channels that way (for receivers that "
            "read Google's format); false (the default) refuses them at validate."
        ),
    )
    labels: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "User labels on everything this provider creates, under the spec's and the monitor's "
            "tags (which win); written by the same rule as tags (lower case, other characters '_')."
        ),
    )
    quota_retries: int = Field(
        default=3, ge=0, le=10, description="Retries of a time-series write refused for quota (RESOURCE_EXHAUSTED)."
    )
    quota_backoff: float = Field(
        default=10.0, ge=0, le=300, description="Seconds before the first quota retry; doubles after each."
    )
    timeout: float = Field(default=30.0, gt=0, description="Seconds a single API call may take, retries included.")

    @field_validator("metric_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not value.endswith("/"):
            value += "/"
        if not _PREFIX.match(value):
            raise ValueError(
                f"'{value}' is not a metric type prefix Cloud Monitoring accepts: it starts with "
                "custom.googleapis.com/ or external.googleapis.com/, then path elements of letters, "
                "digits and '_' separated by '/' (e.g. custom.googleapis.com/driftplane/)"
            )
        if len(value) + 30 > 200:
            raise ValueError(f"'{value}' is too long: metric types are at most 200 characters")
        return value

    @field_validator("resource_labels")
    @classmethod
    def _label_keys(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not _LABEL_KEY.match(key):
                raise ValueError(
                    f"resource label '{key}' must be lower-case letters, digits and '_', starting with a letter"
                )
        return value

    @field_validator("resource_type")
    @classmethod
    def _writable(cls, value: str, info: ValidationInfo) -> str:
        """Only some resource types take custom metrics, each with its own labels."""
        if value not in WRITABLE_RESOURCES:
            raise ValueError(
                suggest_then(
                    f"Cloud Monitoring does not take custom metrics on '{value}' resources",
                    value,
                    WRITABLE_RESOURCES,
                    f"it takes them on: {', '.join(WRITABLE_RESOURCES)}; generic_task (the default) suits "
                    "driftplane's runs anywhere",
                )
            )
        labels = info.data.get("resource_labels")
        if labels is not None:  # else resource_labels has its own problem already
            found = label_problems(value, labels)
            if found:
                raise ValueError("; ".join(found))
        return value

    _project_id = field_validator("project")(problem_check(_project_problem))
    _region = field_validator("location")(problem_check(_region_problem))

    @field_validator("service_account")
    @classmethod
    def _email(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or _EMAIL.match(value):
            return value
        project = info.data.get("project") or "PROJECT"
        name = re.sub(r"[^a-z0-9-]+", "-", value.split("@")[0].lower()).strip("-") or "driftplane-runner"
        raise ValueError(
            f"'{value}' is not a service account email: expected NAME@PROJECT.iam.gserviceaccount.com, "
            f"e.g. {name}@{project}.iam.gserviceaccount.com (`gcloud iam service-accounts list` shows them)"
        )
