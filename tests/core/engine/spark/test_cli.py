"""``run --engine spark`` and ``compare --engine spark`` give the local engine's verdicts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from driftplane.cli import cli

QUICKSTART = Path(__file__).resolve().parents[4] / "examples" / "quickstart"


@pytest.fixture
def quickstart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "quickstart"
    shutil.copytree(QUICKSTART, folder, ignore=shutil.ignore_patterns("reports", ".driftplane", "__pycache__"))
    monkeypatch.setenv("QUICKSTART_WEBHOOK_URL", "http://127.0.0.1:9/closed")  # nothing listens: fails fast
    return folder


def invoke(*args: str) -> tuple[int, list[dict]]:
    """Exit code and the result objects printed (JSON Lines for run, one document for compare)."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    if args[0] == "compare":
        return result.exit_code, [json.loads(result.stdout)]
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def verdicts(results: list[dict]) -> list[tuple]:
    return [
        (
            r["window"]["start"],
            r["status"],
            r["rows"]["target"],
            tuple((f["name"], (f["drift"] or {}).get("drifted")) for f in r["features"]),
        )
        for r in results
    ]


def test_run_with_engine_spark_finds_what_the_local_engine_finds(spark, quickstart: Path) -> None:
    spec = str(quickstart / "monitors.yaml")
    window = ["--from", "2026-01-08", "--to", "2026-01-12"]
    local_code, local = invoke("run", spec, *window, "--json")
    spark_code, on_spark = invoke("run", spec, *window, "--json", "--engine", "spark")
    assert local_code == spark_code == 1
    assert len(on_spark) == 4
    assert verdicts(on_spark) == verdicts(local)
    assert [r["status"] for r in on_spark] == ["ok", "ok", "drift_and_violations", "drift_and_violations"]


def test_engine_in_the_spec_is_used_and_the_option_overrides_it(
    spark, quickstart: Path, caplog: pytest.LogCaptureFixture
) -> None:
    spec = quickstart / "monitors.yaml"
    spec.write_text(spec.read_text().replace("    schedule: daily\n", "    schedule: daily\n    engine: spark\n"))
    caplog.set_level("INFO", logger="driftplane.engine.spark")
    code, results = invoke("run", str(spec), "--at", "2026-01-12", "--json")
    assert code == 1 and results[0]["status"] == "drift_and_violations"
    assert any("profiling the target on Spark" in r.getMessage() for r in caplog.records)
    caplog.clear()
    code, results = invoke("run", str(spec), "--at", "2026-01-12", "--json", "--engine", "local")
    assert code == 1 and results[0]["status"] == "drift_and_violations"
    assert not any("on Spark" in r.getMessage() for r in caplog.records)


def test_compare_with_engine_spark(spark, quickstart: Path) -> None:
    train = str(quickstart / "data" / "train.parquet")
    day = str(quickstart / "data" / "daily" / "2026" / "01" / "13")
    local_code, local = invoke("compare", train, day, "--json")
    spark_code, on_spark = invoke("compare", train, day, "--json", "--engine", "spark")
    assert local_code == spark_code == 1
    assert verdicts([{**on_spark[0], "window": {"start": None}}]) == verdicts([{**local[0], "window": {"start": None}}])
    same_code, same = invoke("compare", train, train, "--json", "--engine", "spark")
    assert same_code == 0 and same[0]["status"] == "ok"


def test_an_unknown_engine_is_a_usage_error(quickstart: Path) -> None:
    result = CliRunner().invoke(cli, ["compare", "a", "b", "--engine", "dask"])
    assert result.exit_code == 2
    assert "'dask' is not one of 'local', 'spark'" in result.output


@pytest.mark.slow
def test_spark_submit_runs_a_monitor(quickstart: Path) -> None:
    """The documented spark-submit line: driftplane's command line after the submit module."""
    import os
    import subprocess
    import sys

    bin_dir = Path(sys.executable).parent
    submit = bin_dir / "spark-submit"
    app = subprocess.run(
        [sys.executable, "-m", "driftplane.engine.spark.submit", "--path"], capture_output=True, text=True, check=True
    ).stdout.strip()
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable}
    done = subprocess.run(
        [str(submit), "--master", "local[1]", "--conf", "spark.ui.enabled=false", app,
         "run", str(quickstart / "monitors.yaml"), "--at", "2026-01-12", "--json", "--engine", "spark"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert done.returncode == 1, done.stderr[-3000:]
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert results[0]["status"] == "drift_and_violations" and results[0]["rows"]["target"] == 2000


@pytest.mark.slow
def test_compare_with_engine_spark_keeps_the_jvm_quiet(quickstart: Path) -> None:
    """No Spark banners (hostname, log4j profile, native libraries) nor pyspark's pandas warning."""
    import os
    import subprocess
    import sys

    train = str(quickstart / "data" / "train.parquet")
    day = str(quickstart / "data" / "daily" / "2026" / "01" / "13")
    env = {k: v for k, v in os.environ.items() if k not in ("SPARK_REMOTE", "DRIFTPLANE_SPARK_MASTER", "MASTER")}
    done = subprocess.run(
        [sys.executable, "-m", "driftplane", "compare", train, day, "--engine", "spark"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert done.returncode == 1, done.stderr[-3000:]
    assert "drift" in done.stdout.lower()
    # The JDK itself announces the incubator module Spark 4 adds; nothing else may speak.
    lines = [
        line
        for line in done.stderr.splitlines()
        if line.strip() and not line.startswith("WARNING: Using incubator modules")
    ]
    assert lines == [], done.stderr
