"""A Notification rendered for each kind of channel: webhook JSON, Slack, email, a log line."""

from __future__ import annotations

from typing import Any

from driftplane.alerting.notification import Notification

# Slack refuses a section text over 3000 characters and a header over 150.
SLACK_TEXT_LIMIT = 2900
SLACK_HEADER_LIMIT = 150


def _window(notification: Notification) -> str:
    window = notification.window
    if window is None:
        return "no window"
    return f"{window.start:%Y-%m-%d %H:%M} to {window.end:%Y-%m-%d %H:%M} UTC"


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3g}"


def _feature_lines(notification: Notification) -> list[str]:
    lines = []
    for feature in notification.drifted_features:
        applied = feature.effective_threshold if feature.effective_threshold is not None else feature.threshold
        lines.append(f"{feature.name}: {feature.metric} {_number(feature.value)} > {_number(applied)}")
    return lines


def _violation_lines(notification: Notification) -> list[str]:
    summary = notification.violations
    lines = [f"{v.constraint_check_type} on {v.feature_name}: {v.description}" for v in summary.examples]
    if summary.count > len(summary.examples):
        lines.append(f"and {summary.count - len(summary.examples)} more")
    return lines


def webhook_body(notification: Notification) -> bytes:
    """The JSON document POSTed to webhooks (schema in docs/alerts.md)."""
    return notification.to_json().encode("utf-8")


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_payload(notification: Notification) -> dict[str, Any]:
    """A Slack incoming-webhook message: a plain ``text`` fallback plus Block Kit blocks."""
    icon = ":red_circle:" if notification.event == "firing" else ":large_green_circle:"
    rows = notification.rows or {}
    fields = [
        f"*Status*\n{notification.status}",
        f"*Window*\n{_window(notification)}",
    ]
    if rows:
        fields.append(f"*Rows*\n{rows.get('target', 0):,} target, {rows.get('baseline', 0):,} baseline")
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _clip(notification.headline, SLACK_HEADER_LIMIT)},
        },
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": _clip(f"{icon} {_slack_escape(notification.reason)}", SLACK_TEXT_LIMIT)},
        },
        {"type": "section", "fields": [{"type": "mrkdwn", "text": _slack_escape(f)} for f in fields]},
    ]
    features = _feature_lines(notification)
    if features:
        text = "*Drifted features*\n" + "\n".join(f"• {_slack_escape(line)}" for line in features)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _clip(text, SLACK_TEXT_LIMIT)}})
    violations = _violation_lines(notification)
    if violations:
        text = f"*Violations ({notification.violations.count})*\n" + "\n".join(
            f"• {_slack_escape(line)}" for line in violations
        )
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _clip(text, SLACK_TEXT_LIMIT)}})
    context = [f"driftplane {notification.driftplane_version}", f"{notification.timestamp:%Y-%m-%d %H:%M} UTC"]
    if notification.report:
        context.insert(0, f"report: {notification.report}")
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _slack_escape(" · ".join(context))}]}
    )
    return {"text": f"{notification.headline}: {notification.reason}", "blocks": blocks}


def email_subject(notification: Notification) -> str:
    """'[driftplane] FIRING churn: drift on at least 1 feature'."""
    return f"[driftplane] {notification.headline}"


def email_text(notification: Notification) -> str:
    """The plain-text email body: the reason first, then the details, then where to look."""
    what = "started firing" if notification.event == "firing" else "resolved"
    lines = [
        f"The alert '{notification.alert}' of monitor {notification.monitor} {what}.",
        "",
        notification.reason,
        "",
        f"Status: {notification.status}",
        f"Window: {_window(notification)}",
    ]
    if notification.rows:
        lines.append(
            f"Rows: {notification.rows.get('target', 0):,} target, {notification.rows.get('baseline', 0):,} baseline"
        )
    if notification.error:
        lines.append(f"Error: {notification.error}")
    features = _feature_lines(notification)
    if features:
        lines += ["", "Drifted features:"] + [f"  - {line}" for line in features]
    violations = _violation_lines(notification)
    if violations:
        lines += ["", f"Violations ({notification.violations.count}):"] + [f"  - {line}" for line in violations]
    lines.append("")
    if notification.report:
        lines.append(f"Report: {notification.report}")
    lines.append(
        f"Sent by driftplane {notification.driftplane_version} at {notification.timestamp:%Y-%m-%d %H:%M:%S} UTC "
        f"(event {notification.id})."
    )
    return "\n".join(lines) + "\n"


def log_line(notification: Notification) -> str:
    """One line for driftplane's log."""
    where = f"; report {notification.report}" if notification.report else ""
    return (
        f"alert {notification.event.upper()} for monitor {notification.monitor}: {notification.alert}: "
        f"{notification.reason} (window {_window(notification)}, status {notification.status}{where})"
    )
