"""Publish run metrics to a Prometheus registry, served by ``driftplane serve`` at /metrics."""

from __future__ import annotations

import time
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from driftplane.run_metrics import CATALOGUE, MetricPoint

PREFIX = "driftplane_"
FINISHED = "last_run_finished_timestamp_seconds"
# Run durations range from under a second (small windows) to hours (large backfills).
_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)


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
