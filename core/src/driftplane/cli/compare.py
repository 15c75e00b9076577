"""``driftplane compare``: drift and data-quality checks of two datasets."""

from __future__ import annotations

import click

from driftplane.cli.options import json_option
from driftplane.errors import NotAvailableYet


@click.command("compare")
@click.argument("baseline")
@click.argument("target")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Write the reports here.")
@json_option
def command(baseline: str, target: str, out_dir: str | None, as_json: bool) -> None:
    """Compare TARGET with BASELINE using default settings."""
    raise NotAvailableYet("compare is not available in this version of driftplane; it comes with the engine")
