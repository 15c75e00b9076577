"""Benchmark joining a window's predictions to its labels against a plain pyarrow join.

    uv run python benchmarks/label_join.py                     # 1,000,000 x 1,000,000 rows, median of 3
    uv run python benchmarks/label_join.py --rows 100000 --repeat 1

Data (made once under benchmarks/data/, seed 11): predictions.parquet with an int64 id (shuffled),
a 0/1 prediction and a probability; labels.parquet with the same ids in another order (5% of
them replaced by ids of no prediction) and 0/1 labels.

- floor: ``pyarrow.parquet.read_table`` of both files (the needed columns) and ``Table.join`` on the
  int64 id: the least any join of these files does.
- driftplane: ``read_predictions`` + ``read_labels`` + ``join_labels`` (engine/performance/join.py):
  driftplane's readers, ids compared as text, probabilities checked to lie in [0, 1], duplicate ids
  looked for, unseen classes and unmatched labels counted.

Each job runs in a fresh process; time is the job's wall time from before reading to after the
join (imports done), peak RSS the process's. Jobs are interleaved; medians reported with the
ratio driftplane / floor (target: at most 2 for both).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "label_join"
JOBS = ("floor", "driftplane")


def make_data(rows: int) -> Path:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = DATA / str(rows)
    if (folder / "labels.parquet").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(11)
    ids = rng.permutation(rows).astype(np.int64) + 1_000_000_000
    y = (rng.random(rows) < 0.3).astype(np.int64)
    score = 1 / (1 + np.exp(-rng.normal(2.2 * y - 1.6, 1.2)))
    pred = (score >= 0.5).astype(np.int64)
    pq.write_table(pa.table({"rid": ids, "pred": pred, "score": score}), folder / "predictions.parquet")
    order = rng.permutation(rows)
    label_ids = ids[order].copy()
    label_ids[: rows // 20] += 10_000_000_000  # 5% label ids of no prediction
    pq.write_table(pa.table({"rid": label_ids, "y": y[order]}), folder / "labels.parquet")
    (folder / "monitors.yaml").write_text(
        "monitors:\n  m:\n    baseline: {data: predictions.parquet}\n    target: {data: predictions.parquet}\n"
        "    model: {problem_type: binary, prediction: pred, probability: score, id: rid}\n"
        "    labels: {data: labels.parquet, label: y}\n"
    )
    return folder


def job(name: str, folder: Path) -> dict:
    import pyarrow.parquet as pq

    from driftplane.engine.performance.join import join_labels, read_labels, read_predictions
    from driftplane.resolved import resolve_monitor
    from driftplane.result import Window
    from driftplane.spec import load_spec

    resolved = resolve_monitor(load_spec(folder / "monitors.yaml"), "m")
    policy = resolved.performance
    assert policy is not None
    window = Window(start="2026-03-01T00:00:00Z", end="2026-03-02T00:00:00Z")  # type: ignore[arg-type]
    start = time.perf_counter()
    if name == "floor":
        predictions = pq.read_table(folder / "predictions.parquet", columns=["rid", "pred", "score"])
        labels = pq.read_table(folder / "labels.parquet", columns=["rid", "y"])
        joined = predictions.join(labels, keys="rid", join_type="left outer")
        labelled = joined.num_rows - joined.column("y").null_count
    else:
        read = read_predictions(policy, resolved.target, base_dir=folder, window=None)
        landed = read_labels(policy, base_dir=folder, window=window)
        result = join_labels(read, landed, known_classes={"0", "1"})
        labelled = result.labelled
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"job": name, "seconds": seconds, "peak_mb": peak_mb, "labelled": labelled}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--job", choices=JOBS)
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.job:
        print(json.dumps(job(args.job, Path(args.folder))))
        return
    folder = make_data(args.rows)
    runs: dict[str, list[dict]] = {name: [] for name in JOBS}
    for _ in range(args.repeat):
        for name in JOBS:
            out = subprocess.run(
                [sys.executable, __file__, "--job", name, "--folder", str(folder)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            runs[name].append(json.loads(out.strip().splitlines()[-1]))
    medians = {
        name: {key: statistics.median(r[key] for r in runs[name]) for key in ("seconds", "peak_mb")} for name in JOBS
    }
    labelled = {name: runs[name][0]["labelled"] for name in JOBS}
    print(f"{args.rows:,} predictions x {args.rows:,} labels, median of {args.repeat}")
    for name in JOBS:
        print(f"  {name:<11} {medians[name]['seconds']:7.3f} s  {medians[name]['peak_mb']:8.1f} MB peak RSS  "
              f"labelled {labelled[name]:,}")
    for key in ("seconds", "peak_mb"):
        print(f"  ratio {key:<8} {medians['driftplane'][key] / medians['floor'][key]:.2f}")


if __name__ == "__main__":
    main()
