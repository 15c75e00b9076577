"""Registers the local provider and the built-in alert channels, through the same hooks as any plugin."""

from __future__ import annotations

from collections.abc import Callable

from driftplane.channel import AlertChannel
from driftplane.hookspecs import hookimpl
from driftplane.local.channels import BUILTIN_CHANNELS
from driftplane.local.provider import LocalProvider
from driftplane.provider import Provider


@hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    register(LocalProvider)


@hookimpl
def register_alert_channels(register: Callable[[type[AlertChannel]], None]) -> None:
    for channel in BUILTIN_CHANNELS:
        register(channel)
