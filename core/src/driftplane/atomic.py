"""Write a file so that readers never see half of it and a crash never loses the old one.

The data goes to a temporary file in the destination's directory, is flushed to disk and
renamed over the destination (``os.replace`` is atomic on one filesystem).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically, creating folders; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    # open(..., "xb") rather than mkstemp: the file gets the usual permissions (umask), not 0600.
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        with open(temporary, "xb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
