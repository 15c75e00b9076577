"""History survives what happens to real processes: SIGKILL mid-write, a full disk, two writers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from driftplane.local.history import HistoryStore
from driftplane.result import RunResult

MakeResult = Callable[..., RunResult]


def _python(code: str, *args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,  # type: ignore[arg-type]
    )


# Records runs of a large result (many features: long transactions) until killed.
WRITER = """
    import sys
    from datetime import timedelta
    from pathlib import Path
    from driftplane.local.history import HistoryStore
    from driftplane.result import RunResult, Window

    state_dir, template, first = sys.argv[1], Path(sys.argv[2]).read_text(), int(sys.argv[3])
    result = RunResult.model_validate_json(template)
    store = HistoryStore.open(state_dir)
    day = first
    while True:
        start = result.window.start + timedelta(days=day)
        store.record_run(result.model_copy(update={"window": Window(start=start, end=start + timedelta(days=1))}))
        print(day, flush=True)
        day += 1
"""


def _big_result(make_result: MakeResult, features: int) -> RunResult:
    return make_result(values={f"feature_{i:04d}": (i % 17) / 100 for i in range(features)})


def test_a_writer_killed_mid_transaction_leaves_a_consistent_history(
    tmp_path: Path, make_result: MakeResult
) -> None:
    template = tmp_path / "result.json"
    template.write_text(_big_result(make_result, 3000).model_dump_json())
    state = tmp_path / "state"
    next_day = 0
    for round_number in range(3):
        writer = _python(WRITER, str(state), str(template), str(next_day))
        assert writer.stdout is not None
        committed = [writer.stdout.readline() for _ in range(2)]
        assert all(line.strip() for line in committed), writer.stderr.read() if writer.stderr else ""
        # Kill at a different point of the next transaction each round.
        time.sleep(0.01 * round_number)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        next_day += 1000

        with HistoryStore.open(state) as store:
            assert store.integrity_problems() == []
            runs = store.list_runs("churn", limit=10_000)
            assert len(runs) >= 2 * (round_number + 1)
            assert all(len(r.features) == 3000 for r in runs)
    # And the next run succeeds.
    with HistoryStore.open(state) as store:
        store.record_run(make_result(day=-1))
        assert store.integrity_problems() == []


FULL_DISK_WRITER = """
    import resource, signal, sys
    from pathlib import Path
    from driftplane.errors import DataError
    from driftplane.local.history import HistoryStore
    from driftplane.result import RunResult

    state_dir, template = sys.argv[1], Path(sys.argv[2]).read_text()
    result = RunResult.model_validate_json(template)
    store = HistoryStore.open(state_dir)
    # A file may grow only 64 KiB past the database's current size: the write-ahead log of
    # this large run cannot fit. Without SIG_IGN the kernel would kill us with SIGXFSZ.
    limit = Path(state_dir, "driftplane.db").stat().st_size + 64 * 1024
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        store.record_run(result)
    except DataError as exc:
        print(exc)
        sys.exit(0)
    print("the write succeeded although it could not fit")
    sys.exit(1)
"""


def test_a_full_disk_raises_a_clear_error_and_leaves_the_history_readable(
    tmp_path: Path, make_result: MakeResult
) -> None:
    state = tmp_path / "state"
    with HistoryStore.open(state) as store:
        store.record_run(make_result(day=0))
    template = tmp_path / "result.json"
    template.write_text(_big_result(make_result, 3000).model_dump_json().replace('"2026-01-01', '"2026-01-05'))

    writer = _python(FULL_DISK_WRITER, str(state), str(template))
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, out + err
    assert "could not record the run of monitor 'churn'" in out
    assert "full" in out or "I/O error" in out
    assert str(state / "driftplane.db") in out

    with HistoryStore.open(state) as store:
        assert store.integrity_problems() == []
        assert [len(r.features) for r in store.list_runs("churn")] == [3]
        store.record_run(make_result(day=1))
        assert len(store.list_runs("churn")) == 2


CONCURRENT_WRITER = """
    import sys
    from pathlib import Path
    from datetime import timedelta
    from driftplane.local.history import HistoryStore
    from driftplane.result import RunResult, Window

    state_dir, template, monitor = sys.argv[1], Path(sys.argv[2]).read_text(), sys.argv[3]
    result = RunResult.model_validate_json(template).model_copy(update={"monitor": monitor})
    with HistoryStore.open(state_dir) as store:
        for day in range(15):
            start = result.window.start + timedelta(days=day)
            store.record_run(result.model_copy(update={"window": Window(start=start, end=start + timedelta(days=1))}))
"""


def test_two_processes_writing_at_once_both_land_intact(tmp_path: Path, make_result: MakeResult) -> None:
    template = tmp_path / "result.json"
    template.write_text(_big_result(make_result, 300).model_dump_json())
    state = tmp_path / "state"
    HistoryStore.open(state).close()  # both writers find the database created
    writers = [_python(CONCURRENT_WRITER, str(state), str(template), name) for name in ("churn", "fraud")]
    for writer in writers:
        _out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    with HistoryStore.open(state) as store:
        assert store.integrity_problems() == []
        assert {m.monitor: m.runs for m in store.monitors()} == {"churn": 15, "fraud": 15}
    assert not os.path.exists(state / "driftplane.db-journal")
