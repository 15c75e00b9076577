"""``status``: each monitor's scheduled job and its latest runs, read back from Cloud Monitoring.

Every point of one run ends at the same time, so points grouped by end time are runs. What
Cloud Monitoring keeps is numbers: status, rows, per-feature drift with the configured and
the applied threshold the run published, violations by check type and feature, duration and
the window's end. Nothing is re-decided from the spec: the thresholds are the run's own, and
the window is the resolved window rule's for that end. A monitor with a model also reads its
window's judgement and its prediction drift, and each earlier window the run judged again.
Summaries, violation texts, the run's messages and the domain classifier stay in the run's
own output; the results say so in ``messages``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from driftplane.provider import MonitorStatus, selected_monitors
from driftplane.resolved import ResolvedMonitor, resolve_monitor
from driftplane.result import (
    Drift,
    FeatureResult,
    Kind,
    LabelCoverage,
    Performance,
    PerformanceMetric,
    Rows,
    RunResult,
    Violation,
)
from driftplane.spec.models import Spec
from driftplane.windows import iso_z
from driftplane_gcp import descriptors, errors
from driftplane_gcp.clients import GcpClients, call
from driftplane_gcp.descriptors import WINDOW_LABEL
from driftplane_gcp.names import quote
from driftplane_gcp.series import fit_label
from driftplane_gcp.settings import GcpSettings

READ_METRICS = (
    "runs",
    "rows_read",
    "violations",
    "run_duration_seconds",
    "feature_drift",
    "feature_drifted",
    "feature_drift_threshold",
    "feature_drift_configured_threshold",
    "drift_share",
    "last_window_end_timestamp_seconds",
    "feature_violations",
)
# Read only for monitors that declare a model.
READ_PERFORMANCE = (
    "performance_metric",
    "performance_metric_failed",
    "performance_threshold",
    "performance_estimate",
    "performance_estimate_lower",
    "performance_estimate_upper",
    "label_coverage_ratio",
    "labelled_predictions",
    "predictions",
    "prediction_drift",
    "prediction_drifted",
    "prediction_drift_threshold",
)
REJUDGED_NOTE = "judged again as labels land; input drift and data quality are those of the window's own run"
NOTE = (
    "read back from Cloud Monitoring, which keeps the numbers of a run: per-feature summaries, "
    "violation descriptions, the run's messages and the domain classifier's result are in the "
    "output of the run itself"
)


@dataclass
class _Run:
    """The points of one run, by metric name."""

    at: datetime
    points: dict[str, list[tuple[dict[str, str], float]]] = field(default_factory=lambda: defaultdict(list))

    def values(self, name: str) -> list[tuple[dict[str, str], float]]:
        return self.points.get(name, [])

    def one(self, name: str, **labels: str) -> float | None:
        for found, value in self.values(name):
            if all(found.get(k) == v for k, v in labels.items()):
                return value
        return None


def lookback(monitor: ResolvedMonitor) -> timedelta:
    """How far back to look for runs: three of the schedule's longest gaps, at least two days."""
    return max(timedelta(days=2), 3 * monitor.windows.longest_gap)


def _value(point: Any) -> float:
    which = type(point.value).pb(point.value).WhichOneof("value")
    return float(getattr(point.value, which)) if which else 0.0


def read_points(
    clients: GcpClients,
    monitor_name: str,
    *,
    prefix: str,
    project: str,
    start: datetime,
    end: datetime,
    performance: bool = False,
) -> dict[datetime, _Run]:
    """Every point of the monitor's series in [start, end], grouped by end time (model quality's too
    when ``performance``)."""
    from google.cloud import monitoring_v3 as m

    runs: dict[datetime, _Run] = {}
    interval = m.TimeInterval(
        start_time={"seconds": int(start.timestamp())}, end_time={"seconds": int(end.timestamp()) + 1}
    )
    for name in READ_METRICS + (READ_PERFORMANCE if performance else ()):
        text = (
            f"metric.type = {quote(descriptors.metric_type(prefix, name))} "
            f"AND metric.label.monitor = {quote(fit_label(monitor_name))}"
        )
        pager = call(
            clients.metrics.list_time_series,
            doing=f"reading {name} of monitor {monitor_name}",
            api=errors.MONITORING_READER,
            project=project,
            request={
                "name": f"projects/{project}",
                "filter": text,
                "interval": interval,
                "view": m.ListTimeSeriesRequest.TimeSeriesView.FULL,
            },
        )
        for ts in call(
            lambda pager=pager: list(pager),
            doing=f"reading {name} of monitor {monitor_name}",
            api=errors.MONITORING_READER,
            project=project,
        ):
            labels = dict(ts.metric.labels)
            for point in ts.points:
                at = datetime.fromtimestamp(point.interval.end_time.timestamp(), UTC)
                runs.setdefault(at, _Run(at)).points[name].append((labels, _value(point)))
    return runs


def _thresholds(run: _Run, monitor: ResolvedMonitor, feature: str, kind: Kind) -> tuple[float, float]:
    """(configured, applied) threshold of a feature, as the run published them.

    A run written before driftplane published the configured threshold has only the
    applied one; its configured threshold is then the resolved rule's, and never above the
    applied one it was raised to.
    """
    applied = run.one("feature_drift_threshold", feature=feature)
    configured = run.one("feature_drift_configured_threshold", feature=feature)
    if configured is None:
        configured = monitor.drift.rule(feature, kind).threshold
        if applied is not None:
            configured = min(configured, applied)
    return configured, applied if applied is not None else configured


def result_from_points(run: _Run, monitor: ResolvedMonitor) -> RunResult | None:
    """The RunResult one run's points describe; None when the run's points are incomplete."""
    status = next((labels.get("status") for labels, value in run.values("runs") if value >= 1), None)
    if status is None:
        return None
    features = []
    for labels, value in sorted(run.values("feature_drift"), key=lambda item: item[0].get("feature", "")):
        feature = labels.get("feature", "")
        kind: Kind = "categorical" if labels.get("kind") == "categorical" else "numerical"
        drifted = run.one("feature_drifted", feature=feature)
        configured, effective = _thresholds(run, monitor, feature, kind)
        features.append(
            FeatureResult(
                name=feature,
                kind=kind,
                drift=Drift(
                    metric=labels.get("metric", ""),
                    value=value,
                    threshold=configured,
                    effective_threshold=effective,
                    drifted=bool(drifted),
                ),
            )
        )
    violations = _violations(run)
    window = None
    ended = run.one("last_window_end_timestamp_seconds")
    if ended is not None:
        end = datetime.fromtimestamp(ended, UTC)
        rule = monitor.windows  # the window of the tick whose window ends at `end`
        window = rule.for_tick(rule.latency.after(end) if rule.latency is not None else end)
    duration = run.one("run_duration_seconds")
    checked = [f for f in features if f.drift is not None and f.drift.value is not None]
    drift_share = run.one("drift_share")
    dataset_drift = (
        {
            "drifted_features": sum(1 for f in checked if f.drift is not None and f.drift.drifted),
            "checked_features": len(checked),
            "share": drift_share,
        }
        if status != "failed"
        else None
    )
    performance = None
    if window is not None and status != "failed":
        performance = _performance(run, monitor, window.end)
    return RunResult(
        monitor=monitor.name,
        window=window,
        performance=performance,
        prediction_drift=_prediction_drift(run),
        rows=Rows(
            baseline=int(run.one("rows_read", side="baseline") or 0),
            target=int(run.one("rows_read", side="target") or 0),
        ),
        status=status,
        features=features,
        violations=violations,
        drift_share=drift_share,
        dataset_drift=dataset_drift,
        provider="gcp",
        started_at=run.at - timedelta(seconds=duration) if duration is not None else None,
        duration_seconds=duration,
        messages=[NOTE],
        error=(
            "the run failed; its reason is in the run's own log (Cloud Run job execution logs for scheduled runs)"
            if status == "failed"
            else None
        ),
    )


def _performance(run: _Run, monitor: ResolvedMonitor, window_end: datetime) -> Performance | None:
    """The judgement of the window ending at ``window_end`` that the run wrote, if any.

    Its realised metrics are under the judgement (final or provisional), its estimates under
    ``estimated``; a window with estimates only was judged ``estimated``. The labelled baseline's
    values are not written, so ``baseline`` stays empty; a check's direction is the monitor's.
    """
    policy = monitor.performance
    if policy is None:
        return None
    end = iso_z(window_end)

    def of(name: str, judged: str | None = None) -> list[tuple[dict[str, str], float]]:
        return [
            (labels, value)
            for labels, value in run.values(name)
            if labels.get(WINDOW_LABEL) == end and (judged is None or labels.get("judged") == judged)
        ]

    kinds = {labels.get("judged", "") for labels, _ in of("predictions")}
    judged = next((k for k in ("final", "provisional") if k in kinds), "estimated" if "estimated" in kinds else None)
    if judged is None:
        return None

    def one(name: str, kind: str, metric: str) -> float | None:
        return next((v for labels, v in of(name, kind) if labels.get("metric") == metric), None)

    metrics = []
    for kind, name in ((judged, "performance_metric"), ("estimated", "performance_estimate")):
        if kind == "estimated" and name == "performance_metric":
            continue
        for labels, value in of(name, kind):
            metric = labels.get("metric", "")
            check = policy.check(metric)
            threshold = one("performance_threshold", kind, metric)
            metrics.append(
                PerformanceMetric(
                    name=metric,
                    value=value,
                    estimated=name == "performance_estimate",
                    lower=one("performance_estimate_lower", kind, metric),
                    upper=one("performance_estimate_upper", kind, metric),
                    threshold=threshold,
                    direction=check.direction if check is not None and threshold is not None else None,
                    failed=bool(one("performance_metric_failed", kind, metric)),
                )
            )
    predictions = next((v for _, v in of("predictions", judged)), 0.0)
    labelled = next((v for _, v in of("labelled_predictions", judged)), 0.0)
    share = next((v for _, v in of("label_coverage_ratio", judged)), None)
    return Performance(
        problem_type=policy.problem_type,
        judged=judged,
        coverage=LabelCoverage(predictions=int(predictions), labelled=int(labelled), share=share),
        metrics=metrics,
    )


def _prediction_drift(run: _Run) -> list[FeatureResult]:
    """The model outputs' drift the run wrote (apart from the input features)."""
    out = []
    for labels, value in sorted(run.values("prediction_drift"), key=lambda item: item[0].get("output", "")):
        output = labels.get("output", "")
        threshold = run.one("prediction_drift_threshold", output=output)
        out.append(
            FeatureResult(
                name=output,
                kind="numerical",
                drift=Drift(
                    metric=labels.get("metric", ""),
                    value=value,
                    threshold=threshold if threshold is not None else 0.0,
                    drifted=bool(run.one("prediction_drifted", output=output)),
                ),
            )
        )
    return out


def rejudged_from_points(run: _Run, monitor: ResolvedMonitor, newest: RunResult) -> list[RunResult]:
    """The earlier windows the run judged again as labels landed, newest first, each as a result."""
    ends = {
        labels[WINDOW_LABEL] for name in ("predictions",) for labels, _ in run.values(name) if WINDOW_LABEL in labels
    }
    own = iso_z(newest.window.end) if newest.window is not None else None
    out = []
    for end_text in sorted(ends - {own}, reverse=True):
        end = datetime.fromisoformat(end_text.replace("Z", "+00:00"))
        rule = monitor.windows
        window = rule.for_tick(rule.latency.after(end) if rule.latency is not None else end)
        performance = _performance(run, monitor, end)
        if performance is None:
            continue
        out.append(
            RunResult(
                monitor=monitor.name,
                window=window,
                rows=Rows(baseline=newest.rows.baseline, target=performance.coverage.predictions),
                status="ok",
                provider="gcp",
                started_at=newest.started_at,
                performance=performance,
                messages=[REJUDGED_NOTE, NOTE],
            )
        )
    return out


def _violations(run: _Run) -> list[Violation]:
    """The run's violations: per feature where ``feature_violations`` says, the rest by check type.

    A check type's count may exceed what is named per feature (a run written by an older
    driftplane, or a violation of no single feature); those get an empty feature_name.
    """
    named: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for labels, value in run.values("feature_violations"):
        named[labels.get("check_type", "")].append((labels.get("feature", ""), int(value)))
    out = []
    for labels, value in sorted(run.values("violations"), key=lambda item: item[0].get("check_type", "")):
        check, count = labels.get("check_type", ""), int(value)
        features = [name for name, n in sorted(named.get(check, [])) for _ in range(n)][:count]
        features += [""] * (count - len(features))
        out += [
            Violation(
                feature_name=feature,
                constraint_check_type=check,
                description=(
                    f"{check} failed{f' for {feature}' if feature else ''} (the description is in the run's own output)"
                ),
            )
            for feature in features
        ]
    return out


def latest_runs(
    clients: GcpClients,
    monitor: ResolvedMonitor,
    *,
    prefix: str,
    project: str,
    now: datetime | None = None,
    limit: int = 5,
) -> list[RunResult]:
    """The monitor's latest runs, most recent first."""
    now = now or datetime.now(UTC)
    runs = read_points(
        clients,
        monitor.name,
        prefix=prefix,
        project=project,
        start=now - lookback(monitor),
        end=now,
        performance=monitor.performance is not None,
    )
    results = []
    for at in sorted(runs, reverse=True):
        result = result_from_points(runs[at], monitor)
        if result is not None:
            results.append(result)
            if monitor.performance is not None:
                results += rejudged_from_points(runs[at], monitor, result)
        if len(results) >= limit:
            break
    return results[:limit] if monitor.performance is None else results


def _scheduler_state(clients: GcpClients, settings: GcpSettings, project: str, monitor: str) -> tuple[str, str]:
    """(job name, state) of the monitor's Cloud Scheduler job: scheduled, paused or not deployed."""
    from google.api_core import exceptions as gexc

    from driftplane_gcp.schedules import scheduler_job_name

    job_name = scheduler_job_name(project, settings.location, monitor)
    try:
        job = call(
            clients.scheduler.get_job,
            doing=f"reading Cloud Scheduler job {job_name}",
            api=errors.SCHEDULER_READER,
            project=project,
            request={"name": job_name},
        )
    except errors.Refused as exc:
        if not isinstance(exc.__cause__, gexc.NotFound):
            raise
        return job_name, "not deployed"
    return job_name, {"ENABLED": "scheduled", "PAUSED": "paused"}.get(job.state.name, job.state.name.lower())


def monitor_statuses(
    spec: Spec, clients: GcpClients, *, settings: GcpSettings, project: str, monitors: Sequence[str] | None = None
) -> list[MonitorStatus]:
    """Each selected monitor's scheduled job and latest runs."""
    now = datetime.now(UTC)
    out = []
    for name in selected_monitors(spec, monitors):
        monitor = resolve_monitor(spec, name)
        runs = latest_runs(clients, monitor, prefix=settings.metric_prefix, project=project, now=now)
        details: dict[str, Any] = {"project": project, "metric_prefix": settings.metric_prefix}
        if settings.scheduled_runs:
            details["scheduler_job"], state = _scheduler_state(clients, settings, project, name)
        else:
            state = "runs on demand" if runs else "no runs yet"
        out.append(
            MonitorStatus(
                monitor=name,
                provider="gcp",
                state=state,
                schedule=monitor.schedule.keyword or monitor.schedule.cron,
                next_run=monitor.schedule.next_after(now) if state == "scheduled" else None,
                runs=runs,
                details=details,
            )
        )
    return out
