"""What Azure ML cannot express in a spec, found before anything is built or sent.

Each problem is located at the key that asks for it and says what Azure offers instead, so
nothing the spec asks for is silently dropped and nothing means one thing on the local
provider and another on Azure. Decisions come from the resolved monitor; the raw spec is
read only to tell what was written (to locate a problem at its key). No SDK import:
``validate`` stays fast.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from driftplane.alerting.delivery import channel_problems
from driftplane.errors import Problem
from driftplane.resolved import AlertRule, ResolvedMonitor, resolve_monitor
from driftplane.result import Kind
from driftplane.spec.durations import Duration
from driftplane.spec.models import Monitor, Spec
from driftplane_azure.channels import DELIVERY, alert_emails
from driftplane_azure.data_refs import DataRefError, parse_data_ref, parse_endpoint
from driftplane_azure.names import schedule_name
from driftplane_azure.performance import AZURE_PERFORMANCE, NEAR_MISSES, azure_metric, ml_task
from driftplane_azure.settings import AzureSettings
from driftplane_azure.translate import (
    P_VALUE_NAMESAKES,
    azure_metrics,
    feature_lists,
    needs_columns,
    performance_signal_wanted,
    quality_rates,
)

Path = tuple[str | int, ...]

logger = logging.getLogger(__name__)


class _Collector:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.problems: list[Problem] = []

    def add(self, path: Path, message: str) -> None:
        source = self.spec.source
        problem = source.problem(path, message) if source is not None else Problem(path, message)
        if problem not in self.problems:
            self.problems.append(problem)


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
    if "alert_severity" in settings.model_fields_set:
        found.add(
            ("providers", "azure", "alert_severity"),
            "alert_severity set the severity of the Azure Monitor alert rule earlier versions made "
            "for webhook and Slack channels; Azure cannot deliver those channels with driftplane's "
            "contract, so no alert rule is made any more. Remove alert_severity",
        )
    _check_schedule_names(found, spec, settings)
    for name, monitor in spec.monitors.items():
        _check_monitor(found, settings, resolve_monitor(spec, name), monitor)
    return found.problems


def _drift_watches_no_listed_feature(resolved: ResolvedMonitor) -> bool:
    """True when the spec lists its features and drift is off for every one of them."""
    if resolved.features.include is None:
        return False
    return feature_lists(resolved).drift == []


def _explicit(model: Any, key: str) -> bool:
    return key in model.model_fields_set


def _check_schedule_names(found: _Collector, spec: Spec, settings: AzureSettings) -> None:
    """Two monitors must not become one Azure schedule: the second would replace the first."""
    owners: dict[str, str] = {}
    for name in spec.monitors:
        azure_name = schedule_name(settings, name)
        first = owners.setdefault(azure_name.lower(), name)
        if first == name:
            continue
        # At the schedule_name that makes them collide: this monitor's, else the first's.
        where: Path = ("monitors", name)
        for owner in (name, first):
            if settings.for_monitor(owner).schedule_name is not None:
                where = ("providers", "azure", "monitors", owner, "schedule_name")
                break
        found.add(
            where,
            f"monitors '{first}' and '{name}' would both be the Azure schedule '{azure_name}' (Azure ML "
            "names are not case-sensitive), and applying the second would replace the first; give "
            f"one of them its own providers.azure.monitors.<name>.schedule_name",
        )


def _check_monitor(found: _Collector, settings: AzureSettings, resolved: ResolvedMonitor, monitor: Monitor) -> None:
    base: Path = ("monitors", resolved.name)
    drift_watches = resolved.drift.enabled and not _drift_watches_no_listed_feature(resolved)
    if not drift_watches and not resolved.quality.enabled and not performance_signal_wanted(resolved):
        found.add(
            base + ("checks",),
            "Azure ML needs at least one signal; enable checks.drift or checks.quality (or check the model's "
            "quality under checks.performance)",
        )
    uploaded = _check_data(found, settings, resolved, monitor)
    _check_windows(found, resolved)
    _check_features(found, resolved, monitor, uploaded)
    _check_drift(found, resolved, monitor)
    _check_quality(found, settings, resolved)
    _check_performance(found, settings, resolved, monitor)
    for alert in resolved.alerts:
        _check_alert(found, resolved, alert)
    for problem in channel_problems(resolved, DELIVERY, provider="azure", source=found.spec.source):
        found.problems.append(problem)
    _check_routing(found, resolved)


# -- data --------------------------------------------------------------------------------------------


def _check_data(found: _Collector, settings: AzureSettings, resolved: ResolvedMonitor, monitor: Monitor) -> bool:
    """Problems with the baseline and target data; True when the baseline is a local file to upload."""
    base: Path = ("monitors", resolved.name)
    azure = settings.for_monitor(resolved.name)
    baseline = monitor.baseline
    uploaded = False
    if baseline.statistics is not None:
        found.add(
            base + ("baseline", "statistics"),
            "Azure ML computes its reference from data, not from a SageMaker statistics.json; "
            "give baseline.data (a data asset or URI) instead",
        )
    if baseline.data is not None:
        try:
            uploaded = parse_data_ref(baseline.data, local_allowed=settings.data == "upload").kind == "local"
        except DataRefError as exc:
            local = settings.data != "upload" and _is_local(baseline.data)
            hint = " (or set providers.azure.data: upload to upload local files)" if local else ""
            found.add(base + ("baseline", "data"), f"{exc}{hint}")
    if uploaded:
        _check_upload(found, resolved, monitor)
        if azure.baseline_type not in (None, "mltable"):
            found.add(
                ("providers", "azure", "monitors", resolved.name, "baseline_type"),
                f"a local baseline is uploaded and registered as an mltable (a folder with an MLTable "
                f"file), not {azure.baseline_type}; remove baseline_type",
            )
    elif baseline.timestamp_column is not None:
        found.add(
            base + ("baseline", "timestamp_column"),
            "Azure ML takes each row's time from the data asset's own MLTable definition; remove "
            "timestamp_column and declare the timestamp in the MLTable file",
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
        if getattr(monitor, side).storage_options:
            found.add(
                base + (side, "storage_options"),
                "Azure ML jobs reach data with the workspace's datastore credentials; storage_options "
                "cannot be passed on, remove them",
            )
    if (azure.target_type in ("uri_folder", "uri_file")) and not azure.preprocessing_component:
        found.add(
            ("providers", "azure", "monitors", resolved.name, "target_type"),
            f"a {azure.target_type} target needs a preprocessing_component that turns each window into "
            "an mltable; or register the data as an mltable asset",
        )
    if azure.top_n_features is not None and azure.target_column is None:
        found.add(
            ("providers", "azure", "monitors", resolved.name, "top_n_features"),
            "Azure ranks features by importance for the label; set target_column too",
        )
    return uploaded


def _is_local(text: str) -> bool:
    try:
        return parse_data_ref(text, local_allowed=True).kind == "local"
    except DataRefError:
        return False


def _check_upload(found: _Collector, resolved: ResolvedMonitor, monitor: Monitor) -> None:
    """An uploaded baseline is read by Azure through the MLTable file driftplane writes: only
    what that file can say about reading it."""
    base: Path = ("monitors", resolved.name, "baseline")
    baseline = monitor.baseline
    if baseline.format == "sagemaker-capture":
        found.add(
            base + ("format",),
            "an uploaded baseline is read by Azure ML as an mltable of csv, parquet or jsonl files, "
            "not SageMaker capture files; give the training data itself",
        )
    if not baseline.header:
        found.add(
            base + ("header",),
            "the uploaded baseline's MLTable file reads column names from the first row; Azure ML "
            "would name headerless columns Column1, Column2, ... Add a header row to the file",
        )
    if baseline.columns is not None:
        found.add(
            base + ("columns",),
            "Azure ML reads the uploaded baseline's column names from the file itself and cannot "
            "rename them; write those names in the file's header instead",
        )


# -- windows -------------------------------------------------------------------------------------------


def _days(gap: timedelta) -> str:
    return str(Duration.parse(gap))


def _check_windows(found: _Collector, resolved: ResolvedMonitor) -> None:
    """Azure reads one trailing window of a fixed length before each run."""
    base: Path = ("monitors", resolved.name)
    windows = resolved.windows
    if windows.fixed is not None:
        found.add(
            base + ("target", "window"),
            "Azure ML production data is always a trailing window before each run; write a duration "
            "such as 1d (a fixed {start, end} works for baseline.window only)",
        )
        return
    if windows.window_length is None:
        found.add(
            base + ("schedule",),
            f"the runs of '{resolved.schedule}' are not evenly spaced (from {_days(windows.period)} "
            f"to {_days(windows.longest_gap)} apart), so each run reads the time since the previous "
            "run, which differs from run to run; Azure ML reads a window of one length before every "
            "run. Set target.window (e.g. target.window: 1d) so every provider reads that length",
        )


# -- features ------------------------------------------------------------------------------------------


def _check_features(found: _Collector, resolved: ResolvedMonitor, monitor: Monitor, uploaded: bool) -> None:
    """Azure watches all features or a list: leaving some out needs the list."""
    if not needs_columns(resolved) or uploaded:
        return
    base: Path = ("monitors", resolved.name)
    baseline = resolved.baseline
    whose = (
        "the target itself (baseline.lag)" if baseline.kind == "lag" else "a data asset driftplane does not read"
    )
    why = (
        "Azure ML watches all features or a list of them and cannot leave columns out; driftplane "
        "lists the features from the baseline's columns when it uploads a local baseline, but this "
        f"baseline is {whose}. List the features to watch under features.include"
    )
    written = set(monitor.features.exclude)
    if written:
        found.add(base + ("features", "exclude"), why)
    model_columns = sorted(set(resolved.features.exclude) - written)
    if model_columns and not written:
        found.add(
            base + ("model",),
            f"the model's id, output and label columns ({', '.join(model_columns)}) are not input features, "
            f"and {why}",
        )
    for feature, (on, _, _) in resolved.drift.overrides.items():
        if not on:
            found.add(base + ("checks", "drift", "features", feature, "enabled"), why)


# -- drift ---------------------------------------------------------------------------------------------


def _check_drift(found: _Collector, resolved: ResolvedMonitor, monitor: Monitor) -> None:
    drift = resolved.drift
    if not drift.enabled:
        return
    path: Path = ("monitors", resolved.name, "checks", "drift")
    kinds: tuple[Kind, ...] = ("numerical", "categorical")
    for kind in kinds:
        table = azure_metrics(kind)
        metric = drift.defaults[kind][0]
        if metric not in table:
            namesake = P_VALUE_NAMESAKES.get(metric)
            note = (
                f" (its {namesake} is the test's p-value, drift when it falls below the threshold, "
                "not this distance)"
                if namesake
                else ""
            )
            found.add(
                path + (kind, "metric"),
                f"Azure ML has no '{metric}' metric for {kind} features; it offers {', '.join(table)}{note}",
            )
    for feature, (_, own_metric, own_threshold) in drift.overrides.items():
        for key, value in (("metric", own_metric), ("threshold", own_threshold)):
            if value is not None:
                found.add(
                    path + ("features", feature, key),
                    f"Azure ML applies one {key} per feature kind (numerical, categorical), not per "
                    "feature; remove it or set it under checks.drift.numerical/categorical",
                )
    if drift.noise_correction:
        found.add(
            path + ("noise_correction",),
            "driftplane raises a feature's threshold to what sampling noise alone reaches (on by "
            "default), so small windows do not alarm; Azure ML compares each metric with the fixed "
            "threshold, and would report drift where the local provider does not. Set "
            "checks.drift.noise_correction: false to decide with the fixed thresholds everywhere",
        )
    if _explicit(monitor.checks.drift, "bins"):
        found.add(path + ("bins",), "Azure ML chooses its own histogram bins; remove bins")
    if drift.classifier:
        found.add(
            path + ("classifier",),
            "Azure ML v2 has no domain-classifier drift magnitude (that was the retired v1 "
            "service); remove classifier",
        )


# -- quality -------------------------------------------------------------------------------------------


def _check_quality(found: _Collector, settings: AzureSettings, resolved: ResolvedMonitor) -> None:
    """Azure's data-quality signal checks data types, null values and values outside the
    baseline's categories; every other check driftplane runs is refused while it is on."""
    quality = resolved.quality
    if not quality.enabled:
        return
    path: Path = ("monitors", resolved.name, "checks", "quality")
    rates = quality_rates(resolved, settings)
    if all(value is None for kind in rates.values() for value in kind.values()):
        found.add(
            path,
            "every check Azure's data-quality signal runs is off here (data_type_threshold and "
            "domain_content_threshold 0, no Azure-only quality_thresholds), so the signal would go to "
            "Azure with no thresholds at all; nothing is checked locally either, so turn checks.quality "
            "off (enabled: false)",
        )
    if quality.completeness:
        found.add(
            path + ("completeness",),
            "driftplane's completeness check compares each column's share of missing values with "
            "the baseline's own (on by default); Azure ML's null value rate is one fixed share for "
            "every column. Set completeness: false; to have Azure flag nulls anyway, add "
            f"providers.azure.monitors.{resolved.name}.quality_thresholds: "
            "{numerical: {null_value_rate: R}, categorical: {null_value_rate: R}} (Azure only)",
        )
    if quality.columns:
        found.add(
            path + ("columns",),
            "Azure ML's data-quality signal has no missing or extra column check (driftplane runs "
            "one by default); set columns: false",
        )
    if quality.comparison_threshold < 1 or quality.categorical_comparison_threshold < 1:
        key = "comparison_threshold" if quality.comparison_threshold < 1 else "categorical_comparison_threshold"
        found.add(
            path + (key,),
            "driftplane's data-quality check also runs SageMaker's baseline_drift_check, each "
            f"feature's distance from the baseline against comparison_threshold "
            f"({quality.comparison_threshold:g}) and categorical_comparison_threshold "
            f"({quality.categorical_comparison_threshold:g}); Azure ML's data-quality signal has no "
            "such check (its drift signal watches distributions). Set both to 1 (a distance never "
            "exceeds 1, so the check never fires), or turn checks.quality off",
        )


# -- model quality -------------------------------------------------------------------------------------

LOCAL_INSTEAD = (
    "or run this monitor on the local provider (`driftplane run SPEC --provider local`, or on a schedule "
    "with `driftplane serve`)"
)
_BOUND_KEYS = {
    ("min", False): "min",
    ("max", False): "max",
    ("min", True): "below_baseline_by",
    ("max", True): "above_baseline_by",
}


def _check_performance(found: _Collector, settings: AzureSettings, resolved: ResolvedMonitor, monitor: Monitor) -> None:
    """Azure's model-performance signal: a predicted-label column joined on a correlation id with
    ground truth in an mltable, judged once, ``wait`` after each window, against fixed thresholds
    of the metrics it computes."""
    policy = resolved.performance
    if policy is None:
        return
    base: Path = ("monitors", resolved.name)
    azure = settings.for_monitor(resolved.name)
    task = ml_task(policy.problem_type)
    if "ml_task" in azure.model_fields_set and azure.ml_task != task:
        found.add(
            ("providers", "azure", "monitors", resolved.name, "ml_task"),
            f"the model is a {policy.problem_type} model (model.problem_type), which Azure ML calls {task}, "
            f"not {azure.ml_task}; remove ml_task",
        )
    own_label = azure.target_column
    if own_label is not None and policy.baseline_label is not None and own_label != policy.baseline_label:
        found.add(
            ("providers", "azure", "monitors", resolved.name, "target_column"),
            f"baseline.label already names the baseline's label column ({policy.baseline_label}); remove "
            "target_column",
        )
    performance = monitor.checks.performance
    if performance is not None and performance.estimate:
        found.add(
            base + ("checks", "performance", "estimate"),
            "Azure ML judges model performance only from ground truth; it has no estimate before labels "
            f"land. Remove estimate, {LOCAL_INSTEAD}",
        )
    asked = any(alert.when == "prediction_drift" for alert in resolved.alerts)
    if resolved.target.data is not None and resolved.prediction_drift_rules() and not asked:
        logger.warning(
            "monitor %s: on Azure, the drift of the model's outputs (%s) is not watched: Azure ML's prediction-drift "
            "signal measures every column of its data, and target.data holds the inputs too; point target.endpoint "
            "at a deployment that collects model_outputs apart to watch it",
            resolved.name,
            ", ".join(policy.output_columns),
        )
    watched = {rule.feature for rule in resolved.prediction_drift_rules()}
    if watched:
        for column in policy.output_columns:
            if column not in watched:
                found.add(
                    base + ("checks", "drift", "features", column, "enabled"),
                    "Azure ML's prediction-drift signal measures every output column of the model and cannot "
                    f"leave {column} out; remove this line, or turn drift off for every output column "
                    f"({', '.join(policy.output_columns)})",
                )
    if not policy.enabled or not policy.checks:
        return
    table = AZURE_PERFORMANCE[policy.problem_type]
    offered = ", ".join(f"{name} ({'min' if m.direction == 'min' else 'max'})" for name, m in table.items())
    for check in policy.checks:
        at: Path = base + ("checks", "performance", "metrics", check.metric)
        metric = azure_metric(policy.problem_type, check.metric)
        if metric is None:
            why = NEAR_MISSES[policy.problem_type].get(check.metric)
            found.add(
                at,
                f"Azure ML's model-performance signal has no {check.metric} for {policy.problem_type} models"
                f"{f' ({why})' if why else ''}; it checks {offered}. Check one of those instead, {LOCAL_INSTEAD}",
            )
            continue
        key = _BOUND_KEYS[(check.direction, check.relative)]
        if check.relative:
            found.add(
                at + (key,),
                f"Azure ML compares {check.metric} with a fixed threshold, not with the baseline's value; "
                f"write {metric.direction}: <the threshold> (the baseline's value "
                f"{'minus' if check.direction == 'min' else 'plus'} {check.bound:g}), {LOCAL_INSTEAD}",
            )
        elif check.direction != metric.direction:
            side = "falls below" if metric.direction == "min" else "rises above"
            found.add(
                at + (key,),
                f"Azure ML alerts only when {check.metric} {side} its threshold; write {metric.direction}: "
                f"instead of {key}, {LOCAL_INSTEAD}",
            )
        elif check.bound == 0 and metric.direction == "max":
            found.add(
                at + (key,),
                f"azure-ai-ml drops a threshold of 0, so Azure ML would not check {check.metric} at all; "
                "give a bound above 0",
            )
    windows = resolved.windows
    if not windows.regular and windows.window_length is not None:
        found.add(
            base + ("schedule",),
            f"the runs of '{resolved.schedule}' are not evenly spaced, and Azure ML judges the window that ended "
            f"a fixed time (labels.wait, {policy.wait}) before each run, which is then not always one of this "
            "monitor's windows nor the run that judges it final locally; use an evenly spaced schedule (hourly, "
            f"daily, weekly, or a cron with one gap), {LOCAL_INSTEAD}",
        )
    if policy.prediction is None:
        found.add(
            base + ("model",),
            "Azure ML's model-performance signal reads a column of predicted labels and cannot threshold a "
            "probability; add model.prediction (the predicted label's column)",
        )
    if policy.id is None:
        found.add(
            base + ("model",),
            "Azure ML joins predictions to ground truth on a correlation id column; add model.id (a deployment's "
            "data collector writes it as correlationid)",
        )
    _check_labels(found, resolved, monitor)


def _check_labels(found: _Collector, resolved: ResolvedMonitor, monitor: Monitor) -> None:
    """Azure reads the ground truth landed by each run as an mltable and judges each window once."""
    policy = resolved.performance
    assert policy is not None
    base: Path = ("monitors", resolved.name, "labels")
    labels = monitor.labels
    if labels is None or labels.data is None:
        found.add(
            ("monitors", resolved.name, "model"),
            "Azure ML's model-performance signal needs ground truth; add labels: {data: azureml:NAME:VERSION, "
            "label: COLUMN}",
        )
        return
    try:
        parse_data_ref(labels.data, local_allowed=False)
    except DataRefError as exc:
        found.add(
            base + ("data",),
            f"{exc}; Azure ML reads ground truth that keeps arriving from a registered mltable data asset "
            "(or a folder with an MLTable file), so register the labels as one",
        )
    if labels.format == "sagemaker-ground-truth":
        found.add(
            base + ("format",),
            "Azure ML reads ground truth from an mltable with an id and a label column, not SageMaker's "
            "groundTruthData records; write them as rows (id, label) and set labels.id and labels.label",
        )
    if policy.label is None:
        found.add(base, "Azure ML needs the ground truth's label column; add labels.label")
    for key in ("timestamp_column", "columns", "storage_options"):
        if _explicit(labels, key) and getattr(labels, key):
            found.add(
                base + (key,),
                "Azure ML reads the ground truth as the mltable asset defines it (its columns, its timestamp, "
                f"the workspace's datastore credentials); remove {key}",
            )
    if policy.min_coverage < 1:
        found.add(
            base + ("min_coverage",),
            f"Azure ML judges each window once, labels.wait ({policy.wait}) after it ends, with the ground "
            f"truth landed by then; it cannot judge a window early once {policy.min_coverage:g} of it is "
            f"labelled. Remove min_coverage (1.0: final when every prediction is labelled or wait has passed), "
            f"{LOCAL_INSTEAD}",
        )


# -- alerts --------------------------------------------------------------------------------------------


def _check_alert(found: _Collector, resolved: ResolvedMonitor, alert: AlertRule) -> None:
    path: Path = ("monitors", resolved.name, "alerts", alert.index)
    if alert.when == "metric":
        found.add(
            path + ("when",),
            "Azure ML alerts when a signal breaches its thresholds, not on one feature's metric value; "
            "use when: drift with the threshold under checks.drift",
        )
    if alert.when == "drift":
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
    if alert.when == "performance":
        _check_performance_alert(found, resolved, alert)
    if alert.when == "prediction_drift":
        _check_prediction_drift_alert(found, resolved, alert)
    if alert.when == "violation":
        if not resolved.quality.enabled:
            found.add(path + ("when",), "alerts on violations but checks.quality is disabled")
        if alert.check_types:
            found.add(
                path + ("check_types",),
                "Azure ML alerts on any breached data-quality metric of the signal; remove check_types",
            )


def _check_performance_alert(found: _Collector, resolved: ResolvedMonitor, alert: AlertRule) -> None:
    """Azure alerts on a window once, wait after its end, when any checked metric breaches."""
    path: Path = ("monitors", resolved.name, "alerts", alert.index)
    policy = resolved.performance
    if policy is None or not policy.enabled or not policy.checks:
        return  # core refuses a performance alert without performance checks
    if alert.judged != "final":
        what = (
            "on an estimate before labels land (Azure ML has no estimate)"
            if alert.judged == "estimate"
            else "on a provisional judgement while labels are still landing"
        )
        found.add(
            path + ("judged",),
            f"Azure ML judges each window once, labels.wait ({policy.wait}) after it ends, and cannot alert {what}; "
            f"remove judged (final), {LOCAL_INSTEAD}",
        )
    checked = {check.metric for check in policy.checks}
    if alert.metrics is not None and not checked <= set(alert.metrics):
        found.add(
            path + ("metrics",),
            "Azure ML alerts when any metric of the model-performance signal breaches its threshold "
            f"({', '.join(sorted(checked))}), not on some of them; remove metrics, or check only "
            f"{', '.join(alert.metrics)}",
        )


def _check_prediction_drift_alert(found: _Collector, resolved: ResolvedMonitor, alert: AlertRule) -> None:
    """Azure's prediction-drift signal measures every column of the model's outputs data."""
    path: Path = ("monitors", resolved.name, "alerts", alert.index, "when")
    if resolved.performance is None:
        return  # core refuses prediction drift without a model
    if not resolved.prediction_drift_rules():
        found.add(path, "alerts on prediction drift but drift is off for every output column of the model")
        return
    if resolved.target.data is not None:
        found.add(
            path,
            "Azure ML's prediction-drift signal measures every column of the model's outputs data, and "
            "target.data holds the model's inputs too, so their drift would count as prediction drift; point "
            "target.endpoint at a deployment whose data collector keeps model_outputs apart, "
            f"{LOCAL_INSTEAD}",
        )


def _check_routing(found: _Collector, resolved: ResolvedMonitor) -> None:
    """Azure emails one list per monitor: refuse alerts that notify different lists.

    Azure ML emails one address list whenever a signal with alerts breaches or a job fails,
    so every alert of a monitor must notify the same addresses. Notifications Azure sends
    beyond what the alerts ask for (failed jobs) are logged as a warning.
    """
    alerts = resolved.alerts
    if not alerts:
        return
    first = set(alert_emails(alerts[0]))
    apart = False
    for alert in alerts[1:]:
        here = set(alert_emails(alert))
        if here == first:
            continue
        apart = True
        extra = []
        if here - first:
            extra.append(f"{', '.join(sorted(here - first))} would also get alerts[0]'s {alerts[0].when} notifications")
        if first - here:
            extra.append(f"{', '.join(sorted(first - here))} would also get this alert's {alert.when} notifications")
        found.add(
            ("monitors", resolved.name, "alerts", alert.index, "notify"),
            "Azure ML emails all of a monitor's notifications to one address list, so "
            f"{' and '.join(extra)}. Give every alert of monitor '{resolved.name}' the same email "
            "addresses, or split it into two monitors (one with checks.quality disabled, one with "
            "checks.drift disabled), each with its own alerts",
        )
    if apart or not first or "failure" in {alert.when for alert in alerts}:
        return
    # More than asked for, not misrouted: a spec that runs on the local provider must not need
    # extra lines to run on Azure, so this is a warning.
    logger.warning(
        "monitor %s: on Azure, %s will also be emailed when a monitoring job fails (Azure ML always "
        "notifies failed jobs), which no alert of the monitor asks for; add an alert with when: "
        "failure and the same notify list to say so in the spec",
        resolved.name,
        ", ".join(sorted(first)),
    )
