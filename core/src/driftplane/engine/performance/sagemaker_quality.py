"""SageMaker's model-quality files: statistics.json, constraints.json, constraint_violations.json.

statistics.json holds one block per problem type (``binary_classification_metrics``,
``multiclass_classification_metrics``, ``regression_metrics``); every scalar is
``{"value": x, "standard_deviation": s}`` where either may be the string ``"NaN"`` (SageMaker
writes it for the spread below 200 rows; driftplane writes it wherever a value is undefined);
``confusion_matrix`` is ``[actual][predicted]`` with labels as text; binary blocks carry the
ROC and precision-recall curves. driftplane writes SageMaker's keys in SageMaker's order and
adds its own metrics SageMaker lacks (binary ``pr_auc``, ``log_loss``; multiclass ``macro_*``;
regression ``mape``) under driftplane's names, which a SageMaker reader ignores.

constraints.json holds ``<problem>_constraints`` blocks of ``{metric: {"threshold": t,
"comparison_operator": op}}``; a metric violates its constraint when ``value op threshold``
holds (``LessThanThreshold``: value < threshold). Suggested constraints use the baseline's
own value as threshold (what SageMaker's suggestion does): ``LessThanThreshold`` for metrics
where higher is better, ``GreaterThanThreshold`` for errors. constraint_violations.json lists
``{"metric_name", "constraint_check_type", "description"}`` (``constraint_check_type`` is the
operator), as Amazon's own model-quality tooling writes it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from driftplane.engine.jsonfiles import read_json, write_json_atomic
from driftplane.engine.performance import definitions as defs
from driftplane.engine.performance.accumulators import (
    Accumulator,
    BinaryAccumulator,
    MulticlassAccumulator,
    RegressionAccumulator,
)
from driftplane.errors import DataError

STATISTICS_BLOCKS = {
    "binary": "binary_classification_metrics",
    "multiclass": "multiclass_classification_metrics",
    "regression": "regression_metrics",
}
CONSTRAINT_BLOCKS = {
    "binary": "binary_classification_constraints",
    "multiclass": "multiclass_classification_constraints",
    "regression": "regression_constraints",
}
CURVES = ("receiver_operating_characteristic_curve", "precision_recall_curve")
# SageMaker's keys, in the order its analyzer writes them (the model-quality-metrics page).
_BINARY_ORDER = (
    "recall",
    "precision",
    "accuracy",
    "recall_best_constant_classifier",
    "precision_best_constant_classifier",
    "accuracy_best_constant_classifier",
    "true_positive_rate",
    "true_negative_rate",
    "false_positive_rate",
    "false_negative_rate",
    "receiver_operating_characteristic_curve",
    "precision_recall_curve",
    "auc",
    "f0_5",
    "f1",
    "f2",
    "f0_5_best_constant_classifier",
    "f1_best_constant_classifier",
    "f2_best_constant_classifier",
)
_MULTICLASS_ORDER = (
    "accuracy",
    "weighted_recall",
    "weighted_precision",
    "weighted_f0_5",
    "weighted_f1",
    "weighted_f2",
    "accuracy_best_constant_classifier",
    "weighted_recall_best_constant_classifier",
    "weighted_precision_best_constant_classifier",
    "weighted_f0_5_best_constant_classifier",
    "weighted_f1_best_constant_classifier",
    "weighted_f2_best_constant_classifier",
)
_REGRESSION_ORDER = ("mae", "mse", "rmse", "r2")
OPERATORS = {
    "LessThanThreshold": lambda value, threshold: value < threshold,
    "LessThanOrEqualToThreshold": lambda value, threshold: value <= threshold,
    "GreaterThanThreshold": lambda value, threshold: value > threshold,
    "GreaterThanOrEqualToThreshold": lambda value, threshold: value >= threshold,
}


@dataclass(frozen=True)
class MetricValue:
    """A metric and its spread; None where SageMaker writes "NaN"."""

    value: float | None
    standard_deviation: float | None = None


@dataclass
class QualityStatistics:
    """A model-quality statistics.json: one problem type's metrics, confusion matrix and curves."""

    problem_type: str
    metrics: dict[str, MetricValue] = field(default_factory=dict)
    confusion_matrix: dict[str, dict[str, float]] | None = None
    curves: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    version: float = 0.0

    def values(self) -> dict[str, float | None]:
        """Metric name -> value (what a relative check compares with)."""
        return {name: metric.value for name, metric in self.metrics.items()}


@dataclass(frozen=True)
class QualityConstraint:
    threshold: float
    comparison_operator: str


@dataclass
class QualityConstraints:
    """A model-quality constraints.json."""

    problem_type: str
    constraints: dict[str, QualityConstraint] = field(default_factory=dict)
    version: float = 0.0


@dataclass(frozen=True)
class QualityViolation:
    """One entry of a model-quality constraint_violations.json."""

    metric_name: str
    constraint_check_type: str
    description: str


# -- statistics.json --------------------------------------------------------------------------


def statistics_from_accumulator(accumulator: Accumulator) -> QualityStatistics:
    """The statistics SageMaker would write for the accumulated rows (with driftplane's extras)."""
    values = accumulator.metrics()
    spread = accumulator.spread()
    metrics: dict[str, MetricValue] = {}
    curves: dict[str, dict[str, list[float]]] = {}
    confusion: dict[str, dict[str, float]] | None = None
    if isinstance(accumulator, BinaryAccumulator):
        constant = accumulator.best_constant()
        for name in defs.BINARY_METRICS:
            metrics[name] = MetricValue(values.get(name), spread.get(name))
        for name in ("recall", "precision", "accuracy", "f0_5", "f1", "f2"):
            metrics[f"{name}_best_constant_classifier"] = MetricValue(constant.get(name), None)
        if accumulator.scored:
            curves = accumulator.curves()
        confusion = {
            k: {p: float(v) for p, v in row.items()}
            for k, row in accumulator.confusion_matrix().items()
        }
    elif isinstance(accumulator, MulticlassAccumulator):
        all_values = defs.multiclass_from_matrix(accumulator.matrix()[1])
        constant = accumulator.best_constant()
        for name in defs.MULTICLASS_METRICS + defs.MULTICLASS_EXTRA:
            metrics[name] = MetricValue(all_values.get(name), spread.get(name))
        for name in (
            "accuracy",
            "weighted_recall",
            "weighted_precision",
            "weighted_f0_5",
            "weighted_f1",
            "weighted_f2",
        ):
            metrics[f"{name}_best_constant_classifier"] = MetricValue(constant.get(name), None)
        confusion = {
            k: {p: float(v) for p, v in row.items()}
            for k, row in accumulator.confusion_matrix().items()
        }
    elif isinstance(accumulator, RegressionAccumulator):
        for name in defs.REGRESSION_METRICS:
            metrics[name] = MetricValue(values.get(name), spread.get(name))
    return QualityStatistics(
        problem_type=accumulator.problem_type,
        metrics=metrics,
        confusion_matrix=confusion,
        curves=curves,
    )


def _number(value: float | None) -> float | str:
    return "NaN" if value is None or not math.isfinite(value) else value


def _count(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def statistics_document(statistics: QualityStatistics) -> dict[str, Any]:
    """statistics.json's content, keys in SageMaker's order, driftplane's extras after them."""
    order = {
        "binary": _BINARY_ORDER,
        "multiclass": _MULTICLASS_ORDER,
        "regression": _REGRESSION_ORDER,
    }[statistics.problem_type]
    block: dict[str, Any] = {}
    if statistics.confusion_matrix is not None:
        block["confusion_matrix"] = {
            actual: {predicted: _count(count) for predicted, count in row.items()}
            for actual, row in statistics.confusion_matrix.items()
        }
    names = [n for n in order if n in statistics.metrics or n in statistics.curves]
    names += [n for n in statistics.metrics if n not in names]
    for name in names:
        if name in statistics.curves:
            block[name] = statistics.curves[name]
        elif name in statistics.metrics:
            metric = statistics.metrics[name]
            block[name] = {
                "value": _number(metric.value),
                "standard_deviation": _number(metric.standard_deviation),
            }
    return {"version": statistics.version, STATISTICS_BLOCKS[statistics.problem_type]: block}


def write_statistics(path: str | Path, statistics: QualityStatistics) -> Path:
    """Write a model-quality statistics.json atomically."""
    return write_json_atomic(
        path, statistics_document(statistics), what="the model-quality statistics.json"
    )


def _read_number(raw: Any, where: str) -> float | None:
    if raw is None or raw == "NaN":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise DataError(f'{where}: expected a number or "NaN", found {raw!r}')
    try:
        number = float(raw)  # Jackson may write numbers as text ("Infinity", "3.8E7")
    except ValueError:
        raise DataError(f'{where}: expected a number or "NaN", found {raw!r}') from None
    return number if math.isfinite(number) else None


def _problem_of(data: Mapping[str, Any], blocks: Mapping[str, str], where: str, what: str) -> str:
    found = [problem for problem, key in blocks.items() if key in data]
    if len(found) != 1:
        keys = ", ".join(blocks.values())
        if not found:
            raise DataError(
                f"{where}: not a SageMaker model-quality {what}: it has none of {keys} "
                f"(its keys: {', '.join(map(str, list(data)[:8])) or 'none'}); "
                "a data-quality file has 'features' instead"
            )
        raise DataError(
            f"{where}: holds several problem types "
            f"({', '.join(blocks[p] for p in found)}); a model-quality {what} holds one"
        )
    return found[0]


def parse_statistics(data: Any, where: str = "statistics.json") -> QualityStatistics:
    """A model-quality statistics.json's content (as SageMaker or driftplane wrote it)."""
    if not isinstance(data, dict):
        raise DataError(f"{where}: expected a JSON object, found {type(data).__name__}")
    problem = _problem_of(data, STATISTICS_BLOCKS, where, "statistics.json")
    key = STATISTICS_BLOCKS[problem]
    block = data[key]
    if not isinstance(block, dict):
        raise DataError(
            f"{where}: {key} must be an object of metrics, found {type(block).__name__}"
        )
    statistics = QualityStatistics(
        problem_type=problem, version=float(data.get("version", 0.0) or 0.0)
    )
    for name, item in block.items():
        at = f"{where}: {key}.{name}"
        if name == "confusion_matrix":
            statistics.confusion_matrix = _read_matrix(item, at)
        elif name in CURVES:
            if not isinstance(item, dict) or not all(isinstance(v, list) for v in item.values()):
                raise DataError(f"{at}: expected an object of number lists")
            statistics.curves[name] = {k: [float(x) for x in v] for k, v in item.items()}
        elif isinstance(item, dict) and "value" in item:
            statistics.metrics[name] = MetricValue(
                _read_number(item["value"], f"{at}.value"),
                _read_number(item.get("standard_deviation"), f"{at}.standard_deviation"),
            )
        else:
            raise DataError(
                f'{at}: expected {{"value": ..., "standard_deviation": ...}}, found {str(item)[:60]}'
            )
    return statistics


def _read_matrix(item: Any, where: str) -> dict[str, dict[str, float]]:
    if not isinstance(item, dict) or not all(isinstance(row, dict) for row in item.values()):
        raise DataError(f"{where}: expected {{actual: {{predicted: count}}}}")
    matrix: dict[str, dict[str, float]] = {}
    for actual, row in item.items():
        matrix[str(actual)] = {}
        for predicted, count in row.items():
            number = _read_number(count, f"{where}.{actual}.{predicted}")
            if number is None or number < 0:
                raise DataError(
                    f"{where}.{actual}.{predicted}: a count must be a number of at least 0, found {count!r}"
                )
            matrix[str(actual)][str(predicted)] = number
    return matrix


def read_statistics(
    path: str | Path, storage_options: dict[str, Any] | None = None
) -> QualityStatistics:
    """Read a model-quality statistics.json (local path or URI)."""
    return parse_statistics(
        read_json(path, "SageMaker model-quality statistics.json", storage_options), str(path)
    )


# -- constraints.json -------------------------------------------------------------------------


def suggest_constraints(
    statistics: QualityStatistics, metrics: tuple[str, ...] | None = None
) -> QualityConstraints:
    """Constraints at the baseline's own values: a window worse than the baseline violates them.

    metrics: which to constrain (default: every metric of the problem type that has a value).
    """
    names = metrics or defs.METRIC_NAMES[statistics.problem_type]
    constraints: dict[str, QualityConstraint] = {}
    for name in names:
        metric = statistics.metrics.get(name)
        if metric is None or metric.value is None:
            continue
        operator = "GreaterThanThreshold" if name in defs.LOWER_IS_BETTER else "LessThanThreshold"
        constraints[name] = QualityConstraint(metric.value, operator)
    return QualityConstraints(problem_type=statistics.problem_type, constraints=constraints)


def constraints_document(constraints: QualityConstraints) -> dict[str, Any]:
    return {
        "version": constraints.version,
        CONSTRAINT_BLOCKS[constraints.problem_type]: {
            name: {"threshold": c.threshold, "comparison_operator": c.comparison_operator}
            for name, c in constraints.constraints.items()
        },
    }


def write_constraints(path: str | Path, constraints: QualityConstraints) -> Path:
    return write_json_atomic(
        path, constraints_document(constraints), what="the model-quality constraints.json"
    )


def parse_constraints(data: Any, where: str = "constraints.json") -> QualityConstraints:
    if not isinstance(data, dict):
        raise DataError(f"{where}: expected a JSON object, found {type(data).__name__}")
    problem = _problem_of(data, CONSTRAINT_BLOCKS, where, "constraints.json")
    key = CONSTRAINT_BLOCKS[problem]
    block = data[key]
    if not isinstance(block, dict):
        raise DataError(
            f"{where}: {key} must be an object of constraints, found {type(block).__name__}"
        )
    constraints = QualityConstraints(
        problem_type=problem, version=float(data.get("version", 0.0) or 0.0)
    )
    for name, item in block.items():
        at = f"{where}: {key}.{name}"
        if (
            not isinstance(item, dict)
            or "threshold" not in item
            or "comparison_operator" not in item
        ):
            raise DataError(f'{at}: expected {{"threshold": number, "comparison_operator": ...}}')
        operator = item["comparison_operator"]
        if operator not in OPERATORS:
            raise DataError(
                f"{at}.comparison_operator: {operator!r} is not one of {', '.join(OPERATORS)}"
            )
        threshold = _read_number(item["threshold"], f"{at}.threshold")
        if threshold is None:
            raise DataError(f"{at}.threshold: a constraint needs a number")
        constraints.constraints[name] = QualityConstraint(threshold, operator)
    return constraints


def read_constraints(
    path: str | Path, storage_options: dict[str, Any] | None = None
) -> QualityConstraints:
    return parse_constraints(
        read_json(path, "SageMaker model-quality constraints.json", storage_options), str(path)
    )


# -- constraint_violations.json ---------------------------------------------------------------


def check_constraints(
    values: Mapping[str, float | None], constraints: QualityConstraints
) -> list[QualityViolation]:
    """The violated constraints, in the constraints' order. A metric without a value violates nothing."""
    violations = []
    for name, constraint in constraints.constraints.items():
        value = values.get(name)
        if value is None or not math.isfinite(value):
            continue
        if OPERATORS[constraint.comparison_operator](value, constraint.threshold):
            violations.append(
                QualityViolation(
                    metric_name=name,
                    constraint_check_type=constraint.comparison_operator,
                    description=f"Metric {name} with {value} was "
                    f"{constraint.comparison_operator} {constraint.threshold}",
                )
            )
    return violations


def violations_document(violations: list[QualityViolation]) -> dict[str, Any]:
    return {
        "violations": [
            {
                "metric_name": v.metric_name,
                "constraint_check_type": v.constraint_check_type,
                "description": v.description,
            }
            for v in violations
        ]
    }


def write_violations(path: str | Path, violations: list[QualityViolation]) -> Path:
    return write_json_atomic(
        path, violations_document(violations), what="the model-quality constraint_violations.json"
    )


def parse_violations(
    data: Any, where: str = "constraint_violations.json"
) -> list[QualityViolation]:
    if not isinstance(data, dict) or not isinstance(data.get("violations"), list):
        raise DataError(f'{where}: expected {{"violations": [...]}}')
    violations = []
    for position, item in enumerate(data["violations"]):
        at = f"{where}: violations[{position}]"
        if not isinstance(item, dict):
            raise DataError(f"{at}: expected an object")
        if "metric_name" not in item:
            hint = (
                " (a data-quality violation: it names a feature_name)"
                if "feature_name" in item
                else ""
            )
            raise DataError(f"{at}: a model-quality violation needs metric_name{hint}")
        violations.append(
            QualityViolation(
                metric_name=str(item["metric_name"]),
                constraint_check_type=str(item.get("constraint_check_type", "")),
                description=str(item.get("description", "")),
            )
        )
    return violations


def read_violations(
    path: str | Path, storage_options: dict[str, Any] | None = None
) -> list[QualityViolation]:
    return parse_violations(
        read_json(path, "SageMaker model-quality constraint_violations.json", storage_options),
        str(path),
    )
