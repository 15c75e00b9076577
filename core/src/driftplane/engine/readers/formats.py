"""Which reader a file needs: the DataSource's ``format``, or (``auto``) the file's extension.

A directory or glob holding more than one kind of data file is an error rather than a
guess: reading CSV and Parquet together usually means the path points one level too high.
JSON Lines files that turn out to be SageMaker capture records are read as capture.
"""

from __future__ import annotations

import json
import posixpath
from collections import Counter

from driftplane.engine.readers.datafiles import DataFile, strip_compression
from driftplane.errors import DataError

EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".json": "jsonl",
    ".ndjson": "jsonl",
}
FORMAT_HELP = "set format: to csv, parquet, jsonl or sagemaker-capture"


def format_of(file: DataFile) -> str | None:
    """The format a file's extension names (compression suffixes ignored), or None."""
    name = strip_compression(posixpath.basename(file.path))
    return EXTENSIONS.get(posixpath.splitext(name)[1].lower())


def choose_format(files: list[DataFile], declared: str, where: str) -> tuple[str, list[DataFile], list[DataFile]]:
    """The format to read ``files`` with, the files to read, and files ignored.

    With an explicit format every file is read. With ``auto`` files without a data
    extension are ignored (and reported by the caller); one kind of data file is required.
    """
    if declared != "auto":
        return declared, files, []
    kinds: dict[str, list[DataFile]] = {}
    ignored: list[DataFile] = []
    for file in files:
        kind = format_of(file)
        if kind is None:
            ignored.append(file)
        else:
            kinds.setdefault(kind, []).append(file)
    if not kinds:
        if len(files) == 1:
            raise DataError(f"cannot tell the format of {files[0].display} from its extension; {FORMAT_HELP}")
        names = ", ".join(f.name for f in files[:5]) + (", ..." if len(files) > 5 else "")
        raise DataError(
            f"{where} has no data files with a known extension (.csv, .parquet, .pq, .jsonl, .json, "
            f".ndjson); found: {names}. Point data at the files or {FORMAT_HELP}"
        )
    if len(kinds) > 1:
        counts = Counter(
            posixpath.splitext(strip_compression(f.name))[1].lower() for fs in kinds.values() for f in fs
        )
        listing = ", ".join(f"{n} {ext}" for ext, n in sorted(counts.items()))
        raise DataError(
            f"{where} mixes data formats ({listing} files); point data at one kind, e.g. "
            f"{where.rstrip('/')}/*{next(iter(sorted(counts)))}, or {FORMAT_HELP}"
        )
    kind, selected = next(iter(kinds.items()))
    return kind, selected, ignored


def looks_like_capture(file: DataFile) -> bool:
    """True when the first non-blank line of a JSON Lines file is a SageMaker capture record."""
    try:
        with file.open() as stream:
            for _ in range(100):
                line = stream.readline(1 << 20)
                if not line:
                    return False
                if line.strip():
                    break
            else:
                return False
    except DataError:
        return False
    try:
        value = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    return isinstance(value, dict) and isinstance(value.get("captureData"), dict)
