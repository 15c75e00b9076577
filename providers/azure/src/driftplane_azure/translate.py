"""A driftplane Monitor as an azure-ai-ml MonitorSchedule, built with the SDK's own entities.

The SDK serializes the entities (``_to_rest_object``), so the body driftplane plans is the
body azure-ai-ml sends. Its quirks shape what is built here: one non-zero metric per
feature kind, explicit signals always (the SDK cannot serialize a definition without them),
explicit windows (so the SDK's trigger-based defaults never apply).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driftplane.errors import DataError, Problem, SpecError
from driftplane.spec.durations import Duration
from driftplane.spec.models import Monitor, Spec
from driftplane_azure.checks import delivered_channels, ref_channels
from driftplane_azure.data_refs import DataRef, content_version, parse_data_ref
from driftplane_azure.mapping import (
    CATEGORICAL_METRICS,
    DRIFT_SIGNAL,
    MANAGED_TAG,
    MANAGED_VALUE,
    MONITOR_TAG,
    NUMERICAL_METRICS,
    QUALITY_SIGNAL,
    iso,
    parse_endpoint,
    plus,
    production_window,
    quality_rates,
    schedule_name,
    trigger_for,
)
from driftplane_azure.mltable import table_for
from driftplane_azure.settings import AzureSettings

if TYPE_CHECKING:
    from azure.ai.ml.entities import MonitorSchedule

# (endpoint, deployment) -> (azureml:NAME:VERSION of its collected model inputs, input type)
CollectorLookup = Callable[[str, str], tuple[str, str]]


@dataclass(frozen=True)
class Upload:
    """A local baseline that apply uploads and registers as an mltable data asset before the schedule."""

    path: Path
    name: str
    version: str
    files: tuple[Path, ...]
    descriptor: str | None  # the MLTable file driftplane writes beside them; None: the folder has one
    type: str = "mltable"


@dataclass(frozen=True)
class HookTarget:
    """A webhook or Slack channel reached through an Azure Monitor action group."""

    kind: str  # webhook | slack
    name: str
    url: str


@dataclass
class Translation:
    """Everything one monitor becomes on Azure."""

    monitor: str
    schedule_name: str
    schedule: MonitorSchedule
    emails: list[str] = field(default_factory=list)
    hooks: list[HookTarget] = field(default_factory=list)
    uploads: list[Upload] = field(default_factory=list)
    deployment: tuple[str, str] | None = None


def default_collector_asset(endpoint: str, deployment: str) -> tuple[str, str]:
    """Where Azure's data collector registers a deployment's inputs unless told otherwise.

    Used by offline plans; online plans read the deployment's data_collector instead.
    """
    return f"azureml:{endpoint}-{deployment}-model_inputs:1", "uri_folder"


def tags_for(spec: Spec, name: str, settings: AzureSettings) -> dict[str, str]:
    """Tags on everything made for a monitor; the last two are how driftplane finds its own."""
    monitor = spec.monitors[name]
    return {**spec.tags, **settings.tags, **monitor.tags, MONITOR_TAG: name, MANAGED_TAG: MANAGED_VALUE}


def _baseline_ref(spec: Spec, name: str, monitor: Monitor, settings: AzureSettings) -> tuple[DataRef, Upload | None]:
    assert monitor.baseline.data is not None
    ref = parse_data_ref(monitor.baseline.data, local_allowed=settings.data == "upload")
    if ref.kind != "local":
        return ref, None
    path = Path(ref.text)
    if not path.is_absolute():
        path = spec.base_dir / path
    if not path.exists():
        raise DataError(
            f"monitors.{name}.baseline.data: {path} does not exist; the azure provider uploads the "
            "baseline as a data asset, so it must be readable here"
        )
    table = table_for(path, monitor.baseline.format, f"monitors.{name}.baseline.data")
    upload = Upload(
        path=path,
        name=f"driftplane-{name}-baseline",
        version=content_version(path, table.descriptor or ""),
        files=table.files,
        descriptor=table.descriptor,
    )
    return DataRef("asset", f"azureml:{upload.name}:{upload.version}", upload.name, upload.version), upload


def _input_type(ref: DataRef, explicit: str | None, *, uploaded: Upload | None) -> str:
    if uploaded is not None:
        return uploaded.type  # what apply registers it as
    if explicit:
        return explicit
    if ref.kind == "uri":
        return "uri_folder" if ref.text.endswith("/") else "uri_file"
    return "mltable"


def _channels(spec: Spec, name: str) -> tuple[list[str], list[HookTarget]]:
    """The monitor's one set of channels: Azure cannot route its alerts apart.

    ``check`` refuses specs whose alerts notify different channels; this refuses them again
    so nothing built here ever merges them.
    """
    alerts = spec.monitors[name].alerts
    if not alerts:
        return [], []
    routes = [delivered_channels(spec, alert) for alert in alerts]
    if any(set(route) != set(routes[0]) for route in routes[1:]):
        raise SpecError(
            [Problem(("monitors", name, "alerts"), "alerts notify different channels; Azure ML has one set per monitor")]
        )
    labels: dict[tuple[str, str], str] = {}
    for ref in alerts[0].notify:
        for key in ref_channels(spec, ref):
            labels.setdefault(key, ref if isinstance(ref, str) and ":" not in ref else "")
    emails: list[str] = []
    hooks: list[HookTarget] = []
    for kind, target in routes[0]:
        if kind == "email":
            emails.append(target)
        else:
            hooks.append(HookTarget(kind, labels[(kind, target)] or f"{kind}-{len(hooks) + 1}", target))
    return emails, hooks


def translate(
    spec: Spec,
    name: str,
    settings: AzureSettings,
    *,
    collector: CollectorLookup = default_collector_asset,
) -> Translation:
    """The MonitorSchedule for one monitor (the spec is assumed to have passed ``check``)."""
    from azure.ai.ml import Input
    from azure.ai.ml.constants import MonitorDatasetContext
    from azure.ai.ml.entities import (
        AlertNotification,
        BaselineDataRange,
        CategoricalDriftMetrics,
        CronTrigger,
        DataDriftMetricThreshold,
        DataDriftSignal,
        DataQualityMetricsCategorical,
        DataQualityMetricsNumerical,
        DataQualityMetricThreshold,
        DataQualitySignal,
        MonitorDefinition,
        MonitorFeatureFilter,
        MonitoringTarget,
        MonitorSchedule,
        NumericalDriftMetrics,
        ProductionData,
        RecurrencePattern,
        RecurrenceTrigger,
        ReferenceData,
        ServerlessSparkCompute,
    )

    monitor = spec.monitors[name]
    azure = settings.for_monitor(name)
    target = monitor.target

    # Trigger.
    plan = trigger_for(monitor.schedule)
    trigger: Any
    if plan.kind == "cron":
        trigger = CronTrigger(expression=str(plan.expression), time_zone="UTC")
    elif plan.hours or plan.minutes:
        pattern = RecurrencePattern(hours=plan.hours, minutes=plan.minutes, week_days=plan.week_days or None)
        trigger = RecurrenceTrigger(frequency=str(plan.frequency), interval=plan.interval, schedule=pattern, time_zone="UTC")
    else:
        trigger = RecurrenceTrigger(frequency=str(plan.frequency), interval=plan.interval, time_zone="UTC")

    # Production data: the target's window, ending `latency` before each run.
    deployment: tuple[str, str] | None = None
    monitoring_target = None
    if target.endpoint is not None:
        deployment = parse_endpoint(target.endpoint)
        monitoring_target = MonitoringTarget(
            ml_task=azure.ml_task, endpoint_deployment_id=f"azureml:{deployment[0]}:{deployment[1]}"
        )
    if target.data is not None:
        target_ref = parse_data_ref(target.data, local_allowed=False)
        target_path = target_ref.azureml
        target_type: str = azure.target_type or ("uri_folder" if azure.preprocessing_component else "mltable")
        preprocessing = azure.preprocessing_component
    else:
        assert deployment is not None
        target_path, target_type = collector(*deployment)
        preprocessing = None
    window = production_window(monitor)

    def production() -> Any:
        return ProductionData(
            input_data=Input(path=target_path, type=target_type),
            data_context=MonitorDatasetContext.MODEL_INPUTS,
            pre_processing_component=preprocessing,
            data_window=BaselineDataRange(lookback_window_size=iso(window), lookback_window_offset=iso(target.latency)),
        )

    # Reference data: a dataset, or the target itself `lag` earlier.
    uploads: list[Upload] = []

    def reference(with_label: bool) -> Any:
        columns = {"target_column": azure.target_column} if (with_label and azure.target_column) else None
        baseline = monitor.baseline
        if baseline.lag is not None:
            length = Duration.parse(azure.reference_window) if azure.reference_window else window
            return ReferenceData(
                input_data=Input(path=target_path, type=target_type),
                data_context=MonitorDatasetContext.MODEL_INPUTS,
                pre_processing_component=preprocessing,
                data_window=BaselineDataRange(
                    lookback_window_size=iso(length), lookback_window_offset=iso(plus(baseline.lag, target.latency))
                ),
                data_column_names=columns,
            )
        ref, upload = _baseline_ref(spec, name, monitor, settings)
        if upload is not None and upload not in uploads:
            uploads.append(upload)
        data_window = None
        if baseline.window is not None:
            data_window = BaselineDataRange(
                window_start=baseline.window.start.strftime("%Y-%m-%d"),
                window_end=baseline.window.end.strftime("%Y-%m-%d"),
            )
        return ReferenceData(
            input_data=Input(path=ref.azureml, type=_input_type(ref, azure.baseline_type, uploaded=upload)),
            data_context=MonitorDatasetContext.TRAINING,
            data_window=data_window,
            data_column_names=columns,
        )

    # Features and kinds.
    features = monitor.features
    drift = monitor.checks.drift
    selected: Any = "all_features"  # what Azure's own default signals watch
    if features.include is not None:
        selected = [
            f
            for f in features.include
            if f not in features.exclude and (f not in drift.features or drift.features[f].enabled)
        ]
    overrides: dict[str, str] = {}
    for column in features.categorical:
        overrides[column] = "categorical"
    for column in features.numerical:
        overrides[column] = "numerical"
    for column, rule in drift.features.items():
        if rule.kind is not None:
            overrides[column] = rule.kind

    alerting = {alert.when for alert in monitor.alerts}
    signals: dict[str, Any] = {}
    if drift.enabled:
        numerical_metric: dict[str, Any] = {NUMERICAL_METRICS[drift.numerical.metric]: drift.numerical.threshold}
        categorical_metric: dict[str, Any] = {CATEGORICAL_METRICS[drift.categorical.metric]: drift.categorical.threshold}
        drift_features: Any = selected
        if azure.top_n_features is not None:
            drift_features = MonitorFeatureFilter(top_n_feature_importance=azure.top_n_features)
        signals[DRIFT_SIGNAL] = DataDriftSignal(
            production_data=production(),
            reference_data=reference(with_label=True),
            features=drift_features,
            feature_type_override=overrides or None,
            metric_thresholds=DataDriftMetricThreshold(
                numerical=NumericalDriftMetrics(**numerical_metric),
                categorical=CategoricalDriftMetrics(**categorical_metric),
            ),
            alert_enabled="drift" in alerting,
        )
    if monitor.checks.quality.enabled:
        rates = quality_rates(monitor, settings, name)
        signals[QUALITY_SIGNAL] = DataQualitySignal(
            production_data=production(),
            reference_data=reference(with_label=False),
            features=selected,
            feature_type_override=overrides or None,
            metric_thresholds=DataQualityMetricThreshold(
                numerical=DataQualityMetricsNumerical(**rates["numerical"]),
                categorical=DataQualityMetricsCategorical(**rates["categorical"]),
            ),
            alert_enabled="violation" in alerting,
        )

    emails, hooks = _channels(spec, name)
    definition = MonitorDefinition(
        compute=ServerlessSparkCompute(instance_type=settings.instance_type, runtime_version=settings.spark_runtime),
        monitoring_target=monitoring_target,
        monitoring_signals=signals,
        alert_notification=AlertNotification(emails=emails) if emails else None,
    )
    azure_name = schedule_name(settings, name)
    schedule = MonitorSchedule(
        name=azure_name,
        trigger=trigger,
        create_monitor=definition,
        display_name=name,
        description=monitor.description,
        tags=tags_for(spec, name, settings),
    )
    if not monitor.enabled:
        schedule._is_enabled = False
    return Translation(name, azure_name, schedule, emails, hooks, uploads, deployment)
