"""The history store against a real SQLite database in a temporary state directory."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from driftplane.errors import DataError
from driftplane.local.history import HistoryStore
from driftplane.local.schema import APPLICATION_ID, LATEST_VERSION, MIGRATIONS
from driftplane.result import RunResult, Window

MakeResult = Callable[..., RunResult]
DAY0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_open_creates_the_directory_and_a_wal_database(tmp_path: Path) -> None:
    state = tmp_path / "nested" / ".driftplane"
    with HistoryStore.open(state) as store:
        assert store.path == state / "driftplane.db"
    conn = sqlite3.connect(state / "driftplane.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


def test_a_recorded_run_comes_back_as_the_same_result(tmp_path: Path, make_result: MakeResult) -> None:
    result = make_result(values={"age": 0.21, "income": 0.03}, violations=[("age", "completeness_check")])
    with HistoryStore.open(tmp_path) as store:
        store.record_run(result, duration_seconds=2.5, reports={"html": "reports/churn/index.html"})
        [back] = store.list_runs("churn")
    assert back.status == "drift_and_violations"
    assert back.duration_seconds == 2.5
    assert back.reports == {"html": "reports/churn/index.html"}
    assert back.model_dump(exclude={"duration_seconds", "reports"}) == result.model_dump(
        exclude={"duration_seconds", "reports"}
    )


def test_runs_are_listed_newest_window_first_even_when_backfilled_out_of_order(
    tmp_path: Path, make_result: MakeResult
) -> None:
    with HistoryStore.open(tmp_path) as store:
        for day in (2, 0, 3, 1):
            store.record_run(make_result(day=day))
        store.record_run(make_result("fraud", day=9))
        runs = store.list_runs("churn", limit=3)
    assert [r.window.end for r in runs if r.window] == [DAY0 + timedelta(days=d) for d in (4, 3, 2)]
    assert {r.monitor for r in runs} == {"churn"}


def test_rerunning_a_window_replaces_the_earlier_run(tmp_path: Path, make_result: MakeResult) -> None:
    with HistoryStore.open(tmp_path) as store:
        store.record_run(make_result(day=0, failed="the target window had no files"))
        store.record_run(make_result(day=0, values={"age": 0.5}))
        runs = store.list_runs("churn")
        trend = store.feature_trend("churn", "age")
    assert [r.status for r in runs] == ["drift"]
    assert trend == [(DAY0 + timedelta(days=1), 0.5, True)]


def test_feature_trend_is_oldest_first_with_drift_marks(tmp_path: Path, make_result: MakeResult) -> None:
    ages = [0.02, 0.05, 0.15, 0.3, 0.04]
    with HistoryStore.open(tmp_path) as store:
        for day, age in enumerate(ages):
            store.record_run(make_result(day=day, values={"age": age, "plan": 0.01}))
        last_three = store.feature_trend("churn", "age", limit=3)
        trends = store.trends("churn", limit=4)
    assert [(p.value, p.drifted) for p in last_three] == [(0.15, True), (0.3, True), (0.04, False)]
    assert last_three[-1].window_end == DAY0 + timedelta(days=5)
    by_name = {t.feature: t for t in trends}
    assert list(by_name) == ["age", "plan"]
    assert [p.value for p in by_name["age"].points] == ages[1:]
    assert by_name["age"].drifted_runs == 2
    assert by_name["age"].metric == "normalized_wasserstein"
    assert by_name["plan"].threshold == 0.1


def test_has_run_counts_successful_windows_and_failed_ones_only_on_request(
    tmp_path: Path, make_result: MakeResult
) -> None:
    with HistoryStore.open(tmp_path) as store:
        store.record_run(make_result(day=0))
        store.record_run(make_result(day=1, failed="no data"))
        day0 = Window(start=DAY0, end=DAY0 + timedelta(days=1))
        day1 = (DAY0 + timedelta(days=1), DAY0 + timedelta(days=2))
        assert store.has_run("churn", day0)
        assert not store.has_run("fraud", day0)
        assert not store.has_run("churn", day1)
        assert store.has_run("churn", day1, include_failed=True)
        assert not store.has_run("churn", (DAY0 + timedelta(days=5), DAY0 + timedelta(days=6)))


def test_monitors_summarise_what_the_history_holds(tmp_path: Path, make_result: MakeResult) -> None:
    with HistoryStore.open(tmp_path) as store:
        store.record_run(make_result(day=0))
        store.record_run(make_result(day=1, values={"age": 0.4}))
        store.record_run(make_result("fraud", day=0, violations=[("amount", "data_type_check")]))
        summary = {m.monitor: m for m in store.monitors()}
    assert summary["churn"].runs == 2
    assert summary["churn"].last_status == "drift"
    assert summary["churn"].last_window_end == DAY0 + timedelta(days=2)
    assert summary["fraud"].last_status == "violations"


def test_reading_a_state_dir_without_history_says_so(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no history database"):
        HistoryStore.open(tmp_path / "empty", create=False)
    assert not (tmp_path / "empty").exists()


# --- versions and foreign files -------------------------------------------------------------


def _write_version_1_database(path: Path) -> None:
    """What a driftplane with only the first migration left behind, with one run in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute(
        """INSERT INTO runs (monitor, window_start, window_end, sort_time, status, rows_baseline,
               rows_target, features, features_drifted, violations, duration_seconds, started_at,
               recorded_at, reports, driftplane_version, result)
           VALUES ('churn', '2026-01-01T00:00:00.000000Z', '2026-01-02T00:00:00.000000Z',
                   '2026-01-02T00:00:00.000000Z', 'ok', 10, 10, 0, 0, 0, 1.0, NULL,
                   '2026-01-02T00:05:00.000000Z', '{}', '0.0.1',
                   '{"monitor": "churn", "rows": {"baseline": 10, "target": 10}, "status": "ok",
                     "window": {"start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z"}}')"""
    )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.close()


def test_an_older_database_is_backed_up_and_migrated_keeping_its_runs(
    tmp_path: Path, make_result: MakeResult
) -> None:
    _write_version_1_database(tmp_path / "driftplane.db")
    with HistoryStore.open(tmp_path) as store:
        assert store.database.version == LATEST_VERSION
        assert [r.status for r in store.list_runs("churn")] == ["ok"]
        store.record_run(make_result(day=1))
        # The tables the migration added are usable.
        with store.database.transaction() as conn:
            conn.execute(
                "INSERT INTO alert_state VALUES ('churn', 'k', 'n', 'ok', 'x', 'r', NULL, 'x')"
            )
    backup = sqlite3.connect(tmp_path / "driftplane.db.v1.bak")
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
    assert backup.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1


def test_a_database_from_a_newer_driftplane_is_refused_and_left_alone(tmp_path: Path) -> None:
    HistoryStore.open(tmp_path).close()
    db = tmp_path / "driftplane.db"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 3}")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(DataError) as caught:
        HistoryStore.open(tmp_path)
    message = str(caught.value)
    assert f"version {LATEST_VERSION + 3}" in message
    assert f"versions 1 to {LATEST_VERSION}" in message
    assert "Upgrade driftplane" in message
    assert str(db) in message
    assert db.read_bytes() == before


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "driftplane.db"
    db.write_text("these are my notes, not a database\n" * 20)
    with pytest.raises(DataError, match="not a driftplane history database") as caught:
        HistoryStore.open(tmp_path)
    assert str(db) in str(caught.value)
    assert db.read_text().startswith("these are my notes")


def test_another_programs_sqlite_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "driftplane.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE invoices (id INTEGER, total REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(DataError, match="not driftplane's") as caught:
        HistoryStore.open(tmp_path)
    assert "invoices" in str(caught.value)
    assert db.read_bytes() == before
