"""What Azure ML cannot express in a spec, found before anything is built or sent.

Each problem is located at the key that asks for it and says what Azure offers instead, so
nothing the spec asks for is silently dropped. No SDK import: ``validate`` stays fast.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from driftplane.errors import Problem
from driftplane.spec.durations import Duration
from driftplane.spec.models import Alert, ChannelRef, ChannelSpec, Monitor, Spec
from driftplane_azure.data_refs import DataRefError, parse_data_ref
from driftplane_azure.mapping import CATEGORICAL_METRICS, NUMERICAL_METRICS, parse_endpoint
from driftplane_azure.settings import AzureSettings

# driftplane distances whose namesake Azure offers only as a test's p-value (drift below the threshold).
_P_VALUE_NOTE = {
    "ks_statistic": (
        " (its two_sample_kolmogorov_smirnov_test is the test's p-value, drift when it falls below the threshold, "
        "not this distance)"
    ),
    "cramers_v": (
        " (its pearsons_chi_squared_test is the test's p-value, drift when it falls below the threshold, "
        "not this distance)"
    ),
}

Path = tuple[str | int, ...]
# Alert channels Azure can deliver to, and how.
AZURE_CHANNELS = ("email", "webhook", "slack", "log")

logger = logging.getLogger(__name__)


def channel_of(spec: Spec, ref: ChannelRef) -> tuple[str, dict[str, Any]]:
    """(type, raw settings) of an alert's notify entry."""
    if isinstance(ref, ChannelSpec):
        return ref.type, ref.settings
    if ref in spec.channels:
        return spec.channels[ref].type, spec.channels[ref].settings
    if ref == "log":
        return "log", {}
    kind, _, target = ref.partition(":")
    field = {"email": "to", "webhook": "url", "slack": "webhook_url", "log": "level"}.get(kind, "target")
    return kind, {field: [target] if kind == "email" else target}


# One deliverable channel: ("email", address) or ("webhook" | "slack", url).
ChannelKey = tuple[str, str]
HOOK_KINDS = ("webhook", "slack")


def ref_channels(spec: Spec, ref: ChannelRef) -> list[ChannelKey]:
    """Where Azure delivers one notify entry: an entry per email address, or its URL."""
    kind, raw = channel_of(spec, ref)
    if kind == "email":
        to = raw.get("to", [])
        return [("email", str(t)) for t in ([to] if isinstance(to, str) else to)]
    if kind in HOOK_KINDS:
        return [(kind, str(raw.get("url" if kind == "webhook" else "webhook_url", "")))]
    return []  # log: nothing to create on Azure


def delivered_channels(spec: Spec, alert: Alert) -> list[ChannelKey]:
    """Where Azure would deliver this alert, in the spec's order, each once."""
    keys: list[ChannelKey] = []
    for ref in alert.notify:
        keys.extend(key for key in ref_channels(spec, ref) if key not in keys)
    return keys


def _written(alert: Alert, spec: Spec | None = None, only: set[ChannelKey] | None = None) -> str:
    """The alert's notify entries as the spec writes them (those reaching ``only``), for messages."""
    names = [
        ref if isinstance(ref, str) else f"an inline {ref.type} channel"
        for ref in alert.notify
        if only is None or spec is None or set(ref_channels(spec, ref)) & only
    ]
    return ", ".join(names)


class _Collector:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.problems: list[Problem] = []

    def add(self, path: Path, message: str) -> None:
        source = self.spec.source
        self.problems.append(source.problem(path, message) if source is not None else Problem(path, message))


def azure_problems(spec: Spec, settings: AzureSettings) -> list[Problem]:
    """Every reason the spec cannot become Azure ML monitors as written."""
    found = _Collector(spec)
    if settings.backend == "dataset-monitor":
        found.add(
            ("providers", "azure", "backend"),
            "the v1 dataset-monitor service (azureml-datadrift) was retired on 2025-09-01 and cannot "
            "be deployed to any more; use backend: model-monitor, and `driftplane azure import-v1` to "
            "turn existing v1 monitors into this spec format",
        )
        return found.problems
    for name in settings.monitors:
        if name not in spec.monitors:
            found.add(
                ("providers", "azure", "monitors", name),
                f"no monitor named '{name}' in the spec (monitors: {', '.join(spec.monitors)})",
            )
    for name, monitor in spec.monitors.items():
        _check_monitor(found, settings, name, monitor)
    return found.problems


def _explicit(model: Any, key: str) -> bool:
    return key in model.model_fields_set


def _check_monitor(found: _Collector, settings: AzureSettings, name: str, monitor: Monitor) -> None:
    base: Path = ("monitors", name)
    azure = settings.for_monitor(name)
    drift, quality = monitor.checks.drift, monitor.checks.quality
    if not drift.enabled and not quality.enabled:
        found.add(base + ("checks",), "Azure ML needs at least one signal; enable checks.drift or checks.quality")

    # Data: baseline and target.
    baseline = monitor.baseline
    if baseline.statistics is not None:
        found.add(
            base + ("baseline", "statistics"),
            "Azure ML computes its reference from data, not from a SageMaker statistics.json; "
            "give baseline.data (a data asset or URI) instead",
        )
    if baseline.data is not None:
        try:
            parse_data_ref(baseline.data, local_allowed=settings.data == "upload")
        except DataRefError as exc:
            hint = "" if settings.data == "upload" else " (or set providers.azure.data: upload to upload local files)"
            found.add(base + ("baseline", "data"), f"{exc}{hint}")
        else:
            local = parse_data_ref(baseline.data, local_allowed=True).kind == "local"
            if local and azure.baseline_type not in (None, "mltable"):
                found.add(
                    ("providers", "azure", "monitors", name, "baseline_type"),
                    f"a local baseline is uploaded and registered as an mltable (a folder with an MLTable "
                    f"file), not {azure.baseline_type}; remove baseline_type",
                )
    if baseline.window is not None:
        for key in ("start", "end"):
            value = getattr(baseline.window, key)
            if (value.hour, value.minute, value.second, value.microsecond) != (0, 0, 0, 0):
                found.add(
                    base + ("baseline", "window", key),
                    f"Azure ML reference windows are whole days (YYYY-MM-DD); {value.isoformat()} "
                    "is not midnight UTC",
                )
    target = monitor.target
    if target.data is not None:
        try:
            parse_data_ref(target.data, local_allowed=False)
        except DataRefError as exc:
            found.add(base + ("target", "data"), str(exc))
    if target.endpoint is not None:
        try:
            parse_endpoint(target.endpoint)
        except ValueError as exc:
            found.add(base + ("target", "endpoint"), str(exc))
    if target.window is not None and not isinstance(target.window, Duration):
        found.add(
            base + ("target", "window"),
            "Azure ML production data is always a trailing window before each run; write a duration "
            "such as 1d (a fixed {start, end} works for baseline.window only)",
        )
    if target.format == "sagemaker-capture":
        found.add(
            base + ("target", "format"),
            "Azure ML does not read SageMaker capture files; point target.endpoint at an Azure ML "
            "deployment with data collection, or target.data at an mltable asset",
        )
    if target.timestamp_column is not None:
        found.add(
            base + ("target", "timestamp_column"),
            "Azure ML takes each row's time from the mltable asset's own definition; remove "
            "timestamp_column and declare the timestamp in the MLTable file",
        )
    for side in ("baseline", "target"):
        source = getattr(monitor, side)
        if source.storage_options:
            found.add(
                base + (side, "storage_options"),
                "Azure ML jobs reach data with the workspace's datastore credentials; storage_options "
                "cannot be passed on, remove them",
            )
    if (azure.target_type in ("uri_folder", "uri_file")) and not azure.preprocessing_component:
        found.add(
            ("providers", "azure", "monitors", name, "target_type"),
            f"a {azure.target_type} target needs a preprocessing_component that turns each window into "
            "an mltable; or register the data as an mltable asset",
        )
    if azure.top_n_features is not None and azure.target_column is None:
        found.add(
            ("providers", "azure", "monitors", name, "top_n_features"),
            "Azure ranks features by importance for the label; set target_column too",
        )

    # Features.
    features = monitor.features
    if features.exclude and features.include is None:
        found.add(
            base + ("features", "exclude"),
            "Azure ML monitors all features or a named list and cannot exclude columns; list the "
            "features to watch under features.include instead",
        )

    # Drift.
    drift_path = base + ("checks", "drift")
    if drift.enabled:
        if drift.numerical.metric not in NUMERICAL_METRICS:
            found.add(
                drift_path + ("numerical", "metric"),
                f"Azure ML has no '{drift.numerical.metric}' metric for numerical features; it offers "
                f"{', '.join(NUMERICAL_METRICS)}{_P_VALUE_NOTE.get(drift.numerical.metric, '')}",
            )
        if drift.categorical.metric not in CATEGORICAL_METRICS:
            found.add(
                drift_path + ("categorical", "metric"),
                f"Azure ML has no '{drift.categorical.metric}' metric for categorical features; it offers "
                f"{', '.join(CATEGORICAL_METRICS)}{_P_VALUE_NOTE.get(drift.categorical.metric, '')}",
            )
        for feature, rule in drift.features.items():
            for key in ("metric", "threshold"):
                if getattr(rule, key) is not None:
                    found.add(
                        drift_path + ("features", feature, key),
                        f"Azure ML applies one {key} per feature kind (numerical, categorical), not per "
                        "feature; remove it or set it under checks.drift.numerical/categorical",
                    )
            if not rule.enabled and features.include is None:
                found.add(
                    drift_path + ("features", feature, "enabled"),
                    "Azure ML cannot leave out one feature unless the features are listed; list the "
                    "features to watch under features.include",
                )
        if _explicit(drift, "noise_correction") and drift.noise_correction:
            found.add(
                drift_path + ("noise_correction",),
                "Azure ML compares each metric with the fixed threshold and has no small-sample "
                "correction; set noise_correction: false",
            )
        if _explicit(drift, "bins"):
            found.add(drift_path + ("bins",), "Azure ML chooses its own histogram bins; remove bins")
        if drift.classifier:
            found.add(
                drift_path + ("classifier",),
                "Azure ML v2 has no domain-classifier drift magnitude (that was the retired v1 "
                "service); remove classifier",
            )

    # Quality.
    quality_path = base + ("checks", "quality")
    if quality.enabled:
        for key, why in (
            ("comparison_method", "SageMaker's baseline_drift_check"),
            ("comparison_threshold", "SageMaker's baseline_drift_check"),
            ("categorical_comparison_threshold", "SageMaker's baseline_drift_check"),
        ):
            if _explicit(quality, key):
                found.add(
                    quality_path + (key,),
                    f"{key} configures {why}, which Azure ML does not run; its data-quality signal "
                    "checks null value rate, data type error rate and out-of-bounds rate",
                )
        if _explicit(quality, "columns") and quality.columns:
            found.add(
                quality_path + ("columns",),
                "Azure ML's data-quality signal has no missing or extra column check; set columns: false",
            )

    # Alerts.
    for index, alert in enumerate(monitor.alerts):
        _check_alert(found, monitor, base + ("alerts", index), alert)
    _check_routing(found, name, monitor)


def _check_routing(found: _Collector, name: str, monitor: Monitor) -> None:
    """Azure notifies one set of channels per monitor: refuse specs that route alerts apart.

    Azure ML emails one address list whenever a signal with alerts breaches or a job fails,
    and webhooks and Slack hang off one alert rule on the monitor's failed runs, which a
    breach of any signal and a failed job both produce. So every alert of a monitor must
    notify the same channels. Notifications Azure sends beyond what the alerts ask for are
    logged as a warning.
    """
    alerts = monitor.alerts
    if not alerts:
        return
    base: Path = ("monitors", name, "alerts")
    first = set(delivered_channels(found.spec, alerts[0]))
    apart = False
    for index, alert in enumerate(alerts[1:], start=1):
        here = set(delivered_channels(found.spec, alert))
        if here == first:
            continue
        apart = True
        extra = []
        if here - first:
            extra.append(f"{_written(alert, found.spec, here - first)} would also get alerts[0]'s {alerts[0].when} notifications")
        if first - here:
            extra.append(f"{_written(alerts[0], found.spec, first - here)} would also get this alert's {alert.when} notifications")
        found.add(
            base + (index, "notify"),
            "Azure ML sends all of a monitor's notifications to one set of channels (one email list, one "
            f"action group for webhooks and Slack), so {' and '.join(extra)}. Give every alert of monitor "
            f"'{name}' the same notify list, or split it into two monitors (one with checks.quality "
            "disabled, one with checks.drift disabled), each with its own alerts",
        )
    if apart or not first:
        return
    asked = {alert.when for alert in alerts}
    hooks = any(kind in HOOK_KINDS for kind, _ in first)
    unasked: list[tuple[str, str]] = []
    if "failure" not in asked:
        unasked.append(("failure", "a monitoring job fails (Azure ML always notifies failed jobs)"))
    if hooks and monitor.checks.drift.enabled and "drift" not in asked:
        unasked.append(("drift", "features drift (the webhook rule fires on every failed run, drift included)"))
    if hooks and monitor.checks.quality.enabled and "violation" not in asked:
        unasked.append(
            ("violation", "data-quality thresholds are breached (the webhook rule fires on every failed run, "
             "data-quality breaches included)")
        )
    if unasked:
        # More than asked for, not misrouted: say so plainly, but a spec that runs on the local
        # provider must not need extra lines to run on Azure.
        whens = " and ".join(f"when: {when}" for when, _ in unasked)
        logger.warning(
            "monitor %s: on Azure, %s will also be notified when %s, which no alert of the monitor asks "
            "for; add alerts with %s and the same notify list to say so in the spec",
            name,
            _written(alerts[0]),
            "; and when ".join(why for _, why in unasked),
            whens,
        )


def _check_alert(found: _Collector, monitor: Monitor, path: Path, alert: Alert) -> None:
    if alert.when == "metric":
        found.add(
            path + ("when",),
            "Azure ML alerts when a signal breaches its thresholds, not on one feature's metric value; "
            "use when: drift with the threshold under checks.drift",
        )
    if alert.when == "drift":
        if not monitor.checks.drift.enabled:
            found.add(path + ("when",), "alerts on drift but checks.drift is disabled")
        if alert.min_features > 1:
            found.add(
                path + ("min_features",),
                "Azure ML alerts as soon as one feature breaches its threshold; remove min_features",
            )
        if alert.features:
            found.add(
                path + ("features",),
                "Azure ML alerts on any monitored feature; narrow features.include instead",
            )
    if alert.when == "violation":
        if not monitor.checks.quality.enabled:
            found.add(path + ("when",), "alerts on violations but checks.quality is disabled")
        if alert.check_types:
            found.add(
                path + ("check_types",),
                "Azure ML alerts on any breached data-quality metric of the signal; remove check_types",
            )
    _check_channels(found, path, alert.notify)


def _check_channels(found: _Collector, path: Path, refs: Iterable[ChannelRef]) -> None:
    for n, ref in enumerate(refs):
        kind, _ = channel_of(found.spec, ref)
        if kind not in AZURE_CHANNELS:
            found.add(
                path + ("notify", n),
                f"the azure provider cannot deliver to '{kind}' channels; it sends email through Azure "
                "ML and webhook or Slack through an Azure Monitor action group",
            )
