"""A monitor removed from the spec (or disabled) strands nothing: plan lists what is left, prune removes it.

Two monitors are applied, one is retired; plan must list exactly what was created for it,
apply must leave it in place, destroy (as ``apply --prune`` and ``destroy --monitor`` call it)
must remove it and nothing else: not the other monitor's resources, not look-alikes that
carry driftplane's names without its tags.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from driftplane.cli import cli
from driftplane.spec import load_spec
from driftplane_aws.iam import policies

from .conftest import ACCOUNT, BUCKET, REGION, REPO, SAGEMAKER_DRIFT, settings_dict
from .iam_check import denied
from .test_lifecycle import capturing_endpoint

TRAIN = str(REPO / "examples/quickstart/data/train.parquet")
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/driftplane:0.1.0"


def write_spec(tmp_path: Path, monitors: dict[str, bool], *, backend: str = "model-monitor") -> Path:
    """A spec with ``churn`` (an endpoint) and/or ``fraud`` (batch data), each enabled or not."""
    settings = settings_dict(backend=backend)
    if backend == "processing":
        settings["image_uri"] = IMAGE
    checks = {"checks": SAGEMAKER_DRIFT} if backend == "model-monitor" else {}
    bodies = {
        "churn": {
            "baseline": {"data": TRAIN},
            "target": {"endpoint": "churn-prod", "window": "1d"},
            "features": {"exclude": ["customer_id"]},
            "schedule": "daily",
            "alerts": [{"name": "inputs drifted", "when": "drift", "notify": ["team"]}],
        },
        "fraud": {
            "baseline": {"data": TRAIN},
            "target": {
                "data": f"s3://{BUCKET}/fraud/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/*.parquet",
                "window": "1d",
            },
            "features": {"include": ["day_mins", "custserv_calls"]},
            "schedule": "daily",
            "alerts": [{"name": "fraud drift", "when": "drift", "notify": ["team"]}],
        },
    }
    body = {
        "provider": "aws",
        "providers": {"aws": settings},
        "channels": {"team": {"type": "email", "to": ["ml@example.com"]}},
        "monitors": {name: {**bodies[name], **checks, "enabled": enabled} for name, enabled in monitors.items()},
    }
    path = tmp_path / "monitors.yaml"
    path.write_text(yaml.safe_dump(body), encoding="utf-8")
    return path


def created(changes: Any, monitor: str) -> set[tuple[str, str]]:
    """(kind, name) of the resources apply created for ``monitor`` (subscriptions go with their topic)."""
    return {
        (c.kind, c.name)
        for c in changes
        if c.monitor == monitor and c.action == "create" and c.kind != "sns:Subscription"
    }


def add_lookalikes(provider: Any) -> None:
    """Resources with driftplane's names for ``fraud`` but without its tags: never listed, never removed."""
    clients = provider.clients
    clients.client("cloudwatch").put_metric_alarm(
        AlarmName="driftplane/fraud/handmade", MetricName="x", Namespace="n", Statistic="Maximum",
        Period=60, EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanThreshold",
    )
    clients.client("sns").create_topic(Name="driftplane-fraud-handmade")
    clients.client("s3").put_object(Bucket=BUCKET, Key="driftplane/handmade/baseline/statistics.json", Body=b"{}")


def lookalikes_survive(provider: Any) -> None:
    clients = provider.clients
    assert clients.client("cloudwatch").describe_alarms(AlarmNames=["driftplane/fraud/handmade"])["MetricAlarms"]
    topics = [t["TopicArn"] for t in clients.client("sns").list_topics()["Topics"]]
    assert f"arn:aws:sns:{REGION}:{ACCOUNT}:driftplane-fraud-handmade" in topics
    clients.client("s3").head_object(Bucket=BUCKET, Key="driftplane/handmade/baseline/statistics.json")


def test_model_monitor_leftovers_of_a_removed_monitor(tmp_path, make_provider, fake, request_log, s3) -> None:
    spec = load_spec(write_spec(tmp_path, {"churn": True, "fraud": True}))
    provider = make_provider(spec)
    capturing_endpoint(provider)
    first = provider.apply(spec)
    assert first.leftovers == []
    fraud = created(first.changes, "fraud")
    assert {kind for kind, _ in fraud} == {
        "s3:Object",
        "sns:Topic",
        "sagemaker:DataQualityJobDefinition",
        "sagemaker:MonitoringSchedule",
        "cloudwatch:MetricAlarm",
    }
    churn_schedule = fake.schedules["driftplane-churn"]
    add_lookalikes(provider)
    sagemaker = provider.clients.client("sagemaker")
    sagemaker.create_monitoring_schedule(  # named like fraud's, not tagged
        MonitoringScheduleName="driftplane-fraud-copy",
        MonitoringScheduleConfig={
            "MonitoringJobDefinitionName": "x",
            "MonitoringType": "DataQuality",
            "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
        },
    )

    spec = load_spec(write_spec(tmp_path, {"churn": True}))
    request_log.clear()
    plan = provider.plan(spec)
    assert request_log.mutations() == []
    assert not plan.has_changes, [(c.action, c.kind, c.name) for c in plan.changes]
    assert {(item.kind, item.name) for item in plan.leftovers} == fraud
    assert {(item.monitor, item.reason) for item in plan.leftovers} == {("fraud", "no longer in the spec")}
    assert plan.leftover_monitors == ["fraud"]
    # Leftovers are about the spec as a whole, whatever monitors the plan is asked about.
    assert provider.plan(spec, monitors=["churn"]).leftovers == plan.leftovers
    assert provider.plan(spec, offline=True).leftovers == []

    # apply lists them and leaves them.
    applied = provider.apply(spec)
    assert applied.changes == [] and applied.leftovers == plan.leftovers
    assert "driftplane-fraud" in fake.schedules

    # destroy of a name the spec no longer has (what `destroy --monitor fraud` and `apply --prune` call).
    request_log.clear()
    gone = provider.destroy(spec, monitors=applied.leftover_monitors)
    assert {(c.kind, c.name) for c in gone.changes} == fraud
    assert {c.action for c in gone.changes} == {"delete"}
    assert request_log.operations("sagemaker").index("DeleteMonitoringSchedule") < request_log.operations(
        "sagemaker"
    ).index("DeleteDataQualityJobDefinition")
    assert sorted(fake.schedules) == ["driftplane-churn", "driftplane-fraud-copy"]
    assert fake.schedules["driftplane-churn"] is churn_schedule
    lookalikes_survive(provider)
    topics = provider.clients.client("sns").list_topics()["Topics"]
    assert [t["TopicArn"].rsplit(":", 1)[1] for t in topics if "fraud" not in t["TopicArn"]] == [
        "driftplane-churn-inputs-drifted"
    ]
    subscriptions = provider.clients.client("sns").list_subscriptions()["Subscriptions"]
    assert {s["TopicArn"].rsplit(":", 1)[1] for s in subscriptions} == {"driftplane-churn-inputs-drifted"}
    assert s3.head_object(Bucket=BUCKET, Key="driftplane/churn/baseline/statistics.json")

    again = provider.plan(spec)
    assert again.leftovers == [] and not again.has_changes
    assert provider.destroy(spec, monitors=["fraud"]).changes == []  # idempotent

    # Every call plan, apply, status and destroy made is allowed by `driftplane aws iam-policy`, action and resource.
    execution_with_a_sagemaker_named_job(provider, fake, s3)
    request_log.clear()
    provider.apply(load_spec(write_spec(tmp_path, {"churn": True, "fraud": True})))
    provider.plan(spec)
    (status,) = provider.status(spec, monitors=["churn"])
    assert status.runs and status.runs[0].status != "failed"
    provider.destroy(spec, monitors=["fraud"])
    operations = request_log.operations("sagemaker")
    assert {"ListMonitoringExecutions", "DescribeProcessingJob"} <= set(operations)
    runner = policies(spec, provider.aws_settings, REGION, ACCOUNT)["driftplane"]
    assert denied(runner, request_log.requests) == []
    actions = {a for statement in runner["Statement"] for a in statement["Action"]}
    # no baselining job: only the processing backend's scheduler starts jobs
    assert "sagemaker:CreateProcessingJob" not in actions
    passed_to = [
        s["Condition"]["StringEquals"]["iam:PassedToService"]
        for s in runner["Statement"]
        if s["Action"] == ["iam:PassRole"]
    ]
    assert passed_to == ["sagemaker.amazonaws.com"]


def execution_with_a_sagemaker_named_job(provider: Any, fake: Any, s3: Any) -> None:
    """A finished run of churn's schedule, its processing job named by SageMaker, its files where the job wrote them."""
    from datetime import UTC, datetime

    output = "driftplane/churn/reports/churn-prod/driftplane-churn/2026/01/02/00"
    for name in ("statistics.json", "constraint_violations.json"):
        s3.put_object(
            Bucket=BUCKET,
            Key=f"{output}/{name}",
            Body=b'{"version": 0.0, "dataset": {"item_count": 0}, "features": [], "violations": []}',
        )
    arn = provider.clients.client("sagemaker").create_processing_job(
        ProcessingJobName="model-monitoring-202601020000-0b7bfd33c8a74adfa09a98fd",
        ProcessingResources={
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20}
        },
        AppSpecification={"ImageUri": "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"},
        ProcessingOutputConfig={
            "Outputs": [
                {
                    "OutputName": "monitoring_output",
                    "S3Output": {
                        "S3Uri": f"s3://{BUCKET}/{output}",
                        "LocalPath": "/opt/ml/processing/output",
                        "S3UploadMode": "Continuous",
                    },
                }
            ]
        },
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/SageMakerMonitoring",
    )["ProcessingJobArn"]
    when = datetime(2026, 1, 2, tzinfo=UTC)
    fake.executions["driftplane-churn"] = [
        {
            "MonitoringScheduleName": "driftplane-churn",
            "ScheduledTime": when,
            "CreationTime": when,
            "LastModifiedTime": when,
            "MonitoringExecutionStatus": "Completed",
            "ProcessingJobArn": arn,
        },
    ]


def test_disabled_monitor_is_listed_and_pruned_through_the_cli(tmp_path, make_provider, moto, monkeypatch) -> None:
    """The processing backend through the real CLI (moto answers every call it makes)."""
    for name, value in {
        "AWS_ENDPOINT_URL": moto,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    path = write_spec(tmp_path, {"churn": True, "fraud": True}, backend="processing")
    provider = make_provider(load_spec(path))
    capturing_endpoint(provider)
    runner = CliRunner()

    def invoke(*args: str) -> dict[str, Any]:
        result = runner.invoke(cli, [*args, str(path), "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    first = invoke("apply")
    fraud = {
        (c["kind"], c["name"])
        for c in first["changes"]
        if c["monitor"] == "fraud" and c["action"] == "create" and c["kind"] != "sns:Subscription"
    }
    assert {kind for kind, _ in fraud} == {
        "s3:Object",
        "sns:Topic",
        "scheduler:ScheduleGroup",
        "scheduler:Schedule",
        "cloudwatch:MetricAlarm",
    }
    add_lookalikes(provider)
    scheduler = provider.clients.client("scheduler")
    scheduler.create_schedule_group(Name="driftplane-fraud-copy")

    write_spec(tmp_path, {"churn": True, "fraud": False}, backend="processing")
    plan = invoke("plan")
    assert plan["changes"] and {c["action"] for c in plan["changes"]} == {"noop"}, "churn's resources are unchanged"
    assert {(item["kind"], item["name"]) for item in plan["leftovers"]} == fraud
    assert {item["reason"] for item in plan["leftovers"]} == {"disabled in the spec (enabled: false)"}
    shown = runner.invoke(cli, ["plan", str(path)])
    assert "--prune" in shown.output and "fraud" in shown.output

    applied = invoke("apply")
    assert applied["changes"] == [] and len(applied["leftovers"]) == len(fraud)
    assert scheduler.get_schedule_group(Name="driftplane-fraud")

    pruned = invoke("apply", "--prune")
    assert {(c["kind"], c["name"]) for c in pruned["changes"]} == fraud
    groups = sorted(g["Name"] for g in scheduler.list_schedule_groups()["ScheduleGroups"])
    assert groups == ["default", "driftplane-churn", "driftplane-fraud-copy"]
    assert scheduler.get_schedule(Name="driftplane-churn", GroupName="driftplane-churn")
    lookalikes_survive(provider)
    again = invoke("plan")
    assert again["leftovers"] == [] and {c["action"] for c in again["changes"]} == {"noop"}

    # The monitor is then removed from the YAML: destroy --monitor still accepts its name.
    write_spec(tmp_path, {"churn": True}, backend="processing")
    result = runner.invoke(cli, ["destroy", str(path), "--monitor", "fraud", "--yes", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["changes"] == []


@pytest.mark.parametrize("backend", ["model-monitor", "processing"])
def test_destroy_of_a_retired_monitor_needs_no_spec_section(tmp_path, make_provider, backend) -> None:
    """A name that was never in this spec finds nothing and changes nothing: no error, no guesswork."""
    spec = load_spec(write_spec(tmp_path, {"churn": True}, backend=backend))
    provider = make_provider(spec)
    assert provider.destroy(spec, monitors=["never-declared"]).changes == []
