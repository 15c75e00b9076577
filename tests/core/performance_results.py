"""RunResults with model quality filled from real accumulators fed scikit-learn-made data.

The consumers of ``RunResult.performance`` (history, report, Prometheus, the pytest plugin)
are tested on what the engine really computes: a logistic regression trained on
``make_classification`` data, scored on daily windows whose labels are flipped on a chosen
day so the accuracy falls there, with the engine's binary accumulator and CBPE estimator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Literal

import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from driftplane.engine.performance import BinaryAccumulator, CbpeEstimator, fit_cbpe_binary
from driftplane.result import (
    CalibrationBin,
    Drift,
    FeatureResult,
    LabelCoverage,
    Performance,
    PerformanceMetric,
    Rows,
    RunResult,
    Window,
)

DAY0 = datetime(2026, 3, 1, tzinfo=UTC)
ROWS_PER_DAY = 800
Judgement = Literal["final", "provisional", "estimated"]


@dataclass(frozen=True)
class Scored:
    """One window's model output and truth."""

    y_true: np.ndarray
    y_pred: np.ndarray
    y_score: np.ndarray


@dataclass(frozen=True)
class Model:
    """The baseline (validation) rows and the fitted CBPE model."""

    baseline: Scored
    windows: list[Scored]


@cache
def scored_days(days: int = 6, drop_day: int = 3, flipped: float = 0.3) -> Model:
    """Validation rows and ``days`` daily windows; from ``drop_day`` on ``flipped`` of the labels are wrong."""
    x, y = make_classification(
        n_samples=3000 + days * ROWS_PER_DAY, n_features=6, n_informative=4, class_sep=1.6, random_state=7
    )
    model = LogisticRegression().fit(x[:2000], y[:2000])
    rng = np.random.default_rng(11)

    def score(rows: slice, flip: float) -> Scored:
        truth = y[rows].copy()
        chosen = rng.random(len(truth)) < flip
        truth[chosen] = 1 - truth[chosen]
        probability = model.predict_proba(x[rows])[:, 1]
        return Scored(truth, (probability >= 0.5).astype(int), probability)

    baseline = score(slice(2000, 3000), 0.0)
    windows = [
        score(slice(3000 + d * ROWS_PER_DAY, 3000 + (d + 1) * ROWS_PER_DAY), flipped if d >= drop_day else 0.0)
        for d in range(days)
    ]
    return Model(baseline, windows)


def _accumulate(scored: Scored, rows: int | None = None) -> BinaryAccumulator:
    accumulator = BinaryAccumulator(positive_label=1)
    end = len(scored.y_true) if rows is None else rows
    accumulator.update(scored.y_true[:end], scored.y_pred[:end], scored.y_score[:end])
    return accumulator


def performance_of(
    day: int,
    *,
    judged: Judgement = "final",
    labelled_share: float = 1.0,
    checks: dict[str, tuple[Literal["min", "max"], float]] | None = None,
    model: Model | None = None,
) -> Performance:
    """The window's Performance as the engine computes it: realised metrics from the labelled rows,
    CBPE estimates (with their band) when not final, checks applied as the contract describes."""
    model = model or scored_days()
    scored = model.windows[day]
    checks = {"accuracy": ("min", 0.85), "auc": ("min", 0.8)} if checks is None else checks
    labelled = round(len(scored.y_true) * labelled_share)
    baseline_values = _accumulate(model.baseline).metrics()
    metrics: list[PerformanceMetric] = []
    realised = _accumulate(scored, labelled) if labelled else None
    if realised is not None:
        values = realised.metrics()
        bounds = realised.error_bounds()
        for name in ("accuracy", "auc", "f1", "precision", "recall"):
            metrics.append(_checked(name, values.get(name), baseline_values.get(name), checks, bounds.get(name)))
    if judged != "final":
        cbpe = fit_cbpe_binary(model.baseline.y_true, model.baseline.y_score, model.baseline.y_pred)
        estimator = CbpeEstimator(cbpe)
        estimator.update(scored.y_score, scored.y_pred)
        for name, estimate in estimator.estimates().items():
            if name not in ("accuracy", "auc"):
                continue
            metric = _checked(name, estimate.value, baseline_values.get(name), checks, None)
            metrics.append(
                metric.model_copy(update={"estimated": True, "lower": estimate.lower, "upper": estimate.upper})
            )
    source = realised if realised is not None else _accumulate(scored)
    return Performance(
        problem_type="binary",
        judged=judged,
        coverage=LabelCoverage(
            predictions=len(scored.y_true), labelled=labelled, share=labelled / len(scored.y_true)
        ),
        metrics=metrics,
        confusion_matrix=realised.confusion_matrix() if realised is not None else None,
        calibration=[CalibrationBin(**b) for b in source.calibration()] if realised is not None else None,
    )


def _checked(
    name: str,
    value: float | None,
    baseline: float | None,
    checks: dict[str, tuple[Literal["min", "max"], float]],
    error_bound: float | None,
) -> PerformanceMetric:
    direction, threshold = checks.get(name, (None, None))
    failed = False
    if value is not None and threshold is not None:
        failed = value < threshold if direction == "min" else value > threshold
    return PerformanceMetric(
        name=name,
        value=value,
        baseline=baseline,
        threshold=threshold,
        direction=direction,
        failed=failed,
        error_bound=error_bound,
    )


def quality_result(
    day: int,
    *,
    judged: Judgement = "final",
    labelled_share: float = 1.0,
    monitor: str = "churn",
    checks: dict[str, tuple[Literal["min", "max"], float]] | None = None,
    prediction_drift: float = 0.02,
    input_drift: float = 0.01,
) -> RunResult:
    """A daily window's RunResult with input drift, prediction drift and model quality."""
    window = Window(start=DAY0 + timedelta(days=day), end=DAY0 + timedelta(days=day + 1))
    performance = performance_of(day, judged=judged, labelled_share=labelled_share, checks=checks)

    def feature(name: str, value: float) -> FeatureResult:
        return FeatureResult(
            name=name,
            kind="numerical",
            drift=Drift(metric="normalized_wasserstein", value=value, threshold=0.1, drifted=value > 0.1),
        )

    features = [feature("tenure", input_drift), feature("monthly_charges", input_drift / 2)]
    drifted = any(f.drift is not None and f.drift.drifted for f in features)
    return RunResult(
        monitor=monitor,
        window=window,
        rows=Rows(baseline=1000, target=performance.coverage.predictions),
        status=RunResult.status_for(drifted, False),
        features=features,
        performance=performance,
        prediction_drift=[feature("churn_score", prediction_drift)],
        started_at=window.end,
        duration_seconds=1.0,
    )
