"""The webhook channel: the notification's JSON (driftplane.alert/v1) POSTed to any endpoint."""

from __future__ import annotations

import builtins
from typing import ClassVar

from pydantic import Field, SecretStr, field_validator

from driftplane.alerting.channel import AlertChannel, ChannelSettings
from driftplane.alerting.channels.urls import http_url
from driftplane.alerting.notification import Notification


class WebhookSettings(ChannelSettings):
    """A JSON POST to any HTTP endpoint."""

    url: SecretStr = Field(description="Where to POST; kept out of logs and reports (it may hold a token).")
    secret: SecretStr | None = Field(
        default=None, description="Signs each body with HMAC-SHA256 in the X-Driftplane-Signature header."
    )
    headers: dict[str, str] = Field(default_factory=dict, description="Extra HTTP headers.")
    timeout: float = Field(default=10.0, gt=0, description="Seconds per attempt.")
    retries: int = Field(default=3, ge=0, le=10, description="Attempts after the first, with backoff.")
    backoff: float = Field(default=1.0, ge=0, le=60, description="Seconds before the first retry; doubles after each.")

    _url = field_validator("url", mode="before")(http_url)


class WebhookChannel(AlertChannel):
    channel_type: ClassVar[str] = "webhook"
    description: ClassVar[str] = "JSON POST with retries and an optional HMAC signature"
    settings_model: ClassVar[builtins.type[ChannelSettings]] = WebhookSettings
    shorthand_field: ClassVar[str | None] = "url"

    def send(self, notification: Notification) -> None:
        """POST the notification's JSON (docs/alerts.md), signed when a secret is set."""
        from driftplane.alerting import render
        from driftplane.alerting.http import post_json  # urllib, only when something is sent

        settings = self.settings
        assert isinstance(settings, WebhookSettings)
        headers = {
            **settings.headers,
            "X-Driftplane-Event": notification.event,
            "X-Driftplane-Delivery": notification.id,
        }
        post_json(
            settings.url,
            render.webhook_body(notification),
            headers=headers,
            secret=settings.secret,
            timeout=settings.timeout,
            retries=settings.retries,
            backoff=settings.backoff,
            secrets=self.secrets,
        )
