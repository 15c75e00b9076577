"""accumulate(A + B) == merge(accumulate(A), accumulate(B)), through JSON, bit for bit.

Every metric (counts, exact sums, the score histogram) is identical however the rows are
split; only the spread depends on which random fold each row fell in, and it estimates the
standard deviation of the metric over 80% subsamples, as SageMaker's does.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn import metrics as sk

from driftplane.engine.performance import (
    Accumulator,
    BinaryAccumulator,
    MulticlassAccumulator,
    RegressionAccumulator,
    new_accumulator,
)
from driftplane.engine.performance.exact import ExactSums


def through_json(accumulator: Accumulator) -> Accumulator:
    return Accumulator.from_dict(json.loads(json.dumps(accumulator.to_dict())))


def split_and_merge(make, columns: list[np.ndarray], parts: int, seed: int) -> Accumulator:
    """Rows dealt at random into ``parts`` accumulators (each fed in two batches), merged via JSON."""
    rng = np.random.default_rng(seed)
    owner = rng.integers(0, parts, len(columns[0]))
    merged = None
    for part in range(parts):
        rows = np.flatnonzero(owner == part)
        accumulator = make(seed=part)
        for half in np.array_split(rows, 2):
            accumulator.update(*[c[half] if c is not None else None for c in columns])
        accumulator = through_json(accumulator)
        if merged is None:
            merged = accumulator
        else:
            merged.merge(accumulator)
    assert merged is not None
    return through_json(merged)


@pytest.mark.parametrize("parts", [2, 7])
def test_binary_merge_is_exact(parts: int) -> None:
    rng = np.random.default_rng(parts)
    y = rng.integers(0, 2, 30_000)
    scores = 1 / (1 + np.exp(-rng.normal(2 * y - 1, 1.5)))
    predicted = (scores >= 0.5).astype(int)
    whole = BinaryAccumulator()
    whole.update(y, predicted, scores)
    merged = split_and_merge(
        lambda seed: BinaryAccumulator(seed=seed), [y, predicted, scores], parts, seed=parts
    )
    assert merged.metrics() == whole.metrics()
    assert merged.confusion_matrix() == whole.confusion_matrix()
    assert merged.error_bounds() == whole.error_bounds()
    assert isinstance(merged, BinaryAccumulator)
    assert merged.calibration() == whole.calibration()
    assert merged.curves() == whole.curves()
    assert merged.rows == whole.rows == 30_000


def test_multiclass_merge_with_classes_first_seen_in_different_orders() -> None:
    rng = np.random.default_rng(3)
    labels = np.array(["setosa", "versicolor", "virginica", "10", "2"])
    y = labels[rng.integers(0, 5, 5000)]
    p = np.where(rng.random(5000) < 0.7, y, labels[rng.integers(0, 5, 5000)])
    whole = MulticlassAccumulator()
    whole.update(y, p)
    merged = split_and_merge(lambda seed: MulticlassAccumulator(seed=seed), [y, p], 5, seed=1)
    assert merged.metrics() == whole.metrics()
    assert merged.confusion_matrix() == whole.confusion_matrix()
    assert list(whole.confusion_matrix()) == ["10", "2", "setosa", "versicolor", "virginica"]


def test_regression_merge_is_exact_on_any_floats() -> None:
    """Float sums in another order would differ in the last bits; exact sums do not."""
    rng = np.random.default_rng(9)
    y = rng.lognormal(5, 2, 40_000) * rng.choice([-1, 1], 40_000)
    p = y + rng.standard_cauchy(40_000)
    whole = RegressionAccumulator()
    whole.update(y, p)
    merged = split_and_merge(lambda seed: RegressionAccumulator(seed=seed), [y, p], 6, seed=2)
    assert merged.metrics() == whole.metrics()
    assert whole.metrics()["mse"] == pytest.approx(sk.mean_squared_error(y, p), rel=1e-12)


def test_exact_sums_equal_fsum_in_any_split() -> None:
    import math

    rng = np.random.default_rng(0)
    values = rng.normal(size=20_000) * 10.0 ** rng.integers(-200, 200, 20_000)
    values = np.concatenate([values, [5e-324, -5e-324, 0.0, -0.0, 1e300, -1e300]])
    whole = ExactSums()
    whole.add(values)
    assert whole.value() == math.fsum(values)
    left, right = ExactSums(), ExactSums()
    left.add(values[::2])
    right.add(values[1::2])
    left.merge(right)
    assert left.totals == whole.totals
    assert ExactSums.from_list(json.loads(json.dumps(whole.to_list()))).totals == whole.totals


def test_merging_different_models_is_refused() -> None:
    ones = BinaryAccumulator(positive_label=1)
    yes = BinaryAccumulator(positive_label="yes")
    with pytest.raises(ValueError, match="different positive labels"):
        ones.merge(yes)
    with pytest.raises(ValueError, match="regression accumulator into a binary"):
        ones.merge(RegressionAccumulator())


def test_spread_is_none_below_200_rows_like_sagemaker() -> None:
    small = new_accumulator("binary")
    small.update(np.array([0, 1] * 99), np.array([0, 1] * 99))
    assert set(small.spread().values()) == {None}
    enough = new_accumulator("binary")
    enough.update(np.array([0, 1, 1] * 67), np.array([0, 1, 0] * 67))
    assert enough.spread()["accuracy"] is not None


def test_spread_estimates_the_std_over_80_percent_subsamples() -> None:
    """Averaged over many accumulators, the spread's square is the variance of an 80% subsample's metric."""
    rng = np.random.default_rng(12)
    rows = 3000
    y = rng.integers(0, 2, rows)
    p = np.where(rng.random(rows) < 0.8, y, 1 - y)
    subsample_accuracy = []
    for _ in range(400):
        chosen = rng.choice(rows, int(0.8 * rows), replace=False)
        subsample_accuracy.append(sk.accuracy_score(y[chosen], p[chosen]))
    reference = float(np.std(subsample_accuracy))
    squares = []
    for seed in range(60):
        accumulator = BinaryAccumulator(seed=seed)
        accumulator.update(y, p)
        spread = accumulator.spread()["accuracy"]
        assert spread is not None
        squares.append(spread**2)
    assert np.sqrt(np.mean(squares)) == pytest.approx(reference, rel=0.2)
