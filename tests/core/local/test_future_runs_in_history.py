"""A run recorded for a window in the future (an older driftplane allowed `run --at 2099-...`) is
never a monitor's latest run in `status` and `history`: it is listed in the monitor's runs, said
to be in the future, and the latest is the newest window that ended by now (docs/local.md)."""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from driftplane.cli import cli
from driftplane.local.history import HistoryStore
from driftplane.result import Drift, FeatureResult, Rows, RunResult, Window

TODAY = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
FUTURE = datetime(2099, 6, 1, tzinfo=UTC)


def _result(end: datetime, value: float) -> RunResult:
    window = Window(start=end - timedelta(days=1), end=end)
    feature = FeatureResult(
        name="age",
        kind="numerical",
        drift=Drift(metric="normalized_wasserstein", value=value, threshold=0.1, drifted=value > 0.1),
    )
    return RunResult(
        monitor="churn",
        window=window,
        rows=Rows(baseline=1000, target=500),
        status="drift" if value > 0.1 else "ok",
        features=[feature],
        started_at=end,
        duration_seconds=1.0,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    spec = tmp_path / "monitors.yaml"
    spec.write_text(
        textwrap.dedent(
            """\
            monitors:
              churn:
                baseline: {data: train.parquet}
                target: {data: "d/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.parquet", window: 1d}
                schedule: daily
            """
        )
    )
    with HistoryStore.open(tmp_path / ".driftplane") as store:
        store.record_run(_result(TODAY - timedelta(days=1), 0.02))
        store.record_run(_result(TODAY, 0.03))
        store.record_run(_result(FUTURE, 0.9))  # recorded by an older version
    return spec


def invoke(*args: str) -> tuple[int, str]:
    done = CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})
    return done.exit_code, done.stdout


def test_status_shows_the_latest_window_that_ended_not_the_future_one(project: Path) -> None:
    code, out = invoke("status", str(project))
    assert code == 0, out
    row = next(line for line in out.splitlines() if line.lstrip("│ ").startswith("churn"))
    assert f"{TODAY:%Y-%m-%d} 00:00" in row and "2099" not in row, out
    assert " ok " in row and "drift" not in row, out
    assert "churn: 1 run recorded for a window in the future (not the latest; driftplane history churn lists it)" in out
    code, out = invoke("status", str(project), "--json")
    [status] = json.loads(out)
    assert status["state"] == "ok"
    assert [run["window"]["end"] for run in status["runs"]][:2] == [
        f"{TODAY:%Y-%m-%dT%H:%M:%SZ}", f"{TODAY - timedelta(days=1):%Y-%m-%dT%H:%M:%SZ}"
    ]
    assert status["details"]["future_runs"] == 1


def test_history_of_every_monitor_shows_the_latest_window_that_ended(project: Path) -> None:
    code, out = invoke("history", "--spec", str(project))
    assert code == 0, out
    row = next(line for line in out.splitlines() if line.strip().startswith("churn"))
    assert f"{TODAY - timedelta(days=1):%Y-%m-%d} (1d)" in row and "2099" not in row, out
    assert " 3 " in row  # every recorded run still counts
    code, out = invoke("history", "--spec", str(project), "--json")
    [summary] = json.loads(out)["monitors"]
    assert summary["runs"] == 3
    assert summary["last"]["window"]["end"] == f"{TODAY:%Y-%m-%dT%H:%M:%SZ}"


def test_history_of_a_monitor_lists_the_future_run_and_says_so(project: Path) -> None:
    code, out = invoke("history", "churn", "--spec", str(project))
    assert code == 0, out
    future = next(line for line in out.splitlines() if "2099-05-31" in line)
    assert "in the future" in future, out
    today = next(line for line in out.splitlines() if f"{TODAY - timedelta(days=1):%Y-%m-%d} (1d)" in line)
    assert "in the future" not in today
