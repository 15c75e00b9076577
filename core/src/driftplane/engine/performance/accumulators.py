"""Model-quality metrics computed as data streams by: one mergeable accumulator per problem type.

    acc = BinaryAccumulator(positive_label="1")
    for batch in batches:
        acc.update(batch["churned"], batch["churn_pred"], batch["churn_score"])
    acc.metrics()            # {"accuracy": 0.91, "auc": 0.95, ...}, scikit-learn's definitions
    acc.confusion_matrix()   # {"0": {"0": 812, "1": 40}, "1": {"0": 51, "1": 97}}: [actual][predicted]

Memory is bounded whatever the rows: confusion counts (at most MAX_CLASSES classes), exact
float sums (exact.py), and for binary scores a fixed-resolution histogram (scores.py) whose
error bound is reported with each value (``error_bounds()``). Merging two accumulators gives
exactly the accumulator of both inputs, so partitions can be computed anywhere (threads,
Spark executors) and added up; ``to_dict``/``from_dict`` carry them as JSON.

Class labels are compared as text as written (labels.py), so the prediction 1 and the
SageMaker ground-truth label "1" agree. Rows whose label or prediction is missing are not
counted (``missing`` says how many); a binary row without a score still counts for the
confusion matrix when a prediction is given, and only the score-based metrics (AUC, PR AUC,
log loss, calibration) leave it out (``scored`` counts the rows that have one).

The spread (SageMaker's ``standard_deviation``): every row falls at random into one of five
folds; leaving one fold out gives five 80% subsamples, the metric's standard deviation over
those five is the spread (population formula: the five complements are negatively
correlated, and dividing by 5 instead of 4 makes its square unbiased for the variance of an
independent 80% subsample's metric). Below 200 rows it is None, as SageMaker writes "NaN".
Which fold a row falls into is random, so the spread is the one part that merging does not
reproduce bit for bit; every metric is.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from driftplane.engine.performance import definitions as defs
from driftplane.engine.performance.exact import ExactSums, exact_product_terms
from driftplane.engine.performance.labels import (
    ArrayLike,
    label_codes,
    label_text_of,
    numbers,
    ordered_labels,
    probabilities,
)
from driftplane.engine.performance.scores import COARSE_BITS, FINE_BITS, ScoreHistogram, score_bins
from driftplane.errors import DataError

FOLDS = 5  # SageMaker: "randomly sampling 80% of the data five times"
SPREAD_MIN_ROWS = (
    200  # SageMaker: standard deviations "only when at least 200 samples are available"
)
MAX_CLASSES = 256
CALIBRATION_BINS = 10  # scikit-learn's calibration_curve default (uniform strategy)
FORMAT_VERSION = 1
# Mixed into the folds' seed, so that they never repeat a stream the data came from
# (numpy's default_rng(0) and default_rng([0, 0]) draw the same numbers).
_FOLD_SALT = 0x5EED_F01D
_EPSILON = float(np.finfo(np.float64).eps)  # scikit-learn's clip for log loss and MAPE's floor
_DEFAULT_NAMES = {
    "label": "the label column",
    "prediction": "the prediction column",
    "probability": "the probability column",
}


def _names(names: Mapping[str, str] | None) -> dict[str, str]:
    """How messages call the columns: given names quoted, else generic words."""
    merged = dict(_DEFAULT_NAMES)
    for role, name in (names or {}).items():
        merged[role] = f"the {role} column '{name}'"
    return merged


class Accumulator(ABC):
    """What every problem type's accumulator offers (see the module's docstring)."""

    problem_type: ClassVar[str]

    def __init__(self, names: Mapping[str, str] | None = None, seed: int = 0) -> None:
        self.names = dict(names or {})
        self.seed = seed
        self.rows = 0  # counted rows (weights summed)
        self.missing = 0  # rows left out: label or prediction missing

    @abstractmethod
    def update(
        self,
        y_true: ArrayLike,
        y_pred: ArrayLike | None = None,
        y_score: ArrayLike | None = None,
        weight: ArrayLike | None = None,
    ) -> None:
        """Add a batch of rows."""

    @abstractmethod
    def merge(self, other: Accumulator) -> None:
        """Add another accumulator's rows to this one."""

    @abstractmethod
    def metrics(self) -> dict[str, float | None]:
        """Every metric of this problem type (None where undefined, e.g. no rows)."""

    @abstractmethod
    def spread(self) -> dict[str, float | None]:
        """Per metric, the standard deviation over the five 80% subsamples (None below 200 rows)."""

    def confusion_matrix(self) -> dict[str, dict[str, int]]:
        """Counts [actual][predicted], labels as text in scikit-learn's order; {} for regression."""
        return {}

    def error_bounds(self) -> dict[str, float]:
        """Per approximate metric, the largest difference from the exact value the data allow."""
        return {}

    @abstractmethod
    def _state(self) -> dict[str, Any]: ...

    @abstractmethod
    def _load(self, data: dict[str, Any]) -> None: ...

    def to_dict(self) -> dict[str, Any]:
        return {
            "problem_type": self.problem_type,
            "version": FORMAT_VERSION,
            "rows": self.rows,
            "missing": self.missing,
            "seed": self.seed,
            "names": self.names,
            **self._state(),
        }

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Accumulator:
        kind = data.get("problem_type")
        cls = _KINDS.get(str(kind))
        if cls is None:
            raise DataError(
                f"a performance accumulator of unknown problem type {kind!r}; expected one of {', '.join(_KINDS)}"
            )
        if data.get("version") != FORMAT_VERSION:
            raise DataError(
                f"a performance accumulator written in format {data.get('version')!r}; "
                f"this driftplane reads format {FORMAT_VERSION}"
            )
        accumulator = cls.__new__(cls)
        Accumulator.__init__(accumulator, names=data.get("names"), seed=int(data.get("seed", 0)))
        accumulator.rows = int(data["rows"])
        accumulator.missing = int(data["missing"])
        accumulator._load(data)
        return accumulator

    def _check_kind(self, other: Accumulator) -> None:
        if type(other) is not type(self):
            raise ValueError(
                f"cannot merge a {other.problem_type} accumulator into a {self.problem_type} one"
            )

    def _folds(self, count: int) -> np.ndarray:
        """A random fold per row; seeded by the rows seen so far, so a rerun draws the same."""
        rng = np.random.default_rng([_FOLD_SALT, self.seed, self.rows + self.missing])
        return rng.integers(0, FOLDS, size=count, dtype=np.int64)

    def _spread_of(
        self, replicates: list[dict[str, float | None]], names: tuple[str, ...]
    ) -> dict[str, float | None]:
        if self.rows < SPREAD_MIN_ROWS:
            return dict.fromkeys(names)
        result: dict[str, float | None] = {}
        for name in names:
            values = [r.get(name) for r in replicates]
            if any(v is None or not math.isfinite(v) for v in values):
                result[name] = None
            else:
                result[name] = float(np.std(np.asarray(values, dtype=np.float64)))
        return result


# -- shared input handling -------------------------------------------------------------------


def _frequency_weights(weight: ArrayLike | None, count: int) -> np.ndarray | None:
    """Weights as whole numbers (a row standing for that many predictions), or None."""
    if weight is None:
        return None
    values = numbers(weight, "the weight column")
    if len(values) != count:
        raise DataError(f"the weights have {len(values)} values for {count} rows")
    bad = ~np.isfinite(values) | (values < 0) | (values != np.floor(values)) | (values >= 2**53)
    if bad.any():
        example = float(values[bad][0])
        raise DataError(
            f"weights must be whole numbers of at least 0 (how many predictions a row stands for); "
            f"{int(bad.sum())} are not, e.g. {example!r}"
        )
    return values.astype(np.int64)


# -- binary ----------------------------------------------------------------------------------

_NEGATIVE_NAMES = {
    "1": "0",
    "true": "false",
    "yes": "no",
    "True": "False",
    "Yes": "No",
    "positive": "negative",
}


class BinaryAccumulator(Accumulator):
    """Confusion counts of the positive label vs the rest, plus score histograms, log loss and
    calibration bins when probabilities are given."""

    problem_type = "binary"

    def __init__(
        self,
        positive_label: Any = 1,
        threshold: float = 0.5,
        names: Mapping[str, str] | None = None,
        seed: int = 0,
    ) -> None:
        super().__init__(names, seed)
        self.positive = label_text_of(positive_label)
        self.threshold = float(threshold)
        self.negative: str | None = None  # the other label, once seen
        self.cells = np.zeros(
            (FOLDS, 2, 2), dtype=np.int64
        )  # [fold, actual positive, predicted positive]
        self.scored = 0
        self.fine = ScoreHistogram(FINE_BITS)
        self.coarse = ScoreHistogram(COARSE_BITS, folds=FOLDS, track_range=False)
        self.log_loss_sums = ExactSums(FOLDS)
        self.calibration_counts = np.zeros(
            (CALIBRATION_BINS, 2), dtype=np.int64
        )  # [bin, actual positive]
        self.calibration_sums = ExactSums(CALIBRATION_BINS)

    def update(
        self,
        y_true: ArrayLike,
        y_pred: ArrayLike | None = None,
        y_score: ArrayLike | None = None,
        weight: ArrayLike | None = None,
    ) -> None:
        names = _names(self.names)
        truth_codes, truth_texts = label_codes(y_true)
        count = len(truth_codes)
        if y_pred is None and y_score is None:
            raise DataError(
                "a binary model needs its predictions or its probabilities (model.prediction or model.probability)"
            )
        weights = _frequency_weights(weight, count)
        present = truth_codes >= 0
        scores = (
            probabilities(y_score, count, names["probability"]) if y_score is not None else None
        )
        if y_pred is not None:
            pred_codes, pred_texts = label_codes(y_pred)
            if len(pred_codes) != count:
                raise DataError(
                    f"{names['prediction']} has {len(pred_codes)} values for {count} labels"
                )
            present &= pred_codes >= 0
            self._note_negatives(truth_texts, pred_texts, names)
            predicted = np.asarray([t == self.positive for t in pred_texts] + [False])[pred_codes]
        else:
            assert scores is not None
            self._note_negatives(truth_texts, [], names)
            present &= ~np.isnan(scores)
            predicted = scores >= self.threshold
        actual = np.asarray([t == self.positive for t in truth_texts] + [False])[truth_codes]
        kept = int(present.sum()) if weights is None else int(weights[present].sum())
        self.missing += (count if weights is None else int(weights.sum())) - kept
        if not present.all():
            actual, predicted = actual[present], predicted[present]
            weights = weights[present] if weights is not None else None
            scores = scores[present] if scores is not None else None
        folds = self._folds(len(actual))
        keys = folds * 4 + actual.astype(np.int64) * 2 + predicted.astype(np.int64)
        self.cells += (
            np.bincount(keys, weights=weights, minlength=FOLDS * 4)
            .astype(np.int64)
            .reshape(FOLDS, 2, 2)
        )
        self.rows += kept
        if scores is not None:
            has_score = ~np.isnan(scores)
            if not has_score.all():
                scores, actual, folds = scores[has_score], actual[has_score], folds[has_score]
                weights = weights[has_score] if weights is not None else None
            self._update_scores(scores, actual, folds, weights)

    def _note_negatives(
        self, truth_texts: list[str], pred_texts: list[str], names: dict[str, str]
    ) -> None:
        others = sorted({t for t in truth_texts + pred_texts if t != self.positive})
        known = [self.negative] if self.negative is not None else []
        labels = sorted(set(known + others))
        if len(labels) > 1:
            raise DataError(
                "a binary model's labels and predictions hold two classes, "
                f"the positive label {self.positive!r} and one other; "
                f"found {', '.join(repr(v) for v in [self.positive, *labels][:6])}. Set model.positive_label to the "
                "positive class as written in the data, or use problem_type: multiclass"
            )
        if labels:
            self.negative = labels[0]

    def _update_scores(
        self, scores: np.ndarray, actual: np.ndarray, folds: np.ndarray, weights: np.ndarray | None
    ) -> None:
        unit = np.ones(len(scores)) if weights is None else weights.astype(np.float64)
        positive_weight = np.where(actual, unit, 0.0)
        negative_weight = unit - positive_weight
        self.fine.update(score_bins(scores, FINE_BITS), positive_weight, negative_weight, scores)
        self.coarse.update(
            score_bins(scores, COARSE_BITS), positive_weight, negative_weight, folds=folds
        )
        self.scored += len(scores) if weights is None else int(weights.sum())
        clipped = np.clip(scores, _EPSILON, 1 - _EPSILON)
        losses = -np.log(np.where(actual, clipped, np.clip(1 - scores, _EPSILON, 1 - _EPSILON)))
        bins = np.searchsorted(np.linspace(0.0, 1.0, CALIBRATION_BINS + 1)[1:-1], scores)
        self.calibration_counts += (
            np.bincount(
                bins * 2 + actual.astype(np.int64), weights=weights, minlength=CALIBRATION_BINS * 2
            )
            .astype(np.int64)
            .reshape(CALIBRATION_BINS, 2)
        )
        if weights is None:
            self.log_loss_sums.add(losses, folds)
            self.calibration_sums.add(scores, bins)
        else:
            self.log_loss_sums.add_products(losses, unit, folds)
            self.calibration_sums.add_products(scores, unit, bins)

    def merge(self, other: Accumulator) -> None:
        self._check_kind(other)
        assert isinstance(other, BinaryAccumulator)
        if (other.positive, other.threshold) != (self.positive, self.threshold):
            raise ValueError(
                f"cannot merge binary accumulators with different positive labels or thresholds "
                f"({other.positive!r} at {other.threshold} into {self.positive!r} at {self.threshold})"
            )
        if other.negative is not None:
            self._note_negatives([other.negative], [], _names(self.names))
        self.rows += other.rows
        self.missing += other.missing
        self.scored += other.scored
        self.cells += other.cells
        self.fine.merge(other.fine)
        self.coarse.merge(other.coarse)
        self.log_loss_sums.merge(other.log_loss_sums)
        self.calibration_counts += other.calibration_counts
        self.calibration_sums.merge(other.calibration_sums)

    # -- reading ---------------------------------------------------------------------------

    def counts(self, leave_out: int | None = None) -> tuple[int, int, int, int]:
        """(tp, fp, fn, tn), of all rows or without one fold."""
        cells = self.cells.sum(axis=0)
        if leave_out is not None:
            cells = cells - self.cells[leave_out]
        return int(cells[1, 1]), int(cells[0, 1]), int(cells[1, 0]), int(cells[0, 0])

    def metrics(self) -> dict[str, float | None]:
        result = self._metrics()
        return {name: result.get(name) for name in defs.BINARY_METRICS}

    def _metrics(self, leave_out: int | None = None) -> dict[str, float | None]:
        result = defs.binary_from_counts(*self.counts(leave_out))
        histogram = self.fine if leave_out is None else self.coarse
        result["auc"] = histogram.auc(leave_out)[0]
        result["pr_auc"] = histogram.average_precision(leave_out)[0]
        result["log_loss"] = self._log_loss(leave_out)
        return result

    def _log_loss(self, leave_out: int | None) -> float | None:
        scored = self.coarse.positives.sum(axis=1) + self.coarse.negatives.sum(axis=1)
        rows = float(scored.sum() - (scored[leave_out] if leave_out is not None else 0.0))
        if rows == 0:
            return None
        total = self.log_loss_sums.exact()
        if leave_out is not None:
            total -= self.log_loss_sums.exact(leave_out)
        return float(total) / rows

    def spread(self) -> dict[str, float | None]:
        return self._spread_of([self._metrics(fold) for fold in range(FOLDS)], defs.BINARY_METRICS)

    def error_bounds(self) -> dict[str, float]:
        bounds = {}
        auc, auc_bound = self.fine.auc()
        if auc is not None and auc_bound is not None:
            bounds["auc"] = auc_bound
        pr_auc, pr_bound = self.fine.average_precision()
        if pr_auc is not None and pr_bound is not None:
            bounds["pr_auc"] = pr_bound
        return bounds

    def labels(self) -> tuple[str, str]:
        """(negative, positive) label texts; the negative one named after the positive until seen."""
        negative = (
            self.negative
            if self.negative is not None
            else _NEGATIVE_NAMES.get(self.positive, f"not {self.positive}")
        )
        return negative, self.positive

    def confusion_matrix(self) -> dict[str, dict[str, int]]:
        tp, fp, fn, tn = self.counts()
        negative, positive = self.labels()
        cells = {
            (negative, negative): tn,
            (negative, positive): fp,
            (positive, negative): fn,
            (positive, positive): tp,
        }
        present = []
        if tn + fp + fn > 0:
            present.append(negative)
        if tp + fp + fn > 0:
            present.append(positive)
        order = ordered_labels(present)
        return {
            actual: {predicted: cells[(actual, predicted)] for predicted in order}
            for actual in order
        }

    def best_constant(self) -> dict[str, float | None]:
        """The metrics of always predicting the positive label (SageMaker's *_best_constant_classifier)."""
        tp, fp, fn, tn = self.counts()
        return defs.binary_from_counts(tp + fn, fp + tn, 0, 0)

    def curves(self) -> dict[str, dict[str, list[float]]]:
        """ROC and precision-recall curves from the score histogram (empty without scores)."""
        fpr, tpr = self.fine.roc_curve()
        precisions, recalls = self.fine.precision_recall_curve()
        return {
            "receiver_operating_characteristic_curve": {
                "false_positive_rates": fpr,
                "true_positive_rates": tpr,
            },
            "precision_recall_curve": {"precisions": precisions, "recalls": recalls},
        }

    def calibration(self) -> list[dict[str, float]]:
        """Reliability bins (scikit-learn's ``calibration_curve(n_bins=10)``): for each non-empty
        tenth of [0, 1], the mean probability and the share of actual positives."""
        edges = np.linspace(0.0, 1.0, CALIBRATION_BINS + 1)
        result = []
        for index in range(CALIBRATION_BINS):
            negatives, positives = (int(v) for v in self.calibration_counts[index])
            total = negatives + positives
            if total == 0:
                continue
            result.append(
                {
                    "lower": float(edges[index]),
                    "upper": float(edges[index + 1]),
                    "count": total,
                    "mean_probability": self.calibration_sums.value(index) / total,
                    "fraction_positive": positives / total,
                }
            )
        return result

    def _state(self) -> dict[str, Any]:
        return {
            "positive_label": self.positive,
            "threshold": self.threshold,
            "negative_label": self.negative,
            "cells": self.cells.tolist(),
            "scored": self.scored,
            "fine": self.fine.to_dict(),
            "coarse": self.coarse.to_dict(),
            "log_loss": self.log_loss_sums.to_list(),
            "calibration_counts": self.calibration_counts.tolist(),
            "calibration_sums": self.calibration_sums.to_list(),
        }

    def _load(self, data: dict[str, Any]) -> None:
        self.positive = str(data["positive_label"])
        self.threshold = float(data["threshold"])
        self.negative = data.get("negative_label")
        self.cells = np.asarray(data["cells"], dtype=np.int64).reshape(FOLDS, 2, 2)
        self.scored = int(data["scored"])
        self.fine = ScoreHistogram.from_dict(data["fine"])
        self.coarse = ScoreHistogram.from_dict(data["coarse"])
        self.log_loss_sums = ExactSums.from_list(data["log_loss"])
        self.calibration_counts = np.asarray(data["calibration_counts"], dtype=np.int64).reshape(
            CALIBRATION_BINS, 2
        )
        self.calibration_sums = ExactSums.from_list(data["calibration_sums"])


# -- multiclass ------------------------------------------------------------------------------


class MulticlassAccumulator(Accumulator):
    """A confusion matrix over the classes seen (labels as text), at most MAX_CLASSES of them."""

    problem_type = "multiclass"

    def __init__(
        self, names: Mapping[str, str] | None = None, seed: int = 0, max_classes: int = MAX_CLASSES
    ) -> None:
        super().__init__(names, seed)
        self.max_classes = max_classes
        self.classes: list[str] = []  # in first-seen order; reports sort them
        self._index: dict[str, int] = {}
        self.cells = np.zeros((FOLDS, 0, 0), dtype=np.int64)  # [fold, actual, predicted]

    def _class_indices(self, texts: list[str], role: str) -> np.ndarray:
        for text in texts:
            if text not in self._index:
                if len(self.classes) >= self.max_classes:
                    shown = ", ".join(repr(c) for c in self.classes[:5])
                    raise DataError(
                        f"{_names(self.names)[role]} brings class {text!r} "
                        f"past the limit of {self.max_classes} classes "
                        f"(already {shown}, ...); a multiclass monitor keeps one confusion matrix of at most "
                        f"{self.max_classes} classes: check that the column holds class labels, not ids or free text"
                    )
                self._index[text] = len(self.classes)
                self.classes.append(text)
        return np.asarray([self._index[t] for t in texts] + [-1], dtype=np.int64)

    def _grow(self) -> None:
        size = len(self.classes)
        if self.cells.shape[1] < size:
            grown = np.zeros((FOLDS, size, size), dtype=np.int64)
            old = self.cells.shape[1]
            grown[:, :old, :old] = self.cells
            self.cells = grown

    def update(
        self,
        y_true: ArrayLike,
        y_pred: ArrayLike | None = None,
        y_score: ArrayLike | None = None,
        weight: ArrayLike | None = None,
    ) -> None:
        if y_pred is None:
            raise DataError("a multiclass model needs its predicted classes (model.prediction)")
        truth_codes, truth_texts = label_codes(y_true)
        pred_codes, pred_texts = label_codes(y_pred)
        count = len(truth_codes)
        if len(pred_codes) != count:
            raise DataError(
                f"{_names(self.names)['prediction']} has {len(pred_codes)} values for {count} labels"
            )
        weights = _frequency_weights(weight, count)
        actual = self._class_indices(truth_texts, "label")[truth_codes]
        predicted = self._class_indices(pred_texts, "prediction")[pred_codes]
        self._grow()
        present = (actual >= 0) & (predicted >= 0)
        kept = int(present.sum()) if weights is None else int(weights[present].sum())
        self.missing += (count if weights is None else int(weights.sum())) - kept
        if not present.all():
            actual, predicted = actual[present], predicted[present]
            weights = weights[present] if weights is not None else None
        size = len(self.classes)
        folds = self._folds(len(actual))
        keys = (folds * size + actual) * size + predicted
        self.cells += (
            np.bincount(keys, weights=weights, minlength=FOLDS * size * size)
            .astype(np.int64)
            .reshape(FOLDS, size, size)
        )
        self.rows += kept

    def merge(self, other: Accumulator) -> None:
        self._check_kind(other)
        assert isinstance(other, MulticlassAccumulator)
        mapping = self._class_indices(other.classes, "label")[:-1]
        self._grow()
        size = len(other.classes)
        if size:
            rows = np.repeat(mapping, size)
            columns = np.tile(mapping, size)
            for fold in range(FOLDS):
                np.add.at(self.cells[fold], (rows, columns), other.cells[fold].reshape(-1))
        self.rows += other.rows
        self.missing += other.missing

    def matrix(self, leave_out: int | None = None) -> tuple[list[str], np.ndarray]:
        """The classes in scikit-learn's order and the matrix [actual, predicted] over them."""
        order = ordered_labels(self.classes)
        positions = [self._index[label] for label in order]
        cells = self.cells.sum(axis=0)
        if leave_out is not None:
            cells = cells - self.cells[leave_out]
        return order, cells[np.ix_(positions, positions)]

    def metrics(self) -> dict[str, float | None]:
        return defs.multiclass_from_matrix(self.matrix()[1])

    def spread(self) -> dict[str, float | None]:
        replicates = [defs.multiclass_from_matrix(self.matrix(fold)[1]) for fold in range(FOLDS)]
        return self._spread_of(replicates, defs.MULTICLASS_METRICS + defs.MULTICLASS_EXTRA)

    def confusion_matrix(self) -> dict[str, dict[str, int]]:
        order, matrix = self.matrix()
        return {
            actual: {predicted: int(matrix[i, j]) for j, predicted in enumerate(order)}
            for i, actual in enumerate(order)
        }

    def best_constant(self) -> dict[str, float | None]:
        """The metrics of always predicting the least frequent actual class (SageMaker's rule is not
        public; this choice reproduces both of its documented examples)."""
        order, matrix = self.matrix()
        support = matrix.sum(axis=1)
        if support.sum() == 0:
            return defs.multiclass_from_matrix(matrix)
        seen = np.flatnonzero(support > 0)
        chosen = int(seen[np.argmin(support[seen])])
        constant = np.zeros_like(matrix)
        constant[:, chosen] = support
        return defs.multiclass_from_matrix(constant)

    def _state(self) -> dict[str, Any]:
        return {
            "classes": self.classes,
            "cells": self.cells.tolist(),
            "max_classes": self.max_classes,
        }

    def _load(self, data: dict[str, Any]) -> None:
        self.max_classes = int(data.get("max_classes", MAX_CLASSES))
        self.classes = [str(c) for c in data["classes"]]
        self._index = {c: i for i, c in enumerate(self.classes)}
        size = len(self.classes)
        self.cells = np.asarray(data["cells"], dtype=np.int64).reshape(FOLDS, size, size)


# -- regression ------------------------------------------------------------------------------

# Exact sums kept per fold, in this order: |error|, error², y, y², |error| / max(|y|, eps).
_SUMS = ("absolute", "squared", "value", "value_squared", "percentage")


class RegressionAccumulator(Accumulator):
    """Exact sums per fold from which MAE, MSE, RMSE, R² and MAPE follow."""

    problem_type = "regression"

    def __init__(self, names: Mapping[str, str] | None = None, seed: int = 0) -> None:
        super().__init__(names, seed)
        self.counts = np.zeros(FOLDS, dtype=np.int64)
        self.sums = ExactSums(len(_SUMS) * FOLDS)

    def update(
        self,
        y_true: ArrayLike,
        y_pred: ArrayLike | None = None,
        y_score: ArrayLike | None = None,
        weight: ArrayLike | None = None,
    ) -> None:
        names = _names(self.names)
        if y_pred is None:
            raise DataError("a regression model needs its predicted values (model.prediction)")
        truth = numbers(y_true, names["label"])
        predicted = numbers(y_pred, names["prediction"])
        count = len(truth)
        if len(predicted) != count:
            raise DataError(f"{names['prediction']} has {len(predicted)} values for {count} labels")
        for values, role in ((truth, "label"), (predicted, "prediction")):
            infinite = np.isinf(values)
            if infinite.any():
                raise DataError(
                    f"{names[role]} holds {int(infinite.sum())} infinite values; metrics need finite numbers"
                )
        weights = _frequency_weights(weight, count)
        present = ~np.isnan(truth) & ~np.isnan(predicted)
        kept = int(present.sum()) if weights is None else int(weights[present].sum())
        self.missing += (count if weights is None else int(weights.sum())) - kept
        if not present.all():
            truth, predicted = truth[present], predicted[present]
            weights = weights[present] if weights is not None else None
        folds = self._folds(len(truth))
        error = predicted - truth  # scikit-learn: y_pred - y_true (and its square is the same)
        absolute = np.abs(error)
        terms = {
            "absolute": [absolute],
            "squared": [error * error],
            "value": [truth],
            "value_squared": exact_product_terms(truth, truth),
            "percentage": [absolute / np.maximum(np.abs(truth), _EPSILON)],
        }
        for position, name in enumerate(_SUMS):
            groups = folds + position * FOLDS
            for term in terms[name]:
                if weights is None:
                    self.sums.add(term, groups)
                else:
                    self.sums.add_products(term, weights.astype(np.float64), groups)
        self.counts += np.bincount(folds, weights=weights, minlength=FOLDS).astype(np.int64)
        self.rows += kept

    def merge(self, other: Accumulator) -> None:
        self._check_kind(other)
        assert isinstance(other, RegressionAccumulator)
        self.counts += other.counts
        self.sums.merge(other.sums)
        self.rows += other.rows
        self.missing += other.missing

    def _sum(self, name: str, leave_out: int | None) -> Any:
        base = _SUMS.index(name) * FOLDS
        total = sum(self.sums.exact(base + fold) for fold in range(FOLDS) if fold != leave_out)
        return total

    def _metrics(self, leave_out: int | None = None) -> dict[str, float | None]:
        rows = int(self.counts.sum() - (self.counts[leave_out] if leave_out is not None else 0))
        if rows == 0:
            return dict.fromkeys(defs.REGRESSION_METRICS)
        squared = float(self._sum("squared", leave_out))
        mse = squared / rows
        result: dict[str, float | None] = {
            "mae": float(self._sum("absolute", leave_out)) / rows,
            "mse": mse,
            "rmse": math.sqrt(mse),
            "mape": float(self._sum("percentage", leave_out)) / rows,
        }
        if rows < 2:
            result["r2"] = None  # scikit-learn: not well-defined with fewer than two samples (NaN)
        else:
            total = self._sum("value", leave_out)
            spread = (
                self._sum("value_squared", leave_out) - total * total / rows
            )  # Σ(y - ȳ)², exactly
            if spread == 0:
                # scikit-learn's force_finite: a perfect fit of a constant is 1.0, anything else 0.0
                result["r2"] = 1.0 if squared == 0 else 0.0
            else:
                result["r2"] = 1 - squared / float(spread)
        return result

    def metrics(self) -> dict[str, float | None]:
        return self._metrics()

    def spread(self) -> dict[str, float | None]:
        return self._spread_of(
            [self._metrics(fold) for fold in range(FOLDS)], defs.REGRESSION_METRICS
        )

    def _state(self) -> dict[str, Any]:
        return {"counts": self.counts.tolist(), "sums": self.sums.to_list()}

    def _load(self, data: dict[str, Any]) -> None:
        self.counts = np.asarray(data["counts"], dtype=np.int64)
        self.sums = ExactSums.from_list(data["sums"])


_KINDS: dict[str, type[Accumulator]] = {
    "binary": BinaryAccumulator,
    "multiclass": MulticlassAccumulator,
    "regression": RegressionAccumulator,
}


def new_accumulator(
    problem_type: str,
    *,
    positive_label: Any = 1,
    threshold: float = 0.5,
    names: Mapping[str, str] | None = None,
    seed: int = 0,
) -> Accumulator:
    """An empty accumulator for ``problem_type`` (binary, multiclass or regression)."""
    if problem_type == "binary":
        return BinaryAccumulator(
            positive_label=positive_label, threshold=threshold, names=names, seed=seed
        )
    if problem_type == "multiclass":
        return MulticlassAccumulator(names=names, seed=seed)
    if problem_type == "regression":
        return RegressionAccumulator(names=names, seed=seed)
    raise ValueError(
        f"unknown problem type {problem_type!r}; expected binary, multiclass or regression"
    )
