"""``driftplane run``: run monitors now, or backfill a range of windows."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

from driftplane.cli.exit_codes import ExitCode
from driftplane.cli.options import TIME, json_option, monitor_option, provider_option, spec_argument
from driftplane.errors import UsageError
from driftplane.spec.engines import ENGINES

if TYPE_CHECKING:
    from rich.console import Console
    from rich.file_proxy import FileProxy
    from rich.progress import Progress, TaskID

    from driftplane.result import RunResult
    from driftplane.spec import Spec


def with_engine(spec: Spec, engine: str | None) -> Spec:
    """The spec with every monitor's ``engine`` set to ``engine`` (``--engine``); unchanged for None."""
    if engine is None:
        return spec
    monitors = {name: monitor.model_copy(update={"engine": engine}) for name, monitor in spec.monitors.items()}
    return spec.model_copy(update={"monitors": monitors})


def backfill_count(spec: Spec, names: list[str], start: datetime, end: datetime) -> int:
    """How many windows a backfill runs, for the progress bar."""
    from driftplane.provider import selected_monitors
    from driftplane.resolved import resolve_monitor

    return sum(
        len(resolve_monitor(spec, n).windows.backfill(start, end)) for n in selected_monitors(spec, names or None)
    )


def refuse_future(option: str, when: datetime) -> None:
    """UsageError when --at or --to is in the future: such a window has no data yet, and once
    judged it would make every real window after it look older, silencing its alerts."""
    from driftplane.windows import FUTURE_ALLOWANCE, iso_z

    now = datetime.now(UTC)
    if when <= now + FUTURE_ALLOWANCE:
        return
    raise UsageError(
        f"{option} {iso_z(when)} is in the future (it is now {iso_z(now)}). A window that has not ended "
        "has no complete data, and judging it would make every later run look older, so alerts could "
        f"not fire. Give a time up to now ({option} "
        f"now){' or leave --at out for the latest scheduled window' if option == '--at' else ''}."
    )


def refuse_huge_backfill(spec: Spec, names: list[str], start: datetime, end: datetime) -> None:
    """UsageError when a backfill would run more than MAX_BACKFILL_WINDOWS windows (run --yes)."""
    from driftplane.engine.loop import MAX_BACKFILL_WINDOWS, count_windows
    from driftplane.windows import iso_z

    counts = count_windows(spec, names or None, start, end, limit=MAX_BACKFILL_WINDOWS)
    if sum(counts.values()) <= MAX_BACKFILL_WINDOWS:
        return
    many = ", ".join(f"{name} ({spec.monitor(name).schedule})" for name, count in counts.items() if count)
    raise UsageError(
        f"the backfill from {iso_z(start)} to {iso_z(end)} would run more than {MAX_BACKFILL_WINDOWS:,} windows "
        f"(of {many}). Narrow --from and --to, pick monitors with --monitor, or add --yes to run them all."
    )


class BackfillDisplay:
    """Where a backfill's lines go, and its progress bar on a terminal.

    Every line meant for the terminal (results, and log lines written to it) is printed
    through the progress bar's console, which clears the bar first and draws it again
    below: printed around it, a stale copy of the bar is glued to the front of each line.
    """

    def __init__(self, out: Console, total: int | None) -> None:
        self.out = out
        self.total = total
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._swapped: list[tuple[logging.StreamHandler[Any], Any, FileProxy]] = []

    def __enter__(self) -> BackfillDisplay:
        if self.total is None:
            return self
        from rich.file_proxy import FileProxy
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        from driftplane.cli.output import console

        columns = (TextColumn("backfill"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        # No redirection of sys.stdout: results written to a file must stay in that file.
        self._progress = Progress(
            *columns, console=console(stderr=True), transient=True, redirect_stdout=False, redirect_stderr=False
        )
        self._progress.__enter__()
        self._task = self._progress.add_task("windows", total=self.total)
        if sys.stdout.isatty():
            self.out = self._progress.console
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.FileHandler) or not isinstance(handler, logging.StreamHandler):
                continue
            if _is_terminal(handler.stream):
                proxy = FileProxy(self._progress.console, handler.stream)
                self._swapped.append((handler, handler.stream, proxy))
                handler.setStream(proxy)
        return self

    def advance(self) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task)

    def __exit__(self, *exc: object) -> None:
        if self._progress is None:
            return
        for handler, stream, proxy in self._swapped:
            proxy.flush()
            handler.setStream(stream)
        self._progress.__exit__(None, None, None)


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def backfill_summary(results: list[RunResult]) -> str:
    """'Backfill of 12 windows: 8 ok, 3 with drift, 2 with violations, 1 failed.'

    With model quality, windows whose final judgement failed a check are counted too, and are
    not 'ok': '... 2 with violations, 4 below a performance check (final), 1 failed.'
    """
    def below(result: RunResult) -> bool:
        return result.performance is not None and result.performance.failed_final

    ok = sum(1 for r in results if r.status == "ok" and not below(r))
    drifted = sum(1 for r in results if r.status in ("drift", "drift_and_violations"))
    violated = sum(1 for r in results if r.status in ("violations", "drift_and_violations"))
    failed = sum(1 for r in results if r.status == "failed")
    count = len(results)
    judged = any(r.performance is not None for r in results)
    quality = f"{sum(map(below, results))} below a performance check (final), " if judged else ""
    return (
        f"Backfill of {count} window{'s' if count != 1 else ''}: {ok} ok, {drifted} with drift, "
        f"{violated} with violations, {quality}{failed} failed."
    )


@click.command("run")
@spec_argument
@provider_option
@monitor_option
@click.option(
    "--at",
    "at",
    type=TIME,
    help="Run the window ending at this time (default: the window ending at the schedule's last time).",
)
@click.option("--from", "start", type=TIME, help="Backfill: every window ending after this time...")
@click.option("--to", "end", type=TIME, help="...and at or before this one (not in the future).")
@click.option(
    "--yes",
    "-y",
    "confirmed",
    is_flag=True,
    help="Run a backfill even when it has more than 10,000 windows.",
)
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
    confirmed: bool,
    engine: str | None,
    as_json: bool,
) -> None:
    """Run monitors: read each target window, compare it with the baseline, write reports, alert.

    With --json, prints one result object per line (JSON Lines), in the format of
    docs/cli.md#result-json. Exit code 1 when any monitor found drift or violations, or a
    performance check failed on a final judgement (docs/model-quality.md); 3 when a window failed
    (each failure is an error line on stderr). --at and --to may not be in
    the future; a backfill of more than 10,000 windows needs --yes.

    \b
    Examples:
      driftplane run examples/quickstart/monitors.yaml
      driftplane run monitors.yaml --monitor churn --at 2026-01-31
      driftplane run monitors.yaml --from 2026-01-01 --to 2026-02-01
      driftplane run monitors.yaml --engine spark
    """
    from driftplane.cli.common import load_for_provider
    from driftplane.cli.output import closed_pipe_is_not_an_error, console
    from driftplane.cli.render import render_result

    if at is not None and (start is not None or end is not None):
        raise UsageError("use either --at, or --from and --to, not both")
    if (start is None) != (end is None):
        raise UsageError("a backfill needs both --from and --to")
    if start is not None and end is not None and end <= start:
        raise UsageError(f"--to {end.isoformat()} is not after --from {start.isoformat()}")
    if at is not None:
        refuse_future("--at", at)
    if end is not None:
        refuse_future("--to", end)
    spec, provider = load_for_provider(spec_path, provider_name)
    spec = with_engine(spec, engine)
    if start is not None and end is not None and not confirmed:
        refuse_huge_backfill(spec, list(monitor_names), start, end)
    found = failed = False
    backfill = start is not None and end is not None
    total = None
    if backfill and not as_json and sys.stderr.isatty():
        total = backfill_count(spec, list(monitor_names), start, end)  # type: ignore[arg-type]
    seen: list[RunResult] = []
    out = console()
    with closed_pipe_is_not_an_error():
        with BackfillDisplay(out, total) as display:
            for result in provider.run(spec, monitors=list(monitor_names) or None, at=at, start=start, end=end):
                seen.append(result)
                found = found or result.found_something
                failed = failed or result.status == "failed"
                if as_json:
                    sys.stdout.write(json.dumps(result.model_dump(mode="json")) + "\n")
                    sys.stdout.flush()
                else:
                    render_result(result, display.out)
                display.advance()
        if backfill and not as_json and seen:
            out.print(backfill_summary(seen), markup=False)  # the bar is gone by now
    if failed:
        ctx.exit(ExitCode.FAILURE)
    if found:
        ctx.exit(ExitCode.FOUND)
