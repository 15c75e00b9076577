"""Write a run's report files as one unit: all of them appear, or none do.

Files are written into a hidden sibling directory and renamed into place at the end, so
a run killed halfway (or a full disk) never leaves a half-written report behind; leftovers
of killed runs are removed by the next run.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

logger = logging.getLogger(__name__)

_PARTIAL = ".partial-"


@contextmanager
def report_bundle(final_dir: Path) -> Iterator[Path]:
    """Yield a temporary directory; on success it replaces ``final_dir`` atomically."""
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    temporary = final_dir.parent / f".{final_dir.name}{_PARTIAL}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    temporary.mkdir()
    try:
        yield temporary
        for path in temporary.iterdir():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        if final_dir.exists():
            previous = final_dir.parent / f".{final_dir.name}.old-{uuid.uuid4().hex[:8]}"
            os.replace(final_dir, previous)
            os.replace(temporary, final_dir)
            shutil.rmtree(previous, ignore_errors=True)
        else:
            os.replace(temporary, final_dir)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def remove_leftovers(root: Path) -> int:
    """Delete partial bundles of runs whose process is gone; returns how many."""
    removed = 0
    if not root.exists():
        return 0
    for partial in root.glob(f"*/.*{_PARTIAL}*"):
        pid_text = partial.name.rsplit(_PARTIAL, 1)[1].split("-", 1)[0]
        if pid_text.isdigit() and _alive(int(pid_text)) and int(pid_text) != os.getpid():
            continue
        shutil.rmtree(partial, ignore_errors=True)
        removed += 1
        logger.debug("removed the partial report %s left by an interrupted run", partial)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
