"""The streaming metrics equal scikit-learn's on the same rows.

Count-based metrics (accuracy, precision, recall, F-scores, rates, the multiclass averages)
are the very floats scikit-learn returns. Sums (MAE, MSE, log loss, R², MAPE) are exact sums
correctly rounded, so they equal scikit-learn's exactly on data whose sums are exact
(multiples of 1/8) and within float rounding elsewhere.
"""

from __future__ import annotations

import warnings

import numpy as np
import pyarrow as pa
import pytest
from sklearn import metrics as sk
from sklearn.exceptions import UndefinedMetricWarning

from driftplane.engine.performance import (
    BinaryAccumulator,
    MulticlassAccumulator,
    RegressionAccumulator,
)
from driftplane.errors import DataError


def sklearn_binary(y: np.ndarray, p: np.ndarray, s: np.ndarray | None = None) -> dict[str, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        tn, fp, fn, tp = sk.confusion_matrix(y, p, labels=[0, 1]).ravel()
        result = {
            "accuracy": sk.accuracy_score(y, p),
            "precision": sk.precision_score(y, p, zero_division=0),
            "recall": sk.recall_score(y, p, zero_division=0),
            "f1": sk.f1_score(y, p, zero_division=0),
            "f0_5": sk.fbeta_score(y, p, beta=0.5, zero_division=0),
            "f2": sk.fbeta_score(y, p, beta=2, zero_division=0),
            "true_positive_rate": sk.recall_score(y, p, zero_division=0),
            "true_negative_rate": sk.recall_score(y, p, pos_label=0, zero_division=0),
            "false_positive_rate": fp / (fp + tn) if fp + tn else 0.0,
            "false_negative_rate": fn / (fn + tp) if fn + tp else 0.0,
        }
        if s is not None:
            result["log_loss"] = sk.log_loss(y, s, labels=[0, 1])
    return result


@pytest.mark.parametrize("seed", range(6))
def test_binary_counts_equal_sklearn_exactly(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(50, 5000))
    share = rng.uniform(0.02, 0.98)
    y = (rng.random(rows) < share).astype(int)
    p = np.where(rng.random(rows) < rng.uniform(0.5, 0.95), y, 1 - y)
    accumulator = BinaryAccumulator(positive_label=1)
    for part in np.array_split(np.arange(rows), 3):
        accumulator.update(y[part], p[part])
    found = accumulator.metrics()
    for name, expected in sklearn_binary(y, p).items():
        assert found[name] == expected, name


def test_binary_with_scores_matches_sklearn() -> None:
    rng = np.random.default_rng(11)
    y = rng.integers(0, 2, 4000)
    s = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0, 1)
    p = (s >= 0.5).astype(int)
    accumulator = BinaryAccumulator()
    accumulator.update(y, p, s)
    found = accumulator.metrics()
    expected = sklearn_binary(y, p, s)
    for name in ("accuracy", "precision", "recall", "f1", "f0_5", "f2"):
        assert found[name] == expected[name], name
    assert found["log_loss"] == pytest.approx(expected["log_loss"], rel=1e-13)
    bounds = accumulator.error_bounds()
    assert abs(found["auc"] - sk.roc_auc_score(y, s)) <= bounds["auc"]
    assert abs(found["pr_auc"] - sk.average_precision_score(y, s)) <= bounds["pr_auc"]


def test_prediction_from_threshold_when_no_prediction_column() -> None:
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 1000)
    s = rng.random(1000)
    s[:10] = 0.7  # exactly at the threshold below: counts as positive
    accumulator = BinaryAccumulator(threshold=0.7)
    accumulator.update(y, None, s)
    p = (s >= 0.7).astype(int)
    assert accumulator.metrics()["precision"] == sk.precision_score(y, p)
    assert accumulator.metrics()["recall"] == sk.recall_score(y, p)


def test_zero_division_gives_zero_like_sklearn() -> None:
    accumulator = BinaryAccumulator()
    accumulator.update([0, 0, 0], [0, 0, 0])  # no positives at all
    found = accumulator.metrics()
    assert found["accuracy"] == 1.0
    assert found["precision"] == found["recall"] == found["f1"] == found["f2"] == 0.0
    assert found["false_negative_rate"] == 0.0
    assert found["auc"] is None and found["log_loss"] is None  # no scores given


def test_one_class_scores_auc_undefined_pr_auc_as_sklearn() -> None:
    accumulator = BinaryAccumulator()
    accumulator.update([0, 0, 0, 0], None, [0.1, 0.6, 0.3, 0.9])
    found = accumulator.metrics()
    assert found["auc"] is None  # scikit-learn returns NaN (and warns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert found["pr_auc"] == sk.average_precision_score([0, 0, 0, 0], [0.1, 0.6, 0.3, 0.9])
    assert found["log_loss"] == pytest.approx(
        sk.log_loss([0, 0, 0, 0], [0.1, 0.6, 0.3, 0.9], labels=[0, 1]), rel=1e-14
    )


def test_labels_are_compared_as_text_so_sagemaker_ground_truth_matches() -> None:
    """SageMaker's ground truth carries labels as text ("1"); the model predicted integers."""
    text_labels = pa.array(["1", "0", "1", "1", "0"])
    predictions = pa.array([1, 0, 0, 1, 1], pa.int64())
    float_predictions = pa.array([1.0, 0.0, 0.0, 1.0, 1.0])
    as_text = BinaryAccumulator(positive_label=1)
    as_text.update(text_labels, predictions)
    as_float = BinaryAccumulator(positive_label="1")
    as_float.update(text_labels, float_predictions)
    expected = sklearn_binary(np.array([1, 0, 1, 1, 0]), np.array([1, 0, 0, 1, 1]))
    assert as_text.metrics()["f1"] == as_float.metrics()["f1"] == expected["f1"]
    assert as_text.confusion_matrix() == {"0": {"0": 1, "1": 1}, "1": {"0": 1, "1": 2}}


def test_booleans_and_named_labels() -> None:
    accumulator = BinaryAccumulator(positive_label=True)
    accumulator.update([True, False, True], [True, True, False])
    assert accumulator.confusion_matrix() == {
        "false": {"false": 0, "true": 1},
        "true": {"false": 1, "true": 1},
    }
    named = BinaryAccumulator(positive_label="churn")
    named.update(["churn", "stay", "stay"], ["stay", "stay", "churn"])
    assert named.confusion_matrix() == {
        "churn": {"churn": 0, "stay": 1},
        "stay": {"churn": 1, "stay": 1},
    }


def test_a_third_class_in_a_binary_model_is_refused_with_the_labels() -> None:
    accumulator = BinaryAccumulator(positive_label=1, names={"label": "churned"})
    with pytest.raises(
        DataError,
        match=r"positive label '1' and one other; found '1', '0', '2'.*positive_label.*multiclass",
    ):
        accumulator.update([0, 1, 2], [0, 1, 1])


def test_positive_label_missing_from_data_is_refused() -> None:
    """positive_label: 1 against labels yes/no: two non-positive classes, a clear message."""
    accumulator = BinaryAccumulator(positive_label=1)
    with pytest.raises(DataError, match="Set model.positive_label"):
        accumulator.update(["yes", "no"], ["no", "no"])


def test_probability_outside_unit_interval_is_refused_with_the_column() -> None:
    accumulator = BinaryAccumulator(names={"probability": "churn_score"})
    with pytest.raises(
        DataError,
        match=r"the probability column 'churn_score' holds values outside \[0, 1\] \(2 of 4 rows, e.g. 1.7\)",
    ):
        accumulator.update([0, 1, 1, 0], [0, 1, 1, 0], [0.2, 1.7, 0.9, -0.1])
    assert accumulator.rows == 0  # nothing half-counted


def test_missing_labels_are_counted_not_scored() -> None:
    accumulator = BinaryAccumulator()
    accumulator.update(
        pa.array([1, None, 0, 1]), pa.array([1, 1, None, 0]), pa.array([0.9, 0.8, 0.1, None])
    )
    assert accumulator.rows == 2 and accumulator.missing == 2
    assert accumulator.scored == 1  # the last row has a label and a prediction, no score
    assert accumulator.confusion_matrix() == {"0": {"0": 0, "1": 0}, "1": {"0": 1, "1": 1}}


def test_frequency_weights_equal_repeated_rows() -> None:
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 300)
    s = rng.random(300)
    w = rng.integers(0, 4, 300)
    weighted = BinaryAccumulator()
    weighted.update(y, None, s, weight=w)
    repeated = BinaryAccumulator()
    repeated.update(np.repeat(y, w), None, np.repeat(s, w))
    assert weighted.metrics() == repeated.metrics()
    assert weighted.confusion_matrix() == repeated.confusion_matrix()
    with pytest.raises(DataError, match="whole numbers"):
        BinaryAccumulator().update([1, 0], [1, 0], weight=[0.5, 1.0])


@pytest.mark.parametrize("seed", range(4))
def test_multiclass_equals_sklearn_exactly(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(100, 4000))
    classes = int(rng.integers(3, 15))
    y = rng.integers(0, classes, rows)
    p = np.where(
        rng.random(rows) < 0.6, y, rng.integers(0, classes + 1, rows)
    )  # one class only predicted
    accumulator = MulticlassAccumulator()
    for part in np.array_split(np.arange(rows), 4):
        accumulator.update(y[part], p[part])
    found = accumulator.metrics()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        assert found["accuracy"] == sk.accuracy_score(y, p)
        for average in ("weighted", "macro"):
            assert found[f"{average}_precision"] == sk.precision_score(
                y, p, average=average, zero_division=0
            )
            assert found[f"{average}_recall"] == sk.recall_score(
                y, p, average=average, zero_division=0
            )
            assert found[f"{average}_f1"] == sk.f1_score(y, p, average=average, zero_division=0)
    matrix = accumulator.confusion_matrix()
    order = list(matrix)
    assert order == [
        str(v) for v in sorted(set(y) | set(p))
    ]  # numbers sorted as numbers: "2" before "10"
    assert np.array_equal(
        np.array([[matrix[a][b] for b in order] for a in order]), sk.confusion_matrix(y, p)
    )


def test_multiclass_class_cap_says_what_to_check() -> None:
    accumulator = MulticlassAccumulator(max_classes=5, names={"label": "species"})
    with pytest.raises(
        DataError,
        match=r"the label column 'species' brings class '5' past the limit of 5 classes.*not ids or free text",
    ):
        accumulator.update(list(range(6)), [0] * 6)


@pytest.mark.parametrize("seed", range(4))
def test_regression_exact_data_equals_sklearn_exactly(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(10, 3000))
    y = rng.integers(-400, 400, rows) / 8
    p = y + rng.integers(-40, 40, rows) / 8
    accumulator = RegressionAccumulator()
    for part in np.array_split(np.arange(rows), 3):
        accumulator.update(y[part], p[part])
    found = accumulator.metrics()
    assert found["mae"] == sk.mean_absolute_error(y, p)
    assert found["mse"] == sk.mean_squared_error(y, p)
    assert found["rmse"] == sk.root_mean_squared_error(y, p)
    assert found["r2"] == pytest.approx(sk.r2_score(y, p), rel=1e-15, abs=1e-15)
    assert found["mape"] == pytest.approx(sk.mean_absolute_percentage_error(y, p), rel=1e-14)


def test_regression_real_data_within_rounding() -> None:
    rng = np.random.default_rng(8)
    y = rng.lognormal(3, 1, 20000)
    p = y * rng.normal(1, 0.1, 20000)
    accumulator = RegressionAccumulator()
    accumulator.update(y, p)
    found = accumulator.metrics()
    assert found["mae"] == pytest.approx(sk.mean_absolute_error(y, p), rel=1e-13)
    assert found["mse"] == pytest.approx(sk.mean_squared_error(y, p), rel=1e-13)
    assert found["r2"] == pytest.approx(sk.r2_score(y, p), rel=1e-12)
    assert found["mape"] == pytest.approx(sk.mean_absolute_percentage_error(y, p), rel=1e-13)


def test_r2_of_constant_truth_follows_force_finite_and_mape_its_epsilon() -> None:
    perfect = RegressionAccumulator()
    perfect.update([2.0, 2.0, 2.0], [2.0, 2.0, 2.0])
    assert perfect.metrics()["r2"] == sk.r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 2.0]) == 1.0
    off = RegressionAccumulator()
    off.update([2.0, 2.0, 2.0], [1.0, 2.0, 3.0])
    assert off.metrics()["r2"] == sk.r2_score([2.0, 2.0, 2.0], [1.0, 2.0, 3.0]) == 0.0
    single = RegressionAccumulator()
    single.update([1.0], [1.5])
    assert single.metrics()["r2"] is None  # scikit-learn: NaN with fewer than two samples
    zero_truth = RegressionAccumulator()
    zero_truth.update([0.0, 1.0], [1.0, 1.0])
    assert zero_truth.metrics()["mape"] == sk.mean_absolute_percentage_error([0.0, 1.0], [1.0, 1.0])


def test_regression_text_numbers_are_read_and_text_labels_refused() -> None:
    accumulator = RegressionAccumulator(names={"label": "price"})
    accumulator.update(pa.array(["1.5", " 2", ""]), pa.array([1.0, 2.5, 3.0]))
    assert accumulator.rows == 2 and accumulator.missing == 1
    assert accumulator.metrics()["mae"] == 0.5
    with pytest.raises(
        DataError,
        match=r"the label column 'price' must hold numbers for a regression model; it holds 'cheap'",
    ):
        accumulator.update(pa.array(["cheap", "2"]), pa.array([1.0, 2.0]))
    with pytest.raises(DataError, match="infinite"):
        accumulator.update([1.0], [float("inf")])
