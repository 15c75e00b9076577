"""How the engine computes each drift metric, and how it simulates the metric's sampling noise.

A metric's computation for one feature kind (``driftplane.drift_metrics`` points at it)
has one of two shapes, and the shape says what the engine hands it:

- ``OnCounts``: a distance between two count vectors over shared cells: the categories, or
  for numbers the baseline's ``bins`` equal-width bins plus one cell below and one above for
  target values outside the baseline's range. ``score`` works on the last axis, so the same
  function scores the real counts and a matrix of counts redrawn from the baseline: that is
  the noise simulation.
- ``OnValues`` (numbers only): a distance between the two samples' values themselves (the
  profiles' quantile sketches, exact while they keep every value). ``value`` scores the real
  samples; ``simulated(values, sizes)`` gives the function that scores redrawn samples, as
  count vectors over the support ``values`` (ascending). ``rare_value_allowance`` says that
  one target value far past the baseline's extremes moves the distance by itself (a
  Wasserstein distance, a mean), which simulations too few to draw such a value allow for.

``Sizes`` are the rows behind each side and the scale of the baseline's values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from driftplane.engine import distances
from driftplane.engine.sketches import WeightedValues

Scores = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Sizes:
    """What a distance may need besides the two distributions."""

    baseline: float  # n: values behind the baseline side
    target: float  # m: values behind the target side
    scale: float = (
        1.0  # numbers: the baseline's std (the target's when the baseline is constant, else 1)
    )


@dataclass(frozen=True)
class OnCounts:
    """A distance between count vectors over shared cells (categories or the baseline's bins)."""

    score: Callable[[np.ndarray, np.ndarray, Sizes], np.ndarray | float]


@dataclass(frozen=True)
class OnValues:
    """A distance between two samples' values (numbers only)."""

    value: Callable[[WeightedValues, WeightedValues, Sizes], float]
    simulated: Callable[[np.ndarray, Sizes], Scores]
    rare_value_allowance: bool = False


Computation = OnCounts | OnValues


def cdfs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's cumulative distribution: count vectors (one per row) over the same ascending support."""
    return np.cumsum(a, axis=1) / a.sum(axis=1, keepdims=True), np.cumsum(b, axis=1) / b.sum(
        axis=1, keepdims=True
    )


def _std(counts: np.ndarray, centred: np.ndarray) -> np.ndarray:
    """Population std of each count vector over the values (two passes: exactly 0 for one value)."""
    total = counts.sum(axis=1)
    mean = counts @ centred / total
    return np.sqrt(np.sum(counts * (centred[None, :] - mean[:, None]) ** 2, axis=1) / total)


# -- on the values: the CDF metrics ------------------------------------------------------------


def _wasserstein(u: WeightedValues, v: WeightedValues, sizes: Sizes) -> float:
    return distances.wasserstein(u, v) / sizes.scale


def _wasserstein_simulated(values: np.ndarray, sizes: Sizes) -> Scores:
    """Each redrawn pair's Wasserstein distance over the redrawn baseline's own std.

    A redrawn baseline that happens to miss the tail's largest values has a smaller std,
    as a real one would.
    """
    steps = np.diff(values)
    centred = values - values.mean()
    negligible = (
        1e-9 * float(values[-1] - values[0]) if len(values) else 0.0
    )  # rounding, not spread

    def score(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        fa, fb = cdfs(a, b)
        gap = np.abs(fa - fb)
        scale = _std(a, centred)
        fallback = _std(b, centred)  # a constant baseline: the target's spread, as the metric does
        scale = np.where(scale > negligible, scale, np.where(fallback > negligible, fallback, 1.0))
        return (gap[:, :-1] @ steps) / scale

    return score


def _cdf_gap(u: WeightedValues, v: WeightedValues, sizes: Sizes) -> float:
    return distances.ks_statistic(u, v)


def _cdf_gap_simulated(values: np.ndarray, sizes: Sizes) -> Scores:
    def score(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        fa, fb = cdfs(a, b)
        return np.abs(fa - fb).max(axis=1)

    return score


def _robust_cdf_gap(u: WeightedValues, v: WeightedValues, sizes: Sizes) -> float:
    return max(
        0.0,
        distances.ks_statistic(u, v) - distances.robust_correction(sizes.baseline, sizes.target),
    )


def _robust_cdf_gap_simulated(values: np.ndarray, sizes: Sizes) -> Scores:
    correction = distances.robust_correction(sizes.baseline, sizes.target)

    def score(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        fa, fb = cdfs(a, b)
        return np.maximum(np.abs(fa - fb).max(axis=1) - correction, 0.0)

    return score


NORMALIZED_WASSERSTEIN = OnValues(_wasserstein, _wasserstein_simulated, rare_value_allowance=True)
CDF_GAP = OnValues(_cdf_gap, _cdf_gap_simulated)  # ks_statistic, and linf on numbers
ROBUST_CDF_GAP = OnValues(_robust_cdf_gap, _robust_cdf_gap_simulated)  # linf_robust on numbers


# -- on counts: histogram and category metrics -------------------------------------------------


def _robust_share_gap(p: np.ndarray, q: np.ndarray, sizes: Sizes) -> np.ndarray | float:
    gap = np.asarray(distances.linf_frequencies(p, q)) - distances.robust_correction(
        sizes.baseline, sizes.target
    )
    return np.maximum(gap, 0.0)


JENSEN_SHANNON = OnCounts(lambda p, q, sizes: distances.jensen_shannon(p, q))
HELLINGER = OnCounts(lambda p, q, sizes: distances.hellinger(p, q))
PSI = OnCounts(lambda p, q, sizes: distances.psi(p, q))
CRAMERS_V = OnCounts(lambda p, q, sizes: distances.cramers_v(p, q))
LARGEST_SHARE_GAP = OnCounts(
    lambda p, q, sizes: distances.linf_frequencies(p, q)
)  # linf on categories
ROBUST_SHARE_GAP = OnCounts(_robust_share_gap)  # linf_robust on categories
