"""What ``driftplane history`` shows: tables of past runs and per-feature trends, or JSON."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from driftplane.cli.output import console, print_json
from driftplane.errors import SpecError, UsageError
from driftplane.local.history import (
    FeatureTrend,
    HistoryStore,
    Judgement,
    MonitorSummary,
    PerformanceTrend,
    RunRecord,
)
from driftplane.spec import Spec
from driftplane.spec.names import require_name
from driftplane.spec.problems import suggest_then
from driftplane.windows import FUTURE_ALLOWANCE

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None], top: float | None = None) -> str:
    """One bar per value, scaled from 0 to ``top`` (default: the largest value); gaps for None."""
    known = [v for v in values if v is not None]
    scale = max([*known, top or 0.0], default=0.0)
    out = []
    for value in values:
        if value is None:
            out.append(" ")
        elif scale <= 0:
            out.append(BARS[0])
        else:
            out.append(BARS[max(0, min(len(BARS) - 1, round(value / scale * (len(BARS) - 1))))])
    return "".join(out)


def _load_spec(spec_path: str | None, state_dir: str | None) -> Spec | None:
    """The spec to read: --spec, else monitors.yaml here unless --state-dir makes it unneeded."""
    from driftplane.spec import find_spec, load_spec

    if spec_path is None and state_dir is not None:
        return None
    try:
        path = find_spec(spec_path)
    except SpecError:
        raise UsageError(
            "no spec found here (monitors.yaml or driftplane.yaml); pass --spec PATH to read "
            "the state directory it configures, or --state-dir DIR"
        ) from None
    return load_spec(path)


def _state_dir(spec: Spec | None, state_dir: str | None) -> Path:
    """--state-dir, else the spec's providers.local.state_dir relative to the spec file."""
    if state_dir is not None:
        return Path(state_dir)
    from driftplane.local.provider import LocalProvider
    from driftplane.local.settings import LocalSettings

    assert spec is not None
    settings = LocalProvider.validate_settings(spec.providers.get("local") or {}, spec=spec)
    assert isinstance(settings, LocalSettings)
    configured = Path(settings.state_dir)
    return configured if configured.is_absolute() else spec.base_dir / configured


def _no_runs(monitor: str, database: Path, summaries: list[MonitorSummary]) -> str:
    """What to say when ``monitor`` has no runs: the monitors that do, and the closest one."""
    if not summaries:
        return f"Monitor '{monitor}' has no runs recorded in {database}; no monitor has any yet."
    names = [s.monitor for s in summaries]
    return suggest_then(
        f"Monitor '{monitor}' has no runs recorded in {database}",
        monitor,
        names,
        f"monitors with runs: {', '.join(names)}.",
    )


def _has_runs(directory: Path, monitor: str) -> bool:
    with HistoryStore.open(directory, create=False) as store:
        return bool(store.records(monitor, limit=1))


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def _window(record: RunRecord) -> str:
    """'2026-01-14 (1d)' or '2026-01-14 06:00 (1h)': the start and the length, compactly."""
    window = record.result.window
    if window is None:
        return f"no window, run {record.recorded_at:%Y-%m-%d %H:%M}"
    start = (
        f"{window.start:%Y-%m-%d}"
        if (window.start.hour, window.start.minute) == (0, 0)
        else f"{window.start:%Y-%m-%d %H:%M}"
    )
    text = f"{start} ({_duration((window.end - window.start).total_seconds())})"
    if window.end > datetime.now(UTC) + FUTURE_ALLOWANCE:
        text += ", in the future"
    return text


_STATUS_STYLE = {
    "ok": "green",
    "drift": "red",
    "violations": "yellow",
    "drift_and_violations": "red",
    "failed": "bold red",
}
_STATUS_SHORT = {"drift_and_violations": "drift+violations"}


def _runs_table(records: list[RunRecord], title: str) -> Table:
    table = Table(
        title=title,
        title_justify="left",
        caption="Windows in UTC; rows: of the target window (--json has the baseline's too).",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("window", no_wrap=True)
    table.add_column("status")
    table.add_column("rows", justify="right")
    table.add_column("drifted features", overflow="fold")
    table.add_column("violations", justify="right")
    table.add_column("duration", justify="right")
    for record in records:
        result = record.result
        if result.status == "failed":
            findings = Text(result.error or "failed", style="dim")
            violations = ""
        else:
            drifted = [f.name for f in result.drifted_features]
            checked = len(result.measured_features)
            shown = ", ".join(drifted[:4]) + (f" +{len(drifted) - 4}" if len(drifted) > 4 else "")
            findings = Text(f"{len(drifted)} of {checked}" + (f": {shown}" if drifted else ""))
            violations = str(len(result.violations))
        row: list[str | Text] = [
            _window(record),
            Text(_STATUS_SHORT.get(result.status, result.status), style=_STATUS_STYLE.get(result.status, "")),
            f"{result.rows.target:,}",
            findings,
            violations,
            f"{result.duration_seconds:.1f}s" if result.duration_seconds is not None else "",
        ]
        table.add_row(*row)
    return table


def _monitors_table(summaries: list[MonitorSummary], latest: dict[str, RunRecord], database: Path) -> Table:
    table = Table(
        title=f"Monitors with history in {database}", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False
    )
    table.add_column("monitor", overflow="fold")
    table.add_column("runs", justify="right")
    table.add_column("last window", no_wrap=True)
    table.add_column("last status")
    table.add_column("drifted features in the last run", overflow="fold")
    for summary in summaries:
        record = latest[summary.monitor]
        result = record.result
        if result.status == "failed":
            findings = Text(result.error or "failed", style="dim")
        else:
            findings = Text(", ".join(f.name for f in result.drifted_features) or "none")
        table.add_row(
            summary.monitor,
            str(summary.runs),
            _window(record),
            Text(_STATUS_SHORT.get(result.status, result.status), style=_STATUS_STYLE.get(result.status, "")),
            findings,
        )
    return table


def _trend_cell(trend: FeatureTrend) -> Text:
    line = sparkline([p.value for p in trend.points], top=trend.threshold)
    text = Text()
    for char, point in zip(line, trend.points, strict=True):
        text.append(char, style="bold red" if point.drifted else "green")
    return text


# Least room the trend table's other columns get beside the sparkline: metric and 'drifted in'
# folded to 8, latest, threshold, and two characters between and around six columns.
_TREND_RESERVED = 8 + 8 + 7 + 9 + 12


def _trends_table(trends: list[FeatureTrend], runs: int, width: int) -> Table:
    """One row per feature, its name always visible.

    rich shrinks only foldable columns when a table is too wide, so with every other column
    no_wrap the feature name was squeezed to nothing at 80 columns. The feature column gets
    a fixed width (its longest name when there is room, folded otherwise), the sparkline
    stays whole, and the metric and 'drifted in' columns fold instead.
    """
    longest = max((len(t.feature) for t in trends), default=8)
    points = max((len(t.points) for t in trends), default=0)
    feature_width = max(8, min(longest, width - points - _TREND_RESERVED))
    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        title=f"Drift per feature over the last {runs} run{'s' if runs != 1 else ''} (oldest to newest; red: drifted)",
        title_justify="left",
        padding=(0, 1, 0, 0),  # one space of padding, not two: room matters at 80 columns
    )
    table.add_column("feature", overflow="fold", width=feature_width)
    table.add_column("metric", overflow="fold")
    table.add_column("trend", no_wrap=True)
    table.add_column("latest", justify="right", no_wrap=True)
    table.add_column("threshold", justify="right", no_wrap=True)
    table.add_column("drifted in")
    for trend in trends:
        latest = trend.points[-1].value if trend.points else None
        table.add_row(
            trend.feature,
            trend.metric or "",
            _trend_cell(trend),
            "n/a" if latest is None else f"{latest:.3g}",
            "" if trend.threshold is None else f"{trend.threshold:g}",
            f"{trend.drifted_runs} of {len(trend.points)} runs",
        )
    return table


_JUDGED_STYLE = {"final": "", "provisional": "yellow", "estimated": "cyan", "none": "dim"}


def _coverage(judgement: Judgement) -> str:
    coverage = judgement.coverage
    if coverage.share is None:
        return f"none of {coverage.predictions:,}"
    return f"{coverage.share:.0%} of {coverage.predictions:,}"


def _window_text(window: Any, recorded_at: Any) -> str:
    if window is None:
        return f"no window, run {recorded_at:%Y-%m-%d %H:%M}"
    start = window.start
    text = f"{start:%Y-%m-%d}" if (start.hour, start.minute) == (0, 0) else f"{start:%Y-%m-%d %H:%M}"
    return f"{text} ({_duration((window.end - window.start).total_seconds())})"


def _checked_metrics(judgement: Judgement) -> Text:
    """The metrics with a check (all when none is checked): realised value, then ~estimate; red when failed."""
    metrics = judgement.performance.metrics
    checked = [m for m in metrics if m.threshold is not None] or metrics
    text = Text()
    for index, name in enumerate(dict.fromkeys(m.name for m in checked)):
        text.append(", " if index else "")
        text.append(name)
        for metric in (m for m in checked if m.name == name):
            value = "n/a" if metric.value is None else f"{metric.value:.3g}"
            text.append(f" ~{value}" if metric.estimated else f" {value}", style="bold red" if metric.failed else "")
    return text


def _judgements_table(judgements: list[Judgement]) -> Table:
    """Every judgement, a window judged provisional then final showing both (the current one marked)."""
    table = Table(
        title="Model quality judgements (newest window first; * the window's current judgement)",
        title_justify="left",
        caption="labelled: share of the window's predictions with a label so far; ~: an estimate (CBPE/DLE) "
        "made before the labels landed.",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    table.add_column("window", no_wrap=True)
    table.add_column("judged", no_wrap=True)
    table.add_column("labelled", justify="right", no_wrap=True)
    table.add_column("checked metrics", overflow="fold", min_width=20)
    table.add_column("recorded", no_wrap=True)
    for judgement in judgements:
        table.add_row(
            _window_text(judgement.window, judgement.recorded_at),
            Text(
                f"{judgement.judged}{' *' if judgement.current else ''}",
                style=_JUDGED_STYLE.get(judgement.judged, ""),
            ),
            _coverage(judgement),
            _checked_metrics(judgement),
            f"{judgement.recorded_at:%m-%d %H:%M}",
        )
    return table


def ranged_sparkline(values: list[float | None], marks: list[float | None]) -> str:
    """One bar per value, scaled between the smallest and largest of the values and ``marks``
    (a threshold, the baseline): accuracy moving from 0.93 to 0.65 must show, not two tall bars."""
    known = [v for v in [*values, *marks] if v is not None and math.isfinite(v)]
    low, high = min(known, default=0.0), max(known, default=0.0)
    out = []
    for value in values:
        if value is None or not math.isfinite(value):
            out.append(" ")
        elif high <= low:
            out.append(BARS[len(BARS) // 2])
        else:
            out.append(BARS[round((value - low) / (high - low) * (len(BARS) - 1))])
    return "".join(out)


def _performance_cell(trend: PerformanceTrend) -> Text:
    """Bars between the lowest and highest value; red past the threshold, yellow provisional, cyan estimated."""
    line = ranged_sparkline([p.value for p in trend.points], [trend.threshold])
    text = Text()
    for char, point in zip(line, trend.points, strict=True):
        text.append(char, style="bold red" if point.failed else _JUDGED_STYLE.get(point.judged) or "green")
    return text


# Columns of the quality table beside the metric name and the trend: latest (~0.123), judged
# (provisional), labelled, threshold (>=0.898), failed (10 of 30), a space after each column,
# and two to spare (rich's layout rounds).
_QUALITY_RESERVED = 6 + 11 + 8 + 9 + 8 + 7 + 2
# Without checks, the metrics a table shows first (the rest are in --json).
_HEADLINE = ("accuracy", "auc", "f1", "weighted_f1", "macro_f1", "rmse", "mae", "r2")


def _shown_trends(trends: list[PerformanceTrend]) -> tuple[list[PerformanceTrend], int]:
    """The checked metrics (or a few headline ones when none is checked), and how many are left out."""
    checked = {t.metric for t in trends if t.threshold is not None}
    if checked:
        shown = [t for t in trends if t.metric in checked]
    else:
        names = [n for n in _HEADLINE if any(t.metric == n for t in trends)] or [t.metric for t in trends][:3]
        shown = [t for t in trends if t.metric in names[:3]]
    return shown, len({t.metric for t in trends}) - len({t.metric for t in shown})


def _performance_table(trends: list[PerformanceTrend], width: int) -> Table:
    """One row per checked metric (its estimate on a row of its own, marked ~), the trend whole.

    Like the drift table: the name gets the width of the longest, the sparkline keeps one
    character per window (the oldest dropped when the terminal is too narrow).
    """
    shown, hidden = _shown_trends(trends)
    names = [f"~{t.metric}" if t.estimated else t.metric for t in shown]
    name_width = max((len(n) for n in names), default=6)
    windows = max((len(t.points) for t in shown), default=0)
    room = max(8, width - name_width - _QUALITY_RESERVED)
    drawn = min(windows, room)
    plural_s = "s" if drawn != 1 else ""
    title = f"Model quality over the last {drawn} judged window{plural_s} (oldest to newest; red: past the threshold)"
    caption = "~: an estimate made before the labels; labelled: the newest window's share of labelled predictions."
    if hidden:
        caption += f" {hidden} unchecked metric{'s' if hidden != 1 else ''} left out: --json has every metric."
    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        title=title,
        title_justify="left",
        caption=caption,
        caption_justify="left",
        padding=(0, 1, 0, 0),
    )
    table.add_column("metric", no_wrap=True, min_width=name_width)
    table.add_column("trend", no_wrap=True)
    table.add_column("latest", justify="right", no_wrap=True)
    table.add_column("judged", no_wrap=True)
    table.add_column("labelled", justify="right", no_wrap=True)
    table.add_column("threshold", justify="right", no_wrap=True)
    table.add_column("failed", no_wrap=True)
    for name, trend in zip(names, shown, strict=True):
        points = trend.points[-drawn:]
        last = points[-1]
        bound = {"min": ">=", "max": "<="}.get(trend.direction or "", "")
        latest = "n/a" if last.value is None else f"{'~' if trend.estimated else ''}{last.value:.3g}"
        recent = PerformanceTrend(
            trend.metric, trend.estimated, trend.direction, trend.threshold, trend.baseline, points
        )
        table.add_row(
            name,
            _performance_cell(recent),
            latest,
            last.judged,
            "" if last.coverage is None else f"{last.coverage:.0%}",
            "" if trend.threshold is None else f"{bound}{trend.threshold:.3g}",
            f"{sum(1 for p in points if p.failed)} of {len(points)}",
        )
    return table


def _judgement_json(judgement: Judgement) -> dict[str, Any]:
    return {
        "window": judgement.window.model_dump(mode="json") if judgement.window else None,
        "recorded_at": judgement.recorded_at.isoformat(),
        "current": judgement.current,
        **judgement.performance.model_dump(mode="json"),
    }


def _performance_trend_json(trend: PerformanceTrend) -> dict[str, Any]:
    return {
        "metric": trend.metric,
        "estimated": trend.estimated,
        "direction": trend.direction,
        "threshold": trend.threshold,
        "baseline": trend.baseline,
        "points": [
            {
                "window_end": p.window_end.isoformat() if p.window_end else None,
                "value": p.value,
                "judged": p.judged,
                "coverage": p.coverage,
                "lower": p.lower,
                "upper": p.upper,
                "failed": p.failed,
            }
            for p in trend.points
        ],
    }


def _as_json(
    state_dir: Path, database: Path, monitor: str | None, records: list[RunRecord], trends: list[FeatureTrend]
) -> dict[str, Any]:
    return {
        "state_dir": str(state_dir),
        "database": str(database),
        "monitor": monitor,
        "runs": [{"recorded_at": r.recorded_at.isoformat(), **r.result.model_dump(mode="json")} for r in records],
        "trends": [
            {
                "feature": t.feature,
                "kind": t.kind,
                "metric": t.metric,
                "threshold": t.threshold,
                "points": [
                    {
                        "window_end": p.window_end.isoformat() if p.window_end else None,
                        "value": p.value,
                        "drifted": p.drifted,
                    }
                    for p in t.points
                ],
            }
            for t in trends
        ],
    }


def show_history(monitor: str | None, spec_path: str | None, state_dir: str | None, limit: int, as_json: bool) -> None:
    if monitor is not None:
        require_name(monitor, "monitor")  # the same rule as the spec's names, before SQLite sees it
    spec = _load_spec(spec_path, state_dir)
    directory = _state_dir(spec, state_dir)
    if spec is not None and monitor is not None and monitor not in spec.monitors:
        # A monitor retired from the spec may still have runs; only a name with neither is a mistake.
        with_runs = HistoryStore.exists(directory) and _has_runs(directory, monitor)
        if not with_runs:
            spec.monitor(monitor)  # UsageError (exit 2) with the closest name and the spec's monitors
    out = console()
    if not HistoryStore.exists(directory):
        if as_json:
            print_json(
                {
                    "state_dir": str(directory),
                    "database": None,
                    "monitor": monitor,
                    "runs": [],
                    "trends": [],
                    "judgements": [],
                    "performance_trends": [],
                    "monitors": [],
                }
            )
        else:
            out.print(
                f"No history yet in {directory}: no monitor has been "
                "run there with the local provider (driftplane run)."
            )
        return
    with HistoryStore.open(directory, create=False) as store:
        records = store.records(monitor, limit=limit)
        trends = store.trends(monitor, limit=limit) if monitor and records else []
        # Judgements: a window judged provisional and then final counts twice here, so the
        # limit allows for a few judgements per window.
        judgements = store.judgements(monitor, limit=limit * 4) if monitor else []
        quality = store.performance_trends(monitor, limit=limit) if monitor and judgements else []
        # The latest run is the newest window that ended by now: a run recorded for a window in
        # the future (an older driftplane allowed it) is listed, marked, but never the latest.
        horizon = datetime.now(UTC) + FUTURE_ALLOWANCE
        summaries = store.monitors(not_after=horizon)
        latest = {
            s.monitor: (store.records(s.monitor, limit=1, not_after=horizon) or store.records(s.monitor, limit=1))[0]
            for s in summaries
        }
        database = store.path
    if as_json:
        data = _as_json(directory, database, monitor, records, trends)
        data["judgements"] = [_judgement_json(j) for j in judgements]
        data["performance_trends"] = [_performance_trend_json(t) for t in quality]
        data["monitors"] = [
            {"monitor": s.monitor, "runs": s.runs, "last": latest[s.monitor].result.model_dump(mode="json")}
            for s in summaries
        ]
        print_json(data)
        return
    # soft_wrap off: tables size their columns to the terminal instead of overflowing it.
    if monitor is None:
        if not summaries:
            out.print(f"No runs recorded in {database} yet.")
            return
        out.print(_monitors_table(summaries, latest, database), soft_wrap=False)
        out.print("For a monitor's runs and its drift per feature over time: driftplane history MONITOR")
        return
    if not records:
        out.print(_no_runs(monitor, database, summaries))
        return
    title = f"Last {len(records)} run{'s' if len(records) != 1 else ''} of {monitor} (newest first; {database})"
    out.print(_runs_table(records, title), soft_wrap=False)
    out.print(_trends_table(trends, len(records), out.width), soft_wrap=False)
    if judgements:
        out.print(_performance_table(quality, out.width), soft_wrap=False)
        out.print(_judgements_table(judgements), soft_wrap=False)
