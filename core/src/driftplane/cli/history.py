"""``driftplane history``: past runs of the local provider, with per-feature trends."""

from __future__ import annotations

import click

from driftplane.cli.options import json_option


@click.command("history")
@click.argument("monitor", required=False)
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(),
    help="The spec whose state directory to read (default: monitors.yaml here).",
)
@click.option(
    "--state-dir",
    "state_dir",
    type=click.Path(file_okay=False),
    help="Read this state directory instead of the spec's.",
)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many runs.")
@json_option
def command(monitor: str | None, spec_path: str | None, state_dir: str | None, limit: int, as_json: bool) -> None:
    """Show past runs from the local history database; for one MONITOR, drift per feature over time.

    Without MONITOR: one line per monitor with its latest run (--json also lists the newest
    runs of every monitor). The state directory is the spec's providers.local.state_dir.

    \b
    Examples:
      driftplane history                      every monitor and its latest run
      driftplane history churn --limit 30     one monitor's runs and a trend per feature
      driftplane history churn --json         the same as JSON
    """
    from driftplane.cli.history_view import show_history
    from driftplane.cli.output import closed_pipe_is_not_an_error

    with closed_pipe_is_not_an_error():  # `history | head -1` is not a failure
        show_history(monitor, spec_path, state_dir, limit, as_json)
