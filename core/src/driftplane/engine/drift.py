"""Per-feature drift: pick the metric, compute it, decide against the threshold and the noise.

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

from driftplane.engine import metrics, noise
from driftplane.engine.histogram import GridHistogram
from driftplane.engine.profile import OTHER, ColumnProfile
from driftplane.result import Drift, Kind

CDF_METRICS = ("normalized_wasserstein", "ks_statistic", "linf", "linf_robust")


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
        counts = np.add.reduceat(t_hist.counts, positions[:-1]) if len(positions) > 1 else t_hist.counts.sum(keepdims=True)
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


def numeric_metric(metric: str, baseline: ColumnProfile, target: ColumnProfile, bins: int) -> float | None:
    """The metric's value for a numerical feature; None when a side has no numbers."""
    if baseline.numeric is None or target.numeric is None or baseline.numeric.count == 0 or target.numeric.count == 0:
        return None
    if metric in CDF_METRICS:
        u = baseline.numeric.quantiles.weighted()
        v = target.numeric.quantiles.weighted()
        if metric == "normalized_wasserstein":
            return metrics.wasserstein(u, v) / _scale(baseline, target)
        distance = metrics.ks_statistic(u, v)
        if metric == "linf_robust":
            distance = max(0.0, distance - metrics.robust_correction(baseline.numeric.count, target.numeric.count))
        return distance
    binned = numeric_bins(baseline, target, bins)
    if binned is None:
        return None
    p = np.concatenate([[0.0], binned.baseline, [0.0]])
    q = np.concatenate([[binned.below], binned.target, [binned.above]])
    return float(_count_metric(metric, p, q))


def categorical_metric(metric: str, baseline: ColumnProfile, target: ColumnProfile) -> float | None:
    """The metric's value for a categorical feature; None when a side has no values."""
    vectors = category_vectors(baseline, target)
    if vectors is None:
        return None
    _names, p, q = vectors
    if p.sum() == 0 or q.sum() == 0:
        return None
    if metric == "linf_robust":
        return max(0.0, float(metrics.linf_frequencies(p, q)) - metrics.robust_correction(p.sum(), q.sum()))
    return float(_count_metric(metric, p, q, categorical=True))


def _count_metric(metric: str, p: np.ndarray, q: np.ndarray, categorical: bool = False) -> np.ndarray | float:
    if metric == "jensen_shannon":
        return metrics.jensen_shannon(p, q)
    if metric == "hellinger":
        return metrics.hellinger(p, q)
    if metric == "psi":
        return metrics.psi(p, q)
    if metric == "cramers_v":
        return metrics.cramers_v(p, q)
    if metric in ("linf", "ks_statistic"):
        return metrics.linf_frequencies(p, q) if categorical else metrics.linf_cdf(p, q)
    raise ValueError(f"unknown metric '{metric}'")


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
    scale = _scale(baseline, target)
    if metric in CDF_METRICS:
        grouped, _ = noise.compress(redraw.support, scale)
        # one rare value far past the baseline's extremes moves a Wasserstein distance, not a CDF gap
        allowance = noise.rare_value_allowance(redraw, n, m, scale) if metric == "normalized_wasserstein" else 0.0
        score = noise.cdf_scores(metric, grouped.values, n, m)
        return noise.simulate(score, grouped.probabilities, n, m, threshold, allowance)
    edges, _counts = baseline_bins(baseline, bins)
    if len(edges) < 2:
        return 0.0
    grouped, placed = noise.compress(redraw.support, scale, edges)
    score = noise.binned_scores(metric, placed, len(edges) + 1, _count_metric)
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

    def score(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if metric == "linf_robust":
            return np.maximum(np.asarray(metrics.linf_frequencies(a, b)) - metrics.robust_correction(n, m), 0.0)
        return np.asarray(_count_metric(metric, a, b, categorical=True), dtype=np.float64)

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
