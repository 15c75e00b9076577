"""The local provider runs the same conformance suite as every cloud provider."""

from __future__ import annotations

import pytest

from driftplane.local.provider import LocalProvider
from driftplane.provider import Provider
from driftplane.spec import Spec
from driftplane.testing import ProviderConformance, sample_spec


class TestLocalConformance(ProviderConformance):
    provider_name = "local"
    implements = frozenset()

    @pytest.fixture
    def provider(self) -> Provider:
        return LocalProvider()

    @pytest.fixture
    def spec(self) -> Spec:
        return sample_spec("local")
