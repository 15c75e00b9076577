"""Partition formats, windows and the helpers the local runner uses for backfills."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftplane.engine.readers import TIMESTAMP_COLUMN
from driftplane.engine.readers.partitions import PartitionTemplate
from driftplane.engine.readers.windows import (
    files_for_window,
    partitions_for_window,
)
from driftplane.errors import DataError
from driftplane.result import Window
from driftplane.spec.models import DataSource

DAILY = "data/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.csv"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def rows(stream) -> list[dict]:
    return [row for batch in stream for row in batch.to_pylist()]


def make_days(root: Path, days: range, month: int = 1) -> None:
    for day in days:
        folder = root / "data" / "2026" / f"{month:02d}" / f"{day:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "part-0.csv").write_text(f"day,v\n{day},{day * 10}\n{day},{day * 10 + 1}\n")


# -- templates ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("template", "path", "period"),
    [
        (
            "d/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.csv",
            "d/2026/01/05/x.csv",
            (utc(2026, 1, 5), utc(2026, 1, 6)),
        ),
        ("d/{timestamp:yyyy/MM/dd}/*.csv", "d/2026/02/28/x.csv", (utc(2026, 2, 28), utc(2026, 3, 1))),
        ("d/{date:yyyy-MM-dd}.parquet", "d/2026-12-31.parquet", (utc(2026, 12, 31), utc(2027, 1, 1))),
        (
            "c/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/{timestamp:HH}/*.jsonl",
            "c/2022/04/18/23/a.jsonl",
            (utc(2022, 4, 18, 23), utc(2022, 4, 19)),
        ),
        (
            "c/{timestamp:yyyy/MM/dd/HH}/{timestamp:mm}/*",
            "c/2022/04/18/23/59/a",
            (utc(2022, 4, 18, 23, 59), utc(2022, 4, 19)),
        ),
        ("m/{timestamp:yyyy}/{timestamp:MM}/*.csv", "m/2026/12/a.csv", (utc(2026, 12, 1), utc(2027, 1, 1))),
        ("r/{region}/{timestamp:yyyy}/*.csv", "r/eu/2025/a.csv", (utc(2025, 1, 1), utc(2026, 1, 1))),
    ],
)
def test_template_period_of_a_path(template: str, path: str, period: tuple[datetime, datetime]) -> None:
    parsed = PartitionTemplate.parse(template)
    assert parsed is not None
    assert parsed.period_of(path) == period


def test_template_rejects_paths_that_are_not_dates() -> None:
    parsed = PartitionTemplate.parse(DAILY)
    assert parsed is not None
    assert parsed.period_of("data/2026/13/05/x.csv") is None
    assert parsed.period_of("data/2026/ab/05/x.csv") is None
    assert parsed.period_of("data/2026/01/05/sub/x.csv") is None


def test_template_with_a_gap_is_an_error() -> None:
    with pytest.raises(DataError, match="has yyyy, dd but not MM"):
        PartitionTemplate.parse("d/{timestamp:yyyy}/{timestamp:dd}/*.csv")


def test_plain_path_is_no_template() -> None:
    assert PartitionTemplate.parse("data/train.csv") is None


def test_partitions_for_window_lists_each_period() -> None:
    source = DataSource(data="/d/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/{timestamp:HH}/*.jsonl")
    parts = partitions_for_window(source, Window(start=utc(2026, 1, 5, 22, 30), end=utc(2026, 1, 6, 1)))
    assert [p.start for p in parts] == [utc(2026, 1, 5, 22), utc(2026, 1, 5, 23), utc(2026, 1, 6, 0)]
    assert [p.pattern for p in parts] == [
        "/d/2026/01/05/22/*.jsonl",
        "/d/2026/01/05/23/*.jsonl",
        "/d/2026/01/06/00/*.jsonl",
    ]


def test_partitions_for_window_without_time_fields_is_empty() -> None:
    assert (
        partitions_for_window(DataSource(data="/d/train.csv"), Window(start=utc(2026, 1, 1), end=utc(2026, 1, 2))) == []
    )


@pytest.mark.parametrize(
    ("template", "start", "end"),
    [
        ("/d/{timestamp:yyyy}/{timestamp:MM}/*.csv", utc(2025, 11, 15), utc(2026, 3, 1)),
        ("/d/{timestamp:yyyy}/{timestamp:MM}/*.csv", utc(2025, 11, 1), utc(2026, 3, 2)),
        ("/d/{timestamp:yyyy/MM/dd}/*.csv", utc(2025, 12, 30, 5), utc(2026, 1, 2)),
        ("/d/{timestamp:yyyy/MM/dd/HH}/*.csv", utc(2025, 12, 30, 5, 1), utc(2025, 12, 30, 8, 0, 1)),
    ],
)
def test_count_partitions_agrees_with_listing(template: str, start: datetime, end: datetime) -> None:
    parsed = PartitionTemplate.parse(template)
    assert parsed is not None
    assert parsed.count_partitions(start, end) == len(list(parsed.partitions(start, end)))


# -- window helpers -------------------------------------------------------------------------
def test_window_reads_only_its_partitions(tmp_path: Path, read_path) -> None:
    make_days(tmp_path, range(1, 8))
    # an unreadable file in a day outside the window: opening it would fail
    (tmp_path / "data" / "2026" / "01" / "07" / "broken.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    stream = read_path(DAILY, window=Window(start=utc(2026, 1, 3), end=utc(2026, 1, 5)))
    got = rows(stream)
    assert sorted({r["day"] for r in got}) == [3, 4]
    assert stream.stats.files == 2
    assert {r[TIMESTAMP_COLUMN] for r in got} == {utc(2026, 1, 3), utc(2026, 1, 4)}
    assert "2 files under" in stream.description and "2026-01-03T00:00:00Z" in stream.description


def test_without_window_every_partition_is_read_with_its_time(tmp_path: Path, read_path) -> None:
    make_days(tmp_path, range(1, 4))
    batches = list(read_path(DAILY))
    assert sum(b.num_rows for b in batches) == 6
    assert all(b.schema.field(TIMESTAMP_COLUMN).type == pa.timestamp("us", tz="UTC") for b in batches)


def test_long_window_lists_once_and_counts_skipped_files(tmp_path: Path, read_path) -> None:
    """Windows spanning many partitions list the whole tree and skip files outside without opening."""
    make_days(tmp_path, range(1, 11), month=1)
    make_days(tmp_path, range(1, 3), month=3)
    (tmp_path / "data" / "2026" / "03" / "02" / "broken.csv").write_bytes(b"\x00\x00")
    window = Window(start=utc(2025, 1, 1), end=utc(2026, 1, 5))  # > 256 daily partitions
    stream = read_path(DAILY, window=window)
    assert sorted({r["day"] for r in rows(stream)}) == [1, 2, 3, 4]
    assert stream.stats.files == 4
    assert stream.stats.files_skipped == 9  # 6 in January, 2 + the broken one in March: never opened
    assert stream.stats.looked_at == [str(tmp_path / "data" / "*" / "*" / "*" / "*.csv")]


def test_azure_combined_format(tmp_path: Path, read_path) -> None:
    make_days(tmp_path, range(1, 4))
    stream = read_path("data/{timestamp:yyyy/MM/dd}/*.csv", window=Window(start=utc(2026, 1, 2), end=utc(2026, 1, 3)))
    assert {r["day"] for r in rows(stream)} == {2}


def test_hour_and_minute_partitions(tmp_path: Path, read_path) -> None:
    for hour, minute in [(9, 58), (9, 59), (10, 0), (10, 1)]:
        folder = tmp_path / "m" / "2026" / "01" / "05" / f"{hour:02d}" / f"{minute:02d}"
        folder.mkdir(parents=True)
        pq.write_table(pa.table({"v": [hour * 100 + minute]}), folder / "p.parquet")
    stream = read_path(
        "m/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/{timestamp:HH}/{timestamp:mm}/*.parquet",
        window=Window(start=utc(2026, 1, 5, 9, 59), end=utc(2026, 1, 5, 10, 1)),
    )
    assert sorted(r["v"] for r in rows(stream)) == [959, 1000]


def test_window_with_no_data_gives_zero_batches_and_says_where_it_looked(tmp_path: Path, read_path) -> None:
    make_days(tmp_path, range(1, 3))
    window = Window(start=utc(2026, 1, 10), end=utc(2026, 1, 12))
    stream = read_path(DAILY, window=window)
    assert list(stream) == []
    [message] = stream.stats.messages
    days = [str(tmp_path / "data" / "2026" / "01" / day / "*.csv") for day in ("10", "11")]
    assert message == f"no data for the window 2026-01-10 00:00 to 2026-01-12 00:00 UTC; looked at {days[0]}, {days[1]}"


def test_window_shorter_than_partitions_counts_each_file_at_its_start(tmp_path: Path, read_path) -> None:
    make_days(tmp_path, range(5, 6))
    at_start = read_path(DAILY, window=Window(start=utc(2026, 1, 5), end=utc(2026, 1, 5, 1)))
    later = read_path(DAILY, window=Window(start=utc(2026, 1, 5, 1), end=utc(2026, 1, 5, 2)))
    assert len(rows(at_start)) == 2
    assert rows(later) == []  # no double counting across consecutive hourly windows
    assert any("partitioned by 1d" in m and "add a timestamp_column" in m for m in later.stats.messages)


def test_files_for_window_targets_partitions(tmp_path: Path) -> None:
    make_days(tmp_path, range(1, 8))
    found = files_for_window(
        DataSource(data=DAILY), Window(start=utc(2026, 1, 2), end=utc(2026, 1, 4)), base_dir=tmp_path
    )
    assert [f.name for f, _ in found.files] == ["part-0.csv", "part-0.csv"]
    assert [period for _, period in found.files] == [
        (utc(2026, 1, 2), utc(2026, 1, 3)),
        (utc(2026, 1, 3), utc(2026, 1, 4)),
    ]
    assert [p.start for p in found.partitions] == [utc(2026, 1, 2), utc(2026, 1, 3)]


# -- timestamp columns ----------------------------------------------------------------------
def test_timestamp_column_filters_rows(tmp_path: Path, read_path) -> None:
    (tmp_path / "t.csv").write_text(
        "ts,v\n2026-01-04T23:59:59Z,1\n2026-01-05T00:00:00Z,2\n2026-01-05 12:00:00,3\n2026-01-06T00:00:00+00:00,4\n"
    )
    stream = read_path("t.csv", timestamp_column="ts", window=Window(start=utc(2026, 1, 5), end=utc(2026, 1, 6)))
    got = rows(stream)
    assert [r["v"] for r in got] == [2, 3]
    assert [r[TIMESTAMP_COLUMN] for r in got] == [utc(2026, 1, 5), utc(2026, 1, 5, 12)]
    assert "ts" in got[0]  # the original column stays


def test_timestamp_column_of_parquet_timestamps_and_epoch_seconds(tmp_path: Path, read_path) -> None:
    base = utc(2026, 1, 5)
    times = [base - timedelta(hours=1), base + timedelta(hours=1)]
    pq.write_table(pa.table({"t": pa.array(times, pa.timestamp("ms", tz="UTC")), "v": [1, 2]}), tmp_path / "a.parquet")
    pq.write_table(pa.table({"t": [int(t.timestamp()) for t in times], "v": [3, 4]}), tmp_path / "b.parquet")
    window = Window(start=base, end=base + timedelta(days=1))
    assert [r["v"] for r in rows(read_path("a.parquet", timestamp_column="t", window=window))] == [2]
    assert [r["v"] for r in rows(read_path("b.parquet", timestamp_column="t", window=window))] == [4]


def test_missing_timestamp_column_is_named(tmp_path: Path, read_path) -> None:
    (tmp_path / "t.csv").write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match=r"t\.csv has no column 'ts' \(the timestamp_column\); its columns are a, b"):
        list(read_path("t.csv", timestamp_column="ts"))


def test_timestamp_column_with_text_that_is_not_a_time(tmp_path: Path, read_path) -> None:
    (tmp_path / "t.csv").write_text("ts,v\n2026-01-05T00:00:00Z,1\nsoon,2\n")
    with pytest.raises(DataError, match="timestamp column 'ts' has the value 'soon'"):
        list(read_path("t.csv", timestamp_column="ts"))


def test_window_on_data_without_time_reads_everything_and_says_so(tmp_path: Path, read_path) -> None:
    (tmp_path / "t.csv").write_text("v\n1\n2\n")
    stream = read_path("t.csv", window=Window(start=utc(2026, 1, 5), end=utc(2026, 1, 6)))
    assert len(rows(stream)) == 2
    assert any("has no time" in m and "all of it was read" in m for m in stream.stats.messages)


def test_partitions_prune_and_timestamp_column_filters(tmp_path: Path, read_path) -> None:
    for day in (4, 5):
        folder = tmp_path / "data" / "2026" / "01" / f"{day:02d}"
        folder.mkdir(parents=True)
        (folder / "p.csv").write_text(
            f"ts,v\n2026-01-{day:02d}T06:00:00Z,{day}6\n2026-01-{day:02d}T18:00:00Z,{day}18\n"
        )
    stream = read_path(DAILY, timestamp_column="ts", window=Window(start=utc(2026, 1, 4, 12), end=utc(2026, 1, 5, 12)))
    assert [r["v"] for r in rows(stream)] == [418, 56]
    assert stream.stats.files == 2
