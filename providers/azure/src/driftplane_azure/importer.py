"""Existing Azure monitors as a driftplane spec: v2 schedules, and the retired v1 dataset monitors.

Each importer returns the spec as plain data plus notes: one line for every setting that
has no driftplane equivalent, so a migration never loses something quietly. The notes go
at the top of the written YAML as comments.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML

from driftplane.spec.models import NAME_PATTERN
from driftplane_azure.clients import PLACEHOLDERS, WorkspaceScope
from driftplane_azure.data_refs import ASSET
from driftplane_azure.names import MONITOR_TAG
from driftplane_azure.translate import AZURE_P_VALUE_METRICS, metric_from_azure

# azure-ai-ml signal classes driftplane makes from a monitor's model, not from imported settings.
MODEL_QUALITY_SIGNALS = ("ModelPerformanceSignal", "PredictionDriftSignal")

_ARM_DATA = re.compile(r"/data/(?P<name>[^/]+)/versions/(?P<version>[^/]+)$")
_ARM_COMPONENT = re.compile(r"/components/(?P<name>[^/]+)/versions/(?P<version>[^/]+)$")
_ARM_DEPLOYMENT = re.compile(r"onlineEndpoints/(?P<e>[^/]+)/deployments/(?P<d>[^/]+)$")
# What an import writes for a workspace it was not told: the spec fails to load, naming the
# variable, until the user exports it (a literal placeholder would pass until apply).
ENVIRONMENT = {
    "subscription_id": "${AZURE_SUBSCRIPTION_ID}",
    "resource_group": "${AZURE_RESOURCE_GROUP}",
    "workspace": "${AZURE_ML_WORKSPACE}",
}
# The data-quality checks Azure's signal does not run, written off (see checks.py).
AZURE_QUALITY = {
    "completeness": False,
    "columns": False,
    "comparison_threshold": 1,
    "categorical_comparison_threshold": 1,
}
_WEEKDAY_NUMBERS = {"sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6}


@dataclass
class Imported:
    """A spec as data, and what did not carry over."""

    monitors: dict[str, Any] = field(default_factory=dict)
    azure_monitors: dict[str, Any] = field(default_factory=dict)
    channels: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def spec(self, scope: WorkspaceScope) -> dict[str, Any]:
        settings: dict[str, Any] = {
            key: ENVIRONMENT[key] if value == PLACEHOLDERS[key] else value
            for key, value in (
                ("subscription_id", scope.subscription_id),
                ("resource_group", scope.resource_group),
                ("workspace", scope.workspace),
            )
        }
        settings["data"] = "as-is"
        if self.azure_monitors:
            settings["monitors"] = self.azure_monitors
        out: dict[str, Any] = {"provider": "azure", "providers": {"azure": settings}}
        if self.channels:
            out["channels"] = self.channels
        out["monitors"] = self.monitors
        return out

    def to_yaml(self, scope: WorkspaceScope, *, source: str, origin: str | None = None) -> str:
        """The spec as YAML, the notes as comments above it; ``origin`` says where it came from
        when not from the workspace (e.g. ``file datadrifts.json``)."""
        yaml = YAML()
        yaml.default_flow_style = False
        yaml.width = 100
        stream = io.StringIO()
        yaml.dump(self.spec(scope), stream)
        header = [f"# Imported by `driftplane azure {source}` from {origin or f'workspace {scope.workspace}'}."]
        if self.notes:
            header.append("# What did not carry over (read before applying):")
            header.extend(f"#   - {note}" for note in self.notes)
        else:
            header.append("# Everything carried over.")
        return "\n".join(header) + "\n" + stream.getvalue()


def monitor_name(text: str, taken: dict[str, Any]) -> str:
    """A valid, unused driftplane monitor name for an Azure name."""
    name = re.sub(r"[^A-Za-z0-9_-]", "-", text).strip("-_")[:63] or "monitor"
    if not NAME_PATTERN.match(name):
        name = f"m-{name}"[:63]
    base, n = name, 2
    while name in taken:
        name = f"{base[:60]}-{n}"
        n += 1
    return name


def asset_ref(uri: str | None) -> str | None:
    """An ARM data id or azureml reference as azureml:NAME:VERSION (URIs as they are)."""
    if not uri:
        return None
    match = _ARM_DATA.search(uri)
    if match:
        return f"azureml:{match.group('name')}:{match.group('version')}"
    if ASSET.match(uri) or uri.startswith("azureml://") or "://" in uri:
        return uri
    if uri.startswith("azureml:"):
        return uri
    return f"azureml:{uri}"


def _component_ref(value: str | None) -> str | None:
    if not value:
        return None
    match = _ARM_COMPONENT.search(value)
    return f"azureml:{match.group('name')}:{match.group('version')}" if match else value


def _duration(iso_text: str | None) -> str | None:
    """Azure's P1D / PT1H as driftplane writes durations (P0D is none)."""
    if not iso_text or iso_text in ("P0D", "PT0S", "PT0H"):
        return None
    return str(iso_text)


def schedule_text(trigger: Any, notes: list[str], name: str) -> str:
    """A driftplane schedule for an azure-ai-ml trigger."""
    kind = type(trigger).__name__
    if kind == "CronTrigger":
        expression = " ".join(str(trigger.expression).split())
        return "hourly" if expression == "0 * * * *" else expression
    frequency = str(getattr(trigger, "frequency", "day")).lower()
    interval = int(getattr(trigger, "interval", 1) or 1)
    pattern = getattr(trigger, "schedule", None)
    hours = list(getattr(pattern, "hours", None) or [0]) if pattern else [0]
    minutes = list(getattr(pattern, "minutes", None) or [0]) if pattern else [0]
    hours_text = ",".join(str(h) for h in (hours if isinstance(hours, list) else [hours]))
    minutes_text = ",".join(str(m) for m in (minutes if isinstance(minutes, list) else [minutes]))
    if interval != 1:
        notes.append(
            f"{name}: Azure ran every {interval} {frequency}s; driftplane schedules are cron, "
            f"so it runs every {frequency} — adjust the cron expression if that matters"
        )
    if frequency in ("minute",):
        notes.append(f"{name}: a per-minute recurrence became hourly")
        return "hourly"
    if frequency == "hour":
        if pattern is None or not getattr(pattern, "minutes", None):
            notes.append(f"{name}: Azure ran it hourly at the minute the schedule was created; hourly runs at minute 0")
        elif minutes_text != "0":
            return f"{minutes_text} * * * *"
        return "hourly"
    if frequency == "day":
        return "daily" if (hours_text, minutes_text) == ("0", "0") else f"{minutes_text} {hours_text} * * *"
    if frequency == "week":
        days = getattr(pattern, "week_days", None) or ["monday"]
        numbers = ",".join(str(_WEEKDAY_NUMBERS.get(str(d).lower(), 1)) for d in days)
        if (hours_text, minutes_text, numbers) == ("0", "0", "1"):
            return "weekly"
        return f"{minutes_text} {hours_text} * * {numbers}"
    if frequency == "month":
        month_days = getattr(pattern, "month_days", None) or [1]
        return f"{minutes_text} {hours_text} {','.join(str(d) for d in month_days)} * *"
    notes.append(f"{name}: unknown recurrence '{frequency}' became daily")
    return "daily"


# --- v2 schedules -----------------------------------------------------------------------------------


def import_schedules(schedules: list[Any]) -> Imported:
    """azure-ai-ml MonitorSchedules as driftplane monitors."""
    out = Imported()
    for schedule in schedules:
        create_monitor = getattr(schedule, "create_monitor", None)
        if create_monitor is None:
            out.notes.append(f"{schedule.name}: not a monitor schedule (a job schedule); skipped")
            continue
        tags = getattr(schedule, "tags", None) or {}
        name = monitor_name(tags.get(MONITOR_TAG) or schedule.name, out.monitors)
        _import_schedule(out, name, schedule)
    return out


def _input_of(data: Any) -> tuple[str | None, str | None]:
    if data is None:
        return None, None
    input_data = getattr(data, "input_data", None)
    return asset_ref(getattr(input_data, "path", None)), getattr(input_data, "type", None)


def _import_schedule(out: Imported, name: str, schedule: Any) -> None:
    from azure.ai.ml.entities import DataDriftSignal, DataQualitySignal

    notes = out.notes
    definition = schedule.create_monitor
    monitor: dict[str, Any] = {}
    if schedule.description:
        monitor["description"] = schedule.description
    azure: dict[str, Any] = {}
    if schedule.name != name:
        azure["schedule_name"] = schedule.name
    signals = definition.monitoring_signals or {}
    drift = next((s for s in signals.values() if isinstance(s, DataDriftSignal)), None)
    quality = next((s for s in signals.values() if isinstance(s, DataQualitySignal)), None)
    for signal_name, signal in signals.items():
        if signal is drift or signal is quality:
            continue
        kind = type(signal).__name__
        if kind in MODEL_QUALITY_SIGNALS:
            notes.append(
                f"{name}: signal '{signal_name}' ({kind}) was not imported: it is model quality, and Azure does "
                "not record what driftplane needs to know of the model (problem_type, its prediction and id "
                "columns); declare model, labels and checks.performance (docs/providers/azure.md, Model quality) "
                "and driftplane makes the signal"
            )
            continue
        notes.append(f"{name}: signal '{signal_name}' ({kind}) has no driftplane equivalent and was not imported")
    extra = [
        s
        for s in signals.values()
        if isinstance(s, DataDriftSignal | DataQualitySignal) and s is not drift and s is not quality
    ]
    if extra:
        notes.append(f"{name}: only the first data drift and data quality signal were imported ({len(extra)} more)")

    target = definition.monitoring_target
    if target is not None and target.endpoint_deployment_id:
        match = _ARM_DEPLOYMENT.search(target.endpoint_deployment_id)
        endpoint = (
            f"{match.group('e')}:{match.group('d')}"
            if match
            else target.endpoint_deployment_id.removeprefix("azureml:")
        )
        monitor.setdefault("target", {})["endpoint"] = endpoint
        if target.ml_task and str(target.ml_task).lower() != "classification":
            azure["ml_task"] = str(target.ml_task).lower()

    main = drift or quality
    if main is None:
        notes.append(
            f"{name}: no data drift or data quality signal (out-of-box monitoring relies on the "
            "deployment); imported with drift and quality defaults, baseline = the target one day earlier"
        )
        monitor.setdefault("target", {})
        monitor["baseline"] = {"lag": "1d"}
    else:
        _import_data(monitor, azure, main, name, notes)
    monitor["schedule"] = schedule_text(schedule.trigger, notes, name)

    checks: dict[str, Any] = {}
    if drift is not None:
        checks["drift"] = _drift_checks(drift, name, notes, monitor, azure)
    elif main is not None:
        checks["drift"] = {"enabled": False}
    else:  # Azure's default signals: fixed thresholds, no checks Azure does not run
        checks["drift"] = {"noise_correction": False}
    if quality is not None:
        checks["quality"] = _quality_checks(quality, name, notes, azure)
    elif main is not None:
        checks["quality"] = {"enabled": False}
    else:
        checks["quality"] = dict(AZURE_QUALITY)
    monitor["checks"] = checks

    notification = definition.alert_notification
    alerts: list[dict[str, Any]] = []
    if isinstance(notification, str):
        notes.append(
            f"{name}: Azure Monitor alert notification ('{notification}') "
            "is not imported; add webhook or email channels"
        )
    elif notification is not None and getattr(notification, "emails", None):
        channel = f"{name}-email"
        out.channels[channel] = {"type": "email", "to": list(notification.emails)}
        if drift is not None and drift.alert_enabled:
            alerts.append({"when": "drift", "notify": [channel]})
        if quality is not None and quality.alert_enabled:
            alerts.append({"when": "violation", "notify": [channel]})
        alerts.append({"when": "failure", "notify": [channel]})
    if alerts:
        monitor["alerts"] = alerts
    if getattr(schedule, "_is_enabled", None) is False:
        monitor["enabled"] = False
    user_tags = {k: v for k, v in (schedule.tags or {}).items() if k not in (MONITOR_TAG, "managed-by")}
    if user_tags:
        monitor["tags"] = user_tags
    out.monitors[name] = monitor
    if azure:
        out.azure_monitors[name] = azure


def _import_data(monitor: dict[str, Any], azure: dict[str, Any], signal: Any, name: str, notes: list[str]) -> None:
    production = signal.production_data
    reference = signal.reference_data
    target = monitor.setdefault("target", {})
    if production is not None:
        path, kind = _input_of(production)
        if not target.get("endpoint") or path:
            target["data"] = path
        if kind and kind != "mltable":
            azure["target_type"] = kind
        component = _component_ref(getattr(production, "pre_processing_component", None))
        if component:
            azure["preprocessing_component"] = component
        window = getattr(production, "data_window", None)
        if window is not None:
            size = _duration(getattr(window, "lookback_window_size", None))
            if size:
                target["window"] = size
            offset = _duration(getattr(window, "lookback_window_offset", None))
            if offset:
                target["latency"] = offset
    baseline: dict[str, Any] = {}
    if reference is not None:
        path, kind = _input_of(reference)
        window = getattr(reference, "data_window", None)
        same_as_target = path is not None and path == target.get("data")
        if window is not None and getattr(window, "lookback_window_offset", None) and same_as_target:
            baseline["lag"] = _duration(window.lookback_window_offset) or "1d"
            if target.get("latency"):
                notes.append(f"{name}: the reference offset includes the target's latency; check baseline.lag")
        else:
            baseline["data"] = path
            if kind and kind != "mltable":
                azure["baseline_type"] = kind
            if window is not None and getattr(window, "window_start", None) and getattr(window, "window_end", None):
                baseline["window"] = {"start": str(window.window_start), "end": str(window.window_end)}
            elif window is not None and getattr(window, "lookback_window_size", None):
                notes.append(
                    f"{name}: a trailing reference window over other data ({path}) "
                    "has no driftplane equivalent; the whole asset is the baseline"
                )
        columns = getattr(reference, "data_column_names", None) or {}
        if columns.get("target_column"):
            azure["target_column"] = columns["target_column"]
    else:
        notes.append(
            f"{name}: no reference data (Azure uses the deployment's own "
            "earlier inputs); baseline = the target one day earlier"
        )
        baseline["lag"] = "1d"
    monitor["baseline"] = baseline
    if "data" not in target and "endpoint" not in target:
        notes.append(f"{name}: no production data found; fill in target.data")
        target["data"] = "REPLACE-with-azureml:NAME:VERSION"


def _features(
    signal: Any, monitor: dict[str, Any], azure: dict[str, Any], name: str, notes: list[str], *, drift: bool
) -> None:
    features = getattr(signal, "features", None)
    if isinstance(features, list) and features:
        monitor.setdefault("features", {})["include"] = list(features)
    elif features is not None and getattr(features, "top_n_feature_importance", None):
        if drift:
            azure["top_n_features"] = int(getattr(features, "top_n_feature_importance"))  # noqa: B009
        else:
            notes.append(f"{name}: the quality signal's top-N feature selection was not imported")
    overrides = getattr(signal, "feature_type_override", None) or {}
    for column, kind in overrides.items():
        key = "categorical" if str(kind).lower().startswith("cat") else "numerical"
        listed = monitor.setdefault("features", {}).setdefault(key, [])
        if column not in listed:
            listed.append(column)


def _drift_checks(
    signal: Any, name: str, notes: list[str], monitor: dict[str, Any], azure: dict[str, Any]
) -> dict[str, Any]:
    _features(signal, monitor, azure, name, notes, drift=True)
    checks: dict[str, Any] = {"noise_correction": False}
    thresholds = signal.metric_thresholds
    for kind in ("numerical", "categorical"):
        metrics = getattr(thresholds, kind, None) if thresholds is not None else None
        if metrics is None:
            continue
        chosen = [(k, v) for k, v in vars(metrics).items() if v and metric_from_azure(k) is not None]
        for test, value in vars(metrics).items():
            if test in AZURE_P_VALUE_METRICS and value:
                notes.append(
                    f"{name}: {kind} {test} {value:g} was not imported: Azure reads it as a p-value (drift when it "
                    "falls below the threshold) and driftplane decides with distances (drift above it); "
                    f"set a distance and its threshold under checks.drift.{kind}"
                )
        if chosen:
            metric, value = chosen[0]
            checks[kind] = {"metric": metric_from_azure(metric), "threshold": float(value)}
            for other, _ in chosen[1:]:
                notes.append(f"{name}: {kind} {other} was ignored; Azure applies one metric per feature kind")
    if not signal.alert_enabled:
        notes.append(f"{name}: the drift signal did not alert; no drift alert was added")
    return checks


def _quality_checks(signal: Any, name: str, notes: list[str], azure: dict[str, Any]) -> dict[str, Any]:
    """checks.quality that maps to the signal's thresholds, plus Azure-only overrides for the rest.

    Data types and values outside the baseline's categories map to driftplane's checks; Azure's
    null value rates do not (driftplane's completeness is relative to the baseline), so they
    stay Azure-only quality_thresholds, and the checks Azure does not run are written off.
    """
    thresholds = signal.metric_thresholds
    actual: dict[str, dict[str, float | None]] = {}
    for kind in ("numerical", "categorical"):
        metrics = getattr(thresholds, kind, None) if thresholds is not None else None
        actual[kind] = {
            key: getattr(metrics, key, None)
            for key in ("null_value_rate", "data_type_error_rate", "out_of_bounds_rate")
        }
    types = [actual[k]["data_type_error_rate"] for k in actual if actual[k]["data_type_error_rate"] is not None]
    bounds = actual["categorical"]["out_of_bounds_rate"]
    checks: dict[str, Any] = {
        **AZURE_QUALITY,
        "data_type_threshold": round(1 - float(types[0] or 0), 6) if types else 0.0,
        "domain_content_threshold": round(1 - float(bounds), 6) if bounds is not None else 0.0,
    }
    mapped_type = None if not types else float(types[0] or 0)
    mapped = {
        "numerical": {"null_value_rate": None, "data_type_error_rate": mapped_type, "out_of_bounds_rate": None},
        "categorical": {
            "null_value_rate": None,
            "data_type_error_rate": mapped_type,
            "out_of_bounds_rate": None if bounds is None else float(bounds),
        },
    }
    overrides: dict[str, dict[str, float | None]] = {}
    for kind, metrics in actual.items():
        for metric, value in metrics.items():
            if value != mapped[kind][metric]:
                overrides.setdefault(kind, {})[metric] = value
    if overrides:
        azure["quality_thresholds"] = overrides
    return checks


# --- v1 dataset monitors --------------------------------------------------------------------------


def _v1_data(
    raw: dict[str, Any], side: str, key: str, name: str, datasets: dict[str, str], notes: list[str]
) -> str:
    """The v2 data asset of a v1 dataset id: given, named in the resource, or a placeholder to fix."""
    dataset_id = str(raw.get(f"{key}Id") or "")
    if dataset_id in datasets:
        return datasets[dataset_id]
    named = raw.get(f"{key}Name")
    if named:
        return f"azureml:{named}:{raw.get(f'{key}Version') or '1'}"
    notes.append(
        f"{name}: v1 {side} dataset {dataset_id or '(none)'} has no v2 data asset given; pass "
        f"--dataset {dataset_id or 'ID'}=azureml:NAME:VERSION or edit monitors.{name}.{side}.data"
    )
    return f"REPLACE-with-the-data-asset-of-v1-dataset-{dataset_id or 'unknown'}"


V1_FREQUENCIES = {"day": "daily", "week": "weekly", "month": "0 0 1 * *"}
# The fields of a v1 datadrifts REST resource import_v1 reads (id and type identify it).
V1_FIELDS = (
    "id", "name", "type", "state", "frequency", "interval", "jobLatency", "features", "driftThreshold",
    "baseDatasetId", "baseDatasetName", "baseDatasetVersion", "targetDatasetId", "targetDatasetName",
    "targetDatasetVersion", "computeTargetName", "alertConfiguration",
)  # fmt: skip
V1_ALERT_FIELDS = ("emailAddresses",)


def _unread_v1_fields(raw: dict[str, Any]) -> list[str]:
    """The input fields import_v1 does not read, each with the field it reads when one is close."""
    import difflib

    out = []
    for key in raw:
        if key in V1_FIELDS:
            continue
        close = difflib.get_close_matches(key, V1_FIELDS, n=1, cutoff=0.5) or [
            f for f in V1_FIELDS if key.lower() in f.lower() and f not in raw
        ][:1]
        out.append(f"{key} (did you mean {close[0]}?)" if close and close[0] not in raw else key)
    alerts = raw.get("alertConfiguration")
    if isinstance(alerts, dict):
        out += [f"alertConfiguration.{key}" for key in alerts if key not in V1_ALERT_FIELDS]
    return out


def import_v1(monitors: list[dict[str, Any]], datasets: dict[str, str] | None = None) -> Imported:
    """v1 ``datadrifts`` REST resources as driftplane monitors for the v2 service.

    ``datasets`` maps v1 dataset ids to the v2 data assets (azureml:NAME:VERSION) they are
    registered as; ids without one are left for the user to fill in.
    """
    datasets = datasets or {}
    out = Imported()
    for raw in monitors:
        v1_name = str(raw.get("name") or raw.get("id") or "v1-monitor")
        name = monitor_name(v1_name, out.monitors)
        notes = out.notes
        monitor: dict[str, Any] = {}

        monitor["baseline"] = {"data": _v1_data(raw, "baseline", "baseDataset", name, datasets, notes)}
        target: dict[str, Any] = {"data": _v1_data(raw, "target", "targetDataset", name, datasets, notes)}
        latency = raw.get("jobLatency")
        if latency:
            target["latency"] = f"{int(latency)}h"
        unread = _unread_v1_fields(raw)
        if unread:
            notes.append(
                f"{name}: input fields not carried over: {', '.join(unread)} (import-v1 reads the v1 datadrifts REST "
                "resource's fields; see docs/providers/azure.md)"
            )
        frequency = str(raw.get("frequency") or "Day").lower()
        interval = raw.get("interval")
        if isinstance(interval, int | float) and interval > 1:
            notes.append(
                f"{name}: v1 ran every {interval:g} {frequency}s; imported "
                f"as every {frequency} (adjust the schedule's cron)"
            )
        schedule = V1_FREQUENCIES.get(frequency)
        if schedule is None:
            notes.append(f"{name}: v1 frequency '{raw.get('frequency')}' is unknown; imported as daily")
            schedule = "daily"
        if frequency == "week":
            notes.append(
                f"{name}: v1 weekly runs read the last full Monday-Sunday; "
                "the v2 schedule reads the 7 days before each Monday run"
            )
        if frequency == "month":
            notes.append(
                f"{name}: v1 monthly runs read the last full month; the v2 schedule reads the 30 days before the 1st"
            )
        target["window"] = {"day": "1d", "week": "7d", "month": "30d"}.get(frequency, "1d")
        monitor["target"] = target
        monitor["schedule"] = schedule
        features = raw.get("features")
        if features:
            monitor["features"] = {"include": list(features)}
        threshold = raw.get("driftThreshold")
        drift: dict[str, Any] = {"noise_correction": False}
        if threshold is not None:
            value = float(threshold)
            if value > 0:
                drift["numerical"] = {"metric": "normalized_wasserstein", "threshold": value}
                drift["categorical"] = {"metric": "jensen_shannon", "threshold": value}
            notes.append(
                f"{name}: v1 drift_threshold {value:g} applied to one dataset-level drift magnitude (a "
                "classifier's Matthews correlation); v2 decides per feature, so it became the per-feature "
                "threshold of both kinds as a starting point. Review it against a few runs"
            )
        monitor["checks"] = {"drift": drift, "quality": {"enabled": False}}
        emails = (raw.get("alertConfiguration") or {}).get("emailAddresses") or []
        if emails:
            channel = f"{name}-email"
            out.channels[channel] = {"type": "email", "to": list(emails)}
            # v2 emails the same list when a monitoring job fails; the spec says so.
            monitor["alerts"] = [{"when": "drift", "notify": [channel]}, {"when": "failure", "notify": [channel]}]
        compute = raw.get("computeTargetName")
        if compute:
            notes.append(
                f"{name}: v1 compute target '{compute}' is not used; v2 monitors "
                "run on serverless Spark (providers.azure.instance_type)"
            )
        state = str(raw.get("state") or "")
        if state and state.lower() not in ("enabled", "enabling"):
            monitor["enabled"] = False
            notes.append(f"{name}: the v1 monitor was {state}; imported as enabled: false")
        notes.append(
            f"{name}: v1 also computed a dataset-level drift magnitude and per-feature contributions; v2 has "
            "no equivalent (driftplane's local provider offers checks.drift.classifier)"
        )
        out.monitors[name] = monitor
    return out


def fetch_v1_monitors(session: Any) -> list[dict[str, Any]]:
    """The ``datadrifts`` resources of the workspace, read from its regional v1 API (no v1 SDK)."""
    from azure.core.rest import HttpRequest

    from driftplane.errors import ProviderError
    from driftplane_azure.clients import pipeline_client
    from driftplane_azure.errors import azure_errors

    scope = session.scope
    with azure_errors("reading the workspace's discovery URL", workspace=scope.workspace):
        workspace = session.ml.workspaces.get(scope.workspace)
    discovery = getattr(workspace, "discovery_url", None)
    if not discovery:
        raise ProviderError(f"workspace '{scope.workspace}' reports no discovery URL, so its v1 API cannot be found")
    client = pipeline_client(session.settings)

    def get(url: str) -> Any:
        from azure.core.exceptions import HttpResponseError

        response = client.send_request(HttpRequest("GET", url, headers={"Accept": "application/json"}))
        if response.status_code >= 400:
            raise HttpResponseError(response=response)
        return response.json()

    with azure_errors("reading the v1 API location", workspace=scope.workspace):
        api = str(get(discovery).get("api") or "").rstrip("/")
    url = (
        f"{api}/datadrift/v1.0/subscriptions/{scope.subscription_id}/resourceGroups/{scope.resource_group}"
        f"/providers/Microsoft.MachineLearningServices/workspaces/{scope.workspace}/datadrifts"
    )
    with azure_errors("listing v1 dataset monitors (datadrifts)", workspace=scope.workspace):
        payload = get(url)
    items = payload.get("value", payload) if isinstance(payload, dict) else payload
    return [item for item in (items or []) if isinstance(item, dict)]
