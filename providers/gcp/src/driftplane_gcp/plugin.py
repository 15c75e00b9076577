"""Registers the gcp provider with driftplane."""

from __future__ import annotations

from collections.abc import Callable

from driftplane import hookimpl
from driftplane.provider import Provider
from driftplane_gcp.provider import GcpProvider


@hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    register(GcpProvider)
