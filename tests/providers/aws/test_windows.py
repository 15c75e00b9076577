"""The processing job reads the window every provider reads for the same tick (the engine's run loop),
with and without --at, in backfills, and status reads each run back under that window."""

from __future__ import annotations

from datetime import UTC, datetime

from driftplane.engine.loop import RunRequest
from driftplane.plugins import get_provider
from driftplane.resolved import resolve_monitor
from driftplane.result import Window

from .conftest import BUCKET, ROLE
from .specs import DAILY, make_spec

TICK = datetime(2026, 1, 12, tzinfo=UTC)


def latency_spec():  # type: ignore[no-untyped-def]
    """The issue's example: a daily monitor reading a day of data that lands 2 hours late."""
    return make_spec(target={"data": DAILY, "window": "1d", "latency": "2h"})


def test_a_tick_reads_the_same_window_in_the_job_and_locally(tmp_path, make_provider, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    spec = latency_spec()
    expected = Window(start=datetime(2026, 1, 10, 22, tzinfo=UTC), end=datetime(2026, 1, 11, 22, tzinfo=UTC))
    (aws,) = list(make_provider(spec).run(spec, at=TICK))
    (local,) = list(get_provider("local", spec).run(spec, at=TICK))
    assert aws.window == local.window == expected
    assert aws.status == local.status and aws.rows == local.rows
    assert [(f.name, f.drift) for f in aws.features] == [(f.name, f.drift) for f in local.features]

    # --at off the schedule and a backfill: the windows the core rule gives, on both providers.
    noon = datetime(2026, 1, 12, 12, tzinfo=UTC)
    (aws_noon,) = list(make_provider(spec).run(spec, at=noon))
    assert aws_noon.window == resolve_monitor(spec, "churn").windows.for_tick(noon)
    start, end = datetime(2026, 1, 9, tzinfo=UTC), datetime(2026, 1, 12, tzinfo=UTC)
    backfill = [r.window for r in make_provider(spec).run(spec, start=start, end=end)]
    assert backfill == [r.window for r in get_provider("local", spec).run(spec, start=start, end=end)]
    assert backfill == RunRequest(start=start, end=end).windows(resolve_monitor(spec, "churn"))
    assert backfill[-1] == expected


def test_without_at_the_job_reads_the_latest_ticks_window(tmp_path, make_provider, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    spec = latency_spec()
    (result,) = list(make_provider(spec).run(spec))
    assert result.window == resolve_monitor(spec, "churn").windows.latest()


def test_status_reads_a_run_back_under_the_window_it_read(tmp_path, make_provider, monkeypatch, s3) -> None:
    monkeypatch.setenv("DRIFTPLANE_AWS_JOB", "1")
    monkeypatch.setenv("DRIFTPLANE_OUTPUT_PATH", str(tmp_path / "output"))
    spec = latency_spec()
    provider = make_provider(spec)
    (result,) = list(provider.run(spec, at=TICK))
    for file in (tmp_path / "output").rglob("*.json"):  # what SageMaker uploads when the job ends
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
    (run,) = status.runs
    assert (
        run.window
        == result.window
        == Window(start=datetime(2026, 1, 10, 22, tzinfo=UTC), end=datetime(2026, 1, 11, 22, tzinfo=UTC))
    )
    assert run.status == result.status and run.features == result.features
