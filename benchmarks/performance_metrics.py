"""Benchmark the binary model-quality accumulator against a plain numpy floor.

    uv run python benchmarks/performance_metrics.py              # 1,000,000 rows, median of 3
    uv run python benchmarks/performance_metrics.py --rows 10000000 --repeat 1
    uv run python benchmarks/performance_metrics.py --errors     # AUC / PR AUC error survey

Data (made in each job, seed 7): labels 0/1 (30% positive), a score from a logistic model,
the prediction score >= 0.5. Every job computes the same binary metrics: accuracy,
precision, recall, F1, F0.5, F2, the four rates, the confusion matrix, ROC AUC, average
precision (PR AUC) and log loss.

- floor: plain numpy on whole arrays: a bincount for the confusion counts, one sort for ROC
  AUC (Mann-Whitney with tied ranks) and average precision, np.log for log loss.
- driftplane: ``BinaryAccumulator.update`` on Arrow batches of 131,072 rows (int64 labels and
  predictions), then ``metrics()``, ``error_bounds()``, ``spread()`` (SageMaker's standard
  deviations), ``confusion_matrix()`` and ``calibration()``: what a monitor run reads.
- driftplane_text: the same with the labels as text ("0"/"1"), as SageMaker's ground truth
  writes them.
- sklearn: scikit-learn's metric functions on the whole arrays (for reference; not the floor).

``--errors`` measures instead how far the histogram's ROC AUC and average precision are from
scikit-learn's exact values, and the error bound driftplane reports with them, on 100 random
datasets per family (200 to 60,000 rows; tests/core/engine/performance/test_auc_error.py
asserts the same families on 25 each).

Each job runs in a fresh process; the measured time is the metrics' computation only (data
made beforehand, imports done), CPU time is the process's over that span, peak RSS the
whole process's (the data are the same in every job). Jobs are interleaved; medians reported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

BATCH_ROWS = 131_072
JOBS = ("floor", "driftplane", "driftplane_text", "sklearn")


def make_data(rows: int):
    import numpy as np

    rng = np.random.default_rng(7)
    y = (rng.random(rows) < 0.3).astype(np.int64)
    score = 1 / (1 + np.exp(-rng.normal(2.2 * y - 1.6, 1.2)))
    predicted = (score >= 0.5).astype(np.int64)
    return y, predicted, score


def floor(y, predicted, score) -> dict:
    import numpy as np

    tn, fp, fn, tp = np.bincount(2 * y + predicted, minlength=4).tolist()
    rows = tp + fp + fn + tn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0

    def f_beta(beta: float) -> float:
        b2 = beta * beta
        return (1 + b2) * tp / (b2 * (tp + fn) + tp + fp) if tp + fp + fn else 0.0

    order = np.argsort(score, kind="stable")
    ordered = score[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    counts = np.diff(np.concatenate([starts, [rows]]))
    ranks = np.repeat(starts + (counts + 1) / 2.0, counts)
    positive = y[order] == 1
    positives = int(positive.sum())
    negatives = rows - positives
    auc = (ranks[positive].sum() - positives * (positives + 1) / 2) / (positives * negatives)
    # average precision: thresholds at distinct scores, from the highest down
    descending_positive = positive[::-1]
    group_end = (rows - starts[::-1]) - 1  # last index of each tie group in descending order
    true_pos = np.cumsum(descending_positive)[group_end]
    false_pos = (group_end + 1) - true_pos
    precision_curve = true_pos / (true_pos + false_pos)
    recall_curve = true_pos / positives
    average_precision = float(np.sum(np.diff(np.concatenate([[0.0], recall_curve])) * precision_curve))
    eps = np.finfo(np.float64).eps
    log_loss = float(
        -np.mean(np.where(y == 1, np.log(np.clip(score, eps, 1 - eps)), np.log(np.clip(1 - score, eps, 1 - eps))))
    )
    return {
        "accuracy": (tp + tn) / rows,
        "precision": precision,
        "recall": recall,
        "f1": f_beta(1.0),
        "f0_5": f_beta(0.5),
        "f2": f_beta(2.0),
        "true_negative_rate": tn / (tn + fp),
        "false_positive_rate": fp / (fp + tn),
        "false_negative_rate": fn / (fn + tp),
        "auc": float(auc),
        "pr_auc": average_precision,
        "log_loss": log_loss,
    }


def driftplane_job(y, predicted, score, as_text: bool) -> dict:
    import pyarrow as pa

    from driftplane.engine.performance import BinaryAccumulator

    labels = pa.array(y.astype(str)) if as_text else pa.array(y)
    prediction = pa.array(predicted)
    scores = pa.array(score)
    batches = [
        (labels.slice(s, BATCH_ROWS), prediction.slice(s, BATCH_ROWS), scores.slice(s, BATCH_ROWS))
        for s in range(0, len(y), BATCH_ROWS)
    ]
    started, cpu = time.perf_counter(), time.process_time()
    accumulator = BinaryAccumulator(positive_label=1)
    for batch in batches:
        accumulator.update(*batch)
    found = accumulator.metrics()
    accumulator.error_bounds()
    accumulator.spread()
    accumulator.confusion_matrix()
    accumulator.calibration()
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "metrics": found,
        "bounds": accumulator.error_bounds(),
    }


def sklearn_job(y, predicted, score) -> dict:
    from sklearn import metrics as sk

    return {
        "accuracy": sk.accuracy_score(y, predicted),
        "precision": sk.precision_score(y, predicted),
        "recall": sk.recall_score(y, predicted),
        "f1": sk.f1_score(y, predicted),
        "f0_5": sk.fbeta_score(y, predicted, beta=0.5),
        "f2": sk.fbeta_score(y, predicted, beta=2),
        "confusion": sk.confusion_matrix(y, predicted).tolist(),
        "auc": sk.roc_auc_score(y, score),
        "pr_auc": sk.average_precision_score(y, score),
        "log_loss": sk.log_loss(y, score),
    }


def child(job: str, rows: int) -> None:
    y, predicted, score = make_data(rows)
    if job == "sklearn":
        import sklearn.metrics  # noqa: F401  # imports are not measured
    if job.startswith("driftplane"):
        import driftplane.engine.performance  # noqa: F401
        report = driftplane_job(y, predicted, score, as_text=job == "driftplane_text")
    else:
        started, cpu = time.perf_counter(), time.process_time()
        found = floor(y, predicted, score) if job == "floor" else sklearn_job(y, predicted, score)
        report = {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "metrics": found}
    print(json.dumps(report, default=float))


FAMILIES = ("continuous", "imbalanced", "ties", "near_0_and_1", "uniform")


def family_dataset(family: str, rng):
    """Labels and scores of one family (the same recipe as the tests)."""
    import numpy as np

    rows = int(rng.integers(200, 60_000))
    share = rng.uniform(0.001, 0.02) if family == "imbalanced" else rng.uniform(0.1, 0.9)
    y = (rng.random(rows) < share).astype(int)
    y[0], y[1] = 1, 0
    separation = rng.uniform(0, 3)
    logit = rng.normal(separation * y - separation / 2, 1.0)
    if family in ("continuous", "imbalanced"):
        return y, 1 / (1 + np.exp(-logit))
    if family == "ties":
        return y, np.round(1 / (1 + np.exp(-logit)), int(rng.integers(1, 4)))
    if family == "near_0_and_1":
        return y, 1 / (1 + np.exp(-logit * rng.uniform(5, 12)))
    return y, rng.random(rows) * 0.5 + 0.5 * y * rng.random(rows)


def error_survey(datasets: int) -> None:
    import warnings

    import numpy as np
    from sklearn import metrics as sk

    from driftplane.engine.performance import BinaryAccumulator

    print(f"{datasets} datasets per family, 200-60,000 rows each")
    print("| family | max AUC error | max AUC bound | max PR AUC error | max PR AUC bound |")
    print("| --- | --- | --- | --- | --- |")
    for index, family in enumerate(FAMILIES):
        rng = np.random.default_rng(1000 + index)
        worst = [0.0, 0.0, 0.0, 0.0]
        for _ in range(datasets):
            y, scores = family_dataset(family, rng)
            accumulator = BinaryAccumulator()
            accumulator.update(y, None, scores)
            found, bounds = accumulator.metrics(), accumulator.error_bounds()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                errors = (
                    abs(found["auc"] - sk.roc_auc_score(y, scores)),
                    abs(found["pr_auc"] - sk.average_precision_score(y, scores)),
                )
            if errors[0] > bounds["auc"] + 1e-12 or errors[1] > bounds["pr_auc"] + 1e-12:
                raise SystemExit(f"{family}: an error beyond its bound: {errors} vs {bounds}")
            worst = [
                max(worst[0], errors[0]),
                max(worst[1], bounds["auc"]),
                max(worst[2], errors[1]),
                max(worst[3], bounds["pr_auc"]),
            ]
        print(f"| {family} | {worst[0]:.1e} | {worst[1]:.1e} | {worst[2]:.1e} | {worst[3]:.1e} |")


def run_job(job: str, rows: int) -> dict:
    process = subprocess.Popen(
        [sys.executable, __file__, "--job", job, "--rows", str(rows)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    output = process.stdout.read() if process.stdout else ""
    errors = process.stderr.read() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"job {job} failed:\n{errors}")
    report = json.loads(output)
    report["peak_mb"] = usage.ru_maxrss / 1024
    return report


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--job", choices=JOBS)
    parser.add_argument("--errors", action="store_true", help="survey the AUC / PR AUC error and its bound instead")
    args = parser.parse_args()
    if args.errors:
        error_survey(100)
        return
    if args.job:
        child(args.job, args.rows)
        return
    print(f"{machine()}; {args.rows:,} rows, median of {args.repeat}", flush=True)
    runs: dict[str, list[dict]] = {job: [] for job in JOBS}
    for _ in range(args.repeat):
        for job in JOBS:
            runs[job].append(run_job(job, args.rows))
    medians = {
        job: {key: statistics.median(r[key] for r in reports) for key in ("seconds", "cpu", "peak_mb")}
        for job, reports in runs.items()
    }
    base = medians["floor"]
    print("| job | compute s (min-max) | cpu s | peak RSS MB | time / floor | cpu / floor | memory / floor |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for job in JOBS:
        m = medians[job]
        times = [r["seconds"] for r in runs[job]]
        print(
            f"| {job} | {m['seconds']:.3f} ({min(times):.3f}-{max(times):.3f}) | {m['cpu']:.3f} | {m['peak_mb']:.0f} | "
            f"{m['seconds'] / base['seconds']:.2f}x | {m['cpu'] / base['cpu']:.2f}x "
            f"| {m['peak_mb'] / base['peak_mb']:.2f}x |"
        )
    ours, reference = runs["driftplane"][0]["metrics"], runs["floor"][0]["metrics"]
    bounds = runs["driftplane"][0]["bounds"]
    worst = max(abs(ours[k] - reference[k]) for k in reference if k not in ("auc", "pr_auc"))
    print(
        f"\nagreement with the floor: exact metrics within {worst:.1e}; auc {abs(ours['auc'] - reference['auc']):.1e} "
        f"(bound {bounds['auc']:.1e}), pr_auc "
        f"{abs(ours['pr_auc'] - reference['pr_auc']):.1e} (bound {bounds['pr_auc']:.1e})"
    )


if __name__ == "__main__":
    main()
