"""``driftplane compare``: drift and data-quality checks of two datasets."""

from __future__ import annotations

import sys

import click

from driftplane.cli.exit_codes import ExitCode
from driftplane.cli.options import header_option, json_option
from driftplane.spec.engines import ENGINES


@click.command("compare")
@click.argument("baseline")
@click.argument("target")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Write the reports here.")
@click.option(
    "--classifier",
    is_flag=True,
    help="Also measure dataset-level drift with a domain classifier (needs driftplane[classifier]).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="Compute the profiles in this process (local) or on Apache Spark (spark; needs driftplane[spark]).",
)
@header_option()
@header_option("baseline_header", help="Whether the baseline CSV has a header; overrides --header/--no-header.")
@header_option("target_header", help="Whether the target CSV has a header; overrides --header/--no-header.")
@json_option
@click.pass_context
def command(
    ctx: click.Context,
    baseline: str,
    target: str,
    out_dir: str | None,
    classifier: bool,
    engine: str,
    header: bool | None,
    baseline_header: bool | None,
    target_header: bool | None,
    as_json: bool,
) -> None:
    """Compare TARGET with BASELINE using default settings.

    BASELINE is a dataset (file, directory, glob or URI) or a SageMaker statistics.json;
    a constraints.json beside the statistics.json is used for the data-quality checks.
    With --out, writes statistics.json (the target's), constraints.json,
    constraint_violations.json and result.json there. Exit code 1 when drift or
    violations were found.

    \b
    Examples:
      driftplane compare train.parquet today.parquet
      driftplane compare baseline/statistics.json capture/ --out reports/ --json
      driftplane compare s3a://lake/train/ s3a://lake/today/ --engine spark
      driftplane compare train.csv capture.csv --no-target-header   # headerless target, by position
    """
    from driftplane.cli.output import console
    from driftplane.cli.progress import progress_reporter
    from driftplane.cli.render import render_result
    from driftplane.engine.api import compare
    from driftplane.spec.models import Checks, DataSource, DriftChecks

    def side(data: str, own: bool | None) -> DataSource:
        chosen = own if own is not None else header
        return DataSource(data=data, header=chosen if chosen is not None else True)

    checks = Checks(drift=DriftChecks(classifier=True)) if classifier else None
    with progress_reporter(enabled=not as_json) as report:
        result = compare(
            side(baseline, baseline_header),
            side(target, target_header),
            checks=checks,
            out_dir=out_dir,
            progress=report,
            engine=engine,  # type: ignore[arg-type]
        )
    if as_json:
        sys.stdout.write(result.to_json() + "\n")
    else:
        render_result(result, console())
        classifier_result = (result.dataset_drift or {}).get("classifier")
        if classifier_result and classifier_result.get("value") is not None:
            verdict = "drifted" if classifier_result["drifted"] else "not drifted"
            console().print(
                f"  domain classifier: Matthews correlation {classifier_result['value']:.3f} "
                f"(threshold {classifier_result['threshold']}): {verdict}"
            )
    if result.found_something:
        ctx.exit(ExitCode.FOUND)
