"""The trend over past runs: run statuses over time and each feature's drift metric.

One drifted run is news; the fifth in a row is a pattern. The trend is about the data, so
it is ordered and labelled by each run's window, not by when the run happened: after a
backfill every run happened within a minute, and re-running an older window must put it
back in its place, not at the end. One cell per window: a window run again replaces the
earlier run of it (as it does in the history).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from driftplane.local.report_assets import charts
from driftplane.local.report_assets.features import FeatureView
from driftplane.local.report_assets.formats import number
from driftplane.local.report_assets.markup import Html, join, tag
from driftplane.local.report_assets.wording import metric_name, verdict
from driftplane.result import RunResult, Window

logger = logging.getLogger(__name__)

MAX_RUNS = 60
MAX_FEATURES = 25


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _when(run: RunResult) -> datetime | None:
    """Where a run goes on the time axis: its window's end (when it has none, when it ran)."""
    if run.window is not None:
        return _utc(run.window.end)
    return _utc(run.started_at) if run.started_at is not None else None


def _same_window(a: RunResult, b: RunResult) -> bool:
    if a is b or a == b:
        return True
    if a.window is None or b.window is None:
        return a.started_at is not None and a.started_at == b.started_at
    return _utc(a.window.start) == _utc(b.window.start) and _utc(a.window.end) == _utc(b.window.end)


def timeline(result: RunResult, history: Sequence[RunResult]) -> list[RunResult]:
    """The runs of the monitor by window, oldest first, one per window, ``result`` among them.

    A past run of ``result``'s window is left out (``result`` replaces it). When more than
    MAX_RUNS windows are known, the latest ones are kept, with ``result`` always in.
    """
    others = [run for run in history if run.monitor == result.monitor]
    if len(others) != len(history):
        logger.warning(
            "The report of monitor '%s' left out %d past run(s) of other monitors from its trend; "
            "pass only the runs of the monitor being reported.",
            result.monitor,
            len(history) - len(others),
        )
    runs = [result]
    for run in others:  # newest first: the first run seen of a window is the one kept
        if not any(_same_window(run, kept) for kept in runs):
            runs.append(run)
    if all(_when(run) is not None for run in runs):
        runs.sort(key=lambda run: _when(run))  # type: ignore[arg-type, return-value]
    else:
        runs = [*reversed(runs[1:]), result]
    current = next(i for i, run in enumerate(runs) if run is result)
    first = max(0, min(current, len(runs) - MAX_RUNS))
    return runs[first : first + MAX_RUNS]


def _short(moment: datetime) -> str:
    moment = _utc(moment)
    return f"{moment:%Y-%m-%d}" if (moment.hour, moment.minute) == (0, 0) else f"{moment:%Y-%m-%d %H:%M}"


def window_label(window: Window) -> str:
    """'2026-01-13 00:00 to 2026-01-14 00:00 UTC': the window a cell stands for."""
    return f"{_utc(window.start):%Y-%m-%d %H:%M} to {_utc(window.end):%Y-%m-%d %H:%M} UTC"


def run_label(run: RunResult, position: int) -> str:
    if run.window is not None:
        return window_label(run.window)
    when = _when(run)
    return f"run of {_short(when)}" if when is not None else f"run {position + 1}"


def _ending(run: RunResult, position: int) -> str:
    """'the window ending 2026-01-14', for the sentence above the strip."""
    if run.window is not None:
        return f"the window ending {_short(run.window.end)}"
    return run_label(run, position)


def status_chart(runs: Sequence[RunResult], current: RunResult | None = None) -> Html | None:
    current = current if current is not None else (runs[-1] if runs else None)
    marks = [
        charts.RunMark(
            run_label(run, i) + (" (this report)" if run is current else ""),
            run.status,
            len(run.drifted_features),
            verdict(run).headline,
            current=run is current,
        )
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
        applied = (
            drift.threshold if drift.effective_threshold is None else max(drift.threshold, drift.effective_threshold)
        )
        points.append(charts.TrendPoint(run_label(run, i), drift.value, applied, drift.drifted))
    return points


def feature_sparkline(
    view: FeatureView, runs: Sequence[RunResult], chart_id: str, *, compact: bool = False
) -> Html | None:
    """A feature's metric over the runs, or None with fewer than two runs to compare."""
    if len(runs) < 2 or view.feature.drift is None:
        return None
    points = feature_points(view.feature.name, runs)
    name = metric_name(view.feature.drift.metric)
    return charts.sparkline(chart_id, view.feature.name, name, points, compact=compact)


def trend_order(views: Sequence[FeatureView], runs: Sequence[RunResult], current: RunResult) -> list[FeatureView]:
    """Every feature with a drift metric: drifted now first, then drifted in an earlier run, then the rest.

    Within each group the report's own order holds (furthest above, or closest to, the threshold first).
    """
    drifted_before = {f.name for run in runs if run is not current for f in run.drifted_features}
    measured = [v for v in views if v.feature.drift is not None]

    def group(view: FeatureView) -> int:
        if view.status == "drifted":
            return 0
        return 1 if view.feature.name in drifted_before else 2

    return sorted(measured, key=group)  # stable: the report's order within a group


def trend_section(views: Sequence[FeatureView], runs: Sequence[RunResult], current: RunResult | None = None) -> Html:
    """The section: the status strip, then a sparkline per feature, drifted (now or lately) first."""
    heading = tag("h2", "Trend over the last runs", id="trend-heading")
    if len(runs) < 2:
        return tag(
            "section",
            heading,
            tag(
                "p",
                "No earlier runs of this monitor are recorded yet; the trend appears from the second run on.",
                class_="muted",
            ),
            id="trend",
            aria_labelledby="trend-heading",
        )
    key = tag(
        "p",
        "Oldest window on the left. Each cell is one window's run: ✓ no drift and no violations, D drift, "
        "V violations, D+V both, ✗ failed; the bar above it counts the drifted features; the outlined cell "
        "is this report's. Hover a cell for its window.",
        class_="muted",
    )
    current = current if current is not None else runs[-1]
    chosen = trend_order(views, runs, current)
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
            tag("h3", "Drift metric of each feature"),
            tag(
                "p",
                "The line is the metric in each run; the dashed line the "
                "threshold; filled dots are runs where the feature drifted.",
                class_="muted",
            ),
            tag(
                "table",
                tag(
                    "thead",
                    tag(
                        "tr",
                        tag("th", "Feature", scope="col"),
                        tag("th", "Metric over time", scope="col"),
                        tag("th", "Now and before", scope="col"),
                    ),
                ),
                tag("tbody", rows),
                class_="trendtable",
            ),
            tag("p", f"… and {more:,} more features; each feature's card shows its trend.", class_="muted")
            if more > 0
            else None,
        )
    return tag(
        "section",
        heading,
        tag(
            "p",
            f"The last {len(runs)} windows of this monitor, from {_ending(runs[0], 0)} "
            f"to {_ending(runs[-1], len(runs) - 1)}.",
        ),
        tag("figure", status_chart(runs, current), key),
        table,
        id="trend",
        aria_labelledby="trend-heading",
    )
