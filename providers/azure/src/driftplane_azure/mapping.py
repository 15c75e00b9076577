"""The pure part of the translation: driftplane's words to Azure ML's, no SDK needed.

``validate --provider azure`` uses these tables without importing azure-ai-ml; the
translation to SDK entities uses the same tables, so the two cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from driftplane.spec.durations import Duration
from driftplane.spec.models import Monitor
from driftplane.spec.schedules import Schedule
from driftplane_azure.settings import AzureSettings

# driftplane metric -> azure-ai-ml keyword of NumericalDriftMetrics / CategoricalDriftMetrics: the
# distances only. Azure's two_sample_kolmogorov_smirnov_test and pearsons_chi_squared_test are
# p-values (drift below the threshold); driftplane refuses those names (driftplane.spec.metric_names)
# and its ks_statistic and cramers_v distances have no Azure counterpart.
NUMERICAL_METRICS = {
    "normalized_wasserstein": "normalized_wasserstein_distance",
    "jensen_shannon": "jensen_shannon_distance",
    "psi": "population_stability_index",
}
CATEGORICAL_METRICS = {
    "jensen_shannon": "jensen_shannon_distance",
    "psi": "population_stability_index",
}
# And back, for import (REST camelCase and SDK snake_case both).
METRIC_FROM_AZURE = {
    "normalized_wasserstein_distance": "normalized_wasserstein",
    "normalizedWassersteinDistance": "normalized_wasserstein",
    "jensen_shannon_distance": "jensen_shannon",
    "jensenShannonDistance": "jensen_shannon",
    "population_stability_index": "psi",
    "populationStabilityIndex": "psi",
}
# Azure's p-value tests (SDK and REST names): drift when the value falls BELOW the threshold.
AZURE_P_VALUE_METRICS = (
    "two_sample_kolmogorov_smirnov_test",
    "twoSampleKolmogorovSmirnovTest",
    "pearsons_chi_squared_test",
    "pearsonsChiSquaredTest",
)
DRIFT_SIGNAL = "data-drift-signal"
QUALITY_SIGNAL = "data-quality-signal"
MONITOR_TAG = "driftplane-monitor"
MANAGED_TAG = "managed-by"
MANAGED_VALUE = "driftplane"

_WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
_DAY_NAMES = {name[:3]: i for i, name in enumerate(_WEEKDAYS)}


@dataclass(frozen=True)
class TriggerPlan:
    """How a schedule becomes an Azure trigger: a recurrence where Azure has one, else cron."""

    kind: str  # "recurrence" | "cron"
    frequency: str | None = None  # hour, day, week
    interval: int = 1
    hours: list[int] = field(default_factory=list)
    minutes: list[int] = field(default_factory=list)
    week_days: list[str] = field(default_factory=list)
    expression: str | None = None


def _numbers(text: str, low: int, high: int) -> list[int] | None:
    """A cron field that is one number or a list of numbers, else None."""
    if not re.fullmatch(r"\d+(,\d+)*", text):
        return None
    values = sorted({int(v) for v in text.split(",")})
    return values if all(low <= v <= high for v in values) else None


def _week_days(text: str) -> list[str] | None:
    days: list[str] = []
    for part in text.lower().split(","):
        if part.isdigit() and 0 <= int(part) <= 7:
            days.append(_WEEKDAYS[int(part) % 7])
        elif part[:3] in _DAY_NAMES and len(part) == 3:
            days.append(_WEEKDAYS[_DAY_NAMES[part[:3]]])
        else:
            return None
    return sorted(set(days), key=_WEEKDAYS.index)


def trigger_for(schedule: Schedule) -> TriggerPlan:
    """hourly, daily and weekly (and crons that are a daily or weekly time) are recurrences."""
    if schedule.keyword == "hourly":
        return TriggerPlan("recurrence", frequency="hour", interval=1)
    minute, hour, day_of_month, month, day_of_week = schedule.fields
    minutes = _numbers(minute, 0, 59)
    hours = _numbers(hour, 0, 23)
    if minutes is not None and hours is not None and day_of_month == "*" and month == "*":
        if day_of_week in ("*", "?"):
            return TriggerPlan("recurrence", frequency="day", interval=1, hours=hours, minutes=minutes)
        days = _week_days(day_of_week)
        if days:
            return TriggerPlan("recurrence", frequency="week", interval=1, hours=hours, minutes=minutes, week_days=days)
    return TriggerPlan("cron", expression=schedule.cron)


def period_of(schedule: Schedule) -> Duration:
    """How long between two runs: the default window of a target."""
    if schedule.keyword == "hourly":
        return Duration.parse("1h")
    if schedule.keyword == "daily":
        return Duration.parse("1d")
    if schedule.keyword == "weekly":
        return Duration.parse("7d")
    start = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday, any fixed instant works
    first = schedule.next_after(start)
    gap = schedule.next_after(first) - first
    return Duration.parse(gap if gap > timedelta(0) else timedelta(days=1))


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


def production_window(monitor: Monitor) -> Duration:
    """The trailing window each run reads: the target's window, else the schedule's period."""
    window = monitor.target.window
    if isinstance(window, Duration):
        return window
    return period_of(monitor.schedule)


def parse_endpoint(text: str) -> tuple[str, str]:
    """``endpoint:deployment`` (also ``azureml:e:d`` or ``e/d``) -> (endpoint, deployment)."""
    value = text.strip()
    if value.startswith("azureml:"):
        value = value[len("azureml:") :]
    match = re.search(r"onlineEndpoints/([^/]+)/deployments/([^/]+)$", value)
    if match:
        return match.group(1), match.group(2)
    parts = re.split(r"[:/]", value)
    if len(parts) != 2 or not all(parts):
        raise ValueError(
            f"'{text}' does not name a deployment; write ENDPOINT:DEPLOYMENT, e.g. credit-default:main"
        )
    return parts[0], parts[1]


def schedule_name(settings: AzureSettings, monitor_name: str) -> str:
    """The Azure schedule a monitor becomes."""
    return settings.for_monitor(monitor_name).schedule_name or f"{settings.name_prefix}{monitor_name}"


def quality_rates(monitor: Monitor, settings: AzureSettings, monitor_name: str) -> dict[str, dict[str, float | None]]:
    """Azure's data-quality thresholds per feature kind, from driftplane's quality checks.

    completeness -> null value rate 0 (any null in the window is reported, Azure's default);
    data_type_threshold -> data type error rate (1 - share); domain_content_threshold ->
    out-of-bounds rate of categorical features (driftplane has no range check of numbers).
    A rate of 1 would never fire, so it is left out. providers.azure.monitors.<name>.
    quality_thresholds replaces any of them.
    """
    quality = monitor.checks.quality

    def rate(share: float) -> float | None:
        value = round(1.0 - share, 6)
        return None if value >= 1.0 else value

    null_rate = 0.0 if quality.completeness else None
    rates: dict[str, dict[str, float | None]] = {
        "numerical": {
            "null_value_rate": null_rate,
            "data_type_error_rate": rate(quality.data_type_threshold),
            "out_of_bounds_rate": None,
        },
        "categorical": {
            "null_value_rate": null_rate,
            "data_type_error_rate": rate(quality.data_type_threshold),
            "out_of_bounds_rate": rate(quality.domain_content_threshold),
        },
    }
    for kind, overrides in settings.for_monitor(monitor_name).quality_thresholds.items():
        for metric, value in overrides.items():
            rates[kind][metric] = value
    return rates
