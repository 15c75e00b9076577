"""``driftplane profile``: statistics of one dataset, in SageMaker's format."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from driftplane.cli.options import header_option, json_option

TOP_VALUES = 3


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


@click.command("profile")
@click.argument("data")
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False), help="Write statistics.json and constraints.json here."
)
@header_option()
@json_option
def command(data: str, out_dir: str | None, header: bool | None, as_json: bool) -> None:
    """Profile DATA (a file, directory, glob or URI).

    Prints a summary per column; --json prints SageMaker's statistics.json instead. With
    --out, writes statistics.json and constraints.json (suggested as SageMaker suggests
    them), which `driftplane compare` and SageMaker Model Monitor can use as a baseline.

    \b
    Examples:
      driftplane profile train.parquet
      driftplane profile data/train.csv --out baseline/
      driftplane profile scored.csv --no-header      # columns _c0, _c1, ...
    """
    from rich.table import Table

    from driftplane.cli.output import console
    from driftplane.cli.progress import progress_reporter
    from driftplane.engine.api import CONSTRAINTS_FILE, STATISTICS_FILE, profile
    from driftplane.engine.constraints import suggest_constraints
    from driftplane.engine.sagemaker import write_constraints, write_statistics
    from driftplane.engine.summary import infinite_values_note
    from driftplane.spec.models import DataSource

    source = DataSource(data=data, header=header if header is not None else True)
    with progress_reporter(enabled=not as_json) as report:
        result = profile(source, progress=report)
    written: list[Path] = []
    if out_dir is not None:
        written.append(write_statistics(result, Path(out_dir) / STATISTICS_FILE))
        written.append(write_constraints(suggest_constraints(result), Path(out_dir) / CONSTRAINTS_FILE))
    if as_json:
        sys.stdout.write(json.dumps(result.to_statistics(), indent=2, allow_nan=False, default=str) + "\n")
        return
    out = console()
    out.print(f"{data}: {result.rows:,} rows, {len(result.columns)} columns")
    table = Table(show_edge=False, pad_edge=False, box=None)
    table.add_column("column", overflow="fold")
    table.add_column("type", no_wrap=True, min_width=10)
    for heading in ("present", "missing", "distinct"):
        table.add_column(heading, justify="right", no_wrap=True)
    table.add_column("summary", overflow="fold")
    for column in result.columns.values():
        numeric = column.numeric if column.inferred_type in ("Integral", "Fractional") else None
        distinct = column.distinct_count()
        if numeric is not None and numeric.count:
            summary = (
                f"min {_number(numeric.min)}, mean {_number(numeric.mean)}, "
                f"std {_number(numeric.std)}, max {_number(numeric.max)}"
            )
        elif column.categorical is not None and column.categorical.total:
            top = [(v, c) for v, c in column.categorical.top(TOP_VALUES).items() if v != "__other__"]
            summary = ", ".join(f"{value} {count / max(column.present, 1):.0%}" for value, count in top)
        else:
            summary = ""
        table.add_row(
            f"  {column.name}",
            column.inferred_type,
            f"{column.present:,}",
            f"{column.missing:,}",
            "" if distinct is None else f"{distinct:,.0f}",
            summary,
        )
    out.print(table)
    infinite = [infinite_values_note(column) for column in result.columns.values()]
    for message in [*result.messages, *(note for note in infinite if note is not None)]:
        out.print(f"  note: {message}")
    for path in written:
        out.print(f"  wrote {path}")
