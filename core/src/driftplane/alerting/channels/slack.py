"""The Slack channel: a Block Kit message to a Slack incoming webhook."""

from __future__ import annotations

import builtins
import json
from typing import ClassVar

from pydantic import Field, SecretStr, field_validator

from driftplane.alerting.channel import AlertChannel, ChannelSettings
from driftplane.alerting.channels.urls import http_url
from driftplane.alerting.notification import Notification


class SlackSettings(ChannelSettings):
    """A Slack incoming webhook."""

    webhook_url: SecretStr = Field(description="https://hooks.slack.com/services/...; use ${SLACK_WEBHOOK_URL}.")
    timeout: float = Field(default=10.0, gt=0)
    retries: int = Field(default=3, ge=0, le=10)
    backoff: float = Field(default=1.0, ge=0, le=60, description="Seconds before the first retry; doubles after each.")

    _url = field_validator("webhook_url", mode="before")(http_url)


class SlackChannel(AlertChannel):
    channel_type: ClassVar[str] = "slack"
    description: ClassVar[str] = "Slack incoming webhook"
    settings_model: ClassVar[builtins.type[ChannelSettings]] = SlackSettings
    shorthand_field: ClassVar[str | None] = "webhook_url"

    def send(self, notification: Notification) -> None:
        """POST a Block Kit message to the incoming webhook."""
        from driftplane.alerting import render
        from driftplane.alerting.http import post_json  # urllib, only when something is sent

        settings = self.settings
        assert isinstance(settings, SlackSettings)
        post_json(
            settings.webhook_url,
            json.dumps(render.slack_payload(notification)).encode("utf-8"),
            timeout=settings.timeout,
            retries=settings.retries,
            backoff=settings.backoff,
            secrets=self.secrets,
        )
