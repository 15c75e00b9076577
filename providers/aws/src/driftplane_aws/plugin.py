"""Registers the aws provider and the ``driftplane aws`` commands with driftplane.

Kept light on purpose: nothing here imports boto3.
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
    from driftplane_aws.provider import AwsProvider  # imported when asked for: the CLI starts fast

    register(AwsProvider)


@hookimpl
def register_commands(cli: click.Group) -> None:
    from driftplane_aws.commands import aws

    cli.add_command(aws)
