"""Registers the built-in channel types through ``register_alert_channels``, as any plugin would.

A core plugin of its own (in ``plugins.DEFAULT_PLUGINS``), not the local provider's: the
channel types are the spec's vocabulary, known to validate and to every provider, whether
or not the local provider delivers them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from driftplane.hookspecs import hookimpl

if TYPE_CHECKING:
    from driftplane.alerting.channel import AlertChannel


def builtin_channels() -> tuple[type[AlertChannel], ...]:
    """The channel types driftplane ships, imported when first asked for."""
    from driftplane.alerting.channels.email import EmailChannel
    from driftplane.alerting.channels.log import LogChannel
    from driftplane.alerting.channels.pagerduty import PagerDutyChannel
    from driftplane.alerting.channels.slack import SlackChannel
    from driftplane.alerting.channels.teams import TeamsChannel
    from driftplane.alerting.channels.webhook import WebhookChannel

    return (WebhookChannel, SlackChannel, EmailChannel, LogChannel, TeamsChannel, PagerDutyChannel)


@hookimpl
def register_alert_channels(register: Callable[[type[AlertChannel]], None]) -> None:
    for channel in builtin_channels():
        register(channel)
