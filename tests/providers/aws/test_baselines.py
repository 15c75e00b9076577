"""Baseline files as the resolved monitor says: the processing job reads the files that exist, SageMaker's
baselining job is refused what it cannot do, and constraints.json carries the spec's quality checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from driftplane.engine.api import profile
from driftplane.engine.constraints import suggest_constraints
from driftplane.engine.sagemaker import write_constraints, write_statistics
from driftplane.spec import load_spec
from driftplane_aws import names
from driftplane_aws.translate import Account, Translator

from .conftest import BUCKET, REFERENCE
from .specs import DAILY, SETTINGS_YAML, TRAIN, line_of, make_spec, validate

TICK = datetime(2026, 1, 12, tzinfo=UTC)


def sagemaker_files(tmp_path: Path, s3) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """statistics.json and constraints.json of the quickstart's training set, on S3 as SageMaker files."""
    found = profile(TRAIN)
    statistics = write_statistics(found, tmp_path / "statistics.json")
    constraints = write_constraints(suggest_constraints(found), tmp_path / "constraints.json")
    s3.put_object(Bucket=BUCKET, Key="sagemaker/statistics.json", Body=statistics.read_bytes())
    s3.put_object(Bucket=BUCKET, Key="sagemaker/constraints.json", Body=constraints.read_bytes())
    return f"s3://{BUCKET}/sagemaker/statistics.json", f"s3://{BUCKET}/sagemaker/constraints.json"


def test_the_processing_job_reads_baseline_files_on_s3_where_they_are(
    tmp_path, make_provider, s3, moto, monkeypatch
) -> None:
    statistics, constraints = sagemaker_files(tmp_path, s3)
    spec = make_spec(
        baseline={"statistics": statistics, "constraints": constraints}, target={"data": DAILY, "window": "1d"}
    )
    provider = make_provider(spec)
    provider.apply(spec)

    # What SageMaker does when the scheduled job starts: download each input (a prefix with no
    # object fails the job), then run the job's spec from them.
    job = Translator(spec, provider.aws_settings, Account("us-east-1", "123456789012")).processing_job("churn")
    root = tmp_path / "container"
    for item in job["ProcessingInputs"]:
        bucket, prefix = names.split_s3_uri(item["S3Input"]["S3Uri"])
        objects = s3.list_objects_v2(Bucket=bucket, Prefix=prefix + "/").get("Contents", [])
        assert objects, (
            f"input {item['InputName']}: no object under {item['S3Input']['S3Uri']}, SageMaker would fail the job"
        )
        for found in objects:
            local = root / item["S3Input"]["LocalPath"].lstrip("/") / found["Key"][len(prefix) + 1 :]
            local.parent.mkdir(parents=True, exist_ok=True)
            local.write_bytes(s3.get_object(Bucket=bucket, Key=found["Key"])["Body"].read())
    job_spec = root / "opt/ml/processing/input/spec/monitors.yaml"
    assert json.loads(job_spec.read_text())["monitors"]["churn"]["baseline"] == {
        "statistics": statistics,
        "constraints": constraints,
    }
    job_spec.write_text(job_spec.read_text().replace("/opt/ml/processing", str(root / "opt/ml/processing")))

    for name, value in {
        "AWS_ENDPOINT_URL": moto,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DRIFTPLANE_OUTPUT_PATH", str(tmp_path / "output"))
    loaded = load_spec(job_spec)
    (result,) = list(make_provider(loaded).run(loaded, at=TICK))
    assert result.status != "failed", result.error
    assert result.rows.baseline == 20000 and result.drifted_features


def test_sagemakers_baselining_job_is_refused_what_it_cannot_do(tmp_path) -> None:
    text = SETTINGS_YAML + """\
monitors:
  churn:
    baseline:
      data: s3://bucket/train/train.parquet
      job: sagemaker
      window: {start: 2025-01-01, end: 2025-06-01}
    target: {endpoint: churn-prod}
    checks: {drift: {numerical: {metric: linf_robust, threshold: 0.1}, categorical: {metric: linf_robust, threshold: 0.1}}}
  fraud:
    baseline: {data: "s3://bucket/fraud/*.csv", job: sagemaker}
    target: {endpoint: fraud-prod}
    checks: {drift: {numerical: {metric: linf_robust, threshold: 0.1}, categorical: {metric: linf_robust, threshold: 0.1}}}
"""  # noqa: E501
    code, err = validate(tmp_path, text)
    assert code == 2
    assert f"F:{line_of(text, 'train.parquet')}:" in err
    assert (
        "monitors.churn.baseline.data: SageMaker's baselining job "
        "reads CSV or JSON Lines; this baseline's format is 'parquet'" in err
    )
    assert (
        f"F:{line_of(text, 'window: {start')}:" in err
        and "monitors.churn.baseline.window: SageMaker's baselining job profiles every row" in err
    )
    assert "monitors.fraud.baseline.data: SageMaker's baselining job reads every object under one S3 prefix" in err
    fixed = text.replace("train/train.parquet", "train/train.csv").replace(
        "      window: {start: 2025-01-01, end: 2025-06-01}\n", ""
    )
    assert (
        validate(tmp_path, fixed.replace('"s3://bucket/fraud/*.csv"', "s3://bucket/fraud/"))[1].count(
            "format is not told by the path"
        )
        == 1
    )
    assert validate(tmp_path, fixed.replace('"s3://bucket/fraud/*.csv"', "s3://bucket/fraud/, format: csv"))[0] == 0


def constraints_uploaded(plan) -> dict:  # type: ignore[no-untyped-def]
    (body,) = [c.request.body["Body"] for c in plan.changes if c.name.endswith("constraints.json")]
    return json.loads(body)


def test_constraints_json_carries_the_quality_checks_sagemaker_can_express(make_provider) -> None:
    off = make_spec(
        "model-monitor", target={"endpoint": "churn-prod"}, checks={"drift": {}, "quality": {"enabled": False}}
    )
    uploaded = constraints_uploaded(make_provider(off).plan(off, offline=True))
    assert uploaded["monitoring_config"]["evaluate_constraints"] == "Disabled"
    assert uploaded["monitoring_config"]["emit_metrics"] == "Enabled"  # drift metrics are still published

    no_completeness = make_spec(
        "model-monitor", target={"endpoint": "churn-prod"}, checks={"quality": {"completeness": False}}
    )
    uploaded = constraints_uploaded(make_provider(no_completeness).plan(no_completeness, offline=True))
    assert uploaded["monitoring_config"]["evaluate_constraints"] == "Enabled"
    assert {f["completeness"] for f in uploaded["features"]} == {0.0}  # no data is less complete than nothing


def test_a_given_constraints_json_is_uploaded_with_the_specs_thresholds_over_it(tmp_path, make_provider) -> None:
    found = profile(TRAIN)
    write_statistics(found, tmp_path / "statistics.json")
    write_constraints(suggest_constraints(found), tmp_path / "constraints.json")  # datatype_check_threshold 1.0
    spec = make_spec(
        "model-monitor",
        baseline={"statistics": str(tmp_path / "statistics.json"), "constraints": str(tmp_path / "constraints.json")},
        target={"endpoint": "churn-prod"},
        checks={"drift": {}, "quality": {"data_type_threshold": 0.9}},
    )
    config = constraints_uploaded(make_provider(spec).plan(spec, offline=True))["monitoring_config"]
    assert config["datatype_check_threshold"] == 0.9  # as a local run applies it over the file's


def test_quality_checks_constraints_json_cannot_say_are_refused(tmp_path) -> None:
    text = SETTINGS_YAML + """\
monitors:
  churn:
    baseline: {statistics: s3://bucket/sm/statistics.json, constraints: s3://bucket/sm/constraints.json}
    target: {endpoint: churn-prod}
    checks:
      drift: {numerical: {metric: linf_robust, threshold: 0.1}, categorical: {metric: linf_robust, threshold: 0.1}}
      quality: {columns: false, data_type_threshold: 0.9}
"""
    code, err = validate(tmp_path, text)
    assert code == 2
    assert (
        "monitors.churn.checks.quality.columns: SageMaker Model Monitor always checks for missing and extra columns"
        in err
    )
    assert (
        "monitors.churn.checks.quality.data_type_threshold: SageMaker reads s3://bucket/sm/constraints.json as it is"
        in err
    )
    processing = text.replace(
        "    output_s3_uri:",
        "    backend: processing\n    image_uri: 1.dkr.ecr.us-east-1.amazonaws.com/d:1\n    output_s3_uri:",
    )
    processing = processing.replace(
        "{endpoint: churn-prod}",
        "{data: 's3://bucket/x/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.parquet', window: 1d}",
    )
    assert validate(tmp_path, processing)[0] == 0  # the job runs driftplane, which honours them all


def test_status_shows_the_violations_the_spec_checks(make_provider, fake, s3) -> None:
    from .test_status import OUTPUT, processing_job, upload

    spec = make_spec(
        "model-monitor",
        baseline={
            "statistics": f"s3://{BUCKET}/sagemaker/statistics.json",
            "constraints": f"s3://{BUCKET}/sagemaker/constraints.json",
        },
        target={"endpoint": "churn-prod"},
        features={},
        checks={
            "drift": {
                "numerical": {"metric": "linf_robust", "threshold": 0.1},
                "categorical": {"metric": "linf_robust", "threshold": 0.1},
            },
            "quality": {"completeness": False},
        },
    )
    provider = make_provider(spec)
    upload(s3, "sagemaker/statistics.json", "aai540_statistics.json")
    upload(s3, "sagemaker/constraints.json", "aai540_constraints.json")
    upload(s3, f"{OUTPUT}/statistics.json", "aai540_statistics.json")
    violations = {
        "violations": [
            {
                "feature_name": "price",
                "constraint_check_type": "completeness_check",
                "description": "Data completeness requirement is not met.",
            },
            {
                "feature_name": "state",
                "constraint_check_type": "data_type_check",
                "description": "Data type match requirement is not met.",
            },
        ]
    }
    s3.put_object(Bucket=BUCKET, Key=f"{OUTPUT}/constraint_violations.json", Body=json.dumps(violations).encode())
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
    now = datetime(2026, 1, 3, tzinfo=UTC)
    fake.executions["driftplane-churn"] = [
        {
            "MonitoringScheduleName": "driftplane-churn",
            "ScheduledTime": datetime(2026, 1, 2, tzinfo=UTC),
            "CreationTime": now,
            "LastModifiedTime": now,
            "MonitoringExecutionStatus": "CompletedWithViolations",
            "ProcessingJobArn": arn,
        }
    ]
    (status,) = provider.status(spec)
    (run,) = status.runs
    assert [v.constraint_check_type for v in run.violations] == ["data_type_check"]
    assert (REFERENCE / "aai540_statistics.json").is_file()


def test_plan_stops_when_your_constraints_json_makes_sagemaker_publish_another_metric(make_provider, s3) -> None:
    """SageMaker's drift metric follows the given constraints.json (Robust here): validate cannot read S3, plan does."""
    import pytest

    from driftplane.errors import ProviderError

    from .test_status import upload

    upload(s3, "sagemaker/statistics.json", "aai540_statistics.json")
    upload(s3, "sagemaker/constraints.json", "aai540_constraints.json")
    files = {"statistics": f"s3://{BUCKET}/sagemaker/statistics.json", "constraints": f"s3://{BUCKET}/sagemaker/constraints.json"}
    simple = {"metric": "linf", "threshold": 0.1}
    spec = make_spec(
        "model-monitor",
        baseline=files,
        checks={
            "drift": {"numerical": simple, "categorical": simple, "noise_correction": False},
            "quality": {"comparison_method": "simple"},
        },
    )
    provider = make_provider(spec)
    assert provider.check(spec) == []
    with pytest.raises(ProviderError) as info:
        provider.plan(spec)
    assert (
        "compares with comparison_method Robust, so SageMaker publishes "
        "linf_robust, but the spec says comparison_method: simple" in str(info.value)
    )
    robust = make_spec("model-monitor", baseline=files)
    assert make_provider(robust).plan(robust).changes


def test_the_job_role_may_read_baseline_files_on_s3(tmp_path) -> None:
    """SageMaker's analyzer (model-monitor) and the processing job read the user's files with the job role."""
    from driftplane_aws.iam import policies

    from .iam_check import allowed

    for backend in ("model-monitor", "processing"):
        spec = make_spec(backend, baseline={"statistics": f"s3://{BUCKET}/sm/statistics.json", "constraints": f"s3://{BUCKET}/sm/constraints.json"})
        job = policies(spec, make_provider_settings(spec), "us-east-1", "123456789012")["job_role"]
        for file in ("statistics.json", "constraints.json"):
            assert allowed(job, "s3:GetObject", f"arn:aws:s3:::{BUCKET}/sm/{file}"), (backend, file)


def make_provider_settings(spec):  # type: ignore[no-untyped-def]
    from driftplane_aws.provider import AwsProvider

    return AwsProvider.validate_settings(spec.providers["aws"], spec=spec)
