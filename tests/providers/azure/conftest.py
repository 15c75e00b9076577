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

# The checks as Azure runs them: fixed drift thresholds, and of driftplane's data-quality
# checks only those Azure's data-quality signal runs the same way (types, categories).
AZURE_CHECKS = """\
    checks:
      drift: {noise_correction: false}
      quality: {completeness: false, columns: false, comparison_threshold: 1, categorical_comparison_threshold: 1}
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
""" + AZURE_CHECKS + """\
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


def make_old_alert_resources(schedule: str, monitor: str, url: str = "https://hooks.example.com/x?t=1") -> None:
    """What earlier driftplane versions made for a monitor's webhook channel, made the same way.

    An action group ``<schedule>-alerts`` with the webhook and a metric alert ``<schedule>-breach``
    on the workspace's Failed Runs, through azure-mgmt-monitor's own models and client. Call it
    inside ``connected``.
    """
    from datetime import timedelta

    from azure.mgmt.monitor.models import (
        ActionGroupResource,
        MetricAlertAction,
        MetricAlertResource,
        MetricAlertSingleResourceMultipleMetricCriteria,
        MetricCriteria,
        MetricDimension,
        WebhookReceiver,
    )
    from tests.providers.azure.fake_arm import RG, SUB, WS_ID

    from driftplane_azure.clients import WorkspaceScope, monitor_client
    from driftplane_azure.settings import AzureSettings

    tags = {"driftplane-monitor": monitor, "managed-by": "driftplane"}
    client = monitor_client(AzureSettings(), WorkspaceScope(SUB, RG, WS))
    group_id = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Insights/actionGroups/{schedule}-alerts"
    client.action_groups.create_or_update(
        RG,
        f"{schedule}-alerts",
        ActionGroupResource(
            location="Global",
            tags=tags,
            group_short_name=f"dp{monitor}"[:12],
            enabled=True,
            webhook_receivers=[WebhookReceiver(name="hook", service_uri=url, use_common_alert_schema=True)],
        ),
    )
    criteria = MetricCriteria(
        name="failed-monitoring-runs",
        metric_namespace="Microsoft.MachineLearningServices/workspaces",
        metric_name="Failed Runs",
        dimensions=[MetricDimension(name="ExperimentName", operator="Include", values=[schedule])],
        operator="GreaterThan",
        threshold=0,
        time_aggregation="Total",
        skip_metric_validation=True,
    )
    client.metric_alerts.create_or_update(
        RG,
        f"{schedule}-breach",
        MetricAlertResource(
            location="global",
            tags=tags,
            severity=2,
            enabled=True,
            scopes=[WS_ID],
            evaluation_frequency=timedelta(minutes=15),
            window_size=timedelta(hours=1),
            criteria=MetricAlertSingleResourceMultipleMetricCriteria(all_of=[criteria]),
            auto_mitigate=True,
            actions=[MetricAlertAction(action_group_id=group_id)],
        ),
    )
