"""Registers the aws provider and the ``driftplane aws`` commands with driftplane.

Kept light on purpose: nothing here imports boto3.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from driftplane import hookimpl
from driftplane.provider import Provider
from driftplane_aws.provider import AwsProvider


@hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    register(AwsProvider)


@hookimpl
def register_commands(cli: click.Group) -> None:
    from driftplane_aws.commands import aws

    cli.add_command(aws)
