"""``driftplane plan``: what apply would create, change or delete."""

from __future__ import annotations

import click

from driftplane.cli.options import json_option, monitor_option, provider_option, spec_argument


@click.command("plan")
@spec_argument
@provider_option
@monitor_option
@json_option
@click.option("--offline", is_flag=True, help="Assume nothing exists yet; needs no credentials or network.")
def command(
    spec_path: str | None,
    provider_name: str | None,
    monitor_names: tuple[str, ...],
    as_json: bool,
    offline: bool,
) -> None:
    """Show what apply would create, change or delete, with the exact requests.

    Plain plan reads what exists (read-only calls) and diffs against it; --offline builds
    the requests without sending anything.

    \b
    Examples:
      driftplane plan monitors.yaml --provider aws --offline
      driftplane plan monitors.yaml --json | jq '.changes[] | .request.operation'
    """
    from driftplane.cli.common import load_for_provider
    from driftplane.cli.output import console, print_json
    from driftplane.cli.render import render_plan

    spec, provider = load_for_provider(spec_path, provider_name)
    plan = provider.plan(spec, monitors=list(monitor_names) or None, offline=offline)
    if as_json:
        print_json(plan)
    else:
        render_plan(plan, console(), spec_path=spec_path)
