"""The resolved monitor: everything a monitor means, decided once from the spec.

A spec says things indirectly: a feature's metric comes from its own rule or its kind's
default, its kind from a rule, a list or the data; a window from the target, the schedule
and the latency; a channel from a name, a shorthand or an inline definition. Each of these
is decided here, once, and every provider translates the answer (the local runner, the AWS
and GCP jobs, the SageMaker, Azure and Cloud Monitoring translators). None re-reads the
raw spec for them, so one spec means the same thing on every provider.

    resolved = resolve_monitor(spec, "churn")
    resolved.windows.latest()                  # the window a run now reads
    resolved.features.kind("plan", "String")   # categorical
    resolved.drift.rule("age", "numerical")    # metric, configured threshold, noise rule
    resolved.alerts[0].channels[0].type        # "email"
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from driftplane import drift_metrics
from driftplane.columns import NUMERIC_TYPES, TEXT_TYPES, TIMESTAMP_COLUMN
from driftplane.errors import SpecError
from driftplane.result import Kind, Window
from driftplane.spec.durations import Duration
from driftplane.spec.models import (
    Alert,
    Baseline,
    Checks,
    DataSource,
    FeatureSelection,
    FixedWindow,
    Labels,
    Monitor,
    PerformanceChecks,
    QualityChecks,
    Spec,
    Target,
)
from driftplane.spec.schedules import Schedule
from driftplane.windows import WindowRule

if TYPE_CHECKING:
    from driftplane.alerting.targets import ChannelTarget



# -- features --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeaturePolicy:
    """Which columns are features and whether each is numerical or categorical.

    declared: kinds the spec states (a per-feature ``kind`` over ``features.categorical``
        over ``features.numerical``); other columns take the kind of their data's type.
    """

    include: tuple[str, ...] | None
    exclude: frozenset[str]
    declared: Mapping[str, Kind]
    asked: frozenset[str]  # named by the spec: included, declared, or given a drift rule

    def selected(self, name: str) -> bool:
        """False for the virtual timestamp column and for columns the selection leaves out."""
        if name == TIMESTAMP_COLUMN:
            return False
        if self.include is not None and name not in self.include:
            return False
        return name not in self.exclude

    def kind(self, name: str, inferred_type: str | None = None) -> Kind | None:
        """The feature's kind: as declared, else numerical for Integral/Fractional data and
        categorical for String/Boolean; None when the data has no values to tell."""
        declared = self.declared.get(name)
        if declared is not None:
            return declared
        if inferred_type in NUMERIC_TYPES:
            return "numerical"
        if inferred_type in TEXT_TYPES:
            return "categorical"
        return None

    @property
    def categorical(self) -> frozenset[str]:
        """Columns declared categorical (so numeric columns keep category counts too)."""
        return frozenset(name for name, kind in self.declared.items() if kind == "categorical")

    @property
    def numerical(self) -> frozenset[str]:
        """Columns declared numerical."""
        return frozenset(name for name, kind in self.declared.items() if kind == "numerical")

    def named(self, name: str) -> bool:
        """True when the spec asks for this column by name (so an identifier is still measured)."""
        return name in self.asked

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for a Spark job's executors, and what a cached baseline depends on)."""
        return {
            "include": list(self.include) if self.include is not None else None,
            "exclude": sorted(self.exclude),
            "declared": dict(sorted(self.declared.items())),
            "asked": sorted(self.asked),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeaturePolicy:
        """The policy ``to_dict`` wrote."""
        include = data.get("include")
        return cls(
            include=tuple(include) if include is not None else None,
            exclude=frozenset(data.get("exclude", ())),
            declared=dict(data.get("declared", {})),
            asked=frozenset(data.get("asked", ())),
        )


# -- drift -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DriftRule:
    """One feature's drift rule: the metric, the configured threshold, and how it is applied.

    The applied threshold is the configured one raised to what sampling noise alone reaches
    (when noise correction is on), never lowered. Every provider reports both.
    """

    feature: str
    kind: Kind
    metric: str
    threshold: float
    enabled: bool = True
    noise_correction: bool = True

    def applied(self, noise: float | None) -> float:
        """The threshold a value is compared with, given the estimated sampling noise."""
        if not self.noise_correction or noise is None:
            return self.threshold
        return max(self.threshold, noise)

    @staticmethod
    def drifted(value: float, applied: float) -> bool:
        """Whether a distance of ``value`` is drift against the applied threshold."""
        return value > applied


@dataclass(frozen=True)
class DriftPolicy:
    """The drift check of a monitor: per-kind defaults and per-feature overrides."""

    enabled: bool
    defaults: Mapping[Kind, tuple[str, float]]  # kind -> (metric, threshold)
    overrides: Mapping[str, tuple[bool, str | None, float | None]]  # name -> (enabled, metric, threshold)
    noise_correction: bool
    bins: int
    classifier: bool

    def rule(self, name: str, kind: Kind) -> DriftRule:
        """The rule of feature ``name`` of this kind (see ``note`` for a metric that was replaced)."""
        metric, threshold = self.defaults[kind]
        enabled = self.enabled
        override = self.overrides.get(name)
        if override is not None:
            on, own_metric, own_threshold = override
            enabled = enabled and on
            if own_metric is not None and drift_metrics.applies(own_metric, kind):
                metric = own_metric
            if own_threshold is not None:
                threshold = own_threshold
        return DriftRule(name, kind, metric, threshold, enabled, self.noise_correction)

    def note(self, name: str, kind: Kind) -> str | None:
        """Why a feature's own metric was not used: it does not apply to the feature's kind."""
        override = self.overrides.get(name)
        if override is None or override[1] is None or drift_metrics.applies(override[1], kind):
            return None
        own, default = override[1], self.defaults[kind][0]
        return (
            f"'{name}' is {kind}, and metric {own} does not apply to {kind} features "
            f"({', '.join(metrics_for(kind))} do); {default} was used instead"
        )

    def metrics_possible(self, name: str, kind: Kind | None) -> list[str]:
        """The metric(s) a run can compute for ``name``: one when its kind is known, else either kind's."""
        kinds: tuple[Kind, ...] = (kind,) if kind is not None else ("numerical", "categorical")
        return list(dict.fromkeys(self.rule(name, k).metric for k in kinds))


def metrics_for(kind: Kind) -> tuple[str, ...]:
    """The drift metrics that apply to features of this kind (plugins' included)."""
    return drift_metrics.names(kind)


@dataclass(frozen=True)
class Rules:
    """What a run decides with: which columns are features and of what kind, their drift
    rules, and the data-quality checks. The engine takes nothing else from the spec."""

    features: FeaturePolicy
    drift: DriftPolicy
    quality: QualityChecks


def resolve_rules(checks: Checks | None = None, features: FeatureSelection | None = None) -> Rules:
    """The rules of these checks and this feature selection (defaults for what is None)."""
    checks = checks or Checks()
    features = features or FeatureSelection()
    return Rules(_features(features, checks), _drift(checks), checks.quality)


# -- alerts ------------------------------------------------------------------------------------

AlertWhen = Literal["drift", "violation", "metric", "failure", "performance", "prediction_drift"]
_CONDITION_FIELDS = ("when", "min_features", "features", "check_types", "feature", "metric", "above", "below")
# Conditions added later: in an alert's digest only when set, so older alerts keep their keys.
_NEWER_CONDITION_FIELDS = ("metrics", "judged")


@dataclass(frozen=True)
class AlertRule:
    """One alert: its condition, its identity and the channels it notifies.

    key: stable within the monitor on every provider: the alert's name when it has one,
        else its condition's digest, so reordering alerts or changing their channels keeps
        their state (and their cloud resources).
    slug: the key as a short resource-name part (lowercase letters, digits and '-').
    index: the alert's position in the spec, to locate problems.
    """

    key: str
    slug: str
    name: str
    index: int
    when: AlertWhen
    min_features: int = 1
    features: tuple[str, ...] | None = None
    check_types: tuple[str, ...] | None = None
    feature: str | None = None
    metric: str | None = None
    above: float | None = None
    below: float | None = None
    metrics: tuple[str, ...] | None = None  # performance: only these metrics' checks
    judged: Literal["final", "provisional", "estimate"] = "final"  # performance: the least settled judgement that fires
    channels: tuple[ChannelTarget, ...] = ()
    named: bool = False  # the spec gave the alert a name
    unresolved: tuple[str, ...] = ()  # why a notify entry could not be resolved (validate says where)

    @property
    def notify_index(self) -> tuple[int, ...]:
        """For each of ``channels``, the position in the alert's ``notify`` list of the first entry
        that names it, so a provider that cannot deliver a channel locates its refusal there."""
        return tuple(t.notify_index if t.notify_index is not None else 0 for t in self.channels)


def alert_key(alert: Alert) -> tuple[str, str]:
    """(key, slug) of an alert: its name, or a digest of its condition."""
    if alert.name:
        slug = "".join(c if c.isalnum() else "-" for c in alert.name.lower()).strip("-")
        return f"name:{alert.name}", slug or f"alert-{_digest(alert.name)[:8]}"
    condition = alert.model_dump(include=set(_CONDITION_FIELDS), mode="json")
    newer = alert.model_dump(include=set(_NEWER_CONDITION_FIELDS), mode="json")
    condition.update({key: value for key, value in newer.items() if value})
    digest = _digest(condition)
    return f"{alert.when}:{digest}", f"{alert.when}-{digest[:8]}"


def _digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


# -- baseline ----------------------------------------------------------------------------------

BaselineKind = Literal["data", "statistics", "lag"]


@dataclass(frozen=True)
class BaselineSource:
    """Where a monitor's baseline comes from.

    data: a dataset profiled by driftplane (``source``), optionally only rows in ``window``.
    statistics: SageMaker's statistics.json (and constraints.json) used as they are.
    lag: the target itself, ``lag`` earlier than each window (seasonal baselines).
    Locations are absolute (local paths resolved against the spec's folder) or URIs.
    """

    kind: BaselineKind
    source: DataSource | None = None
    statistics: str | None = None
    constraints: str | None = None
    lag: Duration | None = None
    window: FixedWindow | None = None
    job: Literal["driftplane", "sagemaker"] = "driftplane"


def resolve_location(location: str, base_dir: Path) -> str:
    """An absolute path for a local file (relative to the spec's folder), a URI as it is."""
    if "://" in location:
        return location
    path = Path(location)
    return str(path if path.is_absolute() else base_dir / path)


# -- model quality -----------------------------------------------------------------------------

Judged = Literal["final", "provisional", "estimated", "none"]


@dataclass(frozen=True)
class MetricCheck:
    """One metric's check: the direction it must stay on and its bound.

    relative: the bound is an offset from the labelled baseline's value (below_baseline_by /
    above_baseline_by); otherwise it is the threshold itself (min / max).
    """

    metric: str
    direction: Literal["min", "max"]
    bound: float
    relative: bool = False

    def threshold(self, baseline: float | None) -> float | None:
        """The absolute threshold, given the baseline's value (None: a relative check without one)."""
        if not self.relative:
            return self.bound
        if baseline is None:
            return None
        return baseline - self.bound if self.direction == "min" else baseline + self.bound

    def failed(self, value: float | None, threshold: float | None) -> bool:
        """Whether ``value`` is past ``threshold`` (an undefined value or threshold fails nothing)."""
        if value is None or threshold is None:
            return False
        return value < threshold if self.direction == "min" else value > threshold


# How many earlier windows of a monitor are judged again as labels land, at most: the local runner
# looks at this many of its latest recorded runs, and a cloud job that re-judges without history
# refuses (at validate) a wait that covers more windows.
REJUDGE_LOOKBACK = 500


@dataclass(frozen=True)
class PerformancePolicy:
    """What a monitor's model quality means, decided once: the model's columns, where labels
    come from and when a window's judgement is final, the metric checks and the estimate.

    id: the predictions' id column (None: a sagemaker-capture target's inferenceId/eventId).
    label_id: the labels' id column (None: sagemaker-ground-truth's eventMetadata.eventId).
    """

    problem_type: Literal["binary", "multiclass", "regression"]
    prediction: str | None
    probability: str | Mapping[str, str] | None
    positive_label: str
    threshold: float
    id: str | None
    baseline_label: str | None
    labels: Labels | None
    label_id: str | None
    label: str | None
    wait: Duration
    min_coverage: float
    search: Duration
    checks: tuple[MetricCheck, ...] = ()
    enabled: bool = True
    estimate: bool = False

    @property
    def probability_columns(self) -> tuple[str, ...]:
        """The probability column(s): the positive class's, or one per class."""
        if self.probability is None:
            return ()
        if isinstance(self.probability, str):
            return (self.probability,)
        return tuple(self.probability.values())

    @property
    def output_columns(self) -> tuple[str, ...]:
        """The model's output columns (prediction, then probabilities): prediction drift watches these."""
        first = (self.prediction,) if self.prediction is not None else ()
        return tuple(dict.fromkeys(first + self.probability_columns))

    def check(self, metric: str) -> MetricCheck | None:
        """The check of ``metric``, if it is checked."""
        return next((c for c in self.checks if c.metric == metric), None)

    def final_at(self, window_end: datetime) -> datetime:
        """When a window's judgement becomes final whatever its coverage."""
        return self.wait.after(window_end)

    def judge(
        self, window_end: datetime, now: datetime, *, predictions: int, labelled: int, estimated: bool = False
    ) -> Judged:
        """A window's judgement: final once its wait has passed or min_coverage of its predictions is
        labelled (with at least one label); provisional while labels may still land (a window with
        predictions and no label yet is provisional, not an error); estimated when no label has
        landed but an estimate exists; none when there is nothing to judge (no predictions, or the
        wait passed without a single label and no estimate)."""
        if predictions <= 0:
            return "none"
        waited = now >= self.final_at(window_end)
        if labelled > 0:
            return "final" if waited or labelled / predictions >= self.min_coverage else "provisional"
        if estimated:
            return "estimated"
        return "none" if waited else "provisional"

    def settled(self, window_end: datetime, now: datetime) -> bool:
        """Whether labels can no longer change the window's judgement (its wait has passed)."""
        return now >= self.final_at(window_end)


def _checks(performance: PerformanceChecks | None) -> tuple[MetricCheck, ...]:
    if performance is None:
        return ()
    checks = []
    for metric, bound in performance.metrics.items():
        if bound.min is not None:
            checks.append(MetricCheck(metric, "min", bound.min))
        elif bound.max is not None:
            checks.append(MetricCheck(metric, "max", bound.max))
        elif bound.below_baseline_by is not None:
            checks.append(MetricCheck(metric, "min", bound.below_baseline_by, relative=True))
        elif bound.above_baseline_by is not None:
            checks.append(MetricCheck(metric, "max", bound.above_baseline_by, relative=True))
    return tuple(checks)


def resolve_performance(monitor: Monitor) -> PerformancePolicy | None:
    """The monitor's model-quality policy, or None when it declares no model."""
    from driftplane.engine.performance.labels import label_text_of

    model = monitor.model
    if model is None:
        return None
    labels = monitor.labels
    performance = monitor.checks.performance
    wait = labels.wait if labels is not None else Duration.parse("1d")
    ground_truth = labels is not None and labels.format == "sagemaker-ground-truth"
    return PerformancePolicy(
        problem_type=model.problem_type,
        prediction=model.prediction,
        probability=model.probability,
        positive_label=label_text_of(model.positive_label),
        threshold=model.threshold,
        id=model.id,
        baseline_label=monitor.baseline.label,
        labels=labels,
        label_id=(labels.id if labels is not None and labels.id else (None if ground_truth else model.id)),
        label=labels.label if labels is not None else None,
        wait=wait,
        min_coverage=labels.min_coverage if labels is not None else 1.0,
        search=(labels.search if labels is not None and labels.search is not None else wait),
        checks=_checks(performance),
        enabled=performance.enabled if performance is not None else True,
        estimate=bool(performance is not None and performance.estimate),
    )


# -- the monitor --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedMonitor:
    """Everything one monitor means. Built by ``resolve_monitor``; providers translate it."""

    name: str
    description: str | None
    enabled: bool
    engine: Literal["local", "spark"]
    base_dir: Path
    baseline: BaselineSource
    target: Target
    schedule: Schedule
    windows: WindowRule
    rules: Rules
    alerts: tuple[AlertRule, ...]
    tags: Mapping[str, str] = field(default_factory=dict)  # the spec's, then the monitor's
    performance: PerformancePolicy | None = None  # the model's quality, when the monitor declares a model
    # The rules the engine profiles with when there is a model: ``rules`` with the model's output
    # columns measured too (a classifier's prediction as categorical), reported as prediction drift.
    output_rules: Rules | None = None

    def settled_window(self, window: Window) -> Window | None:
        """The newest window whose model-quality judgement is final by the tick that reads ``window``
        (its end + labels.wait has passed): what a run that keeps no history judges final at each tick,
        so each window of a regular schedule is judged final once. None without labels, for a fixed
        window, or when that window is ``window`` itself (a wait of zero)."""
        policy = self.performance
        if policy is None or policy.labels is None or not policy.enabled or self.windows.fixed is not None:
            return None
        latency = self.windows.latency
        tick = latency.after(window.end) if latency is not None else window.end
        point = policy.wait.before(tick)
        settled = self.windows.latest(latency.after(point) if latency is not None else point)
        return None if settled == window or settled.end > window.end else settled

    def prediction_drift_rules(self) -> tuple[DriftRule, ...]:
        """The drift rule of each model output column: the prediction of a classifier is categorical,
        a regressor's and the probabilities numerical; metric and threshold from the drift rules
        of their kind (and a per-column override under checks.drift.features)."""
        policy = self.performance
        if policy is None or not self.drift.enabled:
            return ()
        rules = []
        for column in policy.output_columns:
            declared = self.features.declared.get(column)
            if declared is not None:
                kind: Kind = declared
            elif column == policy.prediction and policy.problem_type != "regression":
                kind = "categorical"
            else:
                kind = "numerical"
            rules.append(self.drift.rule(column, kind))
        return tuple(rule for rule in rules if rule.enabled)

    @property
    def features(self) -> FeaturePolicy:
        """Which columns are features, and their kinds."""
        return self.rules.features

    @property
    def drift(self) -> DriftPolicy:
        """The drift rules."""
        return self.rules.drift

    @property
    def quality(self) -> QualityChecks:
        """The data-quality checks."""
        return self.rules.quality

    def tags_over(self, defaults: Mapping[str, str]) -> dict[str, str]:
        """A provider's own default tags (its settings') with the spec's and the monitor's over them."""
        return {**defaults, **self.tags}

    def alert(self, key: str) -> AlertRule:
        """The alert with this key."""
        return next(a for a in self.alerts if a.key == key)

    def alerts_when(self, *conditions: AlertWhen) -> list[AlertRule]:
        """The alerts on these conditions, in spec order."""
        return [a for a in self.alerts if a.when in conditions]

    def alert_path(self, rule: AlertRule) -> tuple[str | int, ...]:
        """The spec's key path of an alert, to locate a problem with it."""
        return ("monitors", self.name, "alerts", rule.index)

    def notify_path(self, rule: AlertRule, target: ChannelTarget) -> tuple[str | int, ...]:
        """The key path of the ``notify`` entry a channel target came from (the alert's, if unknown)."""
        path = self.alert_path(rule)
        return path if target.notify_index is None else (*path, "notify", target.notify_index)


def _rules_with_model(monitor: Monitor, *, outputs: bool = False) -> Rules:
    """The monitor's rules; with a model, its output, id and label columns are not input features
    unless the spec names them (features.include or a declared kind): prediction drift watches them.

    outputs: the engine's profiling rules instead, with the output columns measured (a
    classifier's prediction as categorical, the probabilities as numerical) to be reported apart.
    """
    rules = resolve_rules(monitor.checks, monitor.features)
    model = monitor.model
    if model is None:
        return rules
    probability = model.probability
    output = [model.prediction]
    output += [probability] if isinstance(probability, str) else list((probability or {}).values())
    policy = rules.features
    named = set(policy.include or ()) | set(policy.declared)
    label = monitor.labels.label if monitor.labels is not None else None
    left_out = {c for c in (model.id, monitor.baseline.label, label) if c is not None and c not in named}
    if not outputs:
        left_out |= {c for c in output if c is not None and c not in named}
        if not left_out:
            return rules
        return replace(rules, features=replace(policy, exclude=policy.exclude | left_out))
    measured = {c for c in output if c is not None and c not in policy.exclude}
    include = tuple(dict.fromkeys([*policy.include, *sorted(measured)])) if policy.include is not None else None
    declared = dict(policy.declared)
    if model.prediction is not None and model.problem_type != "regression":
        declared.setdefault(model.prediction, "categorical")
    for column in measured - {model.prediction}:
        declared.setdefault(column, "numerical")
    features = replace(
        policy, include=include, exclude=policy.exclude | left_out, declared=declared, asked=policy.asked | measured
    )
    return replace(rules, features=features)


def _features(selection: FeatureSelection, checks: Checks) -> FeaturePolicy:
    drift = checks.drift
    declared: dict[str, Kind] = {}
    for name in selection.numerical:
        declared[name] = "numerical"
    for name in selection.categorical:
        declared[name] = "categorical"
    for name, rule in drift.features.items():
        if rule.kind is not None:
            declared[name] = rule.kind
    asked = set(selection.include or []) | set(selection.categorical) | set(drift.features)
    return FeaturePolicy(
        include=tuple(selection.include) if selection.include is not None else None,
        exclude=frozenset(selection.exclude),
        declared=declared,
        asked=frozenset(asked),
    )


def _drift(checks: Checks) -> DriftPolicy:
    drift = checks.drift
    return DriftPolicy(
        enabled=drift.enabled,
        defaults={
            "numerical": (drift.numerical.metric, drift.numerical.threshold),
            "categorical": (drift.categorical.metric, drift.categorical.threshold),
        },
        overrides={name: (rule.enabled, rule.metric, rule.threshold) for name, rule in drift.features.items()},
        noise_correction=drift.noise_correction,
        bins=drift.bins,
        classifier=drift.classifier,
    )


def _baseline(baseline: Baseline, base_dir: Path) -> BaselineSource:
    if baseline.lag is not None:
        return BaselineSource("lag", lag=baseline.lag, job=baseline.job)
    constraints = resolve_location(baseline.constraints, base_dir) if baseline.constraints else None
    if baseline.statistics is not None:
        return BaselineSource(
            "statistics",
            statistics=resolve_location(baseline.statistics, base_dir),
            constraints=constraints,
            job=baseline.job,
        )
    source = DataSource.model_validate(baseline.model_dump(include=set(DataSource.model_fields)))
    return BaselineSource("data", source=source, constraints=constraints, window=baseline.window, job=baseline.job)


def window_rule(monitor: Monitor) -> WindowRule:
    """The monitor's window rule: its target's window and latency over its schedule."""
    window = monitor.target.window
    return WindowRule(
        schedule=monitor.schedule,
        length=window if isinstance(window, Duration) else None,
        fixed=window if isinstance(window, FixedWindow) else None,
        latency=monitor.target.latency,
    )


def alert_rule(
    alert: Alert,
    index: int = 0,
    channels: tuple[ChannelTarget, ...] = (),
    unresolved: tuple[str, ...] = (),
) -> AlertRule:
    """The rule of one alert, with the channels its ``notify`` entries resolved to."""
    key, slug = alert_key(alert)
    return AlertRule(
        key=key,
        slug=slug,
        name=alert.describe(),
        index=index,
        when=alert.when,
        min_features=alert.min_features,
        features=tuple(alert.features) if alert.features is not None else None,
        check_types=tuple(alert.check_types) if alert.check_types is not None else None,
        feature=alert.feature,
        metric=alert.metric,
        above=alert.above,
        below=alert.below,
        metrics=tuple(alert.metrics) if alert.metrics is not None else None,
        judged=alert.judged or "final",
        channels=channels,
        named=alert.name is not None,
        unresolved=unresolved,
    )


def _alerts(spec: Spec, monitor: Monitor) -> tuple[AlertRule, ...]:
    from driftplane.alerting.targets import resolve_target

    rules = []
    for index, alert in enumerate(monitor.alerts):
        targets: list[ChannelTarget] = []
        unresolved: list[str] = []
        for position, ref in enumerate(alert.notify):
            try:
                target = replace(resolve_target(spec, ref), notify_index=position)
            except (SpecError, ValueError) as exc:
                unresolved.append(str(exc))
                continue
            if all(t.id != target.id for t in targets):
                targets.append(target)
        rules.append(alert_rule(alert, index, tuple(targets), tuple(unresolved)))
    return tuple(rules)


def resolve_monitor(spec: Spec, name: str) -> ResolvedMonitor:
    """Everything monitor ``name`` of ``spec`` means (UsageError for an unknown name).

    A channel that cannot be built does not stop the rest: its alert keeps the reason in
    ``unresolved`` (``validate`` reports it with its line). Resolved once per spec and name;
    the spec is immutable, so the answer cannot change.
    """
    cache = spec.resolved_cache
    if name in cache:
        resolved: ResolvedMonitor = cache[name]
        return resolved
    monitor = spec.monitor(name)
    base_dir = spec.base_dir
    resolved = ResolvedMonitor(
        name=name,
        description=monitor.description,
        enabled=monitor.enabled,
        engine=monitor.engine,
        base_dir=base_dir,
        baseline=_baseline(monitor.baseline, base_dir),
        target=monitor.target,
        schedule=monitor.schedule,
        windows=window_rule(monitor),
        rules=_rules_with_model(monitor),
        alerts=_alerts(spec, monitor),
        tags={**spec.tags, **monitor.tags},
        performance=resolve_performance(monitor),
        output_rules=_rules_with_model(monitor, outputs=True) if monitor.model is not None else None,
    )
    cache[name] = resolved
    return resolved


__all__ = [
    "AlertRule",
    "BaselineSource",
    "DriftPolicy",
    "DriftRule",
    "FeaturePolicy",
    "MetricCheck",
    "PerformancePolicy",
    "ResolvedMonitor",
    "Rules",
    "alert_key",
    "alert_rule",
    "resolve_location",
    "resolve_monitor",
    "resolve_performance",
    "resolve_rules",
    "window_rule",
]
