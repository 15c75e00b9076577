"""The ``MLTable`` file that makes an uploaded baseline an mltable data asset.

Azure ML model monitoring reads reference data as an mltable (every official example does,
and a uri_file input needs a preprocessing component). An mltable asset is a folder with the
data files and an ``MLTable`` YAML file naming them and how to read them (Azure's MLTable
schema: ``paths`` of ``file`` entries, then one read transformation).

A baseline is a file, a folder or a glob, as driftplane reads it everywhere: a glob's files
are the ones the engine reads (hidden files left out, one data format), uploaded relative to
the folder the glob starts in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from driftplane.errors import DataError

DESCRIPTOR = "MLTable"
GLOB_CHARS = frozenset("*?[")
# driftplane's data formats and the file endings each is read from.
SUFFIXES = {
    "parquet": (".parquet", ".pq"),
    "csv": (".csv",),
    "jsonl": (".jsonl", ".ndjson", ".json"),
}


def _reader(kind: str, delimiter: str) -> str:
    """The MLTable read transformation for a format."""
    if kind == "parquet":
        return "  - read_parquet\n"
    if kind == "csv":
        return (
            f"  - read_delimited:\n      delimiter: {json.dumps(delimiter)}\n"
            "      header: all_files_same_headers\n      encoding: utf8\n"
        )
    return "  - read_json_lines:\n      encoding: utf8\n"


@dataclass(frozen=True)
class Table:
    """What to upload for one baseline: its data files, the folder they are relative to, and
    the MLTable text (None: the folder has its own)."""

    root: Path
    files: tuple[Path, ...]
    descriptor: str | None
    shape: Literal["file", "folder", "glob"] = "file"


def is_glob(location: str) -> bool:
    return any(c in location for c in GLOB_CHARS)


def _format_of(file: Path, declared: str) -> str | None:
    if declared in SUFFIXES:
        return declared
    suffix = file.suffix.lower()
    return next((name for name, endings in SUFFIXES.items() if suffix in endings), None)


def _glob_root(pattern: Path) -> Path:
    """The folder a glob starts in: its parts before the first one with a wildcard."""
    parts = pattern.parts
    first = next(i for i, part in enumerate(parts) if is_glob(part))
    return Path(*parts[:first])


def _glob_files(pattern: Path, declared: str, where: str) -> tuple[Path, ...]:
    """The files the engine reads for a glob: its matches, hidden ones left out, one format."""
    from driftplane.engine.readers.datafiles import filesystem_for, list_files
    from driftplane.engine.readers.formats import choose_format

    fs, path = filesystem_for(str(pattern))
    found, _ = list_files(fs, path, data=str(pattern), base_dir=None)
    if not found:
        raise DataError(
            f"{where}: no files match {pattern}; the azure provider uploads the baseline, so its files must be here"
        )
    _, selected, _ = choose_format(found, declared, where)
    return tuple(Path(file.path) for file in selected)


def table_for(
    location: str,
    base_dir: Path,
    declared: str,
    where: str,
    *,
    delimiter: str = ",",
    timestamp_column: str | None = None,
) -> Table:
    """The files of a local baseline and the MLTable file that reads them.

    ``location`` is the spec's ``baseline.data`` (relative to ``base_dir``), ``declared``
    its ``format`` (``auto`` reads the file endings); ``where`` names the spec key for
    messages. A CSV delimiter and a timestamp column (what ``baseline.window`` selects rows
    by) are written into the MLTable file, so Azure reads the file as driftplane does.
    """
    path = Path(location).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    shape: Literal["file", "folder", "glob"]
    if is_glob(location):
        shape, root = "glob", _glob_root(path)
        files = _glob_files(path, declared, where)
    elif path.is_file():
        shape, root = "file", path.parent
        files = (path,)
    elif path.is_dir():
        shape, root = "folder", path
        every = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        if (path / DESCRIPTOR).is_file():
            return Table(path, tuple(every), None, shape)  # the user's own MLTable file wins
        files = tuple(p for p in every if _format_of(p, declared) is not None)
    else:
        raise DataError(
            f"{where}: {path} does not exist; the azure provider uploads the baseline as a data asset, "
            "so it must be readable here"
        )
    if not files:
        raise DataError(
            f"{where}: {path} has no csv, parquet or jsonl files to upload; Azure ML reads the baseline "
            "as an mltable, so put the data files there (or an MLTable file of your own)"
        )
    formats = {_format_of(f, declared) for f in files}
    if None in formats or len(formats) != 1:
        found = ", ".join(sorted({f.suffix or f.name for f in files}))
        raise DataError(
            f"{where}: cannot tell how Azure ML should read {path} (files: {found}); the upload needs "
            "one format: csv, parquet or jsonl (set the baseline's format:, or add an MLTable file)"
        )
    (kind,) = formats
    assert kind is not None
    paths = "".join(f"  - file: {json.dumps('./' + f.relative_to(root).as_posix())}\n" for f in files)
    traits = f"traits:\n  timestamp_column: {json.dumps(timestamp_column)}\n" if timestamp_column else ""
    return Table(root, files, f"paths:\n{paths}transformations:\n{_reader(kind, delimiter)}{traits}", shape)
