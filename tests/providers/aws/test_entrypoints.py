"""The aws provider is found through the driftplane entry point, and passes the conformance suite."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from driftplane.provider import Provider
from driftplane.spec import Spec
from driftplane.testing import ProviderConformance
from driftplane_aws.provider import AwsProvider

from .conftest import BUCKET, REPO, settings_dict
from .test_lifecycle import capturing_endpoint


def test_entry_point_resolves_to_the_plugin_module() -> None:
    (entry_point,) = entry_points(group="driftplane", name="aws")
    assert entry_point.dist is not None and entry_point.dist.name == "driftplane-aws"
    plugin = entry_point.load()
    registered: list[type[Provider]] = []
    plugin.register_providers(register=registered.append)
    assert registered == [AwsProvider]


def test_loading_the_plugin_does_not_import_boto3() -> None:
    import subprocess
    import sys

    code = "import sys, driftplane_aws.plugin, driftplane.cli; print('boto3' in sys.modules, 'botocore' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def conformance_spec() -> Spec:
    return Spec.model_validate(
        {
            "provider": "aws",
            "providers": {"aws": settings_dict()},
            "monitors": {
                "churn": {
                    "baseline": {"data": str(REPO / "examples/quickstart/data/train.parquet")},
                    "target": {"endpoint": "churn-prod", "window": "1d"},
                    "schedule": "daily",
                    "alerts": [{"when": "drift", "notify": ["email:ml@example.com"]}],
                },
                "fraud": {
                    "baseline": {"data": str(REPO / "examples/quickstart/data/train.parquet")},
                    "target": {
                        "data": f"s3://{BUCKET}/fraud/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/*.parquet",
                        "window": "1h",
                    },
                    "schedule": "hourly",
                },
            },
        }
    )


class TestConformance(ProviderConformance):
    provider_name = "aws"
    implements = frozenset({"plan", "apply", "destroy", "run", "status"})

    @pytest.fixture
    def provider(self, make_provider, moto, monkeypatch) -> Provider:  # type: ignore[no-untyped-def]
        # run reads the target through s3fs, which finds moto through the standard variables.
        monkeypatch.setenv("AWS_ENDPOINT_URL", moto)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        provider = make_provider(conformance_spec())
        capturing_endpoint(provider)
        return provider

    @pytest.fixture
    def spec(self) -> Spec:
        return conformance_spec()
