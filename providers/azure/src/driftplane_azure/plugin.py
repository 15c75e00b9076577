"""Registers the azure provider and its ``driftplane azure ...`` commands with driftplane.

Nothing heavy is imported here: azure-ai-ml loads only when a command or verb needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from driftplane import hookimpl

if TYPE_CHECKING:
    from driftplane.provider import Provider


@hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    from driftplane_azure.provider import (
        AzureProvider,  # imported when asked for: the CLI starts fast
    )

    register(AzureProvider)


@hookimpl
def register_commands(cli: click.Group) -> None:
    from driftplane_azure.commands import azure_group

    cli.add_command(azure_group)
