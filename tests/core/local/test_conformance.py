"""The local provider runs the same conformance suite as every cloud provider."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftplane.local.provider import LocalProvider
from driftplane.provider import Provider
from driftplane.spec import Spec
from driftplane.testing import ProviderConformance, sample_spec


class TestLocalConformance(ProviderConformance):
    provider_name = "local"
    implements = frozenset({"plan", "apply", "destroy", "run", "status"})

    @pytest.fixture
    def spec(self, tmp_path: Path) -> Spec:
        # the sample's data does not exist: runs come back as failed results, as they should
        return sample_spec("local", {"state_dir": str(tmp_path / "state"), "reports_dir": str(tmp_path / "reports")})

    @pytest.fixture
    def provider(self, spec: Spec) -> Provider:
        return LocalProvider.from_spec(spec)
