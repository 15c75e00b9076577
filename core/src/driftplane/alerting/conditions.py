"""Alert conditions over a RunResult, each with a reason a person understands.

Conditions are judged on the resolved alert (``driftplane.resolved.AlertRule``), the same
object every provider translates, so the local verdict and a cloud's alarm read one rule.
The reason is what a notification says, so it names features, values and thresholds:
"2 features drifted: age (normalized_wasserstein 0.21 > 0.1), plan (jensen_shannon 0.14 > 0.1)".
"""

from __future__ import annotations

from typing import NamedTuple

from driftplane.alerting.findings import violation_finding
from driftplane.alerting.notification import LISTED
from driftplane.resolved import AlertRule
from driftplane.result import Drift, FeatureResult, PerformanceMetric, RunResult, Violation

# The judgements each ``judged:`` level of a performance alert fires on.
JUDGEMENTS_FOR = {
    "final": ("final",),
    "provisional": ("final", "provisional"),
    "estimate": ("final", "provisional", "estimated"),
}


class Evaluation(NamedTuple):
    """Whether an alert's condition holds for a result, and why (or why not)."""

    firing: bool
    reason: str


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3g}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _drift_detail(drift: Drift) -> str:
    applied = drift.effective_threshold
    if applied is None or applied == drift.threshold:
        limit = _number(drift.threshold)
    else:
        limit = f"{_number(applied)} (set {_number(drift.threshold)}, raised for the sample size)"
    return f"{drift.metric} {_number(drift.value)} > {limit}"


def describe_features(features: list[FeatureResult]) -> str:
    """'age (normalized_wasserstein 0.21 > 0.1), ...' with the largest values first."""
    ordered = sorted(features, key=lambda f: -(f.drift.value or 0.0) if f.drift else 0.0)
    parts = [f"{f.name} ({_drift_detail(f.drift)})" for f in ordered[:LISTED] if f.drift]
    if len(ordered) > LISTED:
        parts.append(f"and {len(ordered) - LISTED} more")
    return ", ".join(parts)


def describe_violations(violations: list[Violation]) -> str:
    """'completeness_check on age (12% missing), categorical_values_check on state (...)': what was found."""
    parts = [violation_finding(v) for v in violations[:LISTED]]
    if len(violations) > LISTED:
        parts.append(f"and {len(violations) - LISTED} more")
    return ", ".join(parts)


def _drift(alert: AlertRule, result: RunResult) -> Evaluation:
    drifted = result.drifted_features
    scope = ""
    missing: list[str] = []
    if alert.features:
        watched = set(alert.features)
        drifted = [f for f in drifted if f.name in watched]
        present = {f.name for f in result.features}
        missing = [name for name in alert.features if name not in present]
        scope = f" among {', '.join(alert.features)}"
    needed = alert.min_features
    note = f" (not in this run: {', '.join(missing)})" if missing else ""
    if len(drifted) >= needed:
        return Evaluation(
            True, f"{_plural(len(drifted), 'feature')} drifted{scope}: {describe_features(drifted)}{note}"
        )
    if not drifted:
        return Evaluation(False, f"no feature drifted{scope}{note}")
    return Evaluation(
        False,
        f"{_plural(len(drifted), 'feature')} drifted{scope} ({describe_features(drifted)}), "
        f"fewer than the {needed} this alert needs{note}",
    )


def _violation(alert: AlertRule, result: RunResult) -> Evaluation:
    found = result.violations
    scope = ""
    if alert.check_types:
        wanted = set(alert.check_types)
        found = [v for v in found if v.constraint_check_type in wanted]
        scope = f" of type {', '.join(alert.check_types)}"
    if found:  # what was found; the types the alert watches are in its definition, not news
        return Evaluation(True, f"{_plural(len(found), 'violation')}: {describe_violations(found)}")
    return Evaluation(False, f"no violations{scope}")


def _metric(alert: AlertRule, result: RunResult) -> Evaluation:
    name = alert.feature
    feature = next((f for f in result.features if f.name == name), None)
    if feature is None:
        return Evaluation(False, f"feature {name} is not in this run's results, so its metric was not checked")
    drift = feature.drift
    if drift is None or drift.value is None:
        return Evaluation(False, f"feature {name} has no drift value in this run (no rows, or drift not checked)")
    if alert.metric is not None and alert.metric != drift.metric:
        return Evaluation(
            False,
            f"feature {name} was measured with {drift.metric}, not {alert.metric}; set the monitor's "
            f"drift metric for {name} to {alert.metric} or remove 'metric' from the alert",
        )
    value = drift.value
    if alert.above is not None and value > alert.above:
        return Evaluation(True, f"{name} {drift.metric} is {_number(value)}, above {alert.above:g}")
    if alert.below is not None and value < alert.below:
        return Evaluation(True, f"{name} {drift.metric} is {_number(value)}, below {alert.below:g}")
    bounds = " and ".join(
        b
        for b in (
            f"not above {alert.above:g}" if alert.above is not None else "",
            f"not below {alert.below:g}" if alert.below is not None else "",
        )
        if b
    )
    return Evaluation(False, f"{name} {drift.metric} is {_number(value)}, {bounds}")


def judgeable(alert: AlertRule, result: RunResult) -> bool:
    """Whether ``result`` can change ``alert``'s state: a performance alert waits for a judgement of
    its level (a provisional window neither fires nor resolves an alert on final judgements)."""
    if alert.when != "performance":
        return True
    performance = result.performance
    return performance is not None and performance.judged in JUDGEMENTS_FOR[alert.judged]


def _metric_words(metric: PerformanceMetric) -> str:
    text = f"{metric.name} {_number(metric.value)}"
    if metric.threshold is not None:
        text += f" {'<' if metric.direction == 'min' else '>'} {metric.threshold:.3g}"
        if metric.baseline is not None:
            text += f" (baseline {_number(metric.baseline)})"
    if metric.estimated and metric.lower is not None and metric.upper is not None:
        text += f", estimated [{_number(metric.lower)}, {_number(metric.upper)}]"
    return text


def _performance(alert: AlertRule, result: RunResult) -> Evaluation:
    performance = result.performance
    if performance is None:
        return Evaluation(False, "this run has no model-quality judgement")
    share = performance.coverage.share
    how = f"{performance.judged}, {share:.0%} labelled" if share is not None else performance.judged
    if performance.judged not in JUDGEMENTS_FOR[alert.judged]:
        return Evaluation(False, f"the window is judged {how}; this alert waits for a {alert.judged} judgement")
    metrics = performance.realised if performance.judged in ("final", "provisional") else performance.estimates
    if alert.metrics:
        metrics = [m for m in metrics if m.name in alert.metrics]
    failed = [m for m in metrics if m.failed]
    scope = f" among {', '.join(alert.metrics)}" if alert.metrics else ""
    if failed:
        listed = "; ".join(_metric_words(m) for m in failed[:LISTED])
        more = f"; and {len(failed) - LISTED} more" if len(failed) > LISTED else ""
        return Evaluation(True, f"{_plural(len(failed), 'performance check')} failed{scope} ({how}): {listed}{more}")
    return Evaluation(False, f"every performance check passed{scope} ({how})")


def _prediction_drift(alert: AlertRule, result: RunResult) -> Evaluation:
    drifted = [f for f in result.prediction_drift if f.drift is not None and f.drift.drifted]
    if drifted:
        return Evaluation(True, f"the model's output drifted: {describe_features(drifted)}")
    if not result.prediction_drift:
        return Evaluation(False, "this run measured no model output")
    return Evaluation(False, "the model's output did not drift")


def evaluate(alert: AlertRule, result: RunResult) -> Evaluation:
    """Whether ``alert`` fires for ``result``, with the reason in words.

    A failed run only answers ``failure`` alerts; the others cannot be judged on it (and
    the local provider keeps their state as it was).
    """
    if alert.when == "failure":
        if result.status == "failed":
            return Evaluation(True, f"the run failed: {result.error or 'no reason was given'}")
        return Evaluation(False, "the run succeeded")
    if result.status == "failed":
        return Evaluation(False, f"the run failed, so '{alert.name}' could not be checked")
    if alert.when == "drift":
        return _drift(alert, result)
    if alert.when == "violation":
        return _violation(alert, result)
    if alert.when == "performance":
        return _performance(alert, result)
    if alert.when == "prediction_drift":
        return _prediction_drift(alert, result)
    return _metric(alert, result)
