"""One rule for malformed records in every format: skip, count and name them; fail past max_bad_records."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import driftplane as dp
from driftplane.engine.monitor import run_monitor
from driftplane.engine.readers import read
from driftplane.errors import DataError
from driftplane.resolved import resolve_monitor
from driftplane.result import Window
from driftplane.spec.models import Baseline, DataSource, Target


def capture(row: str, out: str = "0.5") -> str:
    payload = lambda data: {"observedContentType": "text/csv", "mode": "X", "data": data, "encoding": "CSV"}  # noqa: E731
    return json.dumps(
        {
            "captureData": {"endpointInput": payload(row), "endpointOutput": payload(out)},
            "eventMetadata": {"eventId": "e", "inferenceTime": "2026-01-05T10:00:00Z"},
        }
    )


# Ten good records with two malformed ones on lines 4 and 9, in each format.
FILES = {
    "csv": ("d.csv", ["a,b"] + [f"{i},{i % 3}" for i in range(10)], {4: "7,8,9", 9: "5"}),
    "jsonl": ("d.jsonl", [json.dumps({"a": i, "b": i % 3}) for i in range(10)], {4: '{"a": 3', 9: "[1, 2]"}),
    "sagemaker-capture": (
        "d.jsonl",
        [capture(f"{i},{i % 3}") for i in range(10)],
        {4: '{"captureData": ', 9: '{"other": 1}'},
    ),
}


def write(folder: Path, fmt: str, name: str | None = None) -> Path:
    default, lines, bad = FILES[fmt]
    lines = list(lines)
    for line, text in sorted(bad.items()):
        lines.insert(line - 1, text)
    path = folder / (name or default)
    path.write_text("\n".join(lines) + "\n")
    return path


def read_all(source: DataSource) -> tuple[list[dict], object]:
    stream = read(source, column_names=["y", "a", "b"] if source.format == "sagemaker-capture" else None)
    return [row for batch in stream for row in batch.to_pylist()], stream.stats


@pytest.mark.parametrize("fmt", list(FILES))
def test_malformed_records_are_skipped_counted_and_named_in_every_format(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path, fmt)
    got, stats = read_all(Target(data=str(path), format=fmt))
    assert sorted(r["a"] for r in got) == list(range(10))
    assert stats.bad_lines == 2
    named = [m for m in stats.messages if m.startswith(f"{path}: skipped ")]  # one note per reason
    lines = {int(n) for m in named for n in re.findall(r"\d+", m.rsplit(": line", 1)[1])}
    assert lines == {4, 9}, stats.messages
    assert any("2 bad records skipped" in m and "target.max_bad_records allows 100" in m for m in stats.messages)


@pytest.mark.parametrize("fmt", list(FILES))
def test_past_max_bad_records_the_read_fails_naming_file_lines_and_setting(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path, fmt)
    with pytest.raises(DataError) as caught:
        read_all(Target(data=str(path), format=fmt, max_bad_records=1))
    message = str(caught.value)
    assert message.startswith(f"{path}: 2 malformed records so far, more than target.max_bad_records (1) allows")
    assert re.search(r"at lines? (4, )?9\. ", message) and "raise target.max_bad_records" in message
    got, _ = read_all(Target(data=str(path), format=fmt, max_bad_records=2))  # exactly at the limit: read
    assert len(got) == 10


def test_a_share_limit_is_judged_over_the_whole_read(tmp_path: Path) -> None:
    folder = tmp_path / "days"
    folder.mkdir()
    write(folder, "csv", "a.csv")
    write(folder, "csv", "b.csv")  # 4 bad of 24 records: 16.7%
    got, stats = read_all(DataSource(data=str(folder), max_bad_records="20%"))
    assert len(got) == 20 and stats.bad_lines == 4
    with pytest.raises(DataError) as caught:
        read_all(Baseline(data=str(folder), max_bad_records="10%"))
    message = str(caught.value)
    assert "4 of 24 records were malformed (16.67%), more than baseline.max_bad_records (10%) allows" in message
    assert f"{folder / 'a.csv'}: skipped" in message and f"{folder / 'b.csv'}: skipped" in message


def Baseline_with(limit: str, folder: Path) -> DataSource:
    from driftplane.spec.models import Baseline

    return Baseline(data=str(folder), max_bad_records=limit)


def test_zero_allows_no_malformed_record(tmp_path: Path) -> None:
    path = write(tmp_path, "csv")
    with pytest.raises(
        DataError, match=r"2 malformed records so far, more than max_bad_records \(0\) allows.* at lines 4, 9\."
    ):
        read_all(DataSource(data=str(path), max_bad_records=0))


def test_the_count_reaches_the_run_result_and_the_limit_fails_the_window(tmp_path: Path) -> None:
    (tmp_path / "train.csv").write_text("a,b\n" + "".join(f"{i},{i % 3}\n" for i in range(10)))
    write(tmp_path, "csv", "today.csv")
    result = dp.compare(str(tmp_path / "train.csv"), str(tmp_path / "today.csv"))
    assert result.rows.target == 10
    assert any(f"{tmp_path / 'today.csv'}: skipped 2 malformed rows" in m for m in result.messages), result.messages
    assert any("2 bad records skipped" in m for m in result.messages)

    for limit, status in ((5, "ok"), (1, "failed")):
        (tmp_path / "monitors.yaml").write_text(
            "monitors:\n  m:\n    baseline: {data: train.csv}\n"
            f"    target: {{data: today.csv, max_bad_records: {limit}}}\n"
        )
        spec = dp.load_spec(tmp_path / "monitors.yaml")
        window = Window.model_validate({"start": "2026-01-04T00:00:00Z", "end": "2026-01-05T00:00:00Z"})
        run = run_monitor(resolve_monitor(spec, "m"), window).result
        assert run.status == status, run.error
        if status == "ok":
            assert any("skipped 2 malformed rows" in m and "lines 4, 9" in m for m in run.messages)
        else:
            assert run.error is not None and "more than target.max_bad_records (1) allows" in run.error
            assert "today.csv" in run.error and "lines 4, 9" in run.error
