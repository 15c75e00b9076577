"""A schedule's recent monitoring runs read back as driftplane RunResults.

Azure ML runs each monitor as a pipeline job. A signal whose features breach their
thresholds fails the job, and Azure's threshold evaluation writes what breached into tags:
``azureml_modelmonitor_threshold_breached`` on the signal's run and, when the monitor
notifies by email, ``azureml.modelmonitor.threshold.breached.<signal>`` on the pipeline job
that ``jobs.list`` returns. Both hold the same text: "The signal '<signal>' has failed due to
one or more features violating metric thresholds", then one JSON row per feature
(``group`` = feature, ``metric_name``, ``metric_value``, ``threshold_value``). Those rows
become FeatureResults (drift signal), Violations (quality signal), the model's output drift
(prediction-drift signal) and failed metrics of a final performance judgement (model-performance
signal, whose rows name Azure's metric: Accuracy, Recall, ...). A job that completed
breached nothing. Row counts and the metrics of features within their thresholds live only in
the job's output files, which status does not download: rows stay 0 and features list only
what the breach text names.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from driftplane.provider import MonitorStatus
from driftplane.resolved import ResolvedMonitor
from driftplane.result import (
    Drift,
    FeatureResult,
    Kind,
    LabelCoverage,
    Performance,
    PerformanceMetric,
    Rows,
    RunResult,
    Status,
    Violation,
    Window,
)
from driftplane.windows import iso_z
from driftplane_azure.names import DRIFT_SIGNAL, QUALITY_SIGNAL, schedule_name
from driftplane_azure.performance import AZURE_PERFORMANCE, PERFORMANCE_SIGNAL, PREDICTION_DRIFT_SIGNAL
from driftplane_azure.translate import (
    AZURE_P_VALUE_METRICS,
    azure_key,
    feature_lists,
    judged_offset,
    metric_from_azure,
    needs_columns,
    performance_signal_wanted,
    prediction_drift_wanted,
)

if TYPE_CHECKING:
    from driftplane_azure.workspace import Session

logger = logging.getLogger(__name__)

BREACH_TAG = "azureml_modelmonitor_threshold_breached"
SIGNAL_BREACH_TAG = "azureml.modelmonitor.threshold.breached."  # + signal name, on the pipeline job
RECENT_RUNS = 5
FINISHED = {"Completed", "Failed", "Canceled", "NotResponding"}
_SIGNAL_IN_TEXT = re.compile(r"The signal '([^']+)' has failed")
_JSON_ROW = re.compile(r"\{[^{}]*\}")
# Azure's data-quality metrics -> SageMaker's constraint check types that driftplane reports.
_QUALITY_CHECKS = {
    "nullvaluerate": "completeness_check",
    "datatypeerrorrate": "data_type_check",
    "outofboundsrate": "categorical_values_check",
}


def _text(value: Any) -> str:
    """An SDK enum or string as its plain value."""
    return str(getattr(value, "value", value) or "")


def _created(job: Any) -> datetime | None:
    created = getattr(getattr(job, "creation_context", None), "created_at", None)
    if isinstance(created, datetime):
        return created if created.tzinfo else created.replace(tzinfo=UTC)
    return None


# Metrics where a value BELOW the threshold is the breach (p-values), as Azure evaluates them. A
# p-value row (a monitor made outside driftplane) keeps Azure's name, so it is not read as a distance.
_LOWER_IS_BREACH = {azure_key(name) for name in AZURE_P_VALUE_METRICS}


@dataclass(frozen=True)
class Breach:
    """One feature row of Azure's threshold-breach text."""

    signal: str
    feature: str
    metric: str
    value: float | None
    threshold: float | None


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def breaches(tags: dict[str, Any]) -> tuple[set[str], list[Breach]]:
    """The signals Azure says breached, and the feature rows its breach text lists."""
    signals: set[str] = set()
    rows: dict[tuple[str, str, str], Breach] = {}
    for key, text in tags.items():
        if key != BREACH_TAG and not key.startswith(SIGNAL_BREACH_TAG):
            continue
        named = _SIGNAL_IN_TEXT.search(str(text))
        signal = (
            key[len(SIGNAL_BREACH_TAG) :] if key.startswith(SIGNAL_BREACH_TAG) else (named.group(1) if named else "")
        )
        if signal:
            signals.add(signal)
        for raw in _JSON_ROW.findall(str(text)):
            try:
                row = json.loads(raw)
            except ValueError:
                logger.debug("skipping a breach row Azure wrote that is not JSON: %s", raw)
                continue
            if not isinstance(row, dict) or not row.get("group") or not row.get("metric_name"):
                continue
            breach = Breach(
                signal,
                str(row["group"]),
                str(row["metric_name"]),
                _number(row.get("metric_value")),
                _number(row.get("threshold_value")),
            )
            rows[(breach.signal, breach.feature, azure_key(breach.metric))] = breach
    return signals, list(rows.values())


def _kind(resolved: ResolvedMonitor, breach: Breach, metric: str) -> Kind:
    """The feature's kind: as the spec declares it, else as the row's metric and threshold tell.

    Azure writes no kind in its rows; each kind has its own metric and threshold in the
    signal, so a row whose metric or threshold is only the one kind's is that kind.
    """
    declared = resolved.features.kind(breach.feature)
    if declared is not None:
        return declared
    if azure_key(breach.metric) == "pearsonschisquaredtest":  # Azure offers it for categories only
        return "categorical"
    threshold = breach.threshold
    rules = {kind: resolved.drift.defaults[kind] for kind in ("numerical", "categorical")}
    by_metric = [kind for kind, (name, _) in rules.items() if name == metric]
    if len(by_metric) == 1:
        return by_metric[0]  # type: ignore[return-value]
    by_threshold = [kind for kind, (_, value) in rules.items() if threshold is not None and value == threshold]
    if len(by_threshold) == 1:
        return by_threshold[0]  # type: ignore[return-value]
    return "numerical"


def _feature(resolved: ResolvedMonitor, breach: Breach) -> FeatureResult:
    """A drift row as a FeatureResult; drifted as Azure decides it (p-values breach below)."""
    squashed = azure_key(breach.metric)
    own = tuple(resolved.drift.defaults[kind][0] for kind in ("numerical", "categorical"))
    metric = metric_from_azure(breach.metric, own) or breach.metric
    kind = _kind(resolved, breach, metric)
    threshold = breach.threshold
    if threshold is None:
        threshold = resolved.drift.rule(breach.feature, kind).threshold
    drifted = False
    if breach.value is not None:
        drifted = breach.value < threshold if squashed in _LOWER_IS_BREACH else breach.value > threshold
    return FeatureResult(
        name=breach.feature,
        kind=kind,
        drift=Drift(metric=metric, value=breach.value, threshold=threshold, drifted=drifted),
    )


def _output_drift(resolved: ResolvedMonitor, breach: Breach) -> FeatureResult:
    """A prediction-drift row as a FeatureResult, with the output column's kind as core decides it."""
    result = _feature(resolved, breach)
    rule = next((r for r in resolved.prediction_drift_rules() if r.feature == breach.feature), None)
    return result if rule is None else result.model_copy(update={"kind": rule.kind})


def _performance(resolved: ResolvedMonitor, rows: list[Breach], window: Window | None) -> Performance | None:
    """The performance signal's breached rows as a final judgement of the window ``labels.wait``
    before the run's; Azure reports no label coverage and no values within their thresholds."""
    policy = resolved.performance
    if policy is None or not rows:
        return None
    by_azure = {azure_key(m.name): (name, m) for name, m in AZURE_PERFORMANCE[policy.problem_type].items()}
    metrics = []
    for row in rows:
        name, metric = by_azure.get(azure_key(row.metric), (row.metric, None))
        direction = metric.direction if metric is not None else None
        failed = row.value is not None and row.threshold is not None and (
            row.value < row.threshold if direction == "min" else row.value > row.threshold
        )
        metrics.append(
            PerformanceMetric(name=name, value=row.value, threshold=row.threshold, direction=direction, failed=failed)
        )
    messages = ["Azure ML reports only the metrics that breached their thresholds, and no label coverage"]
    if window is not None:
        latency = resolved.windows.latency
        tick = latency.after(window.end) if latency is not None else window.end
        end = judged_offset(resolved).before(tick)
        start = end - (window.end - window.start)
        messages.append(
            f"Azure ML judged the predictions of {iso_z(start)} to {iso_z(end)} (labels.wait {policy.wait}), "
            "with the labels landed by the run"
        )
    return Performance(
        problem_type=policy.problem_type,
        judged="final",
        coverage=LabelCoverage(predictions=0, labelled=0),
        metrics=metrics,
        messages=messages,
    )


def _violation(breach: Breach) -> Violation | None:
    """A quality row as a Violation, when its value is above its threshold."""
    if breach.value is None or breach.threshold is None or breach.value <= breach.threshold:
        return None
    return Violation(
        feature_name=breach.feature,
        constraint_check_type=_QUALITY_CHECKS.get(azure_key(breach.metric), breach.metric),
        description=(
            f"{breach.metric} {breach.value:g} is above the threshold {breach.threshold:g} "
            f"(Azure ML {breach.signal})"
        ),
    )


def run_result(session: Session, resolved: ResolvedMonitor, job: Any) -> RunResult:
    """One finished monitoring job as a RunResult.

    Its window is the one the schedule's tick at or before the job's creation reads (the
    resolved window rule, as the schedule's lookback window and offset say it to Azure).
    """
    created = _created(job)
    window = resolved.windows.for_tick(resolved.windows.latest_tick(created)) if created is not None else None
    tags = {**(getattr(job, "properties", None) or {}), **(getattr(job, "tags", None) or {})}
    status = _text(getattr(job, "status", None))
    messages = [f"Azure ML job {job.name} ({status})"]
    studio = getattr(job, "studio_url", None)
    if studio:
        messages.append(f"details in Azure ML studio: {studio}")
    signals = monitor_signals(resolved)
    breached, rows = breaches(tags)
    features = [_feature(resolved, b) for b in rows if b.signal == DRIFT_SIGNAL]
    violations = [v for b in rows if b.signal == QUALITY_SIGNAL and (v := _violation(b)) is not None]
    outputs = [_output_drift(resolved, b) for b in rows if b.signal == PREDICTION_DRIFT_SIGNAL]
    performance = _performance(resolved, [b for b in rows if b.signal == PERFORMANCE_SIGNAL], window)
    error: str | None = None
    if status == "Completed":
        messages.extend(f"{signal}: within thresholds" for signal in signals)
        verdict: Status = "ok"
    elif breached or rows:
        named = [s for s in signals if s in breached] or signals
        if not breached:
            messages.append("Azure ML reported a threshold breach without naming the signal")
        messages.extend(f"{signal}: thresholds breached" for signal in named)
        drift = DRIFT_SIGNAL in named or any(f.drift is not None and f.drift.drifted for f in features)
        verdict = RunResult.status_for(drift, QUALITY_SIGNAL in named or bool(violations))
    else:
        verdict = "failed"
        error = f"the monitoring job ended {status}; open it in Azure ML studio for the log"
    checked = [f for f in features if f.drift is not None]
    return RunResult(
        monitor=resolved.name,
        window=window,
        rows=Rows(baseline=0, target=0),
        status=verdict,
        features=features,
        violations=violations,
        drift_share=_drift_share(resolved, checked),
        provider="azure",
        started_at=created,
        messages=messages,
        error=error,
        performance=performance,
        prediction_drift=outputs,
    )


def _drift_share(resolved: ResolvedMonitor, checked: list[FeatureResult]) -> float | None:
    """Drifted over checked features, known only when the spec lists the features Azure checks."""
    if not checked or needs_columns(resolved) or resolved.features.include is None:
        return None
    watched = feature_lists(resolved).drift
    if not isinstance(watched, list) or not watched:
        return None
    drifted = sum(1 for f in checked if f.drift is not None and f.drift.drifted)
    return drifted / len(watched)


def monitor_signals(resolved: ResolvedMonitor) -> list[str]:
    """The signals the monitor's schedule has (as ``translate`` builds them)."""
    out = []
    if resolved.drift.enabled:
        out.append(DRIFT_SIGNAL)
    if resolved.quality.enabled:
        out.append(QUALITY_SIGNAL)
    if performance_signal_wanted(resolved):
        out.append(PERFORMANCE_SIGNAL)
    target = resolved.target
    if resolved.performance is not None and prediction_drift_wanted(
        resolved, target.endpoint is not None and target.data is None
    ):
        out.append(PREDICTION_DRIFT_SIGNAL)
    return out


def monitor_status(session: Session, monitor_name: str) -> MonitorStatus:
    """The schedule's state and its recent finished runs, most recent first."""
    resolved = session.resolved(monitor_name)
    name = schedule_name(session.settings, monitor_name)
    existing = session.schedule(name)
    if existing is None:
        return MonitorStatus(
            monitor=monitor_name, provider="azure", state="not deployed", schedule=str(resolved.schedule)
        )
    state = "scheduled" if existing._is_enabled is not False else "disabled"
    provisioning = _text(getattr(existing, "provisioning_state", None))
    if provisioning.lower().endswith("failed"):
        state = "failing"
    with session.errors(f"listing the runs of schedule '{name}'"):
        jobs = list(session.ml.jobs.list(schedule_defined=True, scheduled_job_name=name))
    finished = [j for j in jobs if j is not None and _text(getattr(j, "status", None)) in FINISHED]
    finished.sort(key=lambda j: _created(j) or datetime.min.replace(tzinfo=UTC), reverse=True)
    runs = [run_result(session, resolved, job) for job in finished[:RECENT_RUNS]]
    running = [j.name for j in jobs if j is not None and _text(getattr(j, "status", None)) not in FINISHED]
    next_run = resolved.schedule.next_after(datetime.now(UTC)) if state == "scheduled" else None
    return MonitorStatus(
        monitor=monitor_name,
        provider="azure",
        state=state,
        schedule=str(resolved.schedule),
        next_run=next_run,
        runs=runs,
        details={
            "schedule": name,
            "workspace": session.scope.workspace,
            "provisioning_state": provisioning or None,
            "running": running,
        },
    )
