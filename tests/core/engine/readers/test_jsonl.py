"""JSON Lines: objects by key, nested objects flattened, malformed lines counted and skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from driftplane.errors import DataError


def rows(stream) -> list[dict]:
    return [row for batch in stream for row in batch.to_pylist()]


def test_objects_become_rows_with_columns_in_first_seen_order(tmp_path: Path, read_path) -> None:
    (tmp_path / "d.jsonl").write_text('{"b": 1, "a": "x"}\n\n{"a": "y", "c": true}\n')
    stream = read_path("d.jsonl")
    got = rows(stream)
    assert got == [{"b": 1, "a": "x", "c": None}, {"b": None, "a": "y", "c": True}]
    assert stream.stats.bad_lines == 0


def test_nested_objects_are_flattened_with_dots(tmp_path: Path, read_path) -> None:
    (tmp_path / "n.jsonl").write_text('{"user": {"age": 31, "geo": {"country": "NO"}}, "v": 1}\n')
    assert rows(read_path("n.jsonl")) == [{"user.age": 31, "user.geo.country": "NO", "v": 1}]


def test_malformed_lines_are_counted_skipped_and_named(tmp_path: Path, read_path) -> None:
    lines = ['{"v": 1}', '{"v": 2', '{"v": 3}', "not json", "[1, 2]", '{"v": 6}']
    (tmp_path / "bad.jsonl").write_text("\n".join(lines) + "\n")
    stream = read_path("bad.jsonl")
    assert [r["v"] for r in rows(stream)] == [1, 3, 6]
    assert stream.stats.bad_lines == 3
    [message] = [m for m in stream.stats.messages if "malformed" in m]
    assert str(tmp_path / "bad.jsonl") in message
    assert "skipped 3 malformed lines" in message and "lines 2, 4, 5" in message


def test_many_malformed_lines_name_only_the_first_few(tmp_path: Path, read_path) -> None:
    lines = ['{"v": 1}'] + ["{oops"] * 12
    (tmp_path / "bad.jsonl").write_text("\n".join(lines) + "\n")
    stream = read_path("bad.jsonl")
    assert len(rows(stream)) == 1
    assert stream.stats.bad_lines == 12
    assert any("lines 2, 3, 4, 5, 6 and 7 more" in m for m in stream.stats.messages)


def test_mixed_types_in_one_key_are_delivered_as_text(tmp_path: Path, read_path) -> None:
    (tmp_path / "m.jsonl").write_text('{"v": 1}\n{"v": 2.5}\n{"v": "abc"}\n{"v": null}\n')
    batches = list(read_path("m.jsonl"))
    assert batches[0].schema.field("v").type == pa.string()
    assert [r["v"] for r in rows(batches)] == ["1", "2.5", "abc", None]


def test_numbers_only_stay_numbers(tmp_path: Path, read_path) -> None:
    (tmp_path / "n.jsonl").write_text('{"v": 1}\n{"v": 2.5}\n')
    batches = list(read_path("n.jsonl"))
    assert batches[0].schema.field("v").type == pa.float64()


def test_empty_jsonl_is_an_error(tmp_path: Path, read_path) -> None:
    (tmp_path / "e.jsonl").write_bytes(b"")
    with pytest.raises(DataError, match=r"e\.jsonl is empty \(0 bytes\)"):
        list(read_path("e.jsonl"))


def test_binary_named_jsonl(tmp_path: Path, read_path) -> None:
    (tmp_path / "b.jsonl").write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    with pytest.raises(DataError, match="does not look like JSON Lines: it looks like a ZIP archive"):
        list(read_path("b.jsonl"))


def test_large_file_streams_in_batches(tmp_path: Path, read_path) -> None:
    with (tmp_path / "big.jsonl").open("w") as f:
        for i in range(30_000):
            f.write(json.dumps({"i": i, "s": f"v{i % 7}"}) + "\n")
    stream = read_path("big.jsonl", batch_rows=4_096)
    batches = list(stream)
    assert max(b.num_rows for b in batches) <= 4_096
    assert [v for b in batches for v in b.column("i").to_pylist()] == list(range(30_000))
