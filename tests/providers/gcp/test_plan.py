"""plan --offline: the exact requests, readable by Google's own message types, without credentials."""

from __future__ import annotations

import json
from typing import Any

import pytest
from google.cloud import monitoring_v3 as m
from google.cloud import run_v2, scheduler_v1

from driftplane.errors import UsageError
from driftplane.run_metrics import CATALOGUE
from driftplane.spec import Spec
from driftplane_gcp.provider import GcpProvider

from .conftest import EXAMPLE

REQUEST_TYPES: dict[tuple[str, str], Any] = {
    ("google.monitoring.v3.MetricService", "CreateMetricDescriptor"): m.CreateMetricDescriptorRequest,
    (
        "google.monitoring.v3.NotificationChannelService",
        "CreateNotificationChannel",
    ): m.CreateNotificationChannelRequest,
    ("google.monitoring.v3.AlertPolicyService", "CreateAlertPolicy"): m.CreateAlertPolicyRequest,
    ("google.cloud.run.v2.Jobs", "CreateJob"): run_v2.CreateJobRequest,
    ("google.cloud.scheduler.v1.CloudScheduler", "CreateJob"): scheduler_v1.CreateJobRequest,
}


def offline_plan(cli: Any) -> dict[str, Any]:
    result = cli("plan", str(EXAMPLE), "--offline", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def parsed(change: dict[str, Any]) -> Any:
    request = change["request"]
    return REQUEST_TYPES[(request["api"], request["operation"])].from_json(json.dumps(request["body"]))


def test_every_body_is_a_real_request_message(cli: Any) -> None:
    plan = offline_plan(cli)
    assert plan["provider"] == "gcp" and plan["backend"] == "cloud-monitoring"
    kinds = [c["kind"] for c in plan["changes"]]
    assert kinds.count("monitoring:AlertPolicy") == 4
    assert kinds.count("run:Job") == kinds.count("scheduler:Job") == 1
    for change in plan["changes"]:
        assert change["action"] == "create"
        message = parsed(change)
        assert type(message).to_json(message)  # a complete, valid message of the real type


def test_descriptors_cover_the_shared_metric_catalogue(cli: Any) -> None:
    plan = offline_plan(cli)
    descriptors = [parsed(c).metric_descriptor for c in plan["changes"] if c["kind"] == "monitoring:MetricDescriptor"]
    by_type = {d.type: d for d in descriptors}
    for name, (_, labels, _) in CATALOGUE.items():
        descriptor = by_type[f"custom.googleapis.com/driftplane/{name}"]
        assert {label.key for label in descriptor.labels} >= set(labels)
        assert descriptor.metric_kind == descriptor.MetricKind.GAUGE
    assert by_type["custom.googleapis.com/driftplane/violations"].value_type == descriptor.ValueType.INT64
    assert by_type["custom.googleapis.com/driftplane/feature_drift"].value_type == descriptor.ValueType.DOUBLE


def test_alert_policies_watch_the_right_metric_for_the_monitor(cli: Any) -> None:
    plan = offline_plan(cli)
    policies = {
        p.display_name: p
        for p in (parsed(c).alert_policy for c in plan["changes"] if c["kind"] == "monitoring:AlertPolicy")
    }
    drift = policies["driftplane churn: churn inputs drifted"]
    (condition,) = drift.conditions
    threshold = condition.condition_threshold
    assert 'metric.type = "custom.googleapis.com/driftplane/feature_drifted"' in threshold.filter
    assert 'resource.type = "generic_task"' in threshold.filter
    assert 'metric.label.monitor = "churn"' in threshold.filter
    assert threshold.comparison == m.ComparisonType.COMPARISON_GT and threshold.threshold_value == 0
    (aggregation,) = threshold.aggregations
    assert aggregation.alignment_period.total_seconds() == 86400  # a daily series is not "absent" between runs
    assert aggregation.cross_series_reducer == m.Aggregation.Reducer.REDUCE_SUM
    assert len(drift.notification_channels) == 3  # webhook, slack and email, known after apply

    metric = policies["driftplane churn: day minutes shifted"].conditions[0].condition_threshold
    assert 'metric.label.feature = "day_mins"' in metric.filter and '/feature_drift"' in metric.filter
    assert metric.threshold_value == pytest.approx(0.2)
    quality = policies["driftplane churn: churn data quality"].conditions[0].condition_threshold
    assert '/violations"' in quality.filter
    failed = policies["driftplane churn: churn run failed"].conditions[0].condition_threshold
    assert 'metric.label.status = "failed"' in failed.filter
    for policy in policies.values():
        assert policy.user_labels["managed-by"] == "driftplane"
        assert policy.user_labels["driftplane-monitor"] == "churn"
        for c in policy.conditions:
            assert c.condition_threshold.duration.total_seconds() % 60 == 0


def test_channels_and_the_scheduled_job(cli: Any) -> None:
    plan = offline_plan(cli)
    channels = [
        parsed(c).notification_channel for c in plan["changes"] if c["kind"] == "monitoring:NotificationChannel"
    ]
    by_type = {c.type_: c for c in channels}
    assert by_type["email"].labels["email_address"] == "ml-team@example.com"
    assert by_type["slack"].labels["channel_name"] == "#ml-alerts"
    assert by_type["slack"].labels["auth_token"] == "<redacted>", "secrets never appear in a plan"
    assert by_type["webhook_tokenauth"].labels["url"] == "<redacted>"

    (job_change,) = [c for c in plan["changes"] if c["kind"] == "run:Job"]
    job_request = parsed(job_change)
    container = job_request.job.template.template.containers[0]
    assert job_request.job_id == "driftplane-churn"
    assert container.image == "us-central1-docker.pkg.dev/my-project/driftplane/driftplane:0.1.0"
    assert "driftplane run" in container.command[-1] and "--provider gcp" in container.command[-1]
    assert list(container.args) == ["/app/monitors.yaml", "churn"]
    (scheduled_change,) = [c for c in plan["changes"] if c["kind"] == "scheduler:Job"]
    scheduled = parsed(scheduled_change).job
    assert scheduled.schedule == "0 0 * * *" and scheduled.time_zone == "Etc/UTC"
    assert scheduled.http_target.uri == (
        "https://run.googleapis.com/v2/projects/my-project/locations/us-central1/jobs/driftplane-churn:run"
    )
    assert scheduled.http_target.oauth_token.service_account_email.startswith("driftplane-runner@")


def test_offline_plan_needs_no_credentials(example: Spec, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/key.json")
    provider = GcpProvider.from_spec(example)
    plan = provider.plan(example, offline=True)
    assert plan.counts()["create"] == 21
    assert provider._clients is None, "an offline plan never builds a client"


def test_offline_plan_without_a_project_says_how_to_set_one(example: Spec, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    provider = GcpProvider({"image": "i", "service_account": "s@p.iam.gserviceaccount.com"})
    with pytest.raises(UsageError, match=r"providers\.gcp\.project"):
        provider.plan(example, offline=True)


def test_plan_for_one_monitor_only(example: Spec) -> None:
    provider = GcpProvider.from_spec(example)
    plan = provider.plan(example, monitors=["churn"], offline=True)
    assert {c.monitor for c in plan.changes} == {"churn"}
    with pytest.raises(UsageError, match="no monitor named 'chrun'"):
        provider.plan(example, monitors=["chrun"], offline=True)


def test_offline_text_plan_names_policies_by_display_name_with_their_attributes(cli: Any) -> None:
    result = cli("plan", str(EXAMPLE), "--offline", "--detailed-exitcode")
    assert result.exit_code == 2, result.output
    lines = result.stdout.splitlines()
    policy = lines.index('  + monitoring:AlertPolicy "driftplane churn: day minutes shifted" {')
    name = '"driftplane churn: day minutes shifted"'
    assert lines[policy - 1] == f"  # monitoring:AlertPolicy {name} will be created (monitor churn)"
    body = lines[policy : lines.index("    }", policy)]
    assert "              + {" in body and any("+ thresholdValue = 0.2" in line for line in body), body
    assert '              + url = "<redacted>"' in lines, "secrets stay out of the text as out of the JSON"
    assert lines[-1] == f"Plan: {len(offline_plan(cli)['changes'])} to add, 0 to change, 0 to destroy."


def test_every_model_quality_request_is_a_real_message_google_accepts(cli: Any) -> None:
    from driftplane.run_metrics import PERFORMANCE_METRICS
    from driftplane_gcp.alerts import policy_problems

    result = cli("plan", str(EXAMPLE.with_name("model-quality.yaml")), "--offline", "--json")
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)["changes"]
    messages = [parsed(change) for change in changes]
    for message in messages:
        assert type(message).to_json(message)
    requests = [msg for msg in messages if isinstance(msg, m.CreateMetricDescriptorRequest)]
    by_type = {msg.metric_descriptor.type: msg.metric_descriptor for msg in requests}
    for name, (labels, _) in PERFORMANCE_METRICS.items():
        descriptor = by_type[f"custom.googleapis.com/driftplane/{name}"]
        assert {label.key for label in descriptor.labels} >= set(labels)
    assert by_type["custom.googleapis.com/driftplane/predictions"].value_type == descriptor.ValueType.INT64
    policies = [msg.alert_policy for msg in messages if isinstance(msg, m.CreateAlertPolicyRequest)]
    assert len(policies) == 4 and all(policy_problems(policy) == [] for policy in policies)
