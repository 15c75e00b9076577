"""``driftplane run``: run monitors now, or backfill a range of windows."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime

import click

from driftplane.cli.common import load_for_provider
from driftplane.cli.exit_codes import ExitCode
from driftplane.cli.options import TIME, json_option, monitor_option, provider_option, spec_argument
from driftplane.cli.output import console
from driftplane.cli.render import render_result
from driftplane.errors import UsageError
from driftplane.provider import selected_monitors
from driftplane.result import RunResult
from driftplane.spec import Spec
from driftplane.spec.models import ENGINES


def with_engine(spec: Spec, engine: str | None) -> Spec:
    """The spec with every monitor's ``engine`` set to ``engine`` (``--engine``); unchanged for None."""
    if engine is None:
        return spec
    monitors = {name: monitor.model_copy(update={"engine": engine}) for name, monitor in spec.monitors.items()}
    return spec.model_copy(update={"monitors": monitors})


def backfill_count(spec: Spec, names: list[str], start: datetime, end: datetime) -> int:
    """How many windows a backfill runs, for the progress bar."""
    from driftplane.engine.monitor import backfill_windows

    return sum(len(backfill_windows(spec.monitor(n), start, end)) for n in selected_monitors(spec, names or None))


def with_progress(results: Iterable[RunResult], total: int) -> Iterator[RunResult]:
    """Yield the results while a progress bar on stderr counts windows."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("backfill"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console(stderr=True), transient=True) as progress:
        task = progress.add_task("windows", total=total)
        for result in results:
            progress.advance(task)
            yield result


@click.command("run")
@spec_argument
@provider_option
@monitor_option
@click.option("--at", "at", type=TIME, help="Run the window ending at this time (default: now).")
@click.option("--from", "start", type=TIME, help="Backfill: every window ending after this time...")
@click.option("--to", "end", type=TIME, help="...and at or before this one.")
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=None,
    help="Compute profiles here (local) or on Apache Spark (spark); overrides each monitor's 'engine:'.",
)
@json_option
@click.pass_context
def command(
    ctx: click.Context,
    spec_path: str | None,
    provider_name: str | None,
    monitor_names: tuple[str, ...],
    at: datetime | None,
    start: datetime | None,
    end: datetime | None,
    engine: str | None,
    as_json: bool,
) -> None:
    """Run monitors: read each target window, compare it with the baseline, write reports, alert.

    With --json, prints one result object per line (JSON Lines), in the format of
    docs/cli.md#result-json. Exit code 1 when any monitor found drift or violations.

    \b
    Examples:
      driftplane run examples/quickstart/monitors.yaml
      driftplane run monitors.yaml --monitor churn --at 2026-01-31
      driftplane run monitors.yaml --from 2026-01-01 --to 2026-02-01
      driftplane run monitors.yaml --engine spark
    """
    if at is not None and (start is not None or end is not None):
        raise UsageError("use either --at, or --from and --to, not both")
    if (start is None) != (end is None):
        raise UsageError("a backfill needs both --from and --to")
    if start is not None and end is not None and end <= start:
        raise UsageError(f"--to {end.isoformat()} is not after --from {start.isoformat()}")
    spec, provider = load_for_provider(spec_path, provider_name)
    spec = with_engine(spec, engine)
    found = failed = False
    out = console()
    results = provider.run(spec, monitors=list(monitor_names) or None, at=at, start=start, end=end)
    if start is not None and end is not None and not as_json and sys.stderr.isatty():
        results = with_progress(results, backfill_count(spec, list(monitor_names), start, end))
    for result in results:
        found = found or result.found_something
        failed = failed or result.status == "failed"
        if as_json:
            sys.stdout.write(json.dumps(result.model_dump(mode="json")) + "\n")
            sys.stdout.flush()
        else:
            render_result(result, out)
    if failed:
        ctx.exit(ExitCode.FAILURE)
    if found:
        ctx.exit(ExitCode.FOUND)
