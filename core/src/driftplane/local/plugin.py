"""Registers the local provider, through the same hook as any provider plugin.

The built-in channel types are registered by ``driftplane.alerting.plugin``: they belong to
the spec, not to the provider that happens to deliver them.
"""

from __future__ import annotations

from collections.abc import Callable

from driftplane.hookspecs import hookimpl
from driftplane.local.provider import LocalProvider
from driftplane.provider import Provider


@hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    register(LocalProvider)
