"""Judge one window's model quality: join its labels, compute the metrics, check them, estimate.

``judge_window`` is what a run adds to a monitor with a model: the realised metrics on the
labelled predictions (against the labelled baseline's values and the checks' thresholds), the
label coverage and the judgement (``PerformancePolicy.judge``: final, provisional, estimated,
none), the confusion matrix and calibration, and, when ``estimate`` is on, the CBPE/DLE
estimates of every window with their bands (``estimated: true``), so a window shows its
estimate before labels land and beside the realised value after.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from driftplane.engine.performance.accumulators import (
    Accumulator,
    BinaryAccumulator,
    new_accumulator,
)
from driftplane.engine.performance.baseline import BaselineQuality
from driftplane.engine.performance.definitions import METRIC_NAMES
from driftplane.engine.performance.estimate import (
    CbpeEstimator,
    CbpeModel,
    DleEstimator,
    DleModel,
    Estimate,
)
from driftplane.engine.performance.join import (
    FILE,
    ID,
    LABEL,
    JoinedLabels,
    LabelTable,
    PredictionTable,
    join_labels,
    read_labels,
    read_predictions,
)
from driftplane.engine.performance.labels import label_texts
from driftplane.engine.readers import read
from driftplane.errors import DataError
from driftplane.resolved import PerformancePolicy, ResolvedMonitor
from driftplane.result import CalibrationBin, LabelCoverage, Performance, PerformanceMetric, Window
from driftplane.spec.models import DataSource

logger = logging.getLogger(__name__)

BATCH_ROWS = 131_072


def judge_window(
    monitor: ResolvedMonitor,
    window: Window | None,
    *,
    baseline: BaselineQuality,
    now: datetime,
    column_names: list[str] | None = None,
    base_dir: Path | None = None,
    predictions_from: DataSource | None = None,
) -> Performance:
    """The model quality of ``window`` as of ``now`` (labels landed by then).

    predictions_from: where the predictions are instead of the monitor's target (data given to
    the pytest plugin), joined to the monitor's labels all the same.
    """
    policy = monitor.performance
    assert policy is not None, "judge_window needs a monitor with a model"
    base_dir = base_dir or monitor.base_dir
    predictions = read_predictions(
        policy,
        monitor.target if predictions_from is None else predictions_from,
        base_dir=base_dir,
        window=window,
        column_names=column_names,
        extra_columns=baseline.features if isinstance(baseline.estimator, DleModel) else (),
    )
    if policy.labels is not None and window is not None:
        labels = read_labels(policy, base_dir=base_dir, window=window)
    else:
        id_type = predictions.table.column(ID).type
        labels = LabelTable(
            pa.table({ID: pa.array([], id_type), LABEL: pa.array([], pa.string()), FILE: pa.array([], pa.int32())})
        )
    known = _known_classes(policy, predictions, baseline)
    joined = join_labels(predictions, labels, known_classes=known)
    messages = list(baseline.messages) + joined.messages
    accumulator = _accumulate(policy, joined)
    estimates, expected = _estimate(policy, baseline, joined, messages)
    end = window.end if window is not None else now
    judged = policy.judge(end, now, predictions=joined.predictions, labelled=joined.labelled,
                          estimated=bool(estimates))
    metrics: list[PerformanceMetric] = []
    if joined.labelled:
        values = accumulator.metrics()
        bounds = accumulator.error_bounds()
        for name in METRIC_NAMES[policy.problem_type]:
            if name not in values:
                continue
            metrics.append(_metric(policy, name, values[name], baseline, error_bound=bounds.get(name)))
    for name, estimate in estimates.items():
        metrics.append(_metric(policy, name, estimate.value, baseline, estimate=estimate))
    if judged == "provisional" and not joined.labelled:
        messages.append(f"no labels yet: provisional until {policy.final_at(end).isoformat()}")
    elif judged == "provisional":
        messages.append(
            f"provisional: {joined.labelled:,} of {joined.predictions:,} predictions labelled so far; final once "
            f"{policy.min_coverage:.0%} are labelled or at {policy.final_at(end).isoformat()}"
        )
    elif judged == "none" and joined.predictions:
        messages.append(
            f"no label landed within the wait ({policy.wait}) and no estimate: nothing judges this window's "
            "model quality"
        )
    confusion: dict[str, dict[str, int | float]] | None = None
    calibration = None
    if joined.labelled and policy.problem_type != "regression":
        confusion = {k: dict(v) for k, v in accumulator.confusion_matrix().items()}
        if isinstance(accumulator, BinaryAccumulator) and policy.probability is not None:
            calibration = [CalibrationBin(**b) for b in accumulator.calibration()]
    elif expected is not None:
        confusion = {k: dict(v) for k, v in expected.items()}
    return Performance(
        problem_type=policy.problem_type,
        judged=judged,
        coverage=LabelCoverage(predictions=joined.predictions, labelled=joined.labelled, share=joined.share),
        metrics=metrics,
        confusion_matrix=confusion,
        calibration=calibration,
        messages=messages,
        judged_at=now,
    )


def _known_classes(
    policy: PerformancePolicy, predictions: PredictionTable, baseline: BaselineQuality
) -> set[str] | None:
    """The classes a label may have: the predicted ones, the baseline's, the positive label and the
    probability mapping's; None for regression (any number) or when nothing tells them."""
    if policy.problem_type == "regression":
        return None
    known = set(baseline.classes)
    if policy.problem_type == "binary":
        known.add(policy.positive_label)
    if isinstance(policy.probability, dict):
        known |= {str(k) for k in policy.probability}
    if policy.prediction is not None and predictions.table.num_rows:
        known |= {t for t in label_texts(pc.unique(predictions.table.column(policy.prediction))).to_pylist() if t}
    if policy.problem_type == "binary" and len(known) < 2:
        return None  # the negative class is not known yet: the accumulator decides
    return known


def _new(policy: PerformancePolicy) -> Accumulator:
    return new_accumulator(
        policy.problem_type,
        positive_label=policy.positive_label,
        threshold=policy.threshold,
        names={
            "label": f"the label column '{policy.label or 'groundTruthData.data'}'",
            "prediction": f"the prediction column '{policy.prediction}'",
            "probability": f"the probability column '{policy.probability}'",
        },
    )


def _accumulate(policy: PerformancePolicy, joined: JoinedLabels) -> Accumulator:
    accumulator = _new(policy)
    if not joined.labelled:
        return accumulator
    labelled = joined.table.filter(pc.is_valid(joined.table.column(LABEL)))
    for batch in labelled.to_batches(max_chunksize=BATCH_ROWS):
        y_pred = batch.column(policy.prediction) if policy.prediction is not None else None
        y_score = (
            batch.column(policy.probability)
            if policy.problem_type == "binary" and isinstance(policy.probability, str)
            else None
        )
        accumulator.update(batch.column(LABEL), y_pred, y_score)
    return accumulator


def _estimate(
    policy: PerformancePolicy, baseline: BaselineQuality, joined: JoinedLabels, messages: list[str]
) -> tuple[dict[str, Estimate], dict[str, dict[str, float]] | None]:
    """CBPE/DLE estimates over all the window's predictions (labelled or not), when asked for."""
    model = baseline.estimator
    if not policy.estimate or model is None or not joined.predictions:
        return {}, None
    table = joined.table
    try:
        if isinstance(model, CbpeModel):
            cbpe = CbpeEstimator(model)
            for batch in table.to_batches(max_chunksize=BATCH_ROWS):
                y_pred = batch.column(policy.prediction) if policy.prediction is not None else None
                if isinstance(policy.probability, dict):
                    cbpe.update({k: batch.column(c) for k, c in policy.probability.items()}, y_pred)
                elif isinstance(policy.probability, str):
                    cbpe.update(batch.column(policy.probability), y_pred)
            return _checked(cbpe.estimates()), cbpe.expected_confusion_matrix()
        dle = DleEstimator(model)
        assert policy.prediction is not None
        for batch in table.to_batches(max_chunksize=BATCH_ROWS):
            features = {f: batch.column(f) for f in model.features if f in batch.schema.names}
            dle.update(features, batch.column(policy.prediction))
        return _checked(dle.estimates()), None
    except DataError as exc:
        messages.append(f"no estimate for this window: {exc}")
        return {}, None


def _checked(estimates: dict[str, Estimate]) -> dict[str, Estimate]:
    return {name: e for name, e in estimates.items() if e.value is not None}


def _metric(
    policy: PerformancePolicy,
    name: str,
    value: float | None,
    baseline: BaselineQuality,
    *,
    estimate: Estimate | None = None,
    error_bound: float | None = None,
) -> PerformanceMetric:
    check = policy.check(name) if policy.enabled else None
    base = baseline.metrics.get(name)
    threshold = check.threshold(base) if check is not None else None
    return PerformanceMetric(
        name=name,
        value=value,
        baseline=base,
        lower=estimate.lower if estimate is not None else None,
        upper=estimate.upper if estimate is not None else None,
        estimated=estimate is not None,
        threshold=threshold,
        direction=check.direction if check is not None else None,
        failed=check.failed(value, threshold) if check is not None else False,
        error_bound=error_bound,
    )


def judge_labelled_rows(
    monitor: ResolvedMonitor,
    source: DataSource,
    *,
    baseline: BaselineQuality,
    window: Window | None = None,
    column_names: list[str] | None = None,
    base_dir: Path | None = None,
) -> Performance | None:
    """The model quality of data that carries its own labels (a scored validation set in CI), or
    None when it has no label column: every labelled row counts, the judgement is final.

    The label column is ``labels.label``, else ``baseline.label``.
    """
    policy = monitor.performance
    assert policy is not None
    label = next((c for c in (policy.label, policy.baseline_label) if c is not None), None)
    if label is None:
        return None
    stream = read(source, base_dir=base_dir or monitor.base_dir, window=window, column_names=column_names)
    wanted = [label, *policy.output_columns]
    accumulator = _new(policy)
    rows = 0
    for batch in stream:
        if batch.num_rows == 0:
            continue
        if label not in batch.schema.names:
            return None
        missing = [c for c in wanted if c not in batch.schema.names]
        if missing:
            file = stream.stats.opened[-1] if stream.stats.opened else str(source.data)
            raise DataError(f"{file}: the model's column(s) {', '.join(repr(c) for c in missing)} are not in the data")
        rows += batch.num_rows
        y_pred = batch.column(policy.prediction) if policy.prediction is not None else None
        y_score = (
            batch.column(policy.probability)
            if policy.problem_type == "binary" and isinstance(policy.probability, str)
            else None
        )
        accumulator.update(batch.column(label), y_pred, y_score)
    labelled = accumulator.rows
    values = accumulator.metrics() if labelled else {}
    bounds = accumulator.error_bounds() if labelled else {}
    metrics = [
        _metric(policy, name, values[name], baseline, error_bound=bounds.get(name))
        for name in METRIC_NAMES[policy.problem_type]
        if name in values
    ]
    confusion = None
    if labelled and policy.problem_type != "regression":
        confusion = {k: dict(v) for k, v in accumulator.confusion_matrix().items()}
    return Performance(
        problem_type=policy.problem_type,
        judged="final" if labelled else "none",
        coverage=LabelCoverage(predictions=rows, labelled=labelled, share=labelled / rows if rows else None),
        metrics=metrics,
        confusion_matrix=confusion,
        messages=[] if labelled else [f"no row has both a label ({label}) and a prediction"],
    )
