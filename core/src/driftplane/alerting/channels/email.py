"""The email channel: a plain-text email through the delivering provider's SMTP server.

The recipients are the channel's; the server is not: it comes from the provider's
DeliveryContext (the local provider's ``providers.local.smtp``). Cloud providers deliver
email with their own services instead (see their ``channels.py``).
"""

from __future__ import annotations

import builtins
from typing import Any, ClassVar

from pydantic import Field, field_validator

from driftplane.alerting.channel import AlertChannel, ChannelSettings
from driftplane.alerting.errors import DeliveryError
from driftplane.alerting.notification import Notification


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


class EmailChannel(AlertChannel):
    channel_type: ClassVar[str] = "email"
    description: ClassVar[str] = "email over SMTP (STARTTLS)"
    settings_model: ClassVar[builtins.type[ChannelSettings]] = EmailSettings
    shorthand_field: ClassVar[str | None] = "to"

    def send(self, notification: Notification) -> None:
        """A plain-text email through the SMTP server of the delivering provider."""
        from driftplane.alerting import render
        from driftplane.alerting.smtp import (
            send_email,  # smtplib and ssl, only when something is sent
        )

        settings = self.settings
        assert isinstance(settings, EmailSettings)
        smtp = self.context.smtp
        if smtp is None:
            raise DeliveryError(
                f"no SMTP server to send email through: the provider delivering this alert gave none "
                f"(set {self.context.settings_key}.smtp)",
                retryable=False,
            )
        send_email(
            smtp,
            settings.to,
            render.email_subject(notification),
            render.email_text(notification),
            key=f"{self.context.settings_key}.smtp",
        )
