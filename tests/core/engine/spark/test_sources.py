"""What the Spark engine reads (CSV without a header, capture, tables, Delta) and its errors."""

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
from tests.core.engine.spark.compare_profiles import assert_same_profile

from driftplane.engine.api import load_baseline, profile, profile_source
from driftplane.errors import DataError
from driftplane.result import Window
from driftplane.spec.models import DataSource, Target


def _target(source: DataSource, reference, engine: str, window: Window | None = None):
    return profile_source(
        source, phase="target", reference=reference, rules=None, settings=None,
        base_dir=None, window=window, progress=None, threads=None, engine=engine,
    )


def test_headerless_csv_takes_the_baselines_names_by_position(spark, small_splits, tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    train = tmp_path / "train.parquet"
    pq.write_table(pa.table({"age": rng.integers(18, 90, 500), "city": rng.choice(["a", "b"], 500)}), train)
    lines = [f"{rng.integers(18, 90)},{rng.choice(['a', 'b', 'c'])}" for _ in range(8_000)]
    (tmp_path / "today.csv").write_text("\n".join(lines) + "\n")
    reference, _ = load_baseline(str(train))
    source = DataSource(data=str(tmp_path / "today.csv"), header=False)
    local = _target(source, reference, "local")
    on_spark = _target(source, reference, "spark")
    assert list(on_spark.columns) == ["age", "city"]
    assert_same_profile(local, on_spark)


def test_csv_files_with_another_header_are_refused_by_name(spark, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x,y\n1,2\n")
    (tmp_path / "b.csv").write_text("y,x\n3,4\n")
    with pytest.raises(DataError, match=r"b\.csv: its header \('y,x'\) differs from the first file's \('x,y'\)"):
        profile(str(tmp_path), engine="spark")


def _capture(time: str, row: str, out: str) -> str:
    return json.dumps(
        {
            "captureData": {
                "endpointInput": {"observedContentType": "text/csv", "mode": "INPUT", "data": row, "encoding": "CSV"},
                "endpointOutput": {"observedContentType": "text/csv", "mode": "OUTPUT", "data": out, "encoding": "CSV"},
            },
            "eventMetadata": {"eventId": "e", "inferenceTime": time},
            "eventVersion": "0",
        }
    )


def test_sagemaker_capture_is_read_with_record_times(spark, tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    for hour in (10, 11, 12):
        folder = tmp_path / "capture" / "2026" / "01" / "05" / f"{hour:02d}"
        folder.mkdir(parents=True)
        lines = [
            _capture(
                f"2026-01-05T{hour:02d}:{minute:02d}:00Z",
                f"{rng.normal():.4f},{rng.integers(0, 5)}",
                f"{rng.random():.3f}",
            )
            for minute in range(60)
        ]
        lines.insert(7, "{not json")
        (folder / "capture.jsonl").write_text("\n".join(lines) + "\n")
    train = tmp_path / "train.parquet"
    pq.write_table(pa.table({"score": rng.random(300), "x": rng.normal(size=300), "k": rng.integers(0, 5, 300)}), train)
    reference, _ = load_baseline(str(train))
    source = Target(
        data=str(tmp_path / "capture/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/{timestamp:HH}/*.jsonl")
    )
    window = Window.model_validate({"start": "2026-01-05T10:30:00Z", "end": "2026-01-05T12:15:00Z"})
    local = _target(source, reference, "local", window)
    on_spark = _target(source, reference, "spark", window)
    assert on_spark.rows == local.rows == 30 + 60 + 15
    assert list(on_spark.columns) == ["score", "x", "k"]
    assert_same_profile(local, on_spark)
    assert any("skipped 1 capture line (not valid JSON)" in m for m in on_spark.messages)


def test_a_table_in_sparks_catalog_is_read_by_name(spark, tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    table = pa.table({"x": rng.normal(size=2_000), "k": rng.choice(["u", "v"], 2_000)})
    path = tmp_path / "t.parquet"
    pq.write_table(table, path)
    spark.read.parquet(str(path)).write.mode("overwrite").saveAsTable("driftplane_inference_log")
    local = profile(str(path))
    on_spark = profile("table:driftplane_inference_log", engine="spark")
    assert_same_profile(local, on_spark)
    assert on_spark.source == "table driftplane_inference_log"


def test_a_table_name_with_the_local_engine_says_to_use_spark(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="only the Spark engine reads; set engine: spark"):
        profile("table:sales.inference_log")


def test_a_table_that_does_not_exist_is_a_data_error(spark) -> None:
    with pytest.raises(DataError, match="table no_such_db_table does not exist in Spark's catalog"):
        profile("table:no_such_db_table", engine="spark")


def test_a_delta_table_without_the_connector_says_how_to_add_it(spark, tmp_path: Path) -> None:
    table = tmp_path / "events"
    (table / "_delta_log").mkdir(parents=True)
    pq.write_table(pa.table({"x": [1.0, 2.0]}), table / "part-00000.parquet")
    (table / "_delta_log" / "00000000000000000000.json").write_text(
        json.dumps({"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}}) + "\n"
    )
    with pytest.raises(DataError, match="is a Delta table, but this Spark cannot read Delta.*delta-spark"):
        profile(str(table), engine="spark")


def test_a_path_spark_cannot_find_is_named(spark, tmp_path: Path) -> None:
    with pytest.raises(DataError, match=f"data not found: {tmp_path}/nowhere"):
        profile(str(tmp_path / "nowhere"), engine="spark")


def test_a_file_spark_cannot_read_is_a_data_error(spark, tmp_path: Path) -> None:
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 this is cut short")
    with pytest.raises(DataError, match="broken.parquet: Spark could not read it"):
        profile(str(tmp_path / "broken.parquet"), engine="spark")


def _cli(args: list[str], env: dict[str, str], prelude: str = "") -> subprocess.CompletedProcess[str]:
    code = f"{prelude}\nimport sys\nfrom driftplane.cli import main\nsys.argv = ['driftplane', *{args!r}]\nmain()"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)


def test_without_pyspark_the_engine_says_how_to_install_it(tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"x": [1.0, 2.0]}), path)
    # An interpreter where importing pyspark fails, as when the extra is not installed.
    done = _cli(
        ["compare", str(path), str(path), "--engine", "spark"],
        dict(os.environ),
        "import sys; sys.modules['pyspark'] = None",
    )
    assert done.returncode == 3, done.stderr
    assert "pip install 'driftplane[spark]'" in done.stderr


def test_without_java_the_engine_says_so(tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"x": [1.0, 2.0]}), path)
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "PYSPARK_GATEWAY_PORT")}
    env["PATH"] = str(Path(sys.executable).parent)  # python and driftplane, but no java
    done = _cli(["compare", str(path), str(path), "--engine", "spark"], env)
    assert done.returncode == 3, done.stderr
    assert "Spark needs Java (17 or newer) and none was found" in done.stderr
