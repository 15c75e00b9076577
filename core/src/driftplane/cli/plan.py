"""``driftplane plan``: what apply would create, change or delete."""

from __future__ import annotations

import click

from driftplane.cli.exit_codes import DETAILED_EXIT_CODES, PLAN_HAS_CHANGES
from driftplane.cli.options import json_option, monitor_option, provider_option, spec_argument


class PlanCommand(click.Command):
    """``plan``, which notes --detailed-exitcode before parsing, so a usage error in any option exits 1."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        options = args[: args.index("--")] if "--" in args else args
        if "--detailed-exitcode" in options:
            ctx.meta[DETAILED_EXIT_CODES] = True
        return super().parse_args(ctx, args)


@click.command("plan", cls=PlanCommand)
@spec_argument
@provider_option
@monitor_option
@json_option
@click.option("--offline", is_flag=True, help="Assume nothing exists yet; needs no credentials or network.")
@click.option(
    "--show-bodies",
    is_flag=True,
    help="Show large request bodies (a baseline's statistics.json) in full, not by size and sha256.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when nothing would change, 2 when something would, 1 on any error (as Terraform).",
)
def command(
    spec_path: str | None,
    provider_name: str | None,
    monitor_names: tuple[str, ...],
    as_json: bool,
    offline: bool,
    show_bodies: bool,
    detailed_exitcode: bool,
) -> None:
    """Show what apply would create, change or delete, with the exact requests.

    Plain plan reads what exists (read-only calls) and diffs against it; --offline builds
    the requests without sending anything. The text shows each resource to create with its
    attributes, each update as old -> new, and counts what already matches; --json holds
    every request whole.

    \b
    Examples:
      driftplane plan monitors.yaml --provider aws --offline
      driftplane plan monitors.yaml --detailed-exitcode    # in CI: 0 nothing to do, 2 changes, 1 error
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
        render_plan(plan, console(), spec_path=spec_path, show_bodies=show_bodies)
    if detailed_exitcode and plan.has_changes:
        raise click.exceptions.Exit(PLAN_HAS_CHANGES)
