"""Values are kept exactly as written: no type inference rewrites text (issue 12, point 2).

SageMaker's analyzer reads CSV as text and types each value with Deequ's patterns; a
SageMaker baseline of a file compared with that file must find nothing.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import driftplane as dp
from driftplane.engine.constraints import suggest_constraints
from driftplane.engine.profile import Profile
from driftplane.engine.profiler import profile_stream
from driftplane.engine.readers import TIMESTAMP_COLUMN, read
from driftplane.engine.sagemaker import write_constraints
from driftplane.result import Window
from driftplane.spec.models import DataSource

SAGEMAKER = Path(__file__).parents[1] / "data" / "sagemaker"
KEPT = ("event_time", "state", "county")  # the real baseline's String features with a histogram


def rows(stream) -> list[dict]:
    return [row for batch in stream for row in batch.to_pylist()]


def sagemaker_baseline_and_its_file(folder: Path) -> Path:
    """SageMaker's real statistics.json and constraints.json (event_time, state, county) and the CSV they describe.

    The CSV is rebuilt from the baseline's own category counts (23,432 rows), so it is the
    file the baselining job read as far as these columns go.
    """
    statistics = json.loads((SAGEMAKER / "aai540_statistics.json").read_text())
    constraints = json.loads((SAGEMAKER / "aai540_constraints.json").read_text())
    statistics["features"] = [f for f in statistics["features"] if f["name"] in KEPT]
    constraints["features"] = [f for f in constraints["features"] if f["name"] in KEPT]
    (folder / "baseline").mkdir()
    (folder / "baseline" / "statistics.json").write_text(json.dumps(statistics))
    (folder / "baseline" / "constraints.json").write_text(json.dumps(constraints))
    columns = {}
    for feature in statistics["features"]:
        buckets = feature["string_statistics"]["distribution"]["categorical"]["buckets"]
        columns[feature["name"]] = [b["value"] for b in buckets for _ in range(int(b["count"]))]
    random.Random(5).shuffle(columns["state"])
    data = folder / "houses.csv"
    lines = [",".join(KEPT)] + [",".join(values) for values in zip(*(columns[n] for n in KEPT), strict=True)]
    data.write_text("\n".join(lines) + "\n")
    return data


def test_a_sagemaker_baseline_of_a_file_finds_nothing_in_that_file(tmp_path: Path) -> None:
    data = sagemaker_baseline_and_its_file(tmp_path)
    result = dp.compare(str(tmp_path / "baseline" / "statistics.json"), str(data))
    assert result.rows.target == 23_432
    assert result.violations == [], [v.description for v in result.violations]
    assert result.status == "ok"
    drift = {f.name: f.drift.value for f in result.features if f.drift is not None}
    assert drift["event_time"] == pytest.approx(0.0, abs=1e-9)
    assert drift["state"] == pytest.approx(0.0, abs=1e-9)


def test_constraints_list_the_values_the_data_holds(tmp_path: Path) -> None:
    """driftplane's constraints.json of the file lists the same domains as SageMaker's."""
    data = sagemaker_baseline_and_its_file(tmp_path)
    profile = dp.profile(str(data))
    assert profile["event_time"].inferred_type == "String"
    written = json.loads(write_constraints(suggest_constraints(profile), tmp_path / "constraints.json").read_text())
    ours = {f["name"]: f.get("string_constraints", {}).get("domains") for f in written["features"]}
    theirs = json.loads((tmp_path / "baseline" / "constraints.json").read_text())
    sagemaker = {f["name"]: f["string_constraints"]["domains"] for f in theirs["features"]}
    assert ours["event_time"] == ["2024-10-27T17:39:31Z"] == sagemaker["event_time"]
    assert sorted(ours["state"]) == sorted(sagemaker["state"])


# Values pyarrow would infer as something else, and what SageMaker (Deequ) calls them.
TRICKY = {
    "iso_time": (["2024-10-27T17:39:31Z", "2024-10-28T08:00:00.250+02:00"], "String"),
    "spaced_time": (["2024-10-27 17:39:31", "2024-10-28 08:00:00"], "String"),
    "date": (["2024-10-27", "2024-10-28"], "String"),
    "clock": (["17:39:31", "08:00"], "String"),
    "zip": (["00501", "02134"], "Integral"),
    "signed": (["+5", "-0"], "Integral"),
    "scientific": (["1e5", "2.5E-3"], "String"),
    "not_a_number": (["NaN", "inf"], "String"),
    "spelled_bool": (["True", "FALSE"], "String"),
    "bool": (["true", "false"], "Boolean"),
    "na": (["NA", "null"], "String"),
    "padded_decimal": (["007.50", "0.250"], "Fractional"),
    "whole_and_decimal": (["3", "3.5"], "Fractional"),
}


def test_csv_text_reaches_the_profile_as_written(tmp_path: Path) -> None:
    names = list(TRICKY)
    lines = [",".join(names)] + [",".join(TRICKY[n][0][k] for n in names) for k in range(2)]
    (tmp_path / "tricky.csv").write_text("\n".join(lines) + "\n")
    got = rows(read(DataSource(data=str(tmp_path / "tricky.csv"))))
    for name in names:
        values = [row[name] for row in got]
        if name not in ("padded_decimal",):  # a plain decimal column may become float64: the same numbers
            assert [str(v) for v in values] == TRICKY[name][0], name
    profile = dp.profile(str(tmp_path / "tricky.csv"))
    assert {n: profile[n].inferred_type for n in names} == {n: TRICKY[n][1] for n in names}
    assert profile["whole_and_decimal"].type_counts["Integral"] == 1  # as SageMaker counts "3"
    assert set(profile["iso_time"].categorical.counts) == set(TRICKY["iso_time"][0])
    assert set(profile["zip"].categorical.counts) == {"00501", "02134"}
    assert profile["na"].missing == 0


def test_any_csv_profiles_as_its_text_would(tmp_path: Path) -> None:
    """A CSV file's profile equals the profile of the same fields given as text: what SageMaker reads."""
    tokens = ["1", "-2", "007", "3.25", "-.5", "1.", "1e3", "NaN", "", "true", "True", "x", "2024-01-02",
              "2024-01-02T03:04:05Z", "12:00", "99999999999999999999", " 5", "+1.5", "0", "-0"]
    rng = random.Random(11)
    columns = [f"c{i}" for i in range(12)]
    pools = [rng.sample(tokens, rng.randint(1, 4)) for _ in columns]
    body = [[rng.choice(pool) for pool in pools] for _ in range(3_000)]
    (tmp_path / "fuzz.csv").write_text(",".join(columns) + "\n" + "".join(",".join(r) + "\n" for r in body))
    stream = read(DataSource(data=str(tmp_path / "fuzz.csv")), batch_rows=700)
    got = profile_stream(stream)
    as_text = pa.table({c: pa.array([r[k] or None for r in body], pa.string()) for k, c in enumerate(columns)})
    want = profile_stream(as_text.to_batches(max_chunksize=700))
    for name in columns:
        assert got[name].type_counts == want[name].type_counts, (name, pools[columns.index(name)])
        assert got[name].missing == want[name].missing, name
        if want[name].inferred_type == "String":
            assert got[name].categorical.counts == want[name].categorical.counts, name


def test_jsonl_strings_that_look_like_times_stay_strings(tmp_path: Path) -> None:
    lines = [
        {"at": "2024-10-27T17:39:31Z", "day": "2024-10-27", "user": {"seen": "2024-10-27 17:39:31"}, "n": 1},
        {"at": "2024-10-28T08:00:00Z", "day": "2024-10-28", "user": {"seen": "2024-10-28 08:00:00"}, "n": 2},
    ]
    (tmp_path / "e.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    got = rows(read(DataSource(data=str(tmp_path / "e.jsonl"))))
    assert got == [
        {"at": "2024-10-27T17:39:31Z", "day": "2024-10-27", "user.seen": "2024-10-27 17:39:31", "n": 1},
        {"at": "2024-10-28T08:00:00Z", "day": "2024-10-28", "user.seen": "2024-10-28 08:00:00", "n": 2},
    ]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_timestamp_column_still_selects_the_window_and_stays_text(tmp_path: Path, fmt: str) -> None:
    times = ["2024-10-27T23:59:59Z", "2024-10-28T00:00:00Z", "2024-10-28T12:30:00Z", "2024-10-29T00:00:00Z"]
    if fmt == "csv":
        (tmp_path / "d.csv").write_text("at,v\n" + "".join(f"{t},{k}\n" for k, t in enumerate(times)))
    else:
        (tmp_path / "d.jsonl").write_text("".join(json.dumps({"at": t, "v": k}) + "\n" for k, t in enumerate(times)))
    window = Window(start=datetime(2024, 10, 28, tzinfo=UTC), end=datetime(2024, 10, 29, tzinfo=UTC))
    got = rows(read(DataSource(data=str(tmp_path / f"d.{fmt}"), timestamp_column="at"), window=window))
    assert [r["at"] for r in got] == times[1:3]
    assert [r[TIMESTAMP_COLUMN] for r in got] == [
        datetime(2024, 10, 28, tzinfo=UTC),
        datetime(2024, 10, 28, 12, 30, tzinfo=UTC),
    ]


def test_parquet_timestamps_are_text_as_sagemakers_spark_writes_them(tmp_path: Path) -> None:
    """A typed time is no text in the file: it is profiled as Spark casts it (UTC, no trailing zeros)."""
    when = [datetime(2024, 10, 27, 17, 39, 31, tzinfo=UTC), datetime(2024, 10, 27, 17, 39, 31, 250_000, tzinfo=UTC)]
    pq.write_table(
        pa.table({"at": pa.array(when, pa.timestamp("us", tz="UTC")), "d": pa.array([w.date() for w in when])}),
        tmp_path / "t.parquet",
    )
    profile = dp.profile(str(tmp_path / "t.parquet"))
    assert profile["at"].inferred_type == "String"
    assert set(profile["at"].categorical.counts) == {"2024-10-27 17:39:31", "2024-10-27 17:39:31.25"}
    assert set(profile["d"].categorical.counts) == {"2024-10-27"}


def test_captured_csv_values_stay_as_written(tmp_path: Path) -> None:
    """Both capture paths (Arrow for plain CSV, Python for quoted line breaks) keep the text."""

    def line(data: str, out: str) -> str:
        capture = {
            "endpointInput": {"observedContentType": "text/csv", "mode": "INPUT", "data": data, "encoding": "CSV"},
            "endpointOutput": {"observedContentType": "text/csv", "mode": "OUTPUT", "data": out, "encoding": "CSV"},
        }
        return json.dumps(
            {"captureData": capture, "eventMetadata": {"eventId": "e", "inferenceTime": "2022-04-18T00:21:48Z"}}
        )

    fast = [line("2024-10-27T17:39:31Z,007,True,1e5", "0.5"), line("2024-10-28T17:39:31Z,012,False,2e5", "0.25")]
    slow = [line('"2024-10-27T17:39:31Z","0\n07",True,1e5', "0.5"), line("2024-10-28T17:39:31Z,012,False,2e5", "0.25")]
    names = ["score", "at", "code", "flag", "big"]
    for lines in (fast, slow):
        path = tmp_path / "c.jsonl"
        path.write_text("\n".join(lines) + "\n")
        got = rows(read(DataSource(data=str(path), format="sagemaker-capture"), column_names=names))
        assert [r["at"] for r in got] == ["2024-10-27T17:39:31Z", "2024-10-28T17:39:31Z"]
        assert [r["flag"] for r in got] == ["True", "False"]
        assert [r["big"] for r in got] == ["1e5", "2e5"]
        assert [r["score"] for r in got] == [0.5, 0.25]
        assert got[1]["code"] == "012"


def test_profile_json_round_trip_keeps_text_counts_unknown_for_csv(tmp_path: Path) -> None:
    """CSV values all arrive as text: 'numbers sent as text' cannot be told, so no such note is made."""
    pq.write_table(pa.table({"x": [1.0, 2.5, 3.0, 4.5] * 50}), tmp_path / "b.parquet")
    (tmp_path / "t.csv").write_text("x\n" + "".join(f"{v}\n" for v in ["1", "2.5", "3", "4.5"] * 50))
    result = dp.compare(str(tmp_path / "b.parquet"), str(tmp_path / "t.csv"))
    assert result.status == "ok", result.violations
    assert not any("arrived as text" in m for m in result.messages), result.messages
    target = dp.profile(str(tmp_path / "t.csv"))
    assert Profile.from_dict(target.to_dict())["x"].text_values is None
