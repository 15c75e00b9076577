"""The metrics' definitions, from confusion counts, written as scikit-learn computes them.

Each formula follows scikit-learn 1.9's arithmetic step for step (the same float operations
in the same order), so counts give the very float scikit-learn returns. Where a denominator
is zero the value is 0.0, scikit-learn's ``zero_division="warn"`` result (it warns; we do
not): precision with no predicted positives, recall with no actual positives, F-scores with
neither, and likewise the four rates. Counts may be expected counts (floats) for CBPE.
"""

from __future__ import annotations

import numpy as np

# The metric names of each problem type and their direction are decided once, with the spec
# (numpy-free): confusion_matrix is reported beside them, never checked against a threshold.
from driftplane.spec.performance_metrics import BINARY as BINARY_METRICS
from driftplane.spec.performance_metrics import LOWER_IS_BETTER as LOWER_IS_BETTER
from driftplane.spec.performance_metrics import MULTICLASS as MULTICLASS_METRICS
from driftplane.spec.performance_metrics import PERFORMANCE_METRICS as METRIC_NAMES
from driftplane.spec.performance_metrics import REGRESSION as REGRESSION_METRICS

__all__ = ["BINARY_METRICS", "LOWER_IS_BETTER", "METRIC_NAMES", "MULTICLASS_EXTRA", "MULTICLASS_METRICS",
           "REGRESSION_METRICS", "UNIT_INTERVAL"]

# SageMaker's multiclass statistics also carry these two; computed on the same counts.
MULTICLASS_EXTRA = ("weighted_f0_5", "weighted_f2")
# Metrics bounded to [0, 1] (bands of estimates are clipped to them); the errors are >= 0.
UNIT_INTERVAL = frozenset(BINARY_METRICS + MULTICLASS_METRICS + MULTICLASS_EXTRA) - {"log_loss"}


def divide(numerator: float, denominator: float) -> float:
    """numerator / denominator in float64, 0.0 when the denominator is 0 (scikit-learn's _prf_divide)."""
    if denominator == 0:
        return 0.0
    return float(np.float64(numerator) / np.float64(denominator))


def f_beta(true_positive: float, predicted: float, actual: float, beta: float) -> float:
    """(1 + β²)·tp / (β²·actual + predicted), scikit-learn's F-score from counts."""
    beta2 = beta**2
    denominator = beta2 * np.float64(actual) + np.float64(predicted)
    return divide((1 + beta2) * np.float64(true_positive), denominator)


def binary_from_counts(tp: float, fp: float, fn: float, tn: float) -> dict[str, float | None]:
    """The confusion-matrix metrics of a binary classifier (the positive label's view)."""
    rows = tp + fp + fn + tn
    if rows == 0:
        return dict.fromkeys(
            (
                "accuracy",
                "precision",
                "recall",
                "f1",
                "f0_5",
                "f2",
                "true_positive_rate",
                "true_negative_rate",
                "false_positive_rate",
                "false_negative_rate",
            )
        )
    predicted, actual = tp + fp, tp + fn
    recall = divide(tp, actual)
    return {
        "accuracy": divide(tp + tn, rows),
        "precision": divide(tp, predicted),
        "recall": recall,
        "f1": f_beta(tp, predicted, actual, 1.0),
        "f0_5": f_beta(tp, predicted, actual, 0.5),
        "f2": f_beta(tp, predicted, actual, 2.0),
        "true_positive_rate": recall,
        "true_negative_rate": divide(tn, tn + fp),
        "false_positive_rate": divide(fp, fp + tn),
        "false_negative_rate": divide(fn, fn + tp),
    }


def per_class(
    matrix: np.ndarray, beta: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per class (rows actual, columns predicted): precision, recall, F-β and support."""
    matrix = np.asarray(matrix, dtype=np.float64)
    true_pos = np.diag(matrix)
    predicted = matrix.sum(axis=0)
    actual = matrix.sum(axis=1)
    precision = _divide_arrays(true_pos, predicted)
    recall = _divide_arrays(true_pos, actual)
    beta2 = beta**2
    f_score = _divide_arrays((1 + beta2) * true_pos, beta2 * actual + predicted)
    return precision, recall, f_score, actual


def _divide_arrays(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    safe = np.where(denominator == 0, 1.0, denominator)
    return np.where(denominator == 0, 0.0, numerator / safe)


def weighted(values: np.ndarray, support: np.ndarray) -> float:
    """scikit-learn's ``average="weighted"``: Σ value·support / Σ support (plain mean when no support)."""
    total = np.sum(support)
    if total == 0:
        return float(np.mean(values))
    return float(np.sum(values * support) / total)


def multiclass_from_matrix(matrix: np.ndarray) -> dict[str, float | None]:
    """Accuracy, weighted and macro precision/recall/F1 (and weighted F0.5, F2) of a confusion matrix."""
    matrix = np.asarray(matrix, dtype=np.float64)
    rows = float(matrix.sum())
    if rows == 0 or matrix.size == 0:
        return dict.fromkeys(MULTICLASS_METRICS + MULTICLASS_EXTRA)
    precision, recall, f1, support = per_class(matrix, 1.0)
    result: dict[str, float | None] = {
        "accuracy": divide(float(np.trace(matrix)), rows),
        "weighted_precision": weighted(precision, support),
        "weighted_recall": weighted(recall, support),
        "weighted_f1": weighted(f1, support),
        "macro_precision": float(np.mean(precision)),
        "macro_recall": float(np.mean(recall)),
        "macro_f1": float(np.mean(f1)),
    }
    for name, beta in (("weighted_f0_5", 0.5), ("weighted_f2", 2.0)):
        result[name] = weighted(per_class(matrix, beta)[2], support)
    return result
