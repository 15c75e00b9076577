"""``driftplane apply``: make the provider match the spec."""

from __future__ import annotations

import logging

import click

from driftplane.cli.options import json_option, monitor_option, provider_option, spec_argument

logger = logging.getLogger(__name__)


@click.command("apply")
@spec_argument
@provider_option
@monitor_option
@json_option
@click.option(
    "--prune",
    is_flag=True,
    help="Also remove what driftplane created for monitors this spec no longer runs (removed or enabled: false).",
)
def command(
    spec_path: str | None, provider_name: str | None, monitor_names: tuple[str, ...], as_json: bool, prune: bool
) -> None:
    """Create, update or delete what the plan says. Idempotent: a second apply changes nothing.

    Monitors removed from the spec (or disabled) keep what driftplane created for them until
    you say so: apply lists them, and --prune removes them.

    \b
    Examples:
      driftplane apply monitors.yaml --provider aws
      driftplane apply monitors.yaml --provider aws --prune
    """
    from driftplane.cli.common import load_for_provider
    from driftplane.cli.output import console, print_json
    from driftplane.cli.render import render_plan
    from driftplane.provider import Plan

    spec, provider = load_for_provider(spec_path, provider_name)
    done = provider.apply(spec, monitors=list(monitor_names) or None)
    if prune and done.leftovers:
        retired = done.leftover_monitors
        logger.info("pruning on %s what driftplane created for %s", done.provider, ", ".join(retired))
        removed = provider.destroy(spec, monitors=retired)
        done = Plan(provider=done.provider, backend=done.backend, changes=[*done.changes, *removed.changes])
    if as_json:
        print_json(done)
        return
    render_plan(done, console(), spec_path=spec_path, done=True)
    # The console already said it (the Done: line); the log file keeps a record.
    logger.debug("applied to %s (%s): %s", done.provider, done.backend, done.summary())
