"""``driftplane destroy``: remove what driftplane created for the spec's monitors."""

from __future__ import annotations

import logging
import sys

import click

from driftplane.cli.common import load_for_provider
from driftplane.cli.options import json_option, monitor_option, provider_option, spec_argument
from driftplane.cli.output import console, print_json
from driftplane.cli.render import render_plan
from driftplane.errors import UsageError
from driftplane.provider import monitors_to_destroy

logger = logging.getLogger(__name__)


@click.command("destroy")
@spec_argument
@provider_option
@monitor_option
@json_option
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def command(
    spec_path: str | None, provider_name: str | None, monitor_names: tuple[str, ...], as_json: bool, yes: bool
) -> None:
    """Remove what driftplane created for these monitors; touches nothing else. Idempotent.

    --monitor may name a monitor no longer in the spec: what driftplane created for it is
    found by its tags.

    \b
    Example:
      driftplane destroy monitors.yaml --provider aws --monitor churn --yes
    """
    spec, provider = load_for_provider(spec_path, provider_name)
    names = monitors_to_destroy(spec, monitor_names)
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError("destroy needs --yes when not run from a terminal")
        click.confirm(
            f"Remove everything driftplane created on {provider.name} for {', '.join(names)}?",
            abort=True,
        )
    done = provider.destroy(spec, monitors=list(monitor_names) or None)
    if as_json:
        print_json(done)
        return
    render_plan(done, console())
    logger.info("destroyed on %s: %s", done.provider, done.summary())
