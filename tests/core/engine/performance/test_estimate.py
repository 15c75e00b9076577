"""Estimated performance tracks the realised value where the methods' assumptions hold.

Seeded synthetic data: a model whose probabilities are calibrated (or become so on the
baseline), and windows whose inputs shift within the baseline's range (covariate shift,
P(y | x) unchanged). The realised metric must fall inside the estimate's band in the large
majority of windows. Under concept drift (P(y | x) changes) it does not: the methods' known
limit, documented in docs/model-quality.md.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from driftplane.engine.performance import (
    BinaryAccumulator,
    CbpeEstimator,
    DleEstimator,
    MulticlassAccumulator,
    RegressionAccumulator,
    fit_cbpe_binary,
    fit_cbpe_multiclass,
    fit_dle,
    model_from_dict,
)
from driftplane.errors import DataError, UsageError

LARGE_MAJORITY = 0.9
WINDOWS = 30
WINDOW_ROWS = 4000


def binary_rows(
    rng: np.random.Generator,
    rows: int,
    centre: float,
    *,
    overconfident: bool = False,
    concept_drift: bool = False,
):
    x = rng.normal(centre, 1.0, rows)
    truth = 1 / (1 + np.exp(-2 * (x - (1.0 if concept_drift else 0.0))))
    y = (rng.random(rows) < truth).astype(int)
    score = 1 / (1 + np.exp(-(6 if overconfident else 2) * x))
    return y, score


def coverage(estimates_and_realised: list[tuple[dict, dict]], metric: str) -> float:
    inside = [e[metric].lower <= r[metric] <= e[metric].upper for e, r in estimates_and_realised]
    return sum(inside) / len(inside)


def run_binary_windows(model, rng: np.random.Generator, **kwargs) -> list[tuple[dict, dict]]:
    pairs = []
    for _ in range(WINDOWS):
        y, score = binary_rows(rng, WINDOW_ROWS, rng.uniform(-0.8, 0.8), **kwargs)
        estimator = CbpeEstimator(model)
        for part in np.array_split(np.arange(WINDOW_ROWS), 2):
            estimator.update(score[part])
        realised = BinaryAccumulator()
        realised.update(y, None, score)
        pairs.append((estimator.estimates(), realised.metrics()))
    return pairs


@pytest.mark.parametrize(
    "overconfident", [False, True], ids=["calibrated", "calibrated-on-baseline"]
)
def test_cbpe_binary_tracks_realised_metrics_under_covariate_shift(overconfident: bool) -> None:
    rng = np.random.default_rng(21 if overconfident else 20)
    y, score = binary_rows(rng, 20_000, 0.0, overconfident=overconfident)
    model = fit_cbpe_binary(y, score)
    if overconfident:
        assert (
            model.calibrators["1"] is not None
        )  # NannyML's rule calibrates an overconfident model
    model = model_from_dict(
        json.loads(json.dumps(model.to_dict()))
    )  # as the baseline cache keeps it
    pairs = run_binary_windows(model, rng, overconfident=overconfident)
    for metric in (
        "accuracy",
        "precision",
        "recall",
        "f1",
        "f0_5",
        "f2",
        "auc",
        "pr_auc",
        "log_loss",
        "true_negative_rate",
        "false_positive_rate",
    ):
        assert coverage(pairs, metric) >= LARGE_MAJORITY, metric
    estimate = pairs[0][0]["accuracy"]
    assert (
        estimate.method == "cbpe" and 0.0 <= estimate.lower < estimate.value < estimate.upper <= 1.0
    )


def test_cbpe_misses_under_concept_drift_its_known_limit() -> None:
    rng = np.random.default_rng(22)
    y, score = binary_rows(rng, 20_000, 0.0)
    model = fit_cbpe_binary(y, score)
    pairs = run_binary_windows(model, rng, concept_drift=True)
    assert coverage(pairs, "accuracy") < 0.2
    gaps = [e["accuracy"].value - r["accuracy"] for e, r in pairs]
    assert (
        np.mean(gaps) > 0.05
    )  # the estimate stays near the baseline's accuracy while the model got worse


def test_cbpe_estimator_merges_and_keeps_its_state_as_json() -> None:
    rng = np.random.default_rng(3)
    y, score = binary_rows(rng, 5000, 0.0)
    model = fit_cbpe_binary(y, score, calibrate=False)
    _, window = binary_rows(rng, 6000, 0.5)
    whole = CbpeEstimator(model)
    whole.update(window)
    left, right = CbpeEstimator(model), CbpeEstimator(model)
    left.update(window[:2500])
    right.update(window[2500:])
    right = CbpeEstimator.from_dict(json.loads(json.dumps(right.to_dict())), model)
    left.merge(right)
    for name, estimate in whole.estimates().items():
        assert left.estimates()[name].value == pytest.approx(estimate.value, rel=1e-12), name
    matrix = whole.expected_confusion_matrix()
    assert sum(sum(row.values()) for row in matrix.values()) == pytest.approx(6000)


def multiclass_rows(rng: np.random.Generator, rows: int, centre: np.ndarray):
    x = rng.normal(0, 1, (rows, 2)) + centre
    logits = np.column_stack([x[:, 0] * 1.5, x[:, 1] * 1.5, -0.5 * (x[:, 0] + x[:, 1])])
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    cumulative = probabilities.cumsum(axis=1)
    y = (rng.random(rows)[:, None] > cumulative).sum(axis=1)
    names = np.array(["cat", "dog", "fish"])
    return names[y], {name: probabilities[:, i] for i, name in enumerate(names)}


def test_cbpe_multiclass_tracks_realised_metrics_under_covariate_shift() -> None:
    rng = np.random.default_rng(30)
    y, probabilities = multiclass_rows(rng, 20_000, np.zeros(2))
    model = model_from_dict(json.loads(json.dumps(fit_cbpe_multiclass(y, probabilities).to_dict())))
    pairs = []
    for _ in range(WINDOWS):
        y, probabilities = multiclass_rows(rng, WINDOW_ROWS, rng.uniform(-0.6, 0.6, 2))
        estimator = CbpeEstimator(model)
        estimator.update(probabilities)
        predicted = np.array(["cat", "dog", "fish"])[
            np.argmax(np.column_stack(list(probabilities.values())), axis=1)
        ]
        realised = MulticlassAccumulator()
        realised.update(y, predicted)
        pairs.append((estimator.estimates(), realised.metrics()))
    for metric in (
        "accuracy",
        "weighted_precision",
        "weighted_recall",
        "weighted_f1",
        "macro_precision",
        "macro_recall",
        "macro_f1",
    ):
        assert coverage(pairs, metric) >= LARGE_MAJORITY, metric


def test_cbpe_multiclass_refuses_a_label_without_a_probability_column() -> None:
    with pytest.raises(DataError, match="classes without a probability column: 'bird'"):
        fit_cbpe_multiclass(["cat", "bird"], {"cat": [0.9, 0.2], "dog": [0.1, 0.8]})


def regression_rows(
    rng: np.random.Generator,
    rows: int,
    a: float = 1.0,
    b: float = 1.0,
    *,
    concept_drift: bool = False,
):
    x1 = rng.normal(0, 1, rows)
    x2 = 2 * rng.beta(a, b, rows)
    colour = rng.choice(["red", "green", "blue"], rows)
    noise = (0.2 + 0.8 * x2 + 0.5 * (colour == "blue")) * (2.0 if concept_drift else 1.0)
    prediction = 3 * x1 + x2
    return (
        {"x1": x1, "x2": x2, "colour": colour},
        prediction + rng.normal(0, 1, rows) * noise,
        prediction,
    )


def test_dle_tracks_realised_errors_under_covariate_shift_and_misses_under_concept_drift() -> None:
    rng = np.random.default_rng(40)
    features, y, prediction = regression_rows(rng, 12_000)
    model = model_from_dict(json.loads(json.dumps(fit_dle(features, y, prediction).to_dict())))
    pairs = []
    for _ in range(20):
        features, y, prediction = regression_rows(
            rng, WINDOW_ROWS, rng.uniform(0.6, 3), rng.uniform(0.6, 3)
        )
        estimator = DleEstimator(model)
        estimator.update(features, prediction)
        realised = RegressionAccumulator()
        realised.update(y, prediction)
        pairs.append((estimator.estimates(), realised.metrics()))
    for metric in ("mae", "mse", "rmse"):
        assert coverage(pairs, metric) >= 0.85, metric
    features, y, prediction = regression_rows(rng, WINDOW_ROWS, concept_drift=True)
    estimator = DleEstimator(model)
    estimator.update(features, prediction)
    realised = RegressionAccumulator()
    realised.update(y, prediction)
    estimate, actual = estimator.estimates()["mae"], realised.metrics()["mae"]
    assert (
        actual is not None and estimate.upper is not None and actual > estimate.upper
    )  # doubled noise, same features


def test_dle_says_clearly_when_scikit_learn_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn.ensemble", None)  # as if the extra were not installed
    with pytest.raises(
        UsageError, match=r"needs scikit-learn.*pip install 'driftplane\[estimate\]'"
    ):
        fit_dle({"x": [1.0, 2.0, 3.0]}, [1.0, 2.0, 3.0], [1.1, 2.1, 2.9])


def test_dle_window_without_a_learned_feature_is_refused() -> None:
    rng = np.random.default_rng(1)
    features, y, prediction = regression_rows(rng, 500)
    model = fit_dle(features, y, prediction)
    with pytest.raises(DataError, match="needs the feature 'colour'"):
        DleEstimator(model).update({"x1": features["x1"], "x2": features["x2"]}, prediction)
