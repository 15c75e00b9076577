"""The report travels: no absolute paths, failures said in words, every feature's trend, missing values drawn."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import numpy as np
from click.testing import CliRunner
from report_dom import Node, parse
from report_samples import START, categorical_feature, make_history, make_result, numerical_feature
from tests.core.local.test_runner import make_project

from driftplane.cli import cli
from driftplane.local.report import render_report
from driftplane.local.report_assets.paths import PortablePaths
from driftplane.result import Rows, RunResult


def render(result: RunResult, **kwargs: object) -> Node:
    return parse(render_report(result, **kwargs))  # type: ignore[arg-type]


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


# ---------------------------------------------------------------------------------------
# No absolute paths


def test_reports_written_by_runs_hold_no_absolute_path(tmp_path: Path) -> None:
    spec = make_project(tmp_path)
    code, _, err = run_cli("run", str(spec), "--from", "2026-03-01", "--to", "2026-03-04")
    assert code == 1, err
    code, _, err = run_cli("run", str(spec), "--at", "2026-03-20")  # no data for that window
    assert code == 3, err
    assert str(tmp_path) in err, "the console still says where it looked, in full"
    reports = sorted((tmp_path / "reports" / "churn").glob("*/report.html"))
    assert len(reports) == 4
    for report in reports:
        text = report.read_text()
        assert str(tmp_path) not in text and str(tmp_path.resolve()) not in text, report
        assert "/tmp/" not in text and "/home/" not in text
    failed = parse((tmp_path / "reports" / "churn" / "2026-03-20T0000Z" / "report.html").read_text())
    headline = failed.find("h1").text
    assert headline == "✗Failed: no data for the window 2026-03-19 00:00 to 2026-03-20 00:00 UTC"
    assert "looked at data/daily/2026/03/19/*.parquet" in failed.find("pre", class_="error").text
    notes = failed.by_id("notes").text
    assert "Files written by this run (in reports/churn/2026-03-20T0000Z, beside this report):" in notes
    assert "html: report.html" in notes and "result: result.json" in notes
    # A report written after the failure shows it in its trend, in the same words and without a path.
    code, _, err = run_cli("run", str(spec), "--at", "2026-03-05")
    assert code in (0, 1), err
    later = (tmp_path / "reports" / "churn" / "2026-03-05T0000Z" / "report.html").read_text()
    assert str(tmp_path) not in later and str(tmp_path.resolve()) not in later
    titles = [g.find("title").text for g in parse(later).by_id("trend").find("svg", class_="strip").find_all("g")]
    window = "2026-03-19 00:00 to 2026-03-20 00:00 UTC"
    assert titles[-1] == f"{window}: Failed: no data for the window {window}"


def test_paths_outside_the_spec_folder_and_without_one_are_shown_by_name() -> None:
    error = (
        "monitor churn: /srv/shared/features/train.parquet: could not be opened: Permission denied; "
        "check who may read it"
    )
    result = RunResult(
        monitor="churn",
        rows=Rows(baseline=0, target=0),
        status="failed",
        error=error,
        messages=["skipped 3 lines of file:///srv/shared/capture/01.jsonl."],
        reports={"html": "/srv/project/reports/churn/2026-03-20T0000Z/report.html"},
    )
    page = render_report(result, base_dir="/srv/project")
    assert "/srv/" not in page
    dom = parse(page)
    assert dom.find("h1").text == "✗Failed: train.parquet: could not be opened: Permission denied"
    assert "skipped 3 lines of 01.jsonl." in dom.by_id("notes").text
    assert "(in reports/churn/2026-03-20T0000Z, beside this report)" in dom.by_id("notes").text
    alone = render_report(result)  # a notebook: no spec folder known
    assert "/srv/" not in alone and "html: report.html" in parse(alone).by_id("notes").text


def test_urls_relative_paths_and_dates_are_kept_as_written() -> None:
    paths = PortablePaths.under("/data/project")
    text = "read s3://bucket/a/b.parquet, https://h:8/x/y, data/2026/03/01/*.csv and 3/4 of /data/project/x/y.csv."
    assert paths.text(text) == (
        "read s3://bucket/a/b.parquet, https://h:8/x/y, data/2026/03/01/*.csv and 3/4 of x/y.csv."
    )
    assert PortablePaths().text(r"C:\Users\ana\train.csv: not UTF-8") == "train.csv: not UTF-8"


def test_a_long_failure_reason_is_cut_between_words_never_inside_a_path() -> None:
    long_path = "/mnt/lake/" + "/".join(f"level{i:02d}" for i in range(30)) + "/scores.parquet"
    reason = "the partition template matched a folder that is not a date: " + "very " * 20 + "odd"
    error = f"monitor m: {reason} at {long_path}; rename it"
    page = render(RunResult(monitor="m", rows=Rows(baseline=0, target=0), status="failed", error=error))
    headline = page.find("h1").text.removeprefix("✗")
    assert headline.startswith("Failed: the partition template matched a folder that is not a date: very very")
    assert headline.endswith(" …") and "/" not in headline and len(headline) <= len("Failed: ") + 122
    assert "scores.parquet" in page.find("pre", class_="error").text


# ---------------------------------------------------------------------------------------
# Every feature's trend


def test_every_measured_feature_has_its_trend_in_its_card_and_in_the_trend_table() -> None:
    result = make_result()
    page = render(result, history=make_history(6))
    for article in page.find_all("article"):
        assert article.find_all("svg", class_="spark"), f"{article.attrs['data-name']} has no trend"
    rows = page.by_id("trend").find("table", class_="trendtable").find("tbody").find_all("tr")
    names = [r.find("th").text for r in rows]
    assert len(names) == 20
    assert names[:4] == ["support_calls", "monthly charges (€)", "age", "country"]
    measured_always = [r for r in rows if not r.find("svg", class_="spark").find_all("rect", class_="gap")]
    stable = next(r for r in measured_always if "drifted in 0 of" in r.text)  # measured in every run, never drifted
    assert len(stable.find("svg", class_="spark").find_all("circle")) == 7, "the table: a dot per run"
    card = page.find("article", data_name=stable.find("th").text)
    [latest] = card.find("svg", class_="spark").find_all("circle")  # a calm card: the latest run's dot only
    assert latest.find("title").text.startswith("2024-04-30 00:00 to 2024-05-01 00:00 UTC: ")
    assert page.by_id("trend").find("h3").text == "Drift metric of each feature"


def test_runs_without_a_value_are_marked_on_the_trend() -> None:
    history = make_history(4)
    failed = RunResult(
        monitor=history[0].monitor,
        window=history[0].window.model_copy(  # type: ignore[union-attr]
            update={"start": START - timedelta(days=9), "end": START - timedelta(days=8)}
        ),
        rows=Rows(baseline=5000, target=0),
        status="failed",
        error="monitor churn-model: no data",
    )
    page = render(make_result(), history=[*history, failed])
    spark = page.find("article", data_name="age").find("svg", class_="spark")
    gaps = spark.find_all("rect", class_="gap")
    assert len(gaps) == 1 and gaps[0].find("title").text.endswith(": not measured")
    assert "Not measured in 1 (hollow squares on the axis)." in spark.find("desc").text


# ---------------------------------------------------------------------------------------
# Missing values on the charts


def test_missing_values_get_a_bar_of_their_own_on_numerical_and_categorical_charts() -> None:
    rng = np.random.default_rng(5)
    numeric = numerical_feature("income", rng.normal(50, 10, 900), rng.normal(50, 10, 600), missing=(100, 400))
    counts = {"a": 500, "b": 400}
    category = categorical_feature("plan", counts, {"a": 300, "b": 300}, missing=(0, 400))
    page = render(RunResult(monitor="m", rows=Rows(baseline=1000, target=1000), status="ok",
                            features=[numeric, category]))
    chart = page.find("article", data_name="income").find("svg", class_="chart")
    bars = chart.find_all("path", class_="m")
    assert len(bars) == 2 and "missing" in [t.text for t in chart.find_all("text")]
    heights = {next(c for c in ("b", "t") if c in bar.classes): _bar_height(bar) for bar in bars}
    assert heights["t"] > 3 * heights["b"] > 0, "40% of the target against 10% of the baseline"
    assert "Missing values: 40% of the target rows against 10% of the baseline rows." in chart.find("desc").text
    categories = page.find("article", data_name="plan").find("svg", class_="chart")
    labels = [t.find("title").text for t in categories.find_all("text") if t.find_all("title")]
    assert labels == ["a", "b", "(missing values)"]
    shares = [t.text for t in categories.find_all("text", class_="v")]
    assert shares[-2:] == ["0%", "40%"], "the missing row: none in the baseline, 40% of the target rows"


def test_charts_without_missing_values_have_no_missing_bar() -> None:
    rng = np.random.default_rng(5)
    features = [
        numerical_feature("income", rng.normal(50, 10, 900), rng.normal(50, 10, 600)),
        categorical_feature("plan", {"a": 500, "b": 400}, {"a": 300, "b": 300}),
    ]
    page = render(RunResult(monitor="m", rows=Rows(baseline=900, target=600), status="ok", features=features))
    assert len(page.find_all("svg", class_="chart")) == 2
    assert page.find_all("path", class_="m") == []
    assert "(missing values)" not in page.text


def _bar_height(bar: Node) -> float:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", bar.attrs["d"])]
    base, top = numbers[1], numbers[2]
    return base - top


def test_a_spec_folder_reached_through_a_link_still_gives_relative_paths(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "data").mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(real)
    for base, written in ((link, real), (real, link)):  # the folder one way, the paths the other
        shown = PortablePaths.under(base).text(f"looked at {written}/data/x.parquet.")
        assert shown == "looked at data/x.parquet.", (base, written)
