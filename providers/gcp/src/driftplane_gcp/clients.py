"""The Google Cloud clients driftplane uses, built from Application Default Credentials.

Imports of the Google libraries live inside functions: loading the plugin (for
``driftplane --help``) must not pay for gRPC and the generated clients.

``DRIFTPLANE_GCP_EMULATOR_HOST=HOST:PORT`` points every client at a plaintext gRPC server
without credentials, the way Google's own emulators are reached; ``python -m
driftplane_gcp.fake`` starts one that keeps state and enforces Cloud Monitoring's rules.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from driftplane.errors import UsageError
from driftplane_gcp import errors
from driftplane_gcp.settings import GcpSettings

if TYPE_CHECKING:
    import grpc
    from google.cloud import monitoring_v3, run_v2, scheduler_v1

logger = logging.getLogger(__name__)
T = TypeVar("T")

EMULATOR_ENV = "DRIFTPLANE_GCP_EMULATOR_HOST"
SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)


@dataclass
class GcpClients:
    """One client per Google API driftplane calls, and the project the credentials name."""

    metrics: monitoring_v3.MetricServiceClient
    alerts: monitoring_v3.AlertPolicyServiceClient
    channels: monitoring_v3.NotificationChannelServiceClient
    scheduler: scheduler_v1.CloudSchedulerClient
    jobs: run_v2.JobsClient
    default_project: str | None = None


def clients_for_channel(channel: grpc.Channel, *, default_project: str | None = None) -> GcpClients:
    """Clients that all talk over one gRPC channel (an emulator, a test server, a proxy)."""
    from google.cloud import monitoring_v3, run_v2, scheduler_v1
    from google.cloud.monitoring_v3.services.alert_policy_service.transports import (
        AlertPolicyServiceGrpcTransport,
    )
    from google.cloud.monitoring_v3.services.metric_service.transports import (
        MetricServiceGrpcTransport,
    )
    from google.cloud.monitoring_v3.services.notification_channel_service.transports import (
        NotificationChannelServiceGrpcTransport,
    )
    from google.cloud.run_v2.services.jobs.transports import JobsGrpcTransport
    from google.cloud.scheduler_v1.services.cloud_scheduler.transports import (
        CloudSchedulerGrpcTransport,
    )

    return GcpClients(
        metrics=monitoring_v3.MetricServiceClient(transport=MetricServiceGrpcTransport(channel=channel)),
        alerts=monitoring_v3.AlertPolicyServiceClient(transport=AlertPolicyServiceGrpcTransport(channel=channel)),
        channels=monitoring_v3.NotificationChannelServiceClient(
            transport=NotificationChannelServiceGrpcTransport(channel=channel)
        ),
        scheduler=scheduler_v1.CloudSchedulerClient(transport=CloudSchedulerGrpcTransport(channel=channel)),
        jobs=run_v2.JobsClient(transport=JobsGrpcTransport(channel=channel)),
        default_project=default_project,
    )


class _AsDebug(logging.Handler):
    """Passes google.auth's records on as driftplane debug lines."""

    def emit(self, record: logging.LogRecord) -> None:
        logger.debug("while looking for credentials, google.auth said: %s", record.getMessage())


@contextmanager
def quiet_google_auth() -> Iterator[None]:
    """Keep google.auth's own warnings off the console unless -vv asks for library logs.

    Looking for Application Default Credentials, google.auth warns about each place it did
    not find any ("... unavailable metadata server") and about user credentials without a
    quota project. Either driftplane's own error then says what to do, or the credentials
    work; the warnings only confuse. With -v they show as debug lines; with -vv (the
    ``google`` logger at DEBUG) google.auth speaks for itself, as every library does.
    """
    if logging.getLogger("google").isEnabledFor(logging.DEBUG):
        yield
        return
    auth = logging.getLogger("google.auth")
    handler = _AsDebug()
    propagate = auth.propagate
    auth.addHandler(handler)
    auth.propagate = False
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        auth.removeHandler(handler)
        auth.propagate = propagate
        for warning in caught:
            if "/google/auth/" in warning.filename.replace(os.sep, "/"):
                logger.debug("while looking for credentials, google.auth warned: %s", warning.message)
            else:  # not google.auth's: let it through as it would have been
                warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)


def _credentials(settings: GcpSettings) -> tuple[Any, str | None]:
    import google.auth
    from google.auth import exceptions as auth_exceptions
    from google.oauth2 import service_account

    if settings.credentials:
        try:
            credentials = service_account.Credentials.from_service_account_file(settings.credentials, scopes=SCOPES)
        except (OSError, ValueError, KeyError) as exc:
            raise errors.NoCredentials(
                f"the service-account key file {settings.credentials} (providers.gcp.credentials) could not be "
                f"used: {exc}. Download a key with `gcloud iam service-accounts keys create`, or remove the "
                "setting to use Application Default Credentials"
            ) from exc
        return credentials, credentials.project_id
    try:
        return google.auth.default(scopes=SCOPES)
    except auth_exceptions.DefaultCredentialsError as exc:
        raise errors.no_credentials(str(exc)) from exc


def connect(settings: GcpSettings) -> GcpClients:
    """Clients authenticated with Application Default Credentials (or the emulator's channel)."""
    host = os.environ.get(EMULATOR_ENV)
    if host:
        import grpc

        logger.debug("talking to the Google Cloud emulator at %s (%s is set), without credentials", host, EMULATOR_ENV)
        return clients_for_channel(grpc.insecure_channel(host), default_project=os.environ.get("GOOGLE_CLOUD_PROJECT"))
    with quiet_google_auth():
        credentials, project = _credentials(settings)
    from google.cloud import monitoring_v3, run_v2, scheduler_v1

    return GcpClients(
        metrics=monitoring_v3.MetricServiceClient(credentials=credentials),
        alerts=monitoring_v3.AlertPolicyServiceClient(credentials=credentials),
        channels=monitoring_v3.NotificationChannelServiceClient(credentials=credentials),
        scheduler=scheduler_v1.CloudSchedulerClient(credentials=credentials),
        jobs=run_v2.JobsClient(credentials=credentials),
        default_project=project,
    )


def project_for(settings: GcpSettings, clients: GcpClients | None = None) -> str:
    """The project: the setting, else GOOGLE_CLOUD_PROJECT, else the credentials' project."""
    project = settings.project or os.environ.get("GOOGLE_CLOUD_PROJECT")
    if not project and clients is not None:
        project = clients.default_project
    if not project:
        raise UsageError(
            "no Google Cloud project: set providers.gcp.project in the spec (e.g. "
            "project: ${GOOGLE_CLOUD_PROJECT}) or the GOOGLE_CLOUD_PROJECT environment variable"
        )
    return project


def write_retry(timeout: float) -> Any:
    """Retry writes on UNAVAILABLE and DEADLINE_EXCEEDED only.

    Writes are not retried by the clients, and must never be retried on INVALID_ARGUMENT:
    a duplicate or too-early point is refused for good.
    """
    from google.api_core import exceptions as gexc
    from google.api_core import retry

    return retry.Retry(
        predicate=retry.if_exception_type(gexc.ServiceUnavailable, gexc.DeadlineExceeded),
        initial=0.25,
        maximum=8.0,
        multiplier=2.0,
        timeout=timeout,
    )


def call(fn: Callable[..., T], *, doing: str, api: errors.Api, project: str, **kwargs: Any) -> T:
    """Call a client method; any Google error becomes a ProviderError that says what to do."""
    from google.api_core import exceptions as gexc

    try:
        return fn(**kwargs)
    except gexc.RetryError as exc:
        cause = exc.cause if isinstance(exc.cause, Exception) else exc
        raise errors.explain(cause, doing=doing, api=api, project=project) from cause
    except gexc.GoogleAPICallError as exc:
        raise errors.explain(exc, doing=doing, api=api, project=project) from exc
