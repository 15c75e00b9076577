"""``driftplane profile``: statistics of one dataset, in SageMaker's format."""

from __future__ import annotations

import click

from driftplane.cli.options import json_option
from driftplane.errors import NotAvailableYet


@click.command("profile")
@click.argument("data")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Write statistics.json and constraints.json here.")
@json_option
def command(data: str, out_dir: str | None, as_json: bool) -> None:
    """Profile DATA (a file, directory, glob or URI)."""
    raise NotAvailableYet("profile is not available in this version of driftplane; it comes with the engine")
