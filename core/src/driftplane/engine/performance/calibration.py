"""Isotonic calibration of probabilities, and NannyML's rule for when to calibrate.

CBPE reads a model's probabilities as the chance that each row is positive; that holds only
for calibrated probabilities. ``Isotonic`` is scikit-learn's ``IsotonicRegression
(out_of_bounds="clip")``: fitted by scikit-learn when it is installed, else by the
pool-adjacent-violators algorithm here in numpy (the same steps: equal scores pooled to their
mean, violators merged, points inside flat runs dropped), and applied in both cases as a
piecewise-linear map with ``np.interp``, so the fitted state is two lists of numbers that a
baseline cache can keep as JSON.

``needs_calibration`` follows NannyML 0.13's code (``nannyml/calibration.py``): never with a
single class or a ROC AUC above 0.999; else ten stratified 90/10 splits (seed 42), an
isotonic map fitted on each 90% and applied to its 10%, and the expected calibration error
of the pooled held-out rows (ten equal-count bins) compared before and after: calibrate only
when it drops.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

SPLITS = 10
TEST_SHARE = 0.1
SPLIT_SEED = 42
ECE_BINS = 10
SEPARABLE_AUC = 0.999


@dataclass
class Isotonic:
    """A fitted non-decreasing map from score to probability (clipped outside the fitted range)."""

    x: list[float] = field(default_factory=list)
    y: list[float] = field(default_factory=list)

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        scores = np.asarray(scores, dtype=np.float64)
        if not self.x:
            return scores
        x = np.asarray(self.x)
        return np.interp(np.clip(scores, x[0], x[-1]), x, np.asarray(self.y))

    def to_dict(self) -> dict[str, Any]:
        return {"x": self.x, "y": self.y}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Isotonic:
        return cls(x=[float(v) for v in data["x"]], y=[float(v) for v in data["y"]])


def fit_isotonic(
    scores: np.ndarray, outcomes: np.ndarray, use_sklearn: bool | None = None
) -> Isotonic:
    """The isotonic map of ``outcomes`` (0/1 or any numbers) on ``scores``.

    use_sklearn: None (default) uses scikit-learn when it is installed; False forces numpy.
    """
    scores = np.asarray(scores, dtype=np.float64)
    outcomes = np.asarray(outcomes, dtype=np.float64)
    if len(scores) == 0:
        return Isotonic()
    if use_sklearn is not False:
        try:
            from sklearn.isotonic import IsotonicRegression
        except ImportError:
            if use_sklearn:
                raise
        else:
            model = IsotonicRegression(out_of_bounds="clip").fit(scores, outcomes)
            return Isotonic(x=model.X_thresholds_.tolist(), y=model.y_thresholds_.tolist())
    return _fit_pav(scores, outcomes)


def _fit_pav(scores: np.ndarray, outcomes: np.ndarray) -> Isotonic:
    """Pool adjacent violators, with scikit-learn's preparation and trimming."""
    order = np.lexsort((outcomes, scores))
    scores, outcomes = scores[order], outcomes[order]
    unique, starts, counts = np.unique(scores, return_index=True, return_counts=True)
    sums = np.add.reduceat(outcomes, starts)
    means = sums / counts
    weights = counts.astype(np.float64)
    fitted = _pav(means, weights)
    keep = np.ones(len(fitted), dtype=bool)
    if len(fitted) > 2:
        keep[1:-1] = (fitted[:-2] != fitted[1:-1]) | (fitted[1:-1] != fitted[2:])
    return Isotonic(x=unique[keep].tolist(), y=fitted[keep].tolist())


def _pav(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The weighted least-squares non-decreasing fit of ``values`` (blocks kept on a stack)."""
    block_mean: list[float] = []
    block_weight: list[float] = []
    block_size: list[int] = []
    for value, weight in zip(values.tolist(), weights.tolist(), strict=True):
        mean, total, size = value, weight, 1
        while block_mean and block_mean[-1] >= mean:
            previous_weight = block_weight.pop()
            mean = (block_mean.pop() * previous_weight + mean * total) / (previous_weight + total)
            total += previous_weight
            size += block_size.pop()
        block_mean.append(mean)
        block_weight.append(total)
        block_size.append(size)
    return np.repeat(np.asarray(block_mean), np.asarray(block_size))


# -- when to calibrate -------------------------------------------------------------------------


def exact_auc(outcomes: np.ndarray, scores: np.ndarray) -> float | None:
    """ROC AUC with ties counted half (Mann-Whitney), from ranks; None with one class."""
    outcomes = np.asarray(outcomes, dtype=bool)
    positives = int(outcomes.sum())
    negatives = len(outcomes) - positives
    if positives == 0 or negatives == 0:
        return None
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = np.asarray(scores)[order]
    _, starts, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    average_rank = starts + (counts + 1) / 2.0  # 1-based mean rank of each run of ties
    ranks = np.empty(len(scores))
    ranks[order] = np.repeat(average_rank, counts)
    rank_sum = float(ranks[outcomes].sum())
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def expected_calibration_error(
    outcomes: np.ndarray, probabilities: np.ndarray, bins: int = ECE_BINS
) -> float:
    """Σ over equal-count bins of the probabilities: share of rows x |mean outcome - mean probability|."""
    order = np.argsort(probabilities, kind="mergesort")
    parts = np.array_split(order, bins)
    total = len(order)
    error = 0.0
    for part in parts:
        if len(part):
            error += (
                len(part)
                / total
                * abs(float(np.mean(outcomes[part])) - float(np.mean(probabilities[part])))
            )
    return error


def _stratified_splits(outcomes: np.ndarray) -> list[np.ndarray]:
    """SPLITS random held-out index sets, each TEST_SHARE of every class."""
    rng = np.random.default_rng(SPLIT_SEED)
    classes = [np.flatnonzero(outcomes == value) for value in np.unique(outcomes)]
    splits = []
    for _ in range(SPLITS):
        held = [
            rng.permutation(members)[: max(1, round(TEST_SHARE * len(members)))]
            for members in classes
        ]
        splits.append(np.sort(np.concatenate(held)))
    return splits


def needs_calibration(outcomes: np.ndarray, scores: np.ndarray) -> bool:
    """NannyML's rule (see the module docstring) for one class's probabilities vs its 0/1 outcomes."""
    outcomes = np.asarray(outcomes, dtype=np.float64)
    scores = np.asarray(scores, dtype=np.float64)
    if len(np.unique(outcomes)) <= 1:
        return False
    auc = exact_auc(outcomes > 0, scores)
    if auc is not None and auc > SEPARABLE_AUC:
        return False
    held_outcomes, before, after = [], [], []
    everything = np.arange(len(outcomes))
    for test in _stratified_splits(outcomes):
        train = np.setdiff1d(everything, test, assume_unique=True)
        calibrator = fit_isotonic(scores[train], outcomes[train])
        held_outcomes.append(outcomes[test])
        before.append(scores[test])
        after.append(calibrator(scores[test]))
    pooled = np.concatenate(held_outcomes)
    error_before = expected_calibration_error(pooled, np.concatenate(before))
    error_after = expected_calibration_error(pooled, np.concatenate(after))
    logger.debug(
        "expected calibration error of the baseline's probabilities: %.4f as given, %.4f calibrated",
        error_before,
        error_after,
    )
    return error_before > error_after
