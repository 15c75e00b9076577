"""Registers the azure provider with driftplane."""

from __future__ import annotations

from collections.abc import Callable

from driftplane import hookimpl
from driftplane.provider import Provider
from driftplane_azure.provider import AzureProvider


@hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    register(AzureProvider)
