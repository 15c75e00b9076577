"""CSV: headers, headerless names, bad rows, binary files, mixed types, streaming in chunks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from driftplane.engine.readers import TIMESTAMP_COLUMN, read
from driftplane.engine.readers.options import ReadOptions
from driftplane.errors import DataError
from driftplane.spec.models import DataSource


def rows(stream) -> list[dict]:
    return [row for batch in stream for row in batch.to_pylist()]


def test_header_names_and_types_are_kept(tmp_path: Path, read_path) -> None:
    (tmp_path / "train.csv").write_text("age,income,city\n31,52000.5,Oslo\n45,61000.25,Lima\n")
    stream = read_path("train.csv")
    batches = list(stream)
    assert batches[0].schema.names == ["age", "income", "city"]
    assert batches[0].schema.types == [pa.int64(), pa.float64(), pa.string()]
    assert rows(batches) == [
        {"age": 31, "income": 52000.5, "city": "Oslo"},
        {"age": 45, "income": 61000.25, "city": "Lima"},
    ]
    assert stream.stats.rows == 2 and stream.stats.files == 1
    assert TIMESTAMP_COLUMN not in batches[0].schema.names
    assert stream.description.endswith("train.csv")


def test_names_with_spaces_and_non_ascii_are_kept_exactly(tmp_path: Path, read_path) -> None:
    (tmp_path / "d.csv").write_text(" total spend ,größe,名前,a  b\n1,2,x,3\n", encoding="utf-8")
    batch = next(iter(read_path("d.csv")))
    assert batch.schema.names == [" total spend ", "größe", "名前", "a  b"]


def test_utf8_bom_is_not_part_of_the_first_name(tmp_path: Path, read_path) -> None:
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbfid,v\n1,2\n")
    assert next(iter(read_path("bom.csv"))).schema.names == ["id", "v"]


def test_headerless_columns_take_baseline_names_by_position(tmp_path: Path, read_path) -> None:
    (tmp_path / "h.csv").write_text("1,2.5,a\n3,4.5,b\n")
    stream = read_path("h.csv", header=False, column_names=["label", "score", "group"])
    assert rows(stream) == [
        {"label": 1, "score": 2.5, "group": "a"},
        {"label": 3, "score": 4.5, "group": "b"},
    ]
    assert stream.stats.messages == []


def test_headerless_extra_fields_are_named_by_index_with_a_message(tmp_path: Path, read_path) -> None:
    (tmp_path / "h.csv").write_text("1,2,3,4\n")
    stream = read_path("h.csv", header=False, column_names=["a", "b"])
    assert next(iter(stream)).schema.names == ["a", "b", "_c2", "_c3"]
    assert any("4 fields" in m and "_c2, _c3" in m for m in stream.stats.messages)


def test_headerless_without_names_are_c0_c1(tmp_path: Path, read_path) -> None:
    (tmp_path / "h.csv").write_text("1,x\n2,y\n")
    assert next(iter(read_path("h.csv", header=False))).schema.names == ["_c0", "_c1"]


def test_source_columns_win_over_baseline_names(tmp_path: Path, read_path) -> None:
    (tmp_path / "h.csv").write_text("1,2\n")
    stream = read_path("h.csv", header=False, columns=["x", "y"], column_names=["a", "b"])
    assert next(iter(stream)).schema.names == ["x", "y"]


def test_other_delimiter(tmp_path: Path, read_path) -> None:
    (tmp_path / "d.csv").write_text("a;b\n1;2\n")
    assert rows(read_path("d.csv", delimiter=";")) == [{"a": 1, "b": 2}]


def test_row_with_too_many_fields_is_skipped_and_named_by_its_line(tmp_path: Path, read_path) -> None:
    (tmp_path / "bad.csv").write_text("a,b,c\n1,2,3\n4,5,6\n\n7,8,9,10\n11,12,13\n")
    stream = read_path("bad.csv")
    assert [r["a"] for r in rows(stream)] == [1, 4, 11]
    assert stream.stats.bad_lines == 1
    [note] = [m for m in stream.stats.messages if "skipped 1 malformed row" in m]
    # line 5 (the blank line 4 counts)
    assert note == f"{tmp_path / 'bad.csv'}: skipped 1 malformed row (their field count is not the header's 3): line 5"


def test_row_with_too_many_fields_deep_in_a_big_file_names_its_line(tmp_path: Path) -> None:
    """The line number is right when the bad row sits in a later chunk; max_bad_records 0 fails there."""
    lines = ["a,b"] + [f"{i},{i}" for i in range(50_000)]
    lines.insert(40_001, "1,2,3")  # becomes line 40002
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n")
    from driftplane.engine.readers import ReadStats
    from driftplane.engine.readers.csv import read_csv_file
    from driftplane.engine.readers.datafiles import filesystem_for, list_files

    fs, p = filesystem_for(str(path))
    [file], _ = list_files(fs, p, data=str(path), base_dir=None)
    options = ReadOptions(stats=ReadStats(), chunk_bytes=64 * 1024, max_bad_records=0)
    with pytest.raises(
        DataError, match=r"big\.csv: 1 malformed record so far.*field count is not the header's 2\) at line 40002"
    ):
        list(read_csv_file(file, options))


def test_png_renamed_csv_does_not_look_like_csv(tmp_path: Path, read_path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    (tmp_path / "chart.csv").write_bytes(png)
    with pytest.raises(DataError, match=r"chart\.csv does not look like CSV: it looks like a PNG image"):
        list(read_path("chart.csv"))


def test_latin1_text_is_not_utf8(tmp_path: Path, read_path) -> None:
    (tmp_path / "l.csv").write_bytes("name\nJosé\n".encode("latin-1"))
    with pytest.raises(DataError, match="UTF-8"):
        list(read_path("l.csv"))


def test_empty_file_is_an_error(tmp_path: Path, read_path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(DataError, match=r"empty\.csv is empty \(0 bytes\)"):
        list(read_path("empty.csv"))


def test_header_without_rows_gives_zero_rows_and_a_message(tmp_path: Path, read_path) -> None:
    (tmp_path / "h.csv").write_text("age,city\n")
    stream = read_path("h.csv")
    batches = list(stream)
    assert sum(b.num_rows for b in batches) == 0
    assert batches and batches[0].schema.names == ["age", "city"]
    assert stream.stats.rows == 0
    assert any("h.csv has a header (age, city) but no rows" in m for m in stream.stats.messages)


def test_numbers_then_text_in_a_small_file_is_one_string_column(tmp_path: Path, read_path) -> None:
    (tmp_path / "m.csv").write_text("v,w\n1,1\n2,2\nabc,3\n")
    batches = list(read_path("m.csv"))
    assert batches[0].schema.field("v").type == pa.string()
    assert [r["v"] for r in rows(batches)] == ["1", "2", "abc"]
    assert batches[0].schema.field("w").type == pa.int64()


def test_numbers_then_text_late_in_a_big_file_does_not_crash(tmp_path: Path) -> None:
    """pyarrow's streaming reader fails with a conversion error here; we deliver strings."""
    n = 1_000_000  # ~12 MB: more than one chunk
    path = tmp_path / "late.csv"
    ids = np.arange(n)
    pacsv.write_csv(pa.table({"id": ids, "v": ids % 97}), path)
    with path.open("a") as f:
        f.write(f"{n},abc\n")
    # pyarrow alone cannot stream this file: the proof that this test exercises the problem
    with pytest.raises(pa.ArrowInvalid, match="conversion error"):
        for _ in pacsv.open_csv(path):
            pass
    stream = read(DataSource(data=str(path)), batch_rows=200_000)
    values: list[object] = []
    types: set[pa.DataType] = set()
    for batch in stream:
        values.extend(batch.column("v").to_pylist())
        types.add(batch.schema.field("v").type)
    assert len(values) == n + 1
    assert values[-1] == "abc"
    assert pa.string() in types
    assert sum(str(v) == str(i % 97) for i, v in enumerate(values[:-1])) == n  # nothing lost
    assert any("column 'v' holds both numbers and text" in m for m in stream.stats.messages)


def test_empty_values_are_missing_not_empty_strings(tmp_path: Path, read_path) -> None:
    (tmp_path / "e.csv").write_text("a,b\nx,1\n,\ny,3\n")
    assert rows(read_path("e.csv")) == [{"a": "x", "b": 1}, {"a": None, "b": None}, {"a": "y", "b": 3}]


def test_batches_are_bounded_by_batch_rows(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    table = pa.table({"x": rng.normal(size=10_000), "k": rng.integers(0, 5, 10_000)})
    path = tmp_path / "n.csv"
    pacsv.write_csv(table, path)
    stream = read(DataSource(data=str(path)), batch_rows=1_000)
    batches = list(stream)
    assert max(b.num_rows for b in batches) <= 1_000
    assert sum(b.num_rows for b in batches) == 10_000 == stream.stats.rows
    got = pa.Table.from_batches(batches)
    assert np.allclose(got.column("x").to_numpy(), table.column("x").to_numpy())


def test_gzip_compressed_csv_is_read(tmp_path: Path, read_path) -> None:
    import gzip

    (tmp_path / "z.csv.gz").write_bytes(gzip.compress(b"a,b\n1,2\n"))
    assert rows(read_path("z.csv.gz")) == [{"a": 1, "b": 2}]


def test_only_blank_lines_is_an_error(tmp_path: Path, read_path) -> None:
    (tmp_path / "blank.csv").write_text("\n\n\n")
    with pytest.raises(DataError, match=r"blank\.csv has only blank lines"):
        list(read_path("blank.csv"))


def test_headerless_file_across_many_chunks_keeps_names_and_rows(tmp_path: Path) -> None:
    from driftplane.engine.readers import ReadStats
    from driftplane.engine.readers.csv import read_csv_file
    from driftplane.engine.readers.datafiles import filesystem_for, list_files

    path = tmp_path / "h.csv"
    path.write_text("".join(f"{i},{i * 2},n{i}\n" for i in range(5_000)) + "\n\n\n")
    fs, p = filesystem_for(str(path))
    [file], _ = list_files(fs, p, data=str(path), base_dir=None)
    options = ReadOptions(stats=ReadStats(), header=False, column_names=["a", "b", "c"], chunk_bytes=4096)
    batches = list(read_csv_file(file, options))
    assert len(batches) > 10
    assert {tuple(b.schema.names) for b in batches} == {("a", "b", "c")}
    table = pa.Table.from_batches(batches)
    assert table.column("a").to_pylist() == list(range(5_000))
    assert table.column("c").to_pylist()[-1] == "n4999"
