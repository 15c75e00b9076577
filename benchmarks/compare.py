"""Benchmark `driftplane compare` against a plain pyarrow/numpy floor on the same data.

    uv run python benchmarks/compare.py                 # 1,000 and 1,000,000 rows, Parquet and CSV
    uv run python benchmarks/compare.py --rows 10000000 --formats parquet
    uv run python benchmarks/compare.py --repeat 5

Data (generated once under benchmarks/data/, seeds 42 and 43): 20 columns, 14 float64
(about 1% nulls in f00-f03), 3 int64 (Poisson), 3 strings of 50 Zipf-like categories. The
target shifts 5 columns: f00 +0.5 sd, f01 x1.5 around its mean, f02 +0.1 sd, i00 +5,
c00's category frequencies reversed.

The floor reads both files with pyarrow and computes, per column, count, nulls, min, max,
mean and std (pyarrow.compute), a 100-bin histogram and 9 exact quantiles (numpy) for
numbers and value counts for strings. The compare job is the command a user runs,
`driftplane compare BASELINE TARGET --out DIR --json`. Every job runs in a fresh process; wall
time includes interpreter start and imports; CPU and peak memory are the job's own (from
wait4). Jobs are interleaved and the median of the repeats is reported, after one unmeasured
run of each job that leaves Python's bytecode caches written, as an installed package has
them (PYTHONDONTWRITEBYTECODE is dropped for the jobs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
CHUNK_ROWS = 1_000_000
CATEGORIES = 50


# -- data ----------------------------------------------------------------------------------


def _chunk(rows: int, seed: int, shifted: bool, offset: int):
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng([seed, offset])
    columns = {}
    for i in range(14):
        values = rng.normal(10 + i, 1 + i / 4, rows)
        if shifted and i == 0:
            values = values + 0.5 * (1 + i / 4)
        if shifted and i == 1:
            values = (values - (10 + i)) * 1.5 + (10 + i)
        if shifted and i == 2:
            values = values + 0.1 * (1 + i / 4)
        mask = rng.random(rows) < 0.01 if i < 4 else None
        columns[f"f{i:02d}"] = pa.array(values, mask=mask)
    for i in range(3):
        columns[f"i{i:02d}"] = rng.poisson(3 + 2 * i, rows) + (5 if shifted and i == 0 else 0)
    weights = 1 / np.arange(1, CATEGORIES + 1) ** 1.1
    weights /= weights.sum()
    names = np.array([f"category_{k:02d}" for k in range(CATEGORIES)])
    for i in range(3):
        p = weights[::-1] if shifted and i == 0 else weights
        columns[f"c{i:02d}"] = pa.array(names[rng.choice(CATEGORIES, rows, p=p)])
    return pa.table(columns)


def generate(rows: int, formats: list[str]) -> dict[str, dict[str, Path]]:
    """Write baseline and target files unless they exist; returns {format: {side: path}}."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    DATA.mkdir(parents=True, exist_ok=True)
    out: dict[str, dict[str, Path]] = {}
    for fmt in formats:
        out[fmt] = {}
        for side, seed in (("baseline", 42), ("target", 43)):
            path = DATA / f"{side}_{rows}.{fmt}"
            out[fmt][side] = path
            if path.exists():
                continue
            print(f"generating {path.name} ...", flush=True)
            partial = path.with_suffix(path.suffix + ".tmp")
            writer = None
            for offset in range(0, rows, CHUNK_ROWS):
                table = _chunk(min(CHUNK_ROWS, rows - offset), seed, side == "target", offset)
                if writer is None:
                    writer = (
                        pq.ParquetWriter(partial, table.schema)
                        if fmt == "parquet"
                        else pacsv.CSVWriter(partial, table.schema)
                    )
                writer.write_table(table)
            assert writer is not None
            writer.close()
            os.replace(partial, path)
    return out


# -- jobs (each runs in its own process) ------------------------------------------------------


def job_floor(baseline: str, target: str, fmt: str) -> dict:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    summary = {}
    tables = [pq.read_table(p) if fmt == "parquet" else pacsv.read_csv(p) for p in (baseline, target)]
    for side, table in zip(("baseline", "target"), tables, strict=True):
        for name in table.column_names:
            column = table.column(name)
            stats = {"count": len(column) - column.null_count, "nulls": column.null_count}
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                stats["top"] = pc.value_counts(column).to_pylist()[:1]
            else:
                extremes = pc.min_max(column)
                stats.update(
                    min=extremes["min"].as_py(),
                    max=extremes["max"].as_py(),
                    mean=pc.mean(column).as_py(),
                    std=pc.stddev(column).as_py(),
                )
                values = column.drop_null().to_numpy()
                stats["histogram"] = np.histogram(values, bins=100)[0].tolist()[:1]
                stats["quantiles"] = np.quantile(values, np.linspace(0.1, 0.9, 9)).tolist()
            summary[f"{side}.{name}"] = stats
    return {"columns": len(summary)}


JOBS = ("floor", "compare")
DRIFTPLANE = Path(sys.executable).with_name("driftplane")


def job_command(name: str, baseline: Path, target: Path, fmt: str, out: str) -> list[str]:
    """The command line of one job."""
    if name == "floor":
        return [
            sys.executable,
            __file__,
            "--job",
            "floor",
            "--baseline",
            str(baseline),
            "--target",
            str(target),
            "--format",
            fmt,
        ]
    return [str(DRIFTPLANE), "-q", "compare", str(baseline), str(target), "--out", out, "--json"]


def run_job(name: str, baseline: Path, target: Path, fmt: str) -> dict:
    """Run one job in a fresh process: wall time, its CPU time and peak RSS, what it found."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryFile("w+") as stdout:
        started = time.perf_counter()
        process = subprocess.Popen(
            job_command(name, baseline, target, fmt, out), stdout=stdout, stderr=subprocess.PIPE, text=True, env=env
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        errors = process.stderr.read() if process.stderr else ""
        if process.stderr:
            process.stderr.close()
        stdout.seek(0)
        output = stdout.read()
    if process.returncode not in (0, 1):  # compare exits 1 when it found drift
        raise SystemExit(f"job {name} on {fmt} failed ({process.returncode}):\n{errors}")
    report: dict = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}
    if name == "compare":
        result = json.loads(output)
        report["details"] = {
            "drifted": sorted(f["name"] for f in result["features"] if f["drift"] and f["drift"]["drifted"])
        }
    return report


def child(args: argparse.Namespace) -> None:
    details = job_floor(args.baseline, args.target, args.format)
    print(json.dumps({"details": details}))


# -- driver --------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores, {cpu}, {memory:.0f} GiB RAM, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}"
    )


def measure(rows: int, formats: list[str], repeat: int) -> list[tuple[str, ...]]:
    """Table rows for one data size: each job's medians and its ratios to the floor."""
    files = generate(rows, formats)
    table = []
    for fmt in formats:
        for name in JOBS:  # unmeasured: bytecode caches written, files in the page cache
            run_job(name, files[fmt]["baseline"], files[fmt]["target"], fmt)
        runs: dict[str, list[dict]] = {name: [] for name in JOBS}
        for _ in range(repeat):
            for name in JOBS:  # interleaved
                runs[name].append(run_job(name, files[fmt]["baseline"], files[fmt]["target"], fmt))
        medians = {
            name: {key: statistics.median(r[key] for r in results) for key in ("wall", "cpu", "peak_mb")}
            for name, results in runs.items()
        }
        floor = medians["floor"]
        for name in JOBS:
            m = medians[name]
            walls = [r["wall"] for r in runs[name]]
            table.append(
                (
                    f"{name}_{fmt}",
                    f"{rows:,}",
                    f"{m['wall']:.2f} ({min(walls):.2f}-{max(walls):.2f})",
                    f"{m['cpu']:.2f}",
                    f"{m['peak_mb']:,.0f}",
                    f"{m['wall'] / floor['wall']:.2f}x",
                    f"{m['cpu'] / floor['cpu']:.2f}x",
                    f"{m['peak_mb'] / floor['peak_mb']:.2f}x",
                )
            )
        print(f"{rows:,} rows, {fmt}: compare found drift on {runs['compare'][-1]['details']['drifted']}", flush=True)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--rows", default="1000,1000000", help="comma-separated rows per dataset (default 1000,1000000)"
    )
    parser.add_argument("--formats", default="parquet,csv", help="comma-separated: parquet, csv")
    parser.add_argument("--repeat", type=int, default=3, help="runs per job; the median is reported")
    parser.add_argument("--job", choices=["floor"], help=argparse.SUPPRESS)
    parser.add_argument("--baseline", help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        child(args)
        return
    import driftplane

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    sizes = [int(r) for r in args.rows.split(",") if r.strip()]
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f}")
    sizes_text = ", ".join(f"{r:,} + {r:,}" for r in sizes)
    print(f"driftplane {driftplane.__version__}; {sizes_text} rows x 20 columns; median of {args.repeat}\n")
    rows = [row for size in sizes for row in measure(size, formats, args.repeat)]
    header = (
        "job",
        "rows",
        "wall s (min-max)",
        "cpu s",
        "peak RSS MB",
        "wall / floor",
        "cpu / floor",
        "memory / floor",
    )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print()
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("| " + " | ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)) + " |")
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
