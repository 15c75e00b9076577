"""The hooks a driftplane plugin can implement. Hooks register; classes do the work.

The long form of each hook, with examples, is in docs/plugins.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pluggy import HookimplMarker, HookspecMarker

if TYPE_CHECKING:
    import click

    from driftplane.alerting.channel import AlertChannel
    from driftplane.drift_metrics import DriftMetric
    from driftplane.provider import Provider

hookspec = HookspecMarker("driftplane")
hookimpl = HookimplMarker("driftplane")


@hookspec
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    """Register Provider classes by calling ``register(ProviderClass)``."""


@hookspec
def register_alert_channels(register: Callable[[type[AlertChannel]], None]) -> None:
    """Register alert channel classes by calling ``register(ChannelClass)``."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add subcommands to the ``driftplane`` CLI, e.g. ``driftplane aws enable-capture``."""


@hookspec
def register_drift_metrics(register: Callable[[DriftMetric], None]) -> None:
    """Register drift metrics by calling ``register(DriftMetric(...))`` (see driftplane.drift_metrics)."""
