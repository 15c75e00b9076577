"""The matrix of specs the equivalence suite checks on every provider, and each provider's settings.

One monitor ``m`` over a small dataset with two numerical columns (``x``, ``y``) and two
categorical ones (``plan``, ``region``). A case changes one thing of a base monitor: the
schedule and window, the checks, or the alerts and their channels; each is tried with checks
that suit Azure ML (fixed thresholds, only the quality checks its signal runs) and with checks
that suit SageMaker Model Monitor (its L-infinity distance), so every cloud has cases it can
express. Data locations are the only thing written differently per provider: each cloud
reads its target where it can (S3, an Azure ML data asset, GCS); the baseline is one local
file every provider profiles (or uploads) itself.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from driftplane.resolved import metrics_for

# The dataset's columns and the type driftplane infers for each (numerical, categorical).
COLUMNS = {"x": "Fractional", "y": "Fractional", "plan": "String", "region": "String"}
PROVIDERS = ("local", "aws-processing", "aws-model-monitor", "azure", "gcp")
CLOUDS = PROVIDERS[1:]

AWS = {
    "region": "us-east-1",
    "role_arn": "arn:aws:iam::123456789012:role/SageMaker",
    "output_s3_uri": "s3://ml-bucket/driftplane",
}
SETTINGS: dict[str, tuple[str, dict[str, Any]]] = {
    "local": ("local", {}),
    "aws-processing": (
        "aws",
        {**AWS, "backend": "processing", "image_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/driftplane:1"},
    ),
    "aws-model-monitor": ("aws", {**AWS, "backend": "model-monitor"}),
    "azure": (
        "azure",
        {
            "subscription_id": "00000000-0000-0000-0000-000000000000",
            "resource_group": "rg",
            "workspace": "ws",
            "data": "upload",
        },
    ),
    "gcp": (
        "gcp",
        {
            "project": "my-project",
            "image": "us-docker.pkg.dev/my-project/driftplane/driftplane:1",
            "service_account": "runner@my-project.iam.gserviceaccount.com",
            "slack": {"team-slack": {"channel_name": "#ml-alerts", "auth_token": "xoxb-not-a-token"}},
        },
    ),
}
PARTITIONS = "{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.parquet"
TARGETS = {
    "local": f"daily/{PARTITIONS}",
    "aws-processing": f"s3://ml-bucket/scores/{PARTITIONS}",
    "aws-model-monitor": f"s3://ml-bucket/scores/{PARTITIONS}",
    "azure": "azureml:scores:1",
    "gcp": f"gs://ml-bucket/scores/{PARTITIONS}",
}
CHANNELS = {
    "team-mail": {"type": "email", "to": ["ml@example.com", "oncall@example.com"]},
    "team-hook": {"type": "webhook", "url": "https://hooks.example.com/driftplane"},
    "team-slack": {"type": "slack", "webhook_url": "https://hooks.slack.com/services/T0/B0/not-a-secret"},
    "team-teams": {"type": "teams", "url": "https://example.webhook.office.com/workflows/not-a-secret"},
    "team-pager": {"type": "pagerduty", "routing_key": "0123456789abcdef0123456789abcdef"},
}

# Checks Azure ML expresses as driftplane means them: fixed thresholds, and of the quality
# checks only those its data-quality signal runs (data types, categories).
AZURE_CHECKS = {
    "drift": {"noise_correction": False},
    "quality": {
        "completeness": False,
        "columns": False,
        "comparison_threshold": 1,
        "categorical_comparison_threshold": 1,
    },
}
# Checks SageMaker Model Monitor expresses: its robust L-infinity distance, fixed thresholds.
SAGEMAKER_CHECKS = {
    "drift": {
        "numerical": {"metric": "linf_robust", "threshold": 0.1},
        "categorical": {"metric": "linf_robust", "threshold": 0.15},
        "noise_correction": False,
    }
}
FLAVOURS = {"azure-checks": AZURE_CHECKS, "sagemaker-checks": SAGEMAKER_CHECKS}
EMAIL = "email:ml@example.com"
DRIFT_ALERT = {"name": "drifted", "when": "drift", "notify": [EMAIL]}


@dataclass(frozen=True)
class Case:
    """One spec of the matrix: the monitor ``m`` (without its data locations) and the channels."""

    id: str
    monitor: dict[str, Any]
    channels: dict[str, Any] = field(default_factory=dict)

    def document(self, provider: str, data: Path, spec_path: Path) -> dict[str, Any]:
        """The spec as ``provider`` gets it: this monitor, its data where that provider reads it."""
        name, settings = SETTINGS[provider]
        settings = copy.deepcopy(settings)
        if provider == "gcp":
            settings["spec_path"] = str(spec_path)  # the spec the Cloud Run job runs: this one
        monitor = copy.deepcopy(self.monitor)
        target = TARGETS[provider]
        monitor["target"]["data"] = str(data / target) if provider == "local" else target
        if "lag" not in monitor["baseline"]:
            monitor["baseline"].setdefault("data", str(data / "train.parquet"))
        document: dict[str, Any] = {"provider": name, "providers": {name: settings}, "monitors": {"m": monitor}}
        if self.channels:
            document["channels"] = copy.deepcopy(self.channels)
        return document


def monitor(checks: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The base monitor (daily, the last day, one drift alert by email) with ``changes`` over it."""
    base: dict[str, Any] = {
        "baseline": {},
        "target": {"window": "1d"},
        "schedule": "daily",
        "checks": copy.deepcopy(checks),
        "alerts": [dict(DRIFT_ALERT)],
    }
    for key, value in changes.items():
        base[key] = copy.deepcopy(value)
    return base


# -- schedules and windows -----------------------------------------------------------------------

WINDOWS: dict[str, dict[str, Any]] = {
    "hourly": {"schedule": "hourly", "target": {}},
    "hourly-latency-30m": {"schedule": "hourly", "target": {"latency": "30m"}},
    "hourly-window-3h": {"schedule": "hourly", "target": {"window": "3h"}},
    "daily": {"schedule": "daily", "target": {}},
    "daily-window-1d": {"schedule": "daily", "target": {"window": "1d"}},
    "daily-latency-2h": {"schedule": "daily", "target": {"window": "1d", "latency": "2h"}},  # the example
    "daily-window-6h-latency-90m": {"schedule": "daily", "target": {"window": "6h", "latency": "90m"}},
    "weekly": {"schedule": "weekly", "target": {}},
    "cron-every-6h": {"schedule": "0 */6 * * *", "target": {}},
    "cron-daily-0315": {"schedule": "15 3 * * *", "target": {"window": "1d"}},
    "cron-weekdays": {"schedule": "0 9 * * 1-5", "target": {}},
    "cron-weekdays-window-1d-latency-1h": {"schedule": "0 9 * * 1-5", "target": {"window": "1d", "latency": "1h"}},
    "cron-every-20m-latency-30m": {"schedule": "*/20 * * * *", "target": {"latency": "30m"}},
    "cron-monthly": {"schedule": "0 0 1 * *", "target": {}},
    "fixed-window": {"schedule": "daily", "target": {"window": {"start": "2026-01-01", "end": "2026-01-08"}}},
    "lag-7d": {"schedule": "daily", "target": {"window": "1d"}, "baseline": {"lag": "7d"}},
    "lag-1d-hourly-latency-2h": {"schedule": "hourly", "target": {"latency": "2h"}, "baseline": {"lag": "1d"}},
}


def window_cases() -> Iterator[Case]:
    for flavour, checks in FLAVOURS.items():
        for name, changes in WINDOWS.items():
            yield Case(f"window:{name}:{flavour}", monitor(checks, **changes))


# -- checks: metrics, thresholds, features -------------------------------------------------------


def _checks(**drift: Any) -> dict[str, Any]:
    checks = copy.deepcopy(AZURE_CHECKS)
    checks["drift"].update(drift)
    return checks


def check_cases() -> Iterator[Case]:
    yield Case("checks:defaults", monitor({}))
    yield Case("checks:noise-correction-on", monitor(_checks(noise_correction=True)))
    for metric in metrics_for("numerical"):
        yield Case(f"checks:numerical-{metric}", monitor(_checks(numerical={"metric": metric, "threshold": 0.2})))
    for metric in metrics_for("categorical"):
        yield Case(f"checks:categorical-{metric}", monitor(_checks(categorical={"metric": metric, "threshold": 0.15})))
    per_feature = {
        "threshold": {"x": {"threshold": 0.3}},
        "metric-and-threshold": {"plan": {"metric": "psi", "threshold": 0.2}},
        "kind": {"y": {"kind": "categorical"}},
        "disabled": {"y": {"enabled": False}},
        "linf-robust-threshold": {"x": {"metric": "linf_robust", "threshold": 0.25}},
    }
    for name, features in per_feature.items():
        yield Case(f"checks:feature-{name}", monitor(_checks(features=features)))
        sagemaker = copy.deepcopy(SAGEMAKER_CHECKS)
        sagemaker["drift"]["features"] = features
        yield Case(f"checks:feature-{name}:sagemaker-checks", monitor(sagemaker))
    selections = {
        "include": {"include": ["x", "plan"]},
        "exclude": {"exclude": ["region"]},
        "categorical": {"categorical": ["y"]},
        "numerical-include": {"include": ["x", "y", "plan"], "numerical": ["x"]},
    }
    for name, features in selections.items():
        for flavour, checks in FLAVOURS.items():
            yield Case(f"checks:features-{name}:{flavour}", monitor(checks, features=features))
    yield Case("checks:drift-disabled", monitor(_checks(enabled=False), alerts=[]))
    no_quality = copy.deepcopy(AZURE_CHECKS)
    no_quality["quality"] = {"enabled": False}
    yield Case("checks:quality-disabled", monitor(no_quality))


# -- alerts: conditions and channels --------------------------------------------------------------

NUMERICAL = "<the numerical metric>"  # filled in per flavour
CONDITIONS: dict[str, list[dict[str, Any]]] = {
    "drift": [{"when": "drift", "notify": [EMAIL]}],
    "drift-min-2-of-3": [
        {"name": "two", "when": "drift", "min_features": 2, "features": ["x", "y", "plan"], "notify": [EMAIL]}
    ],
    "drift-of-x": [{"name": "x", "when": "drift", "features": ["x"], "notify": [EMAIL]}],
    "violation": [{"name": "quality", "when": "violation", "notify": [EMAIL]}],
    "violation-data-types": [
        {"name": "types", "when": "violation", "check_types": ["data_type_check"], "notify": [EMAIL]}
    ],
    "metric-above": [
        {"name": "x high", "when": "metric", "feature": "x", "metric": NUMERICAL, "above": 0.3, "notify": [EMAIL]}
    ],
    "metric-below-without-metric": [
        {"name": "plan low", "when": "metric", "feature": "plan", "below": 0.01, "notify": [EMAIL]}
    ],
    "failure": [{"name": "failed", "when": "failure", "notify": [EMAIL]}],
    "every-condition": [
        {"name": "drifted", "when": "drift", "notify": [EMAIL]},
        {"name": "quality", "when": "violation", "notify": [EMAIL]},
        {"name": "failed", "when": "failure", "notify": [EMAIL]},
    ],
}
ROUTES: dict[str, list[dict[str, Any]]] = {
    "email-shorthand": [{"name": "drifted", "when": "drift", "notify": [EMAIL]}],
    "email-named-list": [{"name": "drifted", "when": "drift", "notify": ["team-mail"]}],
    "email-inline": [{"name": "drifted", "when": "drift", "notify": [{"type": "email", "to": "inline@example.com"}]}],
    "email-twice": [{"name": "drifted", "when": "drift", "notify": ["team-mail", "email:ml@example.com"]}],
    "webhook": [{"name": "drifted", "when": "drift", "notify": ["team-hook"]}],
    "webhook-shorthand": [{"name": "drifted", "when": "drift", "notify": ["webhook:https://hooks.example.com/other"]}],
    "slack": [{"name": "drifted", "when": "drift", "notify": ["team-slack"]}],
    "teams": [{"name": "drifted", "when": "drift", "notify": ["team-teams"]}],
    "pagerduty": [{"name": "drifted", "when": "drift", "notify": ["team-pager"]}],
    "log": [{"name": "drifted", "when": "drift", "notify": ["log"]}],
    "email-and-log": [{"name": "drifted", "when": "drift", "notify": [EMAIL, "log"]}],
    "two-alerts-two-lists": [
        {"name": "drifted", "when": "drift", "notify": [EMAIL]},
        {"name": "failed", "when": "failure", "notify": ["email:oncall@example.com"]},
    ],
    "two-alerts-one-list": [
        {"name": "drifted", "when": "drift", "notify": ["team-mail"]},
        {"name": "failed", "when": "failure", "notify": ["team-mail"]},
    ],
    "unnamed-alerts": [{"when": "drift", "notify": [EMAIL]}, {"when": "failure", "notify": [EMAIL]}],
}


def alert_cases() -> Iterator[Case]:
    for flavour, checks in FLAVOURS.items():
        numerical = checks["drift"].get("numerical", {}).get("metric", "normalized_wasserstein")
        for name, alerts in {**CONDITIONS, **ROUTES}.items():
            kind = "condition" if name in CONDITIONS else "route"
            # A metric alert names the metric the run computes for x under these checks.
            alerts = [{**a, "metric": numerical} if a.get("metric") == NUMERICAL else a for a in alerts]
            yield Case(f"alerts:{kind}-{name}:{flavour}", monitor(checks, alerts=alerts), channels=CHANNELS)


CASES = [*window_cases(), *check_cases(), *alert_cases()]
BY_ID = {case.id: case for case in CASES}
assert len(BY_ID) == len(CASES), "case ids are unique"
