"""`driftplane serve` runs again, at start, the latest window whose run failed because its data was late."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from driftplane.local.history import HistoryStore


def _write_day(root: Path, day: datetime, rng: np.random.Generator) -> None:
    folder = root / "data" / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"x": rng.normal(0, 1, 500)}), folder / "p.parquet")


def _spec(root: Path) -> Path:
    rng = np.random.default_rng(5)
    (root / "data").mkdir()
    pq.write_table(pa.table({"x": rng.normal(0, 1, 2000)}), root / "data" / "train.parquet")
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


def _driftplane(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "driftplane", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_serve_catches_up_a_window_that_failed_before_its_data_arrived(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    early = _driftplane("run", str(spec))
    out, _ = early.communicate(timeout=120)
    assert early.returncode == 3 and "no data for the window" in out, out
    with HistoryStore.open(tmp_path / ".driftplane") as store:
        failed = store.list_runs("daily")
    assert [r.status for r in failed] == ["failed"]
    assert failed[0].window is not None
    end = failed[0].window.end
    _write_day(tmp_path, end - timedelta(days=1), np.random.default_rng(6))  # the data arrives late

    serve = _driftplane("serve", str(spec))
    try:
        assert serve.stdout is not None
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(serve.stdout), daemon=True)  # type: ignore[arg-type]
        reader.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not re.search(r"^daily \[.*\]: no drift", "".join(lines), re.M):
            time.sleep(0.1)
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=30) == 0
        reader.join(10)
        output = "".join(lines)
    finally:
        if serve.poll() is None:
            serve.kill()
    assert f"monitor daily: catching up the missed window ending {end:%Y-%m-%d %H:%M} UTC" in output, output
    with HistoryStore.open(tmp_path / ".driftplane") as store:
        runs = store.list_runs("daily")
    assert [(r.status, r.window.end if r.window else None) for r in runs] == [("ok", end)]
