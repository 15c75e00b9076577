"""The per-side summaries of a FeatureResult (see result.FeatureResult for the keys)."""

from __future__ import annotations

import math
from typing import Any

from driftplane.engine.drift import NumericBins, baseline_bins
from driftplane.engine.profile import ColumnProfile
from driftplane.result import Kind

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
TOP_CATEGORIES = 20


def infinite_values_note(column: ColumnProfile, side: str | None = None) -> str | None:
    """Why a column's statistics leave some present values out: they are infinite."""
    infinite = column.numeric.infinite if column.numeric is not None else 0
    if not infinite:
        return None
    where = f" in the {side}" if side else ""
    also = " and drift" if side else ""
    return (
        f"'{column.name}' has {infinite:,} infinite value(s){where}; they count as present but are "
        f"left out of its statistics{also}"
    )


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def column_summary(
    column: ColumnProfile, kind: Kind, *, bins: int, target_bins: NumericBins | None = None
) -> dict[str, Any]:
    """One side's summary. The baseline's histogram uses its own bins; a target's, the baseline's (``target_bins``)."""
    distinct = column.distinct_count()
    out: dict[str, Any] = {
        "type": column.inferred_type,
        "count": column.present,
        "missing": column.missing,
        "distinct": distinct,
    }
    numeric = column.numeric
    if kind == "numerical" and numeric is not None and numeric.count:
        out.update(
            min=_finite(numeric.min),
            max=_finite(numeric.max),
            mean=_finite(numeric.mean),
            std=_finite(numeric.std),
            quantiles={
                f"{q:g}": _finite(v)
                for q, v in zip(QUANTILES, numeric.quantiles.quantiles(list(QUANTILES)), strict=True)
            },
        )
        if numeric.infinite:
            out["infinite"] = numeric.infinite
        if target_bins is None:
            edges, counts = baseline_bins(column, bins)
            if len(edges):
                out["histogram"] = {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}
    if kind == "numerical" and target_bins is not None:
        out["histogram"] = {
            "edges": [float(e) for e in target_bins.edges],
            "counts": [round(float(c), 3) for c in target_bins.target],
            "below": round(float(target_bins.below), 3),
            "above": round(float(target_bins.above), 3),
        }
    categorical = column.categorical
    if categorical is not None and categorical.total and (kind == "categorical" or column.inferred_type == "String"):
        top = categorical.top(TOP_CATEGORIES)
        out["categories"] = {k: (int(v) if float(v).is_integer() else round(float(v), 1)) for k, v in top.items()}
        if any(categorical.estimated(k) for k in top):
            # Past the category cap counts come from the frequent-items sketch: say they are estimates.
            out["categories_estimated"] = True
    return out
