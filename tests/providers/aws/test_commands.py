"""driftplane aws enable-capture and iam-policy; SageMaker's own baselining job."""

from __future__ import annotations

import json

from click.testing import CliRunner

from driftplane.cli import cli
from driftplane.spec import Spec
from driftplane_aws.capture import enable_capture
from driftplane_aws.settings import AwsSettings

from .conftest import BUCKET, REPO, SAGEMAKER_DRIFT, settings_dict


def test_enable_capture_copies_the_config_with_capture_and_updates_the_endpoint(make_clients, fake) -> None:
    clients = make_clients(AwsSettings(**settings_dict()))
    sagemaker = clients.client("sagemaker")
    sagemaker.create_model(
        ModelName="m", ExecutionRoleArn="arn:aws:iam::123456789012:role/r", PrimaryContainer={"Image": "img"}
    )
    variants = [
        {"VariantName": "AllTraffic", "ModelName": "m", "InitialInstanceCount": 2, "InstanceType": "ml.m5.large"}
    ]
    sagemaker.create_endpoint_config(EndpointConfigName="churn-config", ProductionVariants=variants)
    sagemaker.create_endpoint(EndpointName="churn-prod", EndpointConfigName="churn-config")

    name = enable_capture(clients, "churn-prod", f"s3://{BUCKET}/capture", 50)
    config = sagemaker.describe_endpoint_config(EndpointConfigName=name)
    capture = config["DataCaptureConfig"]
    assert capture["EnableCapture"] is True and capture["InitialSamplingPercentage"] == 50
    assert capture["DestinationS3Uri"] == f"s3://{BUCKET}/capture"
    assert [o["CaptureMode"] for o in capture["CaptureOptions"]] == ["Input", "Output"]
    assert config["ProductionVariants"][0]["InitialInstanceCount"] == 2  # copied from the current config
    assert fake.endpoint_updates == [{"EndpointName": "churn-prod", "EndpointConfigName": name}]
    assert not sagemaker.describe_endpoint_config(EndpointConfigName="churn-config").get("DataCaptureConfig")


def test_enable_capture_command_reports_a_missing_endpoint(moto, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    result = CliRunner().invoke(
        cli,
        ["aws", "enable-capture", "--endpoint", "nope", "--destination", "s3://ml-capture/c", "--region", "us-east-1"],
    )
    assert result.exit_code == 3
    assert "endpoint nope does not exist in us-east-1" in result.stderr


def test_iam_policy_lists_what_the_spec_needs() -> None:
    result = CliRunner().invoke(cli, ["aws", "iam-policy", str(REPO / "examples/aws/monitors.yaml")])
    assert result.exit_code == 0, result.stderr
    policies = json.loads(result.stdout)
    actions = {a for s in policies["driftplane"]["Statement"] for a in s["Action"]}
    assert {
        "sagemaker:CreateMonitoringSchedule",
        "cloudwatch:PutMetricAlarm",
        "sns:Subscribe",
        "iam:PassRole",
        "s3:PutObject",
    } <= actions
    assert "scheduler:CreateSchedule" not in actions
    resources = [r for s in policies["driftplane"]["Statement"] for r in s["Resource"]]
    assert "arn:aws:sagemaker:eu-west-1:123456789012:monitoring-schedule/driftplane-*" in resources
    job = {a for s in policies["job_role"]["Statement"] for a in s["Action"]}
    assert "cloudwatch:PutMetricData" in job
    processing = json.loads(
        CliRunner().invoke(cli, ["aws", "iam-policy", str(REPO / "examples/aws/processing/monitors.yaml")]).stdout
    )
    assert processing["scheduler_role_trust"]["Statement"][0]["Principal"] == {"Service": "scheduler.amazonaws.com"}


def test_sagemaker_baselining_job_uses_the_regional_analyzer(make_provider, request_log) -> None:
    spec = Spec.model_validate(
        {
            "provider": "aws",
            "providers": {"aws": settings_dict(region="eu-west-1")},
            "monitors": {
                "churn": {
                    "baseline": {"data": f"s3://{BUCKET}/train/train.csv", "job": "sagemaker"},
                    "target": {
                        "data": f"s3://{BUCKET}/scores/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/*.csv",
                        "format": "csv",
                    },
                    "checks": SAGEMAKER_DRIFT,
                    "schedule": "daily",
                    "alerts": [{"when": "drift", "notify": ["email:ml@example.com"]}],
                }
            },
        }
    )
    provider = make_provider(spec)
    assert provider.check(spec) == []
    plan = provider.plan(spec, offline=True)
    job = next(c for c in plan.changes if c.kind == "sagemaker:ProcessingJob")
    assert job.request is not None
    body = job.request.body
    assert (
        body["AppSpecification"]["ImageUri"]
        == "468650794304.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-model-monitor-analyzer"
    )
    assert body["Environment"]["publish_cloudwatch_metrics"] == "Disabled"
    assert body["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"] == f"s3://{BUCKET}/driftplane/churn/baseline"
    definition = next(c for c in plan.changes if c.kind == "sagemaker:DataQualityJobDefinition").request
    assert definition is not None
    assert definition.body["DataQualityJobInput"]["BatchTransformInput"]["DataCapturedDestinationS3Uri"] == f"s3://{BUCKET}/scores"
    assert definition.body["DataQualityJobInput"]["BatchTransformInput"]["DatasetFormat"] == {"Csv": {"Header": True}}
    placeholder = next(c for c in plan.changes if c.kind == "cloudwatch:MetricAlarm")
    assert placeholder.action == "noop" and "baselining job" in (placeholder.reason or "")


def test_iam_policy_is_per_backend_and_lets_the_analyzer_read_the_capture() -> None:
    from .iam_check import allowed

    example = str(REPO / "examples/aws/monitors.yaml")
    result = CliRunner().invoke(cli, ["aws", "iam-policy", example, "--capture-s3-uri", "churn-prod=s3://ml-capture/traffic"])
    assert result.exit_code == 0, result.stderr
    policies = json.loads(result.stdout)
    runner = {a for s in policies["driftplane"]["Statement"] for a in s["Action"]}
    # only a baselining job or the processing backend's scheduler starts jobs
    assert "sagemaker:CreateProcessingJob" not in runner
    assert "scheduler_role" not in policies
    passed = [s for s in policies["driftplane"]["Statement"] if s["Action"] == ["iam:PassRole"]]
    assert [s["Condition"]["StringEquals"]["iam:PassedToService"] for s in passed] == ["sagemaker.amazonaws.com"]
    capture = "arn:aws:s3:::ml-capture/traffic/churn-prod/AllTraffic/2026/01/02/03/20-48-871-0b7bfd33.jsonl"
    assert allowed(policies["job_role"], "s3:GetObject", capture)
    assert allowed(policies["job_role"], "s3:ListBucket", "arn:aws:s3:::ml-capture")
    assert not allowed(policies["job_role"], "s3:GetObject", "arn:aws:s3:::ml-capture/traffic/other-endpoint/x.jsonl")

    processing = json.loads(
        CliRunner().invoke(cli, ["aws", "iam-policy", str(REPO / "examples/aws/processing/monitors.yaml")]).stdout
    )
    runner = processing["driftplane"]["Statement"]
    assert "sagemaker:CreateProcessingJob" not in {a for s in runner for a in s["Action"]}
    passed = [s for s in runner if s["Action"] == ["iam:PassRole"]]
    assert [(s["Resource"], s["Condition"]["StringEquals"]["iam:PassedToService"]) for s in passed] == [
        (["arn:aws:iam::123456789012:role/DriftplaneScheduler"], "scheduler.amazonaws.com")
    ]


def test_iam_policy_without_access_to_the_endpoint_says_what_to_fill_in(monkeypatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens: the lookup fails fast
    result = CliRunner().invoke(cli, ["aws", "iam-policy", str(REPO / "examples/aws/monitors.yaml")])
    assert result.exit_code == 0, result.output
    assert "--capture-s3-uri ENDPOINT=S3URI" in result.stderr
    resources = [
        r
        for s in json.loads(result.stdout)["job_role"]["Statement"]
        if s["Sid"] == "ReadCapture"
        for r in s["Resource"]
    ]
    assert resources == ["arn:aws:s3:::CAPTURE_BUCKET/CAPTURE_PREFIX/churn-prod/*"]


def test_enable_capture_checks_the_destination_before_any_call() -> None:
    """No credentials here: a bad URI must be reported as such, not as a credentials problem."""
    result = CliRunner().invoke(
        cli, ["aws", "enable-capture", "--endpoint", "churn-prod", "--destination", "s3:/bad", "--region", "us-east-1"]
    )
    assert result.exit_code == 2  # bad usage, found before any call
    assert "--destination 's3:/bad' is not an S3 URI: expected s3://bucket/prefix" in result.stderr
    assert "credentials" not in result.stderr.lower()


def test_iam_policy_grants_on_star_only_what_iam_cannot_scope() -> None:
    """Every grant on Resource "*" is one the IAM service authorization reference lists with no
    resource type (or reads only); the rest name driftplane's resources."""
    for example, image_repository in (
        (
            "examples/aws/monitors.yaml",
            "arn:aws:ecr:eu-west-1:468650794304:repository/sagemaker-model-monitor-analyzer",
        ),
        ("examples/aws/processing/monitors.yaml", "arn:aws:ecr:eu-west-1:123456789012:repository/driftplane"),
    ):
        result = CliRunner().invoke(cli, ["aws", "iam-policy", str(REPO / example)])
        assert result.exit_code == 0, result.stderr
        policies = json.loads(result.stdout)
        runner = {a for s in policies["driftplane"]["Statement"] if s["Resource"] == ["*"] for a in s["Action"]}
        # GetCallerIdentity needs no permission at all; the rest have no resource type in IAM.
        assert "sts:GetCallerIdentity" not in {a for s in policies["driftplane"]["Statement"] for a in s["Action"]}
        assert runner <= {
            "sns:ListTopics",
            "sns:Unsubscribe",
            "cloudwatch:DescribeAlarms",
            "cloudwatch:ListMetrics",
            "sagemaker:ListDataQualityJobDefinitions",
            "sagemaker:ListModelQualityJobDefinitions",
            "sagemaker:ListMonitoringSchedules",
            "sagemaker:ListMonitoringExecutions",
            "scheduler:ListScheduleGroups",
            "scheduler:ListSchedules",
            "sagemaker:ListProcessingJobs",
        }, runner
        job = policies["job_role"]["Statement"]
        publish = next(s for s in job if s["Action"] == ["cloudwatch:PutMetricData"])
        namespaces = publish["Condition"]["StringEquals"]["cloudwatch:namespace"]
        assert namespaces and all(n.startswith(("aws/sagemaker/", "driftplane")) for n in namespaces)
        pull = next(s for s in job if "ecr:BatchGetImage" in s["Action"])
        assert pull["Resource"] == [image_repository]
        token = next(s for s in job if "ecr:GetAuthorizationToken" in s["Action"])
        assert token["Action"] == ["ecr:GetAuthorizationToken"] and token["Resource"] == ["*"]


def test_enable_capture_without_a_region_points_to_its_own_option() -> None:
    """enable-capture reads no spec: its hint must name --region, not a spec setting."""
    result = CliRunner().invoke(cli, ["aws", "enable-capture", "--endpoint", "churn-prod", "--destination", "s3://ml-capture/c"])
    assert result.exit_code == 3, result.stderr
    assert result.stderr.startswith("error: no AWS region") and "--region" in result.stderr
    assert "providers.aws.region" not in result.stderr


def test_aws_command_argument_errors_read_like_every_driftplane_error() -> None:
    """Bad arguments are bad usage (exit 2), reported with driftplane's 'error:' prefix, not click's 'Error:'."""
    for args, says in (
        (
            [
                "aws",
                "enable-capture",
                "--endpoint",
                "e",
                "--destination",
                "s3://ml-capture/c",
                "--sampling",
                "101",
                "--region",
                "us-east-1",
            ],
            "--sampling 101 is not a percentage",
        ),
        (
            ["aws", "enable-capture", "--endpoint", "e", "--destination", "s3:/bad", "--region", "us-east-1"],
            "--destination 's3:/bad' is not an S3 URI",
        ),
        (
            ["aws", "iam-policy", str(REPO / "examples/aws/monitors.yaml"), "--capture-s3-uri", "nope"],
            "--capture-s3-uri 'nope' is not ENDPOINT=s3://bucket/prefix",
        ),
    ):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, (args, result.stderr)
        assert result.stderr.startswith(f"error: {says}"), result.stderr
