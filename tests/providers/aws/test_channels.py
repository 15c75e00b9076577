"""An alert's channels as SNS delivers them (channels.DELIVERY): email subscriptions, the alarm history for
log, and a located refusal, with what to use instead, for what SNS cannot deliver as driftplane means it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import ClassVar

import pytest

from driftplane.alerting.channel import AlertChannel, ChannelSettings
from driftplane.hookspecs import hookimpl
from driftplane.plugins import pm

from .specs import PROCESSING_YAML, S3_DAILY, line_of, make_spec, validate

MONITOR = PROCESSING_YAML + f"""\
monitors:
  churn:
    baseline: {{data: s3://bucket/train.parquet}}
    target: {{data: "{S3_DAILY}", window: 1d}}
"""


def test_webhook_and_slack_are_refused_at_their_notify_entry_with_the_alternative(tmp_path) -> None:
    text = (
        PROCESSING_YAML.replace("monitors:", "")
        + """\
channels:
  team-slack: {type: slack, webhook_url: "https://hooks.slack.com/services/T0/B0/xyz"}
  team-mail: {type: email, to: [ml@example.com]}
"""
        + MONITOR.removeprefix(PROCESSING_YAML)
        + """\
    alerts:
      - name: drifted
        when: drift
        features: [day_mins]
        notify:
          - team-mail
          - "webhook:https://hooks.example.com/driftplane"
          - team-slack
          - {type: webhook, url: "https://other.example.com/hook"}
"""
    )
    code, err = validate(tmp_path, text)
    assert code == 2
    webhook = line_of(text, "webhook:https://hooks.example.com")
    assert (
        f"F:{webhook}:13: monitors.churn.alerts[0].notify[1]: webhook (https://hooks.example.com/…): "
        "the aws provider cannot deliver 'webhook' channels: an SNS HTTPS subscription" in err
    )
    assert "SubscriptionConfirmation" in err and "driftplane.alert/v1" in err and "providers.aws.sns_topic_arn" in err
    assert (
        f"F:{line_of(text, '- team-slack')}:13: monitors.churn.alerts[0].notify[2]: slack 'team-slack': "
        "the aws provider cannot deliver 'slack' channels: SNS posts its own JSON envelope" in err
    )
    assert "AWS Chatbot" in err
    assert (
        "monitors.churn.alerts[0].notify[3]: webhook (defined in the alert): the aws provider cannot deliver 'webhook'"
        in err
    )
    assert "notify[0]" not in err
    assert "hooks.slack.com/services" not in err  # a channel's secret URL is never shown


class _MattermostSettings(ChannelSettings):
    url: str


class _MattermostChannel(AlertChannel):
    channel_type: ClassVar[str] = "mattermost"
    settings_model: ClassVar[type[ChannelSettings]] = _MattermostSettings
    shorthand_field: ClassVar[str | None] = "url"


class _MattermostPlugin:
    @hookimpl
    def register_alert_channels(self, register: Callable[[type[AlertChannel]], None]) -> None:
        register(_MattermostChannel)


@pytest.fixture
def mattermost() -> Iterator[None]:
    plugin = _MattermostPlugin()
    pm.register(plugin, name="test-mattermost")
    try:
        yield
    finally:
        pm.unregister(plugin)


def test_a_channel_type_aws_has_no_row_for_is_refused_naming_what_it_delivers(tmp_path, mattermost) -> None:
    from driftplane_aws.channels import DELIVERY

    assert "mattermost" not in DELIVERY
    text = MONITOR + """\
    alerts:
      - name: drifted
        when: drift
        features: [day_mins]
        notify: ["mattermost:https://mattermost.example.com/hook", "log"]
"""
    code, err = validate(tmp_path, text)
    assert code == 2
    assert f"F:{line_of(text, 'mattermost:')}:" in err
    assert (
        "monitors.churn.alerts[0].notify[0]: mattermost (https://mattermost.example.com/hook): "
        "the aws provider cannot deliver 'mattermost' channels (it delivers email, log)"
    ) in err
    assert "providers.aws.sns_topic_arn" in err, "the alternative AWS offers: a topic of your own"


def test_email_channels_in_every_form_become_subscriptions_and_log_the_alarm_history(make_provider) -> None:
    spec = make_spec(
        channels={"team": {"type": "email", "to": ["a@example.com", "b@example.com"]}},
        alerts=[
            {
                "name": "drifted",
                "when": "drift",
                "features": ["day_mins"],
                "notify": ["team", "email:c@example.com", {"type": "email", "to": "a@example.com"}],
            },
            {"name": "quality", "when": "violation", "notify": ["log"]},
        ],
    )
    assert make_provider(spec).check(spec) == []
    plan = make_provider(spec).plan(spec, offline=True)
    topics = [c.name for c in plan.changes if c.kind == "sns:Topic"]
    assert topics == ["driftplane-churn-drifted"]  # the log-only alert needs no topic
    subscribed = sorted(c.request.body["Endpoint"] for c in plan.changes if c.kind == "sns:Subscription")
    assert subscribed == ["a@example.com", "b@example.com", "c@example.com"]
    alarms = {c.name: c.request.body for c in plan.changes if c.kind == "cloudwatch:MetricAlarm"}
    assert alarms["driftplane/churn/drifted/day_mins"]["AlarmActions"] == [
        "arn:aws:sns:us-east-1:123456789012:driftplane-churn-drifted"
    ]
    assert alarms["driftplane/churn/quality"]["AlarmActions"] == []  # its state changes stay in the alarm's history


def test_with_your_own_topic_every_channel_is_that_topics_business(tmp_path, make_provider, caplog) -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:ml-alerts"
    text = MONITOR.replace("    image_uri:", f"    sns_topic_arn: {topic}\n    image_uri:") + """\
    alerts:
      - {name: drifted, when: drift, features: [day_mins], notify: ["webhook:https://hooks.example.com/x"]}
"""
    assert validate(tmp_path, text) == (0, "")
    spec = make_spec(
        settings={"sns_topic_arn": topic},
        alerts=[
            {
                "name": "drifted",
                "when": "drift",
                "features": ["day_mins"],
                "notify": ["webhook:https://hooks.example.com/x"],
            }
        ],
    )
    with caplog.at_level(logging.WARNING):
        plan = make_provider(spec).plan(spec, offline=True)
    assert not [c for c in plan.changes if c.kind.startswith("sns:")]
    (alarm,) = [c.request.body for c in plan.changes if c.kind == "cloudwatch:MetricAlarm"]
    assert alarm["AlarmActions"] == [topic]
    assert (
        "its alarms notify providers.aws.sns_topic_arn" in caplog.text
        and "that topic's own subscriptions" in caplog.text
    )
