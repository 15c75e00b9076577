"""The per-monitor run lock, held and contended by real processes."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from driftplane.local.locks import MonitorBusyError, monitor_lock

HOLDER = """
    import sys
    from driftplane.local.locks import monitor_lock
    with monitor_lock(sys.argv[1], sys.argv[2]):
        print("locked", flush=True)
        sys.stdin.readline()
"""

CONTENDER = """
    import sys
    from driftplane.local.locks import MonitorBusyError, monitor_lock
    try:
        with monitor_lock(sys.argv[1], sys.argv[2], timeout=float(sys.argv[3])):
            print("acquired", flush=True)
    except MonitorBusyError as exc:
        print(exc, flush=True)
        sys.exit(3)
"""


def _start(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def holder(tmp_path: Path):  # type: ignore[no-untyped-def]
    process = _start(HOLDER, str(tmp_path), "churn")
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "locked", process.stderr.read() if process.stderr else ""
    yield process
    if process.poll() is None:
        process.kill()
    process.communicate()


def test_a_second_run_of_the_same_monitor_refuses_naming_monitor_and_holder(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    contender = _start(CONTENDER, str(tmp_path), "churn", "0.3")
    out, err = contender.communicate(timeout=30)
    assert contender.returncode == 3, err
    assert "monitor 'churn' is already being run" in out
    assert f"pid {holder.pid}" in out
    assert "locks/churn.lock" in out
    assert "Nothing was changed" in out


def test_a_second_run_waits_and_goes_ahead_when_the_first_finishes(
    tmp_path: Path, holder: subprocess.Popen[str]
) -> None:
    contender = _start(CONTENDER, str(tmp_path), "churn", "60")
    with pytest.raises(subprocess.TimeoutExpired):
        contender.wait(timeout=0.5)  # still waiting: the holder has the lock
    assert holder.stdin is not None
    holder.stdin.write("done\n")
    holder.stdin.flush()
    out, err = contender.communicate(timeout=30)
    assert contender.returncode == 0, err
    assert out.strip() == "acquired"


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with monitor_lock(tmp_path, "churn", timeout=0) as lock:
        assert lock.held


def test_other_monitors_are_not_blocked(tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    with monitor_lock(tmp_path, "fraud", timeout=0) as lock:
        assert lock.held
    with pytest.raises(MonitorBusyError) as caught:
        monitor_lock(tmp_path, "churn", timeout=0).acquire()
    assert caught.value.monitor == "churn"
    assert caught.value.holder is not None and f"pid {holder.pid}" in caught.value.holder
