"""`driftplane gcp purge`: destroy plus the metric descriptors; and `validate` of the example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from driftplane.cli import DriftplaneGroup
from driftplane_gcp import plugin
from driftplane_gcp.clients import EMULATOR_ENV
from driftplane_gcp.emulator import GoogleCloudEmulator

from .conftest import EXAMPLE


@pytest.fixture
def gcp_group(gcp_plugin: None, fake: GoogleCloudEmulator, monkeypatch: pytest.MonkeyPatch) -> DriftplaneGroup:
    """A CLI group with only what the plugin's register_commands hook adds."""
    monkeypatch.setenv(EMULATOR_ENV, fake.address)
    group = DriftplaneGroup()
    plugin.register_commands(cli=group)
    return group


def test_purge_deletes_the_descriptors_too(
    gcp_group: DriftplaneGroup, cli: Any, example_dir: Path, fake: GoogleCloudEmulator
) -> None:
    spec = str(example_dir / "monitors.yaml")
    assert cli("apply", spec).exit_code == 0
    assert fake.descriptors
    result = CliRunner().invoke(gcp_group, ["gcp", "purge", spec, "--yes", "--json"])
    assert result.exit_code == 0, result.output
    kinds = {c["kind"] for c in json.loads(result.stdout)["changes"]}
    assert "monitoring:MetricDescriptor" in kinds and "monitoring:AlertPolicy" in kinds
    assert not fake.descriptors and not fake.policies and not fake.channels and not fake.run_jobs


def test_purge_asks_for_yes_when_not_at_a_terminal(
    gcp_group: DriftplaneGroup, fake: GoogleCloudEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    result = CliRunner().invoke(gcp_group, ["gcp", "purge", str(EXAMPLE)])
    assert result.exit_code == 2
    assert "purge needs --yes" in caplog.text
    assert not fake.calls, "nothing was read or deleted"


def test_the_example_validates(cli: Any) -> None:
    result = cli("validate", str(EXAMPLE), "--provider", "gcp")
    assert result.exit_code == 0, result.output
    assert "is valid" in result.stdout


def test_destroy_purge_deletes_the_descriptors_too(cli: Any, example_dir: Path, fake: GoogleCloudEmulator) -> None:
    spec = str(example_dir / "monitors.yaml")
    assert cli("apply", spec).exit_code == 0
    result = cli("destroy", spec, "--provider", "gcp", "--yes")
    assert result.exit_code == 0, result.output
    assert fake.descriptors, "plain destroy keeps the descriptors and their data"
    result = cli("destroy", spec, "--provider", "gcp", "--purge", "--yes", "--json")
    assert result.exit_code == 0, result.output
    kinds = {c["kind"] for c in json.loads(result.stdout)["changes"]}
    assert kinds == {"monitoring:MetricDescriptor"}
    assert not fake.descriptors and not fake.policies and not fake.channels and not fake.run_jobs


def test_destroy_purge_of_some_monitors_is_refused(cli: Any, example_dir: Path, fake: GoogleCloudEmulator) -> None:
    spec = str(example_dir / "monitors.yaml")
    assert cli("apply", spec).exit_code == 0
    result = cli("destroy", spec, "--purge", "--monitor", "churn", "--yes")
    assert result.exit_code == 2
    assert "cannot be limited to some monitors; leave out --monitor" in result.output
    assert fake.descriptors and fake.policies, "nothing was deleted"


def test_destroy_purge_with_a_provider_that_keeps_nothing_is_a_usage_error(
    cli: Any, example_dir: Path, fake: GoogleCloudEmulator
) -> None:
    result = cli("destroy", str(example_dir / "monitors.yaml"), "--provider", "local", "--purge", "--yes")
    assert result.exit_code == 2, result.output
    assert "the local provider keeps nothing back on destroy, so --purge has nothing more to delete" in result.output
    assert not fake.calls
