"""``driftplane serve``: run every monitor on its schedule until stopped."""

from __future__ import annotations

import click

from driftplane.cli.options import spec_argument
from driftplane.errors import UsageError


@click.command("serve")
@spec_argument
@click.option("--port", type=int, help="Port for /metrics and /healthz (default: providers.local.serve.port).")
@click.option("--host", help="Bind address (default 127.0.0.1).")
def command(spec_path: str | None, port: int | None, host: str | None) -> None:
    """Run every monitor on its schedule with the local provider; /metrics and /healthz over HTTP.

    Also serves / (the monitors, with links) and /reports/MONITOR (its latest report).
    Stops cleanly on Ctrl-C or SIGTERM, finishing or discarding the run in progress
    without leaving half-written reports.
    """
    from driftplane.cli.common import load_for_provider

    spec, provider = load_for_provider(spec_path, "local")
    serve = getattr(provider, "serve", None)
    if serve is None:
        raise UsageError("serve is not available in this version of driftplane")
    serve(spec, host=host, port=port)
