"""A monitor run judges its window's model quality: metrics as scikit-learn computes them on the
labelled rows, the baseline's values, checks, coverage, judgement, estimates, prediction drift."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn import metrics as skm

from driftplane.engine.monitor import BaselineCache, run_monitor
from driftplane.resolved import resolve_monitor
from driftplane.result import Window
from driftplane.spec import load_spec

DAY = datetime(2026, 3, 1, tzinfo=UTC)
WINDOW = Window(start=DAY, end=DAY + timedelta(days=1))


def scored(rng: np.random.Generator, rows: int, start_id: int, flip: float = 0.0) -> dict[str, np.ndarray]:
    x1 = rng.normal(size=rows)
    y = (rng.random(rows) < 1 / (1 + np.exp(-2 * x1))).astype(np.int64)
    score = 1 / (1 + np.exp(-2 * x1))
    pred = (score >= 0.5).astype(np.int64)
    if flip:  # the model goes wrong on a share of rows: its predictions flip, the inputs do not change
        wrong = rng.random(rows) < flip
        pred = np.where(wrong, 1 - pred, pred)
        score = np.where(wrong, 1 - score, score)
    return {"rid": np.arange(start_id, start_id + rows), "x1": x1, "x2": rng.normal(size=rows), "pred": pred,
            "score": score, "y": y}


def build(  # type: ignore[no-untyped-def]
    tmp_path: Path, *, labelled_share: float = 1.0, flip: float = 0.0, extra: str = ""
):
    rng = np.random.default_rng(5)
    base = scored(rng, 4000, 0)
    pq.write_table(pa.table(base), tmp_path / "validation.parquet")
    window = scored(rng, 2000, 100_000, flip)
    folder = tmp_path / "scored" / "2026" / "03" / "01"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({k: v for k, v in window.items() if k != "y"}), folder / "part.parquet")
    landed = rng.random(2000) < labelled_share
    arrival = tmp_path / "labels" / "2026" / "03" / "02"
    arrival.mkdir(parents=True)
    pq.write_table(pa.table({"rid": window["rid"][landed], "y": window["y"][landed]}), arrival / "l.parquet")
    (tmp_path / "monitors.yaml").write_text(textwrap.dedent(f"""\
        monitors:
          churn:
            baseline: {{data: validation.parquet, label: y}}
            target: {{data: "scored/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/*.parquet"}}
            model: {{problem_type: binary, prediction: pred, probability: score, id: rid}}
            labels:
              data: "labels/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/*.parquet"
              label: y
              wait: 3d
              min_coverage: 0.95
            checks:
              performance:
                metrics:
                  accuracy: {{min: 0.7}}
                  auc: {{below_baseline_by: 0.05}}
                estimate: true
        {extra}"""))
    return resolve_monitor(load_spec(tmp_path / "monitors.yaml"), "churn"), base, window, landed


def test_final_window_metrics_equal_sklearn(tmp_path: Path) -> None:
    resolved, base, window, landed = build(tmp_path)
    run = run_monitor(resolved, WINDOW, cache=BaselineCache(tmp_path / "cache"), now=DAY + timedelta(days=2))
    result = run.result
    assert result.status != "failed", result.error
    performance = result.performance
    assert performance is not None and performance.judged == "final"
    assert (performance.coverage.predictions, performance.coverage.labelled) == (2000, 2000)
    realised = {m.name: m for m in performance.realised}
    y, pred, score = window["y"], window["pred"], window["score"]
    assert realised["accuracy"].value == skm.accuracy_score(y, pred)
    assert realised["f1"].value == pytest.approx(skm.f1_score(y, pred), abs=1e-12)
    assert realised["auc"].value == pytest.approx(skm.roc_auc_score(y, score), abs=realised["auc"].error_bound)
    assert realised["accuracy"].baseline == skm.accuracy_score(base["y"], base["pred"])
    assert realised["auc"].threshold == pytest.approx(realised["auc"].baseline - 0.05)
    assert realised["accuracy"].direction == "min" and not realised["accuracy"].failed
    cm = skm.confusion_matrix(y, pred)
    assert performance.confusion_matrix == {"0": {"0": cm[0, 0], "1": cm[0, 1]}, "1": {"0": cm[1, 0], "1": cm[1, 1]}}
    assert performance.calibration
    estimates = {m.name: m for m in performance.estimates}
    assert estimates["accuracy"].lower <= realised["accuracy"].value <= estimates["accuracy"].upper
    # The model's output is its own signal, not an input feature.
    assert {f.name for f in result.prediction_drift} == {"pred", "score"}
    assert {f.name for f in result.features} == {"x1", "x2"}
    assert not result.found_something


def test_provisional_then_estimated_and_none(tmp_path: Path) -> None:
    resolved, _, window, landed = build(tmp_path, labelled_share=0.5)
    performance = run_monitor(resolved, WINDOW, now=DAY + timedelta(days=2)).result.performance
    assert performance is not None and performance.judged == "provisional"
    assert performance.coverage.labelled == int(landed.sum())
    assert performance.coverage.share == pytest.approx(landed.mean())
    realised = {m.name: m.value for m in performance.realised}
    assert realised["accuracy"] == skm.accuracy_score(window["y"][landed], window["pred"][landed])
    later = run_monitor(resolved, WINDOW, now=DAY + timedelta(days=4)).result.performance
    assert later is not None and later.judged == "final"  # the wait passed
    before = run_monitor(resolved, Window(start=DAY - timedelta(days=9), end=DAY - timedelta(days=8)),
                         now=DAY)
    assert before.result.status == "failed"  # no predictions in that window: the run says so


def test_a_failed_final_check_counts_in_the_verdict(tmp_path: Path) -> None:
    resolved, _, _, _ = build(tmp_path, flip=0.4)
    result = run_monitor(resolved, WINDOW, now=DAY + timedelta(days=4)).result
    performance = result.performance
    assert performance is not None and performance.judged == "final"
    failed = {m.name for m in performance.failed_metrics if not m.estimated}
    assert {"accuracy", "auc"} <= failed
    assert not result.drifted_features  # the inputs did not change
    assert result.found_something
    from driftplane.result_summary import summary_line

    assert "PERFORMANCE accuracy" in summary_line(result) and "(final, 100% labelled)" in summary_line(result)


def test_the_estimate_alone_before_labels(tmp_path: Path) -> None:
    resolved, _, window, _ = build(tmp_path, labelled_share=0.0)
    performance = run_monitor(resolved, WINDOW, now=DAY + timedelta(hours=1)).result.performance
    assert performance is not None and performance.judged == "estimated"
    assert performance.realised == [] and performance.coverage.labelled == 0
    accuracy = next(m for m in performance.estimates if m.name == "accuracy")
    truth = skm.accuracy_score(window["y"], window["pred"])
    assert accuracy.lower <= truth <= accuracy.upper


def write_monitor(tmp_path: Path, model: str, checks: str, base: dict, window: dict, labels: dict) -> object:
    pq.write_table(pa.table(base), tmp_path / "validation.parquet")
    folder = tmp_path / "scored" / "2026" / "03" / "01"
    folder.mkdir(parents=True)
    pq.write_table(pa.table(window), folder / "part.parquet")
    arrival = tmp_path / "labels" / "2026" / "03" / "02"
    arrival.mkdir(parents=True)
    pq.write_table(pa.table(labels), arrival / "l.parquet")
    (tmp_path / "monitors.yaml").write_text(textwrap.dedent(f"""\
        monitors:
          m:
            baseline: {{data: validation.parquet, label: y}}
            target: {{data: "scored/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/*.parquet"}}
            model: {model}
            labels:
              data: "labels/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/*.parquet"
              label: y
              wait: 2d
            checks: {{performance: {checks}}}
        """))
    return resolve_monitor(load_spec(tmp_path / "monitors.yaml"), "m")


def test_multiclass_metrics_equal_sklearn(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    classes = np.array(["cat", "dog", "eel"])

    def rows(n: int, start: int) -> dict:
        y = rng.choice(classes, n, p=[0.5, 0.3, 0.2])
        pred = np.where(rng.random(n) < 0.7, y, rng.choice(classes, n))
        return {"rid": np.arange(start, start + n), "x": rng.normal(size=n), "pred": pred, "y": y}

    base, window = rows(3000, 0), rows(1500, 10_000)
    resolved = write_monitor(
        tmp_path,
        "{problem_type: multiclass, prediction: pred, id: rid}",
        "{metrics: {macro_f1: {below_baseline_by: 0.02}, accuracy: {min: 0.5}}}",
        base,
        {k: v for k, v in window.items() if k != "y"},
        {"rid": window["rid"], "y": window["y"]},
    )
    performance = run_monitor(resolved, WINDOW, now=DAY + timedelta(days=3)).result.performance
    assert performance is not None and performance.judged == "final"
    got = {m.name: m.value for m in performance.realised}
    y, pred = window["y"], window["pred"]
    assert got["accuracy"] == skm.accuracy_score(y, pred)
    for average in ("macro", "weighted"):
        assert got[f"{average}_f1"] == pytest.approx(skm.f1_score(y, pred, average=average), abs=1e-12)
        assert got[f"{average}_precision"] == pytest.approx(skm.precision_score(y, pred, average=average), abs=1e-12)
        assert got[f"{average}_recall"] == pytest.approx(skm.recall_score(y, pred, average=average), abs=1e-12)
    cm = skm.confusion_matrix(y, pred, labels=classes)
    expected = {a: {p: cm[i, j] for j, p in enumerate(classes)} for i, a in enumerate(classes)}
    assert performance.confusion_matrix == expected


def test_regression_metrics_equal_sklearn_and_dle_estimates(tmp_path: Path) -> None:
    pytest.importorskip("sklearn.ensemble")
    rng = np.random.default_rng(4)

    def rows(n: int, start: int) -> dict:
        x = rng.normal(size=n)
        noise = rng.normal(scale=0.5 + np.abs(x), size=n)  # the error grows with |x|: DLE can learn it
        y = 3 * x + noise
        return {"rid": np.arange(start, start + n), "x": x, "pred": 3 * x, "y": y}

    base, window = rows(4000, 0), rows(1500, 10_000)
    landed = rng.random(1500) < 0.4
    resolved = write_monitor(
        tmp_path,
        "{problem_type: regression, prediction: pred, id: rid}",
        "{metrics: {rmse: {above_baseline_by: 0.5}, mae: {max: 5}}, estimate: true}",
        base,
        {k: v for k, v in window.items() if k != "y"},
        {"rid": window["rid"][landed], "y": window["y"][landed]},
    )
    performance = run_monitor(resolved, WINDOW, now=DAY + timedelta(days=1)).result.performance
    assert performance is not None and performance.judged == "provisional"
    got = {m.name: m.value for m in performance.realised}
    y, pred = window["y"][landed], window["pred"][landed]
    assert got["mae"] == pytest.approx(skm.mean_absolute_error(y, pred), rel=1e-12)
    assert got["mse"] == pytest.approx(skm.mean_squared_error(y, pred), rel=1e-12)
    assert got["r2"] == pytest.approx(skm.r2_score(y, pred), rel=1e-9)
    assert got["mape"] == pytest.approx(skm.mean_absolute_percentage_error(y, pred), rel=1e-9)
    estimates = {m.name: m for m in performance.estimates}
    truth = skm.mean_absolute_error(window["y"], window["pred"])
    assert estimates["mae"].lower <= truth <= estimates["mae"].upper
    rmse = next(m for m in performance.realised if m.name == "rmse")
    assert rmse.direction == "max" and rmse.threshold == pytest.approx(rmse.baseline + 0.5)


def test_binary_from_probability_alone_uses_the_threshold(tmp_path: Path) -> None:
    rng = np.random.default_rng(8)
    score = rng.random(1000)
    y = (rng.random(1000) < score).astype(np.int64)
    base = {"rid": np.arange(1000), "score": score, "y": y}
    w_score = rng.random(800)
    w_y = (rng.random(800) < w_score).astype(np.int64)
    resolved = write_monitor(
        tmp_path,
        "{problem_type: binary, probability: score, id: rid, threshold: 0.7}",
        "{metrics: {recall: {min: 0.1}}}",
        base,
        {"rid": np.arange(5000, 5800), "score": w_score},
        {"rid": np.arange(5000, 5800), "y": w_y},
    )
    performance = run_monitor(resolved, WINDOW, now=DAY + timedelta(days=3)).result.performance
    assert performance is not None
    got = {m.name: m.value for m in performance.realised}
    assert got["recall"] == skm.recall_score(w_y, (w_score >= 0.7).astype(int))
    assert got["log_loss"] == pytest.approx(skm.log_loss(w_y, w_score), rel=1e-9)


def test_a_baseline_without_the_models_output_is_no_violation(tmp_path: Path) -> None:
    rng = np.random.default_rng(9)
    score = rng.random(600)
    resolved = write_monitor(
        tmp_path,
        "{problem_type: binary, prediction: pred, probability: score, id: rid}",
        "{metrics: {accuracy: {min: 0.2}}}",
        {"x": rng.normal(size=600)},  # training rows: no predictions
        {"rid": np.arange(600), "x": rng.normal(size=600), "pred": (score >= 0.5).astype(int), "score": score},
        {"rid": np.arange(600), "y": rng.integers(0, 2, 600)},
    )
    spec = tmp_path / "monitors.yaml"
    spec.write_text(spec.read_text().replace("{data: validation.parquet, label: y}", "{data: validation.parquet}"))
    resolved = resolve_monitor(load_spec(spec), "m")
    result = run_monitor(resolved, WINDOW, now=DAY + timedelta(days=3)).result
    assert result.status == "ok", (result.error, result.violations)
    assert result.prediction_drift == []
    assert any("prediction drift of pred, score is not measured" in m for m in result.messages)
    assert result.performance is not None and result.performance.judged == "final"


def test_an_estimate_alone_needs_no_labels_and_no_id(tmp_path: Path) -> None:
    rng = np.random.default_rng(6)
    base, window = scored(rng, 3000, 0), scored(rng, 1500, 10_000)
    pq.write_table(pa.table({k: v for k, v in base.items() if k != "rid"}), tmp_path / "validation.parquet")
    folder = tmp_path / "scored" / "2026" / "03" / "01"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({k: v for k, v in window.items() if k not in ("y", "rid")}), folder / "p.parquet")
    (tmp_path / "monitors.yaml").write_text(textwrap.dedent("""\
        monitors:
          m:
            baseline: {data: validation.parquet, label: y}
            target: {data: "scored/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.parquet"}
            model: {problem_type: binary, prediction: pred, probability: score}
            checks: {performance: {metrics: {accuracy: {min: 0.99}}, estimate: true}}
        """))
    resolved = resolve_monitor(load_spec(tmp_path / "monitors.yaml"), "m")
    result = run_monitor(resolved, WINDOW, now=DAY + timedelta(days=1)).result
    performance = result.performance
    assert performance is not None and performance.judged == "estimated", (result.error, performance)
    accuracy = next(m for m in performance.estimates if m.name == "accuracy")
    assert accuracy.failed and accuracy.threshold == 0.99
    assert accuracy.lower <= skm.accuracy_score(window["y"], window["pred"]) <= accuracy.upper
    assert not result.found_something  # an estimate never sets the exit code
    assert performance.confusion_matrix is not None  # the expected counts


def test_check_data_judges_data_that_carries_its_labels(tmp_path: Path) -> None:
    from driftplane.engine.monitor import check_data

    resolved, _, _, _ = build(tmp_path)
    rng = np.random.default_rng(12)
    scored_set = scored(rng, 1200, 50_000, flip=0.3)
    pq.write_table(pa.table(scored_set), tmp_path / "ci.parquet")
    result = check_data(resolved, tmp_path / "ci.parquet")
    performance = result.performance
    assert performance is not None and performance.judged == "final"
    assert performance.coverage.labelled == 1200
    accuracy = next(m for m in performance.metrics if m.name == "accuracy")
    assert accuracy.value == skm.accuracy_score(scored_set["y"], scored_set["pred"])
    assert accuracy.failed  # below the check's min 0.7
    assert result.found_something
    assert {f.name for f in result.prediction_drift} == {"pred", "score"}
    assert "y" not in {f.name for f in result.features}


def test_the_fitted_estimator_is_cached_beside_the_baseline_profile(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    resolved, _, _, _ = build(tmp_path, labelled_share=0.0)
    cache = BaselineCache(tmp_path / "cache")
    first = run_monitor(resolved, WINDOW, cache=cache, now=DAY + timedelta(hours=1)).result.performance
    stored = sorted(p.name for p in (tmp_path / "cache" / "churn").iterdir())
    assert len(stored) == 2 and stored[1].startswith("quality-")  # the profile, then the quality
    caplog.clear()  # only the second run's lines: the first one's may be captured too, at the level earlier tests left
    with caplog.at_level("DEBUG", logger="driftplane"):
        second = run_monitor(resolved, WINDOW, cache=cache, now=DAY + timedelta(hours=1)).result.performance
    assert "using the cached baseline quality" in caplog.text
    assert "reading the labelled baseline" not in caplog.text
    assert first is not None and second is not None
    assert [m.value for m in first.estimates] == [m.value for m in second.estimates]
    # A changed baseline is read and fitted again, and its old quality is dropped with its profile.
    pq.write_table(pq.read_table(tmp_path / "validation.parquet").slice(0, 3000), tmp_path / "validation.parquet")
    run_monitor(resolved, WINDOW, cache=cache, now=DAY + timedelta(hours=1))
    assert len([p for p in (tmp_path / "cache" / "churn").iterdir() if p.name.startswith("quality-")]) == 1
    assert not (tmp_path / "cache" / "churn" / stored[1]).exists()
