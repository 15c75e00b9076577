"""Parquet: streamed by row group, types kept, clear errors for files that are not Parquet."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftplane.errors import DataError


def test_types_and_names_are_kept_and_batches_bounded(tmp_path: Path, read_path) -> None:
    rng = np.random.default_rng(7)
    table = pa.table(
        {
            "f loat": rng.normal(size=5_000),
            "ínt": rng.integers(0, 100, 5_000),
            "cat": pa.array(rng.choice(["a", "b", None], 5_000).tolist()),
            "flag": rng.integers(0, 2, 5_000).astype(bool),
        }
    )
    pq.write_table(table, tmp_path / "t.parquet", row_group_size=1_500)
    stream = read_path("t.parquet", batch_rows=1_000)
    batches = list(stream)
    assert max(b.num_rows for b in batches) <= 1_000
    assert pa.Table.from_batches(batches).equals(table)
    assert stream.stats.rows == 5_000 and stream.stats.files == 1
    assert stream.stats.bytes_read == (tmp_path / "t.parquet").stat().st_size


def test_empty_parquet_gives_its_columns_and_a_message(tmp_path: Path, read_path) -> None:
    pq.write_table(pa.table({"a": pa.array([], pa.int64()), "b": pa.array([], pa.string())}), tmp_path / "e.parquet")
    stream = read_path("e.parquet")
    batches = list(stream)
    assert sum(b.num_rows for b in batches) == 0
    assert batches[0].schema.names == ["a", "b"]
    assert any("e.parquet has columns (a, b) but no rows" in m for m in stream.stats.messages)


def test_csv_named_parquet_says_it_is_text(tmp_path: Path, read_path) -> None:
    (tmp_path / "x.parquet").write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match=r"x\.parquet does not look like Parquet: it looks like text"):
        list(read_path("x.parquet"))


def test_truncated_parquet_is_reported_as_damaged(tmp_path: Path, read_path) -> None:
    pq.write_table(pa.table({"a": list(range(1000))}), tmp_path / "full.parquet")
    data = (tmp_path / "full.parquet").read_bytes()
    (tmp_path / "cut.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match=r"cut\.parquet starts like Parquet but could not be read"):
        list(read_path("cut.parquet"))


def test_empty_parquet_file_of_zero_bytes(tmp_path: Path, read_path) -> None:
    (tmp_path / "z.parquet").write_bytes(b"")
    with pytest.raises(DataError, match=r"z\.parquet is empty \(0 bytes\)"):
        list(read_path("z.parquet"))


def test_files_with_different_types_keep_their_own_types(tmp_path: Path, read_path) -> None:
    """The stream contract: batches may disagree on a column's type."""
    (tmp_path / "d").mkdir()
    pq.write_table(pa.table({"v": [1, 2]}), tmp_path / "d" / "a.parquet")
    pq.write_table(pa.table({"v": ["x", "y"]}), tmp_path / "d" / "b.parquet")
    types = [b.schema.field("v").type for b in read_path("d")]
    assert types == [pa.int64(), pa.string()]
