"""Our statistics.json matches a real SageMaker one field by field (issue 12, point 6).

Every key at every level, and whether each number is written whole (``5097``) or as a
decimal (``24000.0``), is compared with the analyzer's own output for features of the same
kind; the KLL sketch carries SageMaker's parameters (c = 0.64, k = 2048) and holds exactly
the column's values by weight.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from driftplane.engine.profiler import profile_stream
from driftplane.engine.sagemaker import write_statistics

REAL = Path(__file__).parent / "data" / "sagemaker" / "aai540_statistics.json"


def shape(value: Any) -> Any:
    """The JSON's structure: keys, list element shapes, and int / float / whole-float / str for leaves."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        shapes = {json.dumps(shape(item), sort_keys=True) for item in value}
        return ["list", sorted(shapes)]
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return type(value).__name__


def kll_data_shape(feature: dict[str, Any]) -> dict[str, Any]:
    """The feature's shape with the sketch's levels (lists of floats, some empty) as one leaf."""
    out = json.loads(json.dumps(feature))
    sketch = out["numerical_statistics"]["distribution"]["kll"]["sketch"]
    assert all(isinstance(level, list) and all(isinstance(v, float) for v in level) for level in sketch["data"])
    sketch["data"] = "levels"
    return shape(out)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """A table shaped like the real one (ids, one timestamp, cities, prices, counts, states, a flag), written."""
    rng = np.random.default_rng(3)
    rows = 23432
    states = [f"State {i}" for i in range(53)]
    batch = pa.record_batch(
        {
            "id": [f"listing-{i:06d}" for i in rng.permutation(rows)],
            "event_time": ["2024-10-27T17:39:31Z"] * rows,
            "city": [f"City {c}" for c in rng.integers(0, 2500, rows)],
            "price": np.round(np.exp(rng.normal(12.8, 0.8, rows)), -3),
            "bedrooms": rng.poisson(3, rows).astype(np.float64) + 1,
            "state": rng.choice(states, rows),
            "above_avg_price_per_sqft": rng.integers(0, 2, rows),
        }
    )
    path = write_statistics(profile_stream([batch]), tmp_path_factory.mktemp("stats") / "statistics.json")
    return {f["name"]: f for f in json.loads(path.read_text())["features"]}


@pytest.fixture(scope="module")
def real() -> dict[str, Any]:
    return json.loads(REAL.read_text())


@pytest.mark.parametrize("name", ["id", "event_time", "city", "price", "bedrooms", "state", "above_avg_price_per_sqft"])
def test_each_feature_has_sagemakers_fields_and_number_forms(
    name: str, written: dict[str, Any], real: dict[str, Any]
) -> None:
    theirs = next(f for f in real["features"] if f["name"] == name)
    ours = written[name]
    assert ours["inferred_type"] == theirs["inferred_type"]
    if "numerical_statistics" in theirs:
        assert kll_data_shape(ours) == kll_data_shape(theirs)
    else:
        assert shape(ours) == shape(theirs)


def test_distinct_counts_are_whole_numbers_as_sagemaker_writes_them(
    written: dict[str, Any], real: dict[str, Any]
) -> None:
    for feature in real["features"]:
        if "string_statistics" in feature:
            assert feature["string_statistics"]["distinct_count"] == int(feature["string_statistics"]["distinct_count"])
    # 23,432 distinct ids: an HyperLogLog estimate, written whole (it has decimals before rounding)
    ids = written["id"]["string_statistics"]["distinct_count"]
    assert isinstance(ids, float) and ids == int(ids) and abs(ids - 23432) < 0.03 * 23432
    assert written["state"]["string_statistics"]["distinct_count"] == 53.0


def test_the_kll_sketch_carries_sagemakers_parameters_and_every_value_by_weight(
    written: dict[str, Any], real: dict[str, Any]
) -> None:
    price = next(f for f in real["features"] if f["name"] == "price")
    theirs = price["numerical_statistics"]["distribution"]["kll"]["sketch"]
    for name in ("price", "bedrooms", "above_avg_price_per_sqft"):
        stats = written[name]["numerical_statistics"]
        sketch = stats["distribution"]["kll"]["sketch"]
        assert sketch["parameters"] == theirs["parameters"] == {"c": 0.64, "k": 2048.0}
        present = stats["common"]["num_present"]
        assert sum(len(level) * 2**i for i, level in enumerate(sketch["data"])) == present
        assert sum(b["count"] for b in stats["distribution"]["kll"]["buckets"]) == present
