"""A failed command looks like a failure, whichever command it is.

Each case causes a real fault (a corrupt file, a blocked path, a database that is not one,
standard output on a full device) and checks what a person and a log-based alert see:
exactly one ``error:`` line on stderr, no error on stdout, the documented exit code, and an
ERROR record with its traceback in --log-file; -q silences info, never the error.
"""

from __future__ import annotations

import itertools
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from driftplane.cli import cli

TODAY = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (\w+)\s", re.MULTILINE)


def make_project(root: Path, *, days: int = 3, extra: str = "") -> Path:
    """A daily monitor over parquet partitions of the last ``days`` days, and its baseline."""
    rng = np.random.default_rng(3)
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)

    def table(rows: int) -> pa.Table:
        return pa.table({"age": rng.normal(40, 10, rows), "plan": rng.choice(["a", "b", "c"], rows)})

    pq.write_table(table(2000), data / "train.parquet")
    for back in range(1, days + 1):
        day = TODAY - timedelta(days=back)
        folder = data / "daily" / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table(500), folder / "part.parquet")
    spec = root / "monitors.yaml"
    spec.write_text(
        textwrap.dedent(
            """\
            monitors:
              churn:
                baseline: {data: data/train.parquet}
                target:
                  data: "data/daily/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.parquet"
                  window: 1d
                schedule: daily
                alerts:
                  - {name: inputs drifted, when: drift, notify: [log]}
            """
        )
        + extra
    )
    return spec


def corrupt(path: Path) -> None:
    path.write_text("customer,age\nthis is not parquet\n")


@dataclass
class Case:
    """One command with one real fault: builds the project, returns the arguments."""

    name: str
    setup: Callable[[Path], list[str]]
    code: int
    says: str  # a phrase the error line must hold: it names the cause
    process: bool = False  # a provider's subcommand: run as `python -m driftplane`, plugins installed


def _run(root: Path) -> list[str]:
    spec = make_project(root)
    corrupt(root / "data" / "train.parquet")
    return ["run", str(spec)]


def _profile(root: Path) -> list[str]:
    corrupt(root / "broken.parquet")
    return ["profile", str(root / "broken.parquet")]


def _profile_out(root: Path) -> list[str]:
    make_project(root)
    (root / "out").write_text("a file where the --out folder should be")
    return ["profile", str(root / "data" / "train.parquet"), "--out", str(root / "out" / "baseline")]


def _compare(root: Path) -> list[str]:
    make_project(root)
    corrupt(root / "base.parquet")
    return ["compare", str(root / "base.parquet"), str(root / "data" / "train.parquet")]


def _validate(root: Path) -> list[str]:
    spec = make_project(root)
    spec.write_text(spec.read_text().replace("schedule: daily", "schedule: every day"))
    return ["validate", str(spec)]


def _plan(root: Path) -> list[str]:
    spec = make_project(root)
    spec.write_text(spec.read_text() + "  broken: [unclosed\n")
    return ["plan", str(spec)]


def _apply(root: Path) -> list[str]:
    spec = make_project(root)
    (root / ".driftplane").write_text("a file where the state directory should be")
    return ["apply", str(spec)]


def _destroy(root: Path) -> list[str]:
    spec = make_project(root)
    return ["destroy", str(spec), "--purge", "--yes"]


def _not_a_database(root: Path) -> Path:
    spec = make_project(root)
    (root / ".driftplane").mkdir()
    (root / ".driftplane" / "driftplane.db").write_bytes(b"this is not a database at all" * 100)
    return spec


def _status(root: Path) -> list[str]:
    return ["status", str(_not_a_database(root))]


def _history(root: Path) -> list[str]:
    _not_a_database(root)
    return ["history", "--state-dir", str(root / ".driftplane")]


def _aws(root: Path) -> list[str]:
    return ["aws", "enable-capture", "--endpoint", "churn", "--destination", "s3://bucket/capture", "--sampling", "200"]


def _azure(root: Path) -> list[str]:
    return ["azure", "import"]


def _gcp(root: Path) -> list[str]:
    spec = make_project(root)
    return ["gcp", "purge", str(spec)]


CASES = [
    Case("run", _run, 3, "does not look like Parquet"),
    Case("profile", _profile, 3, "does not look like Parquet"),
    Case("profile --out", _profile_out, 3, "could not write statistics.json"),
    Case("compare", _compare, 3, "does not look like Parquet"),
    Case("validate", _validate, 2, "1 problem; the spec is not valid."),
    Case("plan", _plan, 2, "problem"),
    Case("apply", _apply, 3, "could not write the state directory"),
    Case("destroy", _destroy, 2, "--purge has nothing more"),
    Case("status", _status, 3, "is not a driftplane history database"),
    Case("history", _history, 3, "is not a driftplane history database"),
    Case("aws enable-capture", _aws, 2, "--sampling 200 is not a percentage", process=True),
    Case("azure import", _azure, 2, "no Azure ML workspace named", process=True),
    Case("gcp purge", _gcp, 2, "problems; nothing was run", process=True),
]


def error_records(log: str) -> list[str]:
    """The ERROR records of a --log-file, each with the lines that belong to it (a traceback)."""
    starts = [m.start() for m in RECORD.finditer(log)] + [len(log)]
    records = [log[a:b] for a, b in itertools.pairwise(starts)]
    return [r for r in records if (m := RECORD.match(r)) is not None and m.group(1) == "ERROR"]


def assert_one_failure(code: int, out: str, err: str, log: str, *, expected: int, says: str) -> None:
    assert code == expected, (out, err)
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err
    assert says in errors[0], errors[0]
    reason = errors[0].removeprefix("error: ")
    assert "error" not in out.lower(), out
    assert reason not in out
    assert "Traceback" not in err  # the traceback is for the log file (and -v), not the console
    records = error_records(log)
    assert len(records) == 1, log
    assert reason in records[0]
    assert "Traceback (most recent call last)" in records[0], records[0]


@pytest.mark.parametrize("quiet", [False, True], ids=["", "-q"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_failure_is_one_error_line_and_an_error_record_with_its_traceback(
    case: Case, quiet: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP", "AZURE_ML_WORKSPACE"):
        monkeypatch.delenv(name, raising=False)
    args = [*(["-q"] if quiet else []), "--log-file", str(tmp_path / "driftplane.log"), *case.setup(tmp_path)]
    if case.process:
        process = _process(*args)
        out, err = process.communicate(timeout=120)
        code = process.returncode
    else:
        result = CliRunner().invoke(cli, args)
        code, out, err = result.exit_code, result.stdout, result.stderr
    assert_one_failure(code, out, err, (tmp_path / "driftplane.log").read_text(), expected=case.code, says=case.says)
    if quiet:
        assert out.strip() == "" or case.name == "run"  # run still prints its result line
        assert [line for line in err.splitlines() if line.startswith(("warning:", "debug:"))] == []


def test_run_prints_its_result_on_stdout_and_the_reason_only_as_the_error(tmp_path: Path) -> None:
    spec = make_project(tmp_path)
    corrupt(tmp_path / "data" / "train.parquet")
    log = tmp_path / "run.log"
    result = CliRunner().invoke(cli, ["-q", "--log-file", str(log), "run", str(spec), "--json"])
    assert result.exit_code == 3
    error = next(line for line in result.stderr.splitlines() if line.startswith("error:"))
    window = f"{TODAY - timedelta(days=1):%Y-%m-%d} 00:00 to {TODAY:%Y-%m-%d} 00:00 UTC"
    assert error.startswith(f"error: churn [{window}]: FAILED: {tmp_path / 'data' / 'train.parquet'} does not look")
    assert "; report " in error
    # --json: stdout is the data, whose error field is part of the result format
    assert '"status": "failed"' in result.stdout
    plain = CliRunner().invoke(cli, ["run", str(spec)])
    assert f"churn [{window}]: FAILED; the reason is on stderr\n" in plain.stdout


def test_a_backfill_with_failed_windows_keeps_its_summary_on_stdout_and_says_each_failure(tmp_path: Path) -> None:
    spec = make_project(tmp_path, days=4)
    for back in (2, 3):  # two of the four windows have no data
        day = TODAY - timedelta(days=back)
        for file in (tmp_path / "data" / "daily" / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}").iterdir():
            file.unlink()
    log = tmp_path / "backfill.log"
    start, end = TODAY - timedelta(days=4), TODAY
    result = CliRunner().invoke(
        cli, ["-q", "--log-file", str(log), "run", str(spec), "--from", start.isoformat(), "--to", end.isoformat()]
    )
    assert result.exit_code == 3
    assert "Backfill of 4 windows: 2 ok, 0 with drift, 0 with violations, 2 failed." in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and all("no data for the window" in e for e in errors), result.stderr
    assert "no data for" not in result.stdout
    records = error_records(log.read_text())
    assert len(records) == 2 and all("Traceback (most recent call last)" in r for r in records)


def _process(*args: str, stdout: int | None = subprocess.PIPE) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "driftplane", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_serve_says_a_failed_scheduled_run_as_one_error_with_its_traceback(tmp_path: Path) -> None:
    spec = make_project(tmp_path, extra="providers:\n  local: {serve: {port: 0}}\n")
    corrupt(tmp_path / "data" / "train.parquet")
    log = tmp_path / "serve.log"
    process = _process("-q", "--log-file", str(log), "serve", str(spec))
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not (log.exists() and error_records(log.read_text())):
            time.sleep(0.2)
        time.sleep(0.5)  # anything said after the error (a second line) would show now
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0  # serve stopped cleanly; the failure was one run's
    assert_one_failure(0, out, err, log.read_text(), expected=0, says="does not look like Parquet")
    assert "FAILED" in err and "; report " in err


@pytest.mark.parametrize(
    "args",
    [["schema"], ["providers"], ["providers", "--json"], ["history", "--state-dir", "{state}"], ["run", "{spec}"]],
    ids=["schema", "providers", "providers --json", "history", "run"],
)
def test_standard_output_on_a_full_device_is_a_clear_failure(tmp_path: Path, args: list[str]) -> None:
    spec = make_project(tmp_path)
    CliRunner().invoke(cli, ["run", str(spec)])  # a history to show
    args = [a.format(spec=spec, state=tmp_path / ".driftplane") for a in args]
    log = tmp_path / "out.log"
    with open("/dev/full", "w") as full:
        process = _process("--log-file", str(log), *args, stdout=full.fileno())
        _, err = process.communicate(timeout=120)
    assert_one_failure(process.returncode, "", err, log.read_text(), expected=3, says="No space left on device")
    assert "could not write the output (standard output) at /dev/full" in err
    assert "bug" not in err and "Exception ignored" not in err


def test_a_log_file_that_cannot_be_opened_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "logs").write_text("a file where the log folder should be")
    result = CliRunner().invoke(cli, ["--log-file", str(tmp_path / "logs" / "driftplane.log"), "providers"])
    assert result.exit_code == 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "could not write the log file" in errors[0], result.stderr
    assert "bug" not in result.stderr
