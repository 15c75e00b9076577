"""profile and compare can say a CSV has no header (--no-header, --no-baseline-header, --no-target-header)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from driftplane.cli import cli


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def rows() -> list[str]:
    rng = np.random.default_rng(3)
    return [f"{rng.normal(50, 5):.3f},{rng.choice(['a', 'b', 'c'])},{int(rng.integers(0, 9))}" for _ in range(400)]


def test_profile_no_header_names_columns_as_sagemaker_does(tmp_path: Path, rows: list[str]) -> None:
    data = tmp_path / "scored.csv"
    data.write_text("\n".join(rows) + "\n")
    result = invoke("profile", str(data), "--no-header", "--json")
    assert result.exit_code == 0, result.output
    statistics = json.loads(result.output)
    assert [f["name"] for f in statistics["features"]] == ["_c0", "_c1", "_c2"]
    assert statistics["dataset"]["item_count"] == 400  # the first row is data, not names
    assert [f["inferred_type"] for f in statistics["features"]] == ["Fractional", "String", "Integral"]
    with_header = json.loads(invoke("profile", str(data), "--json").output)
    assert with_header["dataset"]["item_count"] == 399
    assert [f["name"] for f in with_header["features"]] == rows[0].split(",")


def test_compare_a_headerless_target_with_a_baseline_that_has_one(tmp_path: Path, rows: list[str]) -> None:
    (tmp_path / "train.csv").write_text("score,plan,visits\n" + "\n".join(rows) + "\n")
    (tmp_path / "today.csv").write_text("\n".join(rows) + "\n")
    result = invoke("compare", str(tmp_path / "train.csv"), str(tmp_path / "today.csv"), "--no-target-header")
    assert result.exit_code == 0, result.output
    assert "no drift, no violations (400 target rows against 400 baseline rows)" in result.output
    # without the flag the first captured row is taken for names: nothing matches
    assert invoke("compare", str(tmp_path / "train.csv"), str(tmp_path / "today.csv")).exit_code == 1


def test_compare_no_header_applies_to_both_unless_one_side_says_otherwise(tmp_path: Path, rows: list[str]) -> None:
    (tmp_path / "a.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "b.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "named.csv").write_text("score,plan,visits\n" + "\n".join(rows) + "\n")
    both = invoke("compare", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"), "--no-header", "--json")
    assert both.exit_code == 0, both.output
    result = json.loads(both.output)
    assert [f["name"] for f in result["features"]] == ["_c0", "_c1", "_c2"] and result["rows"] == {
        "baseline": 400,
        "target": 400,
    }
    mixed = invoke(
        "compare", str(tmp_path / "named.csv"), str(tmp_path / "b.csv"), "--no-header", "--baseline-header", "--json"
    )
    assert mixed.exit_code == 0, mixed.output
    assert [f["name"] for f in json.loads(mixed.output)["features"]] == ["score", "plan", "visits"]
