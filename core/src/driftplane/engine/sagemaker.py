"""SageMaker's statistics.json and constraint_violations.json, to and from driftplane's models.

statistics.json is written field for field as SageMaker's analyzer writes it, KLL sketch
included (its compactor levels, items of level i weighing 2^i), so SageMaker itself could
use a baseline driftplane computed. A statistics.json SageMaker wrote reads back into a
Profile whose quantiles are that sketch's weighted items.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from driftplane.engine.constraints import CATEGORICAL_THRESHOLD, Constraints
from driftplane.engine.histogram import GridHistogram
from driftplane.engine.jsonfiles import read_json, write_json_atomic
from driftplane.engine.profile import (
    CategoricalSummary,
    ColumnProfile,
    NumericSummary,
    Profile,
    ProfileSettings,
)
from driftplane.engine.sketches import Quantiles, WeightedValues
from driftplane.errors import DataError
from driftplane.result import Violation

KLL_BUCKETS = 10  # SageMaker: "not currently configurable"
# The KLL parameters SageMaker's analyzer (Deequ) writes, and the k the profile's sketch uses. That
# sketch is DataSketches', whose lower levels shrink by 2/3 rather than 0.64, so they may hold more
# items than Deequ's nominal size for them; a reader compacts them on its next update, and a
# quantile or CDF reads the items with their weights (2^level) as they are either way.
KLL_C = 0.64


# -- statistics.json -----------------------------------------------------------------------


def _kll_buckets(weighted: WeightedValues, low: float, high: float) -> list[dict[str, float]]:
    """10 equal-width buckets from min to max; count = rank below upper - rank below lower, last inclusive."""
    edges = np.linspace(low, high, KLL_BUCKETS + 1)
    cumulative = np.concatenate([[0.0], np.cumsum(weighted.weights)])
    below = cumulative[np.searchsorted(weighted.values, edges, side="left")]
    below[-1] = cumulative[-1]
    return [
        {"lower_bound": float(edges[i]), "upper_bound": float(edges[i + 1]), "count": float(below[i + 1] - below[i])}
        for i in range(KLL_BUCKETS)
    ]


def _feature_statistics(column: ColumnProfile) -> dict[str, Any]:
    inferred = column.inferred_type
    completeness = column.present / column.rows if column.rows else 0.0
    common = {"num_present": column.present, "num_missing": column.missing}
    numeric = column.numeric
    if inferred in ("Integral", "Fractional") and numeric is not None and numeric.count:
        distinct = column.distinct_count()
        weighted = numeric.quantiles.weighted()
        stats: dict[str, Any] = {
            "common": common,
            "mean": numeric.mean,
            "sum": numeric.sum,
            "std_dev": numeric.std,
            "min": numeric.min,
            "max": numeric.max,
            "approximate_num_distinct_values": round(distinct) if distinct is not None else None,
            "completeness": completeness,
            "distribution": {
                "kll": {
                    "buckets": _kll_buckets(weighted, numeric.min, numeric.max),
                    "sketch": {
                        "parameters": {"c": KLL_C, "k": float(numeric.quantiles.k)},
                        "data": [level.tolist() for level in numeric.quantiles.levels()],
                    },
                }
            },
        }
        if stats["approximate_num_distinct_values"] is None:
            del stats["approximate_num_distinct_values"]
        return {"name": column.name, "inferred_type": inferred, "numerical_statistics": stats}
    distinct = column.distinct_count()
    # A whole number, as SageMaker writes it (24000.0): an estimate's decimals are noise, not precision.
    strings: dict[str, Any] = {
        "common": common,
        "distinct_count": float(round(distinct or 0.0)),
        "completeness": completeness,
    }
    categorical = column.categorical
    if (
        categorical is not None
        and categorical.exact
        and categorical.counts
        and len(categorical.counts) <= CATEGORICAL_THRESHOLD
    ):
        ranked = sorted(categorical.counts.items(), key=lambda kv: (-kv[1], kv[0]))
        strings["distribution"] = {"categorical": {"buckets": [{"value": v, "count": c} for v, c in ranked]}}
    return {"name": column.name, "inferred_type": inferred, "string_statistics": strings}


def statistics_from_profile(profile: Profile) -> dict[str, Any]:
    """SageMaker's statistics.json for a profile."""
    return {
        "version": 0.0,
        "dataset": {"item_count": profile.rows},
        "features": [_feature_statistics(c) for c in profile.columns.values()],
    }


def _number(stats: dict[str, Any], key: str, where: str, default: float | None = None) -> float:
    value = stats.get(key, default)
    if value is None:
        raise ValueError(f"{where}: '{key}' is missing")
    if not isinstance(value, int | float):
        raise ValueError(f"{where}: '{key}' should be a number, not {value!r}")
    return float(value)


def _column_from_statistics(feature: dict[str, Any], rows: int, settings: ProfileSettings, where: str) -> ColumnProfile:
    name = feature.get("name")
    if not isinstance(name, str):
        raise ValueError(f"{where}: 'name' is missing")
    where = f"{where} ({name})"
    inferred = str(feature.get("inferred_type", "Unknown"))
    stats = feature.get("numerical_statistics") or feature.get("string_statistics")
    if not isinstance(stats, dict):
        raise ValueError(f"{where}: needs 'numerical_statistics' or 'string_statistics'")
    common = stats.get("common") or {}
    present = int(_number(common, "num_present", where))
    missing = int(_number(common, "num_missing", where, 0))
    column = ColumnProfile(name=name, settings=settings, rows=present + missing, missing=missing)
    if inferred in column.type_counts:
        column.type_counts[inferred] = present
    if "numerical_statistics" in feature:
        column.track_categories = False
        kll = (stats.get("distribution") or {}).get("kll") or {}
        sketch = kll.get("sketch") or {}
        if sketch.get("data"):
            weighted = WeightedValues.from_levels(sketch["data"])
        elif kll.get("buckets"):  # no sketch: bucket midpoints stand in for the values
            buckets = kll["buckets"]
            weighted = WeightedValues(
                np.array([(b["lower_bound"] + b["upper_bound"]) / 2 for b in buckets], dtype=np.float64),
                np.array([b["count"] for b in buckets], dtype=np.float64),
            )
        else:
            weighted = WeightedValues(np.empty(0), np.empty(0))
        k = (sketch.get("parameters") or {}).get("k")
        count = present if present else round(weighted.total)
        low = _number(stats, "min", where, math.inf if count == 0 else None)
        high = _number(stats, "max", where, -math.inf if count == 0 else None)
        std = _number(stats, "std_dev", where, 0.0)
        column.numeric = NumericSummary(
            count=count,
            sum=_number(stats, "sum", where, 0.0),
            m2=std * std * count,
            min=low,
            max=high,
            quantiles=Quantiles(fixed=weighted, fixed_k=float(k) if k else 0.0),
            histogram=GridHistogram.from_weighted(weighted.values, weighted.weights, low, high, settings.histogram_bins)
            if count
            else GridHistogram(max_bins=settings.histogram_bins),
            distinct=None,
            distinct_estimate=stats.get("approximate_num_distinct_values"),
        )
    else:
        buckets = ((stats.get("distribution") or {}).get("categorical") or {}).get("buckets")
        if buckets:
            column.categorical = CategoricalSummary(
                cap=max(settings.category_cap, len(buckets)),
                counts={str(b["value"]): int(b["count"]) for b in buckets},
                total=present,
                distinct=None,
                distinct_estimate=stats.get("distinct_count"),
            )
        else:
            column.track_categories = False
            column.distinct_estimate = stats.get("distinct_count")
    return column


def profile_from_statistics(data: Any, *, source: str | None = None) -> Profile:
    """A Profile from SageMaker's statistics.json (already parsed); ValueError says what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise ValueError("a statistics.json needs a 'features' list")
    settings = ProfileSettings()
    dataset = data.get("dataset") or {}
    columns: dict[str, ColumnProfile] = {}
    rows = int(dataset.get("item_count", 0) or 0)
    for index, feature in enumerate(data["features"]):
        if not isinstance(feature, dict):
            raise ValueError(f"features[{index}] should be an object")
        column = _column_from_statistics(feature, rows, settings, f"features[{index}]")
        columns[column.name] = column
    if not rows and columns:
        rows = max(c.rows for c in columns.values())
    return Profile(columns=columns, rows=rows, settings=settings, source=source, origin="sagemaker")


def read_statistics(path: str | Path, storage_options: dict[str, Any] | None = None) -> Profile:
    """Read SageMaker's statistics.json (a path or URI) as a baseline Profile (DataError when it is not one)."""
    data = read_json(path, "SageMaker statistics.json", storage_options)
    try:
        return profile_from_statistics(data, source=str(path))
    except (ValueError, TypeError, KeyError) as exc:
        raise DataError(f"{path}: not a SageMaker statistics.json: {exc}") from None


def write_statistics(profile: Profile, path: str | Path) -> Path:
    return write_json_atomic(path, statistics_from_profile(profile))


# -- constraints.json ----------------------------------------------------------------------


def read_constraints(path: str | Path, storage_options: dict[str, Any] | None = None) -> Constraints:
    """Read a constraints.json (SageMaker's or driftplane's; a path or URI); DataError when it is not one."""
    data = read_json(path, "SageMaker constraints.json", storage_options)
    try:
        return Constraints.from_dict(data)
    except (ValueError, TypeError, KeyError) as exc:
        raise DataError(f"{path}: not a SageMaker constraints.json: {exc}") from None


def write_constraints(constraints: Constraints, path: str | Path) -> Path:
    return write_json_atomic(path, constraints.to_dict())


# -- constraint_violations.json ------------------------------------------------------------


def violations_to_dict(violations: list[Violation]) -> dict[str, Any]:
    return {"violations": [v.model_dump() for v in violations]}


def write_violations(violations: list[Violation], path: str | Path) -> Path:
    """constraint_violations.json; an empty list when nothing was found."""
    return write_json_atomic(path, violations_to_dict(violations))


def read_violations(path: str | Path) -> list[Violation]:
    data = read_json(path, "SageMaker constraint_violations.json")
    try:
        return [Violation(**v) for v in data["violations"]]
    except (TypeError, KeyError, ValueError) as exc:
        raise DataError(f"{path}: not a SageMaker constraint_violations.json: {exc}") from None
