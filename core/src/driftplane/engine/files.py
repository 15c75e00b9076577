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


def read_json(path: str | Path, what: str) -> Any:
    """Parse a JSON file, or raise DataError naming the file, the line and what was expected."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{path}: {what} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read this {what}: {exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); expected a {what}"
        ) from None
