"""driftplane: declare ML data monitors once, run them locally or on any cloud.

    import driftplane as dp
    spec = dp.load_spec("monitors.yaml")
    result = dp.compare("train.parquet", "today.parquet")

The engine (pyarrow, numpy) is imported only when first used, so the CLI starts fast.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from driftplane.alerting.channel import AlertChannel, ChannelSettings, DeliveryContext
from driftplane.alerting.errors import DeliveryError
from driftplane.alerting.notification import Notification
from driftplane.errors import (
    DataError,
    DriftplaneError,
    Problem,
    ProviderError,
    SpecError,
    UnknownProviderError,
    UsageError,
)
from driftplane.hookspecs import hookimpl
from driftplane.plugins import get_provider, get_providers
from driftplane.provider import (
    Change,
    Leftover,
    MonitorStatus,
    Plan,
    Provider,
    ProviderSettings,
    Request,
)
from driftplane.result import Drift, FeatureResult, RunResult, Violation, Window
from driftplane.spec import (
    Alert,
    Baseline,
    ChannelSpec,
    Checks,
    DriftChecks,
    Duration,
    FeatureRule,
    FeatureSelection,
    FixedWindow,
    MetricRule,
    Monitor,
    QualityChecks,
    Schedule,
    Spec,
    Target,
    load_spec,
    load_spec_text,
)

try:
    __version__ = version("driftplane")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

# Engine entry points, imported on first use (they pull in pyarrow and numpy).
_LAZY = {
    "compare": "driftplane.engine.api",
    "profile": "driftplane.engine.api",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'driftplane' has no attribute '{name}'")
    import importlib

    return getattr(importlib.import_module(module_name), name)


__all__ = [
    "Alert",
    "AlertChannel",
    "Baseline",
    "Change",
    "ChannelSettings",
    "ChannelSpec",
    "Checks",
    "DataError",
    "DeliveryContext",
    "DeliveryError",
    "Drift",
    "DriftChecks",
    "DriftplaneError",
    "Duration",
    "FeatureResult",
    "FeatureRule",
    "FeatureSelection",
    "FixedWindow",
    "Leftover",
    "MetricRule",
    "Monitor",
    "MonitorStatus",
    "Notification",
    "Plan",
    "Problem",
    "Provider",
    "ProviderError",
    "ProviderSettings",
    "QualityChecks",
    "Request",
    "RunResult",
    "Schedule",
    "Spec",
    "SpecError",
    "Target",
    "UnknownProviderError",
    "UsageError",
    "Violation",
    "Window",
    "__version__",
    "compare",
    "get_provider",
    "get_providers",
    "hookimpl",
    "load_spec",
    "load_spec_text",
    "profile",
]
