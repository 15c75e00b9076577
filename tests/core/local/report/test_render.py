# ruff: noqa: RUF001  (the report writes typographic times, dash and minus signs on purpose)
"""What the rendered report says and how it is built, read from the HTML as a reader would."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from report_dom import Node, parse
from report_samples import (
    PAYLOADS,
    START,
    categorical_feature,
    hostile_result,
    make_result,
    numerical_feature,
)

from driftplane.cli import cli
from driftplane.local.report import render_report
from driftplane.result import Drift, FeatureResult, Rows, RunResult, Violation
from driftplane.result_summary import verdict_words
from driftplane.spec.models import Baseline, Checks, DriftChecks, Monitor, Target


def render(result: RunResult, **kwargs: object) -> Node:
    return parse(render_report(result, **kwargs))  # type: ignore[arg-type]


def card_of(page: Node, name: str) -> Node:
    return page.find("article", data_name=name)


def run_with(
    *features: FeatureResult, violations: list[Violation] | None = None, status: str | None = None
) -> RunResult:
    drifted = any(f.drift is not None and f.drift.drifted for f in features)
    return RunResult(
        monitor="m",
        rows=Rows(baseline=100, target=50),
        status=status or RunResult.status_for(drifted, bool(violations)),  # type: ignore[arg-type]
        features=list(features),
        violations=violations or [],
    )


def drift(
    value: float | None, threshold: float = 0.1, effective: float | None = None, metric: str = "normalized_wasserstein"
) -> Drift:
    applied = max(threshold, effective or threshold)
    return Drift(metric=metric, value=value, threshold=threshold, effective_threshold=effective,
                 drifted=value is not None and value > applied)


# ---------------------------------------------------------------------------------------
# The verdict


def test_the_verdict_comes_first_with_counts_window_rows_and_time(drift_result: RunResult) -> None:
    page = render(drift_result)
    first = next(n for n in page.find("div", class_="page").walk())
    assert first.tag == "header" and "verdict" in first.classes
    drifted = len(drift_result.drifted_features)
    assert drifted == 4
    assert page.find("h1").text.endswith("Drift on 4 of 20 features and 4 data-quality violations")
    assert "tone-drift" in first.classes
    facts = page.find("dl", class_="facts").text
    assert "2024-04-30 00:00 UTC → 2024-05-01 00:00 UTC (1 day)" in facts
    assert "baseline 5,000, target 1,500" in facts
    assert "2024-05-01 00:00 UTC, took 1.8 s" in facts
    assert page.find("title").text.startswith("Drift on 4 of 20 features")
    assert len(page.find_all("h1")) == 1


@pytest.mark.parametrize(
    ("status", "violations", "shift", "headline", "tone"),
    [
        ("ok", False, 0.0, "No drift, no violations", "tone-ok"),
        ("violations", True, 0.0, "No drift; 4 data-quality violations on 3 features", "tone-violations"),
        ("drift", False, 1.0, "Drift on 4 of 20 features", "tone-drift"),
    ],
)
def test_each_status_reads_as_a_sentence(status: str, violations: bool, shift: float, headline: str, tone: str) -> None:
    result = make_result(shift=shift, violations=violations)
    assert result.status == status
    page = render(result)
    assert page.find("h1").text.endswith(headline)
    assert tone in page.find("header", class_="verdict").classes


def test_a_failed_run_says_why_first_and_shows_the_whole_error() -> None:
    error = "DataError: capture/2024/05/01/*.jsonl matched no files.\nCheck target.data and target.latency."
    result = RunResult(monitor="churn", rows=Rows(baseline=10, target=0), status="failed", error=error)
    page = render(result)
    assert page.find("h1").text.endswith("Failed: DataError: capture/2024/05/01/*.jsonl matched no files")
    assert "tone-failed" in page.find("header", class_="verdict").classes
    assert page.find("pre", class_="error").text == " ".join(error.split())
    assert "No features were compared in this run." in page.by_id("features").text
    assert "Not known: the run failed before its data-quality checks finished." in page.by_id("violations").text
    assert "not recorded (the run failed)" in page.find("dl", class_="facts").text


def test_a_result_without_features_says_so() -> None:
    page = render(RunResult(monitor="m", rows=Rows(baseline=0, target=0), status="ok"))
    assert page.find("h1").text.endswith("No drift, no violations")
    assert "No features were compared" in page.find("header", class_="verdict").text
    assert page.find_all("article") == []


# ---------------------------------------------------------------------------------------
# Features


def test_drifted_features_come_first_furthest_above_the_threshold_first(drift_result: RunResult) -> None:
    page = render(drift_result)
    names = [a.attrs["data-name"] for a in page.by_id("cards").find_all("article")]

    def ratio(f: FeatureResult) -> float:
        assert f.drift is not None and f.drift.value is not None
        return f.drift.value / max(f.drift.threshold, f.drift.effective_threshold or 0)

    drifted = sorted(drift_result.drifted_features, key=ratio, reverse=True)
    rest = sorted((f for f in drift_result.features if not f.drift or not f.drift.drifted), key=ratio, reverse=True)
    assert names == [f.name for f in drifted + rest]
    assert names[:4] == ["support_calls", "monthly charges (€)", "age", "country"]
    chips = [a.text for a in page.find("header", class_="verdict").find("div", class_="quick").find_all("a")]
    assert chips == names[:4]


def test_unmeasured_features_come_last_and_say_why() -> None:
    rng = np.random.default_rng(1)
    measured = numerical_feature("x", rng.normal(0, 1, 500), rng.normal(0, 1, 500))
    unchecked = FeatureResult(name="id", kind="numerical", drift=None, baseline={"count": 500}, target={"count": 500})
    no_value = FeatureResult(name="empty", kind="numerical", drift=drift(None), baseline={"count": 500, "missing": 0},
                             target={"count": 0, "missing": 50})
    page = render(run_with(unchecked, no_value, measured))
    names = [a.attrs["data-name"] for a in page.find_all("article")]
    assert names == ["x", "id", "empty"]
    assert "Not checked for drift" in card_of(page, "id").text
    assert "Not checked" in card_of(page, "id").find("span", class_="badge").text
    empty = card_of(page, "empty").text
    assert "could not be computed" in empty
    assert "The target has no values for this feature." in empty
    assert "No distribution summary to draw" in empty


def test_a_card_names_the_metric_in_words_with_value_threshold_and_decision(drift_result: RunResult) -> None:
    page = render(drift_result)
    age = card_of(page, "age")
    assert "Normalized Wasserstein distance 0.781 against threshold 0.1 — 7.8× the threshold." in age.text
    assert age.find("span", class_="badge").text == "Drifted"
    country = card_of(page, "country")
    assert "Jensen–Shannon distance 0.198 against threshold 0.1" in country.text
    calm = card_of(page, "total_charges")
    assert calm.find("span", class_="badge").text == "No drift"
    assert "of the threshold" in calm.text


def test_the_key_says_what_each_metrics_value_is() -> None:
    """cramers_v is Cramér's V, a 0-to-1 distance that does not grow with the rows, not a chi-squared
    statistic (D23); Jensen-Shannon (natural log) ends at 0.83, not 1."""
    features = [
        FeatureResult(name="plan", kind="categorical", drift=drift(0.3, metric="cramers_v")),
        FeatureResult(name="city", kind="categorical", drift=drift(0.05, metric="jensen_shannon")),
    ]
    page = render(run_with(*features))
    key = {li.find("strong").text: li.text for li in page.by_id("about").find("ul").find_all("li")}
    cramer = key["Cramér's V"]
    assert "chi-squared statistic of" not in cramer and "from 0 (the same shares) to 1" in cramer
    assert "does not grow with the number of rows" in cramer
    assert "to 0.83 (nothing in common)" in key["Jensen–Shannon distance"]
    assert "Cramér's V 0.3 against threshold 0.1" in card_of(page, "plan").text


def test_value_and_threshold_get_enough_digits_to_differ() -> None:
    feature = FeatureResult(name="edge", kind="numerical", drift=drift(0.10031))
    text = card_of(render(run_with(feature)), "edge").find("p", class_="measure").text
    assert "0.1003 against threshold 0.1" in text
    assert "1.003×" in text


def test_an_effective_threshold_is_shown_beside_the_configured_one_and_explained(drift_result: RunResult) -> None:
    page = render(drift_result)
    tenure = card_of(page, "tenure_months").find("p", class_="measure").text
    assert "against threshold 0.13 (configured 0.1, raised for the sample size)" in tenure
    facts = page.find("dl", class_="facts").text
    assert "Effective threshold raised on 2 of 20 features (up to 0.13)" in facts
    assert "two samples of the same data differ by chance" in facts
    assert "never lowered" in facts
    glance = page.by_id("glance")
    assert glance.find("tr", data_name="tenure_months").text.count("0.13*") == 1


def test_key_statistics_side_by_side(drift_result: RunResult) -> None:
    page = render(drift_result)
    rows = {
        r.find("th").text: [td.text for td in r.find_all("td")]
        for r in card_of(page, "monthly charges (€)").find("table", class_="stats").find("tbody").find_all("tr")
    }
    assert rows["Values present"][:2] == ["5,000", "1,500"]
    assert rows["Missing"] == ["0.24%", "2.6%", "+2.4 pts"]
    assert rows["Mean"][2].endswith(" sd") and rows["Mean"][2].startswith("+")
    assert {"Std deviation", "Minimum", "Median", "Maximum", "5%", "95%", "Type"} <= rows.keys()
    country = {
        r.find("th").text: [td.text for td in r.find_all("td")]
        for r in card_of(page, "country").find("table", class_="stats").find("tbody").find_all("tr")
    }
    assert country["Most frequent"][0].startswith("“US”")
    assert country["Distinct values"] == ["14", "16", ""]


def test_new_and_vanished_categories_are_named() -> None:
    feature = categorical_feature(
        "plan", {"basic": 50, "gold": 30, "legacy": 20}, {"basic": 40, "gold": 30, "trial": 30}
    )
    page = render(run_with(feature))
    card = card_of(page, "plan")
    assert "Only in target: “trial”" in card.text
    assert "Not seen in target: “legacy”" in card.text
    labels = [t.text for t in card.find("svg", class_="chart").find_all("text")]
    assert any(label.startswith("trial") and label.endswith("(new)") for label in labels)


def test_numerical_charts_overlay_both_sides_on_the_baseline_bins(drift_result: RunResult) -> None:
    page = render(drift_result)
    for article in page.find_all("article"):
        svg = article.find("svg", class_="chart")
        title_id, desc_id = svg.attrs["aria-labelledby"].split()
        assert page.by_id(title_id).text.startswith(("Distribution of", "Categories of"))
        assert page.by_id(desc_id).text
        if article.attrs["data-name"] == "country":
            assert len(svg.find_all("rect", class_="b")) == len(svg.find_all("rect", class_="tb")) == 11
        elif "Distribution" in page.by_id(title_id).text:
            histogram = [p for p in svg.find_all("path") if "m" not in p.classes]
            assert len([p for p in histogram if "b" in p.classes]) == 1
            assert len([p for p in histogram if "t" in p.classes]) == 1
        legend = article.find("p", class_="legend").text
        assert "baseline (hatched grey)" in legend and "target" in legend


def test_a_histogram_desc_names_the_largest_difference() -> None:
    feature = FeatureResult(
        name="score",
        kind="numerical",
        drift=drift(0.5),
        baseline={"count": 100, "histogram": {"edges": [0, 1, 2, 3], "counts": [50, 30, 20]}},
        target={"count": 100, "histogram": {"edges": [0, 1, 2, 3], "counts": [10, 30, 60]}},
    )
    desc = render(run_with(feature)).find("desc").text
    assert "between 0 and 1: 10% of the target against 50% of the baseline" in desc


@pytest.mark.parametrize(
    ("baseline", "target", "expected"),
    [
        # No histogram: the quantile ranges are drawn instead.
        ({"count": 9, "min": 0, "max": 10, "quantiles": {"0.05": 1, "0.25": 2, "0.5": 5, "0.75": 7, "0.95": 9}},
         {"count": 9, "min": 1, "max": 12, "quantiles": {"0.05": 2, "0.25": 4, "0.5": 6, "0.75": 9, "0.95": 11}},
         "Value ranges of"),
        # Open-ended outer bins (±infinity) are drawn one typical bin wide.
        ({"count": 4, "histogram": {"edges": [float("-inf"), 0, 1, float("inf")], "counts": [1, 2, 1]}},
         {"count": 4, "histogram": {"edges": [float("-inf"), 0, 1, float("inf")], "counts": [0, 2, 2]}},
         "Distribution of"),
        # Counts that do not match the edges, and NaN: not drawable, said so.
        ({"count": 3, "histogram": {"edges": [0, 1], "counts": [1, 2]}, "mean": float("nan")},
         {"count": 3, "histogram": {"edges": [0, 1, 2], "counts": ["x", 2]}},
         None),
        # Only the baseline has values.
        ({"count": 3, "histogram": {"edges": [0, 1, 2], "counts": [1, 2]}},
         {"count": 0, "missing": 7, "histogram": {"edges": [0, 1, 2], "counts": [0, 0]}},
         "Distribution of"),
        # Nothing at all.
        ({}, {}, None),
    ],
)
def test_odd_summaries_still_render(baseline: dict, target: dict, expected: str | None) -> None:
    feature = FeatureResult(name="odd", kind="numerical", drift=drift(0.2), baseline=baseline, target=target)
    card = card_of(render(run_with(feature)), "odd")
    charts = card.find_all("svg", class_="chart")
    if expected is None:
        assert charts == []
        assert "No distribution summary to draw" in card.text
    else:
        assert charts and charts[0].find("title").text.startswith(expected)


@pytest.mark.parametrize(
    ("value", "expected"), [(float("nan"), "could not be computed"), (float("inf"), "∞ against threshold 0.1")]
)
def test_non_finite_metric_values_are_words_not_broken_numbers(value: float, expected: str) -> None:
    feature = FeatureResult(
        name="weird", kind="numerical", drift=Drift(metric="psi", value=value, threshold=0.1, drifted=value > 0.1)
    )
    html = render_report(run_with(feature))
    page = parse(html)
    assert expected in card_of(page, "weird").text
    assert not re.search(r"\bnan\b", page.find("div", class_="page").text, re.IGNORECASE)
    assert not re.search(r"(width|left):(inf|nan)", html)


def test_a_categorical_feature_without_categories_says_so() -> None:
    feature = FeatureResult(
        name="c",
        kind="categorical",
        drift=drift(0.3, metric="jensen_shannon"),
        baseline={"count": 5},
        target={"count": 5},
    )
    card = card_of(render(run_with(feature)), "c")
    assert "No distribution summary to draw" in card.text


# ---------------------------------------------------------------------------------------
# Violations


def test_violations_read_as_sentences_with_the_original_as_detail(drift_result: RunResult) -> None:
    page = render(drift_result)
    section = page.by_id("violations")
    items = section.find_all("li")
    texts = [li.text for li in items]
    assert any(
        t.startswith(
            "Only 99.6% of the values of “age” are whole numbers (Integral) as in the baseline; all of them should be."
        )
        for t in texts
    )
    assert any(
        "“monthly charges (€)” has more missing values than the "
        "baseline: 2.6% missing now against 0.24% in the baseline." in t
        for t in texts
    )
    assert any("“country” has values the baseline never had: “ZZ”" in t for t in texts)
    assert any("SageMaker's L-infinity distance 0.312 is above its threshold 0.1" in t for t in texts)
    details = [li.find("span", class_="detail").text for li in items]
    assert (
        "data_type_check: Data type match requirement is not met. Expected data type: "
        "Integral, Expected match: 100.0%. Observed: Only 99.65% of data is Integral."
    ) in details  # rounded for people
    for link in section.find_all("a"):
        assert page.by_id(link.attrs["href"][1:]).tag == "article"
    # The card links back to its violations.
    badge = card_of(page, "age").find("a", class_="violated")
    assert badge.text == "2 violations" and page.by_id(badge.attrs["href"][1:]).tag == "li"


@pytest.mark.parametrize(
    ("check_type", "description", "sentence"),
    [
        ("data_type_check", "something else", "Some values of “f” do not have the baseline's data type."),
        ("completeness_check", "", "“f” has more missing values than the baseline allows."),
        (
            "baseline_drift_check",
            "no numbers here",
            "The distribution of “f” moved away from the baseline (SageMaker's drift check).",
        ),
        (
            "missing_column_check",
            "There are missing columns in current dataset.",
            "The target data has fewer columns than the baseline; “f” is missing.",
        ),
        (
            "extra_column_check",
            "There are extra columns in current dataset.",
            "The target data has columns the baseline does not have, such as “f”.",
        ),
        ("categorical_values_check", "Value: 0.9", "“f” has values that are not among the baseline's categories."),
        ("shiny_new_check", "whatever", "“f” failed the check “shiny new check”."),
    ],
)
def test_every_check_type_has_a_plain_sentence(check_type: str, description: str, sentence: str) -> None:
    violation = Violation(feature_name="f", constraint_check_type=check_type, description=description)
    result = run_with(FeatureResult(name="other", kind="numerical"), violations=[violation])
    item = render(result).by_id("violations").find("li")
    assert item.text.startswith(sentence)
    assert item.find("span", class_="detail").text == f"{check_type}: {description}".strip()


# ---------------------------------------------------------------------------------------
# Trend


def test_the_trend_shows_run_statuses_and_drifted_features_over_time(
    drift_result: RunResult, history: list[RunResult]
) -> None:
    page = render(drift_result, history=history)
    trend = page.by_id("trend")
    strip = trend.find("svg", class_="strip")
    cells = strip.find_all("g")
    assert len(cells) == 15
    assert cells[0].find("title").text.startswith("2024-04-16 00:00 to 2024-04-17 00:00 UTC: ")
    assert cells[-1].find("title").text == (
        "2024-04-30 00:00 to 2024-05-01 00:00 UTC (this report): "
        "Drift on 4 of 20 features and 4 data-quality violations"
    )
    assert (
        "The last 15 windows of this monitor, from the window ending 2024-04-17 to the window ending 2024-05-01."
        in trend.text
    )
    rows = trend.find("table", class_="trendtable").find("tbody").find_all("tr")
    assert [r.find("th").text for r in rows][:4] == ["support_calls", "monthly charges (€)", "age", "country"]
    assert "now 0.781; drifted in 4 of 15 runs" in rows[2].text
    spark = rows[0].find("svg", class_="spark")
    assert len(spark.find_all("path", class_="threshold")) == 1
    assert len(spark.find_all("circle")) == 15
    assert len(spark.find_all("circle", class_="hit")) == 4
    # Drifted cards carry their own sparkline.
    assert card_of(page, "age").find_all("svg", class_="spark")


def test_history_that_includes_this_run_does_not_count_it_twice(
    drift_result: RunResult, history: list[RunResult]
) -> None:
    page = render(drift_result, history=[drift_result, *history])
    assert len(page.by_id("trend").find("svg", class_="strip").find_all("g")) == 15


def test_history_in_any_order_is_drawn_oldest_first(drift_result: RunResult, history: list[RunResult]) -> None:
    page = render(drift_result, history=list(reversed(history)))
    titles = [g.find("title").text[:16] for g in page.by_id("trend").find("svg", class_="strip").find_all("g")]
    assert titles == sorted(titles)


def test_after_a_backfill_the_trend_follows_the_windows_not_when_they_ran(drift_result: RunResult) -> None:
    # A backfill runs the oldest window first, all within a minute; then the newest window is
    # run again later. The history hands them over newest window first, as the store does.
    ran = START + timedelta(days=40)
    backfill = [
        make_result(started_at=START - timedelta(days=back)).model_copy(
            update={"started_at": ran + timedelta(seconds=back)}
        )
        for back in range(1, 6)
    ]
    current = drift_result.model_copy(update={"started_at": ran + timedelta(minutes=5)})
    titles = [g.find("title").text for g in render(current, history=backfill).by_id("trend").find_all("g")]
    assert [t.split(" UTC")[0] for t in titles] == [
        f"2024-04-{day - 1:02d} 00:00 to 2024-04-{day:02d} 00:00" for day in range(26, 31)
    ] + ["2024-04-30 00:00 to 2024-05-01 00:00"]
    assert titles[-1].startswith("2024-04-30 00:00 to 2024-05-01 00:00 UTC (this report)")


def test_running_an_older_window_again_replaces_its_cell_in_place(history: list[RunResult]) -> None:
    # The window ending 2024-04-25 is run again (after the newer ones): one cell for it, where it belongs.
    again = make_result(started_at=START - timedelta(days=6)).model_copy(
        update={"started_at": START + timedelta(days=3)}
    )
    page = render(again, history=history)
    strip = page.by_id("trend").find("svg", class_="strip")
    titles = [g.find("title").text for g in strip.find_all("g")]
    ends = [t.split(" UTC")[0].split(" to ")[1] for t in titles]
    assert ends == sorted(set(ends))  # one per window, in window order
    assert len(titles) == 14  # the 14 past windows; the re-run replaced its own
    [mine] = [i for i, t in enumerate(titles) if "(this report)" in t]
    assert ends[mine] == "2024-04-25 00:00" and mine == 8
    assert len(strip.find_all("rect", class_="current")) == 1


def test_runs_of_other_monitors_are_left_out_with_a_warning(
    drift_result: RunResult, history: list[RunResult], caplog: pytest.LogCaptureFixture
) -> None:
    stranger = make_result(monitor="other", started_at=START - timedelta(days=30))
    with caplog.at_level(logging.WARNING):
        page = render(drift_result, history=[*history, stranger])
    assert len(page.by_id("trend").find("svg", class_="strip").find_all("g")) == 15
    assert "left out 1 past run(s) of other monitors" in caplog.text


def test_without_history_the_trend_says_it_starts_with_the_second_run(drift_result: RunResult) -> None:
    trend = render(drift_result).by_id("trend")
    assert "the trend appears from the second run on" in trend.text
    assert trend.find_all("svg") == []


# ---------------------------------------------------------------------------------------
# Configuration from the monitor


def test_the_monitor_adds_its_description_sources_schedule_and_thresholds(drift_result: RunResult) -> None:
    monitor = Monitor(
        description="Churn inputs",
        baseline=Baseline(data="data/train.parquet"),
        target=Target(data="capture/*.jsonl", window="1d"),
        schedule="hourly",
        checks=Checks(drift=DriftChecks(noise_correction=False)),
    )
    facts = render(drift_result, monitor=monitor).find("dl", class_="facts").text
    assert "churn-model: Churn inputs · runs hourly" in facts
    assert "baseline data/train.parquet, target capture/*.jsonl" in facts
    assert "each run reads the last 1d" in facts
    assert "numerical features drift when their normalized Wasserstein distance is above 0.1" in facts
    assert "categorical features drift when their Jensen–Shannon distance is above 0.1" in facts


def test_without_a_monitor_the_thresholds_come_from_the_features(drift_result: RunResult) -> None:
    facts = render(drift_result).find("dl", class_="facts").text
    assert "numerical features drift when their normalized Wasserstein distance is above 0.1 (17 features)" in facts
    assert "categorical features drift when their Jensen–Shannon distance is above 0.1 (3 features)" in facts


def test_a_title_replaces_the_default(drift_result: RunResult) -> None:
    page = render(drift_result, title="Churn — nightly")
    assert page.find("title").text.endswith("· Churn — nightly")
    assert page.find("p", class_="kicker").text == "Churn — nightly"


# ---------------------------------------------------------------------------------------
# Safety and self-containment

def test_markup_in_data_is_escaped_everywhere() -> None:
    html = render_report(hostile_result(), title=PAYLOADS[2])
    for payload in PAYLOADS[:3]:
        assert payload not in html
    assert "window.__pwned" in html  # the text is there, as text
    page = parse(html)
    card = page.find("article", data_name=PAYLOADS[0] + " naïve ünïcödé feature")
    assert card.find("h3").text == PAYLOADS[0] + " naïve ünïcödé feature"
    assert page.find("article", data_name=PAYLOADS[1]).find("h3").text == " ".join(PAYLOADS[1].split())
    # No element or handler came from the data: the only script is the report's own.
    assert len(page.find_all("script")) == 1
    assert page.find_all("img") == []
    assert not [n for n in page.walk() if any(a.startswith("on") for a in n.attrs)]


def test_the_page_loads_nothing_and_only_runs_its_own_script(drift_result: RunResult) -> None:
    html = render_report(drift_result)
    page = parse(html)
    policy = page.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    assert "default-src 'none'" in policy
    script = page.find("script")
    own = "".join(c for c in script.children if isinstance(c, str))
    digest = base64.b64encode(hashlib.sha256(own.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    assert not [n for n in page.walk() if "src" in n.attrs]
    assert [n.attrs["href"] for n in page.find_all("link")] == ["data:,"]
    external = re.findall(r"(?:href|src)=\"(https?:[^\"]*)", html)
    assert external == []


def test_every_id_is_unique_and_every_chart_is_labelled(drift_result: RunResult, history: list[RunResult]) -> None:
    page = render(drift_result, history=history)
    ids = [n.attrs["id"] for n in page.walk() if "id" in n.attrs]
    assert len(ids) == len(set(ids))
    for svg in page.find_all("svg"):
        if svg.attrs.get("aria-hidden") == "true":
            continue
        for label in svg.attrs["aria-labelledby"].split():
            assert page.by_id(label).text
    for link in page.find_all("a"):
        href = link.attrs["href"]
        if href.startswith("#"):
            assert page.find_all(id=href[1:]), f"link to {href} goes nowhere"


def test_hundreds_of_features_stay_small_and_fold_the_table() -> None:
    big = make_result(extra_features=492, extra_drifted=40)
    html = render_report(big)
    page = parse(html)
    assert len(page.find_all("article")) == 500
    assert "open" not in page.by_id("features").find("details").attrs
    assert len(html.encode()) < 2_500_000
    fifty = render_report(make_result(extra_features=42))
    assert len(fifty.encode()) < 400_000


def test_sketched_category_counts_read_as_estimates() -> None:
    exact = categorical_feature("plan", {"basic": 50, "gold": 30}, {"basic": 40, "gold": 60})
    sketched = exact.model_copy(update={"baseline": {**exact.baseline, "categories_estimated": True}})
    assert "Most frequent“basic” (62.5%)“gold” (60%)" in card_of(render(run_with(exact)), "plan").text
    # the baseline's counts are sketch estimates, the target's are exact
    assert "Most frequent“basic” (≈62.5%)“gold” (60%)" in card_of(render(run_with(sketched)), "plan").text


def test_the_counts_are_the_features_whose_drift_was_measured_as_run_and_compare_say() -> None:
    """An identifier (no drift check) and a column without target values (no drift value) are not
    'of N': the report says the same count as run's and compare's summary line for the same result."""
    rng = np.random.default_rng(3)
    moved = numerical_feature("moved", rng.normal(0, 1, 500), rng.normal(3, 1, 500))
    calm = numerical_feature("calm", rng.normal(0, 1, 5000), rng.normal(0, 1, 5000), threshold=0.5)
    identifier = FeatureResult(name="id", kind="numerical", drift=None, baseline={"count": 500}, target={"count": 50})
    empty = FeatureResult(name="empty", kind="numerical", drift=drift(None), baseline={"count": 500, "missing": 0},
                          target={"count": 0, "missing": 50})
    result = run_with(identifier, empty, moved, calm)
    assert result.status == "drift"
    assert "DRIFT on 1 of 2 features" in verdict_words(result)
    page = render(result)
    assert page.find("h1").text.endswith("Drift on 1 of 2 features")
    assert page.find("title").text.startswith("Drift on 1 of 2 features")
    features = page.by_id("features").find("p").text
    assert features.startswith("1 of 2 drifted; 2 features not checked for drift.")
    calm_result = run_with(identifier, empty, calm)
    lede = render(calm_result).find("header", class_="verdict").find("p", class_="lede").text
    assert lede == "1 feature checked for drift; 2 features not checked."


def test_compare_on_the_quickstart_data_says_the_same_count_in_its_text_and_its_report(tmp_path: Path) -> None:
    """customer_id is an identifier (no drift value): `compare` says 'of 11', and so does its report."""
    data = Path(__file__).resolve().parents[4] / "examples" / "quickstart" / "data"
    day = data / "daily" / "2026" / "01" / "12"
    done = CliRunner().invoke(cli, ["compare", str(data / "train.parquet"), str(day), "--out", str(tmp_path)])
    assert done.exit_code == 1, done.output
    said = re.search(r"on (\d+) of (\d+) features", done.stdout)
    assert said is not None, done.stdout
    page = parse((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert page.find("h1").text.endswith(f"Drift on {said[1]} of {said[2]} features and 3 data-quality violations")
    assert page.by_id("features").find("p").text.startswith(f"{said[1]} of {said[2]} drifted; 1 feature not checked")
