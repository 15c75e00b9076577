"""A minimal local-file reader (Parquet, CSV, JSON Lines) used until the full readers land."""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from driftplane.engine.readers import DataStream, ReadStats
from driftplane.errors import DataError
from driftplane.result import Window
from driftplane.spec.models import DataSource


def read_simple(
    source: DataSource,
    *,
    base_dir: Path | None,
    window: Window | None,
    column_names: list[str] | None,
    batch_rows: int,
) -> DataStream:
    if source.data is None:
        raise DataError("this source has no 'data' path to read")
    pattern = source.data if Path(source.data).is_absolute() or base_dir is None else str(base_dir / source.data)
    files = sorted(glob.glob(pattern)) if any(c in pattern for c in "*?[") else [pattern]
    if Path(pattern).is_dir():
        files = sorted(str(p) for p in Path(pattern).iterdir() if p.is_file())
    for f in files:
        if not Path(f).exists():
            raise DataError(f"data file not found: {f}")
    stats = ReadStats()

    def batches() -> Iterator[pa.RecordBatch]:
        for f in files:
            stats.files += 1
            fmt = source.format if source.format != "auto" else Path(f).suffix.lstrip(".")
            if fmt == "parquet":
                for batch in pq.ParquetFile(f).iter_batches(batch_size=batch_rows):
                    stats.rows += batch.num_rows
                    yield batch
            elif fmt == "csv":
                for batch in pacsv.open_csv(f):
                    stats.rows += batch.num_rows
                    yield batch
            elif fmt in ("jsonl", "json"):
                for batch in pajson.read_json(f).to_batches(batch_rows):
                    stats.rows += batch.num_rows
                    yield batch
            else:
                raise DataError(f"{f}: unsupported format '{fmt}'")

    return DataStream(batches(), stats, f"{len(files)} file(s) matching {source.data}")
