"""driftplane run with the aws provider: inside a processing job it writes SageMaker's layout and publishes;
on a laptop it writes the same files and publishes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from driftplane.spec import Spec
from driftplane_aws.translate import BATCH_NAMESPACE, DRIFTPLANE_NAMESPACE

from .alarm_check import alarm_fires
from .conftest import REPO, settings_dict

AT = datetime(2026, 1, 12, tzinfo=UTC)  # the quickstart's data drifts from 2026-01-10


def job_spec() -> Spec:
    return Spec.model_validate(
        {
            "provider": "aws",
            "providers": {
                "aws": settings_dict(
                    backend="processing", image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/driftplane:1"
                )
            },
            "monitors": {
                "churn": {
                    "baseline": {"data": str(REPO / "examples/quickstart/data/train.parquet")},
                    "target": {
                        "data": str(
                            REPO
                            / "examples/quickstart/data/daily/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.parquet"
                        ),
                        "window": "1d",
                    },
                    "features": {"exclude": ["customer_id"]},
                    "schedule": "daily",
                    "alerts": [{"name": "drifted", "when": "drift", "notify": ["email:ml@example.com"]}],
                }
            },
        }
    )


def test_in_a_job_run_writes_sagemakers_layout_and_publishes_what_the_alarms_watch(
    tmp_path, make_provider, monkeypatch
) -> None:
    monkeypatch.setenv("DRIFTPLANE_AWS_JOB", "1")
    monkeypatch.setenv("DRIFTPLANE_OUTPUT_PATH", str(tmp_path / "output"))
    spec = job_spec()
    provider = make_provider(spec)
    (result,) = list(provider.run(spec, at=AT))
    assert result.status in ("drift", "drift_and_violations") and result.provider == "aws"
    folder = tmp_path / "output" / "churn" / "driftplane-churn" / "2026" / "01" / "12" / "00"
    for name in ("statistics.json", "constraints.json", "constraint_violations.json", "result.json"):
        assert (folder / name).is_file(), name
    assert json.loads((folder / "result.json").read_text())["status"] == result.status

    cloudwatch = provider.clients.client("cloudwatch")
    # SageMaker's feature_baseline_drift_<feature> means its L-infinity distance; the run's metric is another.
    assert cloudwatch.list_metrics(Namespace=BATCH_NAMESPACE)["Metrics"] == []
    own = {m["MetricName"] for m in cloudwatch.list_metrics(Namespace=DRIFTPLANE_NAMESPACE)["Metrics"]}
    assert {"runs", "rows_read", "feature_drift", "feature_drifted", "drift_share"} <= own

    # The alarms apply would create decide on what the job published exactly as the run decided.
    decided = {f.name: f.drift.drifted for f in result.features if f.drift is not None and f.drift.value is not None}
    assert any(decided.values())
    plan = provider.plan(spec, offline=True)
    alarms = [c.request.body for c in plan.changes if c.kind == "cloudwatch:MetricAlarm" and c.request is not None]
    verdicts = {
        dict((d["Name"], d["Value"]) for d in a["Dimensions"])["feature"]: alarm_fires(cloudwatch, a) for a in alarms
    }
    assert verdicts == decided


def test_on_a_laptop_run_writes_files_and_publishes_nothing(tmp_path: Path, make_provider, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    spec = job_spec()
    provider = make_provider(spec)
    (result,) = list(provider.run(spec, at=AT))
    assert result.found_something
    folder = tmp_path / ".driftplane" / "aws-output" / "churn" / "driftplane-churn" / "2026" / "01" / "12" / "00"
    assert (folder / "constraint_violations.json").is_file()
    cloudwatch = provider.clients.client("cloudwatch")
    assert cloudwatch.list_metrics(Namespace=BATCH_NAMESPACE)["Metrics"] == []
    assert cloudwatch.list_metrics(Namespace=DRIFTPLANE_NAMESPACE)["Metrics"] == []


def test_a_failed_window_is_a_failed_result_with_its_reason(tmp_path, make_provider, monkeypatch) -> None:
    monkeypatch.setenv("DRIFTPLANE_AWS_JOB", "1")
    monkeypatch.setenv("DRIFTPLANE_OUTPUT_PATH", str(tmp_path))
    spec = job_spec()
    provider = make_provider(spec)
    (result,) = list(provider.run(spec, at=datetime(2025, 6, 1, tzinfo=UTC)))  # no data then
    assert result.status == "failed" and "no data for the window" in (result.error or "")
    cloudwatch = provider.clients.client("cloudwatch")
    runs = cloudwatch.list_metrics(Namespace=DRIFTPLANE_NAMESPACE, MetricName="runs")["Metrics"]
    assert {"Name": "status", "Value": "failed"} in runs[0]["Dimensions"]


def test_the_job_spec_loads_and_validates_inside_the_job(tmp_path, make_provider) -> None:
    """What apply uploads for the processing job is a valid spec for `driftplane run --provider aws`."""
    from driftplane.spec import load_spec
    from driftplane_aws.translate import Account, Translator

    spec = job_spec()
    settings = make_provider(spec).aws_settings
    text = Translator(spec, settings, Account("us-east-1", "123456789012")).job_spec("churn")
    path = tmp_path / "monitors.yaml"
    path.write_text(text)
    loaded = load_spec(path)
    assert list(loaded.monitors) == ["churn"]
    monitor = loaded.monitor("churn")
    assert monitor.baseline.statistics == "/opt/ml/processing/input/baseline/statistics.json"
    assert monitor.alerts == [] and loaded.channels == {}
    assert str(monitor.schedule) == "daily" and str(monitor.target.window) == "1d"
    assert monitor.features.exclude == ["customer_id"]
    assert "ml@example.com" not in text  # alerts and their channels stay on the machine that applies


def test_status_reads_back_what_a_processing_job_wrote(tmp_path, make_provider, monkeypatch, s3) -> None:
    """A job's files, uploaded where SageMaker puts its output, come back through status unchanged."""
    from .conftest import BUCKET, ROLE

    monkeypatch.setenv("DRIFTPLANE_AWS_JOB", "1")
    monkeypatch.setenv("DRIFTPLANE_OUTPUT_PATH", str(tmp_path / "output"))
    spec = job_spec()
    provider = make_provider(spec)
    (result,) = list(provider.run(spec, at=AT))
    for file in (tmp_path / "output").rglob("*.json"):  # what SageMaker uploads at the end of the job
        s3.put_object(
            Bucket=BUCKET,
            Key="driftplane/churn/reports/" + str(file.relative_to(tmp_path / "output")),
            Body=file.read_bytes(),
        )
    provider.apply(spec)
    provider.clients.client("sagemaker").create_processing_job(
        ProcessingJobName="driftplane-churn-d32c5kddcf5bb8c3",
        ProcessingResources={
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}
        },
        AppSpecification={
            "ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/driftplane:1",
            "ContainerArguments": [
                "run",
                "/opt/ml/processing/input/spec/monitors.yaml",
                "--monitor",
                "churn",
                "--at",
                "2026-01-12T00:00:00Z",
            ],
        },
        ProcessingOutputConfig={
            "Outputs": [
                {
                    "OutputName": "reports",
                    "S3Output": {
                        "S3Uri": f"s3://{BUCKET}/driftplane/churn/reports",
                        "LocalPath": "/opt/ml/processing/output",
                        "S3UploadMode": "EndOfJob",
                    },
                }
            ]
        },
        Environment={"DRIFTPLANE_MONITOR": "churn"},
        RoleArn=ROLE,
    )
    (status,) = provider.status(spec)
    assert status.state == "scheduled"
    (run,) = status.runs
    assert run.status == result.status and run.features == result.features and run.violations == result.violations
    assert run.reports["result"] == f"s3://{BUCKET}/driftplane/churn/reports/churn/driftplane-churn/2026/01/12/00/result.json"
