"""Sampling noise: how far apart two samples of one distribution land at the sizes compared.

A feature's effective threshold is raised to the distance that sampling alone reaches, so
this is estimated where the distance itself comes from: the baseline's own values (every
value while the profile keeps them exactly, its KLL sketch's weighted items past that).
Both sides are redrawn from them at their real sizes, SIMULATIONS times with a fixed seed,
and the metric is scored on each pair exactly as it is on the real data (the same CDF
formula; the same bins for the histogram metrics; normalized Wasserstein divided by each
redrawn baseline's own standard deviation, since a baseline that happens to miss the
tail's largest values has a smaller one).

Three things make this hold on heavy-tailed columns (prices, incomes, durations), where
coarse bins would lose exactly what matters:

- the tails are kept value by value: distinct values are grouped only where they are
  dense (groups narrower than 1/VALUE_CELLS of a standard deviation and lighter than
  1/MASS_CELLS of the weight), never across a histogram bin edge;
- a target may hold values beyond anything the baseline saw (a new maximum lands in the
  target about m / (n + m) of the time): each end gets a modelled tail with the weight a
  new value has of falling past the baseline's extreme, 1 / (n + 1), shaped by a
  generalized Pareto distribution fitted to the baseline's most extreme tenth;
- a value far out in that tail is too rare for the simulations to draw but moves a
  Wasserstein distance by itself: the bound allows for one at the tail's RARE_VALUE level.

The bound is the larger of the simulated mean plus NOISE_SPREAD standard deviations and
the simulated median plus that rare-value allowance. It is the same for the same data on
every run, and it only ever raises the configured threshold.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

SIMULATIONS = 200
PILOT = 50  # simulations run first: when they stay far below the threshold, the rest are skipped
PILOT_MARGIN = 0.5  # "far below": a pilot bound under this share of the threshold
NOISE_SPREAD = 6.0  # standard deviations above the simulated mean
SEED = 20260101  # the same data gives the same bound on every run
MASS_CELLS = 512  # groups of distinct values hold at most 1/MASS_CELLS of the weight ...
VALUE_CELLS = 64  # ... and span at most 1/VALUE_CELLS of a standard deviation
TAIL_POINTS = 16  # points that model the tail past each extreme
RARE_VALUE = 0.01  # a target value past the extremes this rare is still allowed for (normalized Wasserstein)
TAIL_SHAPE_MAX = 0.9  # generalized Pareto shape cap (1 would be a tail without a mean)
UNKNOWN_TAIL_SHAPE = 0.5  # the shape assumed where too few values stand out to fit one (a Pareto tail of index 2)
TAIL_FIT_SHARE = 0.1  # the tail model is fitted to the most extreme tenth of the weight ...
MIN_TAIL_FIT = 10  # ... at least this many values ...
MAX_TAIL_FIT = 1000  # ... and at most this many
NORMAL_LIMIT = 50.0  # expected counts above this are drawn from the normal limit, below from Poisson


@dataclass(frozen=True)
class Support:
    """Values a column takes (ascending) and their probabilities: what samples are redrawn from."""

    values: np.ndarray
    probabilities: np.ndarray


def _generalized_pareto(excess: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """Shape and scale of a generalized Pareto distribution fitted to weighted excesses (ascending, >= 0).

    Zhang and Stephens' estimator (Technometrics 51, 2009), as Pareto-smoothed importance
    sampling uses it: the likelihood averaged over a grid of the one parameter it cannot
    profile out. No iteration, defined for any sample, and close to the truth for light
    (exponential-like) and heavy (Pareto) tails alike, where probability-weighted moments
    understate a heavy tail and Hill's estimator overstates a light one. The shape is held
    in [0, TAIL_SHAPE_MAX]: a tail is modelled at least as long as an exponential one,
    never without a mean.
    """
    total = float(weights.sum())
    if len(excess) == 0 or total <= 0 or excess[-1] <= 0:
        return 0.0, 0.0
    quartile = excess[min(int(np.searchsorted(np.cumsum(weights), total / 4)), len(excess) - 1)]
    if quartile <= 0:
        quartile = float(np.average(excess, weights=weights))
    grid = 20 + int(math.sqrt(total))
    theta = 1 / excess[-1] + (1 - np.sqrt(grid / (np.arange(1, grid + 1) - 0.5))) / (3 * quartile)
    theta = theta[np.abs(theta) > 1e-12]
    k = -(np.log1p(-theta[:, None] * excess[None, :]) @ weights) / total  # minus the shape each theta implies
    loglik = total * (np.log(theta / k) + k - 1)
    posterior = np.exp(loglik - loglik.max())
    posterior /= posterior.sum()
    best = float(np.sum(theta * posterior))
    shape = float((np.log1p(-best * excess) @ weights) / total)
    scale = -shape / best if abs(best) > 1e-12 else float(np.average(excess, weights=weights))
    if shape <= 0:
        return 0.0, float(np.average(excess, weights=weights))  # light or bounded: an exponential tail
    return min(shape, TAIL_SHAPE_MAX), max(scale, 0.0)


@dataclass(frozen=True)
class Tail:
    """A generalized Pareto tail past a column's extreme value, fitted to its most extreme values."""

    edge: float  # the extreme value (the largest; the smallest, negated, for the lower tail)
    shape: float
    scale: float  # of the tail seen past ``edge``

    def past(self, survival: np.ndarray | float) -> np.ndarray:
        """How far past the edge the tail reaches at these survival probabilities."""
        survival = np.asarray(survival, dtype=np.float64)
        if self.shape > 1e-9:
            return self.scale / self.shape * (survival**-self.shape - 1)
        return -self.scale * np.log(survival)


def fit_tail(values: np.ndarray, weights: np.ndarray) -> Tail | None:
    """The tail past the largest of ``values`` (distinct, ascending), fitted to the top tenth of the weight.

    None when the top tenth is one repeated value (a cap, a flag: nothing suggests values past
    it). When fewer than MIN_TAIL_FIT values stand above the rest (a sparse column: a few
    non-zero values among zeros), nothing can be fitted and nothing rules a long tail out:
    the tail is taken as UNKNOWN_TAIL_SHAPE with the scale those few values show.
    """
    total = weights.sum()
    fit = min(max(TAIL_FIT_SHARE * total, MIN_TAIL_FIT), MAX_TAIL_FIT, total / 4)
    from_top = np.cumsum(weights[::-1])
    start = len(values) - 1 - int(np.searchsorted(from_top, fit))  # the threshold u: just below the top `fit`
    if start < 0:
        return None
    threshold = values[start]
    excess, excess_weights = values[start + 1 :] - threshold, weights[start + 1 :]
    if len(excess) == 0:
        return None
    if excess_weights.sum() < MIN_TAIL_FIT:
        shape, scale = UNKNOWN_TAIL_SHAPE, float(np.average(excess, weights=excess_weights))
    else:
        shape, scale = _generalized_pareto(excess, excess_weights)
    top = float(values[-1])
    scale_at_top = scale + shape * (top - threshold)  # the same tail, seen past the top
    return Tail(top, shape, scale_at_top) if scale_at_top > 0 else None


@dataclass(frozen=True)
class Redraw:
    """What samples of a column are redrawn from: its values and both modelled tails."""

    support: Support
    upper: Tail | None
    lower: Tail | None  # fitted to the negated values
    median: float


def redraw_of(values: np.ndarray, weights: np.ndarray, count: float) -> Redraw:
    """The distinct values with their weights, plus TAIL_POINTS past each extreme.

    A new value falls past the largest (or below the smallest) of n values with
    probability 1 / (n + 1); that weight is spread over equal-probability steps of the
    fitted tail.
    """
    distinct, inverse = np.unique(values, return_inverse=True)
    weight = np.bincount(inverse.ravel(), weights=weights, minlength=len(distinct))
    probabilities = weight / weight.sum()
    median = float(distinct[min(int(np.searchsorted(np.cumsum(probabilities), 0.5)), len(distinct) - 1)])
    if len(distinct) < 2:
        return Redraw(Support(distinct, probabilities), None, None, median)
    upper = fit_tail(distinct, weight)
    lower = fit_tail(-distinct[::-1], weight[::-1])
    steps = (np.arange(TAIL_POINTS) + 0.5) / TAIL_POINTS
    beyond = 1.0 / (count + 1)
    parts, shares = [distinct], [probabilities * (1 - beyond * ((upper is not None) + (lower is not None)))]
    if upper is not None:
        parts.append(upper.edge + upper.past(steps))
        shares.append(np.full(TAIL_POINTS, beyond / TAIL_POINTS))
    if lower is not None:
        parts.append(-(lower.edge + lower.past(steps)))
        shares.append(np.full(TAIL_POINTS, beyond / TAIL_POINTS))
    values_all, shares_all = np.concatenate(parts), np.concatenate(shares)
    order = np.argsort(values_all, kind="stable")
    return Redraw(Support(values_all[order], shares_all[order]), upper, lower, median)


def rare_value_allowance(redraw: Redraw, n: float, m: float, scale: float) -> float:
    """The normalized Wasserstein distance one rare target value past the baseline's extremes adds.

    A target holds about m / (n + 1) values past the baseline's largest; with probability
    RARE_VALUE one of them reaches the fitted tail's matching quantile. Too rare for the
    simulations to see, it is what makes no-drift splits of heavy-tailed columns (prices,
    incomes) cross a threshold: that one value moves the target's distribution by
    (value - median) / m, in units of the baseline's standard deviation.
    """
    if scale <= 0 or m <= 0:
        return 0.0
    expected = m / (n + 1)
    if expected <= RARE_VALUE:
        return 0.0
    survival = RARE_VALUE / expected
    reach = 0.0
    if redraw.upper is not None:
        reach = max(reach, redraw.upper.edge + float(redraw.upper.past(survival)) - redraw.median)
    if redraw.lower is not None:
        reach = max(reach, redraw.lower.edge + float(redraw.lower.past(survival)) + redraw.median)
    return reach / m / scale


def compress(support: Support, scale: float, edges: np.ndarray | None = None) -> tuple[Support, np.ndarray]:
    """Neighbouring values merged where they are dense; (support, bin of each point).

    A group holds at most 1/MASS_CELLS of the weight and spans at most 1/VALUE_CELLS of
    ``scale``, so sparse tails stay value by value; it never crosses one of ``edges`` (the
    histogram metrics' bins). The bin of a point is 0 below the first edge, then 1, 2, ...
    """
    values, probabilities = support.values, support.probabilities
    bins = np.zeros(len(values), dtype=np.int64) if edges is None else np.searchsorted(edges, values, side="right")
    mass_cell = np.floor((np.cumsum(probabilities) - probabilities / 2) * MASS_CELLS)
    width = scale / VALUE_CELLS if scale > 0 and math.isfinite(scale) else math.inf
    value_cell = np.floor((values - values[0]) / width) if math.isfinite(width) else np.zeros(len(values))
    changed = (np.diff(mass_cell) != 0) | (np.diff(value_cell) != 0) | (np.diff(bins) != 0)
    group = np.concatenate([[0], np.cumsum(changed)])
    mass = np.bincount(group, weights=probabilities)
    centre = np.bincount(group, weights=probabilities * values) / np.where(mass > 0, mass, 1.0)
    first = np.concatenate([[0], np.flatnonzero(changed) + 1])
    return Support(centre, mass), bins[first]


def draw(rng: np.random.Generator, size: float, probabilities: np.ndarray, simulations: int) -> np.ndarray:
    """``simulations`` count vectors of about ``size`` draws (Poisson per value, normal where counts are large).

    Poisson counts conditioned on their total are multinomial; scores divide by each
    vector's own total, so this is a multinomial draw whose size varies by about sqrt(size).
    """
    expected = max(size, 1.0) * probabilities
    counts = np.empty((simulations, len(expected)))
    large = expected >= NORMAL_LIMIT
    if large.any():
        mean = expected[large]
        counts[:, large] = np.maximum(mean + np.sqrt(mean) * rng.standard_normal((simulations, len(mean))), 0.0)
    if not large.all():
        counts[:, ~large] = rng.poisson(expected[~large], (simulations, int((~large).sum())))
    empty = counts.sum(axis=1) == 0
    if empty.any():  # a draw of nothing scores nothing: give it the likeliest value once
        counts[np.ix_(empty, [int(np.argmax(expected))])] = 1.0
    return counts


def bound(simulated: np.ndarray, allowance: float = 0.0) -> float:
    """What sampling noise reaches: the simulated mean plus NOISE_SPREAD standard deviations, or the
    simulated median plus the allowance for a rare value, whichever is larger."""
    simulated = simulated[np.isfinite(simulated)]
    if len(simulated) == 0:
        return allowance
    return float(max(simulated.mean() + NOISE_SPREAD * simulated.std(), np.median(simulated) + allowance))


def simulate(
    score: Callable[[np.ndarray, np.ndarray], np.ndarray],
    probabilities: np.ndarray,
    n: float,
    m: float,
    threshold: float,
    allowance: float = 0.0,
) -> float:
    """The noise bound of ``score`` (baseline counts, target counts -> distances) for samples of n and m.

    PILOT simulations run first; when their bound is far below the threshold (large
    samples), it cannot raise the threshold and the rest are not drawn.
    """
    rng = np.random.default_rng(SEED)
    first = score(draw(rng, n, probabilities, PILOT), draw(rng, m, probabilities, PILOT))
    estimate = bound(first, allowance)
    if estimate < PILOT_MARGIN * threshold:
        return estimate
    rest = SIMULATIONS - PILOT
    more = score(draw(rng, n, probabilities, rest), draw(rng, m, probabilities, rest))
    return bound(np.concatenate([first, more]), allowance)


def binned_scores(
    bins: np.ndarray, width: int, score_counts: Callable[[np.ndarray, np.ndarray], object]
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Scores of a histogram metric (``score_counts`` on bin counts): counts over support points summed
    into their ``width`` bins first.

    Bin 0 and bin ``width - 1`` are the target's values below and above the baseline's
    range; a redrawn baseline's own values there are counted in the first and last bins
    inside, since the real bins always span the baseline.
    """
    starts = np.concatenate([[0], np.flatnonzero(np.diff(bins)) + 1])
    labels = bins[starts]

    def binned(counts: np.ndarray, baseline: bool) -> np.ndarray:
        out = np.zeros((counts.shape[0], width))
        out[:, labels] = np.add.reduceat(counts, starts, axis=1)
        if baseline and width > 2:
            out[:, 1] += out[:, 0]
            out[:, -2] += out[:, -1]
            out[:, 0] = out[:, -1] = 0.0
        return out

    def score(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.asarray(score_counts(binned(a, True), binned(b, False)), dtype=np.float64)

    return score
