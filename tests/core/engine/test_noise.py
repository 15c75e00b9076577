"""No false alarms on no-drift splits of heavy-tailed columns; designed drift still found (issue 12, point 3).

A shuffled split of one table has no drift by construction. Heavy-tailed columns (prices,
incomes) used to be flagged on such splits because the sampling noise that raises the
threshold was simulated from coarse histogram bins that lose the tails. The noise is now
estimated from the baseline's own values (or its KLL sketch past the exact limit) at the
target's size; here it is checked against real and real-shaped data and against the
permutation test that defines "what sampling alone produces".
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats
from sklearn import datasets

import driftplane as dp
from driftplane.engine.drift import feature_drift
from driftplane.engine.profile import Profile, ProfileSettings
from driftplane.engine.profiler import profile_stream

STATISTICS = Path(__file__).parent / "data" / "sagemaker" / "aai540_statistics.json"


def sagemaker_prices() -> dict[str, np.ndarray]:
    """The numeric columns of a real SageMaker baseline (house prices, 23,432 rows), rebuilt from its KLL sketch."""
    columns = {}
    for feature in json.loads(STATISTICS.read_text())["features"]:
        numbers = feature.get("numerical_statistics")
        if numbers:
            levels = numbers["distribution"]["kll"]["sketch"]["data"]
            columns[feature["name"]] = np.concatenate(
                [np.repeat(np.asarray(level, float), 2**i) for i, level in enumerate(levels)]
            )
    return columns


def heavy_tailed(rows: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Real-shaped heavy tails: incomes, durations, listing prices with many repeated round values."""
    rng = np.random.default_rng(seed)
    return {
        "lognormal": rng.lognormal(3.0, 1.0, rows),
        "pareto": (rng.pareto(3.0, rows) + 1) * 100,
        "price": np.round(np.exp(rng.normal(12.5, 0.9, rows)) / 1000) * 1000,
        "price_charm": np.round(np.exp(rng.normal(11, 1.2, rows)) / 5000) * 5000 + 4900 * (rng.random(rows) < 0.5),
        "zero_inflated": np.where(rng.random(rows) < 0.9, 0.0, rng.lognormal(2, 1, rows)),
    }


def sklearn_table(name: str) -> dict[str, np.ndarray]:
    bunch = getattr(datasets, f"load_{name}")()
    return {column: bunch.data[:, i] for i, column in enumerate(bunch.feature_names)}


def split(table: dict[str, np.ndarray], seed: int, target_share: float = 0.5) -> tuple[Profile, Profile]:
    rows = len(next(iter(table.values())))
    order = np.random.default_rng(seed).permutation(rows)
    cut = int(rows * (1 - target_share))
    base = profile_stream([pa.record_batch({k: v[order[:cut]] for k, v in table.items()})], threads=1)
    target = profile_stream([pa.record_batch({k: v[order[cut:]] for k, v in table.items()})], reference=base, threads=1)
    return base, target


def drifted(table: dict[str, np.ndarray], seed: int, target_share: float = 0.5) -> list[str]:
    base, target = split(table, seed, target_share)
    result = dp.compare(base, target)
    assert all(f.drift.effective_threshold >= f.drift.threshold for f in result.features if f.drift)
    return [f.name for f in result.drifted_features]


def sample(table: dict[str, np.ndarray], rows: int, seed: int) -> dict[str, np.ndarray]:
    pick = np.random.default_rng(seed).choice(len(next(iter(table.values()))), rows, replace=False)
    return {k: v[pick] for k, v in table.items()}


@pytest.mark.parametrize("rows", [1000, 2000])
def test_no_false_alarm_on_20_splits_of_a_real_price_table(rows: int) -> None:
    table = sample(sagemaker_prices(), rows, seed=rows)
    flagged = {seed: found for seed in range(20) if (found := drifted(table, seed))}
    assert flagged == {}


@pytest.mark.parametrize("name", ["diabetes", "wine", "breast_cancer"])
def test_no_false_alarm_on_20_splits_of_scikit_learn_tables(name: str) -> None:
    table = sklearn_table(name)
    flagged = {seed: found for seed in range(20) if (found := drifted(table, seed))}
    assert flagged == {}


def test_sparse_columns_rarely_cross_even_when_a_split_is_lopsided() -> None:
    """digits: 64 pixel columns, some with a handful of non-zero values among 1,797 zeros.

    A half holding 10 of a pixel's 33 non-zero values and the other 23 is a lopsided but
    possible split, and no estimate from the lighter half alone can rule it out; what
    holds is a rate: at most one of 1,280 comparisons (the bins-based estimate flagged a
    column in 19 of 50 splits).
    """
    table = sklearn_table("digits")
    flagged = [(seed, name) for seed in range(20) for name in drifted(table, seed)]
    assert len(flagged) <= 1, flagged


@pytest.mark.parametrize(("rows", "target_share"), [(2000, 0.5), (3000, 0.15), (3000, 0.85), (20000, 0.5)])
def test_no_false_alarm_on_20_splits_of_heavy_tailed_columns(rows: int, target_share: float) -> None:
    table = heavy_tailed(rows, seed=rows)
    flagged = {seed: found for seed in range(20) if (found := drifted(table, seed, target_share))}
    assert flagged == {}


def permutation_noise(values: np.ndarray, base_rows: int, rounds: int = 200) -> np.ndarray:
    """Normalized Wasserstein distances of random re-splits of the pooled values (scipy, exact)."""
    rng = np.random.default_rng(7)
    out = []
    for _ in range(rounds):
        shuffled = rng.permutation(values)
        base, target = shuffled[:base_rows], shuffled[base_rows:]
        out.append(stats.wasserstein_distance(base, target) / np.std(base))
    return np.asarray(out)


def test_the_issues_case_the_threshold_covers_the_permutation_noise_of_a_heavy_tailed_column() -> None:
    """A long-tailed amount (Pareto, the 80/20 rule) in 20,000 rows: no split flagged, the noise covered.

    Re-splitting the same rows at random (a permutation test) shows what sampling alone
    produces; the effective threshold must reach its 95th percentile, as the configured 0.1
    did not.
    """
    rng = np.random.default_rng(16)
    values = np.round((rng.pareto(1.16, 20000) + 1) * 20, 2)
    covered = np.quantile(permutation_noise(values, 10000), 0.95)
    assert covered > 0.1
    for seed in range(10):
        base, target = split({"x": values}, seed)
        result = feature_drift(
            "numerical", "normalized_wasserstein", 0.1, base["x"], target["x"], bins=20, noise_correction=True
        )
        assert result.effective_threshold >= covered, (seed, result.effective_threshold, covered)
        assert result.threshold == 0.1 and not result.drifted  # the configured threshold is reported unchanged


def test_the_noise_past_the_exact_limit_comes_from_the_sketch_and_agrees() -> None:
    """Past the values kept exactly, the KLL sketch's items stand in for them: the same verdicts, close bounds."""
    table = heavy_tailed(20000, seed=5)
    exact_base, exact_target = split(table, 1)
    order = np.random.default_rng(1).permutation(20000)
    sketched = ProfileSettings(exact_quantiles=1000)
    base = profile_stream(
        [pa.record_batch({k: v[order[:10000]] for k, v in table.items()})], settings=sketched, threads=1
    )
    target = profile_stream(
        [pa.record_batch({k: v[order[10000:]] for k, v in table.items()})], reference=base, settings=sketched, threads=1
    )
    for column in table:
        assert not base[column].numeric.quantiles.exact
        exact = feature_drift(
            "numerical",
            "normalized_wasserstein",
            0.02,
            exact_base[column],
            exact_target[column],
            bins=20,
            noise_correction=True,
        )
        sketch = feature_drift(
            "numerical", "normalized_wasserstein", 0.02, base[column], target[column], bins=20, noise_correction=True
        )
        assert not exact.drifted and not sketch.drifted, column
        assert sketch.effective_threshold == pytest.approx(exact.effective_threshold, rel=0.35), column


def test_the_bound_is_the_same_on_every_run() -> None:
    base, target = split(heavy_tailed(1500, seed=9), 0)
    first = [
        feature_drift("numerical", m, 0.1, base["pareto"], target["pareto"], bins=20, noise_correction=True)
        for m in ("normalized_wasserstein", "psi", "ks_statistic")
    ]
    again = [
        feature_drift("numerical", m, 0.1, base["pareto"], target["pareto"], bins=20, noise_correction=True)
        for m in ("normalized_wasserstein", "psi", "ks_statistic")
    ]
    assert first == again


def shifted(table: dict[str, np.ndarray], by: float, seed: int) -> tuple[Profile, Profile]:
    """The second half of the rows moved by ``by`` standard deviations of each column."""
    base, _ = split(table, seed)
    rows = len(next(iter(table.values())))
    order = np.random.default_rng(seed).permutation(rows)
    moved = {k: v[order[rows // 2 :]] + by * v.std() for k, v in table.items()}
    return base, profile_stream([pa.record_batch(moved)], reference=base, threads=1)


@pytest.mark.parametrize("seed", range(5))
def test_designed_drift_is_still_found_at_1000_rows(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    normal = {"normal": rng.normal(50, 10, 2000), "counts": rng.poisson(4, 2000).astype(float)}
    base, target = shifted(normal, 0.25, seed)
    assert {f.name for f in dp.compare(base, target).drifted_features} == {"normal", "counts"}
    prices = {k: heavy_tailed(2000, seed=seed)[k] for k in ("lognormal", "pareto", "price")}
    base, target = shifted(prices, 0.5, seed)
    assert {f.name for f in dp.compare(base, target).drifted_features} == {"lognormal", "pareto", "price"}
    # a changed category mix: one of five categories goes from 20% to 40%
    cats = np.array(list("abcde"))
    before = profile_stream([pa.record_batch({"plan": rng.choice(cats, 1000)})], threads=1)
    after = profile_stream(
        [pa.record_batch({"plan": rng.choice(cats, 1000, p=[0.4, 0.15, 0.15, 0.15, 0.15])})],
        reference=before,
        threads=1,
    )
    assert [f.name for f in dp.compare(before, after).drifted_features] == ["plan"]


@pytest.mark.slow
def test_designed_drift_is_still_found_at_1_000_000_rows_and_steady_columns_stay_quiet() -> None:
    rng = np.random.default_rng(11)
    rows = 1_000_000

    def table(shift: float, mix: list[float]) -> pa.RecordBatch:
        return pa.record_batch(
            {
                "normal": rng.normal(50, 10, rows) + shift * 10,
                "price": np.round(np.exp(rng.normal(12.5, 0.9, rows)) / 1000) * 1000,
                "lognormal": rng.lognormal(3, 1.5, rows),
                "plan": rng.choice(list("abcde"), rows, p=mix),
            }
        )

    base = profile_stream([table(0.0, [0.2] * 5)])
    steady = profile_stream([table(0.0, [0.2] * 5)], reference=base)
    assert dp.compare(base, steady).drifted_features == []
    moved = profile_stream([table(0.25, [0.4, 0.15, 0.15, 0.15, 0.15])], reference=base)
    result = dp.compare(base, moved)
    assert {f.name for f in result.drifted_features} == {"normal", "plan"}
    assert all(f.drift.effective_threshold == f.drift.threshold for f in result.features if f.drift)


@pytest.mark.parametrize("metric", ["jensen_shannon", "psi", "hellinger", "linf_robust", "cramers_v"])
def test_a_categorical_bound_does_not_depend_on_the_order_the_baseline_met_its_categories(metric: str) -> None:
    """A baseline profiled from its rows lists categories as met; one read back from a
    statistics.json (the AWS processing job's) lists them as written. Same counts, same bound."""
    rng = np.random.default_rng(4)
    values = rng.choice(["basic", "plus", "pro", "team"], 600, p=[0.4, 0.3, 0.2, 0.1])
    ordered = np.sort(values)  # the same rows, met in another order
    target_rows = rng.choice(["basic", "plus", "pro", "team"], 300, p=[0.4, 0.3, 0.2, 0.1])
    bounds = []
    for rows in (values, ordered, ordered[::-1]):
        base = profile_stream([pa.record_batch({"plan": pa.array(rows)})], threads=1)
        target = profile_stream([pa.record_batch({"plan": pa.array(target_rows)})], reference=base, threads=1)
        assert sum(base["plan"].categorical.frequencies().values()) == 600
        bounds.append(
            feature_drift("categorical", metric, 0.01, base["plan"], target["plan"], bins=20, noise_correction=True)
        )
    assert bounds[0].value == pytest.approx(bounds[1].value) == pytest.approx(bounds[2].value)
    assert bounds[0].effective_threshold == bounds[1].effective_threshold == bounds[2].effective_threshold
