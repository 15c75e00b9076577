"""Drift distances: how far apart a baseline and a target distribution are.

Distribution inputs are either weighted values (a quantile sketch's retained items: exact
while the sketch holds every value) or counts over shared bins. Count functions work on the
last axis, so the same code scores one comparison or a matrix of simulated ones.

Conventions (each checked against scipy in the tests):
- normalized_wasserstein: scipy.stats.wasserstein_distance divided by the baseline's
  population standard deviation (numpy's std, ddof 0; the target's when the baseline is
  constant, 1 when both are), as Evidently defines it: how many baseline standard
  deviations the values moved.
- jensen_shannon: scipy.spatial.distance.jensenshannon with its default natural log, so a
  distance in [0, sqrt(ln 2)] = [0, 0.833] (base 2 would give [0, 1]).
- hellinger: sqrt(1 - sum(sqrt(p q))), in [0, 1].
- psi: sum((q - p) ln(q / p)) where every bin share below PSI_FLOOR (1e-4), empty bins
  included, is first raised to 1e-4, so a bin one side lacks adds a bounded amount.
- ks_statistic / linf (numerical): max |F - G| of the two CDFs, scipy.stats.ks_2samp's statistic.
- linf (categorical): max |p - q| over categories (SageMaker's categorical L-infinity).
- linf_robust: SageMaker's Robust method: linf minus 1.8 sqrt((n + m) / (n m)), at least 0.
- cramers_v: Pearson's chi-squared statistic of the 2 x k table as Cramer's V, sqrt(chi2 / N):
  a distance in [0, 1] that does not grow with the sample size (a p-value would).

For numbers, jensen_shannon, psi and hellinger compare histograms (engine.drift.numeric_bins):
``bins`` (default 20) equal-width bins over the baseline's [min, max], their edges on the
baseline's exact histogram grid, plus one bin below and one above for target values outside
the baseline's range.
"""

from __future__ import annotations

import math

import numpy as np

from driftplane.engine.sketches import WeightedValues

PSI_FLOOR = 1e-4
ROBUST_C_ALPHA = 1.8  # Deequ's constant for alpha = 0.003


def _normalize(counts: np.ndarray) -> np.ndarray:
    counts = np.asarray(counts, dtype=np.float64)
    totals = counts.sum(axis=-1, keepdims=True)
    return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)


def jensen_shannon(p: np.ndarray, q: np.ndarray) -> np.ndarray | float:
    """Jensen-Shannon distance (natural log) between count or probability vectors."""
    p, q = _normalize(p), _normalize(q)
    m = (p + q) / 2

    def kl(a: np.ndarray) -> np.ndarray:
        ratio = np.divide(a, m, out=np.ones_like(a), where=a > 0)
        return np.sum(np.where(a > 0, a * np.log(ratio), 0.0), axis=-1)

    divergence = np.maximum((kl(p) + kl(q)) / 2, 0.0)
    return _scalar(np.sqrt(divergence))


def hellinger(p: np.ndarray, q: np.ndarray) -> np.ndarray | float:
    """Hellinger distance between count or probability vectors."""
    p, q = _normalize(p), _normalize(q)
    return _scalar(np.sqrt(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2, axis=-1) / 2))


def psi(p: np.ndarray, q: np.ndarray) -> np.ndarray | float:
    """Population stability index of the target q against the baseline p; shares below PSI_FLOOR count as PSI_FLOOR."""
    p = np.maximum(_normalize(p), PSI_FLOOR)
    q = np.maximum(_normalize(q), PSI_FLOOR)
    return _scalar(np.sum((q - p) * np.log(q / p), axis=-1))


def linf_frequencies(p: np.ndarray, q: np.ndarray) -> np.ndarray | float:
    """Largest difference of one category's frequency."""
    return _scalar(np.max(np.abs(_normalize(p) - _normalize(q)), axis=-1))


def linf_cdf(p: np.ndarray, q: np.ndarray) -> np.ndarray | float:
    """Largest difference of the cumulative distributions over ordered bins."""
    return _scalar(np.max(np.abs(np.cumsum(_normalize(p), axis=-1) - np.cumsum(_normalize(q), axis=-1)), axis=-1))


def wasserstein_binned(p: np.ndarray, q: np.ndarray, width: float) -> np.ndarray | float:
    """Wasserstein distance between two histograms on the same equal-width bins."""
    cdf_gap = np.abs(np.cumsum(_normalize(p), axis=-1) - np.cumsum(_normalize(q), axis=-1))
    return _scalar(np.sum(cdf_gap[..., :-1], axis=-1) * width)


def cramers_v(p_counts: np.ndarray, q_counts: np.ndarray) -> np.ndarray | float:
    """Cramer's V of the 2 x k contingency table of counts (empty categories dropped)."""
    table = np.stack([np.asarray(p_counts, dtype=np.float64), np.asarray(q_counts, dtype=np.float64)], axis=-2)
    chi2, total, _dof = _chi_squared(table)
    return _scalar(np.sqrt(np.divide(chi2, total, out=np.zeros_like(chi2), where=total > 0)))


def _chi_squared(table: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = table.sum(axis=-1, keepdims=True)
    cols = table.sum(axis=-2, keepdims=True)
    total = table.sum(axis=(-2, -1), keepdims=True)
    expected = np.divide(rows * cols, total, out=np.zeros_like(table), where=total > 0)
    terms = np.divide((table - expected) ** 2, expected, out=np.zeros_like(table), where=expected > 0)
    dof = np.count_nonzero(cols > 0, axis=-1) - 1
    return terms.sum(axis=(-2, -1)), total[..., 0, 0], dof[..., 0]


def chi_squared_p_value(p_counts: np.ndarray, q_counts: np.ndarray) -> float:
    """p-value of Pearson's chi-squared test of homogeneity (SageMaker's ChiSquared method)."""
    table = np.stack([np.asarray(p_counts, dtype=np.float64), np.asarray(q_counts, dtype=np.float64)])
    chi2, _total, dof = _chi_squared(table)
    if int(dof) < 1:
        return float("nan")
    return chi2_survival(float(chi2), int(dof))


def chi2_survival(x: float, dof: int) -> float:
    """P(X >= x) for a chi-squared variable: the regularized upper incomplete gamma Q(dof/2, x/2)."""
    if x <= 0:
        return 1.0
    a, z = dof / 2.0, x / 2.0
    log_prefix = a * math.log(z) - z - math.lgamma(a)
    if z < a + 1:  # series for the lower function P, then Q = 1 - P
        term = total = 1.0 / a
        denominator = a
        for _ in range(10_000):
            denominator += 1
            term *= z / denominator
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1.0 - total * math.exp(log_prefix))
    # continued fraction for Q (modified Lentz)
    tiny = 1e-300
    b = z + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return min(1.0, math.exp(log_prefix) * h)


def robust_correction(n: float, m: float) -> float:
    """SageMaker's Robust allowance for sampling noise in an L-infinity distance."""
    if n <= 0 or m <= 0:
        return 0.0
    return ROBUST_C_ALPHA * math.sqrt((n + m) / (n * m))


def wasserstein(u: WeightedValues, v: WeightedValues) -> float:
    """First Wasserstein distance between two weighted samples (exact on exact data)."""
    if len(u.values) == 0 or len(v.values) == 0:
        return float("nan")
    points = np.unique(np.concatenate([u.values, v.values]))
    if len(points) < 2:
        return 0.0
    gap = np.abs(u.cdf_at(points[:-1]) - v.cdf_at(points[:-1]))
    return float(np.sum(gap * np.diff(points)))


def ks_statistic(u: WeightedValues, v: WeightedValues) -> float:
    """Largest gap between the two empirical CDFs (two-sample Kolmogorov-Smirnov D)."""
    if len(u.values) == 0 or len(v.values) == 0:
        return float("nan")
    points = np.unique(np.concatenate([u.values, v.values]))
    return float(np.max(np.abs(u.cdf_at(points) - v.cdf_at(points))))


def _scalar(value: np.ndarray) -> np.ndarray | float:
    return float(value) if np.ndim(value) == 0 else value
