"""Assertions that two profiles of the same data agree as the Spark engine promises."""

from __future__ import annotations

import math

import numpy as np

from driftplane.engine.profile import Profile

# KLL with k=1024 has a normalized rank error of about 0.3% (0.5% at 99% confidence); the
# batch pre-compaction adds under 0.1%. Allow twice that.
RANK_ERROR = 0.012


def assert_same_profile(local: Profile, spark: Profile, data: dict[str, np.ndarray] | None = None) -> None:
    """Exact parts equal, sums and moments equal up to float rounding, quantiles within KLL error."""
    assert spark.rows == local.rows
    assert list(spark.columns) == list(local.columns) or set(spark.columns) == set(local.columns)
    for name, expected in local.columns.items():
        got = spark.columns[name]
        assert (got.rows, got.missing, got.unsupported) == (expected.rows, expected.missing, expected.unsupported), name
        assert {k: v for k, v in got.type_counts.items() if v} == {
            k: v for k, v in expected.type_counts.items() if v
        }, name
        assert got.inferred_type == expected.inferred_type, name
        assert (got.numeric is None) == (expected.numeric is None), name
        if expected.numeric is not None and got.numeric is not None:
            a, b = expected.numeric, got.numeric
            assert (b.count, b.infinite) == (a.count, a.infinite), name
            if a.count:
                assert (b.min, b.max) == (a.min, a.max), name
                assert math.isclose(b.sum, a.sum, rel_tol=1e-12, abs_tol=1e-9), name
                assert math.isclose(b.mean, a.mean, rel_tol=1e-12, abs_tol=1e-12), name
                assert math.isclose(b.std, a.std, rel_tol=1e-9, abs_tol=1e-12), name
                assert (b.histogram.exponent, b.histogram.start) == (a.histogram.exponent, a.histogram.start), name
                assert b.histogram.counts.tolist() == a.histogram.counts.tolist(), name
                assert (b.histogram.below, b.histogram.above) == (a.histogram.below, a.histogram.above), name
                if data is not None and name in data:
                    _assert_quantiles_within_error(b, data[name], name)
        assert (got.categorical is None) == (expected.categorical is None), name
        if expected.categorical is not None and got.categorical is not None:
            assert got.categorical.total == expected.categorical.total, name
            if expected.categorical.exact:
                assert got.categorical.counts == expected.categorical.counts, name


def _assert_quantiles_within_error(summary, values: np.ndarray, name: str) -> None:
    ordered = np.sort(values[np.isfinite(values)])
    ranks = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]
    for rank, estimate in zip(ranks, summary.quantiles.quantiles(ranks), strict=True):
        true_rank = np.searchsorted(ordered, estimate, side="right") / len(ordered)
        low_rank = np.searchsorted(ordered, estimate, side="left") / len(ordered)
        distance = 0.0 if low_rank <= rank <= true_rank else min(abs(true_rank - rank), abs(low_rank - rank))
        assert distance <= RANK_ERROR, f"{name}: quantile {rank} is {estimate}, at rank {low_rank:.4f}-{true_rank:.4f}"
