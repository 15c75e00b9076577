"""The gcp provider is found through the driftplane entry point and passes the conformance suite."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from driftplane.provider import Provider
from driftplane.spec import Spec
from driftplane.testing import ProviderConformance, sample_spec
from driftplane_gcp.clients import GcpClients
from driftplane_gcp.emulator import GoogleCloudEmulator
from driftplane_gcp.provider import GcpProvider

from .conftest import SETTINGS


def test_entry_point_resolves_to_the_plugin_module() -> None:
    (entry_point,) = entry_points(group="driftplane", name="gcp")
    assert entry_point.dist is not None and entry_point.dist.name == "driftplane-gcp"
    plugin = entry_point.load()
    registered: list[type[Provider]] = []
    plugin.register_providers(register=registered.append)
    assert registered == [GcpProvider]


def test_loading_the_plugin_does_not_import_google_clients() -> None:
    import subprocess
    import sys

    code = (
        "import sys, driftplane_gcp.plugin, driftplane_gcp.provider;"
        "heavy = [m for m in sys.modules if m.startswith(('google.cloud', 'grpc'))];"
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_provider_never_imports_the_emulator_or_grpc_server_code(fake: GoogleCloudEmulator) -> None:
    """apply, run and status talk to an emulator through the variable alone, as to Google."""
    import os
    import subprocess
    import sys

    from .conftest import EXAMPLE

    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from driftplane.cli import cli\n"
        f"spec = {str(EXAMPLE)!r}\n"
        "for args in (['apply', spec], ['run', spec, '--at', '2026-01-12'], ['status', spec]):\n"
        "    done = CliRunner().invoke(cli, args)\n"
        "    assert done.exit_code in (0, 1), (args, done.output)\n"
        "loaded = [m for m in sys.modules if m == 'driftplane_gcp.emulator' or m.startswith('grpc._server')]\n"
        "print(loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    env = {**os.environ, "DRIFTPLANE_GCP_EMULATOR_HOST": fake.address}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert fake.policies and fake.series, "the commands reached the emulator"


class TestConformance(ProviderConformance):
    provider_name = "gcp"
    implements = frozenset({"plan", "apply", "destroy", "run", "status"})

    @pytest.fixture
    def provider(self, clients: GcpClients) -> Provider:
        return GcpProvider(SETTINGS, clients=clients)

    @pytest.fixture
    def spec(self) -> Spec:
        return sample_spec("gcp", SETTINGS)
