"""SageMaker's model-quality files: read as documented, written as SageMaker writes them, round trips.

The documented multiclass example (confusion matrix 1180/510/268/138) reproduces every
weighted metric and the best-constant-classifier values from its matrix alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn import metrics as sk

from driftplane.engine.performance import (
    BinaryAccumulator,
    MulticlassAccumulator,
    RegressionAccumulator,
)
from driftplane.engine.performance.sagemaker_quality import (
    QualityConstraint,
    check_constraints,
    constraints_document,
    parse_constraints,
    parse_statistics,
    read_constraints,
    read_statistics,
    read_violations,
    statistics_document,
    statistics_from_accumulator,
    suggest_constraints,
    write_constraints,
    write_statistics,
    write_violations,
)
from driftplane.errors import DataError

DATA = Path(__file__).parent / "data"


def rows_of(matrix: dict[str, dict[str, int]]) -> tuple[np.ndarray, np.ndarray]:
    actual, predicted = [], []
    for a, row in matrix.items():
        for p, count in row.items():
            actual += [a] * count
            predicted += [p] * count
    return np.array(actual), np.array(predicted)


def test_documented_multiclass_example_is_reproduced_from_its_matrix() -> None:
    documented = read_statistics(DATA / "sagemaker_doc_multiclass_statistics.json")
    assert documented.problem_type == "multiclass"
    assert documented.confusion_matrix == {"0": {"0": 1180, "1": 510}, "1": {"0": 268, "1": 138}}
    y, p = rows_of({"0": {"0": 1180, "1": 510}, "1": {"0": 268, "1": 138}})
    accumulator = MulticlassAccumulator()
    accumulator.update(y, p)
    ours = statistics_from_accumulator(accumulator)
    assert ours.confusion_matrix == documented.confusion_matrix
    for name, metric in documented.metrics.items():
        assert ours.metrics[name].value == pytest.approx(metric.value, rel=2e-16), (
            name
        )  # within one float step
    assert ours.metrics["weighted_precision"].value == 0.6983172269629505
    assert ours.metrics["weighted_f1"].value == sk.f1_score(y, p, average="weighted")
    assert ours.metrics["weighted_f2"].value == sk.fbeta_score(y, p, beta=2, average="weighted")
    # the spread: SageMaker's five 80% subsamples, ours five folds left out; same size of number
    for name in ("accuracy", "weighted_precision", "weighted_f1"):
        spread = ours.metrics[name].standard_deviation
        assert spread is not None and 0.2 < spread / documented.metrics[name].standard_deviation < 4


def test_documented_binary_example_is_reproduced_from_its_matrix() -> None:
    documented = read_statistics(DATA / "sagemaker_doc_binary_statistics.json")
    assert documented.metrics["precision"].standard_deviation is None  # "NaN" below 200 rows
    assert documented.curves["receiver_operating_characteristic_curve"]["true_positive_rates"] == [
        0.0,
        0.25,
        0.5,
        0.75,
        1.0,
        1.0,
    ]
    y, p = rows_of({"0": {"0": 1, "1": 2}, "1": {"0": 0, "1": 1}})
    accumulator = BinaryAccumulator(positive_label="1")
    accumulator.update(y, p)
    ours = statistics_from_accumulator(accumulator)
    for name, metric in documented.metrics.items():
        if name == "auc":
            continue  # the page's curve and AUC come from other rows than its matrix
        assert ours.metrics[name].value == pytest.approx(metric.value, rel=2e-16), name
        assert ours.metrics[name].standard_deviation is None
    assert ours.confusion_matrix == documented.confusion_matrix


def test_documented_regression_example_reads() -> None:
    documented = read_statistics(DATA / "sagemaker_doc_regression_statistics.json")
    assert documented.problem_type == "regression"
    assert documented.values() == {
        "mae": 0.3711832061068702,
        "mse": 0.3711832061068702,
        "rmse": 0.609248066149471,
        "r2": -1.3766111872212665,
    }


@pytest.mark.parametrize("name", ["binary", "multiclass", "regression"])
def test_documented_files_round_trip(name: str, tmp_path: Path) -> None:
    documented = read_statistics(DATA / f"sagemaker_doc_{name}_statistics.json")
    written = write_statistics(tmp_path / "statistics.json", documented)
    again = read_statistics(written)
    assert again == documented
    original = json.loads((DATA / f"sagemaker_doc_{name}_statistics.json").read_text())
    assert (
        json.loads(written.read_text()) == original
    )  # same keys, same order of blocks, same values


def test_our_statistics_round_trip_with_nan_spreads(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 150)  # below 200 rows: every spread is "NaN"
    s = rng.random(150)
    accumulator = BinaryAccumulator()
    accumulator.update(y, None, s)
    statistics = statistics_from_accumulator(accumulator)
    path = write_statistics(tmp_path / "statistics.json", statistics)
    text = path.read_text()
    assert '"standard_deviation": "NaN"' in text
    block = json.loads(text)["binary_classification_metrics"]
    assert list(block)[:4] == ["confusion_matrix", "recall", "precision", "accuracy"]
    assert block["auc"]["value"] == pytest.approx(
        sk.roc_auc_score(y, s), abs=accumulator.error_bounds()["auc"] + 1e-12
    )
    assert (
        "pr_auc" in block and "log_loss" in block
    )  # driftplane's additions, after SageMaker's keys
    fpr = block["receiver_operating_characteristic_curve"]["false_positive_rates"]
    assert fpr[0] == 0.0 and fpr[-1] == 1.0 and fpr == sorted(fpr)
    assert read_statistics(path) == statistics


def test_regression_statistics_are_sagemakers_block(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    y = rng.normal(10, 2, 1000)
    p = y + rng.normal(0, 0.5, 1000)
    accumulator = RegressionAccumulator()
    accumulator.update(y, p)
    document = statistics_document(statistics_from_accumulator(accumulator))
    block = document["regression_metrics"]
    assert list(block) == ["mae", "mse", "rmse", "r2", "mape"]
    assert block["rmse"]["value"] == pytest.approx(sk.root_mean_squared_error(y, p), rel=1e-13)
    assert isinstance(block["mae"]["standard_deviation"], float)


def test_constraints_read_check_and_violations_round_trip(tmp_path: Path) -> None:
    constraints = read_constraints(DATA / "sagemaker_book_multiclass_constraints.json")
    assert constraints.constraints["weighted_precision"] == QualityConstraint(
        0.6983172269629505, "LessThanThreshold"
    )
    window = {"weighted_recall": 0.6, "weighted_precision": 0.61, "accuracy": 0.2}
    violations = check_constraints(window, constraints)
    assert [(v.metric_name, v.constraint_check_type) for v in violations] == [
        ("weighted_precision", "LessThanThreshold")
    ]
    assert (
        violations[0].description
        == "Metric weighted_precision with 0.61 was LessThanThreshold 0.6983172269629505"
    )
    path = write_violations(tmp_path / "constraint_violations.json", violations)
    assert json.loads(path.read_text()) == {
        "violations": [
            {
                "metric_name": "weighted_precision",
                "constraint_check_type": "LessThanThreshold",
                "description": "Metric weighted_precision with 0.61 was LessThanThreshold 0.6983172269629505",
            }
        ]
    }
    assert read_violations(path) == violations
    written = write_constraints(tmp_path / "constraints.json", constraints)
    assert read_constraints(written) == constraints
    assert json.loads(written.read_text()) == json.loads(
        (DATA / "sagemaker_book_multiclass_constraints.json").read_text()
    )


def test_suggested_constraints_are_the_baseline_values_in_the_right_direction() -> None:
    regression = suggest_constraints(
        read_statistics(DATA / "sagemaker_doc_regression_statistics.json")
    )
    assert regression.constraints["rmse"] == QualityConstraint(
        0.609248066149471, "GreaterThanThreshold"
    )
    assert regression.constraints["r2"] == QualityConstraint(
        -1.3766111872212665, "LessThanThreshold"
    )
    multiclass = suggest_constraints(
        read_statistics(DATA / "sagemaker_doc_multiclass_statistics.json")
    )
    assert multiclass.constraints["weighted_precision"] == QualityConstraint(
        0.6983172269629505, "LessThanThreshold"
    )
    assert "macro_f1" not in multiclass.constraints  # SageMaker's file has no macro averages
    assert (
        constraints_document(multiclass)["multiclass_classification_constraints"]["accuracy"][
            "comparison_operator"
        ]
        == "LessThanThreshold"
    )
    worse = {"mae": 0.5, "mse": 0.2, "rmse": 0.7, "r2": -1.0}
    assert [v.metric_name for v in check_constraints(worse, regression)] == ["mae", "rmse"]


def test_bad_files_are_refused_with_the_key_and_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(
        DataError,
        match=r"s.json: not a SageMaker model-quality statistics.json.*a data-quality file has 'features'",
    ):
        parse_statistics({"version": 0.0, "dataset": {"item_count": 3}, "features": []}, "s.json")
    with pytest.raises(
        DataError,
        match=r"c.json: multiclass_classification_constraints.accuracy.comparison_operator: 'Below' is not one of",
    ):
        parse_constraints(
            {
                "multiclass_classification_constraints": {
                    "accuracy": {"threshold": 0.5, "comparison_operator": "Below"}
                }
            },
            "c.json",
        )
    with pytest.raises(
        DataError,
        match=r"binary_classification_metrics.confusion_matrix.0.1: a count must be a number of at least 0",
    ):
        parse_statistics({"binary_classification_metrics": {"confusion_matrix": {"0": {"1": -2}}}})
    with pytest.raises(DataError, match=r"regression_metrics.mae: expected"):
        parse_statistics({"regression_metrics": {"mae": 0.3}})
    broken = tmp_path / "statistics.json"
    broken.write_text('{"regression_metrics": {', encoding="utf-8")
    with pytest.raises(DataError, match=r"statistics.json:1:\d+: not valid JSON"):
        read_statistics(broken)
