"""Model quality on /metrics: scraped over real HTTP from the serve endpoint, parsed as Prometheus does."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families
from tests.core.conftest import build_result
from tests.core.performance_results import quality_result

from driftplane.local.httpserver import start_http_server
from driftplane.local.prometheus import PrometheusMetrics
from driftplane.result import RunResult

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
def served(no_proxy: None) -> Iterator[tuple[PrometheusMetrics, str]]:
    metrics = PrometheusMetrics()
    server = start_http_server("127.0.0.1", 0, metrics.registry, lambda: (True, {}))
    try:
        yield metrics, f"http://127.0.0.1:{server.server_port}/metrics"
    finally:
        server.shutdown()
        server.server_close()


def scrape(url: str) -> Samples:
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((f"driftplane_{name}", frozenset({"monitor": "churn", **labels}.items())))


def metric(result: RunResult, name: str, estimated: bool = False) -> tuple[float, float | None, float | None]:
    assert result.performance is not None
    [found] = [m for m in result.performance.metrics if m.name == name and m.estimated == estimated]
    assert found.value is not None
    return found.value, found.lower, found.upper


def test_each_judgement_shows_its_newest_window_and_a_final_one_retires_the_provisional(
    served: tuple[PrometheusMetrics, str],
) -> None:
    metrics, url = served
    provisional = quality_result(5, judged="provisional", labelled_share=0.5)
    metrics.publish_result(provisional)
    samples = scrape(url)
    accuracy = metric(provisional, "accuracy")[0]
    assert value(samples, "performance_metric", metric="accuracy", judged="provisional") == accuracy
    assert value(samples, "performance_metric_failed", metric="accuracy", judged="provisional") == 1.0
    assert value(samples, "performance_threshold", metric="accuracy", judged="provisional") == 0.85
    estimate, lower, upper = metric(provisional, "accuracy", estimated=True)
    assert value(samples, "performance_estimate", metric="accuracy", judged="estimated") == estimate
    assert value(samples, "performance_estimate_lower", metric="accuracy", judged="estimated") == lower
    assert value(samples, "performance_estimate_upper", metric="accuracy", judged="estimated") == upper
    assert value(samples, "label_coverage_ratio", judged="provisional") == 0.5
    assert value(samples, "labelled_predictions", judged="provisional") == 400
    assert value(samples, "predictions", judged="provisional") == 800
    assert provisional.window is not None
    day5_end = provisional.window.end.timestamp()
    assert value(samples, "performance_window_end_timestamp_seconds", judged="provisional") == day5_end
    assert value(samples, "prediction_drift", output="churn_score", metric="normalized_wasserstein") == 0.02
    assert value(samples, "prediction_drifted", output="churn_score") == 0.0

    # An older window's labels complete: it shows as final, the newer provisional one stays.
    older = quality_result(2)
    metrics.publish_result(older)
    samples = scrape(url)
    assert value(samples, "performance_metric", metric="accuracy", judged="final") == metric(older, "accuracy")[0]
    assert value(samples, "performance_metric_failed", metric="accuracy", judged="final") == 0.0
    assert value(samples, "label_coverage_ratio", judged="final") == 1.0
    assert value(samples, "performance_metric", metric="accuracy", judged="provisional") == accuracy

    # The newest window turns final: its provisional and estimated series go away.
    final = quality_result(5)
    metrics.publish_result(final)
    samples = scrape(url)
    assert value(samples, "performance_metric", metric="accuracy", judged="final") == metric(final, "accuracy")[0]
    assert value(samples, "performance_window_end_timestamp_seconds", judged="final") == day5_end
    assert value(samples, "performance_metric", metric="accuracy", judged="provisional") is None
    assert value(samples, "performance_estimate", metric="accuracy", judged="estimated") is None
    assert value(samples, "label_coverage_ratio", judged="provisional") is None

    # Re-judging an older window again does not push the newest final one off the gauge.
    metrics.publish_result(quality_result(3))
    samples = scrape(url)
    assert value(samples, "performance_window_end_timestamp_seconds", judged="final") == day5_end
    assert value(samples, "performance_metric", metric="accuracy", judged="final") == metric(final, "accuracy")[0]


def test_a_monitor_without_a_model_publishes_no_quality_series(served: tuple[PrometheusMetrics, str]) -> None:
    metrics, url = served
    metrics.publish_result(build_result())
    names = {name for name, _ in scrape(url)}
    assert not any(n.startswith(("driftplane_performance", "driftplane_label", "driftplane_prediction")) for n in names)
