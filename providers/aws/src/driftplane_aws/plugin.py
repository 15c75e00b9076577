"""Registers the aws provider with driftplane."""

from __future__ import annotations

from collections.abc import Callable

from driftplane import hookimpl
from driftplane.provider import Provider
from driftplane_aws.provider import AwsProvider


@hookimpl
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    register(AwsProvider)
