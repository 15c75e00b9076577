"""SageMaker capture with JSON payloads: the request and response shapes model servers write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from driftplane.engine.readers import read
from driftplane.spec.models import DataSource


def record(body_in: object, body_out: object | None = None, *, time: str = "2022-04-18T00:21:48Z") -> str:
    capture: dict = {
        "endpointInput": {
            "observedContentType": "application/json",
            "mode": "INPUT",
            "data": json.dumps(body_in),
            "encoding": "JSON",
        }
    }
    if body_out is not None:
        capture["endpointOutput"] = {
            "observedContentType": "application/json",
            "mode": "OUTPUT",
            "data": json.dumps(body_out),
            "encoding": "JSON",
        }
    return json.dumps(
        {"captureData": capture, "eventMetadata": {"eventId": "e", "inferenceTime": time}, "eventVersion": "0"}
    )


def read_capture(tmp_path: Path, lines: list[str], names: list[str]):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines) + "\n")
    stream = read(DataSource(data=str(path), format="sagemaker-capture"), column_names=names)
    got = [row for batch in stream for row in batch.to_pylist()]
    return got, stream.stats


def test_tensorflow_serving_scalar_instances_are_one_row_each(tmp_path: Path) -> None:
    """{"instances": [1.0, 2.0, 5.0]} is three inferences of one input, as TF Serving writes it."""
    got, stats = read_capture(
        tmp_path, [record({"instances": [1.0, 2.0, 5.0]}, {"predictions": [3.5, 4.0, 5.5]})], ["y", "x"]
    )
    assert [(r["y"], r["x"]) for r in got] == [(3.5, 1.0), (4.0, 2.0), (5.5, 5.0)]
    assert stats.bad_lines == 0 and stats.messages == []


@pytest.mark.parametrize(
    ("body_in", "body_out", "want"),
    [
        # rows of values, with a prediction each (TF Serving row format)
        ({"instances": [[1, 2], [3, 4]]}, {"predictions": [0.1, 0.2]}, [(0.1, 1, 2), (0.2, 3, 4)]),
        # one request option beside the batch
        ({"signature_name": "serving_default", "instances": [[1, 2]]}, {"predictions": [[0.9]]}, [(0.9, 1, 2)]),
        # SageMaker's built-in algorithms: {"features": [...]} per instance, objects per prediction
        ({"instances": [{"features": [1, 2]}, {"features": [3, 4]}]}, {"predictions": [{"score": 0.1}, {"score": 0.2}]},
         [(0.1, 1, 2), (0.2, 3, 4)]),
        # the columnar format: "inputs" as rows, "outputs" likewise
        ({"inputs": [[1, 2], [3, 4]]}, {"outputs": [0.1, 0.2]}, [(0.1, 1, 2), (0.2, 3, 4)]),
        # a bare row of values and a bare prediction
        ([5, 6], 0.3, [(0.3, 5, 6)]),
        ({"features": [5, 6]}, [0.3], [(0.3, 5, 6)]),
        # a bare list of rows and a bare list of predictions
        ([[1, 2], [3, 4]], [0.1, 0.2], [(0.1, 1, 2), (0.2, 3, 4)]),
        # MLflow's split frame
        ({"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2], [3, 4]]}}, {"predictions": [0.1, 0.2]},
         [(0.1, 1, 2), (0.2, 3, 4)]),
    ],
)
def test_request_and_response_shapes(tmp_path: Path, body_in, body_out, want) -> None:
    got, stats = read_capture(tmp_path, [record(body_in, body_out)], ["y", "a", "b"])
    assert stats.bad_lines == 0, stats.messages
    score = lambda r: r["y"] if "y" in r else r["score"]  # noqa: E731
    assert [(score(r), r["a"], r["b"]) for r in got] == want


def test_named_values_keep_their_names(tmp_path: Path) -> None:
    lines = [
        record({"instances": [{"age": 31, "plan": "pro"}, {"age": 45, "plan": "basic"}]}, {"predictions": [0.8, 0.1]}),
        record({"inputs": {"age": [20, 21], "plan": ["team", "pro"]}}, {"predictions": [0.5, 0.6]}),
        record({"dataframe_records": [{"age": 50, "plan": "pro"}]}, {"predictions": [{"label": 1, "p": 0.7}]}),
    ]
    got, stats = read_capture(tmp_path, lines, ["score", "age", "plan"])
    assert stats.bad_lines == 0, stats.messages
    assert [(r["age"], r["plan"]) for r in got] == [(31, "pro"), (45, "basic"), (20, "team"), (21, "pro"), (50, "pro")]
    assert [r["score"] for r in got[:4]] == [0.8, 0.1, 0.5, 0.6]
    assert (got[4]["label"], got[4]["p"]) == (1, 0.7)


def test_class_probabilities_of_one_request(tmp_path: Path) -> None:
    got, _ = read_capture(
        tmp_path, [record({"instances": [[1, 2]]}, {"predictions": [0.2, 0.8]})], ["p0", "p1", "a", "b"]
    )
    assert got == [{"p0": 0.2, "p1": 0.8, "a": 1, "b": 2, "__timestamp__": got[0]["__timestamp__"]}]


@pytest.mark.parametrize(
    ("body_in", "body_out", "reason"),
    [
        ({"instances": [[[1, 2], [3, 4]]]}, None, "element 1 is an array of arrays (a tensor)"),
        ([1, [2, 3]], None, "mixing values with arrays or objects"),
        ({"inputs": {"a": [1, 2], "b": [3]}}, None, "arrays of different lengths"),
        ({"dataframe_split": {"columns": ["a"]}}, None, 'needs "columns" and "data"'),
        ({"instances": [1.0, 2.0, 5.0]}, {"predictions": [3.5, 4.0]}, "endpointOutput has 2 rows but endpointInput 3"),
    ],
)
def test_unreadable_shapes_are_skipped_with_a_message_saying_why(tmp_path: Path, body_in, body_out, reason) -> None:
    lines = [record({"instances": [[1, 2]]}, {"predictions": [0.5]}), record(body_in, body_out)]
    got, stats = read_capture(tmp_path, lines, ["y", "a", "b"])
    assert [(r["y"], r["a"], r["b"]) for r in got] == [(0.5, 1, 2)]
    assert stats.bad_lines == 1
    assert any(reason in m and "line 2" in m for m in stats.messages), stats.messages
