"""`driftplane run` on the local provider, end to end: reports, history, alerts, reliability."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
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

DAY0 = datetime(2026, 3, 1, tzinfo=UTC)
DRIFT_DAYS = {2, 3}  # 0-based days whose data is shifted
REPORT_FILES = {"report.html", "statistics.json", "constraints.json", "constraint_violations.json", "result.json"}


def table(rng: np.random.Generator, rows: int, *, drift: bool) -> pa.Table:
    return pa.table(
        {
            "age": rng.normal(40 + (8 if drift else 0), 10, rows),
            "income": rng.lognormal(10, 0.5, rows),
            "plan": rng.choice(["basic", "plus", "pro"], rows, p=[0.2, 0.3, 0.5] if drift else [0.6, 0.3, 0.1]),
        }
    )


def make_project(
    root: Path, *, days: int = 6, rows: int = 1500, webhook: str | None = None, schedule: str = "daily"
) -> Path:
    """A spec, a baseline and daily partitions; days in DRIFT_DAYS drift."""
    rng = np.random.default_rng(7)
    (root / "data").mkdir(parents=True, exist_ok=True)
    pq.write_table(table(rng, 5000, drift=False), root / "data" / "train.parquet")
    for day in range(days):
        when = DAY0 + timedelta(days=day)
        folder = root / "data" / "daily" / f"{when:%Y}" / f"{when:%m}" / f"{when:%d}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table(rng, rows, drift=day in DRIFT_DAYS), folder / "part.parquet")
    channels = f"channels:\n  hook: {{type: webhook, url: '{webhook}', timeout: 2, retries: 0}}\n" if webhook else ""
    notify = "[hook, log]" if webhook else "[log]"
    spec = root / "monitors.yaml"
    spec.write_text(
        textwrap.dedent(
            """\
            {channels}
            monitors:
              churn:
                baseline: {{data: data/train.parquet}}
                target:
                  data: "data/daily/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/*.parquet"
                  window: 1d
                schedule: "{schedule}"
                alerts:
                  - {{name: inputs drifted, when: drift, notify: {notify}}}
                  - {{name: run failed, when: failure, notify: {notify}}}
            """
        ).format(channels=channels, notify=notify, schedule=schedule)
    )
    return spec


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def report_dirs(root: Path) -> list[Path]:
    return sorted(p for p in (root / "reports" / "churn").iterdir() if not p.name.startswith("."))


def test_backfill_writes_reports_records_history_and_alerts_once(tmp_path: Path, http_receiver: HttpReceiver) -> None:
    spec = make_project(tmp_path, webhook=http_receiver.url())
    code, out, err = invoke("run", str(spec), "--from", "2026-03-01", "--to", "2026-03-07", "--json")
    assert code == 1, err  # drift was found
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["window"]["end"][:10] for r in results] == [f"2026-03-0{d}" for d in range(2, 8)]
    assert [r["status"] != "ok" for r in results] == [False, False, True, True, False, False]
    # every window has a complete report bundle and nothing half-written is left
    folders = report_dirs(tmp_path)
    assert [f.name for f in folders] == [f"2026-03-0{d}T0000Z" for d in range(2, 8)]
    for folder in folders:
        assert {p.name for p in folder.iterdir()} == REPORT_FILES
    assert not [p for p in (tmp_path / "reports" / "churn").iterdir() if p.name.startswith(".")]
    html = (folders[2] / "report.html").read_text()
    assert "Drift on" in html and "age" in html
    # history holds every run with its report paths
    with HistoryStore.open(tmp_path / ".driftplane") as store:
        runs = store.list_runs("churn", limit=50)
    assert len(runs) == 6 and runs[0].window is not None and runs[0].window.end == DAY0 + timedelta(days=6)
    assert runs[3].reports["html"].endswith("2026-03-04T0000Z/report.html")
    # the alert fired when drift started and resolved when it ended: two POSTs, not one per run
    events = [(r.json()["event"], r.json()["window"]["end"][:10]) for r in http_receiver.requests]
    assert events == [("firing", "2026-03-04"), ("resolved", "2026-03-06")]


def test_fixing_the_receiver_and_running_again_delivers_firing_then_resolved(
    tmp_path: Path, http_receiver: HttpReceiver
) -> None:
    # The receiver answers 500 to the run that fires the alert, then is fixed; the next run,
    # seconds later, resolves it. The receiver must hear FIRING then RESOLVED, nothing after.
    spec = make_project(tmp_path, webhook=http_receiver.url())
    http_receiver.script = [(500, 0.0)]
    code, _, err = invoke("run", str(spec), "--at", "2026-03-04")
    assert code == 1, err
    assert [r.json()["event"] for r in http_receiver.requests] == ["firing"]
    code, _, err = invoke("run", str(spec), "--at", "2026-03-06")
    assert code == 0, err
    code, _, err = invoke("run", str(spec), "--at", "2026-03-07")
    assert code == 0, err
    events = [(r.json()["event"], r.json()["window"]["end"][:10]) for r in http_receiver.requests]
    assert events == [("firing", "2026-03-04"), ("firing", "2026-03-04"), ("resolved", "2026-03-06")]


def test_history_command_shows_the_runs(tmp_path: Path) -> None:
    spec = make_project(tmp_path)
    invoke("run", str(spec), "--from", "2026-03-01", "--to", "2026-03-07")
    code, out, _ = invoke("history", "churn", "--spec", str(spec), "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data["runs"]) == 6


def test_the_table_of_drifted_features_is_indented_header_and_rows_alike(tmp_path: Path) -> None:
    spec = make_project(tmp_path)
    code, out, _ = invoke("run", str(spec), "--at", "2026-03-04")
    assert code == 1
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if "feature" in line and "threshold" in line)
    assert lines[header].startswith("  feature ")
    rows = lines[header + 1 : header + 3]
    assert {row.split()[0] for row in rows} == {"age", "plan"}
    assert all(row.startswith("  ") and not row.startswith("   ") for row in rows)
    assert [row.index(row.split()[1]) for row in rows] == [lines[header].index("kind")] * 2


def test_run_at_a_time_runs_the_window_ending_then(tmp_path: Path) -> None:
    spec = make_project(tmp_path)
    code, out, _ = invoke("run", str(spec), "--at", "2026-03-04", "--json")
    assert code == 1
    (result,) = [json.loads(line) for line in out.splitlines()]
    assert (result["window"]["start"][:10], result["window"]["end"][:10]) == ("2026-03-03", "2026-03-04")
    assert {f["name"] for f in result["features"] if f["drift"]["drifted"]} >= {"age", "plan"}


def test_baseline_is_cached_and_recomputed_when_it_changes(tmp_path: Path) -> None:
    spec = make_project(tmp_path)
    invoke("run", str(spec), "--at", "2026-03-02")
    cache = tmp_path / ".driftplane" / "baselines" / "churn"
    (first,) = list(cache.glob("*.json"))
    invoke("run", str(spec), "--at", "2026-03-03")
    assert list(cache.glob("*.json")) == [first]  # reused, not recomputed
    # a different baseline (new content) gets a new cache entry and the old one goes
    rng = np.random.default_rng(99)
    pq.write_table(table(rng, 4000, drift=True), tmp_path / "data" / "train.parquet")
    code, out, _ = invoke("run", str(spec), "--at", "2026-03-02", "--json")
    (second,) = list(cache.glob("*.json"))
    assert second != first
    assert json.loads(out)["rows"]["baseline"] == 4000


def test_seasonal_baseline_compares_with_the_target_a_period_earlier(tmp_path: Path) -> None:
    spec = make_project(tmp_path, days=8)
    text = spec.read_text().replace("baseline: {data: data/train.parquet}", "baseline: {lag: 2d}")
    spec.write_text(text)
    # the window ending 03-06 (day 4, clean) is compared with the one ending 03-04 (day 2, drifted)
    code, out, _ = invoke("run", str(spec), "--at", "2026-03-06", "--json")
    result = json.loads(out)
    assert code == 1 and result["rows"]["baseline"] == 1500
    assert "age" in {f["name"] for f in result["features"] if f["drift"]["drifted"]}
    # a clean day (day 6) two days after a clean day (day 4) finds nothing
    code, out, _ = invoke("run", str(spec), "--at", "2026-03-08", "--json")
    assert code == 0 and json.loads(out)["status"] == "ok"
    # and a window whose earlier period has no data says so
    code, out, _ = invoke("run", str(spec), "--at", "2026-03-02", "--json")
    assert code == 3
    failed = json.loads(out)
    assert failed["error"] == (
        "monitor churn: the baseline (the target 2d earlier) has no rows in the window "
        "2026-02-27 00:00 to 2026-02-28 00:00 UTC; there is nothing to compare against"
    )
    # the target was never read: the result says so rather than passing 0 rows off as a count
    assert "the target was not read: the baseline failed first" in " ".join(failed["messages"])
    code, out, err = invoke("run", str(spec), "--at", "2026-03-02")
    assert code == 3
    # the reason is the error line on stderr; the result line on stdout says FAILED
    assert (
        "error: churn [2026-03-01 00:00 to 2026-03-02 00:00 UTC]: "
        "FAILED: the baseline (the target 2d earlier) has no rows "
        "in the window 2026-02-27 00:00 to 2026-02-28 00:00 UTC; there is nothing to compare against; report "
    ) in err
    assert "\nchurn [2026-03-01 00:00 to 2026-03-02 00:00 UTC]: FAILED; the reason is on stderr\n" in out
    assert "0 baseline rows" not in out + err


def test_a_window_without_data_fails_clearly_and_fires_the_failure_alert(
    tmp_path: Path, http_receiver: HttpReceiver
) -> None:
    spec = make_project(tmp_path, webhook=http_receiver.url())
    code, out, err = invoke("run", str(spec), "--at", "2026-04-01", "--json")
    assert code == 3
    result = json.loads(out)
    assert result["status"] == "failed"
    looked_at = tmp_path / "data" / "daily" / "2026" / "03" / "31" / "*.parquet"
    assert (
        result["error"]
        == f"monitor churn: no data for the window 2026-03-31 00:00 to 2026-04-01 00:00 UTC; looked at {looked_at}"
    )
    assert [r.json()["alert"] for r in http_receiver.requests] == ["run failed"]
    with HistoryStore.open(tmp_path / ".driftplane") as store:
        assert store.list_runs("churn")[0].status == "failed"


def test_a_window_without_data_is_said_once_in_one_sentence(tmp_path: Path) -> None:
    spec = make_project(tmp_path)
    # no failure alert here: an alert's own notification repeating the reason is its job
    spec.write_text(spec.read_text().replace("- {name: run failed, when: failure, notify: [log]}", ""))
    done = subprocess.run(
        [sys.executable, "-m", "driftplane", "run", str(spec), "--at", "2026-04-01"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        timeout=120,
    )
    assert done.returncode == 3
    looked_at = tmp_path / "data" / "daily" / "2026" / "03" / "31" / "*.parquet"
    sentence = f"monitor churn: no data for the window 2026-03-31 00:00 to 2026-04-01 00:00 UTC; looked at {looked_at}"
    reason = sentence.removeprefix("monitor churn: ")
    assert f"error: churn [2026-03-31 00:00 to 2026-04-01 00:00 UTC]: FAILED: {reason}; report " in done.stderr
    assert "churn [2026-03-31 00:00 to 2026-04-01 00:00 UTC]: FAILED; the reason is on stderr\n" in done.stdout
    everything = done.stdout + done.stderr
    assert everything.count("no data for") == 1, everything
    assert "2026-03-31T00:00:00Z" not in everything


def _run_process(spec: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "driftplane", "run", str(spec), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.slow
def test_killing_a_run_midway_loses_nothing_and_the_next_run_succeeds(tmp_path: Path) -> None:
    spec = make_project(tmp_path, days=12, rows=60_000)
    killed_midway = 0
    for extra in (0.0, 0.05, 0.15, 0.3):
        before = len(report_dirs(tmp_path)) if (tmp_path / "reports" / "churn").exists() else 0
        process = _run_process(spec, "--from", "2026-03-01", "--to", "2026-03-13")
        # kill once the backfill is under way (a window finished), whatever this machine's speed
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            if (tmp_path / "reports" / "churn").exists() and len(report_dirs(tmp_path)) > before:
                break
            time.sleep(0.02)
        time.sleep(extra)
        killed_midway += process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait()
        # whatever was finished is whole; nothing half-written is visible
        for folder in report_dirs(tmp_path) if (tmp_path / "reports" / "churn").exists() else []:
            assert {p.name for p in folder.iterdir()} == REPORT_FILES, folder
        if (tmp_path / ".driftplane" / "driftplane.db").exists():
            with HistoryStore.open(tmp_path / ".driftplane") as store:
                assert store.integrity_problems() == []
                for run in store.list_runs("churn", limit=50):
                    assert Path(run.reports["html"]).is_file()
    assert killed_midway >= 3, "the runs finished before they could be killed; use more data"
    finished = _run_process(spec, "--from", "2026-03-01", "--to", "2026-03-13")
    assert finished.wait(timeout=300) == 1, finished.stderr.read() if finished.stderr else ""
    assert len(report_dirs(tmp_path)) == 12
    assert not [p for p in (tmp_path / "reports" / "churn").iterdir() if p.name.startswith(".")]
    with HistoryStore.open(tmp_path / ".driftplane") as store:
        assert len(store.list_runs("churn", limit=50)) == 12


@pytest.mark.slow
def test_two_runs_of_one_monitor_at_once_take_turns(tmp_path: Path) -> None:
    spec = make_project(tmp_path, days=4, rows=80_000)
    first = _run_process(spec, "--at", "2026-03-03")
    second = _run_process(spec, "--at", "2026-03-03")
    codes = (first.wait(timeout=300), second.wait(timeout=300))
    assert codes == (0, 0), (first.stderr.read() if first.stderr else "", second.stderr.read() if second.stderr else "")
    with HistoryStore.open(tmp_path / ".driftplane") as store:
        assert store.integrity_problems() == []
        runs = store.list_runs("churn")
    assert len(runs) == 1  # the same window, recorded once
    assert {p.name for p in report_dirs(tmp_path)[0].iterdir()} == REPORT_FILES


def _tmpfs_or_none(path: Path) -> bool:
    """Mount a 64 KiB tmpfs at ``path`` (needs root); False where the machine does not allow it."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(path)], capture_output=True)
    return done.returncode == 0


def test_a_full_disk_while_writing_reports_is_a_clear_error_and_history_keeps_the_run(tmp_path: Path) -> None:
    spec = make_project(tmp_path)
    reports = tmp_path / "reports"
    mounted = _tmpfs_or_none(reports)
    if not mounted:
        # Without mount rights, a writer that fails the same way: a file where a folder must go.
        shutil.rmtree(reports)
        reports.mkdir()
        (reports / "churn").write_text("not a directory")
    try:
        code, out, err = invoke("run", str(spec), "--at", "2026-03-04", "--json")
    finally:
        if mounted:
            subprocess.run(["umount", str(reports)], check=True)
    assert code == 3
    assert "could not be written" in err and "The run itself is recorded in history" in err
    if mounted:
        assert "No space left on device" in err
    with HistoryStore.open(tmp_path / ".driftplane") as store:
        (run,) = store.list_runs("churn")
    assert run.status == "drift_and_violations" and run.reports == {}
    assert any("could not be written" in m for m in run.messages)


def test_local_status_lists_last_runs(tmp_path: Path) -> None:
    spec = make_project(tmp_path)
    invoke("run", str(spec), "--at", "2026-03-04")
    code, out, _ = invoke("status", str(spec), "--json")
    assert code == 0
    (status,) = json.loads(out)
    assert status["state"] == "drift_and_violations" and status["schedule"] == "daily"
    assert status["runs"][0]["window"]["end"].startswith("2026-03-04")


def _visible_lines(raw: str) -> list[str]:
    """What a terminal shows of each output line: colours dropped, and only what follows the
    last 'clear line' (ESC[2K), as a terminal would show it."""
    import re

    plain = re.sub(r"\x1b\[[0-9;]*m|\x1b\[\?25[lh]", "", raw)
    return [line.split("\x1b[2K")[-1].replace("\r", "") for line in plain.split("\n")]


def test_a_backfill_on_a_terminal_prints_lines_above_its_progress_bar_and_a_summary(tmp_path: Path) -> None:
    import pty

    spec = make_project(tmp_path, days=5)
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm-256color", "PYTHONUNBUFFERED": "1"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "driftplane", "run", str(spec), "--from", "2026-03-01", "--to", "2026-03-06"],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == 1  # drift found
    raw = b"".join(chunks).decode("utf-8", "replace")
    assert "backfill" in raw and "0/5" in raw, "no progress bar was drawn"
    lines = [line for line in _visible_lines(raw) if line.strip()]
    results = [line for line in lines if line.startswith("churn [")]
    assert len(results) == 5, lines
    assert any(line.startswith("monitor churn: profiling the baseline") for line in lines), lines
    glued = [line for line in lines if "━" in line and not line.startswith("backfill ")]
    assert glued == [], "a copy of the progress bar was glued to the front of a line"
    assert lines[-1] == "Backfill of 5 windows: 3 ok, 2 with drift, 2 with violations, 0 failed."
