"""Errors that must read clearly: what failed, why, and what to do (each a ProviderError, exit 3)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2

from driftplane.errors import ProviderError
from driftplane.spec import Spec
from driftplane_gcp import errors
from driftplane_gcp.clients import GcpClients
from driftplane_gcp.emulator import GoogleCloudEmulator
from driftplane_gcp.provider import GcpProvider

from .conftest import EXAMPLE, REPO, SETTINGS, provider_for

DAY = datetime(2026, 1, 12, tzinfo=UTC)


def test_no_application_default_credentials_from_the_cli(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOOGLE_", "CLOUDSDK_", "DRIFTPLANE_"))}
    env.update(
        HOME=str(tmp_path),
        CLOUDSDK_CONFIG=str(tmp_path / "gcloud"),
        NO_GCE_CHECK="true",  # no probe of a metadata server: this machine is not on Google Cloud
        GCE_METADATA_HOST="127.0.0.1:9",
    )
    done = subprocess.run(
        [sys.executable, "-m", "driftplane", "apply", str(EXAMPLE)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 3, done.stdout + done.stderr
    assert "Application Default Credentials were not found" in done.stderr
    assert "gcloud auth application-default login" in done.stderr
    assert "Traceback" not in done.stderr
    # driftplane's error says it all: no google.auth warning ("... unavailable metadata server.") first
    (line,) = done.stderr.splitlines()
    assert line.startswith("error: no Google Cloud credentials")


def test_a_missing_credentials_file_is_named(example: Spec, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/key.json")
    with pytest.raises(errors.NoCredentials) as info:
        GcpProvider.from_spec(example).plan(example)
    assert "/nonexistent/key.json" in str(info.value)
    assert "gcloud auth application-default login" in str(info.value)
    with pytest.raises(errors.NoCredentials, match="providers.gcp.credentials"):
        GcpProvider({**SETTINGS, "credentials": "/nonexistent/sa.json"}).plan(example)


@pytest.mark.parametrize(
    ("api", "verb"),
    [
        ("monitoring.googleapis.com", "apply"),
        ("run.googleapis.com", "apply"),
        ("cloudscheduler.googleapis.com", "apply"),
        ("monitoring.googleapis.com", "run"),
        ("monitoring.googleapis.com", "status"),
    ],
)
def test_an_api_that_is_not_enabled_says_how_to_enable_it(
    example: Spec, clients: GcpClients, fake: GoogleCloudEmulator, api: str, verb: str
) -> None:
    fake.disable_api(api)
    provider = provider_for(example, clients)
    with pytest.raises(errors.ApiNotEnabled) as info:
        if verb == "run":
            list(provider.run(example, at=DAY))
        elif verb == "status":
            provider.status(example)
        else:
            provider.apply(example)
    message = str(info.value)
    assert f"gcloud services enable {api} --project my-project" in message
    assert "is not enabled in project my-project" in message


def test_permission_denied_names_the_role(example: Spec, clients: GcpClients, fake: GoogleCloudEmulator) -> None:
    fake.fail(
        "CreateAlertPolicy", grpc.StatusCode.PERMISSION_DENIED, "Permission monitoring.alertPolicies.create denied"
    )
    with pytest.raises(errors.PermissionDenied) as info:
        provider_for(example, clients).apply(example)
    message = str(info.value)
    assert "creating alert policy 'driftplane churn: churn inputs drifted'" in message
    assert "monitoring.alertPolicies.create" in message and "roles/monitoring.editor" in message


@pytest.mark.parametrize(
    ("method", "verb", "role"),
    [
        ("CreateJob", "apply", "roles/run.admin"),  # Cloud Run's CreateJob comes first
        ("CreateTimeSeries", "run", "roles/monitoring.metricWriter"),
        ("ListTimeSeries", "status", "roles/monitoring.viewer"),
    ],
)
def test_permission_denied_names_the_role_that_verb_needs(
    example: Spec, clients: GcpClients, fake: GoogleCloudEmulator, method: str, verb: str, role: str
) -> None:
    """A runner's service account is told to get metricWriter, not Monitoring editor."""
    fake.fail(method, grpc.StatusCode.PERMISSION_DENIED, "The caller does not have permission")
    provider = provider_for(example, clients)
    with pytest.raises(errors.PermissionDenied) as info:
        if verb == "run":
            list(provider.run(example, at=DAY))
        elif verb == "status":
            provider.status(example)
        else:
            provider.apply(example)
    assert role in str(info.value) and "project my-project" in str(info.value)


def test_cloud_errors_reach_the_cli_as_exit_3_without_a_traceback(
    cli: Any, example_dir: Path, fake: GoogleCloudEmulator
) -> None:
    spec = str(example_dir / "monitors.yaml")
    fake.disable_api("cloudscheduler.googleapis.com")
    done = cli("apply", spec)
    assert done.exit_code == 3, done.output
    assert "gcloud services enable cloudscheduler.googleapis.com --project my-project" in done.stderr
    assert "Traceback" not in done.output

    fake.fail("CreateTimeSeries", grpc.StatusCode.PERMISSION_DENIED, "Permission monitoring.timeSeries.create denied")
    done = cli("run", spec, "--at", "2026-01-12", "--json")
    assert done.exit_code == 3, done.output
    (shown,) = [line for line in done.stdout.splitlines() if line.strip()]
    assert '"status": "drift' in shown or '"status":"drift' in shown, "the run's result is still printed"
    assert "roles/monitoring.metricWriter" in done.stderr and "Traceback" not in done.output


QUOTA_INFO = error_details_pb2.ErrorInfo(
    reason="RATE_LIMIT_EXCEEDED",
    domain="googleapis.com",
    metadata={
        "quota_limit": "TimeSeriesIngestionRequestsPerMinutePerProject",
        "quota_limit_value": "6000",
        "quota_metric": "monitoring.googleapis.com/ingestion_requests",
        "service": "monitoring.googleapis.com",
    },
)


def test_a_write_quota_is_retried_then_reported_with_the_limit(
    example: Spec, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    fake.fail("CreateTimeSeries", grpc.StatusCode.RESOURCE_EXHAUSTED, "Quota exceeded", times=10, details=[QUOTA_INFO])
    provider = provider_for(example, clients, quota_retries=2, quota_backoff=0.01)
    results: list[Any] = []
    with pytest.raises(errors.QuotaExceeded) as info:
        results.extend(provider.run(example, at=DAY))
    message = str(info.value)
    assert "after 3 attempts" in message
    assert "TimeSeriesIngestionRequestsPerMinutePerProject = 6000" in message
    assert "console.cloud.google.com/iam-admin/quotas?project=my-project" in message
    assert len(fake.called("CreateTimeSeries")) == 3
    (result,) = results  # the run's result is still shown
    assert any("could not be written to Cloud Monitoring" in m for m in result.messages)


def test_a_passing_quota_shortage_is_retried(
    example: Spec, clients: GcpClients, fake: GoogleCloudEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail("CreateTimeSeries", grpc.StatusCode.RESOURCE_EXHAUSTED, "Quota exceeded", times=2, details=[QUOTA_INFO])
    with caplog.at_level(logging.WARNING):
        (result,) = provider_for(example, clients, quota_backoff=0.01).run(example, at=DAY)
    assert len(fake.called("CreateTimeSeries")) == 3
    assert fake.series, "the third attempt was accepted"
    assert "refused time series for quota" in caplog.text and "retrying" in caplog.text
    assert not any("could not be written" in m for m in result.messages)


def test_unavailable_is_retried_but_invalid_argument_is_not(
    example: Spec, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    fake.fail("CreateTimeSeries", grpc.StatusCode.UNAVAILABLE, "backend unavailable")
    list(provider_for(example, clients).run(example, at=DAY))
    assert len(fake.called("CreateTimeSeries")) == 2 and fake.series

    fake.fail("CreateTimeSeries", grpc.StatusCode.INVALID_ARGUMENT, "Points must be written in order.")
    with pytest.raises(errors.Refused) as info:
        list(provider_for(example, clients).run(example, at=DAY))
    assert len(fake.called("CreateTimeSeries")) == 3
    assert "Points must be written in order" in str(info.value) and "newer than the last one" in str(info.value)


# Each hint of a refused write, and words only the other causes' hints use.
HINTS = {
    "sampling": "wrote its points only seconds before this one",
    "order": "is already written for monitor churn",
    "too old": "more than 25 hours ago by Google's clock",
    "descriptors": "run `driftplane apply --provider gcp` to update them",
}


def refused_with(exc: BaseException, cause: str) -> str:
    """The message of a refused write: Google's words, then the one hint that applies."""
    message = str(exc)
    assert HINTS[cause] in message, message
    others = [hint for name, hint in HINTS.items() if name != cause and hint in message]
    assert others == [], f"hints for causes that did not happen: {others}"
    assert "upgrading" not in message
    return message


def test_writing_too_often_is_refused_by_the_rules_and_explained(
    example: Spec, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    fake.min_point_interval = 5.0  # Cloud Monitoring's one point per series every 5 s
    provider = provider_for(example, clients)
    list(provider.run(example, at=DAY))
    with pytest.raises(ProviderError) as info:
        list(provider.run(example, at=DAY))
    message = refused_with(info.value, "sampling")
    assert "more frequently than the maximum sampling period" in message


def published(example: Spec, clients: GcpClients, at: datetime) -> None:
    """One run of the example's monitor written as if it finished at ``at``."""
    from driftplane.engine.monitor import run_monitor
    from driftplane.resolved import resolve_monitor
    from driftplane_gcp.publish import publish
    from driftplane_gcp.settings import GcpSettings

    churn = resolve_monitor(example, "churn")
    outcome = run_monitor(churn, churn.windows.for_tick(DAY), cache=None, provider="gcp")
    settings = GcpSettings.model_validate({**(example.providers.get("gcp") or {}), "quota_backoff": 0.01})
    publish(clients, outcome.result, settings=settings, project="my-project", at=at)


def test_a_point_older_than_the_last_is_told_as_another_writer(example: Spec, clients: GcpClients) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    published(example, clients, now)
    with pytest.raises(errors.Refused) as info:
        published(example, clients, now - timedelta(minutes=1))
    message = refused_with(info.value, "order")
    assert "Points must be written in order" in message and "clock" in message


def test_a_point_older_than_25_hours_is_told_as_the_clock(example: Spec, clients: GcpClients) -> None:
    with pytest.raises(errors.Refused) as info:
        published(example, clients, datetime.now(UTC) - timedelta(hours=26))
    assert "Data points cannot be written more than 25h10s in the past" in refused_with(info.value, "too old")


def test_points_that_do_not_fit_old_descriptors_are_told_to_apply(
    example: Spec, clients: GcpClients
) -> None:
    from google.api import label_pb2, metric_pb2

    old = metric_pb2.MetricDescriptor(  # as an older driftplane made it: no 'kind' label yet
        type="custom.googleapis.com/driftplane/feature_drift",
        metric_kind=metric_pb2.MetricDescriptor.MetricKind.GAUGE,
        value_type=metric_pb2.MetricDescriptor.ValueType.DOUBLE,
        labels=[label_pb2.LabelDescriptor(key=key) for key in ("monitor", "feature", "metric")],
    )
    clients.metrics.create_metric_descriptor(name="projects/my-project", metric_descriptor=old)
    with pytest.raises(errors.Refused) as info:
        published(example, clients, datetime.now(UTC))
    refused_with(info.value, "descriptors")


def long_features_spec(tmp_path: Path) -> Spec:
    from driftplane.spec import load_spec

    features = ", ".join(f"feature_with_a_rather_long_descriptive_name_{i:03d}" for i in range(60))
    path = tmp_path / "monitors.yaml"
    path.write_text(
        "provider: gcp\n"
        "providers:\n  gcp: {project: my-project, scheduled_runs: false}\n"
        "monitors:\n"
        "  wide:\n"
        "    baseline: {data: base.parquet}\n"
        "    target: {data: target.parquet}\n"
        "    alerts:\n"
        f"      - when: drift\n        features: [{features}]\n        notify: ['email:ml@example.com']\n",
        encoding="utf-8",
    )
    return load_spec(path)


def test_an_alert_filter_google_would_reject_is_caught_before_sending(
    tmp_path: Path, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    spec = long_features_spec(tmp_path)
    provider = provider_for(spec, clients)
    (problem,) = provider.check(spec)
    assert problem.path == ("monitors", "wide", "alerts", 0) and problem.line == 9
    assert "more than Cloud Monitoring's 2048" in problem.message
    with pytest.raises(errors.AlertFilterError) as info:
        provider.apply(spec)
    assert isinstance(info.value, ProviderError)
    assert "monitor wide, alert 1" in str(info.value) and "nothing was sent" in str(info.value)
    assert not fake.called("CreateAlertPolicy") and not fake.called("CreateNotificationChannel")
    with pytest.raises(errors.AlertFilterError):
        provider.plan(spec, offline=True)


def test_the_cli_reports_the_alert_filter_at_its_line(tmp_path: Path, cli: Any) -> None:
    spec = long_features_spec(tmp_path)
    assert spec.source is not None
    result = cli("plan", str(tmp_path / "monitors.yaml"), "--offline")
    assert result.exit_code == 2
    assert f"{tmp_path / 'monitors.yaml'}:9:" in result.stderr
    assert "Cloud Monitoring would reject this alert" in result.stderr


def test_slack_without_an_app_is_located(tmp_path: Path) -> None:
    from driftplane.spec import load_spec

    path = tmp_path / "monitors.yaml"
    path.write_text(
        "provider: gcp\nproviders:\n  gcp: {project: my-project, scheduled_runs: false}\n"
        "channels:\n  team: {type: slack, webhook_url: 'https://hooks.slack.com/services/x'}\n"
        "monitors:\n  m:\n    baseline: {data: a.csv}\n    target: {data: b.csv}\n"
        "    alerts:\n      - when: drift\n        notify: [team]\n",
        encoding="utf-8",
    )
    spec = load_spec(path)
    (problem,) = GcpProvider.from_spec(spec).check(spec)
    assert problem.path == ("monitors", "m", "alerts", 0, "notify", 0)
    assert "providers.gcp.slack.team" in problem.message and "channel_name and auth_token" in problem.message


def test_scheduled_runs_need_an_image_and_service_account(example: Spec) -> None:
    provider = GcpProvider({"project": "my-project"})
    messages = [p.message for p in provider.check(example)]
    assert any("providers.gcp.image" in m for m in messages)
    assert any("providers.gcp.service_account" in m and "scheduled_runs: false" in m for m in messages)
    slack = example.providers["gcp"]["slack"]
    settings = {"project": "my-project", "scheduled_runs": False, "slack": slack, "incident_webhooks": True}
    assert not GcpProvider(settings).check(example)


def test_two_alerts_with_one_name_are_a_located_problem(tmp_path: Path) -> None:
    from driftplane.spec import load_spec

    path = tmp_path / "monitors.yaml"
    path.write_text(
        "provider: gcp\nproviders:\n  gcp: {project: my-project, scheduled_runs: false}\n"
        "monitors:\n  m:\n    baseline: {data: a.csv}\n    target: {data: b.csv}\n"
        "    alerts:\n"
        "      - {name: drifted, when: drift, notify: ['email:a@example.com']}\n"
        "      - {name: drifted, when: violation, notify: ['email:a@example.com']}\n",
        encoding="utf-8",
    )
    spec = load_spec(path)
    (problem,) = GcpProvider.from_spec(spec).check(spec)
    assert problem.path == ("monitors", "m", "alerts", 1, "name") and problem.line == 10
    assert "both named 'drifted'" in problem.message
