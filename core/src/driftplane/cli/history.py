"""``driftplane history``: past runs of the local provider, with per-feature trends."""

from __future__ import annotations

import click

from driftplane.cli.options import json_option
from driftplane.errors import NotAvailableYet


@click.command("history")
@click.argument("monitor", required=False)
@click.option("--spec", "spec_path", type=click.Path(), help="The spec whose state directory to read.")
@click.option("--limit", type=int, default=20, show_default=True, help="How many runs.")
@json_option
def command(monitor: str | None, spec_path: str | None, limit: int, as_json: bool) -> None:
    """Show past runs from the local history database."""
    raise NotAvailableYet("history is not available in this version of driftplane; it comes with the local provider's history store")
