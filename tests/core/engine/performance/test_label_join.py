"""Joining a window's predictions to the labels landed so far: coverage, duplicates, bad labels."""

from __future__ import annotations

import json
import shutil
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftplane.engine.performance.join import ID, LABEL, join_labels, read_labels, read_predictions
from driftplane.errors import DataError
from driftplane.resolved import resolve_monitor
from driftplane.result import Window
from driftplane.spec import load_spec

REFERENCE = Path("/work/shared/reference/sagemaker/examples_test_gt_ground_truth.jsonl")
WINDOW = Window(start=datetime(2026, 3, 1, tzinfo=UTC), end=datetime(2026, 3, 2, tzinfo=UTC))


def policy_of(tmp_path: Path, model: str, labels: str):  # type: ignore[no-untyped-def]
    spec = tmp_path / "monitors.yaml"
    spec.write_text(
        "monitors:\n  m:\n"
        + textwrap.indent(
            "baseline: {data: base.csv}\ntarget: {data: scored.parquet}\n" + f"model: {model}\nlabels: {labels}\n",
            "    ",
        )
    )
    return resolve_monitor(load_spec(spec), "m")


def write_predictions(tmp_path: Path, ids: list, preds: list, scores: list | None = None) -> None:
    columns = {"rid": ids, "pred": preds}
    if scores is not None:
        columns["score"] = scores
    pq.write_table(pa.table(columns), tmp_path / "scored.parquet")


def label_file(tmp_path: Path, day: int, rows: list[tuple]) -> None:
    folder = tmp_path / "labels" / "2026" / "03" / f"{day:02d}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "part.csv").write_text("rid,y\n" + "".join(f"{a},{b}\n" for a, b in rows))


BINARY = "{problem_type: binary, prediction: pred, probability: score, id: rid}"
LABELS = "{data: 'labels/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.csv', label: y, wait: 3d}"


def test_coverage_unmatched_and_the_last_duplicate_wins(tmp_path: Path) -> None:
    resolved = policy_of(tmp_path, BINARY, LABELS)
    policy = resolved.performance
    write_predictions(tmp_path, [1, 2, 3, 4], [1, 0, 1, 0], [0.9, 0.2, 0.7, 0.1])
    label_file(tmp_path, 2, [(1, 1), (2, 1), (99, 0)])  # 99 labels no prediction of this window
    label_file(tmp_path, 3, [(2, 0)])  # a corrected label for 2 lands a day later
    label_file(tmp_path, 9, [(3, 1)])  # past window end + search (3d): not read
    predictions = read_predictions(policy, resolved.target, base_dir=tmp_path, window=None)
    labels = read_labels(policy, base_dir=tmp_path, window=WINDOW)
    assert labels.read == 4 and labels.duplicates == 1 and labels.conflicting == 1
    joined = join_labels(predictions, labels, known_classes={"0", "1"})
    assert (joined.predictions, joined.labelled, joined.unmatched_labels) == (4, 2, 1)
    assert joined.share == 0.5
    got = dict(zip(joined.table.column(ID).to_pylist(), joined.table.column(LABEL).to_pylist(), strict=True))
    assert got == {1: "1", 2: "0", 3: None, 4: None}
    text = " ".join(joined.messages)
    assert "1 label(s) match no prediction of this window" in text
    assert "the label read last wins" in text and "got different labels (e.g. 2)" in text


def test_unseen_classes_are_left_out_and_located(tmp_path: Path) -> None:
    resolved = policy_of(tmp_path, BINARY, LABELS)
    write_predictions(tmp_path, [1, 2, 3], [1, 0, 1], [0.9, 0.2, 0.7])
    label_file(tmp_path, 2, [(1, "yes"), (2, "0"), (3, "no")])
    predictions = read_predictions(resolved.performance, resolved.target, base_dir=tmp_path, window=None)
    labels = read_labels(resolved.performance, base_dir=tmp_path, window=WINDOW)
    joined = join_labels(predictions, labels, known_classes={"0", "1"})
    assert joined.labelled == 1
    (message,) = [m for m in joined.messages if "never predicts" in m]
    assert "labels/2026/03/02/part.csv: 2 label(s)" in message and "'no', 'yes'" in message


def test_regression_labels_that_are_not_numbers(tmp_path: Path) -> None:
    resolved = policy_of(tmp_path, "{problem_type: regression, prediction: pred, id: rid}", LABELS)
    write_predictions(tmp_path, [1, 2, 3], [1.5, 2.0, 3.0])
    label_file(tmp_path, 2, [(1, "1.4"), (2, "n/a"), (3, "3.5")])
    predictions = read_predictions(resolved.performance, resolved.target, base_dir=tmp_path, window=None)
    labels = read_labels(resolved.performance, base_dir=tmp_path, window=WINDOW)
    joined = join_labels(predictions, labels)
    assert joined.labelled == 2
    assert any("part.csv: 1 label(s) are not numbers (e.g. 'n/a')" in m for m in joined.messages)


def test_probability_outside_unit_interval_is_refused_with_file_and_value(tmp_path: Path) -> None:
    resolved = policy_of(tmp_path, BINARY, LABELS)
    write_predictions(tmp_path, [1, 2], [1, 0], [0.9, 1.7])
    with pytest.raises(DataError, match=r"scored.parquet: the probability column 'score' holds values outside \[0, 1\]"
                       r".*e\.g\. 1\.7"):
        read_predictions(resolved.performance, resolved.target, base_dir=tmp_path, window=None)


def test_sagemaker_ground_truth_joins_on_event_id(tmp_path: Path) -> None:
    records = [json.loads(line) for line in REFERENCE.read_text().splitlines() if line.strip()]
    ids = [r["eventMetadata"]["eventId"] for r in records]
    truth = [r["groundTruthData"]["data"] for r in records]
    write_predictions(tmp_path, ids, [int(t) for t in truth[:-1]] + [1 - int(truth[-1])])
    folder = tmp_path / "gt" / "2026" / "03" / "02" / "10"
    folder.mkdir(parents=True)
    shutil.copy(REFERENCE, folder / "labels.jsonl")
    labels = "{data: 'gt/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/{timestamp:HH}/*.jsonl', format: auto}"
    resolved = policy_of(tmp_path, "{problem_type: binary, prediction: pred, id: rid}", labels)
    predictions = read_predictions(resolved.performance, resolved.target, base_dir=tmp_path, window=None)
    labelled = read_labels(resolved.performance, base_dir=tmp_path, window=WINDOW)
    joined = join_labels(predictions, labelled, known_classes={"0", "1"})
    assert joined.labelled == len(records) == joined.predictions


def test_no_labels_yet_is_not_an_error(tmp_path: Path) -> None:
    resolved = policy_of(tmp_path, BINARY, LABELS)
    write_predictions(tmp_path, [1, 2], [1, 0], [0.9, 0.1])
    predictions = read_predictions(resolved.performance, resolved.target, base_dir=tmp_path, window=None)
    labels = read_labels(resolved.performance, base_dir=tmp_path, window=WINDOW)
    joined = join_labels(predictions, labels)
    assert (joined.predictions, joined.labelled) == (2, 0)
    assert any("no labels" in m for m in joined.messages)


def test_integer_ids_match_text_ids(tmp_path: Path) -> None:
    resolved = policy_of(tmp_path, BINARY, LABELS)
    write_predictions(tmp_path, [17, 18], [1, 0], [0.9, 0.1])
    folder = tmp_path / "labels" / "2026" / "03" / "02"
    folder.mkdir(parents=True)
    (folder / "part.csv").write_text('rid,y\n"x17",1\n17,1\n18,0\n')  # text ids in this file
    predictions = read_predictions(resolved.performance, resolved.target, base_dir=tmp_path, window=None)
    labels = read_labels(resolved.performance, base_dir=tmp_path, window=WINDOW)
    joined = join_labels(predictions, labels, known_classes={"0", "1"})
    assert (joined.labelled, joined.unmatched_labels) == (2, 1)


def test_sagemaker_capture_predictions_join_ground_truth_on_inference_id(tmp_path: Path) -> None:
    """Capture records carry their id (inferenceId, else eventId); ground truth names it as eventId."""
    base = {"score": [0.2, 0.8], "f1": [1.0, 2.0], "y": [0, 1]}
    pq.write_table(pa.table(base), tmp_path / "base.parquet")
    lines, truth = [], []
    for k, score in enumerate([0.9, 0.1, 0.7, 0.3]):
        metadata = {"eventId": f"e{k}", "inferenceTime": "2026-03-01T10:00:00Z"}
        if k % 2 == 0:
            metadata["inferenceId"] = f"inf-{k}"
        lines.append(json.dumps({
            "captureData": {
                "endpointInput": {"data": f"{k}.5", "encoding": "CSV", "observedContentType": "text/csv"},
                "endpointOutput": {"data": str(score), "encoding": "CSV", "observedContentType": "text/csv"},
            },
            "eventMetadata": metadata,
            "eventVersion": "0",
        }))
        label = "1" if k in (0, 1) else "0"  # k=1 and k=2 are predicted wrong
        event = metadata.get("inferenceId", metadata["eventId"])
        truth.append(json.dumps({"groundTruthData": {"data": label, "encoding": "CSV"},
                                 "eventMetadata": {"eventId": event}, "eventVersion": "0"}))
    (tmp_path / "capture.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "gt.jsonl").write_text("\n".join(truth) + "\n")
    spec = tmp_path / "monitors.yaml"
    spec.write_text(textwrap.dedent("""\
        monitors:
          m:
            baseline: {data: base.parquet, label: y}
            target: {data: capture.jsonl, format: sagemaker-capture}
            model: {problem_type: binary, probability: score}
            labels: {data: gt.jsonl, format: sagemaker-ground-truth}
        """))
    resolved = resolve_monitor(load_spec(spec), "m")
    predictions = read_predictions(resolved.performance, resolved.target, base_dir=tmp_path, window=WINDOW,
                                   column_names=["score", "f1", "y"])
    assert sorted(predictions.table.column(ID).to_pylist()) == ["e1", "e3", "inf-0", "inf-2"]
    labels = read_labels(resolved.performance, base_dir=tmp_path, window=WINDOW)
    joined = join_labels(predictions, labels, known_classes={"0", "1"})
    assert (joined.predictions, joined.labelled, joined.unmatched_labels) == (4, 4, 0)
