"""Built-in alert channels: webhook, Slack, email over SMTP, and the log."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, SecretStr, field_validator

from driftplane.channel import AlertChannel, ChannelSettings


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

    _url = field_validator("url", mode="before")(_http_url)


class SlackSettings(ChannelSettings):
    """A Slack incoming webhook."""

    webhook_url: SecretStr = Field(description="https://hooks.slack.com/services/...; use ${SLACK_WEBHOOK_URL}.")
    timeout: float = Field(default=10.0, gt=0)
    retries: int = Field(default=3, ge=0, le=10)

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
    settings_model: ClassVar[type[ChannelSettings]] = WebhookSettings
    shorthand_field: ClassVar[str | None] = "url"


class SlackChannel(AlertChannel):
    channel_type: ClassVar[str] = "slack"
    description: ClassVar[str] = "Slack incoming webhook"
    settings_model: ClassVar[type[ChannelSettings]] = SlackSettings
    shorthand_field: ClassVar[str | None] = "webhook_url"


class EmailChannel(AlertChannel):
    channel_type: ClassVar[str] = "email"
    description: ClassVar[str] = "email over SMTP (STARTTLS)"
    settings_model: ClassVar[type[ChannelSettings]] = EmailSettings
    shorthand_field: ClassVar[str | None] = "to"


class LogChannel(AlertChannel):
    channel_type: ClassVar[str] = "log"
    description: ClassVar[str] = "a line in driftplane's log"
    settings_model: ClassVar[type[ChannelSettings]] = LogSettings
    shorthand_field: ClassVar[str | None] = "level"


BUILTIN_CHANNELS: tuple[type[AlertChannel], ...] = (WebhookChannel, SlackChannel, EmailChannel, LogChannel)
