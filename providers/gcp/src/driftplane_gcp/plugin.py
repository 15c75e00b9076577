"""Registers the gcp provider and its `driftplane gcp` commands with driftplane."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from driftplane import hookimpl

if TYPE_CHECKING:
    from driftplane.provider import Provider


@hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    from driftplane_gcp.provider import GcpProvider  # imported when asked for: the CLI starts fast

    register(GcpProvider)


@hookimpl
def register_commands(cli: click.Group) -> None:
    from driftplane_gcp.commands import register

    register(cli)
