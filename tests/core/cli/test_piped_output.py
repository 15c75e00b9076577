"""Output piped to a file or a CI log: tables as wide as their content, no cell split mid-word.

Piped output is never redrawn, so a table folded into 80 columns stays folded
('custserv_call' / 's'). Checked with click's runner (not a terminal) and with a real pipe.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.core.cli.test_history_cli import FEATURES, _result

from driftplane.cli import cli
from driftplane.local.history import HistoryStore

# A state directory whose path alone is wider than 80 columns: the tables' titles name it.
DEEP = "a_state_directory_whose_name_alone_is_wider_than_a_terminal_of_eighty_columns_would_be"


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    directory = tmp_path / DEEP / ".driftplane"
    with HistoryStore.open(directory) as store:
        for day in range(4):
            store.record_run(_result("churn", day), duration_seconds=12.5)
    return directory


@pytest.fixture(autouse=True)
def _no_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)


def piped(*args: str) -> str:
    """stdout of the CLI in a process whose stdout is a real pipe."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    done = subprocess.run(
        [sys.executable, "-m", "driftplane", *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def runner(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def line_with(out: str, text: str) -> str:
    return next(line for line in out.splitlines() if text in line)


@pytest.mark.parametrize("run", [runner, piped], ids=["CliRunner", "pipe"])
def test_history_piped_keeps_every_name_and_path_whole_on_one_line(  # type: ignore[no-untyped-def]
    run, state_dir: Path
) -> None:
    out = run("history", "churn", "--state-dir", str(state_dir))
    # the runs table: the drifted feature's name whole in the row of its window
    row = line_with(out, "2026-01-04 (1d)")
    assert "1 of 3: customer_lifetime_value_usd" in row, out
    # the trend table: one row per feature with its name, trend and counts
    trends = {line.split()[0]: line for line in out[out.index("Drift per feature") :].splitlines()[4:] if line.strip()}
    assert sorted(trends) == sorted(FEATURES), out
    assert "2 of 4 runs" in trends["customer_lifetime_value_usd"], out
    # the title names the database in one piece
    assert f"{state_dir / 'driftplane.db'})" in line_with(out, "Last 4 runs of churn"), out
    listing = run("history", "--state-dir", str(state_dir))
    assert f"Monitors with history in {state_dir / 'driftplane.db'}" in listing, listing
    assert "customer_lifetime_value_usd" in line_with(listing, " churn "), listing


@pytest.mark.parametrize("run", [runner, piped], ids=["CliRunner", "pipe"])
def test_providers_piped_shows_each_description_on_its_row(run) -> None:  # type: ignore[no-untyped-def]
    from driftplane.plugins import get_channel_types, get_providers

    out = run("providers")
    for name, cls in get_providers().items():
        if run is piped or name == "local":  # the runner's process may restrict the plugins loaded
            assert cls.description in line_with(out, f"│ {name} "), out
    for kind, cls in get_channel_types().items():
        assert cls.description in line_with(out, f"│ {kind} "), out


def test_a_terminal_width_the_user_sets_still_wins(state_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["history", "churn", "--state-dir", str(state_dir)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
