"""A scheduled tick reads the same window, and the same rows, on gcp as under local ``serve``.

``serve`` runs the window of each tick (``LocalRunner.run_window``). The gcp provider runs
``run --at`` and backfills through the same run loop, and its Cloud Run job runs ``run``
without ``--at`` (Cloud Scheduler cannot pass the tick's time): started by a tick, that is
the tick's window. Every case has a latency, where the copies used to disagree.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from driftplane.local.runner import LocalRunner
from driftplane.local.settings import LocalSettings
from driftplane.resolved import resolve_monitor
from driftplane.spec import Spec, load_spec
from driftplane_gcp.clients import EMULATOR_ENV, GcpClients
from driftplane_gcp.emulator import GoogleCloudEmulator
from driftplane_gcp.settings import GcpSettings
from driftplane_gcp.translate import job_resources

from .conftest import PROJECT, SETTINGS, provider_for

HOUR = timedelta(hours=1)


def rows_per_hour(hour: datetime) -> int:
    """A different row count for every hour, so the rows read tell which window was read."""
    return 20 + int(hour.timestamp() // 3600) % 17


def write_data(folder: Path, start: datetime, hours: int) -> None:
    """train.parquet, and target.parquet with a `ts` column covering ``hours`` hours from ``start``."""
    rng = np.random.default_rng(3)
    pq.write_table(
        pa.table({"x": rng.normal(0, 1, 500), "plan": rng.choice(["a", "b"], 500)}), folder / "train.parquet"
    )
    times, xs = [], []
    for h in range(hours):
        hour = start + h * HOUR
        n = rows_per_hour(hour)
        times += [hour + timedelta(seconds=int(s)) for s in np.linspace(0, 3599, n)]
        xs += list(rng.normal(0, 1, n))
    plans = rng.choice(["a", "b"], len(xs))
    pq.write_table(
        pa.table({"ts": pa.array(times, pa.timestamp("us", "UTC")), "x": xs, "plan": plans}), folder / "target.parquet"
    )


def write_spec(folder: Path, monitor: dict[str, Any], **settings: Any) -> Spec:
    data = {
        "provider": "gcp",
        "providers": {"gcp": {**SETTINGS, "spec_path": str(folder / "monitors.yaml"), **settings}},
        "monitors": {
            "m": {
                "baseline": {"data": "train.parquet"},
                "target": {"data": "target.parquet", "timestamp_column": "ts", **monitor.pop("target", {})},
                **monitor,
            }
        },
    }
    (folder / "monitors.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_spec(folder / "monitors.yaml")


def served(spec: Spec, tick: datetime) -> Any:
    """What local `serve` reads and finds for the tick (its scheduler calls run_window)."""
    return LocalRunner(spec, LocalSettings()).run_window("m", tick)


CASES = [
    ({"schedule": "hourly", "target": {"latency": "2h"}}, datetime(2026, 1, 12, 15, tzinfo=UTC)),
    ({"schedule": "daily", "target": {"latency": "2h", "window": "1d"}}, datetime(2026, 1, 12, tzinfo=UTC)),
    ({"schedule": "daily", "target": {"latency": "90m", "window": "6h"}}, datetime(2026, 1, 12, tzinfo=UTC)),
    ({"schedule": "0 9 * * 1-5", "target": {"latency": "1h"}}, datetime(2026, 1, 12, 9, tzinfo=UTC)),  # a Monday
    ({"schedule": "*/20 * * * *", "target": {"latency": "30m"}}, datetime(2026, 1, 12, 10, 40, tzinfo=UTC)),
]


@pytest.mark.parametrize(("monitor", "tick"), CASES)
def test_run_at_a_tick_reads_what_serve_reads(
    tmp_path: Path, clients: GcpClients, fake: GoogleCloudEmulator, monitor: dict[str, Any], tick: datetime
) -> None:
    write_data(tmp_path, tick - 80 * HOUR, 82)
    spec = write_spec(tmp_path, monitor)
    local = served(spec, tick)
    (ran,) = provider_for(spec, clients).run(spec, at=tick)
    assert ran.window == local.window and ran.window is not None
    latency = resolve_monitor(spec, "m").windows.latency
    assert latency is not None and ran.window.end == latency.before(tick)
    assert ran.rows.target == local.rows.target > 0, "the same rows were read"


def test_a_backfill_runs_the_windows_serve_runs(tmp_path: Path, clients: GcpClients, fake: GoogleCloudEmulator) -> None:
    end = datetime(2026, 1, 12, 9, tzinfo=UTC)  # Monday: the backfill crosses a weekend
    write_data(tmp_path, end - 120 * HOUR, 121)
    spec = write_spec(tmp_path, {"schedule": "0 9 * * 1-5", "target": {"latency": "1h"}})
    results = list(provider_for(spec, clients).run(spec, start=end - 4 * 24 * HOUR, end=end))
    ticks = [datetime(2026, 1, 9, 9, tzinfo=UTC), end]  # Friday, Monday
    assert [r.window for r in results] == [served(spec, t).window for t in ticks]
    assert results[-1].window is not None and results[-1].window.start == datetime(2026, 1, 9, 8, tzinfo=UTC)


def job_command(spec: Spec) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of the monitor's Cloud Run job, as apply would create it."""
    settings = GcpSettings.model_validate(spec.providers["gcp"])
    jobs = job_resources(resolve_monitor(spec, "m"), settings, project=PROJECT)
    (container,) = jobs.run_job.template.template.containers
    return [*container.command, *container.args], {e.name: e.value for e in container.env}


def test_the_cloud_run_job_reads_the_window_of_the_tick_that_started_it(
    tmp_path: Path, fake: GoogleCloudEmulator
) -> None:
    now = datetime.now(UTC)
    write_data(tmp_path, now.replace(minute=0, second=0, microsecond=0) - 6 * HOUR, 7)
    spec = write_spec(tmp_path, {"schedule": "hourly", "target": {"latency": "2h"}})
    rule = resolve_monitor(spec, "m").windows
    command, job_env = job_command(spec)
    env = {
        **os.environ,
        **job_env,
        EMULATOR_ENV: fake.address,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    for _ in range(3):  # a run that straddles the hour is tried again
        tick = rule.latest_tick()
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
        if rule.latest_tick() == tick:
            break
    assert done.returncode == 0, done.stdout + done.stderr  # drift or not, the execution succeeds
    local = served(spec, tick)
    written = {
        stored.metric_type.rsplit("/", 1)[1] + stored.metric_labels.get("side", ""): stored.points[-1].value
        for stored in fake.series.values()
    }
    ended = datetime.fromtimestamp(written["last_window_end_timestamp_seconds"].double_value, UTC)
    assert local.window is not None and ended == local.window.end == tick - 2 * HOUR
    assert written["rows_readtarget"].int64_value == local.rows.target == rows_per_hour(tick - 3 * HOUR)
