"""Publish run metrics to a Prometheus registry, served by ``driftplane serve`` at /metrics.

Model quality is judged late: a run of today's window gives an estimate or provisional
values, a run days later gives the final ones of an older window. So each judgement kind
(final, provisional, estimated) has its own series, holding the newest window judged that
way, and ``driftplane_performance_window_end_timestamp_seconds`` says which window that is.
A final judgement of a window retires that window's provisional and estimated series: a
scrape never shows a stale provisional value beside the final one of the same window.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from driftplane.result import PerformanceMetric, RunResult
from driftplane.run_metrics import CATALOGUE, PERFORMANCE_METRICS, MetricPoint

PREFIX = "driftplane_"
FINISHED = "last_run_finished_timestamp_seconds"
# Run durations range from under a second (small windows) to hours (large backfills).
_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)


# The series of model quality (names shared with the clouds that run driftplane: run_metrics).
PERFORMANCE_GAUGES = PERFORMANCE_METRICS


@dataclass
class _Published:
    """What is on show for one (monitor, judged): its window, and the label sets to retire with it."""

    window_end: float
    series: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)


class PrometheusMetrics:
    """One Prometheus collector per catalogue entry, in a registry of its own."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self._collectors: dict[str, Counter | Histogram | Gauge] = {}
        for name, (kind, labels, help_text) in CATALOGUE.items():
            full = PREFIX + name
            if kind == "counter":
                self._collectors[name] = Counter(full, help_text, labels, registry=self.registry)
            elif kind == "timer":
                self._collectors[name] = Histogram(full, help_text, labels, registry=self.registry, buckets=_BUCKETS)
            else:
                self._collectors[name] = Gauge(full, help_text, labels, registry=self.registry)

        self._finished = Gauge(
            PREFIX + FINISHED,
            "Unix time at which the latest run of the monitor finished (alert when it is too old).",
            ("monitor",),
            registry=self.registry,
        )
        self._performance = {
            name: Gauge(PREFIX + name, help_text, labels, registry=self.registry)
            for name, (labels, help_text) in PERFORMANCE_GAUGES.items()
        }
        self._shown: dict[tuple[str, str], _Published] = {}

    def run_finished(self, monitor: str, at: float | None = None) -> None:
        """Record that a run of ``monitor`` finished now (or at ``at``, Unix seconds)."""
        self._finished.labels(monitor=monitor).set(time.time() if at is None else at)

    def publish(self, points: Iterable[MetricPoint]) -> None:
        """Apply each point: counters add, timers observe, values are set."""
        for point in points:
            collector = self._collectors[point.name]
            labelled = collector.labels(**point.labels)
            if isinstance(labelled, Counter):
                labelled.inc(point.value)
            elif isinstance(labelled, Histogram):
                labelled.observe(point.value)
            else:
                labelled.set(point.value)

    def publish_result(self, result: RunResult) -> None:
        """Publish what a run found about the model: its quality (by judgement) and prediction drift."""
        self.publish_prediction_drift(result)
        self.publish_performance(result)

    def publish_prediction_drift(self, result: RunResult) -> None:
        """Set each model output's drift metric and whether it drifted."""
        for output in result.prediction_drift:
            if output.drift is None or output.drift.value is None:
                continue
            labels = (result.monitor, output.name, output.drift.metric)
            self._performance["prediction_drift"].labels(*labels).set(output.drift.value)
            self._performance["prediction_drifted"].labels(result.monitor, output.name).set(float(output.drift.drifted))

    def publish_performance(self, result: RunResult) -> None:
        """Show the run's judgement of its window, unless a newer window is already on show for that judgement.

        Realised metrics go under the run's judgement (final or provisional), estimates under
        ``estimated`` (whatever the judgement: a provisional window has both). A final judgement
        retires the provisional and estimated series of the same window.
        """
        performance = result.performance
        if performance is None or performance.judged == "none":
            return
        monitor = result.monitor
        window_end = result.window.end.timestamp() if result.window is not None else time.time()
        realised = [m for m in performance.metrics if not m.estimated]
        estimates = [m for m in performance.metrics if m.estimated]
        if performance.judged == "final":
            for judged in ("provisional", "estimated"):
                shown = self._shown.get((monitor, judged))
                if shown is not None and shown.window_end == window_end:
                    self._retire(monitor, judged)
        kinds: list[tuple[str, list[PerformanceMetric]]] = []
        if realised and performance.judged in ("final", "provisional"):
            kinds.append((performance.judged, realised))
        if estimates:
            kinds.append(("estimated", estimates))
        for judged, metrics in kinds:
            shown = self._shown.get((monitor, judged))
            if shown is not None and shown.window_end > window_end:
                continue  # a re-judgement of an older window: the newer one stays on show
            self._retire(monitor, judged)
            published = _Published(window_end)
            for metric in metrics:
                labels = (monitor, metric.name, judged)
                if metric.value is not None:
                    gauge = "performance_estimate" if metric.estimated else "performance_metric"
                    self._set(published, gauge, labels, metric.value)
                if metric.estimated and metric.lower is not None and metric.upper is not None:
                    self._set(published, "performance_estimate_lower", labels, metric.lower)
                    self._set(published, "performance_estimate_upper", labels, metric.upper)
                if metric.threshold is not None:
                    self._set(published, "performance_threshold", labels, metric.threshold)
                    self._set(published, "performance_metric_failed", labels, float(metric.failed))
            coverage = performance.coverage
            window_labels = (monitor, judged)
            if coverage.share is not None:
                self._set(published, "label_coverage_ratio", window_labels, coverage.share)
            self._set(published, "labelled_predictions", window_labels, coverage.labelled)
            self._set(published, "predictions", window_labels, coverage.predictions)
            self._set(published, "performance_window_end_timestamp_seconds", window_labels, window_end)
            self._shown[(monitor, judged)] = published

    def _set(self, published: _Published, gauge: str, labels: tuple[str, ...], value: float) -> None:
        self._performance[gauge].labels(*labels).set(value)
        published.series.add((gauge, labels))

    def _retire(self, monitor: str, judged: str) -> None:
        shown = self._shown.pop((monitor, judged), None)
        for gauge, labels in shown.series if shown is not None else ():
            self._performance[gauge].remove(*labels)
