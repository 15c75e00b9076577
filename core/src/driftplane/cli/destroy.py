"""``driftplane destroy``: remove what driftplane created for the spec's monitors."""

from __future__ import annotations

import logging
import sys

import click

from driftplane.cli.exit_codes import ExitCode
from driftplane.cli.options import json_option, monitor_option, provider_option, spec_argument
from driftplane.errors import UsageError

logger = logging.getLogger(__name__)


@click.command("destroy")
@spec_argument
@provider_option
@monitor_option
@json_option
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--purge",
    is_flag=True,
    help="Also delete what destroy keeps because deleting it deletes data (gcp: the metric "
    "descriptors and every point written to them). Only for providers that keep something.",
)
def command(
    spec_path: str | None,
    provider_name: str | None,
    monitor_names: tuple[str, ...],
    as_json: bool,
    yes: bool,
    purge: bool,
) -> None:
    """Remove what driftplane created for these monitors; touches nothing else. Idempotent.

    --monitor may name a monitor no longer in the spec: what driftplane created for it is
    found by its tags.

    \b
    Examples:
      driftplane destroy monitors.yaml --provider aws --monitor churn --yes
      driftplane destroy monitors.yaml --provider gcp --purge --yes
    """
    from driftplane.cli.common import load_for_provider
    from driftplane.cli.output import console, print_json
    from driftplane.cli.render import render_plan
    from driftplane.provider import monitors_to_destroy

    spec, provider = load_for_provider(spec_path, provider_name)
    names = monitors_to_destroy(spec, monitor_names)
    if purge and provider.purges is None:
        raise UsageError(
            f"the {provider.name} provider keeps nothing back on destroy, so --purge has nothing more "
            "to delete; leave it out"
        )
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError("destroy needs --yes when not run from a terminal")
        also = f", and also {provider.purges} (all their data)" if purge else ""
        # Ctrl-C at the prompt ends the command as interrupted (130); "no" is an answer, not an interrupt.
        if not click.confirm(f"Remove everything driftplane created on {provider.name} for {', '.join(names)}{also}?"):
            logger.info("nothing was removed: the answer was no")
            raise click.exceptions.Exit(ExitCode.FAILURE)
    if purge:
        done = provider.purge(spec, monitors=list(monitor_names) or None)
    else:
        done = provider.destroy(spec, monitors=list(monitor_names) or None)
    if as_json:
        print_json(done)
        return
    render_plan(done, console(), done=True)
    # The console already said it (the Done: line); the log file keeps a record.
    logger.debug("destroyed on %s: %s", done.provider, done.summary())
