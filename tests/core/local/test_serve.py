"""`driftplane serve` as a real process: catch-up, /metrics, /healthz, a clean stop."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftplane.local.history import HistoryStore


def _project(root: Path) -> Path:
    rng = np.random.default_rng(3)
    (root / "data").mkdir()
    pq.write_table(
        pa.table({"x": rng.normal(0, 1, 3000), "c": rng.choice(["a", "b"], 3000)}), root / "data" / "train.parquet"
    )
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    for back in range(1, 4):
        day = today - timedelta(days=back)
        folder = root / "data" / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}"
        folder.mkdir(parents=True)
        pq.write_table(pa.table({"x": rng.normal(0, 1, 800), "c": rng.choice(["a", "b"], 800)}), folder / "p.parquet")
    spec = root / "monitors.yaml"
    spec.write_text(
        textwrap.dedent(
            """\
            providers:
              local: {serve: {port: 0}}
            monitors:
              daily:
                baseline: {data: data/train.parquet}
                target: {data: "data/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.parquet", window: 1d}
                schedule: daily
            """
        )
    )
    return spec


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)


def test_serve_catches_up_one_window_serves_metrics_and_stops_cleanly(tmp_path: Path, no_proxy: None) -> None:
    spec = _project(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "driftplane", "serve", str(spec)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        base = None
        deadline = time.monotonic() + 60
        while base is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            found = re.search(r"serving /metrics and /healthz on (http://127\.0\.0\.1:\d+)", line)
            base = found.group(1) if found else None
        assert base is not None, "serve did not say where it listens (bound to 127.0.0.1 by default)"
        health: dict = {}
        while time.monotonic() < deadline:
            code, body = _get(base + "/healthz")
            health = json.loads(body)
            if health["monitors"]["daily"]["runs"] >= 1:
                break
            time.sleep(0.2)
        assert code == 200 and health["status"] == "ok"
        monitor = health["monitors"]["daily"]
        assert monitor["last_status"] == "ok" and monitor["next_run"]
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        assert monitor["last_window"] == f"{today:%Y-%m-%d}T00:00:00Z"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", monitor["next_run"])
        code, metrics = _get(base + "/metrics")
        assert code == 200
        assert 'driftplane_runs_total{monitor="daily",status="ok"} 1.0' in metrics
        window_end = re.search(
            r'^driftplane_last_window_end_timestamp_seconds\{monitor="daily"\} (\S+)$', metrics, re.M
        )
        assert window_end is not None and float(window_end.group(1)) == today.timestamp()
        finished = re.search(
            r'^driftplane_last_run_finished_timestamp_seconds\{monitor="daily"\} (\S+)$', metrics, re.M
        )
        assert finished is not None and float(finished.group(1)) > today.timestamp()
        assert "driftplane_last_run_timestamp_seconds" not in metrics
        assert 'driftplane_feature_drift{feature="x",metric="normalized_wasserstein",monitor="daily"}' in metrics
        assert _get(base + "/nope")[0] == 404
        time.sleep(1.0)  # no second run: at most one missed window is caught up
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        output = process.stdout.read()
        assert "stopping after the runs in progress finish" in output
    finally:
        if process.poll() is None:
            process.kill()
    yesterday = today - timedelta(days=1)
    assert f"monitor daily: running the window ending {today:%Y-%m-%d} 00:00 UTC\n" in output
    ended = (
        f"daily [{yesterday:%Y-%m-%d} 00:00 to {today:%Y-%m-%d} 00:00 UTC]: no drift, "
        "no violations (800 target rows against 3,000 baseline rows); report "
    )
    assert ended in output
    assert output.split(ended)[1].split("\n")[0].endswith(f"reports/daily/{today:%Y-%m-%d}T0000Z/report.html")
    with HistoryStore.open(tmp_path / ".driftplane") as store:
        runs = store.list_runs("daily")
    assert [r.window.end for r in runs if r.window] == [today]
    reports = tmp_path / "reports" / "daily"
    assert not [p for p in reports.iterdir() if p.name.startswith(".")]


def test_serve_says_a_window_without_data_once_in_its_log_and_in_healthz(tmp_path: Path, no_proxy: None) -> None:
    spec = _project(tmp_path)
    yesterday = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    missing = tmp_path / "data" / f"{yesterday:%Y}" / f"{yesterday:%m}" / f"{yesterday:%d}"
    for file in missing.iterdir():
        file.unlink()
    sentence = (
        f"monitor daily: no data for the window {yesterday:%Y-%m-%d} 00:00 to "
        f"{yesterday + timedelta(days=1):%Y-%m-%d} 00:00 UTC; looked at {missing / '*.parquet'}"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "driftplane", "serve", str(spec)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        base = None
        deadline = time.monotonic() + 60
        while base is None and time.monotonic() < deadline:
            found = re.search(r"serving /metrics and /healthz on (http://127\.0\.0\.1:\d+)", process.stdout.readline())
            base = found.group(1) if found else None
        assert base is not None
        monitor: dict = {}
        while time.monotonic() < deadline:
            monitor = json.loads(_get(base + "/healthz")[1])["monitors"]["daily"]
            if monitor["runs"] >= 1:
                break
            time.sleep(0.2)
        assert monitor["last_status"] == "failed"
        assert monitor["last_error"] == sentence
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        output = process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
    window = f"{yesterday:%Y-%m-%d} 00:00 to {yesterday + timedelta(days=1):%Y-%m-%d} 00:00 UTC"
    reason = sentence.removeprefix("monitor daily: ")
    assert f"error: daily [{window}]: FAILED: {reason}; report " in output
    assert output.count("no data for") == 1, output


def _serve(spec: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "driftplane", "serve", str(spec), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_serve_on_a_busy_port_says_what_to_change_and_exits_2(tmp_path: Path, no_proxy: None) -> None:
    spec = _project(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        process = _serve(spec, "--port", str(port))
        out, err = process.communicate(timeout=60)
    assert process.returncode == 2, err
    assert err == (
        f"error: cannot listen on 127.0.0.1:{port}: the address is in use (another program, or another "
        "driftplane serve, listens there); choose another with --port or providers.local.serve.port\n"
    )
    assert "bug" not in out + err


def test_serve_on_an_address_this_machine_does_not_have_exits_2(tmp_path: Path, no_proxy: None) -> None:
    spec = _project(tmp_path)
    process = _serve(spec, "--host", "192.0.2.1", "--port", "0")  # TEST-NET-1: never a local address
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2, err
    assert err.startswith("error: cannot listen on 192.0.2.1:0: this machine has no such address; set --host")
    assert "0.0.0.0 for every network interface" in err


def test_serve_on_every_interface_warns_that_metrics_are_open_to_the_network(tmp_path: Path, no_proxy: None) -> None:
    spec = _project(tmp_path)
    process = _serve(spec, "--host", "0.0.0.0", "--port", "0")
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + 60
        warning = ""
        while not warning and time.monotonic() < deadline:
            line = process.stderr.readline()
            warning = line if "open to the network" in line else ""
        assert warning.startswith("warning: /metrics and /healthz are open to the network on 0.0.0.0:")
        assert "bind to 127.0.0.1 with --host or providers.local.serve.host" in warning
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_serve_says_a_log_alert_once_after_the_summary_of_its_window(tmp_path: Path, no_proxy: None) -> None:
    """As `driftplane run` does: the window's summary line first, then each alert it raised, said
    once (the log channel's line, not also the alert's own record), in one combined output."""
    spec = _project(tmp_path)
    yesterday = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    folder = tmp_path / "data" / f"{yesterday:%Y}" / f"{yesterday:%m}" / f"{yesterday:%d}"
    rng = np.random.default_rng(5)
    pq.write_table(pa.table({"x": rng.normal(3, 1, 800), "c": rng.choice(["a", "b"], 800)}), folder / "p.parquet")
    spec.write_text(
        spec.read_text()
        + "    alerts:\n"
        + "      - {name: x moved, when: drift, notify: [log]}\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "driftplane", "serve", str(spec)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("x moved" in line for line in lines):
            lines.append(process.stdout.readline())
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        output = "".join(lines) + process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
    summary = [i for i, line in enumerate(output.splitlines()) if line.startswith("daily [")]
    assert len(summary) == 1, output
    moved = [i for i, line in enumerate(output.splitlines()) if "x moved" in line]
    assert len(moved) == 1, output
    assert output.splitlines()[moved[0]].startswith("warning: alert FIRING for monitor daily: x moved: 1 feature")
    assert moved[0] > summary[0], output
