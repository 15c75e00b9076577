"""Per-feature drift: compute the feature's metric, decide against the threshold and the noise.

What a metric is and which computation scores it for each feature kind is the registry's
(driftplane.drift_metrics, engine.computations); this module hands each computation its
inputs: the quantile sketches or the baseline's bins for numbers, category counts for
categories, and the same shapes redrawn from the baseline for the noise simulations.

Two samples of one distribution are never identical: at 1,000 rows they sit 0.05 to 0.09
apart in normalized Wasserstein or Jensen-Shannon distance, near the 0.1 default, and
further on heavy-tailed columns. So each feature's threshold is raised to the distance that
pure sampling noise reaches, never lowered (engine.noise: both sides redrawn from the
baseline's own values, or its quantile sketch, at their real sizes). At a million rows the
noise is tiny and the configured threshold applies unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from driftplane import drift_metrics
from driftplane.engine import noise
from driftplane.engine.computations import Computation, OnCounts, OnValues, Sizes
from driftplane.engine.histogram import GridHistogram
from driftplane.engine.profile import OTHER, ColumnProfile
from driftplane.errors import UsageError
from driftplane.result import Drift, Kind


@dataclass
class NumericBins:
    """The baseline's equal-width bins and both sides' counts on them (plus the target outside them)."""

    edges: np.ndarray
    baseline: np.ndarray  # counts per bin
    target: np.ndarray  # counts per bin
    below: float  # target values below the first edge
    above: float  # target values above the last edge
    exact: bool  # True when the target was counted on the baseline's grid


def baseline_bins(column: ColumnProfile, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Equal-width bins over the baseline's [min, max], edges on its exact grid; (edges, counts)."""
    numeric = column.numeric
    if numeric is None or numeric.count == 0:
        return np.zeros(0), np.zeros(0)
    return numeric.histogram.coarse(bins, numeric.min, numeric.max)


def _same_grid(a: GridHistogram, b: GridHistogram) -> bool:
    return a.exponent == b.exponent and a.start == b.start and len(a.counts) == len(b.counts)


def numeric_bins(baseline: ColumnProfile, target: ColumnProfile, bins: int) -> NumericBins | None:
    """Both sides on the baseline's bins: exact when the target was profiled against this baseline."""
    edges, base_counts = baseline_bins(baseline, bins)
    if len(edges) == 0 or target.numeric is None:
        return None
    assert baseline.numeric is not None
    t_hist = target.numeric.histogram
    if t_hist.fixed and _same_grid(t_hist, baseline.numeric.histogram):
        fine_edges = baseline.numeric.histogram.edges()
        positions = np.searchsorted(fine_edges, edges)
        counts = (
            np.add.reduceat(t_hist.counts, positions[:-1]) if len(positions) > 1 else t_hist.counts.sum(keepdims=True)
        )
        return NumericBins(edges, base_counts, counts.astype(np.float64), t_hist.below, t_hist.above, True)
    # The target was profiled on its own: place its quantile sketch on the baseline's edges.
    weighted = target.numeric.quantiles.weighted()
    counts, _ = np.histogram(weighted.values, bins=edges, weights=weighted.weights)
    below = float(weighted.weights[weighted.values < edges[0]].sum())
    above = float(weighted.weights[weighted.values > edges[-1]].sum())
    return NumericBins(edges, base_counts, counts.astype(np.float64), below, above, False)


def category_vectors(baseline: ColumnProfile, target: ColumnProfile) -> tuple[list[str], np.ndarray, np.ndarray] | None:
    """Both sides' category counts on one list of categories, in order of name.

    When the baseline's categories are all known exactly, target values it never had keep
    their own categories; past the baseline's cap, they share ``__other__`` with its rare values.
    The order is the names', not the order a profile met them in: a baseline read back from a
    statistics.json (the AWS processing job's) lists them otherwise than one profiled from its
    rows, and the same counts must give the same distance and the same noise bound (whose
    simulations draw with a fixed seed) to the last bit.
    """
    if baseline.categorical is None or target.categorical is None:
        return None
    base = baseline.categorical.frequencies()
    tgt = target.categorical.frequencies()
    if OTHER in base:
        names = [k for k in base if k != OTHER] + [OTHER]
        known = set(names)
        folded: dict[str, float] = {}
        for key, value in tgt.items():
            name = key if key in known else OTHER
            folded[name] = folded.get(name, 0.0) + value
        tgt = folded
    else:
        names = list(base) + [k for k in tgt if k not in base]
    names.sort()
    return (
        names,
        np.array([base.get(k, 0.0) for k in names], dtype=np.float64),
        np.array([tgt.get(k, 0.0) for k in names], dtype=np.float64),
    )


def _scale(baseline: ColumnProfile, target: ColumnProfile) -> float:
    """What normalized Wasserstein divides by: the baseline's std (the target's if the baseline is constant)."""
    for column in (baseline, target):
        if column.numeric is not None and column.numeric.count and column.numeric.std > 0:
            return column.numeric.std
    return 1.0


def computation(metric: str, kind: Kind) -> Computation:
    """The engine's computation of ``metric`` for features of this kind (from driftplane.drift_metrics)."""
    found = drift_metrics.get(metric).computation(kind)
    shapes = (OnValues, OnCounts) if kind == "numerical" else (OnCounts,)
    if not isinstance(found, shapes):
        raise UsageError(
            f"metric {metric}: its {kind} computation is {found!r}, not one of "
            f"{', '.join('driftplane.engine.computations.' + shape.__name__ for shape in shapes)}"
        )
    return found


def _numeric_sizes(baseline: ColumnProfile, target: ColumnProfile) -> Sizes:
    assert baseline.numeric is not None and target.numeric is not None
    return Sizes(baseline.numeric.count, target.numeric.count, _scale(baseline, target))


def numeric_metric(metric: str, baseline: ColumnProfile, target: ColumnProfile, bins: int) -> float | None:
    """The metric's value for a numerical feature; None when a side has no numbers."""
    if baseline.numeric is None or target.numeric is None or baseline.numeric.count == 0 or target.numeric.count == 0:
        return None
    compute = computation(metric, "numerical")
    sizes = _numeric_sizes(baseline, target)
    if isinstance(compute, OnValues):
        return compute.value(baseline.numeric.quantiles.weighted(), target.numeric.quantiles.weighted(), sizes)
    binned = numeric_bins(baseline, target, bins)
    if binned is None:
        return None
    p = np.concatenate([[0.0], binned.baseline, [0.0]])
    q = np.concatenate([[binned.below], binned.target, [binned.above]])
    return float(compute.score(p, q, sizes))


def categorical_metric(metric: str, baseline: ColumnProfile, target: ColumnProfile) -> float | None:
    """The metric's value for a categorical feature; None when a side has no values."""
    vectors = category_vectors(baseline, target)
    if vectors is None:
        return None
    _names, p, q = vectors
    if p.sum() == 0 or q.sum() == 0:
        return None
    compute = computation(metric, "categorical")
    assert isinstance(compute, OnCounts)
    return float(compute.score(p, q, Sizes(p.sum(), q.sum())))


# -- sampling noise ------------------------------------------------------------------------


def numeric_noise(metric: str, baseline: ColumnProfile, target: ColumnProfile, bins: int, threshold: float) -> float:
    """The distance sampling noise alone reaches for a numerical feature of these sizes (see engine.noise)."""
    numeric = baseline.numeric
    assert numeric is not None and target.numeric is not None
    n, m = numeric.count, target.numeric.count
    weighted = numeric.quantiles.weighted()
    if len(weighted.values) == 0:
        return 0.0
    redraw = noise.redraw_of(weighted.values, weighted.weights, n)
    sizes = _numeric_sizes(baseline, target)
    compute = computation(metric, "numerical")
    if isinstance(compute, OnValues):
        grouped, _ = noise.compress(redraw.support, sizes.scale)
        allowance = noise.rare_value_allowance(redraw, n, m, sizes.scale) if compute.rare_value_allowance else 0.0
        score = compute.simulated(grouped.values, sizes)
        return noise.simulate(score, grouped.probabilities, n, m, threshold, allowance)
    edges, _counts = baseline_bins(baseline, bins)
    if len(edges) < 2:
        return 0.0
    grouped, placed = noise.compress(redraw.support, sizes.scale, edges)
    score = noise.binned_scores(placed, len(edges) + 1, lambda a, b: compute.score(a, b, sizes))
    return noise.simulate(score, grouped.probabilities, n, m, threshold)


def categorical_noise(metric: str, baseline: ColumnProfile, target: ColumnProfile, threshold: float) -> float:
    """The distance sampling noise alone reaches for a categorical feature of these sizes."""
    vectors = category_vectors(baseline, target)
    if vectors is None:
        return 0.0
    _names, p_counts, q_counts = vectors
    n, m = p_counts.sum(), q_counts.sum()
    if n == 0 or m == 0:
        return 0.0
    seen = p_counts > 0
    probabilities = p_counts[seen] / n
    compute = computation(metric, "categorical")
    assert isinstance(compute, OnCounts)
    sizes = Sizes(n, m)

    def score(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.asarray(compute.score(a, b, sizes), dtype=np.float64)

    return noise.simulate(score, probabilities, n, m, threshold)


def feature_drift(
    kind: Kind,
    metric: str,
    threshold: float,
    baseline: ColumnProfile,
    target: ColumnProfile,
    *,
    bins: int,
    noise_correction: bool,
) -> Drift:
    """Score one feature and decide whether it drifted."""
    if kind == "numerical":
        value = numeric_metric(metric, baseline, target, bins)
    else:
        value = categorical_metric(metric, baseline, target)
    if value is None or not math.isfinite(value):
        return Drift(metric=metric, value=None, threshold=threshold, effective_threshold=threshold, drifted=False)
    effective = threshold
    if noise_correction:
        reached = (
            numeric_noise(metric, baseline, target, bins, threshold)
            if kind == "numerical"
            else categorical_noise(metric, baseline, target, threshold)
        )
        effective = max(threshold, reached)
    return Drift(
        metric=metric,
        value=float(value),
        threshold=threshold,
        effective_threshold=float(effective),
        drifted=bool(value > effective),
    )
