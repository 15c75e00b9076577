"""The Cloud Monitoring metric descriptors: one per driftplane metric, features in labels.

The metrics come from ``driftplane.run_metrics.CATALOGUE`` so every provider publishes the same
ones. All are GAUGE: a run is a one-off job with no memory of earlier totals, so a counter
is written as what this run counted (violations found, rows read, 1 run). CUMULATIVE would
need a running total and a fixed start time per series, which a stateless Cloud Run job
cannot keep without reading its last point back before every write, and Google rejects
custom DELTA metrics. Per-run gauges also make alert conditions direct ("violations > 0 in
the latest run"); totals over time are one ALIGN_SUM away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from driftplane.run_metrics import CATALOGUE, MetricKind

if TYPE_CHECKING:
    from google.api import metric_pb2

# Metrics only the gcp provider adds, to read results back (which feature a violation is
# about, which thresholds the run used) and to chart drift against the threshold it is judged by.
EXTRA: dict[str, tuple[MetricKind, tuple[str, ...], str]] = {
    "feature_drift_threshold": (
        "value",
        ("monitor", "feature"),
        "The applied drift threshold of a feature in the latest run (the "
        "configured one raised to the sampling noise, never lowered).",
    ),
    "feature_drift_configured_threshold": (
        "value",
        ("monitor", "feature"),
        "The configured drift threshold of a feature in the latest run (the spec's, before the sampling-noise raise).",
    ),
    "feature_violations": (
        "counter",
        ("monitor", "check_type", "feature"),
        "Data-quality violations of one feature in the latest run, by check type (only those found).",
    ),
}
# Labels the gcp provider adds to catalogue metrics (the feature's kind, to read results back).
EXTRA_LABELS: dict[str, tuple[str, ...]] = {"feature_drift": ("kind",)}

LABEL_HELP = {
    "monitor": "The driftplane monitor.",
    "status": "The run's outcome: ok, drift, violations, drift_and_violations or failed.",
    "check_type": "The data-quality check (SageMaker's constraint_check_type).",
    "side": "baseline or target.",
    "feature": "The feature (column).",
    "metric": "The drift metric, e.g. normalized_wasserstein.",
    "kind": "numerical or categorical.",
}
UNITS = {"run_duration_seconds": "s", "read_duration_seconds": "s", "last_window_end_timestamp_seconds": "s"}


@dataclass(frozen=True)
class MetricInfo:
    """One driftplane metric as Cloud Monitoring sees it."""

    name: str
    kind: MetricKind
    labels: tuple[str, ...]
    help: str

    @property
    def value_type(self) -> str:
        """INT64 for counts, DOUBLE for everything else."""
        return "INT64" if self.kind == "counter" else "DOUBLE"

    @property
    def unit(self) -> str:
        return UNITS.get(self.name, "1")


def metric_infos() -> list[MetricInfo]:
    """Every metric the gcp provider writes, catalogue first."""
    infos = [
        MetricInfo(name, kind, labels + EXTRA_LABELS.get(name, ()), help)
        for name, (kind, labels, help) in CATALOGUE.items()
    ]
    infos += [MetricInfo(name, kind, labels, help) for name, (kind, labels, help) in EXTRA.items()]
    return infos


def info(name: str) -> MetricInfo:
    for candidate in metric_infos():
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def metric_type(prefix: str, name: str) -> str:
    return prefix + name


def descriptor(prefix: str, metric: MetricInfo) -> metric_pb2.MetricDescriptor:
    """The MetricDescriptor message for one metric."""
    from google.api import label_pb2, metric_pb2

    kinds = metric_pb2.MetricDescriptor
    return metric_pb2.MetricDescriptor(
        type=metric_type(prefix, metric.name),
        metric_kind=kinds.MetricKind.GAUGE,
        value_type=kinds.ValueType.INT64 if metric.value_type == "INT64" else kinds.ValueType.DOUBLE,
        unit=metric.unit,
        description=f"driftplane: {metric.help}",
        display_name=f"driftplane {metric.name.replace('_', ' ')}",
        labels=[
            label_pb2.LabelDescriptor(
                key=key, value_type=label_pb2.LabelDescriptor.ValueType.STRING, description=LABEL_HELP.get(key, "")
            )
            for key in metric.labels
        ],
    )
