"""The report's model-quality section, and prediction drift shown apart from input drift.

Labels arrive late, so a window's model quality is judged more than once: an estimate
(CBPE/DLE) before any label, provisional values while labels land, final ones once they
have. A reader must never mistake one for another: provisional points are hollow and
dashed, estimates carry their band and a "~", and the label coverage of every window is
drawn beside the metrics. Charts follow charts.py: inline SVG, a title and a description in
words, styling by class from the page's CSS.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from driftplane.local.report_assets.charts import _r, _svg, _text
from driftplane.local.report_assets.formats import MISSING, count, number, percent, plural
from driftplane.local.report_assets.markup import Html, svg_tag, tag
from driftplane.local.report_assets.trend import run_label
from driftplane.local.report_assets.wording import Verdict
from driftplane.result import (
    CalibrationBin,
    FeatureResult,
    Performance,
    PerformanceMetric,
    RunResult,
)

# How many metrics get a chart over time: the checked ones first, then the rest, up to this.
MAX_CHARTS = 6

METRIC_LABELS = {
    "accuracy": "Accuracy",
    "precision": "Precision",
    "recall": "Recall",
    "f1": "F1",
    "f0_5": "F0.5",
    "f2": "F2",
    "auc": "ROC AUC",
    "pr_auc": "PR AUC (average precision)",
    "log_loss": "Log loss",
    "true_positive_rate": "True positive rate",
    "true_negative_rate": "True negative rate",
    "false_positive_rate": "False positive rate",
    "false_negative_rate": "False negative rate",
    "weighted_precision": "Weighted precision",
    "weighted_recall": "Weighted recall",
    "weighted_f1": "Weighted F1",
    "macro_precision": "Macro precision",
    "macro_recall": "Macro recall",
    "macro_f1": "Macro F1",
    "mae": "Mean absolute error",
    "mse": "Mean squared error",
    "rmse": "Root mean squared error",
    "r2": "R²",
    "mape": "Mean absolute percentage error",
}

JUDGED_WORDS = {"final": "Final", "provisional": "Provisional", "estimated": "Estimated", "none": "Not judged"}


def metric_label(name: str) -> str:
    return METRIC_LABELS.get(name, name.replace("_", " "))


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _pair(performance: Performance | None, name: str) -> tuple[PerformanceMetric | None, PerformanceMetric | None]:
    """The realised and the estimated value of a metric in one judgement (either may be absent)."""
    if performance is None:
        return None, None
    realised = next((m for m in performance.metrics if m.name == name and not m.estimated), None)
    estimate = next((m for m in performance.metrics if m.name == name and m.estimated), None)
    return realised, estimate


def _bound(metric: PerformanceMetric) -> str:
    if metric.threshold is None:
        return MISSING
    return f"{'≥' if metric.direction == 'min' else '≤'} {number(metric.threshold)}"


# --- the judgement in words and the metrics table --------------------------------------------


def _judgement_sentence(performance: Performance) -> Html:
    coverage = performance.coverage
    labelled = f"{count(coverage.labelled)} of {count(coverage.predictions)} predictions labelled"
    share = f" ({percent(coverage.share)})" if coverage.share is not None else ""
    words = {
        "final": "The labels are complete or the wait for them has passed.",
        "provisional": "More labels may still land, and these values may change when they do.",
        "estimated": "No labels yet: the values marked ~ are estimates from the model's own "
        "probabilities (or its loss model), with the band they are expected to fall in.",
        "none": "This window had nothing to judge.",
    }[performance.judged]
    return tag(
        "p",
        tag("span", JUDGED_WORDS[performance.judged], class_=f"judged j-{performance.judged}"),
        " ",
        words,
        " ",
        tag("strong", labelled + share),
        ".",
        class_="judgement",
    )


def _value_cell(metric: PerformanceMetric | None) -> Html:
    if metric is None:
        return tag("td", MISSING, class_="num muted")
    # The histogram's error bound is far below the digits shown: a tooltip, not clutter.
    bound = (
        f"from the score histogram: within {metric.error_bound:.2g} of the exact value" if metric.error_bound else None
    )
    return tag("td", number(metric.value), class_="num fail" if metric.failed else "num", title=bound)


def _estimate_cell(metric: PerformanceMetric | None) -> Html:
    if metric is None:
        return tag("td", MISSING, class_="num muted")
    band = (
        f" [{number(metric.lower)}, {number(metric.upper)}]"
        if metric.lower is not None and metric.upper is not None
        else ""
    )
    return tag(
        "td",
        f"~{number(metric.value)}",
        tag("span", band, class_="muted"),
        class_="num fail" if metric.failed else "num",
    )


def _metrics_table(performance: Performance) -> Html:
    names = list(dict.fromkeys(m.name for m in performance.metrics))
    has_estimates = any(m.estimated for m in performance.metrics)
    rows = []
    for name in names:
        realised, estimate = _pair(performance, name)
        shown = realised or estimate
        assert shown is not None
        failed = (realised is not None and realised.failed) or (estimate is not None and estimate.failed)
        verdict = "unchecked" if shown.threshold is None else ("failed" if failed else "ok")
        badge_class = {"failed": "drifted", "ok": "stable", "unchecked": "unchecked"}[verdict]
        badge_words = {"failed": "Past threshold", "ok": "Within threshold", "unchecked": "Not checked"}[verdict]
        rows.append(
            tag(
                "tr",
                tag("th", metric_label(name), scope="row"),
                _value_cell(realised),
                _estimate_cell(estimate) if has_estimates else None,
                tag("td", number(shown.baseline), class_="num"),
                tag("td", _bound(shown), class_="num"),
                tag("td", tag("span", badge_words, class_=f"badge {badge_class}")),
                data_metric=name,
                class_="failed" if failed else None,
            )
        )
    header = tag(
        "tr",
        tag("th", "Metric", scope="col"),
        tag("th", "Realised (from labels)", scope="col", class_="num"),
        tag("th", "Estimate [band]", scope="col", class_="num") if has_estimates else None,
        tag("th", "Baseline", scope="col", class_="num"),
        tag("th", "Threshold", scope="col", class_="num"),
        tag("th", "Check", scope="col"),
    )
    return tag("table", tag("thead", header), tag("tbody", rows), class_="quality-metrics")


# --- a metric over time -----------------------------------------------------------------------


@dataclass(frozen=True)
class QualityPoint:
    """One window of a metric: realised value and its judgement, estimate and band, coverage."""

    label: str
    value: float | None
    judged: str
    failed: bool
    estimate: float | None
    lower: float | None
    upper: float | None
    coverage: float | None
    current: bool


def metric_points(name: str, runs: Sequence[RunResult], current: RunResult) -> list[QualityPoint]:
    points = []
    for index, run in enumerate(runs):
        realised, estimate = _pair(run.performance, name)
        performance = run.performance
        points.append(
            QualityPoint(
                label=run_label(run, index),
                value=_finite(realised.value) if realised else None,
                judged=performance.judged if performance else "none",
                failed=bool((realised and realised.failed) or (estimate and estimate.failed)),
                estimate=_finite(estimate.value) if estimate else None,
                lower=_finite(estimate.lower) if estimate else None,
                upper=_finite(estimate.upper) if estimate else None,
                coverage=performance.coverage.share if performance else None,
                current=run is current,
            )
        )
    return points


def metric_chart(
    chart_id: str, name: str, points: Sequence[QualityPoint], threshold: float | None, baseline: float | None
) -> Html | None:
    """Realised values (filled: final, hollow: provisional), the estimate's band, threshold and baseline."""
    values = [v for p in points for v in (p.value, p.estimate, p.lower, p.upper) if v is not None]
    if not values:
        return None
    marks = [m for m in (threshold, baseline) if m is not None and math.isfinite(m)]
    low, high = min(values + marks), max(values + marks)
    pad = (high - low) * 0.12 or max(abs(high) * 0.05, 0.01)
    low, high = low - pad, high + pad
    width, height = 520, 170
    left, right, top, bottom = 44, 64, 10, 26
    step = (width - left - right) / max(len(points) - 1, 1)

    def x(index: int) -> float:
        return left + index * step if len(points) > 1 else left + (width - left - right) / 2

    def y(value: float) -> float:
        return top + (height - top - bottom) * (high - value) / (high - low)

    body: list[Html] = [
        svg_tag("line", x1=left, x2=width - right, y1=height - bottom, y2=height - bottom, class_="axis"),
        _text(left - 6, y(high - pad) + 4, number(high - pad), "end", css="v"),
        _text(left - 6, y(low + pad) + 4, number(low + pad), "end", css="v"),
    ]
    banded = [(i, p) for i, p in enumerate(points) if p.lower is not None and p.upper is not None]
    if banded:
        upper = "".join(f"{'M' if k == 0 else 'L'}{_r(x(i))} {_r(y(p.upper or 0))}" for k, (i, p) in enumerate(banded))
        lower = "".join(f"L{_r(x(i))} {_r(y(p.lower or 0))}" for i, p in reversed(banded))
        if len(banded) == 1:  # one window: a short bar of the band's width
            i, p = banded[0]
            upper = f"M{_r(x(i) - 5)} {_r(y(p.upper or 0))}H{_r(x(i) + 5)}"
            lower = f"V{_r(y(p.lower or 0))}H{_r(x(i) - 5)}"
        body.append(svg_tag("path", d=upper + lower + "Z", class_="band"))
    for mark, css, word in ((threshold, "threshold", "threshold"), (baseline, "base", "baseline")):
        if mark is None or not math.isfinite(mark):
            continue
        level = y(mark)
        body.append(svg_tag("path", d=f"M{left} {_r(level)}H{width - right}", class_=css))
        body.append(_text(width - right + 4, level + 4, f"{word} {number(mark)}", "start", css="v"))
    for attribute, css in (("estimate", "est"), ("value", "real")):
        path, pen_up = [], True
        for index, point in enumerate(points):
            value = getattr(point, attribute)
            if value is None:
                pen_up = True
                continue
            path.append(f"{'M' if pen_up else 'L'}{_r(x(index))} {_r(y(value))}")
            pen_up = False
        if path:
            body.append(svg_tag("path", d="".join(path), class_=css))
    for index, point in enumerate(points):
        if point.estimate is not None:
            band = f" [{number(point.lower)}, {number(point.upper)}]" if point.lower is not None else ""
            body.append(
                svg_tag(
                    "rect",
                    svg_tag("title", f"{point.label}: estimate ~{number(point.estimate)}{band}"),
                    x=_r(x(index) - 3),
                    y=_r(y(point.estimate) - 3),
                    width=6,
                    height=6,
                    class_="estpt",
                )
            )
        if point.value is None:
            continue
        judged = "final" if point.judged == "final" else "prov"
        labelled = f", {percent(point.coverage)} labelled" if point.coverage is not None else ""
        past = " — past the threshold" if point.failed else ""
        title = f"{point.label}: {number(point.value)} ({point.judged}{labelled}){past}"
        body.append(
            svg_tag(
                "circle",
                svg_tag("title", title),
                cx=_r(x(index)),
                cy=_r(y(point.value)),
                r=4 if point.current else 3,
                class_=f"{judged}{' fail' if point.failed else ''}",
                data_judged=point.judged,
            )
        )
    body.append(_text(left, height - 8, "oldest", "start", css="v"))
    body.append(_text(width - right, height - 8, "latest", "end", css="v"))
    realised = [p for p in points if p.value is not None]
    provisional = sum(1 for p in realised if p.judged != "final")
    failed = sum(1 for p in points if p.failed)
    desc = f"{metric_label(name)} over the last {len(points)} windows"
    if realised:
        desc += f", from {number(realised[0].value)} to {number(realised[-1].value)}"
    estimates = sum(1 for p in points if p.estimate is not None)
    desc += (
        f"; {plural(provisional, 'provisional value')}; {plural(estimates, 'estimate')}; "
        f"past the threshold in {failed} of them."
    )
    return _svg(chart_id, width, height, f"{metric_label(name)} over time", desc, *body, css="quality")


def coverage_chart(chart_id: str, runs: Sequence[RunResult], current: RunResult) -> Html | None:
    """The share of each window's predictions labelled so far: a bar per window, full height = 100%."""
    judged = [(i, run) for i, run in enumerate(runs) if run.performance is not None]
    if not judged:
        return None
    cell = 30
    width, height = max(cell * len(runs) + 60, 200), 110
    left, top, bottom = 40, 10, 26
    plot = height - top - bottom
    body: list[Html] = [
        svg_tag("path", d=f"M{left} {top}H{width - 4}", class_="grid"),
        _text(left - 6, top + 4, "100%", "end", css="v"),
        _text(left - 6, height - bottom + 4, "0%", "end", css="v"),
        svg_tag("line", x1=left, x2=width - 4, y1=height - bottom, y2=height - bottom, class_="axis"),
    ]
    for index, run in judged:
        assert run.performance is not None
        coverage = run.performance.coverage
        share = coverage.share or 0.0
        bar = plot * max(0.0, min(share, 1.0))
        x0 = left + 4 + index * cell
        title = (
            f"{run_label(run, index)}: {count(coverage.labelled)} of {count(coverage.predictions)} labelled "
            f"({percent(coverage.share)}), {run.performance.judged}"
        )
        body.append(
            svg_tag(
                "rect",
                svg_tag("title", title),
                x=x0,
                y=_r(height - bottom - bar),
                width=cell - 8,
                height=_r(max(bar, 0.5)),
                class_=f"cov c-{run.performance.judged}{' current' if run is current else ''}",
                data_share=_r(share * 100),
            )
        )
    body.append(_text(left, height - 8, "oldest", "start", css="v"))
    body.append(_text(width - 4, height - 8, "latest", "end", css="v"))
    shares = [run.performance.coverage.share for _, run in judged if run.performance is not None]
    desc = (
        f"Label coverage of the last {len(judged)} judged windows, oldest first: "
        + ", ".join(percent(s) for s in shares)
        + "."
    )
    return _svg(chart_id, width, height, "Label coverage per window", desc, *body, css="quality")


# --- confusion matrix and calibration ---------------------------------------------------------


def confusion_table(performance: Performance) -> Html | None:
    matrix = performance.confusion_matrix
    if not matrix:
        return None
    actual = list(matrix)
    predicted = list(dict.fromkeys([*actual, *(p for row in matrix.values() for p in row)]))
    # Without labels the engine gives CBPE's expected counts (fractions), whatever the judgement.
    expected = performance.judged == "estimated" or performance.coverage.labelled == 0
    total = sum(v for row in matrix.values() for v in row.values()) or 1

    def cell(value: float) -> str:
        return number(value) if expected else count(value)

    rows = [
        tag(
            "tr",
            tag("th", a, scope="row"),
            [
                tag(
                    "td",
                    cell(matrix[a].get(p, 0)),
                    class_="num diag" if a == p else "num",
                    title=f"actual {a}, predicted {p}: {percent(matrix[a].get(p, 0) / total)} of the rows",
                )
                for p in predicted
            ],
        )
        for a in actual
    ]
    head = tag(
        "tr",
        tag("th", "actual ↓ / predicted →", scope="col"),
        [tag("th", p, scope="col", class_="num") for p in predicted],
    )
    caption = tag(
        "caption",
        "Confusion matrix (expected counts, estimated from probabilities)" if expected else "Confusion matrix",
    )
    return tag("table", caption, tag("thead", head), tag("tbody", rows), class_="confusion")


def calibration_chart(chart_id: str, bins: Sequence[CalibrationBin]) -> Html | None:
    """Reliability: mean predicted probability against the share of actual positives, per bin."""
    usable = [b for b in bins if b.count > 0]
    if not usable:
        return None
    size, left, bottom, top, right = 220, 38, 30, 8, 8
    width, height = size + left + right, size + top + bottom

    def x(p: float) -> float:
        return left + size * p

    def y(p: float) -> float:
        return top + size * (1 - p)

    largest = max(b.count for b in usable)
    body: list[Html] = [
        svg_tag("rect", x=left, y=top, width=size, height=size, class_="frame"),
        svg_tag("path", d=f"M{_r(x(0))} {_r(y(0))}L{_r(x(1))} {_r(y(1))}", class_="ideal"),
        svg_tag(
            "path",
            d="".join(
                f"{'M' if i == 0 else 'L'}{_r(x(b.mean_probability))} {_r(y(b.fraction_positive))}"
                for i, b in enumerate(usable)
            ),
            class_="real",
        ),
    ]
    for b in usable:
        body.append(
            svg_tag(
                "circle",
                svg_tag(
                    "title",
                    f"probabilities {number(b.lower)} to {number(b.upper)}: mean {number(b.mean_probability)}, "
                    f"{percent(b.fraction_positive)} actually positive ({count(b.count)} rows)",
                ),
                cx=_r(x(b.mean_probability)),
                cy=_r(y(b.fraction_positive)),
                r=_r(2.5 + 3.5 * math.sqrt(b.count / largest)),
                class_="final",
            )
        )
    for tick in (0.0, 0.5, 1.0):
        body.append(_text(x(tick), height - 14, number(tick), css="v"))
        body.append(_text(left - 5, y(tick) + 4, number(tick), "end", css="v"))
    body.append(_text(left + size / 2, height - 2, "mean predicted probability", css="v"))
    gap = max(abs(b.mean_probability - b.fraction_positive) for b in usable)
    desc = (
        f"Calibration over {plural(len(usable), 'probability bin')}: the dots follow the diagonal when the "
        f"probabilities can be taken at their word; the largest gap is {percent(gap)}."
    )
    return _svg(chart_id, width, height, "Calibration curve", desc, *body, css="quality calib")


# --- the sections -----------------------------------------------------------------------------


def _chart_metrics(performance: Performance) -> list[str]:
    names = list(dict.fromkeys(m.name for m in performance.metrics))
    checked = [n for n in names if any(m.threshold is not None for m in performance.metrics if m.name == n)]
    return (checked + [n for n in names if n not in checked])[:MAX_CHARTS]


def performance_section(result: RunResult, runs: Sequence[RunResult]) -> Html | None:
    """Model quality of the window and over time; None for monitors without a model."""
    performance = result.performance
    if performance is None:
        return None
    heading = tag("h2", "Model quality", id="performance-heading")
    failed = sorted({m.name for m in performance.failed_metrics})
    summary = (
        tag("p", f"Past the threshold: {', '.join(metric_label(n) for n in failed)}.", class_="quality-alarm")
        if failed
        else None
    )
    charts = []
    for index, name in enumerate(_chart_metrics(performance)):
        realised, estimate = _pair(performance, name)
        shown = realised or estimate
        assert shown is not None
        chart = metric_chart(
            f"quality-{index}", name, metric_points(name, runs, result), shown.threshold, shown.baseline
        )
        if chart is not None:
            charts.append(tag("figure", chart, tag("figcaption", metric_label(name)), data_metric=name))
    key = tag(
        "p",
        "Oldest window on the left. Filled dots: final values; hollow dashed dots: provisional values (labels "
        "still landing); squares and the shaded band: the estimate made before labels and its expected range; "
        "dashed red line: the threshold; dotted grey line: the baseline. Red dots are past the threshold. "
        "Hover a point for its window.",
        class_="muted",
    )
    coverage = coverage_chart("quality-coverage", runs, result)
    confusion = confusion_table(performance)
    calibration = calibration_chart("quality-calibration", performance.calibration or [])
    details = [
        tag("figure", coverage, tag("figcaption", "Label coverage per window (share of predictions labelled)"))
        if coverage is not None
        else None,
        tag("div", confusion, class_="confusion-wrap") if confusion is not None else None,
        tag("figure", calibration, tag("figcaption", "Calibration (reliability) curve; diagonal: perfect"))
        if calibration is not None
        else None,
    ]
    messages = tag("ul", [tag("li", m) for m in performance.messages], class_="notes") if performance.messages else None
    return tag(
        "section",
        heading,
        _judgement_sentence(performance),
        summary,
        _metrics_table(performance),
        messages,
        tag("h3", "Over time"),
        key,
        tag("div", charts, class_="quality-charts") if charts else None,
        tag("div", details, class_="quality-details"),
        id="performance",
        aria_labelledby="performance-heading",
    )


def _prediction_row(feature: FeatureResult) -> Html:
    drift = feature.drift
    if drift is None:
        cells = [tag("td", MISSING), tag("td", MISSING, class_="num"), tag("td", MISSING, class_="num")]
        badge = tag("span", "Not checked", class_="badge unchecked")
    else:
        applied = max(drift.threshold, drift.effective_threshold or drift.threshold)
        cells = [
            tag("td", drift.metric),
            tag("td", number(drift.value), class_="num"),
            tag("td", number(applied), class_="num"),
        ]
        badge = (
            tag("span", "Drifted", class_="badge drifted")
            if drift.drifted
            else tag("span", "Stable", class_="badge stable")
        )
    return tag("tr", tag("th", feature.name, scope="row"), cells, tag("td", badge), data_name=feature.name)


def prediction_drift_section(result: RunResult) -> Html | None:
    """Drift of the model's outputs, reported apart from the input features."""
    if not result.prediction_drift:
        return None
    drifted = [f for f in result.prediction_drift if f.drift is not None and f.drift.drifted]
    head = tag(
        "tr",
        tag("th", "Output column", scope="col"),
        tag("th", "Metric", scope="col"),
        tag("th", "Value", scope="col", class_="num"),
        tag("th", "Threshold", scope="col", class_="num"),
        tag("th", "Drift", scope="col"),
    )
    return tag(
        "section",
        tag("h2", "Prediction drift", id="prediction-drift-heading"),
        tag(
            "p",
            f"{len(drifted)} of {plural(len(result.prediction_drift), 'model output')} drifted. "
            "This is the drift of what the model predicts, measured apart from the input features above: "
            "the outputs can move while the inputs stay put, and the other way round.",
        ),
        tag("table", tag("thead", head), tag("tbody", [_prediction_row(f) for f in result.prediction_drift])),
        id="prediction-drift",
        aria_labelledby="prediction-drift-heading",
    )


def quality_verdict(result: RunResult, inputs: Verdict) -> Verdict:
    """The banner when a model-quality check failed: that first, what the inputs showed after.

    A final failure is drawn red; a provisional or estimated one amber (it may still change).
    Without a failed check the inputs' verdict stands as it is.
    """
    performance = result.performance
    if performance is None or not performance.failed_metrics or result.status == "failed":
        return inputs
    names = ", ".join(metric_label(n) for n in dict.fromkeys(m.name for m in performance.failed_metrics))
    coverage = performance.coverage
    labelled = f"{percent(coverage.share)} of {count(coverage.predictions)} predictions labelled"
    headline, tone = {
        "final": (f"Model quality past its threshold: {names}", "drift"),
        "provisional": (f"Model quality may be slipping (provisional): {names}", "violations"),
        "estimated": (f"Estimated model quality past its threshold: {names}", "violations"),
    }.get(performance.judged, (f"Model quality past its threshold: {names}", "drift"))
    if inputs.tone == "drift" and tone != "drift":
        tone = "drift"
    detail = f"Judged {performance.judged}, {labelled}. Inputs: {inputs.headline}."
    return Verdict(headline, detail, tone)


def toc_links(result: RunResult) -> tuple[Html | None, Html | None]:
    """The table of contents' links to model quality and to prediction drift (None when absent)."""
    quality = None
    if result.performance is not None:
        failed = len({m.name for m in result.performance.failed_metrics})
        quality = tag("a", f"Model quality ({failed} failed)" if failed else "Model quality", href="#performance")
    prediction = tag("a", "Prediction drift", href="#prediction-drift") if result.prediction_drift else None
    return quality, prediction


__all__ = [
    "calibration_chart",
    "confusion_table",
    "coverage_chart",
    "metric_chart",
    "performance_section",
    "prediction_drift_section",
    "quality_verdict",
    "toc_links",
]
