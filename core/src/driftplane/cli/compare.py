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
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False), help="Write the HTML report and the JSON files here."
)
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
@click.option(
    "--include", multiple=True, metavar="COLUMN", help="Only this column (repeat for several): features.include."
)
@click.option(
    "--exclude", multiple=True, metavar="COLUMN", help="Never this column (ids, labels, timestamps): features.exclude."
)
@click.option(
    "--categorical",
    multiple=True,
    metavar="COLUMN",
    help="Treat this column as categorical whatever its type (codes): features.categorical.",
)
@click.option(
    "--numerical", multiple=True, metavar="COLUMN", help="Treat this column as numerical: features.numerical."
)
@click.option(
    "--metric",
    "metrics",
    multiple=True,
    metavar="[KIND=|FEATURE=]METRIC",
    help="Drift metric: for every kind it applies to, for numerical= or categorical= features, or for one "
    "FEATURE= (checks.drift). Names: docs/concepts.md, Drift metrics.",
)
@click.option(
    "--threshold",
    "thresholds",
    multiple=True,
    metavar="[KIND=|FEATURE=]VALUE",
    help="Drift threshold, above which a feature has drifted: for both kinds, numerical=, categorical= "
    "or one FEATURE= (checks.drift; default 0.1).",
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
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    categorical: tuple[str, ...],
    numerical: tuple[str, ...],
    metrics: tuple[str, ...],
    thresholds: tuple[str, ...],
    header: bool | None,
    baseline_header: bool | None,
    target_header: bool | None,
    as_json: bool,
) -> None:
    """Compare TARGET with BASELINE using default settings.

    BASELINE is a dataset (file, directory, glob or URI) or a SageMaker statistics.json;
    a constraints.json beside the statistics.json is used for the data-quality checks.
    The options --include, --exclude, --categorical, --numerical, --metric and --threshold
    mean what a monitor's features: and checks.drift: keys mean. With --out, writes
    report.html (the report run writes), statistics.json (the target's), constraints.json,
    constraint_violations.json and result.json there. Exit code 1 when drift or violations
    were found.

    \b
    Examples:
      driftplane compare train.parquet today.parquet
      driftplane compare baseline/statistics.json capture/ --out reports/ --json
      driftplane compare s3a://lake/train/ s3a://lake/today/ --engine spark
      driftplane compare train.csv capture.csv --no-target-header   # headerless target, by position
      driftplane compare train.parquet today.parquet --exclude customer_id --categorical area_code
      driftplane compare train.parquet today.parquet --metric numerical=psi --threshold numerical=0.2
    """
    from driftplane.cli.compare_options import drift_settings, feature_selection
    from driftplane.cli.output import console
    from driftplane.cli.progress import progress_reporter
    from driftplane.cli.render import render_result
    from driftplane.engine.api import compare
    from driftplane.spec.models import Checks, DataSource

    def side(data: str, own: bool | None) -> DataSource:
        chosen = own if own is not None else header
        return DataSource(data=data, header=chosen if chosen is not None else True)

    checks = Checks(drift=drift_settings(metrics, thresholds, classifier))
    features = feature_selection(include, exclude, categorical, numerical)
    with progress_reporter(enabled=not as_json) as report:
        result = compare(
            side(baseline, baseline_header),
            side(target, target_header),
            checks=checks,
            features=features,
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
