"""Isotonic calibration without scikit-learn equals scikit-learn's; the calibration curve too."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import roc_auc_score

from driftplane.engine.performance import BinaryAccumulator
from driftplane.engine.performance.calibration import exact_auc, fit_isotonic, needs_calibration


@pytest.mark.parametrize("seed", range(4))
def test_numpy_pool_adjacent_violators_equals_sklearn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(20, 5000))
    scores = np.round(rng.random(rows), int(rng.integers(1, 6)))  # with ties
    outcomes = (rng.random(rows) < scores**2).astype(float)
    ours = fit_isotonic(scores, outcomes, use_sklearn=False)
    theirs = IsotonicRegression(out_of_bounds="clip").fit(scores, outcomes)
    np.testing.assert_allclose(ours.x, theirs.X_thresholds_, rtol=0, atol=0)
    np.testing.assert_allclose(ours.y, theirs.y_thresholds_, rtol=1e-12, atol=1e-15)
    grid = np.linspace(-0.1, 1.1, 999)
    np.testing.assert_allclose(ours(grid), theirs.predict(grid), rtol=1e-12, atol=1e-15)


def test_exact_auc_equals_sklearn_with_ties() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 3000)
    s = np.round(rng.random(3000) + 0.2 * y, 2)
    assert exact_auc(y, s) == pytest.approx(roc_auc_score(y, s), rel=1e-14)
    assert exact_auc(np.zeros(5), s[:5]) is None


def test_nannyml_rule_calibrates_an_overconfident_model_and_not_a_separable_one() -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(0, 1, 20_000)
    y = (rng.random(20_000) < 1 / (1 + np.exp(-x))).astype(int)
    overconfident = 1 / (1 + np.exp(-4 * x))
    assert needs_calibration(y, overconfident)
    separable = np.where(y == 1, 0.9, 0.1)
    assert not needs_calibration(y, separable)  # ROC AUC above 0.999
    assert not needs_calibration(np.ones(100), rng.random(100))  # one class


def test_calibration_curve_equals_sklearn() -> None:
    rng = np.random.default_rng(6)
    y = rng.integers(0, 2, 5000)
    s = np.clip(rng.normal(0.3 + 0.4 * y, 0.25), 0, 1)
    s[:20] = 0.1  # on an edge: scikit-learn puts it in the lower bin
    accumulator = BinaryAccumulator()
    accumulator.update(y, None, s)
    bins = accumulator.calibration()
    fraction, mean = calibration_curve(y, s, n_bins=10)
    assert [b["fraction_positive"] for b in bins] == pytest.approx(list(fraction), rel=1e-14)
    assert [b["mean_probability"] for b in bins] == pytest.approx(list(mean), rel=1e-13)
    assert sum(b["count"] for b in bins) == 5000
