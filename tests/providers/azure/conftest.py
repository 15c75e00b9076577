"""Fixtures for the azure provider: a fake ARM behind the real SDK clients, and specs on disk."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.providers.azure.fake_arm import RG, SUB, WS, FakeARM, FakeCredential, transport_for

from driftplane.spec import Spec, load_spec
from driftplane_azure.clients import client_options

SETTINGS = f"""\
provider: azure
providers:
  azure:
    subscription_id: {SUB}
    resource_group: {RG}
    workspace: {WS}
    data: as-is
"""

CHURN = SETTINGS + """\
monitors:
  churn:
    description: Daily drift and data-quality checks of the churn model's inputs.
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1", window: 1d}
    features:
      include: [account_length, day_mins, custserv_calls, state, area_code]
      categorical: [area_code]
    schedule: daily
    alerts:
      - {when: drift, notify: ["email:ml@example.com"]}
      - {when: violation, notify: ["email:ml@example.com"]}
      - {when: failure, notify: ["email:ml@example.com"]}
"""


@pytest.fixture
def fake() -> FakeARM:
    arm = FakeARM()
    arm.add_data_asset("churn-train", "1")
    arm.add_data_asset("churn-scoring", "1")
    return arm


@pytest.fixture
def connected(fake: FakeARM) -> Iterator[FakeARM]:
    """Every Azure client built inside the test talks to ``fake`` with a fake token."""
    with client_options(credential=FakeCredential(), transport=transport_for(fake)):
        yield fake


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[..., Path]:
    def write(text: str, name: str = "monitors.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def churn_spec(write_spec: Callable[..., Path]) -> Spec:
    return load_spec(str(write_spec(CHURN)))


@pytest.fixture
def azure_cli() -> Iterator[None]:
    """The installed azure plugin, as `driftplane` loads it outside the test suite."""
    import driftplane_azure.plugin as plugin
    from driftplane.cli import cli
    from driftplane.plugins import load_plugins, pm

    load_plugins()
    added = pm.get_plugin("azure") is None
    if added:
        pm.register(plugin, name="azure")
    had_group = "azure" in cli.commands
    if not had_group:
        plugin.register_commands(cli=cli)
    yield
    if added:
        pm.unregister(name="azure")
    if not had_group:
        cli.commands.pop("azure", None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """azure-ai-ml's marshmallow schemas warn on import; that noise is theirs, not ours."""
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.filterwarnings(r"ignore::Warning:azure\..*"))
            item.add_marker(pytest.mark.filterwarnings(r"ignore::Warning:marshmallow\..*"))
