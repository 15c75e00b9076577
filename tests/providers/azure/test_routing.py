"""Alerts routed to different channels: Azure ML has one set per monitor, so driftplane refuses, never merges.

Azure ML emails one address list for every alerting signal and failed job, and webhooks
hang off one alert rule on the monitor's failed runs. A spec that sends drift to one
channel and data-quality breaches to another cannot be built as written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.providers.azure.conftest import SETTINGS
from tests.providers.azure.fake_arm import FakeARM, as_schedule

from driftplane.cli import cli
from driftplane.errors import SpecError
from driftplane.spec import load_spec
from driftplane_azure.provider import AzureProvider

CHANNELS = """\
channels:
  team-webhook: {type: webhook, url: "https://hooks.example.com/driftplane"}
  ml-team: {type: email, to: [ml-team@example.com]}
"""

# The auditor's case: email only on drift, the webhook only on data-quality violations.
APART = SETTINGS + CHANNELS + """\
monitors:
  churn:
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1", window: 1d}
    schedule: daily
    alerts:
      - name: churn inputs drifted
        when: drift
        notify: [ml-team]
      - name: churn data quality
        when: violation
        notify: [team-webhook]
"""

# What Azure can do instead: one monitor per check, each with its own channels.
SPLIT = SETTINGS + CHANNELS + """\
monitors:
  churn-drift:
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1", window: 1d}
    schedule: daily
    checks: {quality: {enabled: false}}
    alerts:
      - {when: drift, notify: [ml-team]}
      - {when: failure, notify: [ml-team]}
  churn-quality:
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1", window: 1d}
    schedule: daily
    checks: {drift: {enabled: false}}
    alerts:
      - {when: violation, notify: [team-webhook]}
      - {when: failure, notify: [team-webhook]}
"""


def test_alerts_routed_to_different_channels_fail_validate_at_the_notify_key(
    write_spec: Callable[..., Path], azure_cli: None
) -> None:
    path = write_spec(APART)
    result = CliRunner().invoke(cli, ["validate", str(path), "--provider", "azure"])
    assert result.exit_code == 2, result.stdout
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "notify: [team-webhook]" in text)
    message = result.stderr
    assert f"{path}:{line}:17: monitors.churn.alerts[1].notify: Azure ML sends all of a monitor's notifications" in message
    assert "team-webhook would also get alerts[0]'s drift notifications" in message
    assert "ml-team would also get this alert's violation notifications" in message
    assert "same notify list, or split it into two monitors" in message


def test_apply_of_alerts_routed_apart_sends_nothing(write_spec: Callable[..., Path], connected: FakeARM) -> None:
    spec = load_spec(str(write_spec(APART)))
    with pytest.raises(SpecError, match=r"monitors\.churn\.alerts\[1\]\.notify"):
        AzureProvider.from_spec(spec).apply(spec)
    assert connected.lines(writes_only=True) == []
    assert connected.schedules() == {}


def test_two_monitors_route_drift_and_quality_to_their_own_channels(
    write_spec: Callable[..., Path], connected: FakeARM
) -> None:
    spec = load_spec(str(write_spec(SPLIT)))
    provider = AzureProvider.from_spec(spec)
    assert provider.check(spec) == []
    provider.apply(spec)
    drift = as_schedule(connected.schedules()["churn-drift"], "churn-drift").create_monitor
    quality = as_schedule(connected.schedules()["churn-quality"], "churn-quality").create_monitor
    # Drift emails ml-team and has no webhook rule; quality reaches only the webhook.
    assert set(drift.monitoring_signals) == {"data-drift-signal"}
    assert drift.alert_notification.emails == ["ml-team@example.com"]
    assert set(quality.monitoring_signals) == {"data-quality-signal"}
    assert quality.alert_notification is None
    groups = {r["name"]: r for p, r in connected.resources.items() if "/actiongroups/" in p}
    assert set(groups) == {"churn-quality-alerts"}
    (receiver,) = groups["churn-quality-alerts"]["properties"]["webhookReceivers"]
    assert receiver["serviceUri"] == "https://hooks.example.com/driftplane"
    rules = {r["name"]: r for p, r in connected.resources.items() if "/metricalerts/" in p}
    assert set(rules) == {"churn-quality-breach"}


def test_email_on_drift_only_leaves_the_quality_signal_silent(write_spec: Callable[..., Path], connected: FakeARM) -> None:
    spec = load_spec(
        str(
            write_spec(
                SETTINGS
                + CHANNELS
                + """\
monitors:
  churn:
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1", window: 1d}
    schedule: daily
    alerts:
      - {when: drift, notify: [ml-team]}
      - {when: failure, notify: [ml-team]}
"""
            )
        )
    )
    AzureProvider.from_spec(spec).apply(spec)
    definition = as_schedule(connected.schedules()["churn"], "churn").create_monitor
    signals = definition.monitoring_signals
    # Azure emails per alerting signal, so the quality signal stays on but does not email.
    assert signals["data-drift-signal"].alert_enabled and not signals["data-quality-signal"].alert_enabled
    assert definition.alert_notification.emails == ["ml-team@example.com"]


@pytest.mark.parametrize(
    ("alerts", "says"),
    [
        # A webhook fires on every failed run: a data-quality breach too, which no alert asked for.
        (
            "[{when: drift, notify: [team-webhook]}, {when: failure, notify: [team-webhook]}]",
            "also be notified when data-quality thresholds are breached",
        ),
        # Azure ML notifies failed jobs whatever the spec says.
        ("[{when: drift, notify: [ml-team]}]", "also be notified when a monitoring job fails"),
    ],
)
def test_notifications_azure_sends_beyond_the_alerts_are_a_warning_not_an_error(
    write_spec: Callable[..., Path], azure_cli: None, alerts: str, says: str
) -> None:
    path = write_spec(
        SETTINGS
        + CHANNELS
        + f"""\
monitors:
  churn:
    baseline: {{data: "azureml:churn-train:1"}}
    target: {{data: "azureml:churn-scoring:1", window: 1d}}
    schedule: daily
    alerts: {alerts}
"""
    )
    result = CliRunner().invoke(cli, ["validate", str(path), "--provider", "azure"])
    assert result.exit_code == 0, result.stderr
    assert "monitor churn: on Azure," in result.stderr
    assert says in result.stderr and "the same notify list" in result.stderr
