"""Inline SVG charts drawn in Python: overlaid distributions, sparklines and the run strip.

No chart library and no script: the report must open offline, years later, from an email
attachment, and print. Baseline and target differ in more than colour (the baseline is
hatched grey, the target a bold outline), so the charts read in greyscale and for people
who do not tell blue from grey. Every chart carries a ``<title>`` and a ``<desc>`` that
says in words what it shows. Styling lives in the page's CSS (classes ``b``, ``t``...) so
each chart stays a few hundred bytes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from driftplane.local.report_assets.formats import as_float, number, percent
from driftplane.local.report_assets.markup import Html, svg_tag
from driftplane.local.report_assets.wording import OTHER

HATCH_ID = "dp-hatch"

# The hatch the baseline is filled with, defined once per page and referenced by every chart.
PATTERN_DEFS = Html(
    '<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>'
    f'<pattern id="{HATCH_ID}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#eef0f3"/><line x1="0" y1="0" x2="0" y2="6" stroke="#6b7280" stroke-width="2.2"/>'
    "</pattern></defs></svg>"
)


def _r(value: float) -> str:
    """A coordinate with one decimal, without a trailing ``.0``: charts stay small."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_ceiling(value: float) -> float:
    """The next 'round' number at or above value (1, 2, 2.5, 5 times a power of ten)."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value * 0.999999:
            return step * power
    return 10 * power


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, *body: Html, css: str = "chart") -> Html:
    return svg_tag(
        "svg",
        svg_tag("title", title, id=f"{chart_id}-t"),
        svg_tag("desc", desc, id=f"{chart_id}-d"),
        *body,
        viewBox=f"0 0 {width} {height}",
        width=width,
        height=height,
        role="img",
        class_=css,
        aria_labelledby=f"{chart_id}-t {chart_id}-d",
    )


def _text(x: float, y: float, content: str, anchor: str = "middle", css: str | None = None) -> Html:
    """A label; chart text is centred by the page's CSS unless ``anchor`` says start or end.

    The anchor is a class, not the ``text-anchor`` attribute: any CSS rule outranks an SVG
    presentation attribute, so the page's default would win over the attribute.
    """
    classes = " ".join(c for c in (_ANCHORS.get(anchor), css) if c)
    return svg_tag("text", content, x=_r(x), y=_r(y), class_=classes or None)


_ANCHORS = {"start": "s", "end": "e"}


# ---------------------------------------------------------------------------------------
# Numerical: histograms on shared bin edges


@dataclass(frozen=True)
class Histogram:
    """One side's histogram, validated: finite edges and each bin's share of the values."""

    edges: list[float]
    shares: list[float]
    total: float


def read_histogram(summary: dict[str, Any]) -> Histogram | None:
    """The summary's histogram if it is usable (k+1 ordered edges, k non-negative counts)."""
    raw = summary.get("histogram")
    if not isinstance(raw, dict):
        return None
    edges_raw, counts_raw = raw.get("edges"), raw.get("counts")
    if not isinstance(edges_raw, list | tuple) or not isinstance(counts_raw, list | tuple):
        return None
    edges = [as_float(e) for e in edges_raw]
    counts = [as_float(c) for c in counts_raw]
    if len(edges) < 2 or len(counts) != len(edges) - 1 or any(e is None for e in edges):
        return None
    if any(c is None or c < 0 or math.isinf(c) for c in counts):
        return None
    finite_edges = _finite_edges([e for e in edges if e is not None])
    if finite_edges is None:
        return None
    total = float(sum(c for c in counts if c is not None))
    shares = [(c or 0.0) / total if total else 0.0 for c in counts]
    return Histogram(finite_edges, shares, total)


def _finite_edges(edges: list[float]) -> list[float] | None:
    """Open-ended outer bins (±infinity) drawn as wide as a typical bin, so the scale stays readable."""
    inner = [e for e in edges if math.isfinite(e)]
    if len(inner) < 2 or any(b < a for a, b in pairwise(edges)):
        return None
    widths = sorted(b - a for a, b in pairwise(inner))
    typical = widths[len(widths) // 2] or 1.0
    out = list(edges)
    if math.isinf(out[0]):
        out[0] = inner[0] - typical
    if math.isinf(out[-1]):
        out[-1] = inner[-1] + typical
    if any(math.isinf(e) for e in out):
        return None
    return out


def histogram_chart(chart_id: str, name: str, baseline: dict[str, Any], target: dict[str, Any]) -> Html | None:
    """Baseline (hatched area) and target (bold outline) histograms overlaid, as shares of rows."""
    sides = [(css, read_histogram(summary)) for css, summary in (("b", baseline), ("t", target))]
    drawn = [(css, h) for css, h in sides if h is not None and h.total > 0]
    if not drawn:
        return None
    missing = missing_shares(baseline, target)
    if missing is not None:  # shares of all rows, present or not, so the missing bar compares
        drawn = [(css, _present_part(h, missing[css])) for css, h in drawn]
    width, height = 480, 200
    left, right, top, bottom = 46, 12 + (MISSING_BAR if missing is not None else 0), 12, 40
    low = min(h.edges[0] for _, h in drawn)
    high = max(h.edges[-1] for _, h in drawn)
    if high <= low:
        high = low + 1.0
    # Unequal bins are drawn as densities so a wide bin does not look like a peak.
    uneven = any(_uneven(h.edges) for _, h in drawn)
    heights = {css: _heights(h, uneven) for css, h in drawn}
    tallest = max(max(v) for v in heights.values())
    if missing is not None:
        tallest = max(tallest, *missing.values())
    peak = nice_ceiling(tallest or 1.0)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(value: float) -> float:
        return left + (value - low) / (high - low) * plot_w

    def y(value: float) -> float:
        return top + plot_h - value / peak * plot_h

    body: list[Html] = []
    levels = [y(peak * fraction) for fraction in (0.5, 1.0)]
    body.append(svg_tag("path", d="".join(f"M{left} {_r(level)}H{width - right}" for level in levels), class_="grid"))
    for fraction, level in zip((0.5, 1.0), levels, strict=True):
        body.append(
            _text(left - 5, level + 4, percent(peak * fraction) if not uneven else number(peak * fraction), "end")
        )
    for css, histogram in drawn:
        body.append(svg_tag("path", d=_step_path(histogram.edges, heights[css], x, y), class_=css))
    ticks = _tick_edges(drawn[0][1].edges)
    base = top + plot_h
    axis = f"M{left} {base}H{width - right}" + "".join(f"M{_r(x(value))} {base}v4" for value in ticks)
    body.append(svg_tag("path", d=axis, class_="axis"))
    for value in ticks:
        body.append(_text(x(value), base + 16, number(value)))
    body.append(_text(left + plot_w / 2, height - 4, f"{name} (value)" if len(name) < 40 else "value", css="label"))
    desc = _histogram_desc(sides)
    if missing is not None:
        body += _missing_bar(missing, x0=width - right + 22, base=base, y=y)  # clear of the last tick's label
        desc += " " + _missing_desc(missing)
    title = f"Distribution of {name}: baseline against target"
    return _svg(chart_id, width, height, title, desc, *body)


# ---------------------------------------------------------------------------------------
# Missing values: a bar of their own beside the distribution

MISSING_BAR = 52  # the width kept right of a histogram for the missing values' bar


def missing_share(summary: dict[str, Any]) -> float | None:
    """The share of rows without a value (missing / (present + missing)), when both are known."""
    present, missing = as_float(summary.get("count")), as_float(summary.get("missing"))
    if present is None or missing is None or present < 0 or missing < 0 or present + missing <= 0:
        return None
    return missing / (present + missing)


def missing_shares(baseline: dict[str, Any], target: dict[str, Any]) -> dict[str, float] | None:
    """{"b": share, "t": share} of missing values when either side has some; None when neither does."""
    shares = {css: missing_share(summary) or 0.0 for css, summary in (("b", baseline), ("t", target))}
    return shares if any(share > 0 for share in shares.values()) else None


def _present_part(histogram: Histogram, missing: float) -> Histogram:
    """The histogram's shares as shares of all rows: the present values' part of them."""
    return Histogram(histogram.edges, [share * (1 - missing) for share in histogram.shares], histogram.total)


def _missing_bar(missing: dict[str, float], *, x0: float, base: float, y: Any) -> list[Html]:
    """Both sides' missing share as two side-by-side bars, labelled, right of the plot."""
    parts: list[Html] = []
    for offset, css in ((0, "b"), (14, "t")):
        top = y(missing[css])
        parts.append(svg_tag("path", d=f"M{_r(x0 + offset)} {_r(base)}V{_r(top)}h14V{_r(base)}Z", class_=f"{css} m"))
    parts.append(svg_tag("path", d=f"M{_r(x0 - 4)} {_r(base)}h36", class_="axis"))
    parts.append(_text(x0 + 14, base + 16, "missing", css="label"))
    return parts


def _missing_desc(missing: dict[str, float]) -> str:
    target, baseline = percent(missing["t"]), percent(missing["b"])
    return f"Missing values: {target} of the target rows against {baseline} of the baseline rows."


def _uneven(edges: list[float]) -> bool:
    widths = [b - a for a, b in pairwise(edges)]
    return min(widths) <= 0 or max(widths) / min(widths) > 1.05


def _heights(histogram: Histogram, uneven: bool) -> list[float]:
    if not uneven:
        return histogram.shares
    edges = histogram.edges
    mean_width = (edges[-1] - edges[0]) / (len(edges) - 1) or 1.0
    return [
        share * mean_width / (b - a) if b > a else 0.0
        for share, (a, b) in zip(histogram.shares, pairwise(edges), strict=False)
    ]


def _step_path(edges: list[float], heights: list[float], x: Any, y: Any) -> str:
    """One closed step outline: a histogram in a single path element."""
    base = y(0.0)
    parts = [f"M{_r(x(edges[0]))} {_r(base)}"]
    for height, right_edge in zip(heights, edges[1:], strict=False):
        parts.append(f"V{_r(y(height))}H{_r(x(right_edge))}")
    parts.append(f"V{_r(base)}Z")
    return "".join(parts)


def _tick_edges(edges: list[float]) -> list[float]:
    if len(edges) <= 5:
        return edges
    last = len(edges) - 1
    return [edges[round(i * last / 4)] for i in range(5)]


def _histogram_desc(sides: list[tuple[str, Histogram | None]]) -> str:
    baseline = dict(sides).get("b")
    target = dict(sides).get("t")
    if baseline is None or target is None or not baseline.total or not target.total:
        return "Only one side has values, so there is nothing to overlay."
    if baseline.edges != target.edges:
        return "Baseline and target are drawn on their own bins."
    gaps = [abs(t - b) for b, t in zip(baseline.shares, target.shares, strict=False)]
    worst = max(range(len(gaps)), key=gaps.__getitem__)
    low, high = baseline.edges[worst], baseline.edges[worst + 1]
    return (
        f"Shares of rows per bin. The largest difference is between {number(low)} and {number(high)}: "
        f"{percent(target.shares[worst])} of the target against {percent(baseline.shares[worst])} of the baseline."
    )


# ---------------------------------------------------------------------------------------
# Numerical without a histogram: quantile ranges


def read_quantiles(summary: dict[str, Any]) -> dict[float, float]:
    """The summary's quantiles as {probability: value}, min and max as 0 and 1 when present."""
    out: dict[float, float] = {}
    raw = summary.get("quantiles")
    if isinstance(raw, dict):
        for key, value in raw.items():
            probability, quantile = as_float(key), as_float(value)
            if probability is not None and quantile is not None and 0 <= probability <= 1 and math.isfinite(quantile):
                out[probability] = quantile
    for key, probability in (("min", 0.0), ("max", 1.0)):
        value = as_float(summary.get(key))
        if value is not None and math.isfinite(value):
            out.setdefault(probability, value)
    return out


def _nearest(quantiles: dict[float, float], probability: float) -> float:
    return quantiles[min(quantiles, key=lambda p: abs(p - probability))]


def quantile_chart(chart_id: str, name: str, baseline: dict[str, Any], target: dict[str, Any]) -> Html | None:
    """Box-and-whisker rows (5% to 95% whiskers, 25% to 75% box, median) when no histogram exists."""
    rows = [(label, css, read_quantiles(s)) for label, css, s in (("baseline", "b", baseline), ("target", "t", target))]
    rows = [(label, css, q) for label, css, q in rows if len(q) >= 2]
    if not rows:
        return None
    width, height = 480, 40 + 38 * len(rows)
    left, right = 70, 14
    low = min(min(q.values()) for _, _, q in rows)
    high = max(max(q.values()) for _, _, q in rows)
    if high <= low:
        high = low + 1.0

    def x(value: float) -> float:
        return left + (value - low) / (high - low) * (width - left - right)

    body: list[Html] = []
    for index, (label, css, q) in enumerate(rows):
        middle = 24 + index * 38
        whisker_low, whisker_high = _nearest(q, 0.05), _nearest(q, 0.95)
        box_low, box_high, median = _nearest(q, 0.25), _nearest(q, 0.75), _nearest(q, 0.5)
        body.append(_text(left - 8, middle + 4, label, "end"))
        body.append(
            svg_tag("line", x1=_r(x(whisker_low)), x2=_r(x(whisker_high)), y1=middle, y2=middle, class_=f"w{css}")
        )
        body.append(
            svg_tag(
                "rect",
                x=_r(x(box_low)),
                y=middle - 11,
                width=_r(max(x(box_high) - x(box_low), 1.5)),
                height=22,
                class_=css,
            )
        )
        body.append(
            svg_tag("line", x1=_r(x(median)), x2=_r(x(median)), y1=middle - 11, y2=middle + 11, class_="median")
        )
    axis_y = height - 22
    body.append(svg_tag("line", x1=left, x2=width - right, y1=axis_y, y2=axis_y, class_="axis"))
    for value in (low, (low + high) / 2, high):
        body.append(_text(x(value), axis_y + 15, number(value)))
    medians = ", ".join(f"{label} median {number(_nearest(q, 0.5))}" for label, _, q in rows)
    desc = f"Middle half of the values (box), 5% to 95% (whiskers) and the median (line): {medians}."
    missing = missing_shares(baseline, target)
    if missing is not None:
        height += 18
        body.append(
            _text(left, height - 4, f"missing: {percent(missing['b'])} of baseline rows, "
                  f"{percent(missing['t'])} of target rows", "start", css="label")
        )
        desc += " " + _missing_desc(missing)
    return _svg(chart_id, width, height, f"Value ranges of {name}: baseline against target", desc, *body)


# ---------------------------------------------------------------------------------------
# Categorical: grouped horizontal bars


@dataclass(frozen=True)
class CategoryRow:
    """One bar pair: a category's share of rows on each side."""

    label: str
    baseline: float
    target: float
    new: bool = False
    grouped: bool = False


def read_categories(summary: dict[str, Any]) -> dict[str, float]:
    """The summary's category counts, keeping only usable non-negative numbers."""
    raw = summary.get("categories")
    if not isinstance(raw, dict):
        return {}
    out: dict[str, float] = {}
    for key, value in raw.items():
        amount = as_float(value)
        if amount is not None and amount >= 0 and math.isfinite(amount):
            out[str(key)] = amount
    return out


def category_rows(baseline: dict[str, Any], target: dict[str, Any], limit: int = 10) -> list[CategoryRow]:
    """The most frequent categories of either side, the rest (and "__other__") as one row."""
    counts_b, counts_t = read_categories(baseline), read_categories(target)
    total_b, total_t = sum(counts_b.values()), sum(counts_t.values())
    share_b = {k: v / total_b for k, v in counts_b.items()} if total_b else {}
    share_t = {k: v / total_t for k, v in counts_t.items()} if total_t else {}
    names = [k for k in dict.fromkeys([*share_b, *share_t]) if k != OTHER]
    names.sort(key=lambda k: max(share_b.get(k, 0.0), share_t.get(k, 0.0)), reverse=True)
    shown, rest = names[:limit], names[limit:]
    rows = [
        CategoryRow(
            k,
            share_b.get(k, 0.0),
            share_t.get(k, 0.0),
            new=bool(share_b) and k not in counts_b and OTHER not in counts_b,
        )
        for k in shown
    ]
    other_b = share_b.get(OTHER, 0.0) + sum(share_b.get(k, 0.0) for k in rest)
    other_t = share_t.get(OTHER, 0.0) + sum(share_t.get(k, 0.0) for k in rest)
    if other_b > 0 or other_t > 0:
        rows.append(CategoryRow("(all other values)", other_b, other_t, grouped=True))
    missing = missing_shares(baseline, target)
    if missing is not None and rows:  # shares of all rows, so the missing row compares
        kept_b, kept_t = 1 - missing["b"], 1 - missing["t"]
        rows = [
            CategoryRow(r.label, r.baseline * kept_b, r.target * kept_t, new=r.new, grouped=r.grouped) for r in rows
        ]
        rows.append(CategoryRow(MISSING_ROW, missing["b"], missing["t"], grouped=True))
    return rows


MISSING_ROW = "(missing values)"


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def category_chart(chart_id: str, name: str, baseline: dict[str, Any], target: dict[str, Any]) -> Html | None:
    """Baseline (hatched) and target (solid) bars per category, as shares of rows."""
    rows = category_rows(baseline, target)
    if not rows:
        return None
    width, pitch, top = 480, 30, 6
    left, right = 150, 46
    height = top + pitch * len(rows) + 22
    peak = nice_ceiling(max(max(r.baseline, r.target) for r in rows) or 1.0)
    plot_w = width - left - right

    def w(share: float) -> float:
        return max(share / peak * plot_w, 0.0)

    body: list[Html] = []
    for index, row in enumerate(rows):
        y = top + index * pitch
        label = _short(row.label, 16) + " (new)" if row.new else _short(row.label)
        body.append(
            svg_tag("text", svg_tag("title", row.label), label, x=left - 6, y=_r(y + 17),
                    class_="e other" if row.grouped else "e")
        )
        for offset, css, share in ((2, "b", row.baseline), (14, "tb", row.target)):
            body.append(svg_tag("rect", x=left, y=y + offset, width=_r(max(w(share), 0.5)), height=11, class_=css))
            body.append(_text(left + w(share) + 4, y + offset + 9.5, percent(share), "start", css="v"))
    axis_y = top + pitch * len(rows)
    body.append(svg_tag("line", x1=left, x2=left, y1=top, y2=axis_y, class_="axis"))
    body.append(_text(left + plot_w, axis_y + 15, percent(peak), "end"))
    body.append(_text(left, axis_y + 15, "0%"))
    biggest = max(rows, key=lambda r: abs(r.target - r.baseline))
    desc = (
        f"Share of rows per category, {len(rows)} rows of bars. The largest change is "
        f"{biggest.label}: {percent(biggest.target)} of the target against {percent(biggest.baseline)} of the baseline."
    )
    return _svg(chart_id, width, height, f"Categories of {name}: baseline against target", desc, *body)


# ---------------------------------------------------------------------------------------
# Trends over past runs


@dataclass(frozen=True)
class TrendPoint:
    """One past run of a feature: when, the metric value, the threshold applied, the decision."""

    label: str
    value: float | None
    threshold: float | None
    drifted: bool


def sparkline(
    chart_id: str, name: str, metric: str, points: Sequence[TrendPoint], *, compact: bool = False
) -> Html | None:
    """The metric over the last runs with the threshold as a dashed line; drifted runs filled.

    ``compact`` marks only the drifted runs and the latest one with a dot (each dot carries its
    value as a tooltip): a report with hundreds of calm features stays small.
    """
    values = [p.value for p in points if p.value is not None and math.isfinite(p.value)]
    if not values:
        return None
    width, height = 240, 56
    left, right, top, bottom = 4, 40, 6, 6
    thresholds = [p.threshold for p in points if p.threshold is not None and math.isfinite(p.threshold)]
    peak = max([*values, *thresholds, 1e-12]) * 1.1
    step = (width - left - right) / max(len(points) - 1, 1)

    def x(index: int) -> float:
        return left + index * step if len(points) > 1 else (width - right) / 2

    def y(value: float) -> float:
        return top + (height - top - bottom) * (1 - value / peak)

    body: list[Html] = []
    if thresholds:
        line = "".join(
            f"{'M' if i == 0 or points[i - 1].threshold is None else 'L'}{_r(x(i))} {_r(y(p.threshold))}"
            for i, p in enumerate(points)
            if p.threshold is not None
        )
        if "L" not in line:  # one run with a threshold: draw it across, as a level to read against
            line = f"M{_r(left)} {_r(y(thresholds[-1]))}L{_r(width - right)} {_r(y(thresholds[-1]))}"
        body.append(svg_tag("path", d=line, class_="threshold"))
        body.append(_text(width - right + 4, y(thresholds[-1]) + 4, number(thresholds[-1]), "start", css="v"))
    path, pen_up = [], True
    for index, point in enumerate(points):
        if point.value is None or not math.isfinite(point.value):
            pen_up = True
            continue
        path.append(f"{'M' if pen_up else 'L'}{_r(x(index))} {_r(y(point.value))}")
        pen_up = False
    if any(step.startswith("L") for step in path):  # a lone point is its dot alone
        body.append(svg_tag("path", d="".join(path), class_="trend"))
    for index, point in enumerate(points):
        if point.value is None or not math.isfinite(point.value):
            continue
        if compact and not point.drifted and index != len(points) - 1:
            continue
        body.append(
            svg_tag(
                "circle",
                svg_tag("title", f"{point.label}: {number(point.value)}{' (drifted)' if point.drifted else ''}"),
                cx=_r(x(index)),
                cy=_r(y(point.value)),
                r=3.2 if index == len(points) - 1 else 2.4,
                class_="hit" if point.drifted else "miss",
            )
        )
    body += _unmeasured_marks(points, x, height - bottom)
    drifted_runs = sum(1 for p in points if p.drifted)
    desc = (
        f"{metric} over the last {len(points)} runs, from {number(values[0])} to {number(values[-1])}; "
        f"above the threshold in {drifted_runs} of them."
    )
    unmeasured = sum(1 for p in points if p.value is None or not math.isfinite(p.value))
    if unmeasured:
        desc += f" Not measured in {unmeasured} (hollow squares on the axis)."
    return _svg(chart_id, width, height, f"Trend of {name}", desc, *body, css="spark")


def _unmeasured_marks(points: Sequence[TrendPoint], x: Any, bottom: float) -> list[Html]:
    """A hollow square on the axis for each run without a value (failed, or the feature absent)."""
    return [
        svg_tag(
            "rect",
            svg_tag("title", f"{point.label}: not measured"),
            x=_r(x(index) - 2.5),
            y=_r(bottom - 5),
            width=5,
            height=5,
            class_="gap",
        )
        for index, point in enumerate(points)
        if point.value is None or not math.isfinite(point.value)
    ]


@dataclass(frozen=True)
class RunMark:
    """One past run in the status strip."""

    label: str
    status: str
    drifted: int
    headline: str
    current: bool = False  # the run the report is about: outlined


STATUS_LETTERS = {"ok": "✓", "drift": "D", "violations": "V", "drift_and_violations": "D+V", "failed": "✗"}
STATUS_WORDS = {
    "ok": "no drift, no violations",
    "drift": "drift",
    "violations": "violations",
    "drift_and_violations": "drift and violations",
    "failed": "failed",
}


def status_strip(chart_id: str, runs: Sequence[RunMark]) -> Html | None:
    """Each run as a marked cell (letter and colour) under a bar of its drifted-feature count."""
    if not runs:
        return None
    cell = 34
    width, height = max(cell * len(runs) + 8, 120), 104
    bar_top, bar_bottom = 16, 64
    peak = max([r.drifted for r in runs] + [1])
    body: list[Html] = []
    for index, run in enumerate(runs):
        x0 = 4 + index * cell
        bar = (bar_bottom - bar_top) * run.drifted / peak
        parts = [svg_tag("title", f"{run.label}: {run.headline}")]
        if run.drifted:
            parts.append(
                svg_tag("rect", x=x0 + 6, y=_r(bar_bottom - bar), width=cell - 12, height=_r(bar), class_="count")
            )
            parts.append(_text(x0 + cell / 2, bar_bottom - bar - 2, str(run.drifted), css="v"))
        if run.current:
            parts.append(svg_tag("rect", x=x0, y=bar_bottom + 4, width=cell, height=26, rx=4, class_="current"))
        parts.append(
            svg_tag("rect", x=x0 + 2, y=bar_bottom + 6, width=cell - 4, height=22, rx=3, class_=f"s-{run.status}")
        )
        parts.append(_text(x0 + cell / 2, bar_bottom + 21, STATUS_LETTERS.get(run.status, "?"), css=f"l-{run.status}"))
        body.append(svg_tag("g", *parts))
    body.append(svg_tag("line", x1=2, x2=width - 2, y1=bar_bottom, y2=bar_bottom, class_="axis"))
    body.append(_text(4, height - 2, "oldest", "start", css="v"))
    body.append(_text(width - 4, height - 2, "latest", "end", css="v"))
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.status] = counts.get(run.status, 0) + 1
    tally = ", ".join(f"{n} {STATUS_WORDS.get(s, s)}" for s, n in counts.items())
    desc = f"The last {len(runs)} runs, oldest first: {tally}. Bars show how many features drifted in each run."
    return _svg(chart_id, width, height, "Run status over time", desc, *body, css="strip")


LEGEND = Html(
    '<p class="legend"><span class="sw sb"></span> baseline (hatched grey)&ensp;'
    '<span class="sw st"></span> target (bold blue outline)</p>'
)
BAR_LEGEND = Html(
    '<p class="legend"><span class="sw sb"></span> baseline (hatched grey)&ensp;'
    '<span class="sw stb"></span> target (solid blue)</p>'
)


def legend(bars: bool = False) -> Html:
    """The key of a distribution chart: hatched grey baseline; target outlined (histograms) or solid (bars).

    The swatches are CSS-drawn spans: the same key repeats on every card, so it must be small.
    """
    return BAR_LEGEND if bars else LEGEND
