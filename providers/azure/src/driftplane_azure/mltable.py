"""The ``MLTable`` file that makes an uploaded baseline an mltable data asset.

Azure ML model monitoring reads reference data as an mltable (every official example does,
and a uri_file input needs a preprocessing component). An mltable asset is a folder with the
data files and an ``MLTable`` YAML file naming them and how to read them (Azure's MLTable
schema: ``paths`` of ``file`` entries, then one read transformation).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from driftplane.errors import DataError

DESCRIPTOR = "MLTable"
# driftplane's data formats and the file endings each is read from.
SUFFIXES = {
    "parquet": (".parquet", ".pq"),
    "csv": (".csv",),
    "jsonl": (".jsonl", ".ndjson", ".json"),
}
# The MLTable read transformation for each format.
READERS = {
    "parquet": "  - read_parquet\n",
    "csv": '  - read_delimited:\n      delimiter: ","\n      header: all_files_same_headers\n      encoding: utf8\n',
    "jsonl": "  - read_json_lines:\n      encoding: utf8\n",
}


@dataclass(frozen=True)
class Table:
    """What to upload for one baseline: its data files and the MLTable text (None: the folder has its own)."""

    files: tuple[Path, ...]
    descriptor: str | None


def _format_of(file: Path, declared: str) -> str | None:
    if declared in SUFFIXES:
        return declared
    suffix = file.suffix.lower()
    return next((name for name, endings in SUFFIXES.items() if suffix in endings), None)


def table_for(path: Path, declared: str, where: str) -> Table:
    """The files of a local baseline and the MLTable file that reads them.

    ``declared`` is the spec's ``format`` (``auto`` reads the file endings); ``where`` names
    the spec key for messages.
    """
    if path.is_file():
        files: tuple[Path, ...] = (path,)
        root = path.parent
    else:
        every = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        if (path / DESCRIPTOR).is_file():
            return Table(tuple(every), None)  # the user's own MLTable file wins
        files = tuple(p for p in every if _format_of(p, declared) is not None)
        root = path
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
    return Table(files, f"paths:\n{paths}transformations:\n{READERS[kind]}")
