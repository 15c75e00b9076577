"""Model-quality judgements in the history: every judgement kept, trends, the CLI, and migration."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.core.conftest import build_result
from tests.core.performance_results import DAY0, performance_of, quality_result

from driftplane.cli import cli
from driftplane.local.history import HistoryStore
from driftplane.local.schema import APPLICATION_ID, LATEST_VERSION, MIGRATIONS
from driftplane.result import RunResult

RECORDED = datetime(2026, 3, 20, tzinfo=UTC)


def _accuracy(result: RunResult, estimated: bool = False) -> float | None:
    assert result.performance is not None
    [metric] = [m for m in result.performance.metrics if m.name == "accuracy" and m.estimated == estimated]
    return metric.value


@pytest.fixture
def judged(tmp_path: Path) -> Path:
    """Days 0-4: each window judged provisional (half labelled) a day after it, final three days after;
    day 5 only provisional so far. The labels of day 3 on are wrong for 30% of rows."""
    state = tmp_path / "state"
    with HistoryStore.open(state) as store:
        for day in range(6):
            store.record_run(
                quality_result(day, judged="provisional", labelled_share=0.5),
                recorded_at=RECORDED + timedelta(days=day),
            )
            if day < 5:
                store.record_run(quality_result(day), recorded_at=RECORDED + timedelta(days=day, hours=12))
    return state


def test_a_window_judged_provisional_then_final_keeps_both_judgements(judged: Path) -> None:
    with HistoryStore.open(judged) as store:
        runs = store.list_runs("churn", limit=50)
        judgements = store.judgements("churn", limit=50)
    # The run of each window is replaced; its judgements are all kept.
    assert len(runs) == 6
    assert len(judgements) == 11
    day0 = [j for j in judgements if j.window is not None and j.window.start == DAY0]
    assert [(j.judged, j.current) for j in day0] == [("final", True), ("provisional", False)]
    assert [j.coverage.share for j in day0] == [1.0, 0.5]
    # The provisional judgement still carries the estimate with its band.
    provisional = day0[1].performance
    estimate = next(m for m in provisional.metrics if m.name == "accuracy" and m.estimated)
    assert estimate.lower is not None and estimate.upper is not None
    assert estimate.lower <= estimate.value <= estimate.upper  # type: ignore[operator]
    # The newest window has only its provisional judgement, and it is current.
    assert (judgements[0].judged, judgements[0].current) == ("provisional", True)
    assert judgements[0].window is not None and judgements[0].window.start == DAY0 + timedelta(days=5)


def test_the_trend_follows_each_windows_current_judgement_and_finds_the_drop(judged: Path) -> None:
    with HistoryStore.open(judged) as store:
        trends = {(t.metric, t.estimated): t for t in store.performance_trends("churn")}
        runs = {r.window.start: r for r in store.list_runs("churn", limit=50) if r.window}
    accuracy = trends[("accuracy", False)]
    assert [p.judged for p in accuracy.points] == ["final"] * 5 + ["provisional"]
    assert [p.coverage for p in accuracy.points] == [1.0] * 5 + [0.5]
    assert [p.value for p in accuracy.points] == [_accuracy(runs[DAY0 + timedelta(days=d)]) for d in range(6)]
    assert [p.failed for p in accuracy.points] == [False, False, False, True, True, True]
    assert accuracy.failed_windows == 3
    assert (accuracy.direction, accuracy.threshold) == ("min", 0.85)
    assert accuracy.baseline is not None and accuracy.baseline > 0.85
    # Only the newest window is still estimated: its estimate is a trend of one point with a band.
    estimate = trends[("accuracy", True)]
    assert len(estimate.points) == 1
    assert estimate.points[0].lower is not None and estimate.points[0].upper is not None


def test_a_failed_rerun_of_a_window_keeps_its_judgements(judged: Path) -> None:
    with HistoryStore.open(judged) as store:
        failed = build_result(failed="the labels could not be read").model_copy(
            update={"window": quality_result(0).window}
        )
        store.record_run(failed)
        day0 = [j for j in store.judgements("churn", limit=50) if j.window and j.window.start == DAY0]
        [run] = [r for r in store.list_runs("churn", limit=50) if r.window and r.window.start == DAY0]
    assert run.status == "failed"
    assert [j.judged for j in day0] == ["final", "provisional"]


def test_history_shows_the_performance_trend_and_every_judgement(judged: Path) -> None:
    result = CliRunner().invoke(cli, ["history", "churn", "--state-dir", str(judged)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Model quality over the last 6 judged windows" in out
    accuracy_line = next(line for line in out.splitlines() if line.lstrip().startswith("accuracy "))
    assert ">=0.85" in accuracy_line and "3 of 6" in accuracy_line and "provisional" in accuracy_line
    assert "███" in accuracy_line  # three good windows, then the drop
    estimate_line = next(line for line in out.splitlines() if line.lstrip().startswith("~accuracy "))
    assert "~0.9" in estimate_line and "0 of 1" in estimate_line
    # Unchecked metrics (f1, precision, recall) are left out of the table, and it says so.
    assert not any(line.lstrip().startswith(("f1 ", "recall ")) for line in out.splitlines())
    assert "3 unchecked metrics left out: --json has every metric." in " ".join(out.split())
    # Both judgements of the first window are listed, the final one marked current.
    judgements = out[out.index("Model quality judgements") :]
    judgement_lines = [line for line in judgements.splitlines() if line.lstrip().startswith("2026-03-01 (1d)")]
    assert len(judgement_lines) == 2
    assert "final *" in judgement_lines[0] and "100% of 800" in judgement_lines[0]
    assert "provisional " in judgement_lines[1] and "50% of 800" in judgement_lines[1]


def test_a_long_history_keeps_the_trend_whole_at_80_columns(tmp_path: Path) -> None:
    """Thirty windows do not fit beside the other columns at 80: the oldest are dropped, not the
    newest squeezed into an ellipsis."""
    from tests.core.performance_results import Model, scored_days

    model: Model = scored_days(days=30, drop_day=20)
    with HistoryStore.open(tmp_path) as store:
        for day in range(30):
            result = quality_result(0).model_copy(
                update={
                    "window": quality_result(0).window.model_copy(  # type: ignore[union-attr]
                        update={"start": DAY0 + timedelta(days=day), "end": DAY0 + timedelta(days=day + 1)}
                    ),
                    "performance": performance_of(day, model=model),
                }
            )
            store.record_run(result, recorded_at=RECORDED)
    # An 80-column terminal (piped output takes the width of its content instead).
    args = ["history", "churn", "--state-dir", str(tmp_path), "--limit", "30"]
    out = CliRunner().invoke(cli, args, env={"COLUMNS": "80"}).output
    lines = out.splitlines()
    accuracy = next(line for line in lines if line.lstrip().startswith("accuracy "))
    assert "…" not in accuracy and all(len(line) <= 80 for line in lines)
    drawn = next(line for line in lines if line.startswith("Model quality over the last"))
    shown = int(drawn.split("last ")[1].split(" ")[0])
    assert 12 <= shown < 30
    assert f"10 of {shown}" in accuracy  # the ten windows from the drop on are all among the newest


def test_history_json_carries_judgements_and_performance_trends(judged: Path) -> None:
    result = CliRunner().invoke(cli, ["history", "churn", "--state-dir", str(judged), "--json"], catch_exceptions=False)
    data = json.loads(result.output)
    day0 = [j for j in data["judgements"] if j["window"]["start"].startswith("2026-03-01")]
    assert [(j["judged"], j["current"], j["coverage"]["share"]) for j in day0] == [
        ("final", True, 1.0),
        ("provisional", False, 0.5),
    ]
    accuracy = next(t for t in data["performance_trends"] if t["metric"] == "accuracy" and not t["estimated"])
    assert [p["judged"] for p in accuracy["points"]][-2:] == ["final", "provisional"]
    assert accuracy["points"][3]["failed"] is True and accuracy["points"][3]["value"] < 0.85
    # Runs keep their performance in the result JSON too.
    assert data["runs"][0]["performance"]["judged"] == "provisional"


def test_history_of_a_monitor_without_a_model_shows_no_quality_tables(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        store.record_run(build_result())
    result = CliRunner().invoke(cli, ["history", "churn", "--state-dir", str(tmp_path)], catch_exceptions=False)
    assert "Model quality" not in result.output
    data = json.loads(
        CliRunner().invoke(cli, ["history", "churn", "--state-dir", str(tmp_path), "--json"]).output
    )
    assert data["judgements"] == [] and data["performance_trends"] == []


# --- migration --------------------------------------------------------------------------------


def _write_version_2_database(path: Path, results: list[RunResult]) -> None:
    """What the driftplane before model-quality history left behind: two migrations, and runs
    recorded as its record_run did (one row per window, result JSON that may carry performance)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for script in MIGRATIONS[:2]:
        for statement in script.split(";"):
            if statement.strip():
                conn.execute(statement)
    for result in results:
        assert result.window is not None
        start = result.window.start.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        end = result.window.end.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        conn.execute(
            """INSERT INTO runs (monitor, window_start, window_end, sort_time, status, rows_baseline,
                   rows_target, features, features_drifted, violations, duration_seconds, started_at,
                   recorded_at, reports, driftplane_version, result)
               VALUES (?, ?, ?, ?, ?, 1000, 800, 0, 0, 0, 1.0, NULL, ?, '{}', '0.9.0', ?)""",
            (result.monitor, start, end, end, result.status, end, result.model_dump_json()),
        )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 2")
    conn.close()


def test_an_older_database_gains_judgements_from_the_runs_it_holds(tmp_path: Path) -> None:
    old = [quality_result(2), quality_result(3, judged="provisional", labelled_share=0.4), build_result("fraud")]
    _write_version_2_database(tmp_path / "driftplane.db", old)
    with HistoryStore.open(tmp_path) as store:
        assert store.database.version == LATEST_VERSION
        judgements = store.judgements("churn")
        trends = {(t.metric, t.estimated): t for t in store.performance_trends("churn")}
        assert store.judgements("fraud") == []
        assert [r.result.monitor for r in store.records(limit=10)].count("churn") == 2
        # New judgements land beside the copied ones.
        store.record_run(quality_result(3), recorded_at=RECORDED)
        after = store.judgements("churn")
        assert store.integrity_problems() == []
    assert [(j.judged, j.coverage.share) for j in judgements] == [("provisional", 0.4), ("final", 1.0)]
    assert judgements[1].performance == old[0].performance
    accuracy = trends[("accuracy", False)]
    assert [p.value for p in accuracy.points] == [_accuracy(old[0]), _accuracy(old[1])]
    assert [p.failed for p in accuracy.points] == [False, True]
    assert trends[("accuracy", True)].points[0].upper is not None
    assert [(j.judged, j.current) for j in after[:2]] == [("final", True), ("provisional", False)]
    backup = sqlite3.connect(tmp_path / "driftplane.db.v2.bak")
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 2


def test_undefined_and_infinite_values_read_back_as_null_and_print(tmp_path: Path) -> None:
    """A window whose labels are all one class has no AUC; a value another tool wrote as infinity
    must not make --json print a number JSON does not have."""
    from driftplane.engine.performance import BinaryAccumulator
    from driftplane.result import PerformanceMetric

    accumulator = BinaryAccumulator()
    accumulator.update([1, 1, 1, 1], [1, 0, 1, 1], [0.9, 0.4, 0.8, 0.7])
    values = accumulator.metrics()
    assert values["auc"] is None
    result = quality_result(0)
    assert result.performance is not None
    metrics = [
        PerformanceMetric(name="accuracy", value=values["accuracy"], threshold=0.85, direction="min", failed=True),
        PerformanceMetric(name="auc", value=values["auc"], threshold=0.8, direction="min"),
        PerformanceMetric(name="log_loss", value=float("inf"), baseline=float("nan")),
    ]
    with HistoryStore.open(tmp_path) as store:
        performance = result.performance.model_copy(update={"metrics": metrics})
        store.record_run(result.model_copy(update={"performance": performance}))
        trends = {t.metric: t for t in store.performance_trends("churn")}
    assert trends["auc"].points[0].value is None and trends["log_loss"].points[0].value is None
    assert trends["accuracy"].points[0].value == 0.75

    def refuse(constant: str) -> None:
        raise AssertionError(f"--json printed {constant}, which is not JSON")

    output = CliRunner().invoke(cli, ["history", "churn", "--state-dir", str(tmp_path), "--json"]).output
    data = json.loads(output, parse_constant=refuse)
    assert [p["value"] for t in data["performance_trends"] if t["metric"] == "log_loss" for p in t["points"]] == [None]
    table = CliRunner().invoke(cli, ["history", "churn", "--state-dir", str(tmp_path)], catch_exceptions=False)
    auc_line = next(line for line in table.output.splitlines() if line.lstrip().startswith("auc "))
    assert "n/a" in auc_line
