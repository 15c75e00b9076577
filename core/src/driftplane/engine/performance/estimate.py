"""Performance estimated before the labels land: CBPE for classifiers, DLE for regressors.

Both methods learn on the labelled baseline (a validation set with its predictions, never
the training set) and then read only the target's predictions, so a window's accuracy can be
estimated the hour it ends rather than the day its labels arrive. The fitted state
(``CbpeModel``, ``DleModel``) is JSON, for the baseline cache; the per-window estimators are
streaming and mergeable like the realised accumulators.

**CBPE** (confidence-based performance estimation, NannyML's method): with calibrated
probabilities p, a row predicted positive is a true positive with probability p and a false
positive with 1 - p, so the expected confusion matrix is TP = Σ p[ŷ=1], FP = Σ (1-p)[ŷ=1],
FN = Σ p[ŷ=0], TN = Σ (1-p)[ŷ=0] (multiclass: E[actual j, predicted k] = Σ over rows
predicted k of p_j). Accuracy, precision, recall, the F-scores and the four rates follow from
it with the realised formulas; ROC AUC and average precision from the score histogram with
p and 1 - p as the weights of each row (rows ranked by the model's own score); log loss as
the mean of -(p·log s + (1-p)·log(1-s)). Probabilities are calibrated on the baseline with
isotonic regression when NannyML's rule says it helps (calibration.py).

**DLE** (direct loss estimation): two gradient-boosted regressors learn a row's absolute and
squared error from its features and prediction on the baseline; a window's MAE is the mean
predicted absolute error (clipped at 0), its MSE the mean predicted squared error, RMSE the
root of that. Needs scikit-learn to fit (``pip install 'driftplane[estimate]'``); the fitted
trees are applied with numpy (trees.py).

**Band**: value ± 3 sampling errors (NannyML's SAMPLING_ERROR_RANGE), clipped to the
metric's range ([0, 1]; errors and log loss >= 0). The sampling error at n rows is
std / sqrt(n · fraction), both from the baseline: accuracy: the std of 0/1 correctness,
fraction 1; precision: of the outcome among predicted positives, fraction = share predicted
positive; recall (and TPR, FNR): of the prediction among actual positives, fraction = share
positive; TNR, FPR: likewise among negatives; F-scores: of {TP: 1, FP: 0, FN: 0} rows,
fraction = their share; ROC AUC: DeLong's variance, SE² = var(share of negatives below each
positive)/P + var(share of positives above each negative)/N (NannyML keeps only the rarer
class's term, which understates the band for balanced classes); log loss: of the per-row loss;
average precision: the std of its value over ten random tenths of the baseline, times
sqrt(rows per tenth); macro averages: sqrt(Σ SE_k²)/K; weighted: sqrt(Σ (w_k·SE_k)²) with the
baseline's class shares; MAE, MSE: the std of the baseline's absolute and squared errors;
RMSE: SE(MSE) / (2·RMSE) (delta method). The band is the spread of the realised metric
around the estimate when the method's assumptions hold.

**Assumptions and limits** (both methods): no concept drift (P(y | x) as on the baseline: a
model that has become wrong with the same confidence is estimated as good as before);
target inputs within the baseline's range (covariate shift is fine, unseen regions are
not); CBPE needs calibrated probabilities, DLE errors that depend on the features; large
windows. With a 0.5 threshold CBPE cannot estimate accuracy below 0.5. An estimate outside
the band of the realised value under concept drift is the method's known limit, and the
report shows both once labels land.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from driftplane.engine.performance import definitions as defs
from driftplane.engine.performance.calibration import Isotonic, fit_isotonic, needs_calibration
from driftplane.engine.performance.labels import (
    ArrayLike,
    label_codes,
    label_text_of,
    numbers,
    probabilities,
    to_arrow,
)
from driftplane.engine.performance.scores import FINE_BITS, ScoreHistogram, score_bins
from driftplane.engine.performance.trees import TreeEnsemble
from driftplane.errors import DataError, UsageError

logger = logging.getLogger(__name__)

SAMPLING_ERROR_RANGE = 3.0
CHUNKS = 10  # baseline tenths for the average precision's sampling error
MIN_ROWS_PER_CHUNK = 50
_EPSILON = float(np.finfo(np.float64).eps)
ESTIMATE_HINT = (
    "direct loss estimation needs scikit-learn to fit its loss "
    "model; install it with: pip install 'driftplane[estimate]'"
)


@dataclass(frozen=True)
class Estimate:
    """One estimated metric of a window, with its band."""

    metric: str
    value: float | None
    lower: float | None
    upper: float | None
    method: str  # "cbpe" | "dle"
    sampling_error: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "value": self.value,
            "lower": self.lower,
            "upper": self.upper,
            "method": self.method,
            "sampling_error": self.sampling_error,
        }


@dataclass(frozen=True)
class Component:
    """A sampling error's parts from the baseline: SE(n) = std / sqrt(n · fraction)."""

    std: float
    fraction: float

    def at(self, rows: float) -> float | None:
        if rows <= 0 or self.fraction <= 0:
            return None
        return self.std / math.sqrt(rows * self.fraction)


def _band(metric: str, value: float | None, error: float | None, method: str) -> Estimate:
    if value is None or error is None or not math.isfinite(value):
        return Estimate(metric, value, None, None, method, error)
    lower, upper = value - SAMPLING_ERROR_RANGE * error, value + SAMPLING_ERROR_RANGE * error
    if metric in defs.UNIT_INTERVAL:
        lower, upper = max(lower, 0.0), min(upper, 1.0)
    else:
        lower = max(lower, 0.0)
    return Estimate(metric, value, lower, upper, method, error)


def _std(values: np.ndarray) -> float:
    return float(np.std(values)) if len(values) else 0.0


def _component(values: np.ndarray, rows: int) -> Component:
    return Component(
        _std(np.asarray(values, dtype=np.float64)), len(values) / rows if rows else 0.0
    )


def _f_component(actual: np.ndarray, predicted: np.ndarray, rows: int) -> Component:
    """NannyML's F1 observations: true positives count 1, false positives and negatives 0."""
    relevant = actual | predicted
    return _component((actual & predicted)[relevant].astype(np.float64), rows)


def _auc_component(actual: np.ndarray, scores: np.ndarray) -> Component:
    """ROC AUC's variance by DeLong: per positive, the share of negatives ranked below it (ties
    half); per negative, the share of positives ranked above; SE² = var₁/P + var₀/N.

    NannyML keeps only the rarer class's term, which leaves out about half the variance when
    the classes are balanced (its bands then missed a fifth of the windows in our tests).
    """
    rows = len(actual)
    positive_scores = np.sort(scores[actual])
    negative_scores = np.sort(scores[~actual])
    positives, negatives = len(positive_scores), len(negative_scores)
    if positives == 0 or negatives == 0:
        return Component(0.0, 0.0)
    below = np.searchsorted(negative_scores, positive_scores, side="left")
    tied = np.searchsorted(negative_scores, positive_scores, side="right") - below
    positive_placements = (below + 0.5 * tied) / negatives
    above = positives - np.searchsorted(positive_scores, negative_scores, side="right")
    tied = np.searchsorted(positive_scores, negative_scores, side="right") - np.searchsorted(
        positive_scores, negative_scores, side="left"
    )
    negative_placements = (above + 0.5 * tied) / positives
    share = positives / rows
    variance_per_row = float(np.var(positive_placements)) / share + float(
        np.var(negative_placements)
    ) / (1 - share)
    return Component(math.sqrt(variance_per_row), 1.0)


def _chunked_component(actual: np.ndarray, scores: np.ndarray, seed: int = 0) -> Component | None:
    """Average precision's spread over random tenths of the baseline, scaled to one row."""
    rows = len(actual)
    if rows < CHUNKS * MIN_ROWS_PER_CHUNK:
        return None
    order = np.random.default_rng(seed).permutation(rows)
    values = []
    for part in np.array_split(order, CHUNKS):
        histogram = ScoreHistogram(FINE_BITS, track_range=False)
        weight = actual[part].astype(np.float64)
        histogram.update(score_bins(scores[part]), weight, 1 - weight)
        value = histogram.average_precision()[0]
        if value is not None:
            values.append(value)
    if len(values) < 2:
        return None
    return Component(float(np.std(values, ddof=1)) * math.sqrt(rows / CHUNKS), 1.0)


def _row_log_loss(actual: np.ndarray, scores: np.ndarray) -> np.ndarray:
    clipped = np.clip(scores, _EPSILON, 1 - _EPSILON)
    return -np.where(actual, np.log(clipped), np.log(np.clip(1 - scores, _EPSILON, 1 - _EPSILON)))


def _components_to_dict(components: Mapping[str, Component | None]) -> dict[str, Any]:
    return {name: None if c is None else [c.std, c.fraction] for name, c in components.items()}


def _components_from_dict(data: Mapping[str, Any]) -> dict[str, Component | None]:
    return {
        name: None if v is None else Component(float(v[0]), float(v[1])) for name, v in data.items()
    }


# -- CBPE: the fitted state --------------------------------------------------------------------


@dataclass
class CbpeModel:
    """What CBPE learned from the labelled baseline."""

    problem_type: str  # binary | multiclass
    classes: list[str]  # binary: [negative, positive]; multiclass: the probability columns' classes
    calibrators: dict[str, Isotonic | None]
    components: dict[str, Component | None]
    rows: int
    positive: str | None = None
    threshold: float = 0.5
    class_shares: list[float] = field(default_factory=list)

    def probabilities(self, scores: np.ndarray) -> np.ndarray:
        """Calibrated probabilities: binary, a vector; multiclass, rows normalised to sum 1."""
        if self.problem_type == "binary":
            calibrator = self.calibrators.get(self.classes[1])
            return np.clip(calibrator(scores), 0.0, 1.0) if calibrator is not None else scores
        columns = []
        for index, label in enumerate(self.classes):
            calibrator = self.calibrators.get(label)
            column = scores[:, index]
            columns.append(calibrator(column) if calibrator is not None else column)
        stacked = np.column_stack(columns)
        totals = stacked.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(totals > 0, stacked / totals, 1.0 / len(self.classes))

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "cbpe",
            "problem_type": self.problem_type,
            "classes": self.classes,
            "positive": self.positive,
            "threshold": self.threshold,
            "calibrators": {
                k: None if v is None else v.to_dict() for k, v in self.calibrators.items()
            },
            "components": _components_to_dict(self.components),
            "rows": self.rows,
            "class_shares": self.class_shares,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CbpeModel:
        return cls(
            problem_type=str(data["problem_type"]),
            classes=[str(c) for c in data["classes"]],
            calibrators={
                k: None if v is None else Isotonic.from_dict(v)
                for k, v in data["calibrators"].items()
            },
            components=_components_from_dict(data["components"]),
            rows=int(data["rows"]),
            positive=data.get("positive"),
            threshold=float(data.get("threshold", 0.5)),
            class_shares=[float(v) for v in data.get("class_shares", [])],
        )


def fit_cbpe_binary(
    y_true: ArrayLike,
    y_score: ArrayLike,
    y_pred: ArrayLike | None = None,
    *,
    positive_label: Any = 1,
    threshold: float = 0.5,
    calibrate: bool | None = None,
) -> CbpeModel:
    """Learn CBPE for a binary classifier from labelled baseline rows.

    calibrate: None applies NannyML's rule; True or False forces the choice.
    """
    positive = label_text_of(positive_label)
    truth_codes, truth_texts = label_codes(y_true)
    scores = probabilities(y_score, len(truth_codes), "the baseline's probability column")
    keep = (truth_codes >= 0) & ~np.isnan(scores)
    if y_pred is not None:
        pred_codes, pred_texts = label_codes(y_pred)
        keep &= pred_codes >= 0
        predicted_all = np.asarray([t == positive for t in pred_texts] + [False])[pred_codes]
    else:
        predicted_all = scores >= threshold
    actual = np.asarray([t == positive for t in truth_texts] + [False])[truth_codes][keep]
    predicted = predicted_all[keep]
    scores = scores[keep]
    rows = len(actual)
    if rows == 0:
        raise DataError(
            "the baseline has no rows with both a label and a probability: CBPE cannot learn from it"
        )
    others = sorted({t for t in truth_texts if t != positive})
    negative = others[0] if others else "0"
    if len(others) > 1:
        raise DataError(
            "the baseline's labels hold more than two classes "
            f"({', '.join(repr(t) for t in [positive, *others][:6])}) for a binary model"
        )
    decide = needs_calibration(actual, scores) if calibrate is None else calibrate
    calibrator = fit_isotonic(scores, actual) if decide else None
    logger.info(
        "CBPE learned from %d baseline rows; probabilities %s",
        rows,
        "calibrated (isotonic)" if decide else "used as given (already calibrated)",
    )
    correct = (actual == predicted).astype(np.float64)
    recall = _component(predicted[actual].astype(np.float64), rows)
    specificity = _component((~predicted[~actual]).astype(np.float64), rows)
    f_scores = _f_component(actual, predicted, rows)
    components: dict[str, Component | None] = {
        "accuracy": _component(correct, rows),
        "precision": _component(actual[predicted].astype(np.float64), rows),
        "recall": recall,
        "true_positive_rate": recall,
        "false_negative_rate": recall,
        "true_negative_rate": specificity,
        "false_positive_rate": specificity,
        "f1": f_scores,
        "f0_5": f_scores,
        "f2": f_scores,
        "auc": _auc_component(actual, scores),
        "pr_auc": _chunked_component(actual, scores),
        "log_loss": _component(_row_log_loss(actual, scores), rows),
    }
    return CbpeModel(
        problem_type="binary",
        classes=[negative, positive],
        calibrators={positive: calibrator},
        components=components,
        rows=rows,
        positive=positive,
        threshold=float(threshold),
        class_shares=[float(1 - actual.mean()), float(actual.mean())],
    )


def _probability_matrix(
    y_score: Mapping[Any, ArrayLike] | np.ndarray, classes: list[str] | None
) -> tuple[list[str], np.ndarray]:
    """Multiclass probabilities as (classes, rows x classes); a mapping's keys name the classes."""
    if isinstance(y_score, Mapping):
        names = [label_text_of(k) for k in y_score]
        columns = [
            numbers(v, f"the probability column of class {label_text_of(k)!r}")
            for k, v in y_score.items()
        ]
        matrix = np.column_stack(columns) if columns else np.empty((0, 0))
        if classes is not None:
            if set(names) != set(classes):
                raise DataError(
                    f"the probability columns name classes {sorted(names)}, the baseline's were {sorted(classes)}; "
                    "the same classes must have a probability column in both"
                )
            matrix = matrix[:, [names.index(c) for c in classes]]
            names = list(classes)
    else:
        matrix = np.asarray(y_score, dtype=np.float64)
        if classes is None:
            raise ValueError("a probability matrix needs the class of each column")
        names = list(classes)
        if matrix.ndim != 2 or matrix.shape[1] != len(names):
            raise DataError(
                f"expected a probability per class ({len(names)} columns), got shape {matrix.shape}"
            )
    outside = ~np.isnan(matrix) & ((matrix < 0) | (matrix > 1))
    if outside.any():
        raise DataError(
            "the probability columns hold values outside [0, 1] "
            f"({int(outside.any(axis=1).sum())} rows, e.g. {float(matrix[outside][0])!r}); "
            "they must hold each class's probability"
        )
    return names, matrix


def fit_cbpe_multiclass(
    y_true: ArrayLike,
    y_score: Mapping[Any, ArrayLike],
    y_pred: ArrayLike | None = None,
    *,
    calibrate: bool | None = None,
) -> CbpeModel:
    """Learn CBPE for a multiclass classifier; ``y_score`` maps each class to its probability column."""
    classes, matrix = _probability_matrix(y_score, None)
    truth_codes, truth_texts = label_codes(y_true)
    unknown = sorted({t for t in truth_texts if t not in classes})
    if unknown:
        raise DataError(
            "the baseline's labels hold classes without a probability "
            f"column: {', '.join(repr(t) for t in unknown[:5])}; "
            f"model.probability names {', '.join(repr(c) for c in classes)}"
        )
    index = np.asarray([classes.index(t) for t in truth_texts] + [-1], dtype=np.int64)
    actual = index[truth_codes]
    keep = (actual >= 0) & ~np.isnan(matrix).any(axis=1)
    predicted = _predicted_classes(y_pred, matrix, classes)
    keep &= predicted >= 0
    actual, predicted, matrix = actual[keep], predicted[keep], matrix[keep]
    rows = len(actual)
    if rows == 0:
        raise DataError(
            "the baseline has no rows with a label, a prediction and probabilities: CBPE cannot learn from it"
        )
    calibrators: dict[str, Isotonic | None] = {}
    components: dict[str, Component | None] = {
        "accuracy": _component((actual == predicted).astype(np.float64), rows)
    }
    for k, label in enumerate(classes):
        outcome = actual == k
        decide = needs_calibration(outcome, matrix[:, k]) if calibrate is None else calibrate
        calibrators[label] = fit_isotonic(matrix[:, k], outcome) if decide else None
        chosen = predicted == k
        components[f"precision:{label}"] = _component(outcome[chosen].astype(np.float64), rows)
        components[f"recall:{label}"] = _component(chosen[outcome].astype(np.float64), rows)
        components[f"f1:{label}"] = _f_component(outcome, chosen, rows)
    shares = np.bincount(actual, minlength=len(classes)) / rows
    logger.info(
        "CBPE learned from %d baseline rows of %d classes; calibrated: %s",
        rows,
        len(classes),
        ", ".join(label for label, c in calibrators.items() if c is not None) or "none",
    )
    return CbpeModel(
        problem_type="multiclass",
        classes=classes,
        calibrators=calibrators,
        components=components,
        rows=rows,
        class_shares=shares.tolist(),
    )


def _predicted_classes(
    y_pred: ArrayLike | None, matrix: np.ndarray, classes: list[str]
) -> np.ndarray:
    """Each row's predicted class index: the prediction column's class, else the most probable."""
    if y_pred is None:
        with np.errstate(invalid="ignore"):
            filled = np.where(np.isnan(matrix), -1.0, matrix)
        return (
            np.argmax(filled, axis=1).astype(np.int64)
            if matrix.shape[0]
            else np.empty(0, dtype=np.int64)
        )
    codes, texts = label_codes(y_pred)
    unknown = sorted({t for t in texts if t not in classes})
    if unknown:
        raise DataError(
            "the prediction column holds classes without a probability "
            f"column: {', '.join(repr(t) for t in unknown[:5])}"
        )
    lookup = np.asarray([classes.index(t) for t in texts] + [-1], dtype=np.int64)
    return lookup[codes]


# -- CBPE: estimating a window -----------------------------------------------------------------


class CbpeEstimator:
    """Expected confusion counts (and, for binary, the weighted score histogram and log loss) of a window."""

    method = "cbpe"

    def __init__(self, model: CbpeModel) -> None:
        self.model = model
        size = 2 if model.problem_type == "binary" else len(model.classes)
        self.expected = np.zeros((size, size))  # [actual, predicted], expected counts
        self.rows = 0
        self.missing = 0
        self.histogram = (
            ScoreHistogram(FINE_BITS, track_range=False) if model.problem_type == "binary" else None
        )
        self.log_loss_sum = 0.0

    def update(
        self,
        y_score: ArrayLike | Mapping[Any, ArrayLike] | np.ndarray,
        y_pred: ArrayLike | None = None,
    ) -> None:
        """Add a window's rows: their probabilities and (optionally) predictions; no labels."""
        if self.model.problem_type == "binary":
            self._update_binary(y_score, y_pred)
        else:
            self._update_multiclass(y_score, y_pred)  # type: ignore[arg-type]  # a mapping or matrix

    def _update_binary(self, y_score: ArrayLike, y_pred: ArrayLike | None) -> None:
        array = to_arrow(y_score)
        scores = probabilities(array, len(array), "the probability column")
        keep = ~np.isnan(scores)
        if y_pred is not None:
            codes, texts = label_codes(y_pred)
            if len(codes) != len(scores):
                raise DataError(
                    f"the prediction column has {len(codes)} values for {len(scores)} probabilities"
                )
            keep &= codes >= 0
            predicted = np.asarray([t == self.model.positive for t in texts] + [False])[codes]
        else:
            predicted = scores >= self.model.threshold
        self.missing += int((~keep).sum())
        scores, predicted = scores[keep], predicted[keep]
        probability = self.model.probabilities(scores)
        positive_predicted = predicted.astype(np.float64)
        self.expected[1, 1] += float(np.sum(probability * positive_predicted))
        self.expected[0, 1] += float(np.sum((1 - probability) * positive_predicted))
        self.expected[1, 0] += float(np.sum(probability * (1 - positive_predicted)))
        self.expected[0, 0] += float(np.sum((1 - probability) * (1 - positive_predicted)))
        assert self.histogram is not None
        self.histogram.update(score_bins(scores), probability, 1 - probability)
        clipped = np.clip(scores, _EPSILON, 1 - _EPSILON)
        complement = np.clip(1 - scores, _EPSILON, 1 - _EPSILON)
        self.log_loss_sum += float(
            -np.sum(probability * np.log(clipped) + (1 - probability) * np.log(complement))
        )
        self.rows += len(scores)

    def _update_multiclass(
        self, y_score: Mapping[Any, ArrayLike] | np.ndarray, y_pred: ArrayLike | None
    ) -> None:
        classes, matrix = _probability_matrix(y_score, self.model.classes)
        predicted = _predicted_classes(y_pred, matrix, classes)
        keep = (predicted >= 0) & ~np.isnan(matrix).any(axis=1)
        self.missing += int((~keep).sum())
        matrix, predicted = matrix[keep], predicted[keep]
        probability = self.model.probabilities(matrix)
        for k in range(len(classes)):
            chosen = predicted == k
            if chosen.any():
                self.expected[:, k] += probability[chosen].sum(axis=0)
        self.rows += len(predicted)

    def merge(self, other: CbpeEstimator) -> None:
        if other.expected.shape != self.expected.shape:
            raise ValueError("cannot merge CBPE estimators of different models")
        self.expected += other.expected
        self.rows += other.rows
        self.missing += other.missing
        self.log_loss_sum += other.log_loss_sum
        if self.histogram is not None and other.histogram is not None:
            self.histogram.merge(other.histogram)

    def expected_confusion_matrix(self) -> dict[str, dict[str, float]]:
        """Expected counts [actual][predicted], labels as text."""
        labels = self.model.classes
        return {
            actual: {predicted: float(self.expected[i, j]) for j, predicted in enumerate(labels)}
            for i, actual in enumerate(labels)
        }

    def estimates(self) -> dict[str, Estimate]:
        """Every metric CBPE estimates, with its band (value None when the window has no rows)."""
        if self.model.problem_type == "binary":
            return self._binary_estimates()
        return self._multiclass_estimates()

    def _error(self, metric: str) -> float | None:
        component = self.model.components.get(metric)
        return component.at(self.rows) if component is not None else None

    def _binary_estimates(self) -> dict[str, Estimate]:
        tp, fp, fn, tn = (
            self.expected[1, 1],
            self.expected[0, 1],
            self.expected[1, 0],
            self.expected[0, 0],
        )
        values: dict[str, float | None] = (
            dict(defs.binary_from_counts(tp, fp, fn, tn))
            if self.rows
            else dict.fromkeys(defs.BINARY_METRICS)
        )
        assert self.histogram is not None
        values["auc"] = self.histogram.auc()[0]
        values["pr_auc"] = self.histogram.average_precision()[0] if self.rows else None
        values["log_loss"] = self.log_loss_sum / self.rows if self.rows else None
        return {
            name: _band(name, values.get(name), self._error(name), self.method)
            for name in defs.BINARY_METRICS
        }

    def _multiclass_estimates(self) -> dict[str, Estimate]:
        values = (
            defs.multiclass_from_matrix(self.expected)
            if self.rows
            else dict.fromkeys(defs.MULTICLASS_METRICS)
        )
        result = {
            "accuracy": _band("accuracy", values["accuracy"], self._error("accuracy"), self.method)
        }
        shares = (
            np.asarray(self.model.class_shares)
            if self.model.class_shares
            else np.full(len(self.model.classes), 1 / len(self.model.classes))
        )
        for metric in ("precision", "recall", "f1"):
            errors = [self._error(f"{metric}:{label}") for label in self.model.classes]
            if any(e is None for e in errors) or not self.rows:
                macro_error = weighted_error = None
            else:
                known = np.asarray(errors, dtype=np.float64)
                macro_error = float(np.sqrt(np.sum(known**2)) / len(known))
                weighted_error = float(np.sqrt(np.sum((shares * known) ** 2)))
            result[f"macro_{metric}"] = _band(
                f"macro_{metric}", values[f"macro_{metric}"], macro_error, self.method
            )
            result[f"weighted_{metric}"] = _band(
                f"weighted_{metric}", values[f"weighted_{metric}"], weighted_error, self.method
            )
        return {name: result[name] for name in defs.MULTICLASS_METRICS}

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "expected": self.expected.tolist(),
            "rows": self.rows,
            "missing": self.missing,
            "log_loss_sum": self.log_loss_sum,
            "histogram": self.histogram.to_dict() if self.histogram is not None else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], model: CbpeModel) -> CbpeEstimator:
        estimator = cls(model)
        estimator.expected = np.asarray(data["expected"], dtype=np.float64)
        estimator.rows = int(data["rows"])
        estimator.missing = int(data["missing"])
        estimator.log_loss_sum = float(data["log_loss_sum"])
        if data.get("histogram") is not None:
            estimator.histogram = ScoreHistogram.from_dict(data["histogram"])
        return estimator


# -- DLE ---------------------------------------------------------------------------------------


@dataclass
class DleModel:
    """What DLE learned from the labelled baseline: how features and prediction map to the error."""

    features: list[str]
    categories: dict[
        str, list[str]
    ]  # text features: their baseline values, coded 0, 1, ... (unseen: missing)
    absolute: TreeEnsemble
    squared: TreeEnsemble
    components: dict[str, Component | None]
    rows: int

    def matrix(self, features: Mapping[str, ArrayLike], y_pred: ArrayLike) -> np.ndarray:
        """The model's inputs: each feature as numbers (text as its baseline code), the prediction last."""
        columns = []
        for name in self.features:
            if name not in features:
                raise DataError(
                    f"direct loss estimation needs the feature '{name}' it learned from; the window has no such column"
                )
            values = features[name]
            if name in self.categories:
                columns.append(_category_codes(values, self.categories[name]))
            else:
                columns.append(numbers(values, f"the feature '{name}'"))
        columns.append(numbers(y_pred, "the prediction column"))
        return np.column_stack(columns) if columns else np.empty((0, 0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "dle",
            "features": self.features,
            "categories": self.categories,
            "absolute": self.absolute.to_dict(),
            "squared": self.squared.to_dict(),
            "components": _components_to_dict(self.components),
            "rows": self.rows,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DleModel:
        return cls(
            features=[str(f) for f in data["features"]],
            categories={k: [str(v) for v in values] for k, values in data["categories"].items()},
            absolute=TreeEnsemble.from_dict(data["absolute"]),
            squared=TreeEnsemble.from_dict(data["squared"]),
            components=_components_from_dict(data["components"]),
            rows=int(data["rows"]),
        )


def _is_text(values: ArrayLike) -> bool:
    array = to_arrow(values)
    kind = array.type.value_type if pa.types.is_dictionary(array.type) else array.type
    return bool(
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_boolean(kind)
    )


def _category_codes(values: ArrayLike, categories: list[str]) -> np.ndarray:
    codes, texts = label_codes(values)
    position = {c: float(i) for i, c in enumerate(categories)}
    lookup = np.asarray([position.get(t, np.nan) for t in texts] + [np.nan], dtype=np.float64)
    return lookup[codes]


def sklearn_available() -> bool:
    """Whether scikit-learn (the estimate / classifier extra) is installed."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return False
    return True


def fit_dle(
    features: Mapping[str, ArrayLike], y_true: ArrayLike, y_pred: ArrayLike, *, seed: int = 0
) -> DleModel:
    """Learn DLE for a regressor from labelled baseline rows (needs scikit-learn)."""
    try:
        from sklearn.ensemble import HistGradientBoostingRegressor
    except ImportError:
        raise UsageError(ESTIMATE_HINT) from None
    truth = numbers(y_true, "the baseline's label column")
    categories: dict[str, list[str]] = {}
    names = list(features)
    for name in names:
        if _is_text(features[name]):
            _, texts = label_codes(features[name])
            categories[name] = texts
    model_shell = DleModel(names, categories, TreeEnsemble(), TreeEnsemble(), {}, 0)
    inputs = model_shell.matrix(features, y_pred)
    predicted = inputs[:, -1]
    keep = ~np.isnan(truth) & ~np.isnan(predicted)
    if int(keep.sum()) < 2:
        raise DataError(
            "the baseline has fewer than two rows with both a label and a prediction: DLE cannot learn from it"
        )
    inputs, truth, predicted = inputs[keep], truth[keep], predicted[keep]
    error = predicted - truth
    absolute, squared = np.abs(error), error * error
    ensembles = []
    for target in (absolute, squared):
        regressor = HistGradientBoostingRegressor(random_state=seed)
        regressor.fit(inputs, target)
        ensembles.append(TreeEnsemble.from_sklearn(regressor))
    rows = len(truth)
    logger.info(
        "DLE learned its loss models from %d baseline rows and %d features (plus the prediction)",
        rows,
        len(names),
    )
    return DleModel(
        features=names,
        categories=categories,
        absolute=ensembles[0],
        squared=ensembles[1],
        components={"mae": _component(absolute, rows), "mse": _component(squared, rows)},
        rows=rows,
    )


class DleEstimator:
    """Sums of predicted absolute and squared errors of a window."""

    method = "dle"

    def __init__(self, model: DleModel) -> None:
        self.model = model
        self.absolute_sum = 0.0
        self.squared_sum = 0.0
        self.rows = 0
        self.missing = 0

    def update(self, features: Mapping[str, ArrayLike], y_pred: ArrayLike) -> None:
        inputs = self.model.matrix(features, y_pred)
        keep = ~np.isnan(inputs[:, -1])
        self.missing += int((~keep).sum())
        inputs = inputs[keep]
        if len(inputs) == 0:
            return
        self.absolute_sum += float(np.sum(np.maximum(self.model.absolute.predict(inputs), 0.0)))
        self.squared_sum += float(np.sum(np.maximum(self.model.squared.predict(inputs), 0.0)))
        self.rows += len(inputs)

    def merge(self, other: DleEstimator) -> None:
        self.absolute_sum += other.absolute_sum
        self.squared_sum += other.squared_sum
        self.rows += other.rows
        self.missing += other.missing

    def estimates(self) -> dict[str, Estimate]:
        if not self.rows:
            return {
                name: Estimate(name, None, None, None, self.method)
                for name in ("mae", "mse", "rmse")
            }
        mae = self.absolute_sum / self.rows
        mse = self.squared_sum / self.rows
        rmse = math.sqrt(mse)
        mae_component, mse_component = (
            self.model.components.get("mae"),
            self.model.components.get("mse"),
        )
        mae_error = mae_component.at(self.rows) if mae_component is not None else None
        mse_error = mse_component.at(self.rows) if mse_component is not None else None
        rmse_error = mse_error / (2 * rmse) if mse_error is not None and rmse > 0 else None
        return {
            "mae": _band("mae", mae, mae_error, self.method),
            "mse": _band("mse", mse, mse_error, self.method),
            "rmse": _band("rmse", rmse, rmse_error, self.method),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "absolute_sum": self.absolute_sum,
            "squared_sum": self.squared_sum,
            "rows": self.rows,
            "missing": self.missing,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], model: DleModel) -> DleEstimator:
        estimator = cls(model)
        estimator.absolute_sum = float(data["absolute_sum"])
        estimator.squared_sum = float(data["squared_sum"])
        estimator.rows = int(data["rows"])
        estimator.missing = int(data["missing"])
        return estimator


def model_from_dict(data: Mapping[str, Any]) -> CbpeModel | DleModel:
    """A fitted CBPE or DLE model from its ``to_dict``."""
    method = data.get("method")
    if method == "cbpe":
        return CbpeModel.from_dict(data)
    if method == "dle":
        return DleModel.from_dict(data)
    raise DataError(f"an estimation model of unknown method {method!r}; expected cbpe or dle")
