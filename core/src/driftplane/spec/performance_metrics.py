"""The model-quality metric names per problem type, decided once (kept free of numpy and pyarrow).

The spec validates against them and the engine (``driftplane.engine.performance.definitions``)
computes exactly these.
"""

from __future__ import annotations

BINARY = (
    "accuracy",
    "precision",
    "recall",
    "f1",
    "f0_5",
    "f2",
    "auc",
    "pr_auc",
    "log_loss",
    "true_positive_rate",
    "true_negative_rate",
    "false_positive_rate",
    "false_negative_rate",
)
MULTICLASS = (
    "accuracy",
    "weighted_precision",
    "weighted_recall",
    "weighted_f1",
    "macro_precision",
    "macro_recall",
    "macro_f1",
)
REGRESSION = ("mae", "mse", "rmse", "r2", "mape")
PERFORMANCE_METRICS: dict[str, tuple[str, ...]] = {"binary": BINARY, "multiclass": MULTICLASS, "regression": REGRESSION}
ALL_PERFORMANCE_METRICS = tuple(dict.fromkeys(BINARY + MULTICLASS + REGRESSION))
# Metrics computed from the probabilities, not the predicted labels.
NEEDS_PROBABILITY = frozenset({"auc", "pr_auc", "log_loss"})
# Lower is better for these: a check on them bounds them from above.
LOWER_IS_BETTER = frozenset({"log_loss", "false_positive_rate", "false_negative_rate", "mae", "mse", "rmse", "mape"})
REPORTED_ONLY = "confusion_matrix"
