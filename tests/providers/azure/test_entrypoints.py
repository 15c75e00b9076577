"""The azure provider is found through the driftplane entry point, like any third-party plugin."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from driftplane.provider import Provider
from driftplane.testing import ProviderConformance, sample_spec
from driftplane_azure.provider import AzureProvider


def test_entry_point_resolves_to_the_plugin_module() -> None:
    (entry_point,) = entry_points(group="driftplane", name="azure")
    assert entry_point.dist is not None and entry_point.dist.name == "driftplane-azure"
    plugin = entry_point.load()
    registered: list[type[Provider]] = []
    plugin.register_providers(register=registered.append)
    assert registered == [AzureProvider]


class TestConformance(ProviderConformance):
    provider_name = "azure"
    implements = frozenset()

    @pytest.fixture
    def provider(self) -> Provider:
        return AzureProvider()

    @pytest.fixture
    def spec(self):  # type: ignore[no-untyped-def]
        return sample_spec("azure")
