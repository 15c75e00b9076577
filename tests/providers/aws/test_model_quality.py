"""Model quality on AWS: SageMaker's model-quality job, its baseline files, schedule and alarms (model-monitor),
refusals of what SageMaker cannot judge, and the lifecycle against moto and the fake monitoring schedules."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import boto3
import pyarrow.parquet as pq
import pytest
import yaml
from botocore.stub import Stubber
from click.testing import CliRunner
from sklearn.metrics import accuracy_score, roc_auc_score

from driftplane.cli import cli
from driftplane.spec import load_spec
from driftplane_aws.servicemodel import request_problems

from .conftest import BUCKET, REPO, SAGEMAKER_DRIFT, settings_dict
from .specs import line_of, validate
from .test_lifecycle import capturing_endpoint

VALIDATION = REPO / "examples/model-quality/data/validation.parquet"
GROUND_TRUTH = (
    f"s3://{BUCKET}/ground-truth/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/{{timestamp:HH}}/*.jsonl"
)
SCORES = f"s3://{BUCKET}/scores/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/*.parquet"


def outputs_first(tmp_path: Path) -> Path:
    """The labelled validation set with the model's outputs first, as an endpoint's capture lays them out."""
    table = pq.read_table(VALIDATION)
    order = ["churn_pred", "churn_score"] + [c for c in table.schema.names if c not in ("churn_pred", "churn_score")]
    path = tmp_path / "validation.parquet"
    pq.write_table(table.select(order), path)
    return path


def monitor_body(baseline_data: Path, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": {"problem_type": "binary", "prediction": "churn_pred", "probability": "churn_score"},
        "labels": {"data": GROUND_TRUTH, "format": "sagemaker-ground-truth", "wait": "3d"},
        "baseline": {"data": str(baseline_data), "label": "churned"},
        "target": {"endpoint": "churn-prod", "window": "1d"},
        "features": {"exclude": ["inference_id", "churned"]},
        "schedule": "daily",
        "checks": {
            **SAGEMAKER_DRIFT,
            "performance": {"metrics": {"accuracy": {"min": 0.8}, "auc": {"below_baseline_by": 0.05}}},
        },
        "alerts": [{"name": "quality fell", "when": "performance", "notify": ["team"]}],
    }
    body.update(over)
    return body


def write_spec(tmp_path: Path, body: dict[str, Any], **settings: Any) -> Path:
    data = {
        "provider": "aws",
        "providers": {"aws": settings_dict(backend="model-monitor", **settings)},
        "channels": {"team": {"type": "email", "to": ["ml@example.com"]}},
        "monitors": {"churn": body},
    }
    path = tmp_path / "monitors.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def offline_plan(path: Path) -> list[dict[str, Any]]:
    result = CliRunner().invoke(cli, ["plan", str(path), "--offline", "--json"])
    assert result.exit_code == 0, result.stderr
    return list(json.loads(result.stdout)["changes"])


def by_operation(changes: list[dict[str, Any]], operation: str) -> list[dict[str, Any]]:
    return [c["request"]["body"] for c in changes if c["request"]["operation"] == operation]


# --- translation ------------------------------------------------------------------------------------------


def test_offline_plan_has_sagemakers_model_quality_job_schedule_files_and_alarms(tmp_path: Path) -> None:
    baseline = outputs_first(tmp_path)
    changes = offline_plan(write_spec(tmp_path, monitor_body(baseline)))
    for change in changes:
        request = change["request"]
        assert request_problems(request["api"], request["operation"], request["body"]) == [], change["name"]
    names = [c["name"] for c in changes]
    assert names.index("driftplane-churn-mq") > next(
        i for i, c in enumerate(changes) if c["request"]["operation"] == "CreateModelQualityJobDefinition"
    ), "the job definition exists before the schedule that runs it"

    [definition] = by_operation(changes, "CreateModelQualityJobDefinition")
    assert definition["ModelQualityAppSpecification"]["ProblemType"] == "BinaryClassification"
    assert definition["ModelQualityAppSpecification"]["Environment"] == {"publish_cloudwatch_metrics": "Enabled"}
    job_input = definition["ModelQualityJobInput"]
    endpoint = job_input["EndpointInput"]
    # Captured CSV is matched by position with the output first: the prediction is column 0, the score 1.
    assert (endpoint["InferenceAttribute"], endpoint["ProbabilityAttribute"]) == ("0", "1")
    assert endpoint["ProbabilityThresholdAttribute"] == 0.5
    # A run at tick T judges the day that ended wait (3 days) before T: [T - 4d, T - 3d).
    assert (endpoint["StartTimeOffset"], endpoint["EndTimeOffset"]) == ("-P4D", "-P3D")
    assert job_input["GroundTruthS3Input"] == {"S3Uri": f"s3://{BUCKET}/ground-truth"}
    constraints_uri = f"s3://{BUCKET}/driftplane/churn/baseline/model-quality/constraints.json"
    assert definition["ModelQualityBaselineConfig"] == {"ConstraintsResource": {"S3Uri": constraints_uri}}

    schedules = {s["MonitoringScheduleName"]: s for s in by_operation(changes, "CreateMonitoringSchedule")}
    quality = schedules["driftplane-churn-mq"]["MonitoringScheduleConfig"]
    assert quality["MonitoringType"] == "ModelQuality"
    assert quality["MonitoringJobDefinitionName"] == definition["JobDefinitionName"]
    assert quality["ScheduleConfig"] == {"ScheduleExpression": "cron(0 0 ? * * *)"}
    assert schedules["driftplane-churn"]["MonitoringScheduleConfig"]["MonitoringType"] == "DataQuality"

    # The files: statistics from the labelled rows, constraints at the checks' thresholds (auc's resolved in core).
    table = pq.read_table(VALIDATION).to_pydict()
    auc = roc_auc_score(table["churned"], table["churn_score"])
    files = {
        b["Key"].rsplit("/", 2)[-2] + "/" + b["Key"].rsplit("/", 1)[-1]: b for b in by_operation(changes, "PutObject")
    }
    statistics = json.loads(files["model-quality/statistics.json"]["Body"])["binary_classification_metrics"]
    assert statistics["accuracy"]["value"] == pytest.approx(accuracy_score(table["churned"], table["churn_pred"]))
    assert statistics["auc"]["value"] == pytest.approx(auc, abs=2e-3)
    constraints = json.loads(files["model-quality/constraints.json"]["Body"])["binary_classification_constraints"]
    assert constraints["accuracy"] == {"threshold": 0.8, "comparison_operator": "LessThanThreshold"}
    assert constraints["auc"]["comparison_operator"] == "LessThanThreshold"
    assert constraints["auc"]["threshold"] == pytest.approx(statistics["auc"]["value"] - 0.05)

    alarms = {a["MetricName"]: a for a in by_operation(changes, "PutMetricAlarm")}
    assert set(alarms) == {"accuracy", "auc"}
    for metric, alarm in alarms.items():
        assert alarm["Namespace"] == "aws/sagemaker/Endpoints/model-metrics"
        assert alarm["Dimensions"] == [
            {"Name": "Endpoint", "Value": "churn-prod"},
            {"Name": "MonitoringSchedule", "Value": "driftplane-churn-mq"},
        ]
        assert alarm["ComparisonOperator"] == "LessThanThreshold"
        assert alarm["Threshold"] == constraints[metric]["threshold"]
        assert alarm["AlarmActions"] == ["arn:aws:sns:us-east-1:123456789012:driftplane-churn-quality-fell"]


def test_errors_alarm_above_and_hours_make_hour_offsets_on_batch_transform_output(tmp_path: Path) -> None:
    body = monitor_body(
        VALIDATION,
        model={"problem_type": "regression", "prediction": "churn_score", "id": "inference_id"},
        labels={"data": GROUND_TRUTH, "format": "sagemaker-ground-truth", "wait": "36h"},
        baseline={"data": str(VALIDATION), "label": "monthly_charges"},
        target={"data": SCORES, "window": "1h"},
        schedule="hourly",
        checks={
            **SAGEMAKER_DRIFT,
            "performance": {"metrics": {"rmse": {"max": 40.0}, "mae": {"above_baseline_by": 2}}},
        },
        alerts=[{"name": "errors grew", "when": "performance", "metrics": ["rmse"], "notify": ["team"]}],
    )
    changes = offline_plan(write_spec(tmp_path, body, max_runtime_seconds=1800))
    for change in changes:
        request = change["request"]
        assert request_problems(request["api"], request["operation"], request["body"]) == [], change["name"]
    [definition] = by_operation(changes, "CreateModelQualityJobDefinition")
    batch = definition["ModelQualityJobInput"]["BatchTransformInput"]
    assert definition["ModelQualityAppSpecification"]["ProblemType"] == "Regression"
    assert (batch["StartTimeOffset"], batch["EndTimeOffset"]) == ("-PT37H", "-PT36H")
    assert batch["InferenceAttribute"] == "churn_score"  # by name: batch output is not matched by position
    assert "ProbabilityAttribute" not in batch and batch["DatasetFormat"] == {"Parquet": {}}
    constraints = next(
        json.loads(b["Body"])
        for b in by_operation(changes, "PutObject")
        if b["Key"].endswith("model-quality/constraints.json")
    )["regression_constraints"]
    assert constraints["rmse"] == {"threshold": 40.0, "comparison_operator": "GreaterThanThreshold"}
    assert constraints["mae"]["comparison_operator"] == "GreaterThanThreshold"
    [alarm] = by_operation(changes, "PutMetricAlarm")  # the alert watches rmse only
    assert (alarm["MetricName"], alarm["ComparisonOperator"], alarm["Threshold"]) == (
        "rmse",
        "GreaterThanThreshold",
        40.0,
    )
    assert alarm["Namespace"] == "aws/sagemaker/ModelMonitoring/model-metrics"
    assert alarm["Dimensions"] == [{"Name": "MonitoringSchedule", "Value": "driftplane-churn-mq"}]


def test_plan_refuses_an_endpoint_baseline_whose_outputs_are_not_first(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["plan", str(write_spec(tmp_path, monitor_body(VALIDATION))), "--offline"])
    assert result.exit_code != 0
    assert "the baseline's first columns are inference_id, tenure_months" in result.stderr
    assert "put them first in baseline.data" in result.stderr


@pytest.mark.parametrize("target", ["endpoint", "batch"])
def test_the_stubber_accepts_the_model_quality_requests(tmp_path: Path, target: str) -> None:
    """botocore's own parameter validation (the Stubber) on the job definition and schedule as sent."""
    body = monitor_body(outputs_first(tmp_path))
    if target == "batch":
        body["target"] = {"data": SCORES, "window": "1d"}
        body["model"]["id"] = "inference_id"
    changes = offline_plan(write_spec(tmp_path, body))
    [definition] = by_operation(changes, "CreateModelQualityJobDefinition")
    assert ("EndpointInput" if target == "endpoint" else "BatchTransformInput") in definition["ModelQualityJobInput"]
    client = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    arn = "arn:aws:sagemaker:us-east-1:123456789012:model-quality-job-definition/x"
    with Stubber(client) as stubber:
        for body in by_operation(changes, "CreateModelQualityJobDefinition"):
            stubber.add_response("create_model_quality_job_definition", {"JobDefinitionArn": arn}, body)
            client.create_model_quality_job_definition(**body)
        for body in by_operation(changes, "CreateMonitoringSchedule"):
            stubber.add_response("create_monitoring_schedule", {"MonitoringScheduleArn": arn}, body)
            client.create_monitoring_schedule(**body)
        stubber.assert_no_pending_responses()


# --- validate --------------------------------------------------------------------------------------------

REFUSED = """\
provider: aws
providers:
  aws:
    region: us-east-1
    role_arn: arn:aws:iam::123456789012:role/SageMaker
    output_s3_uri: s3://bucket/driftplane
channels:
  team: {type: email, to: ml@example.com}
monitors:
  churn:
    model:
      problem_type: binary
      prediction: churn_pred
      probability: churn_score
      id: inference_id
    labels:
      data: labels/*.jsonl
      format: jsonl
      label: churned
      wait: 90m
      min_coverage: 0.9
      search: 5d
    baseline:
      data: BASELINE
      label: churned
    target:
      endpoint: churn-prod
    checks:
      drift:
        numerical: {metric: linf_robust, threshold: 0.1}
        categorical: {metric: linf_robust, threshold: 0.1}
        noise_correction: false
      performance:
        metrics:
          accuracy: {min: 0.8}
          pr_auc: {min: 0.5}
        estimate: true
    schedule: daily
    alerts:
      - name: slipping
        when: performance
        judged: provisional
        notify: [team]
      - name: outputs moved
        when: prediction_drift
        notify: [team]
"""


def test_validate_refuses_what_sagemaker_cannot_judge_at_each_key(tmp_path: Path) -> None:
    text = REFUSED.replace("BASELINE", str(VALIDATION))
    code, errors = validate(tmp_path, text)
    assert code == 2, errors
    expected = {
        "model.id": "inferenceId",
        "labels.format": "set format: sagemaker-ground-truth",
        "labels.data": "s3:// URI",
        "labels.min_coverage": "remove min_coverage",
        "labels.search": "remove search",
        "labels.wait": "whole hours or days",
        "checks.performance.metrics.pr_auc": "computes no pr_auc",
        "checks.performance.estimate": "estimates nothing",
        "alerts[0].judged": "no provisional judgement",
        "alerts[1].when": "no prediction-drift metric",
    }
    lines = errors.splitlines()
    for key, says in expected.items():
        found = [line for line in lines if f"monitors.churn.{key}:" in line]
        assert found, (key, errors)
        assert says in found[0], found[0]
        needle = {"alerts[0].judged": "judged: provisional", "alerts[1].when": "when: prediction_drift"}.get(
            key, key.rsplit(".", 1)[-1] + ":"
        )
        assert f"F:{line_of(text, needle)}:" in found[0], (found[0], needle)
        if key != "labels.data":
            assert "backend: processing" in found[0], found[0]
    assert not [line for line in lines if "checks.performance.metrics.accuracy" in line]
    assert "does not translate yet" not in errors


def test_a_multiclass_probability_per_class_is_refused(tmp_path: Path) -> None:
    text = textwrap.dedent(REFUSED.replace("BASELINE", str(VALIDATION)))
    text = (
        text.replace("problem_type: binary", "problem_type: multiclass")
        .replace("probability: churn_score", "probability: {'0': p0, '1': p1}")
        .replace("pr_auc: {min: 0.5}", "weighted_f1: {min: 0.5}")
    )
    code, errors = validate(tmp_path, text)
    assert code == 2
    assert "monitors.churn.model.probability: SageMaker's model-quality job reads one probability attribute" in errors
    assert "metrics.weighted_f1" not in errors


def test_a_valid_model_quality_spec_validates(tmp_path: Path) -> None:
    path = write_spec(tmp_path, monitor_body(outputs_first(tmp_path)))
    result = CliRunner().invoke(cli, ["validate", str(path), "--provider", "aws"])
    assert result.exit_code == 0, result.stderr


# --- lifecycle: moto (model-quality job definitions) and the fake schedules ------------------------------


def test_model_quality_lifecycle(tmp_path, make_provider, fake, request_log, s3) -> None:
    # moto keeps model-quality job definitions of endpoints (its handler reads EndpointInput only).
    baseline = outputs_first(tmp_path)
    body = monitor_body(baseline)
    spec = load_spec(write_spec(tmp_path, body))
    provider = make_provider(spec)
    capturing_endpoint(provider)
    assert provider.check(spec) == []
    done = provider.apply(spec)
    kinds = [c.kind for c in done.changes]
    assert kinds.count("sagemaker:ModelQualityJobDefinition") == 1
    assert kinds.count("sagemaker:MonitoringSchedule") == 2
    mutations = request_log.mutations()
    assert mutations.index("CreateModelQualityJobDefinition") < max(
        i for i, m in enumerate(mutations) if m == "CreateMonitoringSchedule"
    )
    assert fake.schedules["driftplane-churn-mq"]["MonitoringType"] == "ModelQuality"
    sagemaker = provider.clients.client("sagemaker")
    [summary] = sagemaker.list_model_quality_job_definitions()["JobDefinitionSummaries"]
    described = sagemaker.describe_model_quality_job_definition(
        JobDefinitionName=summary["MonitoringJobDefinitionName"]
    )
    assert described["ModelQualityJobInput"]["GroundTruthS3Input"] == {"S3Uri": f"s3://{BUCKET}/ground-truth"}
    stored = s3.get_object(Bucket=BUCKET, Key="driftplane/churn/baseline/model-quality/constraints.json")
    assert "binary_classification_constraints" in json.loads(stored["Body"].read())
    alarms = provider.clients.client("cloudwatch").describe_alarms()["MetricAlarms"]
    assert {a["MetricName"] for a in alarms} == {"accuracy", "auc"}

    # Planned again: nothing to do, nothing sent.
    request_log.clear()
    again = provider.plan(spec)
    assert not again.has_changes, [(c.action, c.kind, c.name, c.reason) for c in again.changes]
    assert again.leftovers == [], "the model-quality schedule and job definition are the monitor's own"
    assert request_log.mutations() == []

    # A tighter check: new constraints, and the alarm's threshold; the job definition stays.
    body["checks"]["performance"]["metrics"]["accuracy"] = {"min": 0.85}
    spec = load_spec(write_spec(tmp_path, body))
    changed = [(c.action, c.kind, c.name) for c in provider.plan(spec).changes if c.action != "noop"]
    assert changed == [
        ("update", "s3:Object", f"s3://{BUCKET}/driftplane/churn/baseline/model-quality/constraints.json"),
        ("update", "cloudwatch:MetricAlarm", "driftplane/churn/quality-fell/accuracy"),
    ]
    provider.apply(spec)

    # Model quality taken out of the spec: its schedule, then its job definition, and its alarms go.
    for key in ("model", "labels"):
        body.pop(key)
    body["checks"].pop("performance")
    body["baseline"].pop("label")
    body["alerts"] = []
    spec = load_spec(write_spec(tmp_path, body))
    request_log.clear()
    provider.apply(spec)
    assert "driftplane-churn-mq" not in fake.schedules and "driftplane-churn" in fake.schedules
    mutations = request_log.mutations()
    assert mutations.index("DeleteMonitoringSchedule") < mutations.index("DeleteModelQualityJobDefinition")
    assert sagemaker.list_model_quality_job_definitions()["JobDefinitionSummaries"] == []
    left = s3.list_objects_v2(Bucket=BUCKET, Prefix="driftplane/churn/baseline/model-quality/")
    assert "Contents" not in left, "its baseline files went with it"
    assert not provider.plan(spec).has_changes

    # destroy after a fresh apply removes both schedules and both job definitions.
    spec = load_spec(write_spec(tmp_path, monitor_body(baseline)))
    provider.apply(spec)
    # Disabled, the monitor's model-quality resources are leftovers too, listed for --prune.
    disabled = load_spec(write_spec(tmp_path, monitor_body(baseline, enabled=False)))
    kinds = sorted(item.kind for item in provider.plan(disabled).leftovers)
    assert kinds.count("sagemaker:MonitoringSchedule") == 2
    assert kinds.count("sagemaker:ModelQualityJobDefinition") == 1
    assert kinds.count("s3:Object") == 4  # both baselines' statistics.json and constraints.json
    provider.destroy(spec)
    assert fake.schedules == {}
    assert sagemaker.list_model_quality_job_definitions()["JobDefinitionSummaries"] == []
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix="driftplane/churn/baseline/")


# --- processing: the job runs driftplane's own model quality and publishes it -----------------------------

EXAMPLE = REPO / "examples/model-quality"


def processing_spec() -> Any:
    """The model-quality example's monitor run by a processing job, its alerts as CloudWatch alarms."""
    data = yaml.safe_load((EXAMPLE / "monitors.yaml").read_text())
    body = data["monitors"]["churn-quality"]
    body["labels"]["data"] = str(EXAMPLE / body["labels"]["data"])
    body["baseline"]["data"] = str(EXAMPLE / body["baseline"]["data"])
    body["target"]["data"] = str(EXAMPLE / body["target"]["data"])
    for alert in body["alerts"]:
        alert["notify"] = ["team"]
    from driftplane.spec import Spec

    return Spec.model_validate(
        {
            "provider": "aws",
            "providers": {
                "aws": settings_dict(
                    backend="processing", image_uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/driftplane:1"
                )
            },
            "channels": {"team": {"type": "email", "to": ["ml@example.com"]}},
            "monitors": {"churn-quality": body},
        }
    )


def statistic(cloudwatch: Any, metric: dict[str, Any], stat: str) -> float | None:
    from datetime import UTC, datetime

    found = cloudwatch.get_metric_statistics(
        **metric,
        StartTime=datetime(2020, 1, 1, tzinfo=UTC),
        EndTime=datetime(2100, 1, 1, tzinfo=UTC),
        Period=86400 * 366,
        Statistics=[stat],
    )["Datapoints"]
    return max(p[stat] for p in found) if found else None


def test_a_processing_job_judges_the_settled_window_final_and_its_alarms_hear_it(
    tmp_path, make_provider, monkeypatch
) -> None:
    from datetime import UTC, datetime

    from driftplane_aws.translate import DRIFTPLANE_NAMESPACE

    from .alarm_check import alarm_fires

    monkeypatch.setenv("DRIFTPLANE_AWS_JOB", "1")
    monkeypatch.setenv("DRIFTPLANE_OUTPUT_PATH", str(tmp_path / "output"))
    spec = processing_spec()
    provider = make_provider(spec)
    # The tick of 2026-02-16 reads the day before; the day that ended 3 days (labels.wait) earlier,
    # 2026-02-12..13 (after the model's accuracy fell), is judged again, final now.
    (result,) = list(provider.run(spec, at=datetime(2026, 2, 16, tzinfo=UTC)))
    assert result.window is not None and result.window.end == datetime(2026, 2, 16, tzinfo=UTC)
    settled = tmp_path / "output/churn-quality/driftplane-churn-quality/2026/02/13/00/result.json"
    judged = json.loads(settled.read_text())["performance"]
    assert judged["judged"] == "final"
    accuracy = next(m for m in judged["metrics"] if m["name"] == "accuracy" and not m["estimated"])
    assert accuracy["failed"] and accuracy["value"] < 0.8

    cloudwatch = provider.clients.client("cloudwatch")
    monitor = {"Name": "monitor", "Value": "churn-quality"}
    published = statistic(
        cloudwatch,
        {
            "Namespace": DRIFTPLANE_NAMESPACE,
            "MetricName": "accuracy",  # SageMaker's name for it
            "Dimensions": [{"Name": "judged", "Value": "final"}, monitor],
        },
        "Minimum",
    )
    assert published == pytest.approx(accuracy["value"])

    plan = provider.plan(spec, offline=True)
    alarms = {
        c.request.body["AlarmName"]: c.request.body
        for c in plan.changes
        if c.kind == "cloudwatch:MetricAlarm" and c.request is not None
    }
    final = alarms["driftplane/churn-quality/churn-model-accuracy-fell/accuracy"]
    assert final["MetricName"] == "performance_failed"
    assert alarm_fires(cloudwatch, final) is True  # the final judgement failed accuracy: the alarm fires
    # The provisional alert hears final and provisional judgements (metric math over both).
    provisional = next(a for n, a in alarms.items() if "slipping" in n and n.endswith("/accuracy"))
    heard = [q["MetricStat"] for q in provisional["Metrics"] if "MetricStat" in q]
    assert {dict((d["Name"], d["Value"]) for d in q["Metric"]["Dimensions"])["judged"] for q in heard} == {
        "final",
        "provisional",
    }
    # Prediction drift: one alarm per model output on prediction_drifted, which the job published.
    outputs = [a for n, a in alarms.items() if "outputs-drifted" in n]
    assert {dict((d["Name"], d["Value"]) for d in a["Dimensions"])["output"] for a in outputs} == {
        "churn_pred",
        "churn_score",
    }
    for alarm in outputs:
        assert alarm["MetricName"] == "prediction_drifted"
        assert alarm_fires(cloudwatch, alarm) is not None, "the job published the output's drift"


def test_processing_validates_model_quality_with_labels_on_s3(tmp_path: Path) -> None:
    text = REFUSED.replace("BASELINE", "s3://bucket/validation.parquet").replace(
        "    output_s3_uri: s3://bucket/driftplane\n",
        "    output_s3_uri: s3://bucket/driftplane\n    backend: processing\n"
        "    image_uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/driftplane:1\n",
    )
    code, errors = validate(tmp_path, text)
    assert code == 2
    # Everything SageMaker could not judge runs in driftplane's job; only the labels' place is refused.
    problems = [line for line in errors.splitlines() if "monitors.churn." in line]
    assert len(problems) == 1 and "monitors.churn.labels.data: the processing job reads labels from S3" in problems[0]
    code, errors = validate(tmp_path, text.replace("data: labels/*.jsonl", "data: s3://bucket/labels/*.jsonl"))
    assert code == 0, errors


def test_the_model_quality_example_plans_valid_requests_offline() -> None:
    changes = offline_plan(REPO / "examples/aws/model-quality.yaml")
    for change in changes:
        request = change["request"]
        assert request_problems(request["api"], request["operation"], request["body"]) == [], change["name"]
    [definition] = by_operation(changes, "CreateModelQualityJobDefinition")
    batch = definition["ModelQualityJobInput"]["BatchTransformInput"]
    assert (batch["StartTimeOffset"], batch["EndTimeOffset"]) == ("-P4D", "-P3D")
    types = {s["MonitoringScheduleConfig"]["MonitoringType"] for s in by_operation(changes, "CreateMonitoringSchedule")}
    assert types == {"DataQuality", "ModelQuality"}
    assert {a["MetricName"] for a in by_operation(changes, "PutMetricAlarm")} >= {"accuracy", "auc"}


def test_labels_without_checks_still_run_sagemakers_job_with_no_constraint(tmp_path: Path) -> None:
    """As a local run reports the metrics of a labelled model, SageMaker computes and publishes them."""
    body = monitor_body(outputs_first(tmp_path), alerts=[])
    body["checks"].pop("performance")
    changes = offline_plan(write_spec(tmp_path, body))
    assert len(by_operation(changes, "CreateModelQualityJobDefinition")) == 1
    constraints = next(
        json.loads(b["Body"])
        for b in by_operation(changes, "PutObject")
        if b["Key"].endswith("model-quality/constraints.json")
    )
    assert constraints == {"version": 0.0, "binary_classification_constraints": {}}


def test_status_lists_sagemakers_model_quality_judgements(tmp_path, make_provider, fake, s3) -> None:
    from datetime import UTC, datetime

    from driftplane.engine.performance.accumulators import new_accumulator
    from driftplane.engine.performance.sagemaker_quality import statistics_document, statistics_from_accumulator

    from .test_status import processing_job

    baseline = outputs_first(tmp_path)
    spec = load_spec(write_spec(tmp_path, monitor_body(baseline)))
    provider = make_provider(spec)
    capturing_endpoint(provider)
    provider.apply(spec)
    # What SageMaker's analysis job wrote for one execution: its statistics.json and a violated accuracy.
    accumulator = new_accumulator("binary", positive_label="1", threshold=0.5)
    accumulator.update(
        pa_array([1, 0, 1, 1, 0, 0]), pa_array([0, 0, 1, 0, 1, 0]), pa_array([0.4, 0.2, 0.9, 0.3, 0.7, 0.1])
    )
    output = "driftplane/churn/model-quality-reports/run1"
    statistics = statistics_document(statistics_from_accumulator(accumulator))
    s3.put_object(Bucket=BUCKET, Key=f"{output}/statistics.json", Body=json.dumps(statistics).encode())
    violation = {"metric_name": "accuracy", "constraint_check_type": "LessThanThreshold", "description": "low"}
    s3.put_object(
        Bucket=BUCKET, Key=f"{output}/constraint_violations.json", Body=json.dumps({"violations": [violation]})
    )
    arn = processing_job(provider, "model-quality-monitoring-1", f"s3://{BUCKET}/{output}")
    now = datetime(2026, 1, 10, tzinfo=UTC)
    fake.executions["driftplane-churn-mq"] = [
        {
            "MonitoringScheduleName": "driftplane-churn-mq",
            "ScheduledTime": now,
            "CreationTime": now,
            "LastModifiedTime": now,
            "MonitoringExecutionStatus": "CompletedWithViolations",
            "ProcessingJobArn": arn,
        }
    ]
    (status,) = provider.status(spec)
    quality = status.details["model_quality"]
    assert quality["schedule"] == "driftplane-churn-mq" and quality["state"] == "scheduled"
    [judgement] = quality["judgements"]
    # The execution at 2026-01-10 judged the day that ended labels.wait (3 days) before it.
    assert judgement["window"] == "[2026-01-06T00:00:00Z, 2026-01-07T00:00:00Z)"
    assert judgement["failed"] == ["accuracy"]
    assert judgement["metrics"]["accuracy"] == pytest.approx(0.5)
    assert set(judgement["metrics"]) == {"accuracy", "auc"}


def pa_array(values: list[Any]) -> Any:
    import pyarrow as pa

    return pa.chunked_array([pa.array(values)])


def test_an_endpoints_data_quality_files_leave_the_true_label_out_and_need_it_last(tmp_path: Path) -> None:
    """Captured rows hold the outputs and the request, never the label: it is the baseline's last column,
    left out of statistics.json, so no captured column is matched to another's place."""
    baseline = outputs_first(tmp_path)
    changes = offline_plan(write_spec(tmp_path, monitor_body(baseline)))
    statistics = next(
        json.loads(b["Body"])
        for b in by_operation(changes, "PutObject")
        if b["Key"].endswith("churn/baseline/statistics.json")
    )
    names = [f["name"] for f in statistics["features"]]
    assert names[:2] == ["churn_pred", "churn_score"] and "churned" not in names

    table = pq.read_table(baseline)
    order = [c for c in table.schema.names if c != "churned"]
    order.insert(3, "churned")
    pq.write_table(table.select(order), baseline)
    result = CliRunner().invoke(cli, ["plan", str(write_spec(tmp_path, monitor_body(baseline))), "--offline"])
    assert result.exit_code != 0
    assert "baseline.label 'churned' is not the baseline's last column" in result.stderr
