"""``driftplane history`` on a real history database."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from driftplane.cli import cli
from driftplane.cli.history_view import sparkline
from driftplane.local.history import HistoryStore
from driftplane.local.schema import LATEST_VERSION
from driftplane.result import RunResult

MakeResult = Callable[..., RunResult]
AGES = [0.02, 0.04, 0.12, 0.2, 0.05]


@pytest.fixture
def state(tmp_path: Path, make_result: MakeResult) -> Path:
    directory = tmp_path / "state"
    with HistoryStore.open(directory) as store:
        for day, age in enumerate(AGES):
            store.record_run(make_result(day=day, values={"age": age, "plan": 0.01}), duration_seconds=2.0)
        store.record_run(make_result(day=5, failed="no files matched capture/2026/01/06/*.jsonl"))
        store.record_run(make_result("fraud", day=0, violations=[("amount", "data_type_check")]))
    return directory


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["history", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_sparkline_scales_from_zero_and_leaves_gaps() -> None:
    assert sparkline([0.0, 0.05, 0.1]) == "▁▅█"
    assert sparkline([0.02, None, 0.04], top=0.08) == "▃ ▅"
    assert sparkline([]) == ""
    assert sparkline([0.0, 0.0]) == "▁▁"


def test_one_monitor_shows_its_runs_and_a_trend_per_feature(state: Path) -> None:
    code, out = invoke("churn", "--state-dir", str(state))
    assert code == 0
    assert "Last 6 runs of churn" in out
    assert "no files matched" in out and "failed" in out
    assert "1 of 2: age" in out
    assert "fraud" not in out
    age_line = next(line for line in out.splitlines() if line.lstrip().startswith("age "))
    assert sparkline(AGES) in age_line
    assert "2 of 5 runs" in age_line


def test_without_a_monitor_every_monitor_is_listed(state: Path) -> None:
    code, out = invoke("--state-dir", str(state), "--limit", "3")
    assert code == 0
    assert "fraud" in out and "churn" in out
    assert "driftplane history MONITOR" in out
    code, out = invoke("--state-dir", str(state), "--json", "--limit", "3")
    data = json.loads(out)
    assert {m["monitor"]: (m["runs"], m["last"]["status"]) for m in data["monitors"]} == {
        "churn": (6, "failed"),
        "fraud": (1, "violations"),
    }
    assert len(data["runs"]) == 3 and data["trends"] == []


def test_json_has_runs_and_trends(state: Path) -> None:
    code, out = invoke("churn", "--state-dir", str(state), "--json", "--limit", "4")
    assert code == 0
    data = json.loads(out)
    assert data["monitor"] == "churn"
    assert [r["status"] for r in data["runs"]] == ["failed", "ok", "drift", "drift"]
    assert data["runs"][1]["duration_seconds"] == 2.0
    age = next(t for t in data["trends"] if t["feature"] == "age")
    assert [(p["value"], p["drifted"]) for p in age["points"]] == [(0.12, True), (0.2, True), (0.05, False)]
    assert age["points"][0]["window_end"] == "2026-01-04T00:00:00+00:00"
    assert age["metric"] == "normalized_wasserstein"


def test_a_monitor_without_runs_says_so_plainly(state: Path) -> None:
    code, out = invoke("payments", "--state-dir", str(state))
    assert code == 0
    assert "Monitor 'payments' has no runs recorded" in out
    assert "churn, fraud" in out


def test_no_history_yet_says_so(tmp_path: Path) -> None:
    code, out = invoke("--state-dir", str(tmp_path / "nothing"))
    assert code == 0
    assert "No history yet in" in out
    assert not (tmp_path / "nothing").exists()


def test_the_state_dir_comes_from_the_spec_relative_to_its_file(
    tmp_path: Path, make_result: MakeResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "monitors.yaml").write_text(
        "providers:\n  local:\n    state_dir: var/state\n"
        "monitors:\n  churn:\n    baseline: {data: train.parquet}\n"
        "    target: {data: 'capture/*.parquet', window: 1d}\n"
    )
    with HistoryStore.open(project / "var" / "state") as store:
        store.record_run(make_result(day=0, values={"age": 0.3}))
    monkeypatch.chdir(tmp_path)
    code, out = invoke("churn", "--spec", "project/monitors.yaml", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert Path(data["state_dir"]).resolve() == (project / "var" / "state").resolve()
    assert [r["status"] for r in data["runs"]] == ["drift"]


def test_no_spec_and_no_state_dir_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = invoke()
    assert code == 2
    assert "pass --spec PATH" in out


def test_a_database_from_a_newer_driftplane_is_refused_with_exit_3(state: Path) -> None:
    conn = sqlite3.connect(state / "driftplane.db")
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    code, out = invoke("churn", "--state-dir", str(state))
    assert code == 3
    assert "written by a newer driftplane" in out


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_history_into_a_pipe_closed_early_exits_0_quietly(state: Path, json_flag: list[str]) -> None:
    # `driftplane history churn | head -1`, with the reader gone before anything is written.
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        process = subprocess.run(
            [sys.executable, "-m", "driftplane", "history", "churn", "--state-dir", str(state), *json_flag],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert (process.returncode, process.stderr) == (0, "")
