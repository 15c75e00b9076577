"""Which alert channel types Azure delivers, and how: the ``DELIVERY`` table.

Azure ML model monitoring notifies in one way of its own: an email to the monitor's address
list when a signal that alerts breaches its thresholds, and when a monitoring job fails.
Every other channel type has a ``Refusal`` row (why, and what to do instead); a type with
no row (one a plugin adds) is refused too, naming the types Azure delivers. Both are
reported at ``validate``, at the ``notify`` entry (``driftplane.alerting.delivery``).
Adding a channel type means a row here.

Why not an Azure Monitor action group for webhooks: it POSTs Azure's common alert schema,
not driftplane's webhook contract (the ``driftplane.alert/v1`` body, the
``X-Driftplane-*`` headers, the HMAC signature, one FIRING and one RESOLVED per alert), and
its only trigger, the workspace's failed-runs metric, cannot tell drift from a data-quality
breach from a job that failed. A receiver written for driftplane's webhook would break.
"""

from __future__ import annotations

from collections.abc import Callable

from driftplane.alerting.delivery import Delivery, DeliveryTable, Refusal
from driftplane.alerting.targets import ChannelTarget
from driftplane.errors import Problem, SpecError
from driftplane.resolved import AlertRule, ResolvedMonitor

# A delivered channel becomes addresses on the monitor's one email list.
EmailAddresses = Callable[[ChannelTarget], tuple[str, ...]]


def email_addresses(target: ChannelTarget) -> tuple[str, ...]:
    """The addresses an email channel adds to the monitor's email list."""
    value = target.value("to")
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


_LOCAL = "or keep it with provider local (`driftplane serve`), which delivers it itself"

DELIVERY: DeliveryTable[EmailAddresses] = {
    "email": Delivery(email_addresses, "Azure ML's email notification of the monitor, one list per monitor"),
    "webhook": Refusal(
        "Azure ML only emails, and an Azure Monitor action group would POST Azure's own alert "
        "schema (not driftplane.alert/v1, unsigned) for any failed job",
        f"notify an email channel, {_LOCAL}",
    ),
    "slack": Refusal(
        "Azure ML only emails, and an Azure Monitor action group posts Azure's own alert schema, "
        "which Slack rejects",
        f"notify an email channel (a Slack channel can have an email address), {_LOCAL}",
    ),
    "teams": Refusal(
        "Azure ML only emails, and an Azure Monitor action group posts Azure's own alert schema, "
        "not the Adaptive Card a Teams webhook shows",
        f"notify an email channel (a Teams channel has an email address), {_LOCAL}",
    ),
    "pagerduty": Refusal(
        "Azure ML only emails, and an Azure Monitor action group posts Azure's own alert schema, not an "
        "Events API v2 trigger and resolve with driftplane's dedup_key",
        f"notify an email channel with the address of an email integration on the PagerDuty service, {_LOCAL}",
    ),
    "log": Refusal(
        "the log channel writes to driftplane's log, but on Azure, Azure ML runs the monitor, not driftplane",
        "remove it (`driftplane status` shows each run), or notify an email channel",
    ),
}


def alert_emails(alert: AlertRule) -> tuple[str, ...]:
    """The addresses Azure emails for this alert, in the spec's order, each once."""
    found: list[str] = []
    for target in alert.channels:
        row = DELIVERY.get(target.type)
        if isinstance(row, Delivery):
            found.extend(address for address in row.translate(target) if address not in found)
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
