"""Registers the azure provider and its ``driftplane azure ...`` commands with driftplane.

Nothing heavy is imported here: azure-ai-ml loads only when a command or verb needs it.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from driftplane import hookimpl
from driftplane.provider import Provider
from driftplane_azure.provider import AzureProvider


@hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    register(AzureProvider)


@hookimpl
def register_commands(cli: click.Group) -> None:
    from driftplane_azure.commands import azure_group

    cli.add_command(azure_group)
