"""apply, plan again (nothing), change the schedule, apply, change the job, destroy: against moto and stubs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from driftplane.cli.plan_text import plan_lines
from driftplane.spec import load_spec

from .conftest import BUCKET, REPO, SAGEMAKER_DRIFT, settings_dict


def write_spec(
    tmp_path: Path,
    *,
    backend: str = "model-monitor",
    schedule: str = "daily",
    extra: dict[str, Any] | None = None,
    **monitor: Any,
) -> Path:
    settings = settings_dict(backend=backend, **(extra or {}))
    if backend == "processing":
        settings.setdefault("image_uri", "123456789012.dkr.ecr.us-east-1.amazonaws.com/driftplane:0.1.0")
    else:
        monitor.setdefault("checks", SAGEMAKER_DRIFT)
    body = {
        "provider": "aws",
        "providers": {"aws": settings},
        "channels": {"team": {"type": "email", "to": ["ml@example.com"]}},
        "monitors": {
            "churn": {
                "baseline": {"data": str(REPO / "examples/quickstart/data/train.parquet")},
                "target": {"endpoint": "churn-prod", "window": "1d"},
                "features": {"exclude": ["customer_id"]},
                "schedule": schedule,
                "alerts": [{"name": "inputs drifted", "when": "drift", "notify": ["team"]}],
                **monitor,
            }
        },
    }
    path = tmp_path / "monitors.yaml"
    path.write_text(yaml.safe_dump(body), encoding="utf-8")
    return path


def capturing_endpoint(provider: Any, name: str = "churn-prod") -> None:
    """An endpoint in moto whose config captures traffic, as monitored endpoints must."""
    sagemaker = provider.clients.client("sagemaker")
    sagemaker.create_model(
        ModelName="churn-model", ExecutionRoleArn="arn:aws:iam::123456789012:role/r", PrimaryContainer={"Image": "img"}
    )
    sagemaker.create_endpoint_config(
        EndpointConfigName=f"{name}-config",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": "churn-model",
                "InitialInstanceCount": 1,
                "InstanceType": "ml.m5.large",
            }
        ],
        DataCaptureConfig={
            "EnableCapture": True,
            "InitialSamplingPercentage": 20,
            "DestinationS3Uri": f"s3://{BUCKET}/capture",
            "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        },
    )
    sagemaker.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")


def test_model_monitor_lifecycle(tmp_path, make_provider, fake, request_log, s3) -> None:
    spec = load_spec(write_spec(tmp_path))
    provider = make_provider(spec)
    capturing_endpoint(provider)
    assert provider.check(spec) == []

    done = provider.apply(spec)
    kinds = [c.kind for c in done.changes]
    assert kinds.count("sagemaker:MonitoringSchedule") == 1
    assert kinds.count("sagemaker:DataQualityJobDefinition") == 1
    assert kinds.count("s3:Object") == 2
    assert kinds.count("cloudwatch:MetricAlarm") == 11  # one per feature of the training set
    schedule = fake.schedules["driftplane-churn"]
    assert schedule["MonitoringScheduleConfig"]["ScheduleConfig"]["ScheduleExpression"] == "cron(0 0 ? * * *)"
    assert {"Key": "driftplane:monitor", "Value": "churn"} in schedule["_tags"]
    stats = s3.get_object(Bucket=BUCKET, Key="driftplane/churn/baseline/statistics.json")
    assert b'"kll"' in stats["Body"].read()

    # A second plan reads everything back and finds nothing to do.
    request_log.clear()
    again = provider.plan(spec)
    assert not again.has_changes, [(c.action, c.kind, c.name, c.reason) for c in again.changes]
    assert request_log.mutations() == []

    # A schedule-only change is one UpdateMonitoringSchedule, on the same job definition.
    spec = load_spec(write_spec(tmp_path, schedule="0 6 * * *"))
    plan = provider.plan(spec)
    changes = [c for c in plan.changes if c.action != "noop"]
    assert [(c.action, c.kind) for c in changes] == [("update", "sagemaker:MonitoringSchedule")]
    assert "cron(0 0 ? * * *) -> cron(0 6 ? * * *)" in (changes[0].reason or "")
    schedule_path = "MonitoringScheduleConfig.ScheduleConfig.ScheduleExpression"
    found = [(a.path, a.old, a.new) for a in changes[0].changed]
    assert found == [(schedule_path, "cron(0 0 ? * * *)", "cron(0 6 ? * * *)")]
    text = "\n".join(plan_lines(plan))
    assert f'~ {schedule_path} = "cron(0 0 ? * * *)" -> "cron(0 6 ? * * *)"' in text
    assert f"{len(plan.changes) - 1} unchanged (" in text and "Plan: 0 to add, 1 to change, 0 to destroy." in text
    assert "cloudwatch:MetricAlarm \"driftplane/churn/" not in text, "unchanged alarms are a count, not a row each"
    request_log.clear()
    provider.apply(spec)
    assert request_log.mutations() == ["UpdateMonitoringSchedule"]
    config = fake.schedules["driftplane-churn"]["MonitoringScheduleConfig"]
    assert config["ScheduleConfig"]["ScheduleExpression"] == "cron(0 6 ? * * *)"
    old_definition = config["MonitoringJobDefinitionName"]

    # A job change: a new definition, the schedule points at it, then the old one goes.
    spec = load_spec(write_spec(tmp_path, schedule="0 6 * * *", extra={"instance_type": "ml.c5.xlarge"}))
    provider = make_provider(spec)  # settings live in the spec: a new provider for the new settings
    request_log.clear()
    provider.apply(spec)
    assert request_log.mutations() == [
        "CreateDataQualityJobDefinition",
        "UpdateMonitoringSchedule",
        "DeleteDataQualityJobDefinition",
    ]
    new_definition = fake.schedules["driftplane-churn"]["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"]
    assert new_definition != old_definition
    sagemaker = provider.clients.client("sagemaker")
    listed = [
        d["MonitoringJobDefinitionName"]
        for d in sagemaker.list_data_quality_job_definitions()["JobDefinitionSummaries"]
    ]
    assert listed == [new_definition]
    assert not provider.plan(spec).has_changes

    # destroy removes what driftplane created, and leaves what it did not.
    cloudwatch = provider.clients.client("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="someone-elses-alarm", MetricName="x", Namespace="n", Statistic="Maximum", Period=60,
        EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanThreshold",
    )
    gone = provider.destroy(spec)
    assert {c.action for c in gone.changes} == {"delete"}
    assert fake.schedules == {}
    assert sagemaker.list_data_quality_job_definitions()["JobDefinitionSummaries"] == []
    assert [a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"]] == ["someone-elses-alarm"]
    assert provider.clients.client("sns").list_topics()["Topics"] == []
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix="driftplane/churn/baseline/")
    assert not provider.destroy(spec).changes  # nothing left to remove


def test_processing_lifecycle(tmp_path, make_provider, request_log, s3) -> None:
    spec = load_spec(write_spec(tmp_path, backend="processing"))
    provider = make_provider(spec)
    capturing_endpoint(provider)
    assert provider.check(spec) == []
    provider.apply(spec)
    scheduler = provider.clients.client("scheduler")
    schedule = scheduler.get_schedule(Name="driftplane-churn", GroupName="driftplane-churn")
    assert schedule["ScheduleExpression"] == "cron(0 0 * * ? *)"
    assert schedule["Target"]["Arn"] == "arn:aws:scheduler:::aws-sdk:sagemaker:createProcessingJob"
    job_spec = s3.get_object(Bucket=BUCKET, Key="driftplane/churn/job/monitors.yaml")["Body"].read().decode()
    assert "/opt/ml/processing/input/baseline/statistics.json" in job_spec
    assert not provider.plan(spec).has_changes

    spec = load_spec(write_spec(tmp_path, backend="processing", schedule="30 6 * * 1-5"))
    plan = provider.plan(spec)
    changes = [c for c in plan.changes if c.action != "noop"]
    assert {(c.action, c.kind) for c in changes} == {("update", "scheduler:Schedule"), ("update", "s3:Object")}
    update = next(c for c in changes if c.kind == "scheduler:Schedule")
    assert [(a.path, a.old, a.new) for a in update.changed] == [
        ("ScheduleExpression", "cron(0 0 * * ? *)", "cron(30 6 ? * MON-FRI *)")
    ]
    assert '      ~ ScheduleExpression = "cron(0 0 * * ? *)" -> "cron(30 6 ? * MON-FRI *)"' in plan_lines(plan)
    job_spec = next(c for c in changes if c.kind == "s3:Object")
    assert [a.path for a in job_spec.changed] == ["Metadata.driftplane-sha256"], "the spec file's digest, old -> new"
    request_log.clear()
    provider.apply(spec)
    assert sorted(request_log.mutations()) == ["PutObject", "UpdateSchedule"]
    assert (
        scheduler.get_schedule(Name="driftplane-churn", GroupName="driftplane-churn")["ScheduleExpression"]
        == "cron(30 6 ? * MON-FRI *)"
    )
    assert not provider.plan(spec).has_changes

    provider.destroy(spec)
    assert scheduler.list_schedule_groups()["ScheduleGroups"] == [
        g for g in scheduler.list_schedule_groups()["ScheduleGroups"] if g["Name"] == "default"
    ]
    assert provider.clients.client("cloudwatch").describe_alarms()["MetricAlarms"] == []


def test_a_changed_threshold_is_an_alarm_update_showing_old_and_new(tmp_path, make_provider, fake, s3) -> None:
    spec = load_spec(write_spec(tmp_path))
    provider = make_provider(spec)
    capturing_endpoint(provider)
    provider.apply(spec)

    drift = {**SAGEMAKER_DRIFT["drift"], "features": {"day_mins": {"threshold": 0.25}}}
    plan = provider.plan(load_spec(write_spec(tmp_path, checks={**SAGEMAKER_DRIFT, "drift": drift})))
    alarms = [c for c in plan.changes if c.kind == "cloudwatch:MetricAlarm" and c.action != "noop"]
    assert [c.name.rsplit("/", 1)[1] for c in alarms] == ["day_mins"]
    described = "driftplane monitor churn, alert 'inputs drifted': day_mins's linf_robust above"
    assert [(a.path, a.old, a.new) for a in alarms[0].changed] == [
        ("AlarmDescription", f"{described} 0.1", f"{described} 0.25"),
        ("Threshold", 0.1, 0.25),
    ]
    lines = plan_lines(plan)
    opening = lines.index(f'  ~ cloudwatch:MetricAlarm "{alarms[0].name}" {{')
    assert lines[opening + 1 : opening + 4] == [
        f'      ~ AlarmDescription = "{described} 0.1" -> "{described} 0.25"',
        "      ~ Threshold        = 0.1 -> 0.25",
        "    }",
    ]
    (unchanged,) = [line for line in lines if " unchanged (" in line]
    assert "10 cloudwatch:MetricAlarm" in unchanged, "the other alarms are a count"
