"""The labelled baseline's model quality: its metrics, its classes, and the fitted estimator.

Read once from the baseline's rows (its label, prediction and probability columns) and kept
beside the baseline's cached profile, keyed by the baseline's files and the model's columns,
so a run with the same baseline reads neither the rows again nor refits CBPE/DLE.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from driftplane.engine.jsonfiles import write_json_atomic
from driftplane.engine.performance.accumulators import Accumulator, new_accumulator
from driftplane.engine.performance.estimate import (
    CbpeModel,
    DleModel,
    fit_cbpe_binary,
    fit_cbpe_multiclass,
    fit_dle,
    model_from_dict,
)
from driftplane.engine.performance.labels import label_texts
from driftplane.engine.readers import read
from driftplane.errors import DataError, StorageError, UsageError
from driftplane.resolved import PerformancePolicy, ResolvedMonitor
from driftplane.result import Window

logger = logging.getLogger(__name__)

QUALITY_FORMAT = 1


@dataclass
class BaselineQuality:
    """What the labelled baseline says of the model: metrics, classes, the fitted estimator."""

    metrics: dict[str, float | None] = field(default_factory=dict)
    classes: list[str] = field(default_factory=list)
    estimator: CbpeModel | DleModel | None = None
    features: list[str] = field(default_factory=list)  # DLE's input columns
    rows: int = 0
    messages: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": QUALITY_FORMAT,
            "metrics": self.metrics,
            "classes": self.classes,
            "estimator": self.estimator.to_dict() if self.estimator is not None else None,
            "features": self.features,
            "rows": self.rows,
            "messages": self.messages,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BaselineQuality:
        if data.get("format") != QUALITY_FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {QUALITY_FORMAT}")
        estimator = data.get("estimator")
        return cls(
            metrics=dict(data.get("metrics", {})),
            classes=list(data.get("classes", [])),
            estimator=model_from_dict(estimator) if estimator is not None else None,
            features=list(data.get("features", [])),
            rows=int(data.get("rows", 0)),
            messages=list(data.get("messages", [])),
        )


def quality_key(policy: PerformancePolicy, fingerprint: list[str] | None, features: list[str]) -> str | None:
    """The cache key of a baseline's quality, or None when its data cannot be fingerprinted."""
    if fingerprint is None:
        return None
    material = {
        "format": QUALITY_FORMAT,
        "files": fingerprint,
        "problem_type": policy.problem_type,
        "prediction": policy.prediction,
        "probability": policy.probability,
        "positive_label": policy.positive_label,
        "threshold": policy.threshold,
        "label": policy.baseline_label,
        "estimate": policy.estimate,
        "features": features,
    }
    return "quality-" + hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()[:32]


def load_cached(directory: Path, monitor: str, key: str) -> BaselineQuality | None:
    path = directory / monitor / f"{key}.json"
    if not path.is_file():
        return None
    try:
        return BaselineQuality.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("the cached baseline quality %s could not be read (%s); reading the baseline again", path, exc)
        return None


def store_cached(directory: Path, monitor: str, key: str, quality: BaselineQuality) -> None:
    """Keep the quality beside the monitor's cached profile (removed with it when the baseline changes)."""
    path = directory / monitor / f"{key}.json"
    try:
        write_json_atomic(path, quality.to_dict(), what=f"the cached baseline quality of monitor {monitor}")
    except StorageError as exc:  # the quality is in hand; a cache is not needed to go on
        logger.warning("%s", exc)


def baseline_quality(monitor: ResolvedMonitor, features: list[str]) -> BaselineQuality:
    """Read the labelled baseline and compute its metrics and (when asked) fit the estimator.

    features: the input columns DLE learns from (regression estimates only).
    """
    policy = monitor.performance
    assert policy is not None
    quality = BaselineQuality(features=features)
    table = _labelled_table(monitor, features, quality.messages)
    if table is None:
        return quality
    accumulator = _accumulate(policy, table)
    quality.metrics = accumulator.metrics()
    quality.rows = accumulator.rows
    if policy.problem_type != "regression":
        assert policy.baseline_label is not None
        classes = set(_texts(table.column(policy.baseline_label)))
        if policy.prediction is not None:
            classes |= set(_texts(table.column(policy.prediction)))
        quality.classes = sorted(classes)
    if policy.estimate:
        quality.estimator = _fit(policy, table, features, quality)
    return quality


def labelled_baseline_accumulator(monitor: ResolvedMonitor) -> tuple[Accumulator | None, list[str]]:
    """The labelled baseline's rows accumulated (what SageMaker's model-quality statistics.json is written
    from), with messages saying why there is none (no baseline.label, a baseline that is not rows, no rows)."""
    policy = monitor.performance
    assert policy is not None
    messages: list[str] = []
    table = _labelled_table(monitor, [], messages)
    return (_accumulate(policy, table) if table is not None else None), messages


def _labelled_table(monitor: ResolvedMonitor, features: list[str], messages: list[str]) -> pa.Table | None:
    """The baseline's label, model output and ``features`` columns; None (with a message) when it has none."""
    policy = monitor.performance
    assert policy is not None
    baseline = monitor.baseline
    if policy.baseline_label is None:
        return None
    if baseline.kind != "data" or baseline.source is None:
        messages.append(
            f"baseline.label is set but the baseline is {baseline.kind}, not rows: it has no labels to compute "
            "the baseline's model quality from"
        )
        return None
    window = Window(start=baseline.window.start, end=baseline.window.end) if baseline.window else None
    stream = read(baseline.source, base_dir=monitor.base_dir, window=window)
    needed = [policy.baseline_label, *policy.output_columns]
    wanted = needed + [f for f in features if f not in needed]
    tables = []
    for batch in stream:
        if batch.num_rows == 0:
            continue
        missing = [c for c in needed if c not in batch.schema.names]
        if missing:
            file = stream.stats.opened[-1] if stream.stats.opened else str(baseline.source.data)
            raise DataError(
                f"{file}: the baseline has no column {', '.join(repr(c) for c in missing)}; a labelled baseline "
                "carries the label (baseline.label) and the model's prediction and probability columns"
            )
        tables.append(pa.table({c: batch.column(c) for c in wanted if c in batch.schema.names}))
    if not tables:
        messages.append("the baseline has no rows to compute its model quality from")
        return None
    return pa.concat_tables(tables, promote_options="permissive")


def _accumulate(policy: PerformancePolicy, table: pa.Table) -> Accumulator:
    assert policy.baseline_label is not None
    accumulator = new_accumulator(
        policy.problem_type,
        positive_label=policy.positive_label,
        threshold=policy.threshold,
        names={
            "label": f"the baseline's label column '{policy.baseline_label}'",
            "prediction": f"the baseline's prediction column '{policy.prediction}'",
            "probability": f"the baseline's probability column '{policy.probability}'",
        },
    )
    y_true = table.column(policy.baseline_label)
    y_pred = table.column(policy.prediction) if policy.prediction is not None else None
    y_score = table.column(policy.probability) if isinstance(policy.probability, str) else None
    accumulator.update(y_true, y_pred, y_score if policy.problem_type == "binary" else None)
    return accumulator


def _texts(values: pa.ChunkedArray) -> list[str]:
    return [t for t in label_texts(values).unique().to_pylist() if t is not None]


def _fit(policy: PerformancePolicy, table: pa.Table, features: list[str], quality: BaselineQuality) -> Any:
    assert policy.baseline_label is not None
    y_true = table.column(policy.baseline_label)
    y_pred = table.column(policy.prediction) if policy.prediction is not None else None
    try:
        if policy.problem_type == "binary" and isinstance(policy.probability, str):
            return fit_cbpe_binary(
                y_true,
                table.column(policy.probability),
                y_pred,
                positive_label=policy.positive_label,
                threshold=policy.threshold,
            )
        if policy.problem_type == "multiclass" and isinstance(policy.probability, dict):
            scores = {label: table.column(column) for label, column in policy.probability.items()}
            return fit_cbpe_multiclass(y_true, scores, y_pred)
        if policy.problem_type == "regression" and y_pred is not None:
            present = {f: table.column(f) for f in features if f in table.schema.names}
            return fit_dle(present, y_true, y_pred)
    except UsageError as exc:
        quality.messages.append(f"no estimate: {exc}")
        return None
    quality.messages.append("no estimate: the model's probabilities (or, for regression, its prediction) are needed")
    return None
