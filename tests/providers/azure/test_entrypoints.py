"""The azure provider is found through the driftplane entry point and passes the shared conformance suite."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points

import pytest
from tests.providers.azure.fake_arm import RG, SUB, WS, FakeARM, FakeCredential, transport_for

from driftplane.provider import Provider
from driftplane.spec import Spec
from driftplane.testing import ProviderConformance
from driftplane_azure.clients import client_options
from driftplane_azure.provider import AzureProvider


def test_entry_point_resolves_to_the_plugin_module() -> None:
    (entry_point,) = entry_points(group="driftplane", name="azure")
    assert entry_point.dist is not None and entry_point.dist.name == "driftplane-azure"
    plugin = entry_point.load()
    registered: list[type[Provider]] = []
    plugin.register_providers(register=registered.append)
    assert registered == [AzureProvider]


def test_loading_the_plugin_does_not_import_the_azure_sdk() -> None:
    code = "import sys, driftplane_azure.plugin; print(sorted(m for m in sys.modules if m.startswith('azure')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


class TestConformance(ProviderConformance):
    provider_name = "azure"
    implements = frozenset({"plan", "apply", "destroy", "status"})

    @pytest.fixture
    def provider(self, spec: Spec) -> Iterator[Provider]:
        fake = FakeARM()
        for name in ("churn-train", "churn-scoring", "fraud-train", "fraud-scoring"):
            fake.add_data_asset(name, "1")
        with client_options(credential=FakeCredential(), transport=transport_for(fake)):
            yield AzureProvider.from_spec(spec)

    @pytest.fixture
    def spec(self) -> Spec:
        # The checks as Azure runs them (see checks.py): fixed drift thresholds, types and categories.
        checks = {
            "drift": {"noise_correction": False},
            "quality": {
                "completeness": False,
                "columns": False,
                "comparison_threshold": 1,
                "categorical_comparison_threshold": 1,
            },
        }
        return Spec.model_validate(
            {
                "provider": "azure",
                "providers": {
                    "azure": {"subscription_id": SUB, "resource_group": RG, "workspace": WS, "data": "as-is"}
                },
                "monitors": {
                    "churn": {
                        "baseline": {"data": "azureml:churn-train:1"},
                        "target": {"data": "azureml:churn-scoring:1", "window": "1d"},
                        "schedule": "daily",
                        "checks": checks,
                        "alerts": [
                            {"when": "drift", "notify": ["email:ml@example.com"]},
                            {"when": "failure", "notify": ["email:ml@example.com"]},
                        ],
                    },
                    "fraud": {
                        "baseline": {"data": "azureml:fraud-train:1"},
                        "target": {"data": "azureml:fraud-scoring:1", "window": "1h"},
                        "schedule": "hourly",
                        "checks": checks,
                    },
                },
            }
        )
