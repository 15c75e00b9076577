"""Benchmark the Spark engine against the local engine: `compare` at 1M and 10M rows.

    uv run python benchmarks/spark.py                          # 1M and 10M rows, Parquet
    uv run python benchmarks/spark.py --rows 1000000 --repeat 3
    uv run python benchmarks/spark.py --columns 5,10,20        # how cost grows with columns (1M rows)

Each job is `driftplane.compare(baseline, target, engine=...)` in a fresh Python process, on
the data of benchmarks/compare.py (20 columns: 14 float64, 3 int64, 3 strings of 50
categories; the target shifts 5 of them; one Parquet file per side, generated once under
benchmarks/data/). The Spark engine runs in local[2] mode (both cores), so its wall time
includes starting the JVM; "session s" is that start alone and "profile s" the rest.
Peak memory is the largest total resident size of the job's process tree (the Python
driver, the JVM and Spark's Python workers), sampled every 0.2 s.

The verdicts of the two engines (status and drifted features) are printed and must agree.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from compare import generate, machine  # noqa: E402  (benchmarks/compare.py: the same data)

COLUMNS = [f"f{i:02d}" for i in range(14)] + [f"i{i:02d}" for i in range(3)] + [f"c{i:02d}" for i in range(3)]
SPARK_CONF = {"spark.master": "local[2]", "spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2"}


def job(baseline: str, target: str, engine: str, columns: int) -> dict:
    """One compare in this process; the timings and the verdict."""
    import driftplane as dp
    from driftplane.spec.models import FeatureSelection

    session_seconds = 0.0
    if engine == "spark":
        from driftplane.engine.spark.session import get_session

        started = time.perf_counter()
        get_session(SPARK_CONF)
        session_seconds = time.perf_counter() - started
    features = FeatureSelection(include=pick(columns)) if columns < len(COLUMNS) else None
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        result = dp.compare(baseline, target, out_dir=out, engine=engine, features=features)
    return {
        "session": session_seconds,
        "profile": time.perf_counter() - started,
        "status": result.status,
        "drifted": sorted(f.name for f in result.drifted_features),
        "distances": {f.name: [f.drift.value, f.drift.threshold] for f in result.features if f.drift is not None},
    }


def pick(count: int) -> list[str]:
    """``count`` columns with the kinds in the same proportions as all 20."""
    floats, ints, texts = COLUMNS[:14], COLUMNS[14:17], COLUMNS[17:]
    n_int = max(1, round(count * 3 / 20))
    n_text = max(1, round(count * 3 / 20))
    return floats[: count - n_int - n_text] + ints[:n_int] + texts[:n_text]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(c) for c in children)
        except (OSError, ValueError):
            continue
    return total / 1024


def run_job(baseline: Path, target: Path, engine: str, columns: int) -> dict:
    """Run one job in a fresh interpreter: wall time, timings and the peak RSS of its tree."""
    command = [
        sys.executable,
        __file__,
        "--job",
        engine,
        "--baseline",
        str(baseline),
        "--target",
        str(target),
        "--columns",
        str(columns),
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.2):
            peak = max(peak, tree_rss_mb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"the {engine} job failed:\n{stderr[-4000:]}")
    report = json.loads(stdout.strip().splitlines()[-1])
    report.update(wall=wall, peak_mb=peak)
    return report


# How far from its threshold a distance must be for its verdict to be settled: the KLL
# sketch behind normalized Wasserstein is randomised (in both engines), so a distance within
# this of the threshold may fall either side from one run to the next, locally too.
SKETCH_NOISE = 0.01


def check_verdicts(local: dict, spark: dict) -> None:
    """Stop when the engines disagree on a feature whose distance is clearly off its threshold."""
    differing = sorted(set(local["drifted"]) ^ set(spark["drifted"]))
    for name in differing:
        (a, threshold), (b, _) = local["distances"][name], spark["distances"][name]
        print(f"  {name}: local {a:.4f}, spark {b:.4f}, threshold {threshold}: on the edge, decided by sketch noise")
        if min(abs(a - threshold), abs(b - threshold)) > SKETCH_NOISE:
            raise SystemExit(f"the engines disagree on {name}, which is not near its threshold")
    if local["status"] != spark["status"] and not differing:
        raise SystemExit(f"the engines disagree: {local['status']} and {spark['status']}")
    if not differing:
        print("  same verdicts")


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in [header, *rows]]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    return "\n".join(lines)


def measure(files: dict[str, Path], rows: int, columns: int, repeat: int) -> list[tuple[str, ...]]:
    runs: dict[str, list[dict]] = {"local": [], "spark": []}
    for _ in range(repeat):
        for engine in ("local", "spark"):  # interleaved
            runs[engine].append(run_job(files["baseline"], files["target"], engine, columns))
    verdicts = {engine: (r[-1]["status"], r[-1]["drifted"]) for engine, r in runs.items()}
    print(f"{rows:,} rows x {columns} columns: local {verdicts['local']}, spark {verdicts['spark']}")
    check_verdicts(runs["local"][-1], runs["spark"][-1])
    out: list[tuple[str, ...]] = []
    for engine, results in runs.items():
        wall = statistics.median(r["wall"] for r in results)
        out.append(
            (
                f"{rows / 1e6:g}M + {rows / 1e6:g}M",
                str(columns),
                engine if engine == "local" else "spark local[2]",
                f"{wall:.1f}",
                f"{statistics.median(r['session'] for r in results):.1f}" if engine == "spark" else "-",
                f"{statistics.median(r['profile'] for r in results):.1f}",
                f"{2 * rows / statistics.median(r['profile'] for r in results) / 1e6:.2f}M",
                f"{statistics.median(r['peak_mb'] for r in results):,.0f}",
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="1000000,10000000", help="comma-separated rows per dataset")
    parser.add_argument("--columns", default="20", help="comma-separated column counts (at the first --rows)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per job; the median is reported")
    parser.add_argument("--job", choices=["local", "spark"], help=argparse.SUPPRESS)
    parser.add_argument("--baseline", help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        print(json.dumps(job(args.baseline, args.target, args.job, int(args.columns))))
        return
    import pyspark

    row_counts = [int(r) for r in args.rows.split(",") if r.strip()]
    column_counts = [int(c) for c in args.columns.split(",") if c.strip()]
    print(f"machine: {machine()}; pyspark {pyspark.__version__}; median of {args.repeat}\n")
    results: list[tuple[str, ...]] = []
    for rows in row_counts:
        files = generate(rows, ["parquet"])["parquet"]
        for columns in column_counts if rows == row_counts[0] else [max(column_counts)]:
            results.extend(measure(files, rows, columns, args.repeat))
    header = ("rows", "columns", "engine", "wall s", "session s", "profile s", "rows/s (profile)", "peak RSS MB")
    print()
    print(table(results, header))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
