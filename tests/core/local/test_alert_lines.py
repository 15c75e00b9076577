"""A `log` alert as a person running `driftplane run` reads it: once, after its window's summary,
saying what was found ("completeness_check on income (12% missing: 60 of 500 values)").

Real data with real faults (missing values, a new category, a type change, a shifted column)
goes through the real engine; what is checked is the console output in the order it is written.
"""

from __future__ import annotations

import json
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from driftplane.alerting.findings import violation_finding
from driftplane.cli import cli
from driftplane.result import Violation

DAY = datetime(2026, 3, 2, tzinfo=UTC)
ROWS = 500
SAGEMAKER = Path(__file__).resolve().parents[1] / "engine" / "data" / "sagemaker"


def make_project(root: Path, *, windows: int = 1, alerts: str | None = None) -> Path:
    """A daily monitor whose target days have drift on `age` and three data-quality faults."""
    rng = np.random.default_rng(7)
    train = pa.table(
        {
            "age": rng.normal(40, 10, 5000),
            "income": rng.normal(50, 5, 5000),
            "plan": rng.choice(["a", "b", "c"], 5000),
            "visits": rng.integers(0, 10, 5000),
        }
    )
    (root / "data").mkdir(parents=True)
    pq.write_table(train, root / "data" / "train.parquet")
    for back in range(windows):
        day = DAY - timedelta(days=back + 1)
        income = rng.normal(50, 5, ROWS).tolist()
        for i in range(60):  # 12% missing
            income[i] = None
        plan = rng.choice(["a", "b", "c"], ROWS).tolist()
        plan[:50] = ["zz"] * 50  # a value the baseline never had
        visits = [str(v) for v in rng.integers(0, 10, ROWS)]
        visits[:40] = ["many"] * 40  # text in an integer column
        target = pa.table(
            {"age": rng.normal(55, 10, ROWS), "income": income, "plan": plan, "visits": visits}
        )
        folder = root / "data" / "daily" / f"{day:%Y-%m-%d}"
        folder.mkdir(parents=True)
        pq.write_table(target, folder / "part.parquet")
    alerts = alerts or textwrap.dedent(
        """\
              - {name: inputs drifted, when: drift, notify: [log]}
              - {name: data quality, when: violation, check_types: [completeness_check, categorical_values_check,
                 data_type_check], notify: [log]}
        """
    )
    spec = root / "monitors.yaml"
    spec.write_text(
        textwrap.dedent(
            """\
            monitors:
              churn:
                baseline: {data: data/train.parquet}
                target: {data: "data/daily/{timestamp:yyyy}-{timestamp:MM}-{timestamp:dd}/*.parquet", window: 1d}
                schedule: daily
                alerts:
            """
        )
        + textwrap.indent(alerts, "      ")
    )
    return spec


def alert_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "alert FIRING" in line or "is FIRING" in line]


def test_each_log_alert_is_said_once_after_the_summary_of_its_window(tmp_path: Path) -> None:
    spec = make_project(tmp_path)
    result = CliRunner().invoke(cli, ["run", str(spec), "--at", DAY.isoformat()])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()  # stdout and stderr as they were written
    fired = alert_lines(result.output)
    assert len(fired) == 2, result.output  # one line per alert, not a second "is FIRING" line
    summary = next(i for i, line in enumerate(lines) if line.startswith("churn ["))
    report = next(i for i, line in enumerate(lines) if line.startswith("  report: "))
    assert all(lines.index(line) > report > summary for line in fired), result.output
    drift = next(line for line in fired if "inputs drifted" in line)
    assert "features drifted: age (normalized_wasserstein " in drift, drift
    quality = next(line for line in fired if "data quality" in line)
    # what was found, not the types the alert filters on
    assert "of type" not in quality and ".;" not in quality and ". ," not in quality
    assert "completeness_check on income (12% missing: 60 of 500 values)" in quality, quality
    assert "categorical_values_check on plan (10% outside the baseline's values: 'zz' (50 rows))" in quality, quality
    assert "data_type_check on visits (only 92% Integral)" in quality, quality


def test_a_backfill_says_each_windows_alerts_after_that_windows_summary(tmp_path: Path) -> None:
    spec = make_project(tmp_path, windows=2, alerts="- {name: any violation, when: violation, notify: [log]}\n")
    start = DAY - timedelta(days=2)
    result = CliRunner().invoke(cli, ["run", str(spec), "--from", start.isoformat(), "--to", DAY.isoformat()])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    summaries = [i for i, line in enumerate(lines) if line.startswith("churn [")]
    fired = [i for i, line in enumerate(lines) if "alert FIRING" in line]
    assert len(summaries) == 2 and len(fired) == 1, result.output  # fires once; stays firing
    assert summaries[0] < fired[0] < summaries[1], result.output


def test_json_output_keeps_alert_lines_off_stdout(tmp_path: Path) -> None:
    spec = make_project(tmp_path)
    result = CliRunner().invoke(cli, ["run", str(spec), "--at", DAY.isoformat(), "--json"])
    assert result.exit_code == 1, result.output
    assert [json.loads(line)["status"] for line in result.stdout.splitlines()] == ["drift_and_violations"]
    assert len(alert_lines(result.stderr)) == 2


@pytest.mark.parametrize(
    ("check", "description", "finding"),
    [
        (
            "data_type_check",
            "Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. "
            "Observed: Only 99.64592817400101% of data is Integral.",
            "only 99.6% Integral",
        ),
        (
            "completeness_check",
            "Data completeness requirement is not met. Expected completeness: 100.0%. Observed: Only 88.0% of "
            "data is complete.",
            "12% missing",
        ),
        (
            "baseline_drift_check",
            "Baseline drift distance: 0.0012 (chi-squared p-value) is below threshold: 0.05",
            "chi-squared p-value 0.0012 < 0.05",
        ),
        (
            "missing_column_check",
            "There are missing columns in current dataset. Column 'x' is missing.",
            "not in the data",
        ),
        # SageMaker's older wording and a plugin's own check: shown whole, without the closing stop
        ("categorical_values_check", "Value: 0.4974974974974975 does not meet the constraint requirement! ", None),
        ("my_plugin_check", "Something odd was found. Twice.", "Something odd was found. Twice"),
    ],
)
def test_a_violation_reads_as_what_was_found(check: str, description: str, finding: str | None) -> None:
    said = violation_finding(Violation(feature_name="x", constraint_check_type=check, description=description))
    if finding is None:
        assert said == "categorical_values_check on x (Value: 0.4975 does not meet the constraint requirement!)"
    else:
        assert said == f"{check} on x ({finding})"


def test_sagemaker_violations_of_a_real_run_read_as_findings() -> None:
    document = json.loads((SAGEMAKER / "examples_notebook_violations_excerpt.json").read_text())
    for raw in document["violations"]:
        said = violation_finding(Violation(**raw))
        assert said.startswith(f"{raw['constraint_check_type']} on {raw['feature_name']} (only ")
        assert "requirement is not met" not in said
