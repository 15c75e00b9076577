"""Ctrl-C (SIGINT) ends every command with exit code 130 and one `error: interrupted` line on
stderr, checked on real processes: `serve` stops its runs cleanly first, `run` is stopped in the
middle of sending an alert to a server that never answers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest


def _project(root: Path, alerts: str = "") -> Path:
    rng = np.random.default_rng(3)
    (root / "data").mkdir()
    pq.write_table(pa.table({"x": rng.normal(0, 1, 3000)}), root / "data" / "train.parquet")
    yesterday = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    folder = root / "data" / f"{yesterday:%Y}" / f"{yesterday:%m}" / f"{yesterday:%d}"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"x": rng.normal(3, 1, 800)}), folder / "p.parquet")
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
        + alerts
    )
    return spec


def _start(*args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy")}
    return subprocess.Popen(
        [sys.executable, "-m", "driftplane", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "PYTHONUNBUFFERED": "1"},
    )


def _wait_for(process: subprocess.Popen[str], text: str) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        line = process.stdout.readline()
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"never said {text!r}:\n{''.join(lines)}")


def _interrupt(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    return process.returncode, out, err


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers: an alert to it waits."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


def test_ctrl_c_stops_serve_cleanly_then_exits_130_with_one_error_line(tmp_path: Path) -> None:
    process = _start("serve", str(_project(tmp_path)))
    said = _wait_for(process, "daily [")  # the caught-up window finished
    code, out, err = _interrupt(process)
    assert code == 130, "".join(said) + out + err
    assert err == "error: interrupted\n", err
    assert "stopped; every finished run is in history and its reports are complete" in out


def test_ctrl_c_during_a_run_exits_130_with_one_error_line(tmp_path: Path, silent_server: int) -> None:
    alerts = (
        "    alerts:\n"
        "      - {name: x moved, when: drift, notify: [hook]}\n"
        "channels:\n"
        f"  hook: {{type: webhook, url: 'http://127.0.0.1:{silent_server}/hook', timeout: 120, retries: 0}}\n"
    )
    spec = _project(tmp_path, alerts)
    process = _start("run", str(spec))
    said = _wait_for(process, "report:")  # the window is judged; its alert is being sent
    time.sleep(0.5)
    code, out, err = _interrupt(process)
    assert code == 130, "".join(said) + out + err
    assert err == "error: interrupted\n", err
    assert "Traceback" not in out + err


def _destroy_at_a_terminal(spec: Path) -> tuple[subprocess.Popen[str], int]:
    """`destroy` without --yes with its stdin on a pseudo-terminal, stopped at its prompt."""
    import pty

    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy")}
    process = subprocess.Popen(
        [sys.executable, "-m", "driftplane", "destroy", str(spec)],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "PYTHONUNBUFFERED": "1"},
    )
    os.close(terminal)
    assert process.stdout is not None
    prompt = ""
    deadline = time.monotonic() + 60
    while "[y/N]" not in prompt and time.monotonic() < deadline and process.poll() is None:
        prompt += process.stdout.read(1)
    assert "Remove everything driftplane created on local for daily?" in prompt, prompt
    return process, controller


def test_ctrl_c_at_the_destroy_prompt_exits_130_and_removes_nothing(tmp_path: Path) -> None:
    spec = _project(tmp_path)
    process, controller = _destroy_at_a_terminal(spec)
    try:
        code, out, err = _interrupt(process)
    finally:
        os.close(controller)
    assert code == 130, out + err
    assert err.strip() == "error: interrupted", err


def test_no_at_the_destroy_prompt_is_an_answer_not_an_interrupt(tmp_path: Path) -> None:
    spec = _project(tmp_path)
    process, controller = _destroy_at_a_terminal(spec)
    try:
        os.write(controller, b"n\n")
        out, err = process.communicate(timeout=60)
    finally:
        os.close(controller)
    assert process.returncode == 3, out + err
    assert "nothing was removed: the answer was no" in out
    assert "interrupted" not in err and "Aborted" not in err
