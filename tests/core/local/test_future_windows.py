"""Windows in the future, older windows and huge backfills never leave an alert silently stale.

The target here is one file without time partitions, so any window reads it: exactly the
setup in which an old `run --at 2099-06-02` succeeded, was judged, and then made every
present-day window look older, so a fully drifted day never fired.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from tests.core.conftest import HttpReceiver

from driftplane.cli import cli
from driftplane.local.history import HistoryStore
from driftplane.local.runner import LocalRunner
from driftplane.local.settings import LocalSettings
from driftplane.result import Window
from driftplane.spec import load_spec

TODAY = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def write_target(root: Path, *, drifted: bool) -> None:
    rng = np.random.default_rng(11 if drifted else 12)
    shift = 25.0 if drifted else 0.0
    pq.write_table(
        pa.table({"age": rng.normal(40 + shift, 10, 1500), "plan": rng.choice(["a", "b"], 1500)}),
        root / "target.parquet",
    )


def make_project(root: Path, hook: str, *, schedule: str = "daily") -> Path:
    rng = np.random.default_rng(10)
    pq.write_table(
        pa.table({"age": rng.normal(40, 10, 5000), "plan": rng.choice(["a", "b"], 5000)}), root / "train.parquet"
    )
    write_target(root, drifted=False)
    spec = root / "monitors.yaml"
    spec.write_text(
        textwrap.dedent(
            f"""\
            channels:
              hook: {{type: webhook, url: '{hook}', timeout: 2, retries: 0}}
            monitors:
              churn:
                baseline: {{data: train.parquet}}
                target: {{data: target.parquet, window: 1d}}
                schedule: "{schedule}"
                alerts:
                  - {{name: inputs drifted, when: drift, notify: [hook]}}
            """
        )
    )
    return spec


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def events(receiver: HttpReceiver) -> list[tuple[str, str]]:
    return [(r.json()["event"], r.json()["window"]["end"][:10]) for r in receiver.requests]


def test_a_window_ending_in_the_future_is_refused_and_todays_drift_still_fires(
    tmp_path: Path, http_receiver: HttpReceiver
) -> None:
    spec = make_project(tmp_path, http_receiver.url())
    code, out, err = invoke("run", str(spec), "--at", "2099-06-02")
    assert code == 2, out + err
    assert "error: --at 2099-06-02T00:00:00Z is in the future" in err
    assert "alerts could not fire" in err
    assert not HistoryStore.exists(tmp_path / ".driftplane")  # nothing ran, nothing recorded
    write_target(tmp_path, drifted=True)
    # Today's window, named: the latest one would move on if the test crossed midnight UTC.
    code, out, err = invoke("run", str(spec), "--at", f"{TODAY:%Y-%m-%d}")
    assert code == 1, out + err
    assert events(http_receiver) == [("firing", f"{TODAY:%Y-%m-%d}")]


def test_a_time_a_little_ahead_is_allowed_for_clock_skew(tmp_path: Path, http_receiver: HttpReceiver) -> None:
    spec = make_project(tmp_path, http_receiver.url())
    ahead = datetime.now(UTC) + timedelta(minutes=2)
    code, out, err = invoke("run", str(spec), "--at", ahead.isoformat())
    assert code == 0, out + err


def test_a_backfill_that_ends_in_the_future_is_refused(tmp_path: Path, http_receiver: HttpReceiver) -> None:
    spec = make_project(tmp_path, http_receiver.url())
    tomorrow = TODAY + timedelta(days=2)
    code, _, err = invoke(
        "run", str(spec), "--from", f"{TODAY - timedelta(days=3):%Y-%m-%d}", "--to", f"{tomorrow:%Y-%m-%d}"
    )
    assert code == 2
    assert f"error: --to {tomorrow:%Y-%m-%d}T00:00:00Z is in the future" in err
    assert not HistoryStore.exists(tmp_path / ".driftplane")


def test_a_future_window_left_in_the_state_by_an_older_version_does_not_silence_today(
    tmp_path: Path, http_receiver: HttpReceiver
) -> None:
    spec_path = make_project(tmp_path, http_receiver.url())
    # What `run --at 2099-06-02` did before it was refused: a clean 2099 window, judged and stored.
    spec = load_spec(spec_path)
    runner = LocalRunner(spec, LocalSettings())
    future = datetime(2099, 6, 2, tzinfo=UTC)
    runner.run("churn", Window(start=future - timedelta(days=1), end=future))
    assert runner.last_window_end("churn") is None  # serve's catch-up is not fooled by it either
    write_target(tmp_path, drifted=True)
    code, out, err = invoke("run", str(spec_path))
    assert code == 1, out + err
    assert events(http_receiver) == [("firing", f"{TODAY:%Y-%m-%d}")]
    assert "was last judged on a window ending 2099-06-02T00:00:00Z, which is in the future" in err
    assert runner.last_window_end("churn") == TODAY


def test_an_older_window_whose_verdict_differs_from_the_alert_says_so(
    tmp_path: Path, http_receiver: HttpReceiver
) -> None:
    spec = make_project(tmp_path, http_receiver.url())
    assert invoke("run", str(spec))[0] == 0  # today: clean, the alert is OK
    write_target(tmp_path, drifted=True)
    yesterday = TODAY - timedelta(days=1)
    code, out, err = invoke("run", str(spec), "--at", f"{yesterday:%Y-%m-%d}")
    assert code == 1
    assert http_receiver.requests == []  # an older window never notifies
    window = f"{yesterday - timedelta(days=1):%Y-%m-%d} 00:00 to {yesterday:%Y-%m-%d} 00:00 UTC"
    assert f"warning: monitor churn: alert 'inputs drifted' would fire for the window {window}" in err
    assert f"but it stays OK, as the newer window ending {TODAY:%Y-%m-%d}T00:00:00Z left it" in err
    # an older window that agrees with the state is not worth a warning
    write_target(tmp_path, drifted=False)
    code, out, err = invoke("run", str(spec), "--at", f"{yesterday:%Y-%m-%d}")
    assert code == 0 and "warning" not in err


def test_a_backfill_of_tens_of_thousands_of_windows_asks_for_yes(tmp_path: Path, http_receiver: HttpReceiver) -> None:
    spec = make_project(tmp_path, http_receiver.url(), schedule="hourly")
    # a subprocess with a deadline: a guard that is missing must fail here, not run for hours
    done = subprocess.run(
        [sys.executable, "-m", "driftplane", "run", str(spec), "--from", "2020-01-01", "--to", "2026-01-01"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    assert (
        "error: the backfill from 2020-01-01T00:00:00Z to 2026-01-01T00:00:00Z would run more than 10,000 "
        "windows (of churn (hourly)). Narrow --from and --to, pick monitors with --monitor, or add --yes"
    ) in done.stderr
    assert not HistoryStore.exists(tmp_path / ".driftplane")


def test_yes_runs_a_backfill_over_the_limit(
    tmp_path: Path, http_receiver: HttpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("driftplane.engine.loop.MAX_BACKFILL_WINDOWS", 3)  # the limit, made small
    spec = make_project(tmp_path, http_receiver.url())
    args = ["run", str(spec), "--from", f"{TODAY - timedelta(days=5):%Y-%m-%d}", "--to", f"{TODAY:%Y-%m-%d}"]
    code, _, err = invoke(*args)
    assert code == 2 and "would run more than 3 windows" in err
    code, out, err = invoke(*args, "--yes")
    assert code == 0, out + err
    assert "Backfill of 5 windows: 5 ok" in out
