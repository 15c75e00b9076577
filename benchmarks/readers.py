"""How much driftplane's readers cost over plain pyarrow, on 1M rows x 20 columns.

    uv run python benchmarks/readers.py [--rows 1000000] [--repeat 5] [--dir /tmp/driftplane-bench]

Generates (once, fixed seed) a Parquet and a CSV file shaped like the data in
shared/reference/peers.md section 4: 14 float64 columns (about 1% nulls in four of them),
3 int64 Poisson columns and 3 string columns with 50 Zipf-like categories. Then times, best
of ``--repeat`` runs each, reading every row:

- floor: ``pyarrow.parquet.read_table`` and ``pyarrow.csv.read_csv`` (the whole file at once,
  multithreaded; the fastest pyarrow reads, though not bounded in memory);
- streaming floor: ``ParquetFile.iter_batches`` and ``pyarrow.csv.open_csv``;
- driftplane: ``driftplane.engine.readers.read`` iterated to the end;
- capture: driftplane reading a SageMaker capture JSONL file of the same rows (CSV payloads),
  against pyarrow's JSON reader on the same file (which does not decode the payloads).

Prints each time and the ratio to the floor. The machine is shared and noisy: compare
ratios, and run it more than once.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from driftplane.engine.readers import read
from driftplane.spec.models import DataSource


def make_table(rows: int, seed: int = 42) -> pa.Table:
    rng = np.random.default_rng(seed)
    columns: dict[str, pa.Array] = {}
    for i in range(14):
        values = rng.normal(loc=i, scale=1 + i / 10, size=rows)
        mask = rng.random(rows) < 0.01 if i < 4 else None
        columns[f"f{i:02d}"] = pa.array(values, mask=mask)
    for i in range(3):
        columns[f"i{i:02d}"] = pa.array(rng.poisson(5 + i, size=rows))
    categories = np.array([f"category_{k:02d}" for k in range(50)])
    for i in range(3):
        columns[f"c{i:02d}"] = pa.array(categories[(rng.zipf(1.3, size=rows) - 1) % 50])
    return pa.table(columns)


def write_capture(table: pa.Table, path: Path, limit: int) -> int:
    """A capture file: the first column is the endpoint output, the rest the CSV input."""
    subset = table.slice(0, limit)
    buffer = pa.BufferOutputStream()
    pacsv.write_csv(subset, buffer, write_options=pacsv.WriteOptions(include_header=False))
    lines = buffer.getvalue().to_pybytes().decode().splitlines()
    with path.open("w") as out:
        for k, line in enumerate(lines):
            output, _, features = line.partition(",")
            record = {
                "captureData": {
                    "endpointInput": {
                        "observedContentType": "text/csv",
                        "mode": "INPUT",
                        "data": features,
                        "encoding": "CSV",
                    },
                    "endpointOutput": {
                        "observedContentType": "text/csv",
                        "mode": "OUTPUT",
                        "data": output,
                        "encoding": "CSV",
                    },
                },
                "eventMetadata": {
                    "eventId": f"e{k}",
                    "inferenceTime": f"2026-01-05T{(k // 3600) % 24:02d}:{(k // 60) % 60:02d}:{k % 60:02d}Z",
                },
                "eventVersion": "0",
            }
            out.write(json.dumps(record) + "\n")
    return len(lines)


def best_of(repeat: int, action: Callable[[], int]) -> tuple[float, int]:
    best = float("inf")
    rows = 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = action()
        best = min(best, time.perf_counter() - start)
    return best, rows


def count(batches: object) -> int:
    return sum(batch.num_rows for batch in batches)  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--capture-rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/driftplane-bench"))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    parquet_path = args.dir / f"data_{args.rows}.parquet"
    csv_path = args.dir / f"data_{args.rows}.csv"
    capture_path = args.dir / f"capture_{args.capture_rows}.jsonl"
    if not (parquet_path.exists() and csv_path.exists() and capture_path.exists()):
        print(f"generating {args.rows:,} rows x 20 columns in {args.dir} ...")
        table = make_table(args.rows)
        pq.write_table(table, parquet_path)
        pacsv.write_csv(table, csv_path)
        write_capture(table, capture_path, args.capture_rows)
    names = pq.read_schema(parquet_path).names

    jobs: list[tuple[str, str, Callable[[], int]]] = [
        ("parquet", "pyarrow read_table (floor)", lambda: pq.read_table(parquet_path).num_rows),
        (
            "parquet",
            "pyarrow iter_batches",
            lambda: count(pq.ParquetFile(parquet_path).iter_batches(batch_size=131_072)),
        ),
        ("parquet", "driftplane read", lambda: count(read(DataSource(data=str(parquet_path))))),
        ("csv", "pyarrow read_csv (floor)", lambda: pacsv.read_csv(csv_path).num_rows),
        ("csv", "pyarrow open_csv", lambda: count(pacsv.open_csv(csv_path))),
        ("csv", "driftplane read", lambda: count(read(DataSource(data=str(csv_path))))),
        ("capture", "pyarrow read_json (floor, payloads not decoded)", lambda: pajson.read_json(capture_path).num_rows),
        (
            "capture",
            "driftplane read (payloads decoded)",
            lambda: count(read(DataSource(data=str(capture_path), format="sagemaker-capture"), column_names=names)),
        ),
    ]
    # Interleave the jobs across repeats so load on a shared machine hits all of them alike.
    best: dict[str, float] = {}
    rows_seen: dict[str, int] = {}
    for _ in range(args.repeat):
        for kind, label, action in jobs:
            seconds, rows = best_of(1, action)
            key = f"{kind}/{label}"
            best[key] = min(best.get(key, float("inf")), seconds)
            rows_seen[key] = rows
    floors: dict[str, float] = {}
    print(f"{'data':8} {'reader':48} {'seconds':>8} {'rows':>10} {'x floor':>8}")
    for kind, label, _action in jobs:
        key = f"{kind}/{label}"
        floors.setdefault(kind, best[key])
        print(f"{kind:8} {label:48} {best[key]:8.3f} {rows_seen[key]:10,} {best[key] / floors[kind]:8.2f}")

if __name__ == "__main__":
    main()
