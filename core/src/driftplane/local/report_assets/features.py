"""Per-feature parts of the report: the ordering, the at-a-glance table and one card per feature.

Drifted features come first, the furthest above their threshold first, because that is what
a reader opens the report for; then the features closest to drifting; then those that were
not measured.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from driftplane.local.report_assets import charts
from driftplane.local.report_assets.formats import (
    MINUS,
    MISSING,
    as_float,
    count,
    number,
    number_pair,
    percent,
    plural,
    times,
)
from driftplane.local.report_assets.markup import Html, join, tag
from driftplane.local.report_assets.wording import (
    OTHER,
    TYPE_WORDS,
    absent_categories,
    metric_name,
    new_categories,
    quoted,
)
from driftplane.result import FeatureResult, Violation


@dataclass
class FeatureView:
    """A feature with what the report derives from it: its decision, rank and anchors."""

    index: int
    feature: FeatureResult
    violations: list[Violation] = field(default_factory=list)
    rank: int = 0

    @property
    def anchor(self) -> str:
        """The card's id; built from the position, never from the name (which may hold anything)."""
        return f"feature-{self.index}"

    @property
    def status(self) -> str:
        drift = self.feature.drift
        if drift is None or drift.value is None:
            return "drifted" if drift is not None and drift.drifted else "unchecked"
        return "drifted" if drift.drifted else "stable"

    @property
    def applied_threshold(self) -> float | None:
        """The threshold the decision used: the effective one, never below the configured one."""
        drift = self.feature.drift
        if drift is None:
            return None
        if drift.effective_threshold is None:
            return drift.threshold
        return max(drift.effective_threshold, drift.threshold)

    @property
    def raised(self) -> bool:
        """Whether sampling noise raised this feature's threshold above the configured one."""
        drift = self.feature.drift
        applied = self.applied_threshold
        return drift is not None and applied is not None and applied > drift.threshold * (1 + 1e-9)

    @property
    def ratio(self) -> float | None:
        """The metric as a multiple of the applied threshold (2.0 = twice the threshold)."""
        drift = self.feature.drift
        applied = self.applied_threshold
        if drift is None or drift.value is None or not applied or not math.isfinite(drift.value):
            return None
        return drift.value / applied


def order_features(features: Sequence[FeatureResult], violations: Sequence[Violation]) -> list[FeatureView]:
    """Views of the features, drifted first by how far above the threshold, then the rest."""
    by_name: dict[str, list[Violation]] = {}
    for violation in violations:
        by_name.setdefault(violation.feature_name, []).append(violation)
    views = [FeatureView(i, f, by_name.get(f.name, [])) for i, f in enumerate(features)]
    group = {"drifted": 0, "stable": 1, "unchecked": 2}

    def severity(view: FeatureView) -> tuple[int, float, int]:
        ratio = view.ratio
        return (group[view.status], -(ratio if ratio is not None else -1.0), view.index)

    ordered = sorted(views, key=severity)
    for rank, view in enumerate(ordered):
        view.rank = rank
    return ordered


STATUS_BADGES = {
    "drifted": ("Drifted", "drifted"),
    "stable": ("No drift", "stable"),
    "unchecked": ("Not checked", "unchecked"),
}


def badge(view: FeatureView) -> Html:
    text, css = STATUS_BADGES[view.status]
    return tag("span", text, class_=f"badge {css}")


def violation_badge(view: FeatureView) -> Html | None:
    if not view.violations:
        return None
    return tag(
        "a", plural(len(view.violations), "violation"), href=f"#violations-{view.index}", class_="badge violated"
    )


# ---------------------------------------------------------------------------------------
# The at-a-glance table


def glance_table(views: Sequence[FeatureView]) -> Html:
    """Every feature in one sortable table: the index for reports with hundreds of features."""
    def header(text: str, key: str | None = None, numeric: bool = False) -> Html:
        """A sortable column: by the cells' text, or by a data attribute of the rows (``key``)."""
        return tag(
            "th", tag("button", text, type="button", data_key=key), scope="col", class_="num" if numeric else None
        )

    rows = []
    for view in views:
        drift = view.feature.drift
        rows.append(
            tag(
                "tr",
                tag("td", tag("a", view.feature.name, href=f"#{view.anchor}")),
                tag("td", view.feature.kind),
                tag("td", metric_name(drift.metric) if drift else MISSING),
                tag("td", number(drift.value) if drift else MISSING, class_="num"),
                tag("td", number(view.applied_threshold), "*" if view.raised else "", class_="num"),
                tag("td", badge(view)),
                tag("td", len(view.violations) or "", class_="num"),
                data_name=view.feature.name,
                data_rank=view.rank,
                class_=view.status,
            )
        )
    raised = any(v.raised for v in views)
    return join(
        tag(
            "table",
            tag("caption", "All features, most drifted first. Select a column heading to sort.", class_="muted"),
            tag(
                "thead",
                tag(
                    "tr",
                    header("Feature", "name"),
                    header("Kind"),
                    header("Metric"),
                    header("Value", numeric=True),
                    header("Threshold", numeric=True),
                    header("Result", "rank"),
                    header("Violations", numeric=True),
                ),
            ),
            tag("tbody", rows),
            id="glance",
            class_="glance",
        ),
        tag("p", "* threshold raised above the configured one for the sample size.", class_="muted")
        if raised
        else None,
    )


# ---------------------------------------------------------------------------------------
# One card per feature


def feature_card(view: FeatureView, trend: Html | None) -> Html:
    """A feature's decision, its overlaid chart, its statistics side by side and its trend."""
    feature = view.feature
    chart = _chart(view)
    return tag(
        "article",
        tag(
            "header",
            tag("h3", feature.name),
            badge(view),
            tag("span", feature.kind, class_="kind"),
            violation_badge(view),
        ),
        _measure(view),
        tag(
            "div",
            tag(
                "div",
                tag("figure", chart, charts.legend(bars=feature.kind == "categorical"))
                if chart is not None
                else tag("p", "No distribution summary to draw for this feature.", class_="muted"),
                tag("figure", trend, tag("figcaption", "The metric over the last runs; dashed: the threshold."))
                if trend
                else None,
            ),
            tag("div", _stats(feature), _category_notes(feature), _empty_notes(feature)),
            class_="cols",
        ),
        id=view.anchor,
        class_=f"feature {view.status}",
        data_name=feature.name,
        data_rank=view.rank,
    )


def _measure(view: FeatureView) -> Html:
    drift = view.feature.drift
    if drift is None:
        return tag(
            "p", "Not checked for drift (drift checks are off for this feature or its kind).", class_="measure muted"
        )
    name = metric_name(drift.metric)
    applied = view.applied_threshold
    threshold_note: list[Any] = []
    if view.raised:
        threshold_note = [
            " ",
            tag("span", f"(configured {number(drift.threshold)}, raised for the sample size)", class_="muted"),
        ]
    if drift.value is None or math.isnan(drift.value):
        return tag(
            "p",
            f"The {name} could not be computed (for example, one side has no values); threshold ",
            tag("strong", number(applied)),
            *threshold_note,
            ".",
            class_="measure",
        )
    ratio = view.ratio
    relation = ""
    if ratio is not None:
        relation = f" — {times(ratio)} the threshold" if ratio >= 1 else f" — {percent(ratio)} of the threshold"
    gauge = _gauge(drift.value, applied)
    value_text, threshold_text = (
        number_pair(drift.value, applied) if applied is not None else (number(drift.value), MISSING)
    )
    sentence = tag(
        "p",
        name[:1].upper() + name[1:],
        " ",
        tag("strong", value_text),
        " against threshold ",
        tag("strong", threshold_text),
        *threshold_note,
        relation,
        ".",
        class_="measure",
    )
    return join(sentence, gauge)


def _gauge(value: float, threshold: float | None) -> Html:
    """The metric as a bar with a tick at the threshold, scaled to leave room past both."""
    if math.isinf(value):
        fill, tick = (1.0 if value > 0 else 0.0), None
    else:
        scale = max(value, threshold or 0.0) * 1.25 or 1.0
        fill = min(max(value, 0.0) / scale, 1.0)
        tick = threshold / scale if threshold else None
    return tag(
        "span",
        tag("span", style=f"width:{fill * 100:.1f}%"),
        tag("i", style=f"left:{tick * 100:.1f}%") if tick is not None else None,
        class_="gauge",
        aria_hidden="true",
    )


def _chart(view: FeatureView) -> Html | None:
    feature = view.feature
    chart_id = f"c{view.index}"
    if feature.kind == "categorical":
        chart = charts.category_chart(chart_id, feature.name, feature.baseline, feature.target)
    else:
        chart = charts.histogram_chart(chart_id, feature.name, feature.baseline, feature.target)
        if chart is None:
            chart = charts.quantile_chart(chart_id, feature.name, feature.baseline, feature.target)
    return chart


def _missing_share(summary: dict[str, Any]) -> float | None:
    present, missing = as_float(summary.get("count")), as_float(summary.get("missing"))
    if present is None or missing is None or present + missing <= 0:
        return None
    return missing / (present + missing)


def _quantile(summary: dict[str, Any], probability: float) -> Any:
    quantiles = summary.get("quantiles")
    if not isinstance(quantiles, dict):
        return None
    for key, value in quantiles.items():
        if as_float(key) == probability:
            return value
    return None


def _top_category(summary: dict[str, Any]) -> str | None:
    counts = charts.read_categories(summary)
    total = sum(counts.values())
    named = {k: v for k, v in counts.items() if k != OTHER}
    if not named or not total:
        return None
    top = max(named, key=named.__getitem__)
    # Past the exact cap, counts come from a frequent-items sketch: say they are estimates.
    about = "≈" if summary.get("categories_estimated") else ""
    return f"{quoted(top)} ({about}{percent(named[top] / total)})"


def _stats(feature: FeatureResult) -> Html:
    base, tgt = feature.baseline, feature.target
    rows: list[tuple[str, str, str, str]] = []

    def add(label: str, b: str, t: str, change: str = "") -> None:
        if b != MISSING or t != MISSING:
            rows.append((label, b, t, change))

    add("Values present", count(base.get("count")), count(tgt.get("count")))
    miss_b, miss_t = _missing_share(base), _missing_share(tgt)
    change = ""
    if miss_b is not None and miss_t is not None and abs(miss_t - miss_b) >= 0.0005:
        change = f"{(miss_t - miss_b) * 100:+.1f} pts".replace("-", MINUS)
    add("Missing", percent(miss_b), percent(miss_t), change)
    if feature.kind == "numerical":
        mean_b, mean_t, std_b = as_float(base.get("mean")), as_float(tgt.get("mean")), as_float(base.get("std"))
        shift = ""
        if mean_b is not None and mean_t is not None and std_b and math.isfinite(std_b):
            shift = f"{(mean_t - mean_b) / std_b:+.2f} sd".replace("-", MINUS)
        add("Mean", number(base.get("mean")), number(tgt.get("mean")), shift)
        add("Std deviation", number(base.get("std")), number(tgt.get("std")))
        add("Minimum", number(base.get("min")), number(tgt.get("min")))
        add("5%", number(_quantile(base, 0.05)), number(_quantile(tgt, 0.05)))
        add("Median", number(_quantile(base, 0.5)), number(_quantile(tgt, 0.5)))
        add("95%", number(_quantile(base, 0.95)), number(_quantile(tgt, 0.95)))
        add("Maximum", number(base.get("max")), number(tgt.get("max")))
    else:
        add("Distinct values", count(base.get("distinct")), count(tgt.get("distinct")))
        add("Most frequent", _top_category(base) or MISSING, _top_category(tgt) or MISSING)
    type_b, type_t = base.get("type"), tgt.get("type")
    type_changed = bool(type_b and type_t and type_b != type_t)
    add(
        "Type",
        _type_text(type_b),
        _type_text(type_t),
        "changed" if type_changed else "",
    )
    if not rows:
        return tag("p", "No statistics were recorded for this feature.", class_="muted")
    body = [
        tag(
            "tr",
            tag("th", label),  # a header cell leading a body row heads that row
            tag("td", b),
            tag("td", t),
            tag("td", change, class_="changed" if change else None),
        )
        for label, b, t, change in rows
    ]
    return tag(
        "table",
        tag("thead", tag("tr", tag("th", tag("span", "Statistic", class_="muted"), scope="col"),
                         tag("th", "Baseline", scope="col", class_="num"),
                         tag("th", "Target", scope="col", class_="num"),
                         tag("th", "Change", scope="col", class_="num"))),
        tag("tbody", body),
        class_="stats",
    )


def _type_text(value: Any) -> str:
    if not value:
        return MISSING
    text = str(value)
    return f"{text} ({TYPE_WORDS[text]})" if text in TYPE_WORDS else text


def _names(values: list[str], limit: int = 8) -> str:
    shown = ", ".join(quoted(v) for v in values[:limit])
    return shown + (f" and {len(values) - limit:,} more" if len(values) > limit else "")


def _category_notes(feature: FeatureResult) -> Html | None:
    if feature.kind != "categorical":
        return None
    notes = []
    new, absent = new_categories(feature), absent_categories(feature)
    if new:
        hedge = (
            " (or rare in the baseline: its rarest values are summarized as other)"
            if OTHER in (feature.baseline.get("categories") or {})
            else ""
        )
        notes.append(tag("p", tag("strong", "Only in target: "), _names(new), hedge, class_="catlist"))
    if absent:
        hedge = (
            " (or rare in the target: its rarest values are summarized as other)"
            if OTHER in (feature.target.get("categories") or {})
            else ""
        )
        notes.append(tag("p", tag("strong", "Not seen in target: "), _names(absent), hedge, class_="catlist"))
    return join(notes) if notes else None


def _empty_notes(feature: FeatureResult) -> Html | None:
    notes = []
    for side, summary in (("baseline", feature.baseline), ("target", feature.target)):
        present = as_float(summary.get("count"))
        if present == 0:
            notes.append(tag("p", f"The {side} has no values for this feature.", class_="catlist"))
    return join(notes) if notes else None
