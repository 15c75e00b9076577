"""SageMaker data-capture JSONL: payload decoding, positional matching, times, bad lines."""

from __future__ import annotations

import base64
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from driftplane.engine.readers import TIMESTAMP_COLUMN, read
from driftplane.result import Window
from driftplane.spec.models import DataSource, Target

REAL_CAPTURE = Path("/work/shared/reference/sagemaker/examples_notebook_capture_excerpt.jsonl")
# The AWS churn example: the label first, then 69 features.
CHURN_NAMES = ["Churn"] + [f"f{i}" for i in range(69)]


def rows(stream) -> list[dict]:
    return [row for batch in stream for row in batch.to_pylist()]


def record(
    data_in: str,
    data_out: str | None = None,
    *,
    time: str = "2022-04-18T00:21:48Z",
    enc_in: str = "CSV",
    enc_out: str = "CSV",
    type_in: str = "text/csv",
    type_out: str = "text/csv; charset=utf-8",
    metadata_first: bool = False,
) -> str:
    capture: dict = {
        "endpointInput": {"observedContentType": type_in, "mode": "INPUT", "data": data_in, "encoding": enc_in}
    }
    if data_out is not None:
        capture["endpointOutput"] = {
            "observedContentType": type_out,
            "mode": "OUTPUT",
            "data": data_out,
            "encoding": enc_out,
        }
    metadata = {"eventId": "e", "inferenceTime": time}
    if metadata_first:
        return json.dumps({"eventMetadata": metadata, "eventVersion": "0", "captureData": capture})
    return json.dumps({"captureData": capture, "eventMetadata": metadata, "eventVersion": "0"})


def write(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def real_capture(tmp_path: Path) -> Path:
    return Path(shutil.copy(REAL_CAPTURE, tmp_path / "20-48-871-0b7bfd33.jsonl"))


def test_real_capture_matches_baseline_columns_output_first(real_capture: Path) -> None:
    stream = read(DataSource(data=str(real_capture), format="sagemaker-capture"), column_names=CHURN_NAMES)
    batches = list(stream)
    schema = batches[0].schema
    assert schema.names == [*CHURN_NAMES, TIMESTAMP_COLUMN]
    got = rows(batches)
    assert [r["Churn"] for r in got] == [0.036397725343704224, 0.3791300654411316, 0.017852725461125374]
    assert [r["f0"] for r in got] == [132, 130, 85]  # account length, the first input value
    assert [r["f2"] for r in got] == [182.9, 263.7, 210.3]
    assert [r[TIMESTAMP_COLUMN] for r in got] == [
        datetime(2022, 4, 18, 0, 21, s, tzinfo=UTC) for s in (48, 49, 50)
    ]
    assert schema.field(TIMESTAMP_COLUMN).type == pa.timestamp("us", tz="UTC")
    assert stream.stats.rows == 3 and stream.stats.bad_lines == 0 and stream.stats.messages == []


def test_real_capture_is_recognised_by_format_auto(real_capture: Path) -> None:
    stream = read(DataSource(data=str(real_capture)), column_names=CHURN_NAMES)
    assert rows(stream)[0]["Churn"] == 0.036397725343704224


def test_capture_output_end_and_ignore(real_capture: Path) -> None:
    names_end = [f"f{i}" for i in range(69)] + ["Churn"]
    end = rows(read(Target(data=str(real_capture), capture_output="end"), column_names=names_end))
    assert end[0]["Churn"] == 0.036397725343704224 and end[0]["f0"] == 132
    ignore = list(read(Target(data=str(real_capture), capture_output="ignore"), column_names=names_end[:-1]))
    assert ignore[0].schema.names == [*names_end[:-1], TIMESTAMP_COLUMN]
    # the read() argument overrides the Target's setting
    overridden = rows(
        read(Target(data=str(real_capture), capture_output="end"), column_names=CHURN_NAMES, capture_output="start")
    )
    assert overridden[0]["Churn"] == 0.036397725343704224


def test_key_order_does_not_matter(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", [record("1,2", "0.5", metadata_first=True), record("3,4", "0.7")])
    got = rows(read(DataSource(data=str(path), format="sagemaker-capture"), column_names=["y", "a", "b"]))
    assert [(r["y"], r["a"], r["b"]) for r in got] == [(0.5, 1, 2), (0.7, 3, 4)]


def test_without_output_the_inputs_align_to_the_last_baseline_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", [record("1,2"), record("3,4")])
    stream = read(DataSource(data=str(path), format="sagemaker-capture"), column_names=["y", "a", "b"])
    batches = list(stream)
    assert batches[0].schema.names == ["a", "b", TIMESTAMP_COLUMN]
    assert any("no endpointOutput" in m and "last 2 columns" in m for m in stream.stats.messages)


def test_records_with_and_without_output_in_one_file(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", [record("1,2", "0.5"), record("3,4")])
    got = rows(read(DataSource(data=str(path), format="sagemaker-capture"), column_names=["y", "a", "b"]))
    assert sorted(((r.get("y"), r["a"], r["b"]) for r in got), key=lambda t: t[1]) == [(0.5, 1, 2), (None, 3, 4)]


def test_multi_row_payload_gives_a_row_each_with_the_record_time(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", [record("1,2\n3,4\n", "0.1\n0.2\n"), record("5,6", "0.3")])
    got = rows(read(DataSource(data=str(path), format="sagemaker-capture"), column_names=["y", "a", "b"]))
    assert [(r["y"], r["a"], r["b"]) for r in got] == [(0.1, 1, 2), (0.2, 3, 4), (0.3, 5, 6)]
    assert len({r[TIMESTAMP_COLUMN] for r in got}) == 1


def test_more_fields_than_baseline_names(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", [record("1,2,3", "0.5")])
    stream = read(DataSource(data=str(path), format="sagemaker-capture"), column_names=["y", "a"])
    assert next(iter(stream)).schema.names == ["y", "a", "_c2", "_c3", TIMESTAMP_COLUMN]
    assert any("_c2, _c3" in m for m in stream.stats.messages)


def test_no_baseline_names_gives_c_names(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", [record("1,2", "0.5")])
    assert next(iter(read(DataSource(data=str(path), format="sagemaker-capture")))).schema.names == [
        "_c0", "_c1", "_c2", TIMESTAMP_COLUMN
    ]


def test_base64_payloads_are_decoded_by_content_type(tmp_path: Path) -> None:
    b64 = lambda text: base64.b64encode(text.encode()).decode()  # noqa: E731
    lines = [
        record(b64("1,2"), b64("0.5"), enc_in="BASE64", enc_out="BASE64", type_in="text/csv", type_out="text/csv"),
        record(b64(json.dumps([3, 4])), b64(json.dumps({"predictions": [0.7]})), enc_in="BASE64", enc_out="BASE64",
               type_in="application/json", type_out="application/json"),
        record(base64.b64encode(b"\x89PNG\r\n\x1a\n").decode(), "0.9", enc_in="BASE64", type_in="image/png"),
    ]
    path = write(tmp_path / "c.jsonl", lines)
    stream = read(DataSource(data=str(path), format="sagemaker-capture"), column_names=["y", "a", "b"])
    got = rows(stream)
    assert sorted((r["y"], r["a"], r["b"]) for r in got) == [(0.5, 1, 2), (0.7, 3, 4)]
    assert stream.stats.bad_lines == 1
    assert any("image/png" in m and "cannot be read as columns" in m and "line 3" in m for m in stream.stats.messages)


def test_json_payloads_instances_and_predictions(tmp_path: Path) -> None:
    lines = [
        record(json.dumps({"instances": [[1, 2], [3, 4]]}), json.dumps({"predictions": [0.1, 0.2]}),
               enc_in="JSON", enc_out="JSON", type_in="application/json", type_out="application/json"),
        record(json.dumps({"features": [5, 6]}), json.dumps(0.3), enc_in="JSON", enc_out="JSON",
               type_in="application/json", type_out="application/json"),
    ]
    path = write(tmp_path / "c.jsonl", lines)
    got = rows(read(DataSource(data=str(path), format="sagemaker-capture"), column_names=["y", "a", "b"]))
    assert [(r["y"], r["a"], r["b"]) for r in got] == [(0.1, 1, 2), (0.2, 3, 4), (0.3, 5, 6)]


def test_json_object_payload_keeps_its_keys(tmp_path: Path) -> None:
    line = record(json.dumps({"age": 31, "plan": "pro"}), json.dumps({"score": 0.8}), enc_in="JSON", enc_out="JSON",
                  type_in="application/json", type_out="application/json")
    path = write(tmp_path / "c.jsonl", [line])
    got = rows(read(DataSource(data=str(path), format="sagemaker-capture"), column_names=["x", "y", "z"]))
    assert got[0]["age"] == 31 and got[0]["plan"] == "pro" and got[0]["score"] == 0.8


def test_quoted_csv_payload_with_commas(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", [record('1,"a, b"', "0.5"), record('2,"c"', "0.6")])
    got = rows(read(DataSource(data=str(path), format="sagemaker-capture"), column_names=["y", "n", "s"]))
    assert sorted((r["y"], r["n"], r["s"]) for r in got) == [(0.5, 1, "a, b"), (0.6, 2, "c")]


def test_malformed_lines_are_counted_and_named(tmp_path: Path) -> None:
    lines = [
        record("1,2", "0.5"),
        '{"captureData": {"endpointInput": ',  # cut short
        record("3,4", "0.6"),
        '{"some": "other json"}',
        record("5,6", "0.7", time="yesterday"),
        record("7,8", "0.8"),
    ]
    path = write(tmp_path / "c.jsonl", lines)
    stream = read(DataSource(data=str(path), format="sagemaker-capture"), column_names=["y", "a", "b"])
    assert [r["a"] for r in rows(stream)] == [1, 3, 7]
    assert stream.stats.bad_lines == 3
    text = " | ".join(stream.stats.messages)
    assert str(path) in text
    assert "not valid JSON" in text and "line 2" in text
    assert "no captureData" in text and "line 4" in text
    assert "inferenceTime is not a time" in text and "line 5" in text


def test_rows_with_a_different_field_count_are_skipped(tmp_path: Path) -> None:
    lines = [record("1,2", "0.5"), record("3,4", "0.6"), record("9", "0.1"), record("5,6", "0.7")]
    path = write(tmp_path / "c.jsonl", lines)
    stream = read(DataSource(data=str(path), format="sagemaker-capture"), column_names=["y", "a", "b"])
    assert [r["a"] for r in rows(stream)] == [1, 3, 5]
    assert stream.stats.bad_lines == 1 and any("line 3" in m for m in stream.stats.messages)


def test_window_filters_records_by_inference_time(tmp_path: Path) -> None:
    start = datetime(2022, 4, 18, 0, 0, tzinfo=UTC)
    lines = [
        record(f"{i},{i}", "0.5", time=(start + timedelta(minutes=20 * i)).isoformat().replace("+00:00", "Z"))
        for i in range(6)
    ]
    path = write(tmp_path / "c.jsonl", lines)
    window = Window(start=start + timedelta(hours=1), end=start + timedelta(hours=2))
    stream = read(DataSource(data=str(path), format="sagemaker-capture"), column_names=["y", "a", "b"], window=window)
    assert [r["a"] for r in rows(stream)] == [3, 4, 5]


def test_capture_layout_prunes_hours_and_filters_rows(tmp_path: Path) -> None:
    """The SageMaker layout endpoint/variant/yyyy/mm/dd/hh: only the window's hours are opened."""
    root = tmp_path / "capture" / "churn-endpoint" / "AllTraffic" / "2022" / "04" / "18"
    for hour in range(5):
        lines = [record(f"{hour},{m}", "0.5", time=f"2022-04-18T{hour:02d}:{m:02d}:00Z") for m in (10, 50)]
        write(root / f"{hour:02d}" / f"{hour:02d}-00-000-uuid.jsonl", lines)
    # an unreadable file in an hour outside the window: opening it would fail
    (root / "04" / "99-broken.jsonl").write_bytes(b"\x00\x01\x02")
    source = Target(
        data="capture/churn-endpoint/AllTraffic/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/{timestamp:HH}/*.jsonl",
        format="sagemaker-capture",
    )
    window = Window(start=datetime(2022, 4, 18, 1, 30, tzinfo=UTC), end=datetime(2022, 4, 18, 3, 30, tzinfo=UTC))
    stream = read(source, base_dir=tmp_path, window=window, column_names=["y", "hour", "minute"])
    got = [(r["hour"], r["minute"]) for r in rows(stream)]
    assert got == [(1, 50), (2, 10), (2, 50), (3, 10)]
    assert stream.stats.files == 3  # hours 01, 02, 03
    assert all("/18/04/" not in p and "/18/00/" not in p for p in stream.stats.opened)


def test_many_records_take_the_vectorised_path(tmp_path: Path) -> None:
    lines = [
        record(f"{i},{i % 7},{i * 0.5}", f"{i % 2}", time=f"2022-04-18T00:{i // 1000:02d}:00Z") for i in range(20_000)
    ]
    path = write(tmp_path / "c.jsonl", lines)
    stream = read(
        DataSource(data=str(path), format="sagemaker-capture"), column_names=["y", "i", "m", "h"], batch_rows=5_000
    )
    batches = list(stream)
    assert max(b.num_rows for b in batches) <= 5_000
    assert [v for b in batches for v in b.column("i").to_pylist()] == list(range(20_000))
    assert stream.stats.rows == 20_000 and stream.stats.bad_lines == 0
