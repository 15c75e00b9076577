"""The log channel: one line on the ``driftplane.alerts`` logger (CI, log-based alerting)."""

from __future__ import annotations

import builtins
import logging
from typing import ClassVar, Literal

from driftplane.alerting.channel import AlertChannel, ChannelSettings
from driftplane.alerting.notification import Notification

# `driftplane.alerts`, not this module's name, so log-based alerting has one logger to match.
alert_logger = logging.getLogger("driftplane.alerts")


class LogSettings(ChannelSettings):
    """Write alerts to driftplane's log (useful in CI and with log-based alerting)."""

    level: Literal["info", "warning", "error"] = "warning"


class LogChannel(AlertChannel):
    channel_type: ClassVar[str] = "log"
    description: ClassVar[str] = "a line in driftplane's log"
    settings_model: ClassVar[builtins.type[ChannelSettings]] = LogSettings
    shorthand_field: ClassVar[str | None] = "level"

    def send(self, notification: Notification) -> None:
        """One line on the ``driftplane.alerts`` logger at the configured level."""
        from driftplane.alerting import render

        settings = self.settings
        assert isinstance(settings, LogSettings)
        level = logging.getLevelNamesMapping()[settings.level.upper()]
        alert_logger.log(level, "%s", render.log_line(notification))
