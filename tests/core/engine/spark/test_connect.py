"""Spark Connect (Databricks serverless, shared clusters): the engine as a Connect client.

A process holds either a classic SparkContext or a Connect client, so this runs the real
command in a fresh process with ``SPARK_REMOTE=local[2]``, which starts a Spark Connect
server in a local JVM and talks to it over gRPC, as a client of a remote cluster would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftplane.cli import cli  # noqa: F401  # the same driftplane the subprocess imports

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def run_compare(base: Path, target: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DRIFTPLANE_", "SPARK_", "PYSPARK_"))}
    full_env.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "driftplane",
            "compare",
            str(base),
            str(target),
            "--json",
            *(("--engine", "spark") if env else ()),
        ],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=600,
    )


def test_compare_over_spark_connect_gives_the_local_engine_verdict(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    rows = 20_000
    base, target = tmp_path / "base.parquet", tmp_path / "target.parquet"
    pq.write_table(pa.table({"amount": rng.normal(50, 10, rows), "plan": rng.choice(["basic", "pro"], rows)}), base)
    pq.write_table(pa.table({"amount": rng.normal(55, 10, rows), "plan": rng.choice(["basic", "pro"], rows)}), target)

    local = run_compare(base, target)
    connect = run_compare(base, target, SPARK_REMOTE="local[2]")

    assert local.returncode == connect.returncode == 1, connect.stderr[-2000:]
    assert "connecting to Spark Connect at local[2]" in connect.stderr
    mine, theirs = json.loads(local.stdout), json.loads(connect.stdout)
    assert theirs["status"] == mine["status"] == "drift_and_violations"
    drifted = lambda result: sorted(f["name"] for f in result["features"] if (f["drift"] or {}).get("drifted"))  # noqa: E731
    assert drifted(theirs) == drifted(mine) == ["amount"]
    assert theirs["rows"] == mine["rows"] == {"baseline": rows, "target": rows}
