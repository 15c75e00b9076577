"""A resolved monitor as an azure-ai-ml MonitorSchedule, built with the SDK's own entities.

Every decision comes from ``driftplane.resolved``: the window each run reads (length and
latency), the features and their kinds, the metric and threshold of each kind, the quality
checks, the model's quality checks and labels' wait (``driftplane_azure.performance`` has the
metric table), the channels, the tags. This module only says them in Azure's words. ``checks``
refuses what Azure cannot say before anything is built.

The SDK serializes the entities (``_to_rest_object``), so the body driftplane plans is the
body azure-ai-ml sends. Its quirks shape what is built here: one non-zero metric per
feature kind, explicit signals always (the SDK cannot serialize a definition without them),
explicit windows (so the SDK's trigger-based defaults never apply).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal

from driftplane import drift_metrics
from driftplane.resolved import ResolvedMonitor
from driftplane.result import Kind
from driftplane.spec.durations import Duration
from driftplane_azure.channels import monitor_emails
from driftplane_azure.data_refs import parse_data_ref, parse_endpoint
from driftplane_azure.names import DRIFT_SIGNAL, QUALITY_SIGNAL, schedule_name, tags_for
from driftplane_azure.performance import (
    PERFORMANCE_SIGNAL,
    PREDICTION_DRIFT_SIGNAL,
    AzureMetric,
    azure_metric,
    ml_task,
)
from driftplane_azure.schedules import azure_trigger
from driftplane_azure.settings import AzureSettings
from driftplane_azure.upload import Upload, baseline_columns, local_upload

if TYPE_CHECKING:
    from azure.ai.ml.entities import MonitorSchedule

# Azure ML's drift distances per feature kind: the azure-ai-ml keywords of NumericalDriftMetrics /
# CategoricalDriftMetrics (REST names are their camelCase). A driftplane metric reaches Azure only
# as the one its registry entry names (driftplane.drift_metrics equivalents); Azure's
# two_sample_kolmogorov_smirnov_test and pearsons_chi_squared_test are p-values (drift below the
# threshold) and no distance's equivalent.
AZURE_DISTANCES: dict[Kind, tuple[str, ...]] = {
    "numerical": ("jensen_shannon_distance", "normalized_wasserstein_distance", "population_stability_index"),
    "categorical": ("jensen_shannon_distance", "population_stability_index"),
}


def azure_key(name: str) -> str:
    """An Azure metric name squashed: ``JensenShannonDistance``, ``jensen_shannon_distance`` and
    ``jensenShannonDistance`` alike."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def azure_metrics(kind: Kind) -> dict[str, str]:
    """driftplane metric -> Azure's keyword, for every registered metric Azure computes for ``kind``."""
    found: dict[str, str] = {}
    for metric in drift_metrics.registered().values():
        keyword = metric.equivalent(drift_metrics.AZURE)
        if metric.applies_to(kind) and keyword in AZURE_DISTANCES[kind]:
            found[metric.name] = keyword
    return found


def metric_from_azure(name: str, preferred: tuple[str, ...] = ()) -> str | None:
    """driftplane's metric for one of Azure's distances (any spelling), or None for another name.

    The first of ``preferred`` (a monitor's own metrics) whose equivalent it is, else the
    first registered metric with that equivalent (driftplane's before plugins').
    """
    key = azure_key(name)
    if key not in {azure_key(k) for keywords in AZURE_DISTANCES.values() for k in keywords}:
        return None
    for metric in (*preferred, *drift_metrics.registered()):
        entry = drift_metrics.find(metric)
        keyword = entry.equivalent(drift_metrics.AZURE) if entry is not None else None
        if keyword is not None and azure_key(keyword) == key:
            return metric
    return None


# Azure's p-value tests (SDK and REST names): drift when the value falls BELOW the threshold.
AZURE_P_VALUE_METRICS = (
    "two_sample_kolmogorov_smirnov_test",
    "twoSampleKolmogorovSmirnovTest",
    "pearsons_chi_squared_test",
    "pearsonsChiSquaredTest",
)
# driftplane distances whose namesake Azure offers only as a test's p-value, for messages.
P_VALUE_NAMESAKES = {
    "ks_statistic": "two_sample_kolmogorov_smirnov_test",
    "cramers_v": "pearsons_chi_squared_test",
}
ALL_FEATURES: Literal["all_features"] = "all_features"

# (endpoint, deployment, collection) -> (azureml:NAME:VERSION of what its data collector keeps of
# the collection, model_inputs or model_outputs; input type)
CollectorLookup = Callable[[str, str, str], tuple[str, str]]
ColumnsLookup = Callable[[ResolvedMonitor], list[str]]


# -- windows -------------------------------------------------------------------------------------


def plus(a: Duration, b: Duration | None) -> Duration:
    """The sum of two durations (months and fixed parts apart)."""
    if b is None:
        return a
    return Duration(months=a.months + b.months, fixed=a.fixed + b.fixed)


def iso(duration: Duration | None) -> str:
    """ISO 8601 for Azure; zero is P0D as Azure writes it."""
    if duration is None:
        return "P0D"
    text = duration.iso()
    return "P0D" if text == "PT0S" else text


def production_window(resolved: ResolvedMonitor) -> Duration:
    """How long a window each run reads: the window rule's one length (``checks`` refuses a
    fixed window and a schedule whose windows differ in length)."""
    length = resolved.windows.window_length
    if length is None:
        raise ValueError(f"monitor {resolved.name} has no single window length; `validate` refuses it on Azure")
    return length


# -- features ------------------------------------------------------------------------------------

FeatureList = list[str] | Literal["all_features"]


@dataclass(frozen=True)
class Features:
    """Which features each signal watches, and the kinds the spec declares for them."""

    drift: FeatureList
    quality: FeatureList
    kinds: dict[str, Kind]


def needs_columns(resolved: ResolvedMonitor) -> bool:
    """True when Azure needs the features listed but the spec does not list them: it leaves
    columns out (``features.exclude``, a feature's drift turned off) without ``include``."""
    features = resolved.features
    if features.include is not None:
        return False
    return bool(features.exclude) or any(not on for on, _, _ in resolved.drift.overrides.values())


def _drift_on(resolved: ResolvedMonitor, name: str) -> bool:
    """Whether the drift check watches ``name`` (turning drift off for a feature leaves its quality checks on)."""
    return resolved.drift.rule(name, resolved.features.kind(name) or "numerical").enabled


def feature_lists(resolved: ResolvedMonitor, columns: list[str] | None = None) -> Features:
    """The drift and quality signals' features: the spec's list, else ``columns`` (the
    uploaded baseline's) when the spec leaves some out, else all of them."""
    policy = resolved.features
    listed: list[str] | None = None
    if policy.include is not None:
        listed = [name for name in policy.include if policy.selected(name)]
    elif needs_columns(resolved):
        if columns is None:
            raise ValueError(f"monitor {resolved.name} leaves features out without listing them; `validate` refuses it")
        listed = [name for name in columns if policy.selected(name)]
    if listed is None:
        kinds = {name: kind for name, kind in policy.declared.items() if policy.selected(name)}
        return Features(ALL_FEATURES, ALL_FEATURES, dict(sorted(kinds.items())))
    kinds = {name: kind for name in listed if (kind := policy.declared.get(name)) is not None}
    return Features([name for name in listed if _drift_on(resolved, name)], listed, kinds)


# -- quality -------------------------------------------------------------------------------------


def quality_rates(resolved: ResolvedMonitor, settings: AzureSettings) -> dict[str, dict[str, float | None]]:
    """Azure's data-quality thresholds per feature kind, from driftplane's quality checks.

    data_type_threshold -> data type error rate (1 - share); domain_content_threshold ->
    out-of-bounds rate of categorical features (values outside the baseline's categories).
    A rate of 1 would never fire, so it is left out. driftplane's completeness check is
    relative to the baseline and Azure's null value rate is not, so ``checks`` requires
    completeness: false; providers.azure.monitors.<name>.quality_thresholds sets Azure's own
    rates (a null value rate among them) over these.
    """
    quality = resolved.quality

    def rate(share: float) -> float | None:
        value = round(1.0 - share, 6)
        return None if value >= 1.0 else value

    rates: dict[str, dict[str, float | None]] = {
        "numerical": {
            "null_value_rate": None,
            "data_type_error_rate": rate(quality.data_type_threshold),
            "out_of_bounds_rate": None,
        },
        "categorical": {
            "null_value_rate": None,
            "data_type_error_rate": rate(quality.data_type_threshold),
            "out_of_bounds_rate": rate(quality.domain_content_threshold),
        },
    }
    for kind, overrides in settings.for_monitor(resolved.name).quality_thresholds.items():
        for metric, value in overrides.items():
            rates[kind][metric] = value
    return rates


# -- model quality ---------------------------------------------------------------------------------


def numerical_thresholds(resolved: ResolvedMonitor) -> dict[str, Any]:
    """Azure's one numerical drift metric and threshold (data drift and prediction drift alike)."""
    metric, threshold = resolved.drift.defaults["numerical"]
    return {azure_metrics("numerical")[metric]: threshold}


def categorical_thresholds(resolved: ResolvedMonitor) -> dict[str, Any]:
    """Azure's one categorical drift metric and threshold."""
    metric, threshold = resolved.drift.defaults["categorical"]
    return {azure_metrics("categorical")[metric]: threshold}


def target_column(resolved: ResolvedMonitor, settings: AzureSettings) -> str | None:
    """The baseline's label column: the Azure setting, else the model's baseline.label."""
    own = settings.for_monitor(resolved.name).target_column
    if own is not None:
        return own
    return resolved.performance.baseline_label if resolved.performance is not None else None


def performance_signal_wanted(resolved: ResolvedMonitor) -> bool:
    """Whether the monitor checks its model's quality (``checks`` refuses what Azure cannot check)."""
    policy = resolved.performance
    return policy is not None and policy.enabled and bool(policy.checks)


def prediction_drift_wanted(resolved: ResolvedMonitor, outputs_apart: bool) -> bool:
    """Whether the model's outputs drift is watched: drift is on for an output column, and the outputs
    are kept apart from the inputs (a deployment's model_outputs collection) or an alert asks for it
    (``checks`` refuses that alert when they are not)."""
    if not resolved.prediction_drift_rules():
        return False
    return outputs_apart or any(alert.when == "prediction_drift" for alert in resolved.alerts)


def judged_offset(resolved: ResolvedMonitor) -> Duration:
    """How long before each run the window Azure's performance signal judges ends.

    driftplane judges a window final at the first run at or after its end plus ``labels.wait``;
    windows end ``latency`` before their run. So the offset is the latency plus the wait less the
    latency rounded up to whole schedule periods (``checks`` requires evenly spaced runs): the
    window is then one of the monitor's windows, judged at the run that judges it final locally.
    """
    policy = resolved.performance
    assert policy is not None
    windows = resolved.windows
    latency = windows.latency
    if policy.wait.months or (latency is not None and latency.months):
        return plus(policy.wait, latency)
    late = latency.fixed if latency is not None else timedelta(0)
    periods = max(0, math.ceil((policy.wait.fixed - late) / windows.period))
    return Duration.parse(late + periods * windows.period)


def performance_thresholds(resolved: ResolvedMonitor) -> dict[str, dict[str, float]]:
    """The keyword arguments of Azure's classification or regression thresholds, from the checks."""
    policy = resolved.performance
    assert policy is not None
    chosen: dict[str, float] = {}
    for check in policy.checks:
        found: AzureMetric | None = azure_metric(policy.problem_type, check.metric)
        if found is None or check.relative or found.direction != check.direction:
            raise ValueError(f"monitor {resolved.name}: Azure cannot check {check.metric}; `validate` refuses it")
        chosen[found.keyword] = check.bound
    return {ml_task(policy.problem_type): chosen}


def performance_signal(resolved: ResolvedMonitor, production: Any) -> Any:
    """Azure's model-performance signal: the window's outputs, ``wait`` after its end, joined on the
    correlation id with the ground truth landed by then, against the metric thresholds."""
    from azure.ai.ml import Input
    from azure.ai.ml.constants import MonitorDatasetContext
    from azure.ai.ml.entities import (
        ModelPerformanceClassificationThresholds,
        ModelPerformanceMetricThreshold,
        ModelPerformanceRegressionThresholds,
        ModelPerformanceSignal,
        ReferenceData,
    )

    policy = resolved.performance
    assert policy is not None and policy.labels is not None and policy.labels.data is not None
    assert policy.prediction is not None and policy.id is not None and policy.label is not None
    production.data_column_names = {"prediction": policy.prediction, "correlation_id": policy.id}
    labels = parse_data_ref(policy.labels.data, local_allowed=False)
    ground_truth = ReferenceData(
        # Azure's model-performance pipeline reads its ground truth as an mltable.
        input_data=Input(path=labels.azureml, type="mltable"),
        data_context=MonitorDatasetContext.GROUND_TRUTH_DATA,
        data_column_names={"actual": policy.label, "correlation_id": policy.label_id or policy.id},
    )
    thresholds = performance_thresholds(resolved)
    metric_thresholds = ModelPerformanceMetricThreshold(
        classification=(
            ModelPerformanceClassificationThresholds(**thresholds["classification"])
            if "classification" in thresholds
            else None
        ),
        regression=(
            ModelPerformanceRegressionThresholds(**thresholds["regression"]) if "regression" in thresholds else None
        ),
    )
    return ModelPerformanceSignal(
        production_data=production,
        reference_data=ground_truth,
        metric_thresholds=metric_thresholds,
        alert_enabled=any(alert.when == "performance" for alert in resolved.alerts),
    )


# -- the schedule ----------------------------------------------------------------------------------


@dataclass
class Translation:
    """Everything one monitor becomes on Azure."""

    monitor: str
    schedule_name: str
    schedule: MonitorSchedule
    emails: list[str] = field(default_factory=list)
    uploads: list[Upload] = field(default_factory=list)
    deployment: tuple[str, str] | None = None
    tags: dict[str, str] = field(default_factory=dict)


def default_collector_asset(endpoint: str, deployment: str, collection: str = "model_inputs") -> tuple[str, str]:
    """Where Azure's data collector registers a deployment's inputs (or outputs) unless told otherwise.

    Used by offline plans; online plans read the deployment's data_collector instead.
    """
    return f"azureml:{endpoint}-{deployment}-{collection}:1", "uri_folder"


def _input_type(kind: str, text: str, explicit: str | None, *, uploaded: Upload | None) -> str:
    if uploaded is not None:
        return uploaded.type  # what apply registers it as
    if explicit:
        return explicit
    if kind == "uri":
        return "uri_folder" if text.endswith("/") else "uri_file"
    return "mltable"


def translate(
    resolved: ResolvedMonitor,
    settings: AzureSettings,
    *,
    collector: CollectorLookup = default_collector_asset,
    columns: ColumnsLookup = baseline_columns,
) -> Translation:
    """The MonitorSchedule for one resolved monitor (the spec is assumed to have passed ``check``)."""
    from azure.ai.ml import Input
    from azure.ai.ml.constants import MonitorDatasetContext
    from azure.ai.ml.entities import (
        AlertNotification,
        BaselineDataRange,
        CategoricalDriftMetrics,
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
        PredictionDriftMetricThreshold,
        PredictionDriftSignal,
        ProductionData,
        ReferenceData,
        ServerlessSparkCompute,
    )

    name = resolved.name
    azure = settings.for_monitor(name)
    target = resolved.target
    window = production_window(resolved)
    latency = resolved.windows.latency

    # Production data: the target's window, ending `latency` before each run.
    deployment: tuple[str, str] | None = None
    monitoring_target = None
    if target.endpoint is not None:
        deployment = parse_endpoint(target.endpoint)
        task = ml_task(resolved.performance.problem_type) if resolved.performance is not None else azure.ml_task
        monitoring_target = MonitoringTarget(
            ml_task=task, endpoint_deployment_id=f"azureml:{deployment[0]}:{deployment[1]}"
        )
    if target.data is not None:
        target_path = parse_data_ref(target.data, local_allowed=False).azureml
        target_type: str = azure.target_type or ("uri_folder" if azure.preprocessing_component else "mltable")
        preprocessing = azure.preprocessing_component
    else:
        assert deployment is not None
        target_path, target_type = collector(*deployment, "model_inputs")
        preprocessing = None

    def production() -> Any:
        return ProductionData(
            input_data=Input(path=target_path, type=target_type),
            data_context=MonitorDatasetContext.MODEL_INPUTS,
            pre_processing_component=preprocessing,
            data_window=BaselineDataRange(lookback_window_size=iso(window), lookback_window_offset=iso(latency)),
        )

    # Reference data: a dataset (uploaded when local), or the target itself `lag` earlier.
    baseline = resolved.baseline
    upload = local_upload(resolved, settings) if baseline.kind == "data" else None

    # The model's outputs: the deployment's model_outputs collection, else the target itself.
    if deployment is not None and target.data is None and resolved.performance is not None:
        outputs_path, outputs_type = collector(*deployment, "model_outputs")
    else:
        outputs_path, outputs_type = target_path, target_type

    def reference(with_label: bool, outputs: bool = False) -> Any:
        label_column = target_column(resolved, settings)
        label = {"target_column": label_column} if (with_label and label_column) else None
        if baseline.kind == "lag":
            assert baseline.lag is not None
            length = Duration.parse(azure.reference_window) if azure.reference_window else window
            return ReferenceData(
                input_data=Input(path=outputs_path, type=outputs_type)
                if outputs
                else Input(path=target_path, type=target_type),
                data_context=MonitorDatasetContext.MODEL_OUTPUTS if outputs else MonitorDatasetContext.MODEL_INPUTS,
                pre_processing_component=preprocessing,
                data_window=BaselineDataRange(
                    lookback_window_size=iso(length), lookback_window_offset=iso(plus(baseline.lag, latency))
                ),
                data_column_names=label,
            )
        assert baseline.source is not None and baseline.source.data is not None
        if upload is not None:
            kind, path = "asset", upload.azureml
        else:
            ref = parse_data_ref(baseline.source.data, local_allowed=False)
            kind, path = ref.kind, ref.azureml
        data_window = None
        if baseline.window is not None:
            data_window = BaselineDataRange(
                window_start=baseline.window.start.strftime("%Y-%m-%d"),
                window_end=baseline.window.end.strftime("%Y-%m-%d"),
            )
        return ReferenceData(
            input_data=Input(path=path, type=_input_type(kind, path, azure.baseline_type, uploaded=upload)),
            data_context=MonitorDatasetContext.TRAINING,
            data_window=data_window,
            data_column_names=label,
        )

    features = feature_lists(resolved, columns(resolved) if needs_columns(resolved) else None)
    overrides: dict[str, Any] | None = dict(features.kinds) or None
    alerting = {alert.when for alert in resolved.alerts}
    signals: dict[str, Any] = {}
    drift = resolved.drift
    if drift.enabled and features.drift != []:
        numerical = numerical_thresholds(resolved)
        categorical = categorical_thresholds(resolved)
        drift_features: Any = features.drift
        if azure.top_n_features is not None:
            drift_features = MonitorFeatureFilter(top_n_feature_importance=azure.top_n_features)
        signals[DRIFT_SIGNAL] = DataDriftSignal(
            production_data=production(),
            reference_data=reference(with_label=True),
            features=drift_features,
            feature_type_override=overrides,
            metric_thresholds=DataDriftMetricThreshold(
                numerical=NumericalDriftMetrics(**numerical),
                categorical=CategoricalDriftMetrics(**categorical),
            ),
            alert_enabled="drift" in alerting,
        )
    if resolved.quality.enabled:
        rates = quality_rates(resolved, settings)
        signals[QUALITY_SIGNAL] = DataQualitySignal(
            production_data=production(),
            reference_data=reference(with_label=False),
            features=features.quality,
            feature_type_override=overrides,
            metric_thresholds=DataQualityMetricThreshold(
                numerical=DataQualityMetricsNumerical(**rates["numerical"]),
                categorical=DataQualityMetricsCategorical(**rates["categorical"]),
            ),
            alert_enabled="violation" in alerting,
        )

    if resolved.performance is not None:

        def outputs(offset: Duration | None) -> Any:
            """The model's outputs of the window ending ``offset`` before each run."""
            return ProductionData(
                input_data=Input(path=outputs_path, type=outputs_type),
                data_context=MonitorDatasetContext.MODEL_OUTPUTS,
                pre_processing_component=preprocessing,
                data_window=BaselineDataRange(lookback_window_size=iso(window), lookback_window_offset=iso(offset)),
            )

        if performance_signal_wanted(resolved):
            signals[PERFORMANCE_SIGNAL] = performance_signal(resolved, outputs(judged_offset(resolved)))
        if prediction_drift_wanted(resolved, deployment is not None and target.data is None):
            signals[PREDICTION_DRIFT_SIGNAL] = PredictionDriftSignal(
                production_data=outputs(latency),
                reference_data=reference(with_label=False, outputs=True),
                metric_thresholds=PredictionDriftMetricThreshold(
                    numerical=NumericalDriftMetrics(**numerical_thresholds(resolved)),
                    categorical=CategoricalDriftMetrics(**categorical_thresholds(resolved)),
                ),
                alert_enabled="prediction_drift" in alerting,
            )
    if resolved.performance is not None and monitoring_target is None:
        monitoring_target = MonitoringTarget(ml_task=ml_task(resolved.performance.problem_type))
    emails = monitor_emails(resolved)
    definition = MonitorDefinition(
        compute=ServerlessSparkCompute(instance_type=settings.instance_type, runtime_version=settings.spark_runtime),
        monitoring_target=monitoring_target,
        monitoring_signals=signals,
        alert_notification=AlertNotification(emails=emails) if emails else None,
    )
    tags = tags_for(resolved, settings)
    azure_name = schedule_name(settings, name)
    schedule = MonitorSchedule(
        name=azure_name,
        trigger=azure_trigger(resolved.schedule),
        create_monitor=definition,
        display_name=name,
        description=resolved.description,
        tags=tags,
    )
    if not resolved.enabled:
        schedule._is_enabled = False
    uploads = [upload] if upload is not None else []
    return Translation(name, azure_name, schedule, emails, uploads, deployment, tags)
