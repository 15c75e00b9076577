"""The Spark engine skips and counts malformed records as the local readers do; the limit holds over all partitions."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftplane.engine.api import profile_source
from driftplane.errors import DataError
from driftplane.spec.models import Target


def _profile(source: Target, engine: str):
    return profile_source(
        source, phase="target", reference=None, rules=None, settings=None,
        base_dir=None, window=None, progress=None, threads=None, engine=engine,
    )


def test_malformed_rows_are_counted_over_all_partitions(spark, small_splits, tmp_path: Path) -> None:
    lines = ["a,b"] + [f"{i},{i % 7}" for i in range(20_000)]
    for k in range(30):  # spread over the file, so every 64 KB split holds a few
        lines.insert(1 + k * 650, "1,2,3")
    path = tmp_path / "d.csv"
    path.write_text("\n".join(lines) + "\n")
    local = _profile(Target(data=str(path), max_bad_records=40), "local")
    on_spark = _profile(Target(data=str(path), max_bad_records=40), "spark")
    assert local.rows == on_spark.rows == 20_000
    assert local.skipped_records == on_spark.skipped_records == 30
    assert any("30 bad records skipped" in m and "target.max_bad_records allows 40" in m for m in on_spark.messages)
    with pytest.raises(
        DataError, match=r"30 of 20,030 records were malformed, more than target\.max_bad_records \(20\) allows"
    ):
        _profile(Target(data=str(path), max_bad_records=20), "spark")
