"""The trend over past runs: run statuses over time and each drifted feature's metric.

One drifted run is news; the fifth in a row is a pattern. The history store hands over the
last runs newest first, possibly including the run being reported; this module puts them in
time order, oldest first, with the current run last and never twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from driftplane.local.report_assets import charts
from driftplane.local.report_assets.features import FeatureView
from driftplane.local.report_assets.formats import number, timestamp
from driftplane.local.report_assets.markup import Html, join, tag
from driftplane.local.report_assets.wording import metric_name, verdict
from driftplane.result import RunResult

logger = logging.getLogger(__name__)

MAX_RUNS = 60
MAX_FEATURES = 25


def _when(run: RunResult) -> datetime | None:
    if run.started_at is not None:
        return run.started_at
    return run.window.end if run.window is not None else None


def _same_run(a: RunResult, b: RunResult) -> bool:
    if a == b:
        return True
    return a.started_at is not None and a.started_at == b.started_at and a.window == b.window


def timeline(result: RunResult, history: Sequence[RunResult]) -> list[RunResult]:
    """Past runs of the same monitor and the current one, oldest first, the current run last."""
    others = [run for run in history if run.monitor == result.monitor]
    if len(others) != len(history):
        logger.warning(
            "The report of monitor '%s' left out %d past run(s) of other monitors from its trend; "
            "pass only the runs of the monitor being reported.",
            result.monitor,
            len(history) - len(others),
        )
    past = [run for run in reversed(others) if not _same_run(run, result)]
    if all(_when(run) is not None for run in past):
        past.sort(key=lambda run: _when(run))  # type: ignore[arg-type, return-value]
    return [*past[-(MAX_RUNS - 1) :], result]


def run_label(run: RunResult, position: int) -> str:
    when = _when(run)
    return timestamp(when) if when is not None else f"run {position + 1}"


def status_chart(runs: Sequence[RunResult]) -> Html | None:
    marks = [
        charts.RunMark(run_label(run, i), run.status, len(run.drifted_features), verdict(run).headline)
        for i, run in enumerate(runs)
    ]
    return charts.status_strip("runs", marks)


def feature_points(name: str, runs: Sequence[RunResult]) -> list[charts.TrendPoint]:
    """The feature's metric in each run (None where the run did not measure it)."""
    points = []
    for i, run in enumerate(runs):
        found = next((f for f in run.features if f.name == name), None)
        drift = found.drift if found is not None else None
        if drift is None:
            points.append(charts.TrendPoint(run_label(run, i), None, None, False))
            continue
        applied = drift.threshold if drift.effective_threshold is None else max(drift.threshold, drift.effective_threshold)
        points.append(charts.TrendPoint(run_label(run, i), drift.value, applied, drift.drifted))
    return points


def feature_sparkline(view: FeatureView, runs: Sequence[RunResult], chart_id: str) -> Html | None:
    """A feature's metric over the runs, or None with fewer than two runs to compare."""
    if len(runs) < 2 or view.feature.drift is None:
        return None
    points = feature_points(view.feature.name, runs)
    return charts.sparkline(chart_id, view.feature.name, metric_name(view.feature.drift.metric), points)


def trend_section(views: Sequence[FeatureView], runs: Sequence[RunResult]) -> Html:
    """The section: the status strip, then a sparkline per drifted (or recently drifted) feature."""
    heading = tag("h2", "Trend over the last runs", id="trend-heading")
    if len(runs) < 2:
        return tag(
            "section",
            heading,
            tag("p", "No earlier runs of this monitor are recorded yet; the trend appears from the second run on.", class_="muted"),
            id="trend",
            aria_labelledby="trend-heading",
        )
    key = tag(
        "p",
        "Oldest run on the left. Each cell is one run: ✓ no drift and no violations, D drift, V violations, "
        "D+V both, ✗ failed; the bar above it counts the drifted features. Hover a cell for its time.",
        class_="muted",
    )
    drifted_before = {f.name for run in runs[:-1] for f in run.drifted_features}
    chosen = [v for v in views if v.status == "drifted" or v.feature.name in drifted_before]
    rows = []
    for view in chosen[:MAX_FEATURES]:
        spark = feature_sparkline(view, runs, f"trend-{view.index}")
        if spark is None:
            continue
        times = sum(1 for p in feature_points(view.feature.name, runs) if p.drifted)
        rows.append(
            tag(
                "tr",
                tag("th", tag("a", view.feature.name, href=f"#{view.anchor}"), scope="row"),
                tag("td", spark),
                tag(
                    "td",
                    f"now {number(view.feature.drift.value) if view.feature.drift else '—'}; "
                    f"drifted in {times} of {len(runs)} runs",
                    " (not now)" if view.status != "drifted" else "",
                ),
            )
        )
    table = None
    if rows:
        more = len(chosen) - MAX_FEATURES
        table = join(
            tag("h3", "Drift metric of the drifted features"),
            tag("p", "The line is the metric in each run; the dashed line the threshold; filled dots are runs where the feature drifted.", class_="muted"),
            tag(
                "table",
                tag("thead", tag("tr", tag("th", "Feature", scope="col"), tag("th", "Metric over time", scope="col"), tag("th", "Now and before", scope="col"))),
                tag("tbody", rows),
                class_="trendtable",
            ),
            tag("p", f"… and {more:,} more features that drifted; see their cards.", class_="muted") if more > 0 else None,
        )
    return tag(
        "section",
        heading,
        tag("p", f"The last {len(runs)} runs of this monitor, from {run_label(runs[0], 0)} to {run_label(runs[-1], len(runs) - 1)}."),
        tag("figure", status_chart(runs), key),
        table,
        id="trend",
        aria_labelledby="trend-heading",
    )
