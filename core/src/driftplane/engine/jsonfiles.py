"""Reading and writing the JSON files the engine produces, safely.

Writes go to a temporary file in the target directory, are flushed to disk and renamed
over the destination, so a reader never sees half a file and a crash never loses the old one.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from driftplane.atomic import ELSEWHERE, write_atomic
from driftplane.errors import DataError


def _json_safe(value: Any) -> Any:
    """NaN and infinities are not JSON: they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def write_json_atomic(path: str | Path, data: Any, *, what: str | None = None, instead: str = ELSEWHERE) -> Path:
    """Write ``data`` as indented JSON to ``path`` atomically; returns the path.

    StorageError (a DataError) says ``what`` (default: the file's name) could not be written.
    """
    text = json.dumps(_json_safe(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return write_atomic(path, text, what=what, instead=instead)


def read_text(location: str | Path, what: str, storage_options: dict[str, Any] | None = None) -> str:
    """A local file's or a URI's text (s3://, gs://, az:// through fsspec), or DataError."""
    text_location = str(location)
    if "://" not in text_location or text_location.startswith("file://"):
        path = Path(text_location.removeprefix("file://"))
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DataError(f"{path}: {what} not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError(f"{path}: cannot read this {what}: {exc}") from exc
    from driftplane.engine.readers.datafiles import filesystem_for

    fs, remote = filesystem_for(text_location, storage_options or {})
    try:
        with fs.open(remote, "rb") as handle:
            data: bytes = handle.read()
        return data.decode("utf-8")
    except FileNotFoundError:
        raise DataError(f"{text_location}: {what} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{text_location}: cannot read this {what}: {exc}") from exc


def read_json(path: str | Path, what: str, storage_options: dict[str, Any] | None = None) -> Any:
    """Parse a JSON file (local or a URI), or raise DataError naming it, the line and what was expected."""
    text = read_text(path, what, storage_options)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); expected a {what}"
        ) from None
