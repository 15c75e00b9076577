"""Registers the local provider, through the same hook as any provider plugin.

The built-in channel types are registered by ``driftplane.alerting.plugin``: they belong to
the spec, not to the provider that happens to deliver them. The hook imports the provider
only when it is asked for, so loading the plugins (every CLI command does) costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from driftplane.hookspecs import hookimpl

if TYPE_CHECKING:
    from driftplane.provider import Provider


@hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    from driftplane.local.provider import LocalProvider

    register(LocalProvider)
