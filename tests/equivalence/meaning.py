"""What a monitor means, in a form every provider's answer can be put in and compared.

- ``windows``: for each of the schedule's first ticks from a Friday (so a weekday schedule
  crosses a weekend), the window that tick's run reads, and what a lagged baseline reads;
- ``thresholds``: each measured feature's metric, configured threshold, and how it is applied
  (raised to the sampling noise, or as configured);
- ``routes``: each alert's condition (over the features, check types, metric or runs it
  watches) and who hears it (an email address, a webhook URL, a Slack channel; ``log``
  records it where the provider records alerts and notifies nobody).

``local_meaning`` is the reference: what the local provider does, from the resolved monitor
(its run loop for the windows, its rules for the thresholds, its alert channels for the
routes). Each cloud's meaning is read back from its own requests (``clouds.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from croniter import croniter
from tests.equivalence.cases import COLUMNS

from driftplane.alerting.targets import ChannelTarget
from driftplane.engine.loop import RunRequest
from driftplane.resolved import AlertRule, ResolvedMonitor, resolve_monitor
from driftplane.result import Window
from driftplane.spec import Spec
from driftplane.spec.models import CHECK_TYPES, QualityChecks

START = datetime(2026, 1, 9, tzinfo=UTC)  # a Friday
TICKS = 8
NOISE = "raised to the sampling noise"
AS_CONFIGURED = "as configured"
TICK = "<the tick>"  # a run's --at that is the scheduled time of the tick that started it


class Uninterpretable(AssertionError):
    """A provider's request says something this suite cannot read back: a change of meaning
    the suite must learn (or a bug), never something to skip."""


@dataclass(frozen=True, order=True)
class Threshold:
    feature: str
    metric: str
    configured: float
    applied: str  # NOISE | AS_CONFIGURED


@dataclass(frozen=True)
class Route:
    alert: str  # AlertRule.key ("" where the provider has no per-alert identity)
    condition: tuple[Any, ...]
    recipients: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Meaning:
    ticks: tuple[datetime, ...]
    windows: tuple[Window, ...]
    baseline_windows: tuple[Window | None, ...]
    thresholds: frozenset[Threshold]
    routes: frozenset[Route]
    # The features whose thresholds the provider's requests tell (None: every measured one).
    thresholds_known_for: frozenset[str] | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)


# -- reading schedules ---------------------------------------------------------------------------


def ticks_of(cron: str, start: datetime = START, count: int = TICKS) -> tuple[datetime, ...]:
    """The first ``count`` ticks of a 5-field cron (UTC) at or after ``start``."""
    runner = croniter(cron, start - timedelta(seconds=1))
    return tuple(runner.get_next(datetime).replace(tzinfo=UTC) for _ in range(count))


def previous_tick(cron: str, tick: datetime) -> datetime:
    """The cron's tick before ``tick``."""
    return croniter(cron, tick).get_prev(datetime).replace(tzinfo=UTC)


_ISO = re.compile(r"^(-)?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def iso_duration(text: str) -> timedelta:
    """An ISO 8601 duration of weeks, days, hours, minutes and seconds (what the clouds write)."""
    match = _ISO.match(text)
    if match is None or text in ("P", "PT", "-P"):
        raise Uninterpretable(f"'{text}' is not an ISO 8601 duration of fixed length")
    sign, weeks, days, hours, minutes, seconds = match.groups()
    value = timedelta(
        weeks=int(weeks or 0),
        days=int(days or 0),
        hours=int(hours or 0),
        minutes=int(minutes or 0),
        seconds=int(seconds or 0),
    )
    return -value if sign else value


# -- what a run measures -------------------------------------------------------------------------


def rules_of(monitor: ResolvedMonitor) -> dict[str, Threshold]:
    """The drift rule of each feature a run of ``monitor`` measures, on this suite's data."""
    found: dict[str, Threshold] = {}
    if not monitor.drift.enabled:
        return found
    for name, data_type in COLUMNS.items():
        if not monitor.features.selected(name):
            continue
        kind = monitor.features.kind(name, data_type)
        assert kind is not None
        rule = monitor.drift.rule(name, kind)
        if rule.enabled:
            found[name] = Threshold(
                name, rule.metric, rule.threshold, NOISE if rule.noise_correction else AS_CONFIGURED
            )
    return found


def producible(quality: QualityChecks) -> frozenset[str]:
    """The violation check types a run can report under these quality settings."""
    if not quality.enabled:
        return frozenset()
    found = set()
    if quality.data_type_threshold > 0:
        found.add("data_type_check")
    if quality.domain_content_threshold > 0:
        found.add("categorical_values_check")
    if quality.completeness:
        found.add("completeness_check")
    if quality.columns:
        found |= {"missing_column_check", "extra_column_check"}
    if quality.comparison_threshold < 1 or quality.categorical_comparison_threshold < 1:
        found.add("baseline_drift_check")  # a distance never exceeds 1
    return frozenset(found)


def drift_condition(min_features: int, features: frozenset[str]) -> tuple[Any, ...]:
    return ("drift", min_features, tuple(sorted(features)))


def violation_condition(types: frozenset[str]) -> tuple[Any, ...]:
    return ("violation", tuple(sorted(types)))


def metric_condition(
    feature: str, metrics: frozenset[str], above: float | None, below: float | None
) -> tuple[Any, ...]:
    return ("metric", feature, tuple(sorted(metrics)), above, below)


FAILURE = ("failure",)


def condition_of(rule: AlertRule, monitor: ResolvedMonitor) -> tuple[Any, ...]:
    """An alert's condition over what a run of ``monitor`` measures and reports."""
    measured = rules_of(monitor)
    if rule.when == "drift":
        watched = frozenset(measured) if rule.features is None else frozenset(rule.features) & frozenset(measured)
        return drift_condition(rule.min_features, watched)
    if rule.when == "violation":
        types = frozenset(rule.check_types or CHECK_TYPES)
        return violation_condition(types & producible(monitor.quality))
    if rule.when == "metric":
        assert rule.feature is not None
        return metric_condition(
            rule.feature, metrics_watched(monitor, rule.feature, rule.metric), rule.above, rule.below
        )
    return FAILURE


def metrics_watched(monitor: ResolvedMonitor, feature: str, metric: str | None) -> frozenset[str]:
    """The metric a metric alert compares: its own, else the one the run computes for the feature."""
    if metric is not None:
        return frozenset({metric})
    kind = monitor.features.kind(feature, COLUMNS.get(feature))
    return frozenset(monitor.drift.metrics_possible(feature, kind))


def recipients_of(target: ChannelTarget) -> frozenset[tuple[str, str]]:
    """Who a channel notifies, as (channel type, address): log notifies nobody."""
    if target.type == "email":
        value = target.value("to")
        return frozenset(("email", str(a)) for a in ([value] if isinstance(value, str) else value))
    if target.type == "webhook":
        return frozenset({("webhook", str(target.value("url")))})
    if target.type == "slack":
        return frozenset({("slack", target.channel_name or str(target.value("webhook_url")))})
    if target.type == "log":
        return frozenset()
    return frozenset({(target.type, target.id)})


def lagged(monitor: ResolvedMonitor, window: Window) -> Window | None:
    """What a lagged baseline reads for ``window``: the same window, ``lag`` earlier."""
    lag = monitor.baseline.lag
    if lag is None:
        return None
    return Window(start=lag.before(window.start), end=lag.before(window.end))


def run_windows_of(
    monitor: ResolvedMonitor, ticks: tuple[datetime, ...], *, at: str | None, delay: timedelta = timedelta(0)
) -> tuple[tuple[Window, ...], tuple[Window | None, ...]]:
    """The windows ``driftplane run`` reads when started ``delay`` after each tick.

    at: what the run is given as ``--at``: ``TICK`` (the scheduler's time of the tick), a
        fixed time, or None (no ``--at``: the latest tick's window at the time it runs).
    """
    windows = []
    for tick in ticks:
        if at is None:
            request = RunRequest()
        else:
            request = RunRequest(at=tick if at == TICK else datetime.fromisoformat(at.replace("Z", "+00:00")))
        (window,) = request.windows(monitor, now=tick + delay)
        windows.append(window)
    return tuple(windows), tuple(lagged(monitor, w) for w in windows)


def local_meaning(spec: Spec) -> Meaning:
    """What the local provider does with monitor ``m``: the reference every cloud is compared with."""
    monitor = resolve_monitor(spec, "m")
    ticks = ticks_of(monitor.schedule.cron)
    # serve runs each tick's window, as `run --at TICK` does (the run loop).
    windows, baseline = run_windows_of(monitor, ticks, at=TICK)
    routes = frozenset(
        Route(rule.key, condition_of(rule, monitor), frozenset().union(*(recipients_of(t) for t in rule.channels)))
        for rule in monitor.alerts
    )
    return Meaning(ticks, windows, baseline, frozenset(rules_of(monitor).values()), routes)
