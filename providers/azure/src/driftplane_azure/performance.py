"""driftplane's model-quality metrics in Azure ML's words: the table the check and the translation share.

Azure ML's model-performance signal computes accuracy, precision and recall (both averaged over the
classes, macro) for classification, and mean absolute error and root mean squared error for
regression. It alerts when accuracy, precision or recall fall below their threshold and when an
error rises above it, the way driftplane's ``min`` and ``max`` bounds fail. A driftplane metric
reaches Azure only where both compute the same number; every other one is refused at ``validate``
with the reason and the metrics Azure has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ProblemType = Literal["binary", "multiclass", "regression"]
Direction = Literal["min", "max"]
PERFORMANCE_SIGNAL = "model-performance-signal"
PREDICTION_DRIFT_SIGNAL = "prediction-drift-signal"


@dataclass(frozen=True)
class AzureMetric:
    """One metric of Azure's model-performance signal.

    keyword: the azure-ai-ml threshold class's keyword; name: the metric's name on the wire;
    direction: the side Azure alerts on (below a ``min``, above a ``max``).
    """

    keyword: str
    name: str
    direction: Direction


_ACCURACY = AzureMetric("accuracy", "Accuracy", "min")
_MACRO_RECALL = AzureMetric("recall", "Recall", "min")

# driftplane metric -> Azure's, per problem type, where both compute the same number.
AZURE_PERFORMANCE: dict[ProblemType, dict[str, AzureMetric]] = {
    "binary": {"accuracy": _ACCURACY},
    "multiclass": {"accuracy": _ACCURACY, "macro_recall": _MACRO_RECALL},
    "regression": {
        "mae": AzureMetric("mean_absolute_error", "MeanAbsoluteError", "max"),
        "rmse": AzureMetric("root_mean_squared_error", "RootMeanSquaredError", "max"),
    },
}

_PRECISION = (
    "Azure's model-performance pipeline judges precision against the accuracy threshold (its signal "
    "monitor passes classification_accuracy_threshold as the precision threshold), so a precision "
    "bound would not be the one Azure applies"
)
# Why a metric that sounds like one of Azure's is not it.
NEAR_MISSES: dict[ProblemType, dict[str, str]] = {
    "binary": {
        "precision": _PRECISION,
        "recall": (
            "Azure averages recall over both classes (macro), while driftplane's binary recall is the "
            "positive class's alone; the two differ whenever the classes do"
        ),
    },
    "multiclass": {
        "macro_precision": _PRECISION,
        "weighted_recall": "Azure averages recall over the classes unweighted (macro_recall), not weighted",
    },
    "regression": {
        "mse": (
            "Azure's pipeline computes no mean squared error; rmse is its square root, so "
            "rmse: {max: sqrt(bound)} checks the same thing"
        ),
    },
}


def azure_metric(problem_type: ProblemType, metric: str) -> AzureMetric | None:
    """Azure's metric for a driftplane metric of a model of ``problem_type``, or None when it has none."""
    return AZURE_PERFORMANCE[problem_type].get(metric)


def ml_task(problem_type: ProblemType) -> Literal["classification", "regression"]:
    """Azure's ML task for a driftplane problem type."""
    return "regression" if problem_type == "regression" else "classification"


THRESHOLDS_PROPERTY = "azureml.modelmonitor.model_performance_thresholds"


def thresholds_from_wire(text: str) -> dict[str, dict[str, float]]:
    """The thresholds azure-ai-ml wrote into a performance signal's properties, as the keyword
    arguments of its classification and regression threshold classes.

    azure-ai-ml reads a model-performance signal back as accuracy 0.9 whatever was sent (it reads
    the hard-coded metricThreshold field, not the properties string that carries the real ones);
    this reads the real ones, so a schedule read back compares equal to the one that was sent.
    """
    import json

    keywords = {
        metric.name: (task, metric.keyword)
        for problem, table in AZURE_PERFORMANCE.items()
        for metric in table.values()
        for task in (ml_task(problem),)
    }
    keywords.setdefault("Precision", ("classification", "precision"))
    keywords.setdefault("MeanSquaredError", ("regression", "mean_squared_error"))
    found: dict[str, dict[str, float]] = {}
    for entry in json.loads(text):
        task, keyword = keywords[str(entry["metric"])]
        found.setdefault(task, {})[keyword] = float(entry["threshold"]["value"])
    return found


def with_performance_thresholds(schedule: Any, raw: Any) -> Any:
    """``schedule`` (azure-ai-ml's entity of ``raw``, the REST body) with each model-performance
    signal's thresholds as ``raw`` carries them, instead of the accuracy 0.9 azure-ai-ml reads."""
    from azure.ai.ml.entities import (
        ModelPerformanceClassificationThresholds,
        ModelPerformanceMetricThreshold,
        ModelPerformanceRegressionThresholds,
        ModelPerformanceSignal,
    )

    definition = getattr(schedule, "create_monitor", None)
    signals = getattr(definition, "monitoring_signals", None) or {}
    body = raw.as_dict() if hasattr(raw, "as_dict") else dict(raw)
    sent = body.get("properties", {}).get("action", {}).get("monitorDefinition", {}).get("signals", {}) or {}
    for name, signal in signals.items():
        text = ((sent.get(name) or {}).get("properties") or {}).get(THRESHOLDS_PROPERTY)
        if not isinstance(signal, ModelPerformanceSignal) or not text:
            continue
        found = thresholds_from_wire(text)
        signal.metric_thresholds = ModelPerformanceMetricThreshold(
            classification=(
                ModelPerformanceClassificationThresholds(**found["classification"])
                if "classification" in found
                else None
            ),
            regression=(
                ModelPerformanceRegressionThresholds(**found["regression"]) if "regression" in found else None
            ),
        )
        signal.properties = {k: v for k, v in sent[name]["properties"].items() if k != THRESHOLDS_PROPERTY} or None
    return schedule
