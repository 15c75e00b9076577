"""Windows on Spark: partition fields prune whole files, timestamp columns filter rows, as locally."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftplane.engine.api import profile_source
from driftplane.engine.monitor import run_monitor
from driftplane.resolved import resolve_monitor
from driftplane.result import Window
from driftplane.spec.models import Baseline, DataSource, Monitor, Spec, Target

DAILY = "{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.parquet"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _profile(source: DataSource, window: Window | None, engine: str):
    return profile_source(
        source, phase="target", reference=None, rules=None, settings=None,
        base_dir=None, window=window, progress=None, threads=None, engine=engine,
    )


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five daily partitions of 100 x day rows; day 5 holds a file that is not Parquet at all."""
    root = tmp_path_factory.mktemp("days")
    rng = np.random.default_rng(3)
    for day in range(1, 5):
        folder = root / "2026" / "01" / f"{day:02d}"
        folder.mkdir(parents=True)
        n = 100 * day
        pq.write_table(pa.table({"x": rng.normal(day, 1, n), "day": np.full(n, day)}), folder / "part-0.parquet")
    broken = root / "2026" / "01" / "05"
    broken.mkdir(parents=True)
    (broken / "part-0.parquet").write_text("this is not parquet, and a window that reads it fails\n")
    return root


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (utc(2026, 1, 3), utc(2026, 1, 4), 300),
        (utc(2026, 1, 1), utc(2026, 1, 5), 1000),
        (utc(2026, 1, 2, 12), utc(2026, 1, 4, 12), 300 + 400),  # partitions whose start is inside
    ],
)
def test_partition_fields_prune_files_as_the_local_readers_do(spark, days: Path, start, end, expected: int) -> None:
    source = DataSource(data=str(days / DAILY))
    window = Window(start=start, end=end)
    local = _profile(source, window, "local")
    on_spark = _profile(source, window, "spark")
    assert local.rows == on_spark.rows == expected
    assert on_spark.columns["day"].numeric.sum == local.columns["day"].numeric.sum
    assert "in window" in (on_spark.source or "")


def test_a_window_without_partitions_gives_no_rows_and_says_where_it_looked(spark, days: Path) -> None:
    source = DataSource(data=str(days / DAILY))
    window = Window(start=utc(2026, 2, 1), end=utc(2026, 2, 2))
    on_spark = _profile(source, window, "spark")
    assert on_spark.rows == 0
    looked_at = days / "2026" / "02" / "01"
    assert any(
        m.startswith("no data for the window 2026-02-01 00:00 to 2026-02-02 00:00 UTC; looked at ")
        and str(looked_at) in m
        for m in on_spark.messages
    ), on_spark.messages


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Rows with their own times: as a UTC timestamp, a naive timestamp, ISO text and epoch seconds."""
    root = tmp_path_factory.mktemp("events")
    base = datetime(2026, 1, 1, tzinfo=UTC)
    times = [base + timedelta(minutes=37 * i) for i in range(2_000)]
    table = pa.table(
        {
            "aware": pa.array(times, pa.timestamp("us", tz="UTC")),
            "naive": pa.array([t.replace(tzinfo=None) for t in times], pa.timestamp("us")),
            "text": pa.array([t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in times]),
            "epoch": pa.array([int(t.timestamp()) for t in times], pa.int64()),
            "v": pa.array(np.arange(2_000, dtype=np.float64)),
        }
    )
    pq.write_table(table.slice(0, 1_000), root / "a.parquet")
    pq.write_table(table.slice(1_000), root / "b.parquet")
    with (root / "events.jsonl").open("w") as handle:
        for row in table.select(["text", "epoch", "v"]).to_pylist():
            handle.write(json.dumps(row) + "\n")
    return root


@pytest.mark.parametrize("column", ["aware", "naive", "text", "epoch"])
def test_timestamp_column_windows_match_the_local_engine(spark, events: Path, column: str) -> None:
    source = DataSource(data=str(events / "*.parquet"), timestamp_column=column)
    window = Window(start=utc(2026, 1, 10, 5, 30), end=utc(2026, 1, 20))
    local = _profile(source, window, "local")
    on_spark = _profile(source, window, "spark")
    assert 0 < on_spark.rows == local.rows < 2_000
    assert on_spark.columns["v"].numeric.min == local.columns["v"].numeric.min
    assert on_spark.columns["v"].numeric.max == local.columns["v"].numeric.max


def test_timestamp_column_windows_on_json_lines(spark, events: Path) -> None:
    source = DataSource(data=str(events / "events.jsonl"), timestamp_column="text")
    window = Window(start=utc(2026, 1, 3), end=utc(2026, 1, 4))
    local = _profile(source, window, "local")
    on_spark = _profile(source, window, "spark")
    assert 0 < on_spark.rows == local.rows
    assert on_spark.columns["v"].numeric.sum == local.columns["v"].numeric.sum


def test_a_missing_timestamp_column_is_named(spark, events: Path) -> None:
    from driftplane.errors import DataError

    source = DataSource(data=str(events / "*.parquet"), timestamp_column="when")
    with pytest.raises(DataError, match="no column 'when' \\(the timestamp_column\\)"):
        _profile(source, Window(start=utc(2026, 1, 1), end=utc(2026, 1, 2)), "spark")


def test_run_monitor_on_spark_matches_the_local_run(spark, days: Path, tmp_path: Path) -> None:
    train = tmp_path / "train.parquet"
    rng = np.random.default_rng(5)
    pq.write_table(pa.table({"x": rng.normal(1, 1, 3_000), "day": rng.integers(1, 3, 3_000)}), train)
    monitor = Monitor(
        baseline=Baseline(data=str(train)), target=Target(data=str(days / DAILY), window="1d"), engine="spark"
    )
    spec = Spec(monitors={"daily": monitor})
    window = Window(start=utc(2026, 1, 4), end=utc(2026, 1, 5))
    on_spark = run_monitor(resolve_monitor(spec, "daily"), window).result
    local = run_monitor(resolve_monitor(spec, "daily"), window, engine="local").result
    assert on_spark.status == local.status == "drift_and_violations"
    assert on_spark.rows == local.rows
    assert [f.drift.drifted for f in on_spark.features] == [f.drift.drifted for f in local.features]
    empty = run_monitor(resolve_monitor(spec, "daily"), Window(start=utc(2026, 3, 1), end=utc(2026, 3, 2))).result
    assert empty.status == "failed"
    local_empty = run_monitor(
        resolve_monitor(spec, "daily"), Window(start=utc(2026, 3, 1), end=utc(2026, 3, 2)), engine="local"
    ).result
    assert (empty.error or "").startswith(
        "monitor daily: no data for the window 2026-03-01 00:00 to 2026-03-02 00:00 UTC; looked at "
    )
    assert empty.error == local_empty.error  # both engines say it the same way
