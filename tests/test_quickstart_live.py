"""The quickstart on any day: the live generator and `driftplane serve`, both real processes.

A user starts `generate.py --live` and `driftplane serve monitors.yaml` in a copy of the
quickstart; within a minute a run of today's latest window succeeds, finds the drift the
generator writes, and the drift alert reaches a real webhook receiver on 127.0.0.1 and the log.
Nothing here depends on the date: the windows expected are computed from the clock.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from driftplane.local.history import HistoryStore

QUICKSTART = Path(__file__).resolve().parents[1] / "examples" / "quickstart"
MINUTE = 60.0


def _midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _copy_quickstart(root: Path) -> Path:
    """The quickstart without its January partitions: only what the live generator writes is read."""
    folder = root / "quickstart"
    (folder / "data").mkdir(parents=True)
    for name in ("generate.py", "monitors.yaml"):
        shutil.copy(QUICKSTART / name, folder / name)
    shutil.copy(QUICKSTART / "data" / "train.parquet", folder / "data" / "train.parquet")
    return folder


class _Receiver(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict]]:
    """A real HTTP receiver on 127.0.0.1 that the quickstart's webhook channel posts to."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    handler = type("Receiver", (_Receiver,), {"received": []})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("QUICKSTART_WEBHOOK_URL", f"http://127.0.0.1:{server.server_port}/driftplane")
    try:
        yield handler.received
    finally:
        server.shutdown()
        server.server_close()


class _Output:
    """A process's combined output, read on a thread so that waiting never blocks on a pipe."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        assert process.stdout is not None
        self._thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self._thread.start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.append(line)

    def text(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, deadline: float) -> re.Match[str] | None:
        while time.monotonic() < deadline:
            found = re.search(pattern, self.text(), re.M)
            if found:
                return found
            time.sleep(0.1)
        return None

    def finish(self) -> str:
        self._thread.join(10)
        return self.text()


def _start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _stop(process: subprocess.Popen[str]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


def _batches(folder: Path) -> list[Path]:
    """The generator's minute batches (not the whole day it writes first)."""
    live = sorted((folder / "data" / "daily").rglob("live-*.parquet"))
    return [p for p in live if p.name != "live-day.parquet"]


def test_generator_and_serve_give_a_successful_run_and_a_drift_alert_within_a_minute(
    tmp_path: Path, webhook: list[dict]
) -> None:
    folder = _copy_quickstart(tmp_path)
    generator = _start(["generate.py", "--live", "--every", "1"], folder)
    serve = None
    try:
        written = _Output(generator)
        assert written.wait_for(r"^wrote 200 rows to data/daily/\S+/live-\S+\.parquet$", time.monotonic() + MINUTE), (
            written.text()
        )
        before = datetime.now(UTC)
        serve = _start(["-m", "driftplane", "serve", "monitors.yaml", "--port", "0"], folder)
        served = _Output(serve)
        deadline = time.monotonic() + MINUTE
        summary = served.wait_for(r"^churn \[.*\]: DRIFT.*$", deadline)
        while not webhook and time.monotonic() < deadline:
            time.sleep(0.1)
        after = datetime.now(UTC)
        assert summary is not None, f"no run found drift within a minute:\n{served.text()}"
        assert webhook, f"no alert reached the webhook within a minute:\n{served.text()}"
        # Serve may be done within the generator's first second: let it write a second batch.
        until = time.monotonic() + 30
        while len(_batches(folder)) < 2 and time.monotonic() < until:
            time.sleep(0.1)
    finally:
        generator_code = _stop(generator)
        serve_code = _stop(serve) if serve is not None else None
    assert generator_code == 0 and serve_code == 0
    output = served.finish()
    assert "stopped; every file written is complete" in written.finish()

    # The window serve caught up at start: the latest whole day, which the generator wrote.
    ends = {_midnight(before), _midnight(after)}
    with HistoryStore.open(folder / ".driftplane") as store:
        runs = store.list_runs("churn")
    assert len(runs) == 1, output
    run = runs[0]
    assert run.window is not None and run.window.end in ends
    assert run.status == "drift_and_violations"
    assert run.rows is not None and run.rows.target == 2_000  # yesterday's whole day of traffic
    assert {"day_mins", "intl_plan"} <= {f.name for f in run.drifted_features}
    assert "ZZ" in output  # the new state code, a violation in words

    # The drift alert, through the webhook (JSON) and the log channel (serve's output).
    drift = [n for n in webhook if n["condition"] == "drift"]
    assert len(drift) == 1, webhook
    assert drift[0]["monitor"] == "churn" and drift[0]["event"] == "firing"
    assert drift[0]["alert"] == "churn inputs drifted"
    assert {f["name"] for f in drift[0]["drifted_features"]} >= {"day_mins", "intl_plan"}
    assert "churn inputs drifted" in output.replace(summary.group(0), "")

    # The generator kept writing today's traffic while serve ran, each file complete.
    batches = _batches(folder)
    assert len(batches) >= 2, batches
    assert all(pq.read_metadata(p).num_rows == 200 for p in batches)
    assert not list((folder / "data").rglob("*.tmp"))


def test_live_once_writes_yesterday_and_today_and_never_overwrites_a_day(tmp_path: Path) -> None:
    folder = _copy_quickstart(tmp_path)
    before = datetime.now(UTC)
    first = subprocess.run(
        [sys.executable, "generate.py", "--live", "--once"], cwd=folder, capture_output=True, text=True, check=True
    )
    after = datetime.now(UTC)
    days = {(_midnight(before) - timedelta(days=1)).date(), before.date(), after.date()}
    written = {
        p.relative_to(folder / "data" / "daily").parent.as_posix()
        for p in (folder / "data" / "daily").rglob("*.parquet")
    }
    assert written <= {f"{d:%Y/%m/%d}" for d in days}
    assert len(written) == 2, first.stdout
    assert "(yesterday, UTC)" in first.stdout
    yesterday = next((folder / "data" / "daily").rglob("live-day.parquet"))
    assert pq.read_metadata(yesterday).num_rows == 2_000
    stamp = yesterday.stat().st_mtime_ns
    second = subprocess.run(
        [sys.executable, "generate.py", "--live", "--once"], cwd=folder, capture_output=True, text=True, check=True
    )
    assert "(yesterday, UTC)" not in second.stdout
    assert yesterday.stat().st_mtime_ns == stamp


def test_run_helps_first_example_works_on_the_generated_data(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from driftplane.cli import cli

    help_text = CliRunner().invoke(cli, ["run", "--help"]).output
    first = help_text.split("Examples:", 1)[1].strip().splitlines()[0].split()
    assert first == ["driftplane", "run", "examples/quickstart/monitors.yaml"]
    folder = _copy_quickstart(tmp_path / "examples")
    subprocess.run([sys.executable, "generate.py", "--live", "--once"], cwd=folder, capture_output=True, check=True)
    env = {**os.environ, "QUICKSTART_WEBHOOK_URL": "http://127.0.0.1:9/closed"}  # nothing listens: fails fast
    before = datetime.now(UTC)
    done = subprocess.run(
        [sys.executable, "-m", *first, "--json"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    after = datetime.now(UTC)
    assert done.returncode == 1, done.stderr  # drift found; 3 would be a failed window
    result = json.loads(done.stdout.splitlines()[0])
    assert result["status"] == "drift_and_violations"
    assert result["window"]["end"] in {f"{_midnight(t):%Y-%m-%dT%H:%M:%SZ}" for t in (before, after)}


def test_the_committed_january_data_is_what_generate_writes(tmp_path: Path) -> None:
    folder = _copy_quickstart(tmp_path)
    subprocess.run([sys.executable, "generate.py"], cwd=folder, capture_output=True, text=True, check=True)
    for relative in ("train.parquet", "daily/2026/01/01/scores.parquet", "daily/2026/01/14/scores.parquet"):
        made = pq.read_table(folder / "data" / relative)
        committed = pq.read_table(QUICKSTART / "data" / relative)
        assert made.equals(committed), relative


def test_the_readme_documents_the_two_commands_tested_here() -> None:
    readme = (QUICKSTART.parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = [block.split("```", 1)[0] for block in readme.split("```bash")[1:]]
    live = [block for block in blocks if "generate.py --live" in block]
    assert len(live) == 1
    commands = [line.split("#", 1)[0].strip() for line in live[0].strip().splitlines()]
    assert commands == ["uv run python generate.py --live", "uv run driftplane serve monitors.yaml"]
