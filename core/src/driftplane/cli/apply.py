"""``driftplane apply``: make the provider match the spec."""

from __future__ import annotations

import logging

import click

from driftplane.cli.common import load_for_provider
from driftplane.cli.options import json_option, monitor_option, provider_option, spec_argument
from driftplane.cli.output import console, print_json
from driftplane.cli.render import render_plan

logger = logging.getLogger(__name__)


@click.command("apply")
@spec_argument
@provider_option
@monitor_option
@json_option
def command(spec_path: str | None, provider_name: str | None, monitor_names: tuple[str, ...], as_json: bool) -> None:
    """Create, update or delete what the plan says. Idempotent: a second apply changes nothing.

    \b
    Example:
      driftplane apply monitors.yaml --provider aws
    """
    spec, provider = load_for_provider(spec_path, provider_name)
    done = provider.apply(spec, monitors=list(monitor_names) or None)
    if as_json:
        print_json(done)
        return
    render_plan(done, console())
    logger.info("applied to %s (%s): %s", done.provider, done.backend, done.summary())
