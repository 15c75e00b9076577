"""The Microsoft Teams channel: an Adaptive Card POSTed to a Teams incoming webhook.

Teams takes messages from a Workflows webhook ("Post to a channel when a webhook request is
received", the replacement of Office 365 connectors) and from the remaining connector
webhooks; both accept a ``message`` whose attachment is an Adaptive Card. The card says
what happened first (the headline and the reason), then the facts (status, window, rows),
the drifted features and violations, and where the report is.
"""

from __future__ import annotations

import builtins
import json
from typing import Any, ClassVar

from pydantic import Field, SecretStr, field_validator

from driftplane.alerting.channel import AlertChannel, ChannelSettings
from driftplane.alerting.channels.urls import http_url
from driftplane.alerting.notification import Notification

CARD_VERSION = "1.4"  # what Teams renders everywhere, Workflows included
# Teams refuses messages over about 28 KB: a few lines of each list say enough.
LISTED_FEATURES = 10


class TeamsSettings(ChannelSettings):
    """A Microsoft Teams incoming webhook (a Workflows webhook URL, or a connector's)."""

    url: SecretStr = Field(description="The webhook's URL (it holds a signature: use ${TEAMS_WEBHOOK_URL}).")
    timeout: float = Field(default=10.0, gt=0, description="Seconds per attempt.")
    retries: int = Field(default=3, ge=0, le=10, description="Attempts after the first, with backoff.")
    backoff: float = Field(default=1.0, ge=0, le=60, description="Seconds before the first retry; doubles after each.")

    _url = field_validator("url", mode="before")(http_url)


def _text(text: str, **style: Any) -> dict[str, Any]:
    """A block of plain text: a RichTextBlock's TextRun, which Teams never reads as Markdown.

    Feature names and reasons come from data; in a TextBlock ``monthly_charges_total`` would
    lose its underscores to italics, and ``**`` or ``[x](y)`` would turn into formatting.
    """
    return {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": text, **style}]}


def _items(lines: list[str]) -> list[dict[str, Any]]:
    return [{**_text(f"• {line}"), "spacing": "None"} for line in lines]


def teams_card(notification: Notification) -> dict[str, Any]:
    """The Adaptive Card of a notification, as the ``content`` of a Teams message attachment."""
    from driftplane.alerting import render

    firing = notification.event == "firing"
    facts = [
        {"title": "Status", "value": notification.status},
        {"title": "Window", "value": render._window(notification)},
    ]
    if notification.rows:
        rows = notification.rows
        counted = f"{rows.get('target', 0):,} target, {rows.get('baseline', 0):,} baseline"
        facts.append({"title": "Rows", "value": counted})
    body: list[dict[str, Any]] = [
        _text(notification.headline, weight="Bolder", size="Medium", color="Attention" if firing else "Good"),
        _text(notification.reason),
        {"type": "FactSet", "facts": facts},
    ]
    features = render._feature_lines(notification)
    if features:
        shown = features[:LISTED_FEATURES]
        if len(features) > LISTED_FEATURES:
            shown.append(f"and {len(features) - LISTED_FEATURES} more")
        body += [_text("Drifted features", weight="Bolder"), *_items(shown)]
    violations = render._violation_lines(notification)
    if violations:
        body += [
            _text(f"Violations ({notification.violations.count})", weight="Bolder"),
            *_items(violations),
        ]
    if notification.error:
        body.append(_text(f"Error: {notification.error}"))
    footer = [f"driftplane {notification.driftplane_version}", f"{notification.timestamp:%Y-%m-%d %H:%M} UTC"]
    if notification.report:
        footer.insert(0, f"report: {notification.report}")
    body.append(_text(" · ".join(footer), isSubtle=True, size="Small"))
    return {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "msteams": {"width": "Full"},
        "body": body,
    }


def teams_message(notification: Notification) -> dict[str, Any]:
    """The body POSTed to the webhook: a message with the card as its one attachment."""
    return {
        "type": "message",
        "summary": f"{notification.headline}: {notification.reason}"[:250],
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": teams_card(notification),
            }
        ],
    }


class TeamsChannel(AlertChannel):
    channel_type: ClassVar[str] = "teams"
    description: ClassVar[str] = "Microsoft Teams incoming webhook (Adaptive Card)"
    settings_model: ClassVar[builtins.type[ChannelSettings]] = TeamsSettings
    shorthand_field: ClassVar[str | None] = "url"

    def send(self, notification: Notification) -> None:
        """POST the Adaptive Card message; retries as the webhook channel does."""
        from driftplane.alerting.http import post_json  # urllib, only when something is sent

        settings = self.settings
        assert isinstance(settings, TeamsSettings)
        post_json(
            settings.url,
            json.dumps(teams_message(notification)).encode("utf-8"),
            timeout=settings.timeout,
            retries=settings.retries,
            backoff=settings.backoff,
            secrets=self.secrets,
        )
