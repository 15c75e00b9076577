"""A moto server on 127.0.0.1 for the whole session, and aws providers wired to it.

Clients talk HTTP to moto with fake credentials; the SageMaker calls moto lacks are answered
by ``FakeMonitoring``; every request is recorded and checked strictly against botocore's
service model, and a test fails if any request would have been refused by AWS.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from driftplane.plugins import load_plugins, pm
from driftplane_aws.clients import AwsClients
from driftplane_aws.provider import AwsProvider
from driftplane_aws.settings import AwsSettings

from .aws_fakes import FakeMonitoring, RequestLog

REPO = Path(__file__).parents[3]
REFERENCE = Path("/work/shared/reference/sagemaker")
REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SageMakerMonitoring"
BUCKET = "ml-monitoring"
# The checks a model-monitor spec needs: SageMaker's own drift metric, compared with the threshold as it is.
SAGEMAKER_DRIFT = {
    "drift": {
        "numerical": {"metric": "linf_robust", "threshold": 0.1},
        "categorical": {"metric": "linf_robust", "threshold": 0.1},
        "noise_correction": False,
    }
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test ever finds real credentials or config, and none leaks into the next."""
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "DRIFTPLANE_AWS_JOB",
        "DRIFTPLANE_OUTPUT_PATH",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)


@pytest.fixture
def moto(moto_url: str) -> str:
    """The moto server, emptied before the test."""
    requests.post(f"{moto_url}/moto-api/reset", timeout=10)
    return moto_url


@pytest.fixture
def session() -> Any:
    return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)


@pytest.fixture
def fake() -> FakeMonitoring:
    return FakeMonitoring(region=REGION, account=ACCOUNT)


@pytest.fixture
def request_log() -> Iterator[RequestLog]:
    log = RequestLog()
    yield log
    assert not log.problems, "requests AWS would refuse:\n" + "\n".join(log.problems)


@pytest.fixture
def make_clients(moto: str, session: Any, fake: FakeMonitoring, request_log: RequestLog) -> Callable[..., AwsClients]:
    def build(settings: AwsSettings) -> AwsClients:
        def on_client(client: Any) -> None:
            request_log.attach(client)
            fake.attach(client)

        return AwsClients(settings, session=session, endpoint_url=moto, on_client=on_client)

    return build


@pytest.fixture
def s3(moto: str, session: Any) -> Any:
    client = session.client("s3", endpoint_url=moto, region_name=REGION)
    client.create_bucket(Bucket=BUCKET)
    return client


def settings_dict(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "region": REGION,
        "role_arn": ROLE,
        "output_s3_uri": f"s3://{BUCKET}/driftplane",
        "poll_seconds": 0,
        "wait_seconds": 5,
        "max_attempts": 2,
    }
    base.update(overrides)
    return base


@pytest.fixture
def make_provider(make_clients: Callable[..., AwsClients], s3: Any) -> Callable[..., AwsProvider]:
    def build(spec: Any) -> AwsProvider:
        settings = AwsProvider.validate_settings(spec.providers.get("aws", {}), spec=spec)
        assert isinstance(settings, AwsSettings)
        return AwsProvider(settings, clients=make_clients(settings))

    return build


@pytest.fixture(autouse=True)
def _aws_plugin_registered() -> Iterator[None]:
    """The suite loads no installed entry points: register the aws plugin and its commands for each
    test, and take them away after, so tests elsewhere see driftplane without it."""
    import driftplane_aws.plugin as plugin
    from driftplane.cli import cli
    from driftplane_aws.commands import aws

    load_plugins()
    added_plugin = pm.get_plugin("aws") is None
    if added_plugin:
        pm.register(plugin, name="aws")
    added_command = "aws" not in cli.commands
    if added_command:
        cli.add_command(aws)
    try:
        yield
    finally:
        if added_command:
            cli.commands.pop("aws", None)
        if added_plugin:
            pm.unregister(name="aws")
