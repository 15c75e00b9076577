"""driftplane: declare ML data monitors once, run them locally or on any cloud.

    import driftplane as dp
    spec = dp.load_spec("monitors.yaml")
    result = dp.compare("train.parquet", "today.parquet")

Every name is imported when first used, so the CLI starts fast and the engine (pyarrow,
numpy) loads only for data work.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from driftplane.errors import (
    DataError,
    DriftplaneError,
    Problem,
    ProviderError,
    SpecError,
    UnknownProviderError,
    UsageError,
)

if TYPE_CHECKING:
    from driftplane.alerting.channel import AlertChannel, ChannelSettings, DeliveryContext
    from driftplane.alerting.errors import DeliveryError
    from driftplane.alerting.notification import Notification
    from driftplane.engine.api import compare, profile
    from driftplane.hookspecs import hookimpl
    from driftplane.local.report import render_report, write_report
    from driftplane.plugins import get_provider, get_providers
    from driftplane.provider import (
        AttributeChange,
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

    __version__: str

# Where each public name lives. Nothing is imported until it is first used: the CLI's
# --version and --help stay fast, and the engine (pyarrow, numpy) loads only for data work.
_HOMES = {
    "hookimpl": "driftplane.hookspecs",
    "get_provider": "driftplane.plugins",
    "get_providers": "driftplane.plugins",
    "compare": "driftplane.engine.api",
    **dict.fromkeys(("AlertChannel", "ChannelSettings", "DeliveryContext"), "driftplane.alerting.channel"),
    "DeliveryError": "driftplane.alerting.errors",
    "Notification": "driftplane.alerting.notification",
    "profile": "driftplane.engine.api",
    **dict.fromkeys(("render_report", "write_report"), "driftplane.local.report"),
    **dict.fromkeys(
        ("AttributeChange", "Change", "Leftover", "MonitorStatus", "Plan", "Provider", "ProviderSettings", "Request"),
        "driftplane.provider",
    ),
    **dict.fromkeys(("Drift", "FeatureResult", "RunResult", "Violation", "Window"), "driftplane.result"),
    **dict.fromkeys(
        (
            "Alert",
            "Baseline",
            "ChannelSpec",
            "Checks",
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
            "load_spec",
            "load_spec_text",
        ),
        "driftplane.spec",
    ),
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("driftplane")
    except PackageNotFoundError:  # running from a source tree without installation
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _version()
    else:
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module 'driftplane' has no attribute '{name}'")
        value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later look-ups skip this function
    return value


__all__ = [
    "Alert",
    "AlertChannel",
    "AttributeChange",
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
    "render_report",
    "write_report",
]
