"""``driftplane compare`` as a first tool: the spec's feature and drift keys as options, the HTML
report with --out, the same feature count as ``run``, and distinct counts a person can believe."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from driftplane.cli import cli

QUICKSTART = Path(__file__).resolve().parents[3] / "examples" / "quickstart"
DAY = "2026-01-13"  # the window 2026-01-12 .. 2026-01-13: drift on three features


@pytest.fixture
def quickstart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "quickstart"
    shutil.copytree(QUICKSTART, folder, ignore=shutil.ignore_patterns("reports", ".driftplane", "__pycache__"))
    monkeypatch.setenv("QUICKSTART_WEBHOOK_URL", "http://127.0.0.1:9/closed")  # nothing listens: fails fast
    return folder


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def compare_quickstart(folder: Path, *options: str) -> tuple[int, str, str]:
    return invoke(
        "compare",
        str(folder / "data" / "train.parquet"),
        str(folder / "data" / "daily" / "2026" / "01" / "12"),
        *options,
    )


def drift_of(result: dict) -> dict[str, tuple]:
    return {
        f["name"]: (f["kind"], f["drift"]["metric"], f["drift"]["value"], f["drift"]["threshold"])
        for f in result["features"]
        if f["drift"] is not None and f["drift"]["value"] is not None
    }


def test_compare_counts_features_as_run_does_on_the_same_data(quickstart: Path) -> None:
    code, run_out, err = invoke("run", str(quickstart / "monitors.yaml"), "--at", DAY)
    assert code == 1, err
    code, compare_out, err = compare_quickstart(quickstart)
    assert code == 1, err
    assert "churn [2026-01-12 00:00 to 2026-01-13 00:00 UTC]: DRIFT and VIOLATIONS on 3 of 11 features" in run_out
    assert "compare: DRIFT and VIOLATIONS on 3 of 11 features" in compare_out  # customer_id is not measured


@pytest.mark.parametrize(
    ("keys", "options"),
    [
        ("", ["--exclude", "customer_id", "--categorical", "area_code"]),
        (
            "    checks:\n      drift:\n        numerical: {metric: psi, threshold: 0.2}\n"
            "        features: {custserv_calls: {metric: ks_statistic, threshold: 0.05}, state: {threshold: 0.3}}\n",
            [
                "--exclude", "customer_id", "--categorical", "area_code", "--metric", "numerical=psi",
                "--threshold", "numerical=0.2", "--metric", "custserv_calls=ks_statistic",
                "--threshold", "custserv_calls=0.05", "--threshold", "state=0.3",
            ],
        ),
        (
            "    checks:\n      drift:\n        numerical: {metric: hellinger, threshold: 0.15}\n"
            "        categorical: {metric: hellinger, threshold: 0.15}\n",
            ["--exclude", "customer_id", "--categorical", "area_code", "--metric", "hellinger", "--threshold", "0.15"],
        ),
        ("", ["--include", "day_mins", "--include", "state", "--include", "area_code", "--categorical", "area_code"]),
    ],
    ids=["features", "per-kind and per-feature drift", "one metric for both kinds", "include"],
)
def test_compare_options_mean_what_the_spec_keys_mean(quickstart: Path, keys: str, options: list[str]) -> None:
    spec = quickstart / "monitors.yaml"
    text = spec.read_text()
    if "--include" in options:
        text = text.replace("      exclude: [customer_id]\n", "      include: [day_mins, state, area_code]\n")
    spec.write_text(text.replace("    schedule: daily\n", "    schedule: daily\n" + keys))
    code, run_out, err = invoke("run", str(spec), "--at", DAY, "--json")
    assert code in (0, 1), err
    code, compare_out, err = compare_quickstart(quickstart, *options, "--json")
    assert code in (0, 1), err
    ran, compared = json.loads(run_out.splitlines()[0]), json.loads(compare_out)
    assert drift_of(compared) == drift_of(ran)
    assert compared["status"] == ran["status"]
    assert [(v["feature_name"], v["constraint_check_type"]) for v in compared["violations"]] == [
        (v["feature_name"], v["constraint_check_type"]) for v in ran["violations"]
    ]


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--metric", "wasserstein_typo"], "--metric wasserstein_typo: 'wasserstein_typo' is not one of"),
        (["--metric", "numerical=cramers_v"], "--metric numerical=cramers_v: numerical.metric 'cramers_v' applies"),
        (["--metric", "age=ks"], "--metric age=ks: 'ks' is the two-sample Kolmogorov-Smirnov test"),
        (["--threshold", "-0.1"], "--threshold -0.1: Input should be greater than 0"),
        (["--threshold", "state=high"], "--threshold state=high: 'high' is not a number"),
        (["--metric", "=psi"], "--metric '=psi': write METRIC, numerical=METRIC"),
        (["--categorical", "day_mins", "--numerical", "day_mins"], "'day_mins' given to both --categorical and"),
    ],
)
def test_bad_options_are_usage_errors_that_name_the_option(quickstart: Path, options: list[str], says: str) -> None:
    code, out, err = compare_quickstart(quickstart, *options)
    assert code == 2, (out, err)
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and says in errors[0], err
    assert out == ""


def test_a_bad_metric_reads_the_same_in_a_spec_and_as_an_option(quickstart: Path) -> None:
    spec = quickstart / "monitors.yaml"
    spec.write_text(
        spec.read_text().replace(
            "    schedule: daily\n",
            "    schedule: daily\n    checks: {drift: {numerical: {metric: cramers_v, threshold: 0.1}}}\n",
        )
    )
    _, _, spec_err = invoke("validate", str(spec))
    _, _, option_err = compare_quickstart(quickstart, "--metric", "numerical=cramers_v")
    reason = "numerical.metric 'cramers_v' applies to categories only"
    assert reason in spec_err and reason in option_err, (spec_err, option_err)


def test_out_writes_the_html_report_beside_the_json_files(quickstart: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    code, stdout, err = compare_quickstart(quickstart, "--exclude", "customer_id", "--out", str(out), "--json")
    assert code == 1, err
    result = json.loads(stdout)
    assert result["reports"]["html"] == str(out / "report.html")
    html = (out / "report.html").read_text()
    assert html.lstrip().lower().startswith("<!doctype html") and "day_mins" in html
    assert json.loads((out / "result.json").read_text())["reports"] == result["reports"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["report.html", "result.json", "statistics.json", "constraints.json", "constraint_violations.json"]
    )  # nothing half-written left beside them
    code, text, err = compare_quickstart(quickstart, "--out", str(out))
    assert code == 1, err
    assert f"report: {out / 'report.html'}" in text or "report: " in text.splitlines()[-1], text


def test_out_that_cannot_hold_the_report_is_a_clear_failure(quickstart: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    (out / "report.html").mkdir(parents=True)  # a folder where the report should go
    code, _, err = compare_quickstart(quickstart, "--out", str(out))
    assert code == 3, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "report" in errors[0], err


def test_estimated_distinct_counts_are_whole_and_never_above_the_rows(tmp_path: Path) -> None:
    """50,000 unique ids: the sketch estimates about 50,450 of them (seed 0), which no one can have."""
    rng = np.random.default_rng(0)
    rows = 50_000
    ids = [f"cust-{v:012d}" for v in rng.choice(10**12, rows, replace=False)]
    data = tmp_path / "ids.parquet"
    pq.write_table(pa.table({"customer_id": ids, "amount": rng.normal(0, 1, rows)}), data)
    code, stdout, err = invoke("compare", str(data), str(data), "--json", "--out", str(tmp_path / "out"))
    assert code == 0, err
    result = json.loads(stdout)
    for feature in result["features"]:
        for side in ("baseline", "target"):
            distinct = feature[side]["distinct"]
            assert isinstance(distinct, int) and 0 < distinct <= rows, (feature["name"], side, distinct)
    note = next(m for m in result["messages"] if "looks like an identifier" in m)
    shown = int(note.split("≈", 1)[1].split(" ", 1)[0].replace(",", ""))
    assert shown <= rows, note
    statistics = json.loads((tmp_path / "out" / "statistics.json").read_text())
    for feature in statistics["features"]:
        stats = feature.get("string_statistics") or feature.get("numerical_statistics")
        distinct = stats.get("distinct_count", stats.get("approximate_num_distinct_values"))
        assert distinct == int(distinct) and distinct <= rows, (feature["name"], distinct)
    code, text, err = invoke("compare", str(data), str(data))
    assert code == 0, err
    assert "distinct values in 50,000 rows" in text and "≈50,4" not in text, text
