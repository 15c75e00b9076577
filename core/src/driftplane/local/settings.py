"""Settings of the local provider (the spec's ``providers.local`` section)."""

from __future__ import annotations

from pydantic import Field

from driftplane.alerting.channel import ChannelSettings
from driftplane.alerting.context import SmtpSettings
from driftplane.provider import ProviderSettings

# What a message about an unwritable state directory offers besides freeing space.
STATE_ELSEWHERE = "point providers.local.state_dir somewhere else"


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


__all__ = ["STATE_ELSEWHERE", "LocalSettings", "ServeSettings", "SmtpSettings"]
