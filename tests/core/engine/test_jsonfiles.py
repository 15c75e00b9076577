"""The engine's JSON files read exactly as the standard library would write them."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from driftplane.engine.jsonfiles import json_text, write_json_atomic


def _reference(value: Any) -> str:
    """What the files held before: json.dumps(indent=2) of the data with NaN/inf as null and keys as str."""

    def safe(v: Any) -> Any:
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, dict):
            return {str(k): safe(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [safe(x) for x in v]
        return v

    return json.dumps(safe(value), indent=2, ensure_ascii=False, allow_nan=False)


SCALARS = [
    0,
    -7,
    2**70,
    0.1,
    -0.0,
    1e-310,
    1.7976931348623157e308,
    math.nan,
    math.inf,
    -math.inf,
    np.float64(2.5),
    True,
    False,
    None,
    "",
    "plain",
    'quote " and \\ backslash',
    "line\nbreak\ttab\x00\x1f",
    "ünïcødé ✓ 𝄞",
]


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.4:
        return rng.choice(SCALARS)
    if roll < 0.6:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(0, 5))]
    if roll < 0.7:
        return tuple(rng.choice(SCALARS) for _ in range(rng.randrange(0, 4)))
    keys: list[Any] = ["a", "b", "ключ", 1, 2.5, True, None, "x y"]
    return {rng.choice(keys): _random_value(rng, depth + 1) for _ in range(rng.randrange(0, 5))}


@pytest.mark.parametrize("seed", range(200))
def test_same_text_as_the_standard_library(seed: int) -> None:
    value = _random_value(random.Random(seed))
    assert json_text(value) == _reference(value)


def test_a_statistics_file_shape(tmp_path: Path) -> None:
    """Long lists of numbers (a sketch's levels) inside nested objects, written to disk."""
    rng = np.random.default_rng(0)
    data = {
        "version": 0.0,
        "features": [
            {
                "name": "f",
                "numerical_statistics": {
                    "distribution": {"kll": {"sketch": {"data": [list(rng.normal(size=500)), []]}}}
                },
            },
            {"name": "g", "string_statistics": {"common": {"num_present": 3, "num_missing": 0}}},
        ],
    }
    path = write_json_atomic(tmp_path / "statistics.json", data)
    assert path.read_text(encoding="utf-8") == _reference(data) + "\n"
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(_reference(data))


def test_values_json_cannot_hold_are_refused() -> None:
    with pytest.raises(TypeError, match="int64 is not JSON serializable"):
        json_text({"count": np.int64(3)})
