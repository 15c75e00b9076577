"""Every write driftplane makes meets a full (or read-only) filesystem the same way.

The filesystems are real: a small tmpfs mounted where driftplane writes (this needs root,
as the test machines have), or /dev/full. Each failure must say what could not be written,
where, and what to do; leave nothing half-written; and never call itself a bug.
"""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from driftplane.cli import cli
from driftplane.local.history import HistoryStore

AT = "2026-03-04"


def make_project(root: Path) -> Path:
    rng = np.random.default_rng(5)
    (root / "data" / "daily").mkdir(parents=True)
    pq.write_table(
        pa.table(
            {
                "age": rng.normal(40, 10, 5000),
                "income": rng.lognormal(10, 0.5, 5000),
                "plan": rng.choice(["a", "b", "c"], 5000),
            }
        ),
        root / "data" / "train.parquet",
    )
    day = root / "data" / "daily" / "2026" / "03" / "03"
    day.mkdir(parents=True)
    pq.write_table(
        pa.table(
            {
                "age": rng.normal(40, 10, 800),
                "income": rng.lognormal(10, 0.5, 800),
                "plan": rng.choice(["a", "b", "c"], 800),
            }
        ),
        day / "part.parquet",
    )
    spec = root / "monitors.yaml"
    spec.write_text(
        textwrap.dedent(
            """\
            monitors:
              churn:
                baseline: {data: data/train.parquet}
                target: {data: "data/daily/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.parquet", window: 1d}
                schedule: daily
            """
        )
    )
    return spec


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@contextmanager
def tmpfs(path: Path, size: str = "64k") -> Iterator[Path]:
    """A small real filesystem at ``path``; skips where this machine does not let tests mount."""
    path.mkdir(parents=True, exist_ok=True)
    if not _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)):
        pytest.skip("mounting a tmpfs needs root (the test machines have it)")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def fill(folder: Path) -> None:
    """Write until the filesystem refuses: ENOSPC from the kernel, not from a mock."""
    with open(folder / "filler", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error:")]


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp") or ".partial-" in p.name]


def assert_no_bug(err: str) -> None:
    assert "bug" not in err and "unexpected" not in err and "Traceback" not in err and "Logging error" not in err


def test_a_full_disk_while_caching_the_baseline_says_so_and_keeps_the_run(tmp_path: Path) -> None:
    spec = make_project(tmp_path)
    with tmpfs(tmp_path / ".driftplane" / "baselines") as cache:
        code, out, err = invoke("run", str(spec), "--at", AT)
        assert code == 3, out + err
        assert_no_bug(err)
        (line,) = errors(err)
        assert line.startswith(
            f"error: could not write the cached baseline profile of monitor churn at {cache / 'churn'}/"
        )
        assert "No space left on device. The disk is full: free space on the filesystem that holds" in line
        assert "or point providers.local.state_dir somewhere else. Nothing was half-written" in line
        assert "The run itself went on with the profile and is recorded in history" in line
        assert leftovers(cache) == [] and list((cache / "churn").iterdir()) == []
        with HistoryStore.open(tmp_path / ".driftplane") as store:
            (run,) = store.list_runs("churn")
        assert run.status == "ok" and Path(run.reports["html"]).is_file()
        assert any("the baseline profile could not be cached (No space left on device)" in m for m in run.messages)
        subprocess.run(["mount", "-o", "remount,size=4m", str(cache)], check=True)  # space freed
        code, out, err = invoke("run", str(spec), "--at", AT)
        assert code == 0 and errors(err) == [], err
        assert len(list((cache / "churn").glob("*.json"))) == 1


def test_a_full_state_directory_fails_clearly_and_recovers_once_there_is_space(tmp_path: Path) -> None:
    spec = make_project(tmp_path)
    with tmpfs(tmp_path / ".driftplane") as state:
        code, out, err = invoke("run", str(spec), "--at", AT)
        assert code == 3
        assert_no_bug(err)
        said = "\n".join(errors(err))
        assert "could not write the cached baseline profile of monitor churn" in said
        assert "No space left on device" in said or "disk is full" in said
        assert leftovers(state) == []
        subprocess.run(["mount", "-o", "remount,size=8m", str(state)], check=True)
        code, out, err = invoke("run", str(spec), "--at", AT)
        assert code == 0, err
        with HistoryStore.open(state) as store:
            assert store.integrity_problems() == []
            assert [r.status for r in store.list_runs("churn")] == ["ok"]


def test_a_lock_file_on_a_full_disk_is_a_clear_error(tmp_path: Path) -> None:
    spec = make_project(tmp_path)
    with tmpfs(tmp_path / ".driftplane") as state:
        fill(state)
        code, out, err = invoke("run", str(spec), "--at", AT)
    assert code == 3
    assert_no_bug(err)
    (line,) = errors(err)
    assert line.startswith(
        f"error: could not write the lock file of monitor 'churn' at {state / 'locks' / 'churn.lock'}"
    )
    assert "No space left on device" in line and "Nothing was run." in line


@pytest.mark.parametrize("command", ["profile", "compare"])
def test_out_on_a_full_disk_leaves_nothing_half_written(tmp_path: Path, command: str) -> None:
    make_project(tmp_path)
    data = str(tmp_path / "data" / "train.parquet")
    with tmpfs(tmp_path / "out") as out_dir:
        args = [command, data, *([data] if command == "compare" else []), "--out", str(out_dir)]
        code, out, err = invoke(*args)
        assert code == 3
        assert_no_bug(err)
        (line,) = errors(err)
        assert f"could not write statistics.json at {out_dir / 'statistics.json'}: No space left on device" in line
        assert "Nothing was half-written" in line
        assert list(out_dir.iterdir()) == []


def test_a_read_only_state_directory_is_named_in_apply_and_destroy(tmp_path: Path) -> None:
    spec = make_project(tmp_path)
    with tmpfs(tmp_path / ".driftplane", size="8m") as state:
        assert invoke("run", str(spec), "--at", AT)[0] == 0  # a cached baseline to destroy
        subprocess.run(["mount", "-o", "remount,ro", str(state)], check=True)
        code, out, err = invoke("destroy", str(spec), "--yes")
        assert code == 3
        assert_no_bug(err)
        (line,) = errors(err)
        assert (
            f"could not write the baseline cache of monitor churn (deleting it) at {state / 'baselines' / 'churn'}"
            in line
        )
        assert "Read-only file system" in line and "is on a read-only filesystem" in line
        assert "run destroy again once this is fixed" in line
        assert len(list((state / "baselines" / "churn").glob("*.json"))) == 1
    (tmp_path / "elsewhere").mkdir()
    with tmpfs(tmp_path / "elsewhere" / "ro") as read_only:
        subprocess.run(["mount", "-o", "remount,ro", str(read_only)], check=True)
        spec.write_text(spec.read_text() + f"providers:\n  local: {{state_dir: {read_only / 'state'}}}\n")
        code, out, err = invoke("apply", str(spec))
    assert code == 3
    assert_no_bug(err)
    (line,) = errors(err)
    assert f"could not write the state directory at {read_only / 'state'}: Read-only file system" in line


def test_a_log_file_on_a_full_disk_is_said_once_and_fails_the_command(tmp_path: Path) -> None:
    spec = make_project(tmp_path)
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "driftplane.log").symlink_to("/dev/full")
    code, out, err = invoke("--log-file", str(tmp_path / "logs" / "driftplane.log"), "run", str(spec), "--at", AT)
    assert code == 3, out + err
    assert_no_bug(err)
    (line,) = errors(err)
    assert "could not write the log file at" in line and "No space left on device" in line
    assert "Log lines after this one are not in that file" in line
    with HistoryStore.open(tmp_path / ".driftplane") as store:
        assert len(store.list_runs("churn")) == 1  # the run itself went through
