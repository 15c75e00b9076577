"""Alerts as the resolved monitor gives them: their identity and where their channels were written."""

from __future__ import annotations

from typing import Any

from driftplane.resolved import resolve_monitor
from driftplane.spec import Spec, spec_from_data


def make_spec(alerts: list[dict[str, Any]], channels: dict[str, Any] | None = None) -> Spec:
    return spec_from_data(
        {
            "channels": channels or {},
            "monitors": {
                "churn": {
                    "baseline": {"data": "train.parquet"},
                    "target": {"data": "capture/*.parquet", "window": "1d"},
                    "alerts": alerts,
                }
            },
        }
    )


def test_alert_keys_are_the_ones_the_local_history_already_holds() -> None:
    # Computed by driftplane.local.alerts.alert_key before alerting moved to core: alert state
    # stored under these keys must still be found.
    spec = make_spec(
        [
            {"when": "drift", "min_features": 2, "features": ["age", "plan"], "notify": ["log"]},
            {"when": "metric", "feature": "age", "metric": "normalized_wasserstein", "above": 0.2, "notify": ["log"]},
            {"when": "violation", "notify": ["log:info"]},
            {"name": "inputs drifted", "when": "drift", "notify": ["log"]},
        ]
    )
    keys = [rule.key for rule in resolve_monitor(spec, "churn").alerts]
    assert keys == [
        "drift:259411f54cdc9c7a",
        "metric:ad9856a0be9fa2c4",
        "violation:82f5df31dc371cbc",
        "name:inputs drifted",
    ]


def test_each_channel_remembers_its_notify_entry_for_located_messages() -> None:
    spec = make_spec(
        [
            {"when": "drift", "notify": ["log"]},
            {"when": "violation", "notify": ["ops", "email:ml@example.com", "ops", {"type": "log", "level": "error"}]},
        ],
        channels={"ops": {"type": "webhook", "url": "https://hooks.example.com/T0/secret"}},
    )
    resolved = resolve_monitor(spec, "churn")
    rule = resolved.alerts[1]
    assert [(t.type, t.notify_index) for t in rule.channels] == [("webhook", 0), ("email", 1), ("log", 3)]
    assert resolved.notify_path(rule, rule.channels[2]) == ("monitors", "churn", "alerts", 1, "notify", 3)
