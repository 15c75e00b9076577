"""Google API errors turned into ProviderErrors a person can act on.

Each message says what driftplane was doing, what Google answered, and what to do next:
the gcloud command that enables an API, the role that is missing, the quota that ran out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from driftplane.errors import ProviderError


@dataclass(frozen=True)
class Api:
    """A Google API driftplane calls: its service name, title and the role that suffices."""

    service: str
    title: str
    role: str


MONITORING = Api("monitoring.googleapis.com", "Cloud Monitoring API", "roles/monitoring.editor")
SCHEDULER = Api("cloudscheduler.googleapis.com", "Cloud Scheduler API", "roles/cloudscheduler.admin")
RUN = Api(
    "run.googleapis.com",
    "Cloud Run Admin API",
    "roles/run.admin (and roles/iam.serviceAccountUser on the job's service account)",
)
# The same APIs as run and status use them: the narrower role that suffices there, so a
# runner's service account is not told to become a Monitoring editor.
METRIC_WRITER = replace(MONITORING, role="roles/monitoring.metricWriter")
MONITORING_READER = replace(MONITORING, role="roles/monitoring.viewer")
SCHEDULER_READER = replace(SCHEDULER, role="roles/cloudscheduler.viewer")


class ApiNotEnabled(ProviderError):
    """An API driftplane needs is disabled in the project."""


class PermissionDenied(ProviderError):
    """The credentials lack a permission."""


class QuotaExceeded(ProviderError):
    """A quota ran out and retrying did not help."""


class NoCredentials(ProviderError):
    """No Application Default Credentials could be found."""


class Refused(ProviderError):
    """Google refused a request as invalid, or it failed for another reason."""


class AlertFilterError(ProviderError):
    """An alert condition Google would reject, caught before anything was sent."""


def no_credentials(detail: str) -> NoCredentials:
    return NoCredentials(
        "no Google Cloud credentials: Application Default Credentials were not found "
        f"({detail.strip().rstrip('.')}). On your machine run `gcloud auth application-default login`; "
        "elsewhere set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or set "
        "providers.gcp.credentials. On Google Cloud (Cloud Run, GCE, GKE) the attached service "
        "account is used. `driftplane plan --offline` needs no credentials."
    )


def _service_disabled(exc: Any) -> bool:
    reason = getattr(exc, "reason", None)
    if reason in ("SERVICE_DISABLED", "API_DISABLED"):
        return True
    text = str(getattr(exc, "message", "") or exc)
    return "has not been used in project" in text or "it is disabled" in text


def _quota_limit(exc: Any) -> str:
    """The limit from the error's ErrorInfo metadata or QuotaFailure details, else its message."""
    metadata = dict(getattr(exc, "metadata", None) or {})
    parts = []
    if metadata.get("quota_limit"):
        value = metadata.get("quota_limit_value")
        parts.append(f"limit {metadata['quota_limit']}" + (f" = {value}" if value else ""))
    if metadata.get("quota_metric"):
        parts.append(f"quota metric {metadata['quota_metric']}")
    for detail in getattr(exc, "details", None) or []:
        for violation in getattr(detail, "violations", []) or []:
            description = getattr(violation, "description", "")
            subject = getattr(violation, "subject", "")
            if description or subject:
                parts.append(" ".join(p for p in (subject, description) if p))
    return "; ".join(dict.fromkeys(parts)) or str(getattr(exc, "message", "") or exc)


def explain(exc: Exception, *, doing: str, api: Api, project: str, attempts: int = 1) -> ProviderError:
    """The ProviderError for a failed call; ``doing`` says what driftplane was doing."""
    from google.api_core import exceptions as gexc

    message = str(getattr(exc, "message", "") or exc).strip()
    if isinstance(exc, gexc.PermissionDenied | gexc.Forbidden) and _service_disabled(exc):
        return ApiNotEnabled(
            f"{doing} failed: the {api.title} ({api.service}) is not enabled in project {project}. "
            f"Enable it with: gcloud services enable {api.service} --project {project} "
            "(then wait a minute for it to take effect)"
        )
    if isinstance(exc, gexc.PermissionDenied | gexc.Forbidden | gexc.Unauthenticated):
        return PermissionDenied(
            f"{doing} failed: permission denied in project {project} ({message}). "
            f"Grant the account driftplane runs as {api.role}, or ask a project owner to."
        )
    if isinstance(exc, gexc.ResourceExhausted | gexc.TooManyRequests):
        tried = f" after {attempts} attempts" if attempts > 1 else ""
        return QuotaExceeded(
            f"{doing} failed{tried}: a {api.title} quota in project {project} is exhausted "
            f"({_quota_limit(exc)}). Write less often, or raise the quota at "
            f"https://console.cloud.google.com/iam-admin/quotas?project={project}"
        )
    if isinstance(exc, gexc.NotFound):
        return Refused(f"{doing} failed: not found ({message}); was it deleted outside driftplane?")
    if isinstance(exc, gexc.InvalidArgument | gexc.FailedPrecondition):
        return Refused(f"{doing} failed: Google refused the request: {message}")
    if isinstance(exc, gexc.ServiceUnavailable | gexc.DeadlineExceeded):
        return Refused(
            f"{doing} failed: the {api.title} did not answer in time or was unavailable ({message}); "
            "nothing is lost, run the command again"
        )
    return Refused(f"{doing} failed: {type(exc).__name__}: {message}")
