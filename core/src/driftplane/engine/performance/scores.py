"""A fixed-resolution histogram of classifier scores: ROC AUC, average precision and curves in bounded memory.

Bins are fine where scores crowd: a score s in [0, 1] is placed by its distance to the
nearer end, d = min(s, 1 - s) (exact in float64 for s >= 0.5), on a logarithmic grid:
each octave [2^-k-1, 2^-k) of d, k = 1..60, is cut into 2^bits equal bins (d = 0.5 has its
own); nearer than 2^-61 (about 4.3e-19) to 0, scores share one end bin (near 1, float64
cannot hold a score nearer than 1.1e-16 but 1.0 itself). So a bin is at most 2^-bits of its
distance to the end wide: with the default 10 bits, 0.098% of d (2.4e-4 wide just below 0.5,
9.5e-7 around 0.999 or 0.001), in 124,930 bins (4 MB of arrays per accumulator while it
counts; its JSON lists only the filled bins).

Scores that share a bin are treated as tied, the way scikit-learn treats equal scores. Only
bins holding different scores of both classes can move ROC AUC or average precision, and
each bin keeps its smallest and largest score to know that. The possible error is computed
from the histogram itself and reported with the value (``auc()`` returns both):

- ROC AUC: |AUC - exact| <= Σ_b P_b·N_b / (2·P·N) over bins b whose scores differ (P_b, N_b:
  positives and negatives in b; P, N: in all). Exact scores equal within a bin cost nothing.
- Average precision: |AP - exact| <= Σ_b (P_b / P)·max(p_b - lo_b, hi_b - p_b), where p_b is
  the precision with bin b included and [lo_b, hi_b] the range precision can take while b's
  scores are let in one by one.

The bound is a guarantee, not an estimate; the error itself is usually far smaller, since
within-bin order errs both ways. Counts may be weights (CBPE counts calibrated
probabilities); merging adds the arrays, exactly for whole-number counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

FINE_BITS = 10
COARSE_BITS = 4  # the five 80% replicates' histograms: only a spread is read from them
OCTAVES = 60  # distances to 0 or 1 from 2^-61 up to 1/2 get their own octave
_MANTISSA_MASK = (1 << 52) - 1
CURVE_POINTS = 101  # ROC and precision-recall curves are thinned to at most this many points


def bins_per_side(bits: int) -> int:
    """Bins for the scores on one side of 0.5: an end bin plus OCTAVES octaves (and 0.5 itself)."""
    return 1 + (OCTAVES + 1) * (1 << bits)


def bin_count(bits: int) -> int:
    return 2 * bins_per_side(bits)


def score_bins(scores: np.ndarray, bits: int = FINE_BITS) -> np.ndarray:
    """Each score's bin (int64), in the order of the scores: a higher score never gets a lower bin."""
    scores = np.asarray(scores, dtype=np.float64)
    upper = scores > 0.5
    distance = np.where(upper, 1.0 - scores, scores)  # exact for scores in [0.5, 1]
    raw = np.ascontiguousarray(distance).view(np.int64)
    level = 1022 - (raw >> 52)  # 0 for d = 0.5, k for d in [2^-k-1, 2^-k)
    fraction = (raw & _MANTISSA_MASK) >> (52 - bits)
    position = 1 + (OCTAVES - level) * (1 << bits) + fraction  # increasing with d
    position = np.where(level > OCTAVES, 0, position)  # the end bin (d = 0 included)
    side = bins_per_side(bits)
    return np.where(upper, 2 * side - 1 - position, position)


@dataclass
class Ranked:
    """Counts of both classes per non-empty bin, from the highest score down, with running sums."""

    positives: np.ndarray
    negatives: np.ndarray
    mixed: np.ndarray  # the bin holds different scores (ties broken differently by exact data)

    @property
    def total_positive(self) -> float:
        return float(self.positives.sum())

    @property
    def total_negative(self) -> float:
        return float(self.negatives.sum())


class ScoreHistogram:
    """Per fold, weights of positive and negative rows per score bin; per bin the smallest and
    largest score (only when ``track_range``, for the error bounds)."""

    def __init__(self, bits: int = FINE_BITS, folds: int = 1, track_range: bool = True) -> None:
        self.bits = bits
        self.folds = folds
        size = bin_count(bits)
        self.positives = np.zeros((folds, size), dtype=np.float64)
        self.negatives = np.zeros((folds, size), dtype=np.float64)
        self.track_range = track_range
        self.low = np.full(size, np.inf) if track_range else None
        self.high = np.full(size, -np.inf) if track_range else None

    def update(
        self,
        bins: np.ndarray,
        positive_weight: np.ndarray,
        negative_weight: np.ndarray,
        scores: np.ndarray | None = None,
        folds: np.ndarray | None = None,
    ) -> None:
        """Add rows: their bins, how much each counts as positive and as negative (a realised
        row 1 and 0, a CBPE row p and 1 - p), their scores (for the ranges) and folds."""
        size = self.positives.shape[1]
        keys = bins if folds is None else bins + folds.astype(np.int64) * size
        length = size * self.folds
        self.positives += np.bincount(keys, weights=positive_weight, minlength=length).reshape(
            self.folds, size
        )
        self.negatives += np.bincount(keys, weights=negative_weight, minlength=length).reshape(
            self.folds, size
        )
        if self.track_range and scores is not None and len(bins):
            assert self.low is not None and self.high is not None
            np.minimum.at(self.low, bins, scores)
            np.maximum.at(self.high, bins, scores)

    def merge(self, other: ScoreHistogram) -> None:
        if (other.bits, other.folds) != (self.bits, self.folds):
            raise ValueError(
                f"cannot merge a score histogram of {other.bits} bits x {other.folds} folds "
                f"into one of {self.bits} bits x {self.folds} folds"
            )
        self.positives += other.positives
        self.negatives += other.negatives
        if self.track_range and self.low is not None and self.high is not None:
            if other.low is None or other.high is None:
                raise ValueError("cannot merge a histogram without score ranges into one with them")
            np.minimum(self.low, other.low, out=self.low)
            np.maximum(self.high, other.high, out=self.high)

    # -- reading ---------------------------------------------------------------------------

    def ranked(self, leave_out: int | None = None) -> Ranked:
        """The non-empty bins from the highest score down; ``leave_out``: drop that fold (a replicate)."""
        positives = self.positives.sum(axis=0)
        negatives = self.negatives.sum(axis=0)
        if leave_out is not None:
            positives = positives - self.positives[leave_out]
            negatives = negatives - self.negatives[leave_out]
        filled = np.flatnonzero((positives > 0) | (negatives > 0))[::-1]
        if (
            self.track_range
            and self.low is not None
            and self.high is not None
            and leave_out is None
        ):
            mixed = self.low[filled] < self.high[filled]
        else:
            mixed = np.ones(len(filled), dtype=bool)
        return Ranked(positives[filled], negatives[filled], mixed)

    def auc(self, leave_out: int | None = None) -> tuple[float | None, float | None]:
        """ROC AUC and its error bound; (None, None) when either class has no rows."""
        ranked = self.ranked(leave_out)
        total_pos, total_neg = ranked.total_positive, ranked.total_negative
        if total_pos <= 0 or total_neg <= 0:
            return None, None
        # negatives scored below each bin: all negatives minus those at or above it
        below = total_neg - np.cumsum(ranked.negatives)
        whole = _whole(ranked.positives) and _whole(ranked.negatives)
        if whole:
            pos = [int(v) for v in ranked.positives.tolist()]
            neg = [int(v) for v in ranked.negatives.tolist()]
            under = [int(v) for v in below.tolist()]
            twice = sum(2 * p * u + p * n for p, n, u in zip(pos, neg, under, strict=True))
            denominator = 2 * int(total_pos) * int(total_neg)
            value = twice / denominator
            tied = sum(p * n for p, n, m in zip(pos, neg, ranked.mixed.tolist(), strict=True) if m)
            bound = tied / denominator
        else:
            value = float(
                np.sum(ranked.positives * (below + 0.5 * ranked.negatives))
                / (total_pos * total_neg)
            )
            bound = float(
                np.sum((ranked.positives * ranked.negatives)[ranked.mixed])
                / (2 * total_pos * total_neg)
            )
        return value, bound

    def average_precision(self, leave_out: int | None = None) -> tuple[float | None, float | None]:
        """Average precision (scikit-learn's ``average_precision_score``) and its error bound.

        No positive rows: 0.0, as scikit-learn returns; no rows at all: None.
        """
        ranked = self.ranked(leave_out)
        total_pos = ranked.total_positive
        if len(ranked.positives) == 0:
            return None, None
        if total_pos <= 0:
            return 0.0, 0.0
        true_pos = np.cumsum(ranked.positives)
        false_pos = np.cumsum(ranked.negatives)
        precision = true_pos / (true_pos + false_pos)
        recall = true_pos / true_pos[-1]
        # scikit-learn: -sum(diff(recall) * precision[:-1]) over its reversed arrays
        recall_steps = np.diff(np.concatenate([[0.0], recall]))
        value = float(np.sum(recall_steps * precision))
        before_tp = true_pos - ranked.positives
        before_fp = false_pos - ranked.negatives
        with np.errstate(invalid="ignore", divide="ignore"):
            lowest = np.where(
                before_tp > 0, before_tp / (before_tp + before_fp + ranked.negatives), 0.0
            )
            highest = true_pos / (true_pos + before_fp)
        spread = np.maximum(precision - lowest, highest - precision)
        bound = float(
            np.sum((ranked.positives / total_pos * spread)[ranked.mixed & (ranked.positives > 0)])
        )
        return value, bound

    def roc_curve(self) -> tuple[list[float], list[float]]:
        """(false positive rates, true positive rates), from (0, 0) up, at most CURVE_POINTS points."""
        ranked = self.ranked()
        total_pos, total_neg = ranked.total_positive, ranked.total_negative
        if total_pos <= 0 or total_neg <= 0:
            return [], []
        fpr = np.concatenate([[0.0], np.cumsum(ranked.negatives) / total_neg])
        tpr = np.concatenate([[0.0], np.cumsum(ranked.positives) / total_pos])
        keep = _thin(len(fpr))
        return fpr[keep].tolist(), tpr[keep].tolist()

    def precision_recall_curve(self) -> tuple[list[float], list[float]]:
        """(precisions, recalls) from the highest threshold down, at most CURVE_POINTS points."""
        ranked = self.ranked()
        if ranked.total_positive <= 0:
            return [], []
        true_pos = np.cumsum(ranked.positives)
        false_pos = np.cumsum(ranked.negatives)
        precision = true_pos / (true_pos + false_pos)
        recall = true_pos / true_pos[-1]
        keep = _thin(len(precision))
        return precision[keep].tolist(), recall[keep].tolist()

    # -- serialisation ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Only the non-empty bins: a window's scores fill a few thousand of the 124,930."""
        filled = np.flatnonzero(
            (self.positives != 0).any(axis=0) | (self.negatives != 0).any(axis=0)
        )
        data: dict[str, Any] = {
            "bits": self.bits,
            "folds": self.folds,
            "bins": filled.tolist(),
            "positives": self.positives[:, filled].tolist(),
            "negatives": self.negatives[:, filled].tolist(),
        }
        if self.track_range and self.low is not None and self.high is not None:
            ranged = np.flatnonzero(self.low <= self.high)
            data["ranged"] = ranged.tolist()
            data["low"] = self.low[ranged].tolist()
            data["high"] = self.high[ranged].tolist()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoreHistogram:
        histogram = cls(
            bits=int(data["bits"]), folds=int(data["folds"]), track_range="ranged" in data
        )
        filled = np.asarray(data["bins"], dtype=np.int64)
        if len(filled):
            histogram.positives[:, filled] = np.asarray(data["positives"], dtype=np.float64)
            histogram.negatives[:, filled] = np.asarray(data["negatives"], dtype=np.float64)
        if histogram.low is not None and histogram.high is not None:
            ranged = np.asarray(data["ranged"], dtype=np.int64)
            if len(ranged):
                histogram.low[ranged] = np.asarray(data["low"], dtype=np.float64)
                histogram.high[ranged] = np.asarray(data["high"], dtype=np.float64)
        return histogram


def _whole(values: np.ndarray) -> bool:
    return bool(np.all(values == np.floor(values)))


def _thin(points: int) -> np.ndarray:
    if points <= CURVE_POINTS:
        return np.arange(points)
    return np.unique(np.linspace(0, points - 1, CURVE_POINTS).round().astype(np.int64))
