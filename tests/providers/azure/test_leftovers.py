"""A monitor removed from the spec (or disabled): plan lists what is left of it, --prune removes it.

The real MLClient and MonitorManagementClient against the fake ARM, through the real CLI.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.providers.azure.conftest import AZURE_CHECKS, SETTINGS, make_old_alert_resources
from tests.providers.azure.fake_arm import RG, SUB, WS_ID, FakeARM

from driftplane.cli import cli
from driftplane.spec import load_spec
from driftplane_azure.provider import AzureProvider

INSIGHTS = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Insights"


def monitor(name: str, *, enabled: bool = True) -> str:
    return f"""\
  {name}:
    enabled: {str(enabled).lower()}
    baseline: {{data: "azureml:{name}-train:1"}}
    target: {{data: "azureml:{name}-scoring:1", window: 1d}}
    schedule: daily
{AZURE_CHECKS}    alerts:
      - {{when: drift, notify: ["email:ml@example.com"]}}
      - {{when: violation, notify: ["email:ml@example.com"]}}
      - {{when: failure, notify: ["email:ml@example.com"]}}
"""


def spec_text(*monitors: str) -> str:
    return SETTINGS + "monitors:\n" + "".join(monitors)


@pytest.fixture
def deployed(connected: FakeARM, write_spec: Callable[..., Path], azure_cli: None) -> FakeARM:
    """churn and fraud applied, each with a schedule; fraud also with the alert rule and action
    group an earlier version made for its webhook; plus look-alikes."""
    for name in ("churn", "fraud"):
        connected.add_data_asset(f"{name}-train", "1")
        connected.add_data_asset(f"{name}-scoring", "1")
    both = load_spec(str(write_spec(spec_text(monitor("churn"), monitor("fraud")), "both.yaml")))
    AzureProvider.from_spec(both).apply(both)
    make_old_alert_resources("fraud", "fraud")
    # Things driftplane did not create that look like fraud's: a schedule with the monitor tag
    # but not managed-by, an action group with no tags, and a rule of another workspace in the
    # same resource group tagged for a monitor called fraud (another spec's).
    copy = json.loads(json.dumps(connected.schedules()["fraud"]))
    copy.update(name="fraud-copy", id=f"{WS_ID}/schedules/fraud-copy")
    copy["properties"]["tags"] = {"driftplane-monitor": "fraud", "owner": "team"}
    connected.resources[f"{WS_ID}/schedules/fraud-copy".lower()] = copy
    group = json.loads(json.dumps(resource(connected, "actiongroups/fraud-alerts")))
    group.update(name="fraud-alerts-team", id=f"{INSIGHTS}/actionGroups/fraud-alerts-team", tags={})
    connected.resources[f"{INSIGHTS}/actionGroups/fraud-alerts-team".lower()] = group
    other = json.loads(json.dumps(resource(connected, "metricalerts/fraud-breach")))
    other.update(name="other-ws-fraud-breach", id=f"{INSIGHTS}/metricAlerts/other-ws-fraud-breach")
    other["properties"]["scopes"] = [WS_ID.replace("/ml-ws", "/other-ws")]
    connected.resources[f"{INSIGHTS}/metricAlerts/other-ws-fraud-breach".lower()] = other
    return connected


def resource(fake: FakeARM, suffix: str) -> dict[str, Any]:
    return next(r for k, r in fake.resources.items() if k.endswith(suffix))


def names(fake: FakeARM) -> set[str]:
    """What exists: schedules, action groups and alert rules, by name."""
    return {r["name"] for k, r in fake.resources.items() if "/schedules/" in k or "/microsoft.insights/" in k}


LOOK_ALIKES = {"fraud-copy", "fraud-alerts-team", "other-ws-fraud-breach"}
CHURN = {"churn"}
FRAUD = [
    ("azureml:Schedule", "fraud"),
    ("monitor:MetricAlert", "fraud-breach"),
    ("monitor:ActionGroup", "fraud-alerts"),
]


def invoke(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def test_a_monitor_removed_from_the_spec_is_listed_then_pruned(
    deployed: FakeARM, write_spec: Callable[..., Path]
) -> None:
    only_churn = str(write_spec(spec_text(monitor("churn")), "churn-only.yaml"))
    plan = invoke("plan", only_churn)
    assert [c["action"] for c in plan["changes"]] == ["noop"]
    assert [(item["kind"], item["name"]) for item in plan["leftovers"]] == FRAUD
    assert {(item["monitor"], item["reason"]) for item in plan["leftovers"]} == {("fraud", "no longer in the spec")}

    applied = invoke("apply", only_churn)
    assert [(item["kind"], item["name"]) for item in applied["leftovers"]] == FRAUD
    assert names(deployed) == CHURN | LOOK_ALIKES | {"fraud", "fraud-alerts", "fraud-breach"}, (
        "apply alone removes nothing"
    )

    deployed.sent.clear()
    pruned = invoke("apply", only_churn, "--prune")
    assert [(c["action"], c["kind"], c["name"]) for c in pruned["changes"] if c["action"] != "noop"] == [
        ("delete", kind, name) for kind, name in FRAUD
    ]
    assert names(deployed) == CHURN | LOOK_ALIKES
    # The rule goes before the action group it notifies; the schedule is disabled before it is deleted.
    deletes = [line for line in deployed.lines(writes_only=True) if line.startswith("DELETE")]
    assert [line.rsplit("/", 1)[1] for line in deletes] == ["fraud", "fraud-breach", "fraud-alerts"]
    assert invoke("plan", only_churn)["leftovers"] == []


def test_a_disabled_monitor_is_disabled_listed_and_pruned(deployed: FakeARM, write_spec: Callable[..., Path]) -> None:
    off = str(write_spec(spec_text(monitor("churn"), monitor("fraud", enabled=False)), "off.yaml"))
    plan = invoke("plan", off)
    assert [(c["action"], c["name"]) for c in plan["changes"] if c["action"] != "noop"] == [("update", "fraud")]
    assert [(item["kind"], item["name"]) for item in plan["leftovers"]] == FRAUD
    assert {item["reason"] for item in plan["leftovers"]} == {"disabled in the spec (enabled: false)"}

    invoke("apply", off, "--prune")
    assert names(deployed) == CHURN | LOOK_ALIKES
    again = invoke("plan", off)
    assert again["leftovers"] == [] and all(c["action"] == "noop" for c in again["changes"])


def test_destroy_a_monitor_no_longer_in_the_spec_by_name(deployed: FakeARM, write_spec: Callable[..., Path]) -> None:
    only_churn = str(write_spec(spec_text(monitor("churn")), "churn-only.yaml"))
    result = CliRunner().invoke(cli, ["destroy", only_churn, "--monitor", "fraud", "--yes", "--json"])
    assert result.exit_code == 0, result.stderr
    done = json.loads(result.stdout)
    assert [(c["kind"], c["name"], c["monitor"]) for c in done["changes"]] == [(k, n, "fraud") for k, n in FRAUD]
    assert names(deployed) == CHURN | LOOK_ALIKES
    # Idempotent: a second destroy finds nothing and sends no write.
    deployed.sent.clear()
    assert invoke("destroy", only_churn, "--monitor", "fraud", "--yes")["changes"] == []
    assert deployed.lines(writes_only=True) == []


def test_an_offline_plan_has_no_leftovers(deployed: FakeARM, write_spec: Callable[..., Path]) -> None:
    spec = load_spec(str(write_spec(spec_text(monitor("churn")), "churn-only.yaml")))
    deployed.sent.clear()
    assert AzureProvider.from_spec(spec).plan(spec, offline=True).leftovers == []
    assert deployed.sent == []
