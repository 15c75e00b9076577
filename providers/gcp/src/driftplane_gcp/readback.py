"""Read a monitor's latest runs back from Cloud Monitoring into RunResults.

Every point of one run ends at the same time, so points grouped by end time are runs. What
Cloud Monitoring keeps is numbers: status, rows, per-feature drift and the effective
threshold, violations by check type and feature, duration and the window's end. Summaries,
violation texts, the run's messages and the domain classifier stay in the run's own output;
the results say so in ``messages``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from driftplane.resolved import window_rule
from driftplane.result import Drift, FeatureResult, Rows, RunResult, Violation
from driftplane.spec.models import Monitor
from driftplane.windows import WindowRule
from driftplane_gcp import descriptors, errors
from driftplane_gcp.clients import GcpClients, call
from driftplane_gcp.names import quote
from driftplane_gcp.series import fit_label

READ_METRICS = (
    "runs",
    "rows_read",
    "violations",
    "run_duration_seconds",
    "feature_drift",
    "feature_drifted",
    "feature_drift_threshold",
    "drift_share",
    "last_window_end_timestamp_seconds",
    "feature_violations",
)
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


def lookback(monitor: Monitor, now: datetime) -> timedelta:
    """How far back to look for runs: three schedule periods, at least two days."""
    period = WindowRule(monitor.schedule).longest_gap
    return max(timedelta(days=2), 3 * period)


def _value(point: Any) -> float:
    which = type(point.value).pb(point.value).WhichOneof("value")
    return float(getattr(point.value, which)) if which else 0.0


def read_points(
    clients: GcpClients, monitor_name: str, *, prefix: str, project: str, start: datetime, end: datetime
) -> dict[datetime, _Run]:
    """Every point of the monitor's series in [start, end], grouped by end time."""
    from google.cloud import monitoring_v3 as m

    runs: dict[datetime, _Run] = {}
    interval = m.TimeInterval(start_time={"seconds": int(start.timestamp())}, end_time={"seconds": int(end.timestamp()) + 1})
    for name in READ_METRICS:
        text = f"metric.type = {quote(descriptors.metric_type(prefix, name))} AND metric.label.monitor = {quote(fit_label(monitor_name))}"
        pager = call(
            clients.metrics.list_time_series,
            doing=f"reading {name} of monitor {monitor_name}",
            api=errors.MONITORING_READER,
            project=project,
            request={"name": f"projects/{project}", "filter": text, "interval": interval, "view": m.ListTimeSeriesRequest.TimeSeriesView.FULL},
        )
        for ts in call(lambda pager=pager: list(pager), doing=f"reading {name} of monitor {monitor_name}", api=errors.MONITORING_READER, project=project):
            labels = dict(ts.metric.labels)
            for point in ts.points:
                at = datetime.fromtimestamp(point.interval.end_time.timestamp(), UTC)
                runs.setdefault(at, _Run(at)).points[name].append((labels, _value(point)))
    return runs


def _threshold(monitor: Monitor, feature: str, kind: str) -> float:
    """The configured threshold of a feature, from the spec (Cloud Monitoring keeps the effective one)."""
    drift = monitor.checks.drift
    rule = drift.features.get(feature)
    if rule is not None and rule.threshold is not None:
        return rule.threshold
    return drift.categorical.threshold if kind == "categorical" else drift.numerical.threshold


def result_from_points(run: _Run, monitor_name: str, monitor: Monitor) -> RunResult | None:
    """The RunResult one run's points describe; None when the run's points are incomplete."""
    status = next((labels.get("status") for labels, value in run.values("runs") if value >= 1), None)
    if status is None:
        return None
    features = []
    for labels, value in sorted(run.values("feature_drift"), key=lambda item: item[0].get("feature", "")):
        feature = labels.get("feature", "")
        kind = labels.get("kind", "numerical")
        kind = kind if kind in ("numerical", "categorical") else "numerical"
        drifted = run.one("feature_drifted", feature=feature)
        configured = _threshold(monitor, feature, kind)
        effective = run.one("feature_drift_threshold", feature=feature)
        features.append(
            FeatureResult(
                name=feature,
                kind=kind,
                drift=Drift(
                    metric=labels.get("metric", ""),
                    value=value,
                    threshold=configured,
                    effective_threshold=effective if effective is not None else configured,
                    drifted=bool(drifted),
                ),
            )
        )
    violations = _violations(run)
    window = None
    ended = run.one("last_window_end_timestamp_seconds")
    if ended is not None:
        end = datetime.fromtimestamp(ended, UTC)
        rule = window_rule(monitor)
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
    return RunResult(
        monitor=monitor_name,
        window=window,
        rows=Rows(
            baseline=int(run.one("rows_read", side="baseline") or 0), target=int(run.one("rows_read", side="target") or 0)
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
                    f"{check} failed{f' for {feature}' if feature else ''} "
                    "(the description is in the run's own output)"
                ),
            )
            for feature in features
        ]
    return out


def latest_runs(
    clients: GcpClients,
    monitor_name: str,
    monitor: Monitor,
    *,
    prefix: str,
    project: str,
    now: datetime | None = None,
    limit: int = 5,
) -> list[RunResult]:
    """The monitor's latest runs, most recent first."""
    now = now or datetime.now(UTC)
    runs = read_points(clients, monitor_name, prefix=prefix, project=project, start=now - lookback(monitor, now), end=now)
    results = []
    for at in sorted(runs, reverse=True):
        result = result_from_points(runs[at], monitor_name, monitor)
        if result is not None:
            results.append(result)
        if len(results) >= limit:
            break
    return results
