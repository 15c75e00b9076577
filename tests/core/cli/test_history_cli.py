"""``driftplane history`` as a user at a terminal sees it: unknown names, narrow terminals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from driftplane.cli import cli
from driftplane.local.history import HistoryStore
from driftplane.result import Drift, FeatureResult, Rows, RunResult, Window

DAY0 = datetime(2026, 1, 1, tzinfo=UTC)
# Long enough that a table squeezed to 80 columns has to give something up.
FEATURES = {
    "customer_lifetime_value_usd": [0.02, 0.05, 0.31, 0.4],
    "days_since_last_purchase": [0.01, 0.02, 0.02, 0.03],
    "subscription_plan": [0.2, 0.01, 0.01, 0.01],
}


def _result(monitor: str, day: int) -> RunResult:
    window = Window(start=DAY0 + timedelta(days=day), end=DAY0 + timedelta(days=day + 1))
    features = [
        FeatureResult(
            name=name,
            kind="numerical",
            drift=Drift(
                metric="normalized_wasserstein",
                value=values[day],
                threshold=0.1,
                effective_threshold=0.1,
                drifted=values[day] > 0.1,
            ),
        )
        for name, values in FEATURES.items()
    ]
    drift = any(f.drift is not None and f.drift.drifted for f in features)
    return RunResult(
        monitor=monitor,
        window=window,
        rows=Rows(baseline=120_000, target=48_000 + day),
        status=RunResult.status_for(drift, False),
        features=features,
        started_at=window.end,
        duration_seconds=12.5,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A spec with monitors churn and fraud; churn has four runs in the spec's state directory."""
    (tmp_path / "monitors.yaml").write_text(
        "monitors:\n"
        "  churn: {baseline: {data: train.parquet}, target: {data: 'capture/*.parquet', window: 1d}}\n"
        "  fraud: {baseline: {data: train.parquet}, target: {data: 'capture/*.parquet', window: 1d}}\n"
    )
    with HistoryStore.open(tmp_path / ".driftplane") as store:
        for day in range(4):
            store.record_run(_result("churn", day), duration_seconds=12.5)
        store.record_run(_result("retired", 0), duration_seconds=1.0)
    return tmp_path


def invoke(*args: str, columns: int = 80) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["history", *args], env={"COLUMNS": str(columns)})
    return result.exit_code, result.stdout, result.stderr


def test_a_monitor_not_in_the_spec_is_a_usage_error_with_the_closest_name(project: Path) -> None:
    code, out, err = invoke("chrun", "--spec", str(project / "monitors.yaml"))
    assert code == 2, out
    assert "no monitor named 'chrun'; did you mean 'churn'? The spec has: churn, fraud" in err
    assert "has no runs recorded" not in out


def test_a_retired_monitor_with_runs_is_still_shown(project: Path) -> None:
    code, out, err = invoke("retired", "--spec", str(project / "monitors.yaml"))
    assert code == 0, err
    assert "Last 1 run of retired" in out


def test_a_spec_monitor_without_runs_says_so(project: Path) -> None:
    code, out, _ = invoke("fraud", "--spec", str(project / "monitors.yaml"))
    assert code == 0
    assert "Monitor 'fraud' has no runs recorded" in out
    assert "monitors with runs: churn, retired" in out


def test_without_a_spec_an_unknown_name_lists_the_monitors_with_history(project: Path) -> None:
    code, out, _ = invoke("chrun", "--state-dir", str(project / ".driftplane"))
    assert code == 0
    assert "Monitor 'chrun' has no runs recorded in" in out
    assert "did you mean 'churn'? Monitors with runs: churn, retired." in out


def _first_column(table: str) -> str:
    """The text of a table's first column, its folded pieces joined: the header sets its edge."""
    lines = table.splitlines()
    header = next(i for i, line in enumerate(lines) if line.lstrip().startswith("feature"))
    edge = lines[header].index("metric")
    body = lines[header + 2 :]  # below the rule under the header
    return "".join(line[:edge].strip() for line in body)


@pytest.mark.parametrize("columns", [80, 60])
def test_feature_names_stay_visible_in_a_narrow_terminal(project: Path, columns: int) -> None:
    code, out, err = invoke("churn", "--spec", str(project / "monitors.yaml"), columns=columns)
    assert code == 0, err
    assert max(len(line) for line in out.splitlines()) <= columns, out
    trend_table = out[out.index("Drift per feature") :]
    names = _first_column(trend_table)
    for name in FEATURES:
        assert name in names, trend_table
    # each row still shows its numbers: the latest value and how often it drifted
    row = next(line for line in trend_table.splitlines() if line.lstrip().startswith("customer"))
    assert "0.4" in row and "2 of 4" in row, trend_table
    if columns >= 80:  # room enough for the whole name on one line
        assert " customer_lifetime_value_usd " in row, trend_table
