"""Registers the gcp provider and its `driftplane gcp` commands with driftplane."""

from __future__ import annotations

from collections.abc import Callable

import click

from driftplane import hookimpl
from driftplane.provider import Provider
from driftplane_gcp.provider import GcpProvider


@hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    register(GcpProvider)


@hookimpl
def register_commands(cli: click.Group) -> None:
    from driftplane_gcp.commands import register

    register(cli)
