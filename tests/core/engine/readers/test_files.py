"""Finding the data: files, directories, globs, formats by extension, remote URIs."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftplane.engine.readers import read
from driftplane.errors import DataError
from driftplane.spec.models import DataSource


def rows(stream) -> list[dict]:
    return [row for batch in stream for row in batch.to_pylist()]


def test_missing_file_is_named_with_where_relative_paths_start(tmp_path: Path, read_path) -> None:
    with pytest.raises(DataError) as caught:
        read_path("data/train.csv")
    message = str(caught.value)
    assert str(tmp_path / "data" / "train.csv") in message
    assert f"relative paths start from {tmp_path}" in message


def test_missing_file_without_base_dir_says_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match=r"relative paths start from .*the current directory"):
        read(DataSource(data="nope.parquet"))


def test_missing_absolute_path_has_no_relative_hint(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        read(DataSource(data=str(tmp_path / "nope.parquet")))
    assert "relative" not in str(caught.value)


def test_directory_is_read_whole_and_hidden_files_ignored(tmp_path: Path, read_path) -> None:
    data = tmp_path / "train"
    (data / "sub").mkdir(parents=True)
    (data / "a.csv").write_text("x\n1\n")
    (data / "sub" / "b.csv").write_text("x\n2\n")
    (data / "_SUCCESS").write_text("")
    (data / ".part.csv.crc").write_bytes(b"\x00\x01")
    stream = read_path("train")
    assert sorted(r["x"] for r in rows(stream)) == [1, 2]
    assert stream.stats.files == 2
    assert stream.description == f"2 files under {data}"


def test_directory_with_no_data_files_is_an_error(tmp_path: Path, read_path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "_SUCCESS").write_text("")
    with pytest.raises(DataError, match=r"no data files in .*empty"):
        read_path("empty")


def test_directory_with_only_unknown_extensions_says_what_it_found(tmp_path: Path, read_path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "notes.txt").write_text("hello")
    (tmp_path / "d" / "model.bin").write_bytes(b"\x00")
    with pytest.raises(DataError, match=r"no data files with a known extension.*found: model\.bin, notes\.txt"):
        read_path("d")


def test_directory_mixing_formats_is_an_error_that_says_so(tmp_path: Path, read_path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.csv").write_text("x\n1\n")
    pq.write_table(pa.table({"x": [1]}), tmp_path / "d" / "b.parquet")
    with pytest.raises(DataError, match=r"mixes data formats \(1 \.csv, 1 \.parquet files\)"):
        read_path("d")


def test_unknown_extension_of_a_single_file_asks_for_a_format(tmp_path: Path, read_path) -> None:
    (tmp_path / "data.txt").write_text("x\n1\n")
    with pytest.raises(DataError, match=r"cannot tell the format of .*data\.txt.*set format"):
        read_path("data.txt")
    assert rows(read_path("data.txt", format="csv")) == [{"x": 1}]


def test_glob_selects_matching_files(tmp_path: Path, read_path) -> None:
    for name, value in [("a.csv", 1), ("b.csv", 2), ("c.tsv", 3)]:
        (tmp_path / name).write_text(f"x\n{value}\n")
    stream = read_path("*.csv")
    assert sorted(r["x"] for r in rows(stream)) == [1, 2]


def test_recursive_glob(tmp_path: Path, read_path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.csv").write_text("x\n7\n")
    assert rows(read_path("**/*.csv")) == [{"x": 7}]


def test_glob_matching_nothing_is_an_error(tmp_path: Path, read_path) -> None:
    with pytest.raises(DataError, match=r"no files match \*\.parquet"):
        read_path("*.parquet")


@pytest.mark.parametrize("name", ["d.parquet", "d.pq"])
def test_parquet_extensions(tmp_path: Path, read_path, name: str) -> None:
    pq.write_table(pa.table({"x": [1, 2]}), tmp_path / name)
    assert rows(read_path(name)) == [{"x": 1}, {"x": 2}]


@pytest.mark.parametrize("name", ["d.jsonl", "d.json", "d.ndjson"])
def test_json_lines_extensions(tmp_path: Path, read_path, name: str) -> None:
    (tmp_path / name).write_text('{"x": 1}\n{"x": 2}\n')
    assert rows(read_path(name)) == [{"x": 1}, {"x": 2}]


def test_files_outside_nothing_are_read_lazily_but_resolved_eagerly(tmp_path: Path, read_path) -> None:
    """read() checks paths at once; a file's content is only read when iterated."""
    (tmp_path / "bad.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    stream = read_path("bad.csv")  # no error yet: nothing opened
    assert stream.stats.files == 0
    with pytest.raises(DataError):
        list(stream)


# -- remote URIs ---------------------------------------------------------------------------
@pytest.fixture
def memory_root() -> str:
    root = f"memory:///driftplane-test-{uuid.uuid4().hex}"
    yield root
    fs = fsspec.filesystem("memory")
    if fs.exists(root):
        fs.rm(root, recursive=True)


def test_memory_filesystem_reads_every_format(memory_root: str) -> None:
    fs = fsspec.filesystem("memory")
    with fs.open(f"{memory_root}/t.csv", "wb") as f:
        f.write(b"a,b\n1,x\n")
    with fs.open(f"{memory_root}/t.parquet", "wb") as f:
        pq.write_table(pa.table({"a": [2], "b": ["y"]}), f)
    with fs.open(f"{memory_root}/t.jsonl", "wb") as f:
        f.write(b'{"a": 3, "b": "z"}\n')
    got = {}
    for ext in ("csv", "parquet", "jsonl"):
        stream = read(DataSource(data=f"{memory_root}/t.{ext}"))
        got[ext] = rows(stream)
        assert stream.stats.opened == [f"{memory_root}/t.{ext}"]
    assert got == {"csv": [{"a": 1, "b": "x"}], "parquet": [{"a": 2, "b": "y"}], "jsonl": [{"a": 3, "b": "z"}]}


def test_memory_filesystem_glob_and_missing(memory_root: str) -> None:
    fs = fsspec.filesystem("memory")
    for i in range(3):
        with fs.open(f"{memory_root}/d/part-{i}.csv", "wb") as f:
            f.write(f"x\n{i}\n".encode())
    stream = read(DataSource(data=f"{memory_root}/d/*.csv"))
    assert sorted(r["x"] for r in rows(stream)) == [0, 1, 2]
    assert stream.description == f"3 files under {memory_root}/d"
    with pytest.raises(DataError) as caught:
        read(DataSource(data=f"{memory_root}/d/missing.csv"))
    assert "memory://" in str(caught.value) and "missing.csv" in str(caught.value)
    assert "relative paths" not in str(caught.value)


@pytest.mark.parametrize(
    ("uri", "package", "extra"),
    [
        ("gs://bucket/data.parquet", "gcsfs", "gcs"),
        ("az://container/data.parquet", "adlfs", "abfs"),
        ("abfs://container/data.parquet", "adlfs", "abfs"),
    ],
)
def test_missing_filesystem_package_gives_the_install_command(
    uri: str, package: str, extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hide the package (gcsfs is a dev dependency) the way a plain install lacks it."""
    scheme = uri.split("://")[0]
    monkeypatch.setitem(sys.modules, package, None)
    monkeypatch.delitem(sys.modules["fsspec.registry"]._registry, scheme, raising=False)
    with pytest.raises(DataError) as caught:
        read(DataSource(data=uri))
    assert str(caught.value) == f"Install {package} to read {scheme}:// URIs: pip install 'driftplane[{extra}]'"


def test_missing_s3fs_gives_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """s3fs is a dev dependency, so hide it the way a plain install lacks it."""
    monkeypatch.setitem(sys.modules, "s3fs", None)
    registry_module = sys.modules["fsspec.registry"]
    for protocol in ("s3", "s3a"):
        monkeypatch.delitem(registry_module._registry, protocol, raising=False)
    with pytest.raises(DataError) as caught:
        read(DataSource(data="s3://bucket/capture/*.jsonl"))
    assert str(caught.value) == "Install s3fs to read s3:// URIs: pip install 'driftplane[s3]'"


def test_unknown_scheme(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="unknown URI scheme 'nosuch://'"):
        read(DataSource(data="nosuch://x/y.csv"))
