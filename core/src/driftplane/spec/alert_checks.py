"""Alerts that can never fire, found before anything runs.

Each of these used to be accepted and then stay silent forever (or be caught only at run
time, on the local provider): a metric the monitor never computes for that feature, more
drifting features than the alert can see, a feature the monitor excludes, an alert on drift
with drift checks turned off. The clouds are worse off than the local provider: an alarm on
a metric nobody publishes is simply never triggered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftplane.errors import Problem
from driftplane.spec.problems import SourceMap, suggest_then

if TYPE_CHECKING:
    from driftplane.resolved import Rules
    from driftplane.spec.models import Alert, Monitor, Spec

Path = tuple[str | int, ...]


def drift_metrics_for(monitor: Monitor, feature: str) -> list[str]:
    """The drift metric(s) a run can compute for ``feature``, decided as the run decides them
    (driftplane.resolved): its declared kind's (a per-feature ``kind``, features.categorical,
    features.numerical), with a per-feature metric where it applies to that kind; either
    kind's when only the data can tell."""
    rules = _rules(monitor)
    return rules.drift.metrics_possible(feature, rules.features.kind(feature))


def _rules(monitor: Monitor) -> Rules:
    from driftplane.resolved import resolve_rules

    return resolve_rules(monitor.checks, monitor.features)


def alert_problems(spec: Spec, source: SourceMap | None = None) -> list[Problem]:
    """Every alert of the spec that could never fire, located to the key that makes it so."""
    problems: list[Problem] = []
    for name, monitor in spec.monitors.items():
        for index, alert in enumerate(monitor.alerts):
            path: Path = ("monitors", name, "alerts", index)
            for where, message in _alert_problems(monitor, alert):
                full = path + where
                problems.append(source.problem(full, message) if source is not None else Problem(full, message))
    return problems


def _alert_problems(monitor: Monitor, alert: Alert) -> list[tuple[Path, str]]:
    drift = monitor.checks.drift
    if alert.when in ("drift", "metric") and not drift.enabled:
        return [
            (
                ("when",),
                f"an alert on {alert.when} can never fire: this monitor's drift checks are off "
                "(checks.drift.enabled: false); turn them on or remove the alert",
            )
        ]
    found: list[tuple[Path, str]] = []
    named: list[tuple[Path, str]] = []
    if alert.features:
        named = [(("features", i), feature) for i, feature in enumerate(alert.features)]
    elif alert.feature is not None:
        named = [(("feature",), alert.feature)]
    for where, feature in named:
        problem = _unwatched(monitor, feature)
        if problem is not None:
            found.append((where, problem))
    if alert.when == "drift":
        include = monitor.features.include
        pool = alert.features if alert.features else include
        if pool is not None and alert.min_features > len(set(pool)):
            scope = "the alert's features" if alert.features else "features.include"
            found.append(
                (
                    ("min_features",),
                    f"min_features is {alert.min_features}, but only {len(set(pool))} feature(s) can drift "
                    f"({scope}: {', '.join(pool)}), so this alert can never fire; lower min_features to at most "
                    f"{len(set(pool))}",
                )
            )
    if alert.when == "metric" and alert.metric is not None and alert.feature is not None:
        computed = drift_metrics_for(monitor, alert.feature)
        if alert.metric not in computed:
            found.append((("metric",), _metric_never_computed(monitor, alert.feature, alert.metric, computed)))
    return found


def _metric_never_computed(monitor: Monitor, feature: str, metric: str, computed: list[str]) -> str:
    """Why ``metric`` is never computed for ``feature``, and what to do instead."""
    from driftplane.resolved import metrics_for

    never = f"'{metric}' is never computed for '{feature}': its drift metric is {' or '.join(computed)}, by kind"
    kind = _rules(monitor).features.kind(feature)
    if kind is None:
        return f"{never}; remove 'metric' to watch that, or set checks.drift.features.{feature}.metric: {metric}"
    declared = f"the spec declares it {kind} ({_declared_by(monitor, feature)})"
    if metric not in metrics_for(kind):
        return (
            f"{never}: {declared}, and {metric} does not apply to {kind} features; remove 'metric' to "
            f"watch {computed[0]}, or use one of {', '.join(metrics_for(kind))}"
        )
    return (
        f"{never}: {declared}; remove 'metric' to watch that, or set "
        f"checks.drift.features.{feature}.metric: {metric}"
    )


def _declared_by(monitor: Monitor, feature: str) -> str:
    """The key that gives ``feature`` its kind, in the order the kinds take precedence."""
    rule = monitor.checks.drift.features.get(feature)
    if rule is not None and rule.kind is not None:
        return f"checks.drift.features.{feature}.kind"
    if feature in monitor.features.categorical:
        return "features.categorical"
    return "features.numerical"


def _unwatched(monitor: Monitor, feature: str) -> str | None:
    """Why the monitor never measures ``feature``'s drift, or None when it does."""
    if feature in monitor.features.exclude:
        return f"'{feature}' is excluded from this monitor (features.exclude), so no alert can see it drift"
    include = monitor.features.include
    if include is not None and feature not in include:
        return suggest_then(
            f"'{feature}' is not among this monitor's features (features.include)",
            feature,
            include,
            f"add it to features.include or name one of: {', '.join(include)}",
        )
    rule = monitor.checks.drift.features.get(feature)
    if rule is not None and not rule.enabled:
        return (
            f"the drift check of '{feature}' is off "
            f"(checks.drift.features.{feature}.enabled: false), so it never drifts"
        )
    return None
