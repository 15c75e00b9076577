"""Registers the local provider and the built-in alert channels, through the same hooks as any plugin.

Each hook imports what it registers, so loading the plugins (every CLI command does) costs
nothing until a provider or a channel type is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from driftplane.hookspecs import hookimpl

if TYPE_CHECKING:
    from driftplane.channel import AlertChannel
    from driftplane.provider import Provider


@hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    from driftplane.local.provider import LocalProvider

    register(LocalProvider)


@hookimpl
def register_alert_channels(register: Callable[[type[AlertChannel]], None]) -> None:
    from driftplane.local.channels import BUILTIN_CHANNELS

    for channel in BUILTIN_CHANNELS:
        register(channel)
