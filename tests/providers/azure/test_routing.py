"""Alerts routed to different channels: Azure ML has one email list per monitor, so driftplane
refuses, never merges.

Azure ML emails one address list for every alerting signal and failed job. A spec that
sends drift to one address and data-quality breaches to another cannot be built as written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.providers.azure.conftest import AZURE_CHECKS, SETTINGS
from tests.providers.azure.fake_arm import FakeARM, as_schedule

from driftplane.cli import cli
from driftplane.errors import SpecError
from driftplane.spec import load_spec
from driftplane_azure.provider import AzureProvider

CHANNELS = """\
channels:
  data-team: {type: email, to: [data@example.com]}
  ml-team: {type: email, to: [ml-team@example.com]}
"""

# The auditor's case: drift to one team, data-quality violations to another.
APART = SETTINGS + CHANNELS + """\
monitors:
  churn:
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1", window: 1d}
    schedule: daily
""" + AZURE_CHECKS + """\
    alerts:
      - name: churn inputs drifted
        when: drift
        notify: [ml-team]
      - name: churn data quality
        when: violation
        notify: [data-team]
"""

# What Azure can do instead: one monitor per check, each with its own channels.
SPLIT = SETTINGS + CHANNELS + """\
monitors:
  churn-drift:
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1", window: 1d}
    schedule: daily
    checks: {quality: {enabled: false}, drift: {noise_correction: false}}
    alerts:
      - {when: drift, notify: [ml-team]}
      - {when: failure, notify: [ml-team]}
  churn-quality:
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1", window: 1d}
    schedule: daily
    checks:
      drift: {enabled: false}
      quality: {completeness: false, columns: false, comparison_threshold: 1, categorical_comparison_threshold: 1}
    alerts:
      - {when: violation, notify: [data-team]}
      - {when: failure, notify: [data-team]}
"""


def test_alerts_routed_to_different_channels_fail_validate_at_the_notify_key(
    write_spec: Callable[..., Path], azure_cli: None
) -> None:
    path = write_spec(APART)
    result = CliRunner().invoke(cli, ["validate", str(path), "--provider", "azure"])
    assert result.exit_code == 2, result.stdout
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "notify: [data-team]" in text)
    message = result.stderr
    assert (
        f"{path}:{line}:17: monitors.churn.alerts[1].notify: Azure ML emails all of a monitor's notifications"
        in message
    )
    assert "data@example.com would also get alerts[0]'s drift notifications" in message
    assert "ml-team@example.com would also get this alert's violation notifications" in message
    assert "same email addresses, or split it into two monitors" in message


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
    # Drift emails ml-team; quality emails the data team.
    assert set(drift.monitoring_signals) == {"data-drift-signal"}
    assert drift.alert_notification.emails == ["ml-team@example.com"]
    assert set(quality.monitoring_signals) == {"data-quality-signal"}
    assert quality.alert_notification.emails == ["data@example.com"]


def test_email_on_drift_only_leaves_the_quality_signal_silent(
    write_spec: Callable[..., Path], connected: FakeARM
) -> None:
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
"""
                + AZURE_CHECKS
                + """\
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


def test_failed_jobs_azure_emails_beyond_the_alerts_are_a_warning_not_an_error(
    write_spec: Callable[..., Path], azure_cli: None
) -> None:
    path = write_spec(
        SETTINGS
        + CHANNELS
        + """\
monitors:
  churn:
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1", window: 1d}
    schedule: daily
"""
        + AZURE_CHECKS
        + """\
    alerts: [{when: drift, notify: [ml-team]}]
"""
    )
    result = CliRunner().invoke(cli, ["validate", str(path), "--provider", "azure"])
    assert result.exit_code == 0, result.stderr
    assert (
        "monitor churn: on Azure, ml-team@example.com will also be emailed when a monitoring job fails" in result.stderr
    )
    assert "add an alert with when: failure and the same notify list" in result.stderr
