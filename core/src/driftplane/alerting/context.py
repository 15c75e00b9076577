"""What a provider that delivers notifications itself hands the channels it builds.

A channel's own settings (a URL, a list of addresses) come from the spec's ``channels:`` or
the ``notify`` entry; what it needs besides to deliver, such as the SMTP server email goes
through, belongs to the provider doing the delivering (the local provider's
``providers.local.smtp``). The provider puts it in a DeliveryContext when it builds each
channel, so a channel type never reads a provider's settings itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from driftplane.alerting.redact import secret_values


class SmtpSettings(BaseModel):
    """The SMTP server email alerts go through; password from ${ENV}, never inline."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = Field(default="localhost", description="SMTP server host.")
    port: int = Field(default=587, ge=1, le=65535, description="587 for STARTTLS, 25 for plain.")
    starttls: bool = Field(default=True, description="Upgrade the connection with STARTTLS before logging in.")
    username: str | None = None
    password: SecretStr | None = Field(default=None, description="Use ${SMTP_PASSWORD}; never write it inline.")
    sender: str = Field(default="driftplane@localhost", description="The From: address.")
    timeout: float = Field(default=10.0, gt=0, description="Seconds to wait for the server.")


@dataclass(frozen=True)
class DeliveryContext:
    """The provider's part of delivering: servers and credentials no channel entry holds.

    smtp: the server email goes through; None when the provider has none (email then fails
        to deliver, saying so).
    settings_key: where the provider's settings live in the spec (``providers.local``), so a
        delivery error says which key to fix.
    """

    smtp: SmtpSettings | None = None
    settings_key: str = "providers.local"

    @property
    def secrets(self) -> list[str]:
        """Every secret the context holds (the SMTP password), to be scrubbed from messages."""
        return secret_values(self.smtp)


__all__ = ["DeliveryContext", "SmtpSettings"]
