"""Fixtures: the in-process emulator of Google's APIs (``fake``), real clients talking to it, specs and the CLI."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from click.testing import CliRunner, Result

from driftplane.spec import Spec, load_spec
from driftplane_gcp.clients import EMULATOR_ENV, GcpClients, clients_for_channel
from driftplane_gcp.emulator import GoogleCloudEmulator
from driftplane_gcp.provider import GcpProvider

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "examples" / "gcp" / "monitors.yaml"
PROJECT = "my-project"
SETTINGS: dict[str, Any] = {
    "project": PROJECT,
    "image": "us-docker.pkg.dev/my-project/driftplane/driftplane:1",
    "service_account": "runner@my-project.iam.gserviceaccount.com",
    "quota_backoff": 0.01,
}


@pytest.fixture
def fake() -> Iterator[GoogleCloudEmulator]:
    """The emulator, serving on 127.0.0.1; points may follow each other without the 5 s spacing."""
    server = GoogleCloudEmulator(min_point_interval=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def clients(fake: GoogleCloudEmulator) -> Iterator[GcpClients]:
    channel = grpc.insecure_channel(fake.address)
    yield clients_for_channel(channel)
    channel.close()


@pytest.fixture
def provider(clients: GcpClients) -> GcpProvider:
    return GcpProvider(SETTINGS, clients=clients)


def provider_for(spec: Spec, clients: GcpClients, **overrides: Any) -> GcpProvider:
    """The provider configured by the spec's providers.gcp section, talking to the fake."""
    raw = {**(spec.providers.get("gcp") or {}), **overrides}
    return GcpProvider(GcpProvider.validate_settings(raw), clients=clients)


@pytest.fixture
def example_dir(tmp_path: Path) -> Path:
    """A copy of examples/gcp next to the quickstart's data, so tests may edit the spec."""
    root = tmp_path / "examples"
    shutil.copytree(REPO / "examples" / "gcp", root / "gcp")
    (root / "quickstart").mkdir()
    (root / "quickstart" / "data").symlink_to(REPO / "examples" / "quickstart" / "data")
    return root / "gcp"


@pytest.fixture
def example(example_dir: Path) -> Spec:
    return load_spec(example_dir / "monitors.yaml")


@pytest.fixture
def gcp_plugin() -> Iterator[None]:
    """The gcp plugin registered with driftplane's plugin manager, as its entry point would."""
    import driftplane_gcp.plugin
    from driftplane.plugins import load_plugins, pm

    load_plugins()
    added = pm.get_plugin("gcp") is None
    if added:
        pm.register(driftplane_gcp.plugin, name="gcp")
    yield
    if added:
        pm.unregister(name="gcp")


@pytest.fixture
def cli(gcp_plugin: None, fake: GoogleCloudEmulator, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run `driftplane ...` in-process, with the gcp provider talking to the fake."""
    from driftplane.cli import cli as group

    monkeypatch.setenv(EMULATOR_ENV, fake.address)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(group, list(args))

    return invoke
