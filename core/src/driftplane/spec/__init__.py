"""The spec: YAML loading with locations, pydantic models, ${ENV} interpolation, JSON Schema.

The names below are imported on first use, so that importing one light submodule (the
problem helpers, the names rule) does not build every pydantic model and load ruamel.yaml.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {
    "Duration": "driftplane.spec.durations",
    "Schedule": "driftplane.spec.schedules",
    **dict.fromkeys(("find_spec", "load_spec", "load_spec_text", "spec_from_data"), "driftplane.spec.loader"),
    **dict.fromkeys(
        (
            "Alert",
            "Baseline",
            "ChannelSpec",
            "Checks",
            "DataSource",
            "DriftChecks",
            "FeatureRule",
            "FeatureSelection",
            "FixedWindow",
            "MetricRule",
            "Monitor",
            "QualityChecks",
            "Spec",
            "Target",
        ),
        "driftplane.spec.models",
    ),
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'driftplane.spec' has no attribute '{name}'")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later look-ups skip this function
    return value


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
