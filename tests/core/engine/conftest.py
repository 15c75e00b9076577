"""Data makers shared by the engine tests: real Parquet and CSV files on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

# Designed drift: column -> the check types that must report it.
DESIGNED = {
    "mean_shift": {"drift"},  # +0.5 standard deviations
    "variance": {"drift"},  # variance doubled
    "temperature": {"drift"},  # Fahrenheit became Celsius
    "share": {"drift"},  # one category's share doubles (20% -> 40%)
    "colour": {"categorical_values_check"},  # a new category appears
    "nulls": {"completeness_check"},  # missing values rise from 1% to 20%
    "weight": {"data_type_check"},  # numbers arrive as text ("71.3 kg")
    "dropped": {"missing_column_check"},  # gone from the target
    "added": {"extra_column_check"},  # new in the target
}
STEADY = [
    "steady_normal",
    "steady_lognormal",
    "steady_int",
    "steady_codes",
    "steady_city",
    "steady_flag",
    "steady_sparse",
]


def _with_nulls(rng: np.random.Generator, values: np.ndarray, share: float) -> pa.Array:
    return pa.array(values, mask=rng.random(len(values)) < share)


def designed_tables(rows: int, seed: int) -> tuple[pa.Table, pa.Table]:
    """A baseline and a target: the DESIGNED columns drift as described, the STEADY ones do not."""
    tables = []
    for side in ("baseline", "target"):
        rng = np.random.default_rng(seed * 2 + (side == "target"))
        drifted = side == "target"
        cities = np.array(["Lyon", "Köln", "São Paulo", "Zürich", "Oslo", "Kyoto", "Lima", "Pune", "Austin", "Perth"])
        city_p = np.array([30, 20, 12, 10, 8, 7, 5, 4, 2, 2]) / 100
        columns: dict[str, pa.Array | np.ndarray] = {
            "mean_shift": rng.normal(10, 2, rows) + (1.0 if drifted else 0.0),
            "variance": rng.normal(0, np.sqrt(2) if drifted else 1.0, rows),
            "temperature": (lambda f: (f - 32) * 5 / 9 if drifted else f)(rng.normal(68, 10, rows)),
            "share": rng.choice(list("abcde"), rows, p=[0.4, 0.15, 0.15, 0.15, 0.15] if drifted else [0.2] * 5),
            "colour": rng.choice(
                ["red", "green", "blue", "purple"] if drifted else ["red", "green", "blue"],
                rows,
                p=[0.3, 0.3, 0.3, 0.1] if drifted else [1 / 3] * 3,
            ),
            "nulls": _with_nulls(rng, rng.normal(0, 1, rows), 0.20 if drifted else 0.01),
            "weight": rng.normal(70, 12, rows),
            "steady_normal": rng.normal(0, 1, rows),
            "steady_lognormal": rng.lognormal(3, 1, rows),
            "steady_int": rng.poisson(4, rows),
            "steady_codes": rng.integers(0, 3, rows),
            "steady_city": rng.choice(cities, rows, p=city_p),
            "steady_flag": rng.random(rows) < 0.3,
            "steady_sparse": _with_nulls(rng, rng.normal(100, 5, rows), 0.05),
        }
        if drifted:
            columns["weight"] = pa.array([f"{w:.1f} kg" for w in columns["weight"]])
            columns["added"] = rng.normal(0, 1, rows)
        else:
            columns["dropped"] = rng.normal(0, 1, rows)
        tables.append(pa.table(columns))
    return tables[0], tables[1]


def write(table: pa.Table, path: Path) -> Path:
    """Write a table as Parquet or CSV by the file's extension."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        pacsv.write_csv(table, path)
    else:
        pq.write_table(table, path)
    return path


@pytest.fixture
def write_table(tmp_path: Path):
    def _write(table: pa.Table, name: str) -> Path:
        return write(table, tmp_path / name)

    return _write
