"""The spec: YAML loading with locations, pydantic models, ${ENV} interpolation, JSON Schema."""

from driftplane.spec.durations import Duration
from driftplane.spec.loader import find_spec, load_spec, load_spec_text, spec_from_data
from driftplane.spec.models import (
    Alert,
    Baseline,
    ChannelSpec,
    Checks,
    DataSource,
    DriftChecks,
    FeatureRule,
    FeatureSelection,
    FixedWindow,
    MetricRule,
    Monitor,
    QualityChecks,
    Spec,
    Target,
)
from driftplane.spec.schedules import Schedule

__all__ = [
    "Alert",
    "Baseline",
    "ChannelSpec",
    "Checks",
    "DataSource",
    "DriftChecks",
    "Duration",
    "FeatureRule",
    "FeatureSelection",
    "FixedWindow",
    "MetricRule",
    "Monitor",
    "QualityChecks",
    "Schedule",
    "Spec",
    "Target",
    "find_spec",
    "load_spec",
    "load_spec_text",
    "spec_from_data",
]
