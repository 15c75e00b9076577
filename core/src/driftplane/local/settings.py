"""Settings of the local provider (the spec's ``providers.local`` section)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from driftplane.channel import ChannelSettings
from driftplane.provider import ProviderSettings

# What a message about an unwritable state directory offers besides freeing space.
STATE_ELSEWHERE = "point providers.local.state_dir somewhere else"


class SmtpSettings(ChannelSettings):
    """The SMTP server email alerts go through; password from ${ENV}, never inline."""

    host: str = Field(default="localhost", description="SMTP server host.")
    port: int = Field(default=587, ge=1, le=65535, description="587 for STARTTLS, 25 for plain.")
    starttls: bool = Field(default=True, description="Upgrade the connection with STARTTLS before logging in.")
    username: str | None = None
    password: SecretStr | None = Field(default=None, description="Use ${SMTP_PASSWORD}; never write it inline.")
    sender: str = Field(default="driftplane@localhost", description="The From: address.")
    timeout: float = Field(default=10.0, gt=0, description="Seconds to wait for the server.")


class ServeSettings(ChannelSettings):
    """Where ``driftplane serve`` listens for /metrics and /healthz."""

    host: str = Field(default="127.0.0.1", description="Bind address; 0.0.0.0 exposes it to the network.")
    port: int = Field(default=9464, ge=0, le=65535, description="0 picks a free port.")


class LocalSettings(ProviderSettings):
    """Where the local provider keeps state and writes reports."""

    state_dir: str = Field(
        default=".driftplane",
        description="History database, baseline cache and locks; relative to the spec file.",
    )
    reports_dir: str = Field(
        default="reports",
        description="One directory per monitor and window with the reports; relative to the spec file.",
    )
    history_runs: int = Field(default=30, ge=1, description="How many past runs reports show as a trend.")
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    serve: ServeSettings = Field(default_factory=ServeSettings)
