"""ROC AUC and average precision from the score histogram stay within their reported error bound.

The bound is computed from the histogram itself (scores.py); on every dataset the difference
from scikit-learn's exact value must not exceed it, and on the families docs/model-quality.md
quotes, the bound itself stays below the documented figures.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn import metrics as sk

from driftplane.engine.performance import BinaryAccumulator
from driftplane.engine.performance.scores import FINE_BITS, bin_count, score_bins

# docs/model-quality.md's table: the largest bound (AUC, PR AUC) each family may reach.
DOCUMENTED = {
    "continuous": (5e-4, 1e-3),
    "imbalanced": (1e-3, 2e-2),  # 0.1-2% positives, some windows with a handful of them
    "ties": (0.0, 0.0),
    "near_0_and_1": (5e-4, 1e-3),
    "uniform": (5e-4, 1e-3),
}
FAMILIES = tuple(DOCUMENTED)


def dataset(family: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    rows = int(rng.integers(200, 60_000))
    share = rng.uniform(0.001, 0.02) if family == "imbalanced" else rng.uniform(0.1, 0.9)
    y = (rng.random(rows) < share).astype(int)
    y[0], y[1] = 1, 0  # both classes present
    separation = rng.uniform(0, 3)
    logit = rng.normal(separation * y - separation / 2, 1.0)
    if family in ("continuous", "imbalanced"):
        scores = 1 / (1 + np.exp(-logit))
    elif family == "ties":
        scores = np.round(1 / (1 + np.exp(-logit)), int(rng.integers(1, 4)))
    elif family == "near_0_and_1":  # a confident model: most scores within 1e-6 of 0 or 1
        scores = 1 / (1 + np.exp(-logit * rng.uniform(5, 12)))
    else:
        scores = rng.random(rows) * 0.5 + 0.5 * y * rng.random(rows)
    return y, scores


@pytest.mark.parametrize("family", FAMILIES)
def test_histogram_auc_within_its_bound_on_random_datasets(family: str) -> None:
    rng = np.random.default_rng(FAMILIES.index(family))
    worst_auc = worst_pr = 0.0
    for _ in range(25):
        y, scores = dataset(family, rng)
        accumulator = BinaryAccumulator()
        for part in np.array_split(np.arange(len(y)), 3):
            accumulator.update(y[part], None, scores[part])
        found = accumulator.metrics()
        bounds = accumulator.error_bounds()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exact_auc = sk.roc_auc_score(y, scores)
            exact_pr = sk.average_precision_score(y, scores)
        assert abs(found["auc"] - exact_auc) <= bounds["auc"] + 1e-12
        assert abs(found["pr_auc"] - exact_pr) <= bounds["pr_auc"] + 1e-12
        assert bounds["auc"] <= DOCUMENTED[family][0]
        assert bounds["pr_auc"] <= DOCUMENTED[family][1]
        worst_auc = max(worst_auc, abs(found["auc"] - exact_auc))
        worst_pr = max(worst_pr, abs(found["pr_auc"] - exact_pr))
    if family == "ties":  # every distinct score in a bin of its own: exact
        assert worst_auc < 1e-15 and worst_pr < 1e-15


def test_ties_are_counted_half_like_sklearn() -> None:
    y = np.array([1, 0, 1, 0, 1, 0])
    scores = np.array([0.5, 0.5, 0.9, 0.1, 0.5, 0.9])
    accumulator = BinaryAccumulator()
    accumulator.update(y, None, scores)
    assert accumulator.metrics()["auc"] == sk.roc_auc_score(y, scores)
    assert accumulator.metrics()["pr_auc"] == pytest.approx(
        sk.average_precision_score(y, scores), rel=1e-15
    )
    assert accumulator.error_bounds() == {"auc": 0.0, "pr_auc": 0.0}


def test_a_nearly_constant_model_gets_an_honest_bound() -> None:
    """Distinct scores that share one bin: the bound says how little the value can be trusted."""
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 2000)
    scores = 0.3 + 1e-6 * rng.random(2000) + 1e-6 * y  # all within 2e-6: one bin
    accumulator = BinaryAccumulator()
    accumulator.update(y, None, scores)
    exact = sk.roc_auc_score(y, scores)
    assert exact > 0.7
    assert accumulator.metrics()["auc"] == pytest.approx(0.5)
    assert accumulator.error_bounds()["auc"] >= abs(0.5 - exact)
    assert accumulator.error_bounds()["auc"] == pytest.approx(0.5)


def test_bins_keep_score_order_across_the_whole_range() -> None:
    """A higher score never lands in a lower bin: 0, subnormals, both sides of 0.5, up to 1."""
    scores = np.sort(
        np.concatenate(
            [
                [
                    0.0,
                    5e-324,
                    1e-300,
                    1e-19,
                    1e-12,
                    0.25,
                    0.5 - 1e-16,
                    0.5,
                    0.5 + 1e-16,
                    0.75,
                    1 - 1e-12,
                    1 - 2**-53,
                    1.0,
                ],
                np.random.default_rng(1).random(10000),
            ]
        )
    )
    bins = score_bins(scores)
    assert np.all(np.diff(bins) >= 0)
    assert bins.min() >= 0 and bins.max() < bin_count(FINE_BITS)
    assert bins[scores == 0.5][0] < bins[scores == 0.5 + 1e-16][0]
    assert len(np.unique(bins[-3:])) == 3  # 1 - 1e-12, 1 - 2^-53 and 1.0 apart
