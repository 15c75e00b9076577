"""The AWS failures a user meets, each in words that say what failed and what to do."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from driftplane.errors import ProviderError
from driftplane.spec import load_spec
from driftplane_aws.capture import require_capture
from driftplane_aws.clients import AwsClients
from driftplane_aws.provider import AwsProvider
from driftplane_aws.settings import AwsSettings

from .aws_fakes import FakeError
from .conftest import ACCOUNT, REGION, settings_dict
from .test_lifecycle import capturing_endpoint, write_spec


def test_no_credentials_says_how_to_provide_them(tmp_path) -> None:
    spec = load_spec(write_spec(tmp_path))
    provider = AwsProvider(AwsSettings(**settings_dict()))  # the environment has no credentials at all
    with pytest.raises(ProviderError) as info:
        provider.plan(spec)
    message = str(info.value)
    assert "no usable AWS credentials" in message
    assert "AWS_PROFILE" in message and "aws sso login" in message and "AWS_ACCESS_KEY_ID" in message


def test_access_denied_names_the_action_and_the_resource(tmp_path, make_provider, fake) -> None:
    spec = load_spec(write_spec(tmp_path))
    provider = make_provider(spec)
    capturing_endpoint(provider)
    fake.fail["CreateMonitoringSchedule"] = FakeError(
        "AccessDeniedException",
        f"User: arn:aws:iam::{ACCOUNT}:user/ci is not authorized to perform: sagemaker:CreateMonitoringSchedule",
    )
    with pytest.raises(ProviderError) as info:
        provider.apply(spec)
    message = str(info.value)
    assert message.startswith("AWS denied sagemaker:CreateMonitoringSchedule on driftplane-churn: User: arn:aws:iam::")
    assert "driftplane aws iam-policy" in message


def test_endpoint_not_found(make_clients) -> None:
    clients = make_clients(AwsSettings(**settings_dict()))
    with pytest.raises(ProviderError) as info:
        require_capture(clients, "no-such-endpoint")
    assert str(info.value).startswith(f"endpoint no-such-endpoint does not exist in {REGION}; check its name")


def _endpoint(clients: AwsClients, name: str, capture: dict | None) -> None:
    sagemaker = clients.client("sagemaker")
    sagemaker.create_model(
        ModelName="m", ExecutionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/r", PrimaryContainer={"Image": "img"}
    )
    config = {"EndpointConfigName": f"{name}-config", "ProductionVariants": [
        {"VariantName": "AllTraffic", "ModelName": "m", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}]}
    if capture:
        config["DataCaptureConfig"] = capture
    sagemaker.create_endpoint_config(**config)
    sagemaker.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")


def test_capture_not_enabled_says_how_to_enable_it(make_clients) -> None:
    clients = make_clients(AwsSettings(**settings_dict()))
    _endpoint(clients, "churn-prod", None)
    with pytest.raises(ProviderError) as info:
        require_capture(clients, "churn-prod")
    assert "data capture is not enabled on endpoint churn-prod" in str(info.value)
    assert "driftplane aws enable-capture --endpoint churn-prod --destination s3://" in str(info.value)


def test_plan_checks_the_endpoint_captures(tmp_path, make_provider) -> None:
    spec = load_spec(write_spec(tmp_path))
    provider = make_provider(spec)
    _endpoint(provider.clients, "churn-prod", None)
    with pytest.raises(ProviderError, match="data capture is not enabled on endpoint churn-prod"):
        provider.plan(spec)


class _Throttling(BaseHTTPRequestHandler):
    hits = 0

    def do_POST(self) -> None:
        type(self).hits += 1
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-ErrorType", "ThrottlingException")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_throttling_is_retried_in_standard_mode_then_reported(session) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Throttling)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings = AwsSettings(**settings_dict(max_attempts=3))
        clients = AwsClients(settings, session=session, endpoint_url=f"http://127.0.0.1:{server.server_address[1]}")
        with pytest.raises(ProviderError) as info:
            clients.call(
                "sagemaker",
                "DescribeMonitoringSchedule",
                {"MonitoringScheduleName": "driftplane-churn"},
                resource="driftplane-churn",
            )
    finally:
        server.shutdown()
    assert _Throttling.hits == 3  # standard mode: the first attempt and two retries
    message = str(info.value)
    assert (
        "AWS kept throttling sagemaker:DescribeMonitoringSchedule "
        "on driftplane-churn (ThrottlingException) after 3 attempts" in message
    )
    assert "run the command again" in message


def test_failed_schedule_reports_sagemakers_reason(tmp_path, make_provider, fake) -> None:
    spec = load_spec(write_spec(tmp_path))
    provider = make_provider(spec)
    capturing_endpoint(provider)
    fake.status_after_create = "Failed"
    fake.failure_reason = "Access denied for the S3 path s3://ml-monitoring/driftplane/churn/baseline/statistics.json"
    with pytest.raises(ProviderError) as info:
        provider.apply(spec)
    assert str(info.value).startswith(
        "SageMaker could not set up the monitoring schedule driftplane-churn: Access denied for the S3 path"
    )


def test_schedule_stuck_in_pending_says_so(tmp_path, make_provider, fake) -> None:
    spec = load_spec(write_spec(tmp_path, extra={"wait_seconds": 0}))
    provider = make_provider(spec)
    capturing_endpoint(provider)
    fake.status_after_create = "Pending"
    with pytest.raises(ProviderError) as info:
        provider.apply(spec)
    assert "the monitoring schedule driftplane-churn is still Pending after 0 s" in str(info.value)
    assert "run apply again later" in str(info.value)


def test_interrupted_apply_is_completed_by_the_next_without_duplicates(
    tmp_path, make_provider, fake, request_log
) -> None:
    spec = load_spec(write_spec(tmp_path))
    provider = make_provider(spec)
    capturing_endpoint(provider)
    fake.fail["CreateMonitoringSchedule"] = FakeError("InternalFailure", "the service broke", 500)
    with pytest.raises(ProviderError, match="InternalFailure"):
        provider.apply(spec)
    assert fake.schedules == {}
    request_log.clear()
    provider.apply(spec)
    created = request_log.mutations()
    assert created.count("CreateMonitoringSchedule") == 1
    assert "CreateDataQualityJobDefinition" not in created  # made by the first apply, reused
    assert "PutObject" not in created  # baseline files already uploaded
    sagemaker = provider.clients.client("sagemaker")
    assert len(sagemaker.list_data_quality_job_definitions()["JobDefinitionSummaries"]) == 1
    assert len(provider.clients.client("sns").list_topics()["Topics"]) == 1
    assert not provider.plan(spec).has_changes


def test_run_reading_s3_without_credentials_says_how_to_provide_them(tmp_path, caplog) -> None:
    """The processing example on a laptop without credentials: s3fs raises botocore's
    NoCredentialsError from deep inside the reader; the user must see what is missing and
    how to provide it, never "a bug in driftplane"."""
    import s3fs
    from click.testing import CliRunner

    from driftplane.cli import cli

    s3fs.S3FileSystem.clear_instance_cache()  # earlier tests' filesystems carry moto's credentials
    spec = write_spec(
        tmp_path,
        backend="processing",
        target={
            "data": "s3://ml-monitoring-no-credentials/churn/daily/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.parquet",
            "window": "1d",
        },
    )
    result = CliRunner().invoke(cli, ["run", str(spec), "--at", "2026-01-12"])
    assert result.exit_code == 3, result.output
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1, errors
    message = errors[0]
    assert "bug" not in message and "unexpected" not in message
    assert "no usable AWS credentials" in message
    assert "s3://ml-monitoring-no-credentials/churn/daily/" in message and "monitor churn" in message
    assert "AWS_PROFILE" in message and "AWS_ACCESS_KEY_ID" in message
