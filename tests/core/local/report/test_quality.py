"""The report's model-quality section in a real headless Chromium, on results the engine computed.

Six daily windows of a logistic regression: three good, then labels wrong for 30% of rows.
Windows 0-3 are judged final; 4 and 5 provisional (half labelled) with CBPE estimates.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from report_browser import Browser
from tests.core.performance_results import quality_result

from driftplane.local.report import render_report, write_report
from driftplane.result import RunResult


def _runs() -> list[RunResult]:
    """Oldest first; the last is the report's run."""
    return [
        quality_result(day, judged="final" if day < 4 else "provisional", labelled_share=1.0 if day < 4 else 0.5)
        for day in range(6)
    ]


@pytest.fixture(scope="module")
def runs() -> list[RunResult]:
    return _runs()


@pytest.fixture(scope="module")
def quality_file(tmp_path_factory: pytest.TempPathFactory, runs: list[RunResult]) -> Path:
    path = tmp_path_factory.mktemp("quality") / "report.html"
    return write_report(path, runs[-1], history=list(reversed(runs[:-1])))


@pytest.fixture
def page(browser: Browser, quality_file: Path) -> Browser:
    errors = browser.open(quality_file.as_uri())
    assert errors == [], f"the report logged to the console: {errors}"
    return browser


def _metric(result: RunResult, name: str, estimated: bool = False) -> float:
    assert result.performance is not None
    [metric] = [m for m in result.performance.metrics if m.name == name and m.estimated == estimated]
    assert metric.value is not None
    return metric.value


def test_the_section_says_how_the_window_was_judged_and_which_metrics_failed(page: Browser) -> None:
    section = page.driver.find_element("css selector", "#performance")
    page.run("arguments[0].scrollIntoView()", section)
    assert section.is_displayed()
    text = section.text
    assert "Provisional" in text and "400 of 800 predictions labelled (50%)" in text
    assert "Past the threshold: Accuracy, ROC AUC." in text
    links = page.run("return Array.prototype.map.call(document.querySelectorAll('nav.toc a'), a => a.textContent)")
    assert "Model quality (2 failed)" in links and "Prediction drift" in links


def test_the_banner_leads_with_the_failed_quality_check_and_keeps_the_inputs_verdict(
    page: Browser, tmp_path: Path, browser: Browser
) -> None:
    headline = page.driver.find_element("css selector", "header.verdict h1").text
    assert headline.endswith("Model quality may be slipping (provisional): Accuracy, ROC AUC")
    lede = page.driver.find_element("css selector", "header.verdict .lede").text
    assert lede == "Judged provisional, 50% of 800 predictions labelled. Inputs: No drift, no violations."
    banner = page.driver.find_element("css selector", "header.verdict")
    assert "tone-violations" in (banner.get_attribute("class") or "")
    # Final and failed: red; final and holding: the inputs' verdict as it always was.
    for day, words, tone in ((3, "Model quality past its threshold: Accuracy, ROC AUC", "tone-drift"),
                             (0, "No drift, no violations", "tone-ok")):
        path = write_report(tmp_path / f"day{day}.html", quality_result(day))
        assert browser.open(path.as_uri()) == []
        assert browser.driver.find_element("css selector", "header.verdict h1").text.endswith(words)
        assert tone in (browser.driver.find_element("css selector", "header.verdict").get_attribute("class") or "")


def test_the_metrics_table_shows_the_realised_value_beside_the_estimate_and_its_band(
    page: Browser, runs: list[RunResult]
) -> None:
    current = runs[-1]
    row = page.driver.find_element("css selector", "table.quality-metrics tr[data-metric=accuracy]")
    cells = [c.text for c in row.find_elements("css selector", "td")]
    assert cells[0] == f"{_metric(current, 'accuracy'):.3g}"
    assert current.performance is not None
    estimate = next(m for m in current.performance.metrics if m.name == "accuracy" and m.estimated)
    assert cells[1] == f"~{estimate.value:.3g} [{estimate.lower:.3g}, {estimate.upper:.3g}]"
    assert cells[2] == f"{estimate.baseline:.3g}"
    assert cells[3] == "≥ 0.85" and cells[4] == "Past threshold"
    assert "failed" in (row.get_attribute("class") or "")
    unchecked = page.driver.find_element("css selector", "table.quality-metrics tr[data-metric=f1]")
    assert unchecked.find_elements("css selector", "td")[-1].text == "Not checked"


def test_the_metric_over_time_marks_provisional_points_and_failures(page: Browser, runs: list[RunResult]) -> None:
    figure = page.driver.find_element("css selector", "figure[data-metric=accuracy]")
    page.run("arguments[0].scrollIntoView()", figure)
    points = page.run(
        "return Array.prototype.map.call(arguments[0].querySelectorAll('circle'), function(c){"
        "var r=c.getBoundingClientRect(); return [c.getAttribute('data-judged'), c.getAttribute('class'),"
        " r.width, r.top, getComputedStyle(c).fill];})",
        figure,
    )
    assert [p[0] for p in points] == ["final"] * 4 + ["provisional"] * 2
    assert ["fail" in p[1] for p in points] == [False, False, False, True, True, True]
    assert all(width > 4 for _, _, width, _, _ in points), "every point is drawn with a size"
    # Provisional points are hollow (white), final ones filled.
    assert points[0][4] != "rgb(255, 255, 255)" and points[5][4] == "rgb(255, 255, 255)"
    # The drop is drawn as a drop: the failing windows sit lower on screen than the good ones.
    assert min(p[3] for p in points[3:]) > max(p[3] for p in points[:3])
    # The estimate's band is painted for the provisional windows, the threshold and baseline drawn.
    band = page.run(
        "var b=arguments[0].querySelector('path.band').getBBox(); return [b.width, b.height]", figure
    )
    assert band[0] > 10 and band[1] > 1
    labels = page.run(
        "return Array.prototype.map.call(arguments[0].querySelectorAll('text'), t => t.textContent)", figure
    )
    assert "threshold 0.85" in labels and any(label.startswith("baseline ") for label in labels)
    assert figure.find_element("css selector", "svg title").get_attribute("textContent") == "Accuracy over time"


def test_label_coverage_is_drawn_per_window(page: Browser) -> None:
    bars = page.run(
        "return Array.prototype.map.call(document.querySelectorAll("
        "'svg[aria-labelledby^=quality-coverage] rect.cov'), function(r){return [r.getAttribute('data-share'),"
        " r.getBoundingClientRect().height];})"
    )
    assert [b[0] for b in bars] == ["100", "100", "100", "100", "50", "50"]
    assert bars[0][1] == pytest.approx(2 * bars[5][1], rel=0.05)


def test_the_confusion_matrix_and_calibration_curve_show_the_accumulators_numbers(
    page: Browser, runs: list[RunResult]
) -> None:
    performance = runs[-1].performance
    assert performance is not None and performance.confusion_matrix and performance.calibration
    cells = page.run(
        "return Array.prototype.map.call(document.querySelectorAll('table.confusion tbody tr'), function(r){"
        "return Array.prototype.map.call(r.querySelectorAll('th,td'), c => c.textContent);})"
    )
    expected = [[actual, *(f"{n:,}" for n in row.values())] for actual, row in performance.confusion_matrix.items()]
    assert cells == expected
    dots = page.run(
        "return document.querySelectorAll('svg[aria-labelledby^=quality-calibration] circle').length"
    )
    assert dots == len(performance.calibration)


def test_prediction_drift_is_shown_apart_from_input_drift(page: Browser) -> None:
    section = page.driver.find_element("css selector", "#prediction-drift")
    page.run("arguments[0].scrollIntoView()", section)
    assert section.is_displayed()
    assert "churn_score" in section.text and "Stable" in section.text
    cards = page.run(
        "return Array.prototype.map.call(document.querySelectorAll('#cards article'), a => a.dataset.name)"
    )
    assert "churn_score" not in cards and "tenure" in cards


def test_a_window_with_only_an_estimate_shows_no_realised_values(tmp_path: Path, browser: Browser) -> None:
    estimated = quality_result(5, judged="estimated", labelled_share=0.0)
    path = write_report(tmp_path / "estimated.html", estimated)
    assert browser.open(path.as_uri()) == []
    text = browser.driver.find_element("css selector", "#performance").text
    assert "Estimated" in text and "0 of 800 predictions labelled (0%)" in text
    row = browser.driver.find_element("css selector", "table.quality-metrics tr[data-metric=accuracy]")
    cells = [c.text for c in row.find_elements("css selector", "td")]
    assert cells[0] == "—" and cells[1].startswith("~")
    assert browser.run("return document.querySelector('table.confusion')") is None


def test_expected_counts_from_the_estimate_are_labelled_as_such(tmp_path: Path, browser: Browser) -> None:
    from tests.core.performance_results import scored_days

    from driftplane.engine.performance import CbpeEstimator, fit_cbpe_binary

    model = scored_days()
    cbpe = CbpeEstimator(fit_cbpe_binary(model.baseline.y_true, model.baseline.y_score, model.baseline.y_pred))
    cbpe.update(model.windows[5].y_score, model.windows[5].y_pred)
    expected = cbpe.expected_confusion_matrix()
    estimated = quality_result(5, judged="provisional", labelled_share=0.0)
    assert estimated.performance is not None
    performance = estimated.performance.model_copy(update={"confusion_matrix": expected})
    path = write_report(tmp_path / "expected.html", estimated.model_copy(update={"performance": performance}))
    assert browser.open(path.as_uri()) == []
    caption = browser.run("return document.querySelector('table.confusion caption').textContent")
    assert caption == "Confusion matrix (expected counts, estimated from probabilities)"
    cells = browser.run(
        "return Array.prototype.map.call(document.querySelectorAll('table.confusion td'), c => c.textContent)"
    )
    shown = [float(c.replace(",", "")) for c in cells]
    assert shown == pytest.approx([v for row in expected.values() for v in row.values()], rel=0.01)
    assert sum(shown) == pytest.approx(800, abs=2)


def test_a_monitor_without_a_model_has_no_quality_sections() -> None:
    from report_samples import make_result

    html = render_report(make_result())
    assert 'id="performance"' not in html and 'id="prediction-drift"' not in html
    assert "Model quality" not in html


def test_a_regression_model_shows_its_errors_against_a_ceiling_and_no_confusion_matrix(
    tmp_path: Path, browser: Browser
) -> None:
    from driftplane.engine.performance import RegressionAccumulator
    from driftplane.result import LabelCoverage, Performance, PerformanceMetric, Rows

    rng = np.random.default_rng(3)
    truth = rng.normal(10.0, 2.0, 600)
    accumulator = RegressionAccumulator()
    accumulator.update(truth, truth + rng.normal(0.0, 1.0, 600))
    values = accumulator.metrics()
    metrics = [
        PerformanceMetric(
            name=name,
            value=value,
            threshold=0.5 if name == "rmse" else None,
            direction="max" if name == "rmse" else None,
            failed=name == "rmse" and value is not None and value > 0.5,
        )
        for name, value in values.items()
    ]
    result = RunResult(
        monitor="demand",
        rows=Rows(baseline=600, target=600),
        status="ok",
        performance=Performance(
            problem_type="regression",
            judged="final",
            coverage=LabelCoverage(predictions=600, labelled=600, share=1.0),
            metrics=metrics,
        ),
    )
    path = write_report(tmp_path / "regression.html", result)
    assert browser.open(path.as_uri()) == []
    row = browser.driver.find_element("css selector", "table.quality-metrics tr[data-metric=rmse]")
    cells = [c.text for c in row.find_elements("css selector", "td")]
    assert cells[0] == f"{values['rmse']:.3g}" and cells[2] == "≤ 0.5" and cells[3] == "Past threshold"
    assert "Root mean squared error" in row.text
    assert browser.run("return document.querySelector('table.confusion')") is None
    assert browser.run("return document.querySelector('svg[aria-labelledby^=quality-calibration]')") is None


def test_class_names_from_the_data_are_shown_as_text(tmp_path: Path, browser: Browser) -> None:
    from driftplane.engine.performance import MulticlassAccumulator
    from driftplane.result import LabelCoverage, Performance, PerformanceMetric, Rows

    hostile = "<img src=x onerror=alert(1)>"
    accumulator = MulticlassAccumulator()
    accumulator.update([hostile, "b", "c", "b", "c"], [hostile, "c", "c", "b", "b"])
    result = RunResult(
        monitor="router",
        rows=Rows(baseline=5, target=5),
        status="ok",
        performance=Performance(
            problem_type="multiclass",
            judged="provisional",
            coverage=LabelCoverage(predictions=10, labelled=5, share=0.5),
            metrics=[PerformanceMetric(name=n, value=v) for n, v in accumulator.metrics().items()],
            confusion_matrix=accumulator.confusion_matrix(),
        ),
    )
    path = write_report(tmp_path / "hostile.html", result)
    assert browser.open(path.as_uri()) == []
    assert browser.run("return document.querySelectorAll('table.confusion img').length") == 0
    header = browser.run("return document.querySelector('table.confusion thead').textContent")
    assert hostile in header
    diagonal = browser.run(
        "return Array.prototype.map.call(document.querySelectorAll('table.confusion td.diag'), c => c.textContent)"
    )
    assert diagonal == ["1", "1", "1"]
