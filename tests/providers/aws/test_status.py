"""status reads SageMaker's real files back from S3 into the same RunResult the local provider writes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from driftplane.result import RunResult
from driftplane.spec import Spec

from .conftest import BUCKET, REFERENCE, ROLE, SAGEMAKER_DRIFT, settings_dict

OUTPUT = "reports/churn-prod/driftplane-churn/2026/01/02/00"


def spec() -> Spec:
    return Spec.model_validate(
        {
            "provider": "aws",
            "providers": {"aws": settings_dict()},
            "monitors": {
                "churn": {
                    "baseline": {
                        "statistics": f"s3://{BUCKET}/sagemaker/statistics.json",
                        "constraints": f"s3://{BUCKET}/sagemaker/constraints.json",
                    },
                    "target": {"endpoint": "churn-prod"},
                    "checks": SAGEMAKER_DRIFT,
                    "schedule": "daily",
                }
            },
        }
    )


def upload(s3, key: str, name: str) -> None:
    s3.put_object(Bucket=BUCKET, Key=key, Body=(REFERENCE / name).read_bytes())


def processing_job(provider, name: str, output: str) -> str:
    sagemaker = provider.clients.client("sagemaker")
    answer = sagemaker.create_processing_job(
        ProcessingJobName=name,
        ProcessingResources={
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20}
        },
        AppSpecification={"ImageUri": "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"},
        ProcessingOutputConfig={
            "Outputs": [
                {
                    "OutputName": "monitoring_output",
                    "S3Output": {
                        "S3Uri": output,
                        "LocalPath": "/opt/ml/processing/output",
                        "S3UploadMode": "Continuous",
                    },
                }
            ]
        },
        RoleArn=ROLE,
    )
    return str(answer["ProcessingJobArn"])


def test_status_reads_sagemakers_files_into_run_results(make_provider, fake, s3) -> None:
    the_spec = spec()
    provider = make_provider(the_spec)
    upload(s3, "sagemaker/statistics.json", "aai540_statistics.json")
    upload(s3, "sagemaker/constraints.json", "aai540_constraints.json")
    upload(s3, f"{OUTPUT}/statistics.json", "aai540_statistics.json")
    upload(s3, f"{OUTPUT}/constraint_violations.json", "examples_notebook_violations_excerpt.json")
    arn = processing_job(provider, "model-monitoring-202601020000-1a2b3c4d", f"s3://{BUCKET}/{OUTPUT}")
    fake._CreateMonitoringSchedule(
        {
            "MonitoringScheduleName": "driftplane-churn",
            "MonitoringScheduleConfig": {
                "ScheduleConfig": {"ScheduleExpression": "cron(0 0 ? * * *)"},
                "MonitoringJobDefinitionName": "x",
                "MonitoringType": "DataQuality",
            },
        }
    )
    fake.schedules["driftplane-churn"]["MonitoringScheduleStatus"] = "Scheduled"
    now = datetime(2026, 1, 3, tzinfo=UTC)
    fake.executions["driftplane-churn"] = [
        {
            "MonitoringScheduleName": "driftplane-churn",
            "ScheduledTime": datetime(2026, 1, 2, tzinfo=UTC),
            "CreationTime": now,
            "LastModifiedTime": now,
            "MonitoringExecutionStatus": "CompletedWithViolations",
            "ProcessingJobArn": arn,
        },
        {
            "MonitoringScheduleName": "driftplane-churn",
            "ScheduledTime": datetime(2026, 1, 3, tzinfo=UTC),
            "CreationTime": now,
            "LastModifiedTime": now,
            "MonitoringExecutionStatus": "Failed",
            "FailureReason": "AlgorithmError: Error: Encoding mismatch: Encoding is JSON "
            "for endpointInput, but Encoding is base64 for endpointOutput.",
        },
        {
            "MonitoringScheduleName": "driftplane-churn",
            "ScheduledTime": datetime(2026, 1, 4, tzinfo=UTC),
            "CreationTime": now,
            "LastModifiedTime": now,
            "MonitoringExecutionStatus": "InProgress",
        },
    ]

    (status,) = provider.status(the_spec)
    assert status.state == "scheduled"
    assert status.schedule == "cron(0 0 ? * * *)"
    assert status.details["in_progress"] == [{"scheduled": "2026-01-04 00:00:00+00:00", "status": "InProgress"}]
    failed, found = status.runs  # most recent first
    assert failed.status == "failed"
    assert failed.error.startswith("AlgorithmError: Error: Encoding mismatch")
    assert failed.window is not None and failed.window.end == datetime(2026, 1, 3, tzinfo=UTC)

    expected = json.loads((REFERENCE / "examples_notebook_violations_excerpt.json").read_text())["violations"]
    assert [v.model_dump() for v in found.violations] == expected
    assert found.status == "violations"  # the target equals the baseline: no drift, ten data-type violations
    assert found.rows.target == 23432 and found.rows.baseline == 23432
    assert found.provider == "aws"
    assert found.window is not None and found.window.end == datetime(2026, 1, 2, tzinfo=UTC)
    price = next(f for f in found.features if f.name == "price")
    assert price.kind == "numerical" and price.drift is not None and price.drift.drifted is False
    # Decided with SageMaker's own metric against the configured threshold, as its alarms are.
    assert price.drift.metric == "linf_robust" and price.drift.effective_threshold == price.drift.threshold == 0.1
    assert price.target["count"] == 23432
    assert found.reports["constraint_violations"] == f"s3://{BUCKET}/{OUTPUT}/constraint_violations.json"
    RunResult.model_validate_json(found.to_json())  # the same contract as run --json


def test_status_of_a_monitor_not_deployed(make_provider) -> None:
    the_spec = spec()
    (status,) = make_provider(the_spec).status(the_spec)
    assert status.state == "not deployed" and status.runs == []
