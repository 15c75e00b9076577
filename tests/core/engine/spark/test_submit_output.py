"""``spark-submit ... compare --json``: stdout holds only the JSON, Spark's chatter stays off the console.

spark-submit runs the Python program with its stderr merged into spark-submit's stdout (its
PythonRunner redirects the error stream), so log lines written to stderr land in the JSON.
The first test imitates that launcher exactly (a parent that merges the child's stderr into
its own stdout and keeps its own stderr apart) without the minutes a JVM costs; the last one
runs the real spark-submit.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

QUICKSTART = Path(__file__).resolve().parents[4] / "examples" / "quickstart"
TRAIN = QUICKSTART / "data" / "train.parquet"
DAY = QUICKSTART / "data" / "daily" / "2026" / "01" / "13"
# What spark-submit's PythonRunner does: the child's stderr merged into its stdout, copied to ours.
LAUNCHER = """
import subprocess, sys
child = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
sys.stdout.buffer.write(child.stdout)
sys.exit(child.returncode)
"""


def launched(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", LAUNCHER, sys.executable, "-m", "driftplane", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)


@pytest.mark.parametrize("under_spark_submit", [True, False], ids=["spark-submit", "another launcher"])
def test_json_on_a_merged_stdout_is_only_the_json(under_spark_submit: bool, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DRIFTPLANE_", "PYSPARK_"))}
    if under_spark_submit:
        env["PYSPARK_GATEWAY_PORT"] = "1"  # what spark-submit sets for the program it starts
    log = tmp_path / "compare.log"
    done = launched("compare", str(TRAIN), str(DAY), "--json", "-v", "--log-file", str(log), env=env)
    assert done.returncode == 1, done.stderr
    if not under_spark_submit:
        # the user merged the streams themselves: their choice, the lines are there
        assert "debug:" in done.stdout
        return
    result = json.loads(done.stdout)  # nothing but the JSON document
    assert result["status"] == "drift_and_violations"
    # the console lines went to the launcher's own stderr, and every one is in the log file
    assert "debug: [driftplane" in done.stderr, done.stderr
    assert "reading" in done.stderr and "reading" in log.read_text()


@pytest.mark.slow
def test_real_spark_submit_compare_json(spark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The real thing: a JVM launched by spark-submit, Spark's default log4j2 profile (INFO)."""
    import pyspark

    submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    assert submit.exists()
    application = subprocess.run(
        [sys.executable, "-m", "driftplane.engine.spark.submit", "--path"], capture_output=True, text=True, check=True
    ).stdout.strip()
    data = tmp_path / "data"
    shutil.copytree(QUICKSTART / "data", data)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DRIFTPLANE_", "PYSPARK_", "SPARK_"))}
    env.update(PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    log = tmp_path / "compare.log"
    command = [
        str(submit),
        "--master",
        "local[1]",
        "--conf",
        "spark.ui.enabled=false",
        application,
        "compare",
        str(data / "train.parquet"),
        str(data / "daily" / "2026" / "01" / "13"),
        "--engine",
        "spark",
        "--json",
        "--log-file",
        str(log),
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
    assert done.returncode == 1, done.stderr[-3000:]
    assert json.loads(done.stdout)["status"] == "drift_and_violations"
    assert "profiling the target on Spark" in done.stderr
    assert "profiling the target on Spark" in log.read_text()
    # Spark's INFO lines and the WARN trace for a missing _delta_log, once driftplane runs; only the
    # three lines the SparkContext logs before it applies spark.log.level (version, OS, Java) remain
    after = done.stderr[done.stderr.index("starting a Spark session") :]
    info = [line for line in after.splitlines() if " INFO " in line]
    assert len(info) <= 3 and all("SparkContext" in line for line in info), after[:3000]
    assert "FileNotFoundException" not in after and "_delta_log" not in after, after[:3000]
