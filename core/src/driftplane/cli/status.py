"""``driftplane status``: what is deployed and how its recent runs went."""

from __future__ import annotations

import click

from driftplane.cli.options import json_option, monitor_option, provider_option, spec_argument


@click.command("status")
@spec_argument
@provider_option
@monitor_option
@json_option
def command(spec_path: str | None, provider_name: str | None, monitor_names: tuple[str, ...], as_json: bool) -> None:
    """Show each monitor's state on the provider and its latest runs."""
    from rich.table import Table

    from driftplane.cli.common import load_for_provider
    from driftplane.cli.output import console, print_json

    spec, provider = load_for_provider(spec_path, provider_name)
    statuses = provider.status(spec, monitors=list(monitor_names) or None)
    if as_json:
        print_json(statuses)
        return
    table = Table(title=f"Status on {provider.name}", title_justify="left")
    for column in ("monitor", "state", "schedule", "next run", "last run", "last status"):
        table.add_column(column)
    for status in statuses:
        last = status.runs[0] if status.runs else None
        table.add_row(
            status.monitor,
            status.state,
            status.schedule or "",
            f"{status.next_run:%Y-%m-%d %H:%M}" if status.next_run else "",
            f"{last.window.end:%Y-%m-%d %H:%M}" if last and last.window else "",
            last.status if last else "never run",
        )
    out = console()
    out.print(table)
    for status in statuses:
        future = status.details.get("future_runs") or 0
        if future:
            out.print(
                f"{status.monitor}: {future} run{'s' if future != 1 else ''} recorded for a window in the future "
                f"(not the latest; driftplane history {status.monitor} lists {'them' if future != 1 else 'it'})"
            )
