"""Each drift metric agrees with scipy on exact data (sketches small enough to hold every value)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats
from scipy.spatial import distance
from scipy.special import rel_entr

from driftplane.engine import distances
from driftplane.engine.drift import categorical_metric, numeric_metric
from driftplane.engine.profiler import profile_stream
from driftplane.engine.sketches import WeightedValues


def profiles(base: dict, target: dict):
    baseline = profile_stream([pa.record_batch(base)], threads=1)
    return baseline, profile_stream([pa.record_batch(target)], reference=baseline, threads=1)


@pytest.fixture
def samples() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    return rng.normal(0, 1, 700), rng.normal(0.3, 1.4, 600)


def test_normalized_wasserstein_matches_scipy(samples) -> None:
    a, b = samples
    base, target = profiles({"x": a}, {"x": b})
    expected = stats.wasserstein_distance(a, b) / np.std(a)
    assert numeric_metric("normalized_wasserstein", base["x"], target["x"], 20) == pytest.approx(expected, rel=1e-9)


def test_ks_and_linf_match_scipy_ks_2samp_statistic(samples) -> None:
    a, b = samples
    base, target = profiles({"x": a}, {"x": b})
    expected = stats.ks_2samp(a, b).statistic
    assert numeric_metric("ks_statistic", base["x"], target["x"], 20) == pytest.approx(expected, rel=1e-12)
    assert numeric_metric("linf", base["x"], target["x"], 20) == pytest.approx(expected, rel=1e-12)
    robust = expected - 1.8 * np.sqrt((700 + 600) / (700 * 600))
    assert numeric_metric("linf_robust", base["x"], target["x"], 20) == pytest.approx(max(robust, 0.0), rel=1e-12)


def test_weighted_wasserstein_matches_scipy_with_weights() -> None:
    u = WeightedValues(np.array([0.0, 1.0, 3.0]), np.array([1.0, 2.0, 4.0]))
    v = WeightedValues(np.array([0.5, 2.0]), np.array([8.0, 8.0]))
    expected = stats.wasserstein_distance([0, 1, 3], [0.5, 2], [1, 2, 4], [8, 8])
    assert distances.wasserstein(u, v) == pytest.approx(expected)


def test_histogram_metrics_on_the_baseline_bins_match_scipy(samples) -> None:
    a, b = samples
    base, target = profiles({"x": a}, {"x": b})
    # the same bins, computed independently: the baseline's edges plus one bin on each side
    from driftplane.engine.drift import numeric_bins

    binned = numeric_bins(base["x"], target["x"], 20)
    assert binned is not None and binned.exact
    edges = binned.edges
    p = np.concatenate([[0], np.histogram(a, edges)[0], [0]]).astype(float)
    q_inside = np.histogram(b, edges)[0]
    q_inside[-1] -= np.count_nonzero(b == edges[-1])  # numpy closes the last bin; the grid does not
    q = np.concatenate([[np.count_nonzero(b < edges[0])], q_inside, [np.count_nonzero(b >= edges[-1])]]).astype(float)
    assert np.array_equal(binned.target, q[1:-1]) and (binned.below, binned.above) == (q[0], q[-1])
    pn, qn = p / p.sum(), q / q.sum()
    assert numeric_metric("jensen_shannon", base["x"], target["x"], 20) == pytest.approx(distance.jensenshannon(p, q))
    hellinger = distance.euclidean(np.sqrt(pn), np.sqrt(qn)) / np.sqrt(2)
    assert numeric_metric("hellinger", base["x"], target["x"], 20) == pytest.approx(hellinger)
    pf, qf = np.maximum(pn, 1e-4), np.maximum(qn, 1e-4)
    assert numeric_metric("psi", base["x"], target["x"], 20) == pytest.approx(
        float(np.sum(rel_entr(qf, pf) + rel_entr(pf, qf)))
    )


def test_categorical_metrics_match_scipy() -> None:
    rng = np.random.default_rng(8)
    a = rng.choice(["a", "b", "c", "d"], 500, p=[0.4, 0.3, 0.2, 0.1])
    b = rng.choice(["a", "b", "c", "e"], 400, p=[0.25, 0.25, 0.25, 0.25])
    base, target = profiles({"c": a}, {"c": b})
    names = ["a", "b", "c", "d", "e"]
    p = np.array([np.sum(a == n) for n in names], dtype=float)
    q = np.array([np.sum(b == n) for n in names], dtype=float)
    col_b, col_t = base["c"], target["c"]
    assert categorical_metric("jensen_shannon", col_b, col_t) == pytest.approx(distance.jensenshannon(p, q))
    assert categorical_metric("hellinger", col_b, col_t) == pytest.approx(
        distance.euclidean(np.sqrt(p / p.sum()), np.sqrt(q / q.sum())) / np.sqrt(2)
    )
    table = np.array([p, q])
    chi2 = stats.chi2_contingency(table, correction=False)
    assert categorical_metric("cramers_v", col_b, col_t) == pytest.approx(
        stats.contingency.association(table.astype(int), method="cramer", correction=False)
    )
    assert distances.chi_squared_p_value(p, q) == pytest.approx(chi2.pvalue, rel=1e-9)
    linf = np.max(np.abs(p / p.sum() - q / q.sum()))
    assert categorical_metric("linf", col_b, col_t) == pytest.approx(linf)
    assert categorical_metric("linf_robust", col_b, col_t) == pytest.approx(linf - 1.8 * np.sqrt(900 / (500 * 400)))


@pytest.mark.parametrize(("x", "dof"), [(0.5, 1), (3.0, 2), (10.0, 4), (60.0, 30), (200.0, 150), (1e-3, 10)])
def test_chi2_survival_matches_scipy(x: float, dof: int) -> None:
    assert distances.chi2_survival(x, dof) == pytest.approx(stats.chi2.sf(x, dof), rel=1e-9, abs=1e-300)


def test_identical_distributions_score_zero() -> None:
    p = np.array([3.0, 5.0, 2.0])
    for fn in (
        distances.jensen_shannon,
        distances.hellinger,
        distances.psi,
        distances.linf_frequencies,
        distances.cramers_v,
    ):
        assert fn(p, p * 7) == pytest.approx(0.0, abs=1e-12)
