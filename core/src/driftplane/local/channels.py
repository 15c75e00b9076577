"""Built-in alert channels: webhook, Slack, email over SMTP, and the log."""

from __future__ import annotations

import builtins
import json
import logging
from typing import Any, ClassVar, Literal

from pydantic import Field, SecretStr, field_validator

from driftplane.alerting.redact import secret_values
from driftplane.channel import AlertChannel, ChannelSettings
from driftplane.local.notification import Notification
from driftplane.local.notify import render
from driftplane.local.notify.http import post_json
from driftplane.local.notify.smtp import send_email
from driftplane.local.settings import SmtpSettings

logger = logging.getLogger(__name__)
# Alert lines of the log channel: `driftplane.alerts` so log-based alerting can match it.
alert_logger = logging.getLogger("driftplane.alerts")


def _http_url(value: Any) -> Any:
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    if isinstance(text, str) and not text.startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return value


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

    _url = field_validator("url", mode="before")(_http_url)


class SlackSettings(ChannelSettings):
    """A Slack incoming webhook."""

    webhook_url: SecretStr = Field(description="https://hooks.slack.com/services/...; use ${SLACK_WEBHOOK_URL}.")
    timeout: float = Field(default=10.0, gt=0)
    retries: int = Field(default=3, ge=0, le=10)
    backoff: float = Field(default=1.0, ge=0, le=60, description="Seconds before the first retry; doubles after each.")

    _url = field_validator("webhook_url", mode="before")(_http_url)


class EmailSettings(ChannelSettings):
    """Email through the SMTP server in providers.local.smtp (cloud providers use their own)."""

    to: list[str] = Field(min_length=1, description="Recipients.")

    @field_validator("to", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("to")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            local, at, domain = address.partition("@")
            if not (local and at and "." in domain):
                raise ValueError(f"'{address}' is not an email address")
        return value


class LogSettings(ChannelSettings):
    """Write alerts to driftplane's log (useful in CI and with log-based alerting)."""

    level: Literal["info", "warning", "error"] = "warning"


class WebhookChannel(AlertChannel):
    channel_type: ClassVar[str] = "webhook"
    description: ClassVar[str] = "JSON POST with retries and an optional HMAC signature"
    settings_model: ClassVar[builtins.type[ChannelSettings]] = WebhookSettings
    shorthand_field: ClassVar[str | None] = "url"

    def send(self, notification: Notification) -> None:
        """POST the notification's JSON (docs/alerts.md), signed when a secret is set."""
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
            secrets=secret_values(settings),
        )


class SlackChannel(AlertChannel):
    channel_type: ClassVar[str] = "slack"
    description: ClassVar[str] = "Slack incoming webhook"
    settings_model: ClassVar[builtins.type[ChannelSettings]] = SlackSettings
    shorthand_field: ClassVar[str | None] = "webhook_url"

    def send(self, notification: Notification) -> None:
        """POST a Block Kit message to the incoming webhook."""
        settings = self.settings
        assert isinstance(settings, SlackSettings)
        post_json(
            settings.webhook_url,
            json.dumps(render.slack_payload(notification)).encode("utf-8"),
            timeout=settings.timeout,
            retries=settings.retries,
            backoff=settings.backoff,
            secrets=secret_values(settings),
        )


class EmailChannel(AlertChannel):
    channel_type: ClassVar[str] = "email"
    description: ClassVar[str] = "email over SMTP (STARTTLS)"
    settings_model: ClassVar[builtins.type[ChannelSettings]] = EmailSettings
    shorthand_field: ClassVar[str | None] = "to"

    def __init__(self, settings: ChannelSettings, *, name: str | None = None, smtp: SmtpSettings | None = None) -> None:
        super().__init__(settings, name=name)
        self.smtp = smtp or SmtpSettings()

    def send(self, notification: Notification) -> None:
        """A plain-text email through providers.local.smtp."""
        settings = self.settings
        assert isinstance(settings, EmailSettings)
        send_email(self.smtp, settings.to, render.email_subject(notification), render.email_text(notification))


class LogChannel(AlertChannel):
    channel_type: ClassVar[str] = "log"
    description: ClassVar[str] = "a line in driftplane's log"
    settings_model: ClassVar[builtins.type[ChannelSettings]] = LogSettings
    shorthand_field: ClassVar[str | None] = "level"

    def send(self, notification: Notification) -> None:
        """One line on the ``driftplane.alerts`` logger at the configured level."""
        settings = self.settings
        assert isinstance(settings, LogSettings)
        level = logging.getLevelNamesMapping()[settings.level.upper()]
        alert_logger.log(level, "%s", render.log_line(notification))


BUILTIN_CHANNELS: tuple[type[AlertChannel], ...] = (WebhookChannel, SlackChannel, EmailChannel, LogChannel)
