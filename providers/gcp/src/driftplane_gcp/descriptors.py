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

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from driftplane.run_metrics import CATALOGUE, PERFORMANCE_METRICS, MetricKind

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
# Model quality (written only for monitors with a model): the shared names of
# ``run_metrics.PERFORMANCE_METRICS``, each judgement of a window in its own series (the
# ``window_end`` label), plus what the gcp provider adds for alerts and read-back.
PERFORMANCE_EXTRA: dict[str, tuple[MetricKind, tuple[str, ...], str]] = {
    "performance_checks_failed": (
        "counter",
        ("monitor", "metric", "judged"),
        "Windows judged in the latest run (the newest and those re-judged as labels land) whose check of the "
        "metric failed, by the judgement alerts read (realised metrics when final or provisional, estimates "
        "when estimated); 0 when none did.",
    ),
    "prediction_drift_threshold": (
        "value",
        ("monitor", "output"),
        "The applied drift threshold of a model output in the latest run.",
    ),
}
# Prediction drift describes the newest window only; every other model-quality series one
# judgement of one window, which ``window_end`` names (several windows are judged in one run).
NOT_PER_WINDOW = frozenset({"prediction_drift", "prediction_drifted", "performance_checks_failed"})
WINDOW_LABEL = "window_end"
PREDICTION_SERIES = ("prediction_drift", "prediction_drifted", "prediction_drift_threshold")

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
    "judged": "How the window was judged: final, provisional or estimated (estimates).",
    "output": "The model output column (prediction or probability).",
    WINDOW_LABEL: "The end of the judged window (ISO 8601, UTC): one series per window and judgement.",
}
UNITS = {
    "run_duration_seconds": "s",
    "read_duration_seconds": "s",
    "last_window_end_timestamp_seconds": "s",
    "performance_window_end_timestamp_seconds": "s",
}
# Whole counts among the model-quality series.
COUNTS = frozenset({"labelled_predictions", "predictions", "performance_checks_failed"})


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
        return "INT64" if self.kind == "counter" or self.name in COUNTS else "DOUBLE"

    @property
    def unit(self) -> str:
        return UNITS.get(self.name, "1")


def metric_infos(*, performance: bool = True) -> list[MetricInfo]:
    """Every metric the gcp provider writes, catalogue first; performance=False leaves out model quality."""
    infos = [
        MetricInfo(name, kind, labels + EXTRA_LABELS.get(name, ()), help)
        for name, (kind, labels, help) in CATALOGUE.items()
    ]
    infos += [MetricInfo(name, kind, labels, help) for name, (kind, labels, help) in EXTRA.items()]
    if performance:
        infos += performance_infos()
    return infos


def performance_infos() -> list[MetricInfo]:
    """The model-quality metrics: written only by monitors that declare a model."""
    out = []
    for name, (labels, help) in PERFORMANCE_METRICS.items():
        per_window = () if name in NOT_PER_WINDOW else (WINDOW_LABEL,)
        out.append(MetricInfo(name, "value", labels + per_window, help.replace("the newest window", "a window")))
    out += [MetricInfo(name, kind, labels, help) for name, (kind, labels, help) in PERFORMANCE_EXTRA.items()]
    return out


def is_performance(name: str) -> bool:
    return name in PERFORMANCE_METRICS or name in PERFORMANCE_EXTRA


@functools.cache
def _by_name() -> dict[str, MetricInfo]:
    return {i.name: i for i in metric_infos()}


def info(name: str) -> MetricInfo:
    return _by_name()[name]


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
