"""Write a file so that readers never see half of it and a crash never loses the old one.

The data goes to a temporary file in the destination's directory, is flushed to disk and
renamed over the destination (``os.replace`` is atomic on one filesystem).

Every write driftplane makes (reports, the baseline cache, lock files, --out files, the
state directory) goes through here or through ``writing``, so a full disk, a used-up
quota, a read-only filesystem or a missing permission always reads the same way: what
could not be written, where, and what to do, never "an unexpected OSError".
"""

from __future__ import annotations

import errno
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from driftplane.errors import StorageError

# What to do, by the operating system's reason; {folder} is where the write went and
# {instead} the other way out (by default: write somewhere else).
_ADVICE = {
    errno.ENOSPC: "The disk is full: free space on the filesystem that holds {folder}, or {instead}.",
    errno.EDQUOT: "The disk quota is used up: free space in {folder}, ask for a larger quota, or {instead}.",
    errno.EFBIG: "The file is larger than the filesystem or a file-size limit (ulimit -f) allows there; {instead}.",
    errno.EROFS: "{folder} is on a read-only filesystem: {instead}.",
    errno.EACCES: "driftplane may not write there: check the permissions of {folder}, or {instead}.",
    errno.EPERM: "driftplane may not write there: check the permissions of {folder}, or {instead}.",
    errno.EIO: "The device reported an input/output error: check the disk that holds {folder}.",
    errno.ENOTDIR: "A file stands where a folder is needed on the way to {folder}: move it away, or {instead}.",
    errno.EEXIST: "A file stands where a folder is needed on the way to {folder}: move it away, or {instead}.",
    errno.EISDIR: "A folder stands where the file should go: move it away, or {instead}.",
}
ELSEWHERE = "write somewhere else"


def storage_error(
    exc: OSError,
    what: str,
    path: str | Path,
    *,
    kept: str = "Nothing was half-written.",
    instead: str = ELSEWHERE,
) -> StorageError:
    """The StorageError for ``exc``, raised while writing ``what`` at ``path``.

    ``kept`` says what state the failure left behind (for an atomic write: nothing
    half-written, any earlier version kept); ``instead`` how to write elsewhere (e.g.
    'point providers.local.state_dir somewhere else').
    """
    path = Path(path)
    folder = path.parent
    reason = exc.strerror or str(exc)
    advice = _ADVICE.get(exc.errno or -1, "Check {folder} and run again.").format(folder=folder, instead=instead)
    return StorageError(
        f"could not write {what} at {path}: {reason}. {advice} {kept}".strip(),
        path=str(path),
        errno=exc.errno,
        strerror=reason,
    )


@contextmanager
def writing(
    what: str, path: str | Path, *, kept: str = "Nothing was half-written.", instead: str = ELSEWHERE
) -> Iterator[None]:
    """Turn an OSError raised inside into a StorageError that names ``what`` and ``path``.

    BrokenPipeError passes through: a closed pipe is not a storage problem.
    """
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise storage_error(exc, what, path, kept=kept, instead=instead) from exc


def write_atomic(path: str | Path, data: str | bytes, *, what: str | None = None, instead: str = ELSEWHERE) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically, creating folders; returns the path.

    Raises StorageError (a DataError) when the disk, quota, filesystem or permissions refuse
    the write; the temporary file is removed and an earlier version of ``path`` is kept.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    # open(..., "xb") rather than mkstemp: the file gets the usual permissions (umask), not 0600.
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    kept = "Nothing was half-written; an earlier version, if any, is unchanged."
    with writing(what or path.name, path, kept=kept, instead=instead):
        path.parent.mkdir(parents=True, exist_ok=True)
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
