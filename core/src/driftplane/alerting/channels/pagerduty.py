"""The PagerDuty channel: Events API v2, a trigger when an alert fires and a resolve when it resolves.

Both events of one alert carry the same ``dedup_key`` (the monitor and the alert's stable
key), so PagerDuty opens one incident when drift starts, folds a retried or repeated trigger
into it, and closes that incident when the alert resolves. The routing key is a secret:
it is sent in the body only, and scrubbed from every message that could quote it.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import re
from typing import Any, ClassVar, Literal

from pydantic import Field, SecretStr, field_validator

from driftplane.alerting.channel import AlertChannel, ChannelSettings
from driftplane.alerting.channels.urls import http_url
from driftplane.alerting.notification import Notification

EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
# PagerDuty's limits: a summary of 1024 characters, a dedup_key of 255.
SUMMARY_LIMIT = 1024
DEDUP_LIMIT = 255
_ROUTING_KEY = re.compile(r"[A-Za-z0-9]{32}")


def _routing_key(value: Any) -> Any:
    """A pydantic 'before' validator: the 32-character integration key, never echoed back."""
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    if isinstance(text, str) and not _ROUTING_KEY.fullmatch(text.strip()):
        raise ValueError(
            "must be the 32-character Integration Key of an Events API v2 integration on a PagerDuty service "
            "(the service's Integrations tab); use ${PAGERDUTY_ROUTING_KEY}"
        )
    return text.strip() if isinstance(text, str) else value


class PagerDutySettings(ChannelSettings):
    """A PagerDuty service, through an Events API v2 integration."""

    routing_key: SecretStr = Field(description="The integration's 32-character key; use ${PAGERDUTY_ROUTING_KEY}.")
    severity: Literal["critical", "error", "warning", "info"] = Field(
        default="error", description="The severity of the incidents it opens."
    )
    source: str | None = Field(
        default=None, description="The affected system, as PagerDuty shows it (default: driftplane/<monitor>)."
    )
    url: str = Field(
        default=EVENTS_URL,
        description="The Events API v2 endpoint; https://events.eu.pagerduty.com/v2/enqueue for EU accounts.",
    )
    timeout: float = Field(default=10.0, gt=0, description="Seconds per attempt.")
    retries: int = Field(default=3, ge=0, le=10, description="Attempts after the first, with backoff.")
    backoff: float = Field(default=1.0, ge=0, le=60, description="Seconds before the first retry; doubles after each.")

    _key = field_validator("routing_key", mode="before")(_routing_key)
    _url = field_validator("url", mode="before")(http_url)


def dedup_key(notification: Notification) -> str:
    """'driftplane/churn/name:inputs drifted': the same for an alert's trigger and its resolve."""
    key = f"driftplane/{notification.monitor}/{notification.alert_key}"
    if len(key) <= DEDUP_LIMIT:
        return key
    return "driftplane/" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def pagerduty_event(notification: Notification, settings: PagerDutySettings) -> dict[str, Any]:
    """The Events API v2 body: a trigger with the details, or a resolve of the same dedup_key."""
    from driftplane.alerting import render

    event: dict[str, Any] = {
        "routing_key": settings.routing_key.get_secret_value(),
        "dedup_key": dedup_key(notification),
    }
    if notification.event == "resolved":
        return {**event, "event_action": "resolve"}
    summary = f"{notification.headline}: {notification.reason}"
    if len(summary) > SUMMARY_LIMIT:
        summary = summary[: SUMMARY_LIMIT - 1] + "…"
    details: dict[str, Any] = {
        "monitor": notification.monitor,
        "alert": notification.alert,
        "status": notification.status,
        "window": render._window(notification),
        "rows": notification.rows,
        "drifted_features": render._feature_lines(notification),
        "violations": render._violation_lines(notification),
        "error": notification.error,
        "report": notification.report,
        "event_id": notification.id,
        "driftplane_version": notification.driftplane_version,
    }
    return {
        **event,
        "event_action": "trigger",
        "client": "driftplane",
        "payload": {
            "summary": summary,
            "source": settings.source or f"driftplane/{notification.monitor}",
            "severity": settings.severity,
            "timestamp": notification.timestamp.isoformat().replace("+00:00", "Z"),
            "component": notification.monitor,
            "group": "driftplane",
            "class": notification.condition,
            "custom_details": {k: v for k, v in details.items() if v not in (None, [], {})},
        },
    }


class PagerDutyChannel(AlertChannel):
    channel_type: ClassVar[str] = "pagerduty"
    description: ClassVar[str] = "PagerDuty Events API v2 (trigger on firing, resolve on resolved)"
    settings_model: ClassVar[builtins.type[ChannelSettings]] = PagerDutySettings
    shorthand_field: ClassVar[str | None] = "routing_key"

    def send(self, notification: Notification) -> None:
        """POST the event; PagerDuty answers 202, retries follow the webhook channel's rules."""
        from driftplane.alerting.http import post_json  # urllib, only when something is sent

        settings = self.settings
        assert isinstance(settings, PagerDutySettings)
        post_json(
            SecretStr(settings.url),
            json.dumps(pagerduty_event(notification, settings)).encode("utf-8"),
            timeout=settings.timeout,
            retries=settings.retries,
            backoff=settings.backoff,
            secrets=self.secrets,
        )
