"""Headerless data is matched to the baseline BY POSITION over all of its columns.

A column the spec leaves out (features.exclude, or not in features.include) keeps its place:
the same rows as the baseline, read headerless, must find nothing wherever that column sits.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import driftplane as dp
from driftplane.engine.profile import Profile
from driftplane.spec.models import DataSource, FeatureSelection, Target

# The model's score first (as SageMaker captures the endpoint output), then the request's fields.
COLUMNS = ["score", "customer_id", "plan", "age", "region", "spend"]
SELECTIONS = {
    "start": FeatureSelection(exclude=["score"]),
    "second": FeatureSelection(exclude=["customer_id"]),
    "middle": FeatureSelection(exclude=["age"]),
    "end": FeatureSelection(exclude=["spend"]),
    "two": FeatureSelection(exclude=["customer_id", "region"]),
    "include": FeatureSelection(include=["plan", "spend"]),
}


def day_rows(n: int = 600, seed: int = 7) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    plans = rng.choice(["basic", "pro", "team"], n, p=[0.6, 0.3, 0.1])
    regions = rng.choice(["eu", "us", "apac"], n)
    return [
        [
            f"{rng.random():.4f}",
            str(100_000 + i),
            str(plans[i]),
            str(int(rng.integers(18, 80))),
            str(regions[i]),
            f"{rng.gamma(2, 40):.2f}",
        ]
        for i in range(n)
    ]


def write_baseline(folder: Path, rows: list[list[str]]) -> Path:
    path = folder / "train.csv"
    path.write_text(",".join(COLUMNS) + "\n" + "".join(",".join(r) + "\n" for r in rows))
    return path


def capture_line(row: list[str], minute: int) -> str:
    return json.dumps(
        {
            "captureData": {
                "endpointInput": {
                    "observedContentType": "text/csv",
                    "mode": "INPUT",
                    "data": ",".join(row[1:]),
                    "encoding": "CSV",
                },
                "endpointOutput": {
                    "observedContentType": "text/csv; charset=utf-8",
                    "mode": "OUTPUT",
                    "data": row[0],
                    "encoding": "CSV",
                },
            },
            "eventMetadata": {
                "eventId": f"e{minute}",
                "inferenceTime": f"2022-04-18T{minute // 60 % 24:02d}:{minute % 60:02d}:00Z",
            },
            "eventVersion": "0",
        }
    )


def assert_nothing_found(result, selection: FeatureSelection) -> None:
    monitored = [
        c for c in COLUMNS if (selection.include is None or c in selection.include) and c not in selection.exclude
    ]
    assert result.status == "ok", (result.violations, result.messages)
    assert result.violations == []
    assert [f.name for f in result.features] == monitored
    assert all(f.drift is not None and f.drift.value == pytest.approx(0.0, abs=1e-12) for f in result.features)
    assert not any("_c" in m for m in result.messages), result.messages


@pytest.mark.parametrize("where", list(SELECTIONS))
def test_headerless_csv_keeps_its_columns_in_place_whatever_is_left_out(tmp_path: Path, where: str) -> None:
    rows = day_rows()
    baseline = write_baseline(tmp_path, rows)
    (tmp_path / "today.csv").write_text("".join(",".join(r) + "\n" for r in rows))
    selection = SELECTIONS[where]
    result = dp.compare(str(baseline), DataSource(data=str(tmp_path / "today.csv"), header=False), features=selection)
    assert_nothing_found(result, selection)


@pytest.mark.parametrize("where", list(SELECTIONS))
def test_capture_keeps_its_columns_in_place_whatever_is_left_out(tmp_path: Path, where: str) -> None:
    rows = day_rows()
    baseline = write_baseline(tmp_path, rows)
    capture = tmp_path / "capture.jsonl"
    capture.write_text("".join(capture_line(r, k) + "\n" for k, r in enumerate(rows)))
    selection = SELECTIONS[where]
    result = dp.compare(str(baseline), Target(data=str(capture), format="sagemaker-capture"), features=selection)
    assert_nothing_found(result, selection)


def test_a_saved_baseline_profile_keeps_the_left_out_columns_place(tmp_path: Path) -> None:
    """Baseline profiles are cached and saved as JSON: the layout must survive the round trip."""
    rows = day_rows(200)
    baseline = write_baseline(tmp_path, rows)
    profile = dp.profile(str(baseline), features=FeatureSelection(exclude=["customer_id"]))
    assert "customer_id" not in profile.columns
    assert profile.layout == COLUMNS
    saved = tmp_path / "baseline.json"
    saved.write_text(json.dumps(profile.to_dict()))
    assert Profile.from_dict(json.loads(saved.read_text())).layout == COLUMNS
    (tmp_path / "today.csv").write_text("".join(",".join(r) + "\n" for r in rows))
    selection = FeatureSelection(exclude=["customer_id"])
    result = dp.compare(str(saved), DataSource(data=str(tmp_path / "today.csv"), header=False), features=selection)
    assert_nothing_found(result, selection)


def test_a_monitor_run_from_yaml_keeps_the_places(tmp_path: Path) -> None:
    """The local provider's run (baseline cache included) names capture columns by the full layout."""
    from driftplane.engine.monitor import BaselineCache, run_monitor
    from driftplane.resolved import resolve_monitor
    from driftplane.result import Window

    rows = day_rows(300)
    write_baseline(tmp_path, rows)
    (tmp_path / "capture.jsonl").write_text("".join(capture_line(r, k) + "\n" for k, r in enumerate(rows)))
    (tmp_path / "monitors.yaml").write_text(
        "monitors:\n"
        "  churn:\n"
        "    baseline: {data: train.csv}\n"
        "    target: {data: capture.jsonl, format: sagemaker-capture, window: 1d}\n"
        "    features: {exclude: [customer_id]}\n"
    )
    spec = dp.load_spec(tmp_path / "monitors.yaml")
    window = Window.model_validate({"start": "2022-04-18T00:00:00Z", "end": "2022-04-19T00:00:00Z"})
    cache = BaselineCache(tmp_path / "cache")
    for _ in range(2):  # the second run takes the baseline from the cache
        result = run_monitor(resolve_monitor(spec, "churn"), window, cache=cache).result
        assert result.status == "ok", (result.error, result.violations)
        assert [f.name for f in result.features] == [c for c in COLUMNS if c != "customer_id"]
        assert result.rows.target == 300
