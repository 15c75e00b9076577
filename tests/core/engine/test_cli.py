"""``driftplane profile`` and ``driftplane compare`` through the real click group."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from driftplane.cli import cli


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    rng = np.random.default_rng(0)
    rows = 2000
    same = lambda seed: pa.table(  # noqa: E731
        {
            "amount": np.random.default_rng(seed).gamma(2, 10, rows),
            "state": np.random.default_rng(seed).choice(["CA", "NY"], rows),
        }
    )
    out = {
        "base": tmp_path / "base.parquet",
        "same": tmp_path / "same.parquet",
        "drifted": tmp_path / "drifted.parquet",
    }
    pq.write_table(same(1), out["base"])
    pq.write_table(same(2), out["same"])
    pq.write_table(
        pa.table({"amount": rng.gamma(2, 20, rows), "state": rng.choice(["CA", "NY", "TX"], rows)}), out["drifted"]
    )
    return out


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_compare_finds_nothing_exit_0(files) -> None:
    result = invoke("compare", str(files["base"]), str(files["same"]))
    assert result.exit_code == 0, result.output
    assert "no drift, no violations" in result.output


def test_compare_finds_drift_exit_1_with_json(files, tmp_path: Path) -> None:
    result = invoke("compare", str(files["base"]), str(files["drifted"]), "--json", "--out", str(tmp_path / "reports"))
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["status"] == "drift_and_violations"
    assert {f["name"] for f in data["features"] if f["drift"]["drifted"]} == {"amount", "state"}
    assert ("state", "categorical_values_check") in {
        (v["feature_name"], v["constraint_check_type"]) for v in data["violations"]
    }
    assert set(data["reports"]) == {"html", "statistics", "constraints", "constraint_violations", "result"}
    written = json.loads((tmp_path / "reports" / "constraint_violations.json").read_text())
    assert written["violations"] == data["violations"]
    assert json.loads((tmp_path / "reports" / "result.json").read_text()) == data
    histogram = data["features"][0]["target"]["histogram"]
    assert histogram["edges"] == data["features"][0]["baseline"]["histogram"]["edges"]
    assert sum(histogram["counts"]) + histogram["below"] + histogram["above"] == 2000


def test_compare_human_output_lists_drift_and_violations(files) -> None:
    result = invoke("compare", str(files["base"]), str(files["drifted"]))
    assert result.exit_code == 1
    assert "DRIFT and VIOLATIONS on 2 of 2 features" in result.output
    assert "categorical_values_check on state" in result.output and "'TX'" in result.output


def test_compare_missing_file_exit_3(files, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["compare", str(files["base"]), str(tmp_path / "nope.parquet")])
    assert result.exit_code == 3
    assert "nope.parquet" in result.output


def test_compare_bad_usage_exit_2(files) -> None:
    result = CliRunner().invoke(cli, ["compare", str(files["base"])])
    assert result.exit_code == 2
    assert "Missing argument 'TARGET'" in result.output


def test_profile_summary_and_sagemaker_files(files, tmp_path: Path) -> None:
    result = invoke("profile", str(files["base"]), "--out", str(tmp_path / "baseline"))
    assert result.exit_code == 0, result.output
    assert "2,000 rows, 2 columns" in result.output and "Fractional" in result.output
    stats = json.loads((tmp_path / "baseline" / "statistics.json").read_text())
    constraints = json.loads((tmp_path / "baseline" / "constraints.json").read_text())
    assert [f["inferred_type"] for f in stats["features"]] == ["Fractional", "String"]
    assert sorted(constraints["features"][1]["string_constraints"]["domains"]) == ["CA", "NY"]
    # the written baseline works as compare's BASELINE, its constraints.json picked up
    compared = invoke("compare", str(tmp_path / "baseline" / "statistics.json"), str(files["drifted"]), "--json")
    assert compared.exit_code == 1
    assert any("constraints beside the baseline" in m for m in json.loads(compared.output)["messages"])


def test_profile_json_is_statistics_json(files) -> None:
    result = invoke("profile", str(files["base"]), "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["dataset"]["item_count"] == 2000 and data["features"][0]["name"] == "amount"


def test_unreadable_statistics_baseline_exit_3(files, tmp_path: Path) -> None:
    broken = tmp_path / "statistics.json"
    broken.write_text('{"features": [{"name": "x"}]}')
    result = CliRunner().invoke(cli, ["compare", str(broken), str(files["same"])])
    assert result.exit_code == 3
    assert "not a SageMaker statistics.json" in result.output


def test_violation_shares_are_rounded_for_people_and_raw_in_constraint_violations(tmp_path: Path) -> None:
    base, target, out = tmp_path / "base.parquet", tmp_path / "target.parquet", tmp_path / "out"
    pq.write_table(pa.table({"state": ["CA", "NY", "TX"] * 400}), base)
    # 947 of 1,000 values in the baseline's domain: 0.947 * 100 prints as 94.69999999999999
    pq.write_table(pa.table({"state": ["CA"] * 947 + ["ZZ"] * 53}), target)
    result = invoke("compare", str(base), str(target), "--out", str(out))
    assert result.exit_code == 1, result.output
    assert "Only 94.7% of data is within the domain" in result.output
    assert "94.69999999999999" not in result.output
    written = json.loads((out / "constraint_violations.json").read_text())["violations"]
    # the SageMaker file keeps SageMaker's raw float text, which tools compare byte for byte
    assert any("Only 94.69999999999999% of data is within the domain" in v["description"] for v in written)


def test_profile_notes_infinite_values_as_compare_does(tmp_path: Path) -> None:
    # Parquet: in a CSV file "inf" is text (a String to SageMaker), not an infinite number
    data = tmp_path / "inf.parquet"
    pq.write_table(pa.table({"a": [1, 2, 3, 4], "c": [float("inf"), float("-inf"), 1.0, 2.0]}), data)
    result = invoke("profile", str(data))
    assert result.exit_code == 0, result.output
    assert (
        "note: 'c' has 2 infinite value(s); they count as present but are left out of its statistics" in result.output
    )
    assert "'a' has" not in result.output
