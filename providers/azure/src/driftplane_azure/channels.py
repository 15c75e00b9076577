"""Which alert channel types Azure delivers, and how: the ``DELIVERY`` table.

Azure ML model monitoring notifies in one way of its own: an email to the monitor's address
list when a signal that alerts breaches its thresholds, and when a monitoring job fails.
Every other channel type is refused at ``validate`` with the reason and what to use
instead; a type missing from the table (one a plugin adds) is refused naming the types
Azure delivers. Adding a channel type means a row here.

Why not an Azure Monitor action group for webhooks: it POSTs Azure's common alert schema,
not driftplane's webhook contract (the ``driftplane.alert/v1`` body, the
``X-Driftplane-*`` headers, the HMAC signature, one FIRING and one RESOLVED per alert), and
its only trigger, the workspace's failed-runs metric, cannot tell drift from a data-quality
breach from a job that failed. A receiver written for driftplane's webhook would break.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from driftplane.alerting.targets import ChannelTarget
from driftplane.errors import Problem, SpecError
from driftplane.resolved import AlertRule, ResolvedMonitor


@dataclass(frozen=True)
class Delivered:
    """A channel type Azure delivers: how, and the addresses it adds to the monitor's email list."""

    how: str
    emails: Callable[[ChannelTarget], tuple[str, ...]]


@dataclass(frozen=True)
class Refused:
    """A channel type Azure cannot deliver: why, and what to do instead."""

    why: str


def _addresses(target: ChannelTarget) -> tuple[str, ...]:
    value = target.value("to")
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


_LOCAL = "or keep it with provider local (`driftplane serve`), which delivers it itself"

DELIVERY: dict[str, Delivered | Refused] = {
    "email": Delivered("Azure ML's email notification of the monitor", _addresses),
    "webhook": Refused(
        "Azure cannot deliver driftplane's webhook: Azure ML only emails, and an Azure Monitor "
        "action group would POST Azure's own alert schema (not driftplane.alert/v1, unsigned) for "
        f"any failed job. Notify an email channel, {_LOCAL}"
    ),
    "slack": Refused(
        "Azure cannot post to Slack: Azure ML only emails, and an Azure Monitor action group posts "
        "Azure's own alert schema, which Slack rejects. Notify an email channel (a Slack channel "
        f"can have an email address), {_LOCAL}"
    ),
    "log": Refused(
        "the log channel writes to driftplane's log, but on Azure, Azure ML runs the monitor, not "
        "driftplane. Remove it (`driftplane status` shows each run), or notify an email channel"
    ),
}


def delivered_types() -> list[str]:
    """The channel types Azure delivers, for messages."""
    return [kind for kind, row in DELIVERY.items() if isinstance(row, Delivered)]


def refusal(target: ChannelTarget) -> str | None:
    """Why Azure cannot deliver to this channel, or None when it can."""
    row = DELIVERY.get(target.type)
    if row is None:
        return (
            f"the azure provider cannot deliver to '{target.type}' channels ({target.name}); it "
            f"delivers {', '.join(delivered_types())} (Azure ML's email notification)"
        )
    if isinstance(row, Refused):
        return f"{target.name}: {row.why}"
    return None


def alert_emails(alert: AlertRule) -> tuple[str, ...]:
    """The addresses Azure emails for this alert, in the spec's order, each once."""
    found: list[str] = []
    for target in alert.channels:
        row = DELIVERY.get(target.type)
        if isinstance(row, Delivered):
            found.extend(address for address in row.emails(target) if address not in found)
    return tuple(found)


def monitor_emails(resolved: ResolvedMonitor) -> list[str]:
    """The monitor's one email list.

    ``checks`` refuses alerts that notify different lists; this refuses them again, so
    nothing built from a monitor ever merges them.
    """
    routes = [alert_emails(alert) for alert in resolved.alerts]
    if any(set(route) != set(routes[0]) for route in routes[1:]):
        raise SpecError(
            [
                Problem(
                    ("monitors", resolved.name, "alerts"),
                    "alerts notify different email lists; Azure ML has one list per monitor",
                )
            ]
        )
    return list(routes[0]) if routes else []
