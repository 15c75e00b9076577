"""How a cloud delivers each channel type: the rows of a provider's ``DELIVERY`` table.

A cloud provider does not send notifications itself; it turns each resolved channel
(``ChannelTarget``) into its own service's resource (an SNS subscription, an action-group
receiver, a notification channel). Each cloud provider keeps one table, ``DELIVERY`` in its
``channels.py``, keyed by channel type:

    DELIVERY: DeliveryTable[SubscriptionsFor] = {
        "email": Delivery(email_subscriptions, "an SNS email subscription per address"),
        "webhook": Delivery(https_subscription, "an SNS HTTPS subscription"),
        "log": Refusal("CloudWatch alarms cannot write to driftplane's log",
                       "notify an email or webhook channel, or run the monitor locally"),
    }

A type with a ``Delivery`` row is translated by its function; a ``Refusal`` row, or no row
at all (a channel type added by a plugin after the table was written), is refused at
``validate`` by ``channel_problems``, located at the ``notify`` entry. So a new channel type
is one module in core plus one row per cloud, and never silently dropped.

Some channels of a delivered type still cannot be delivered as the spec means them (a
webhook asking for an HMAC signature the cloud cannot send): the row's translator raises
``Undeliverable`` for that channel, saying why and what instead, and ``channel_problems``,
given the provider's way of calling its translators, reports that at ``validate`` too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

from driftplane.errors import Problem

if TYPE_CHECKING:
    from driftplane.alerting.targets import ChannelTarget
    from driftplane.resolved import AlertRule, ResolvedMonitor
    from driftplane.spec.problems import SourceMap

Translate = TypeVar("Translate", bound=Callable[..., Any])


@dataclass(frozen=True)
class Delivery(Generic[Translate]):
    """The cloud delivers this channel type.

    translate: turns a ChannelTarget (and whatever else the provider passes: its settings,
        the monitor) into the cloud's own resources; its signature is the provider's, the
        same for every row of one table.
    how: what it becomes, in a few words, for plans and docs ("an SNS email subscription
        per address").
    """

    translate: Translate
    how: str


@dataclass(frozen=True)
class Refusal:
    """The cloud cannot deliver this channel type: why, and what to do instead."""

    reason: str
    instead: str


DeliveryTable: TypeAlias = Mapping[str, Delivery[Translate] | Refusal]
# How a provider calls one row's translator for a channel (with its own settings, the monitor...).
Attempt = Callable[[Delivery[Any], "ChannelTarget"], object]

# What a person can do about a channel type a cloud has no row for, unless the provider says better.
OTHERWISE = (
    "notify one of those instead, or run this monitor with the local provider, which delivers every "
    "installed channel type"
)


class Undeliverable(Exception):
    """One channel of a delivered type that the cloud cannot deliver as the spec means it.

    Raised by a row's translator; the message names the channel (``target.name``, with URLs
    redacted), says why, and what to do instead.
    """


def delivered_types(table: Mapping[str, Delivery[Any] | Refusal]) -> list[str]:
    """The channel types the table delivers, sorted."""
    return sorted(kind for kind, row in table.items() if isinstance(row, Delivery))


def refusal(
    table: Mapping[str, Delivery[Any] | Refusal],
    target: ChannelTarget,
    *,
    provider: str,
    attempt: Attempt | None = None,
    otherwise: str = OTHERWISE,
) -> str | None:
    """Why ``provider`` cannot deliver this channel, in words; None when its table delivers it.

    attempt: how the provider calls a row's translator; given, a delivered type's translator
        is tried on this channel, and an ``Undeliverable`` it raises is the answer.
    otherwise: what to do about a type without a row (after "it delivers ...").
    """
    row = table.get(target.type)
    if isinstance(row, Delivery):
        if attempt is None:
            return None
        try:
            attempt(row, target)
        except Undeliverable as exc:
            return str(exc)
        return None
    delivers = ", ".join(delivered_types(table)) or "no channel type"
    if row is None:
        return (
            f"{target.name}: the {provider} provider cannot deliver '{target.type}' channels (it delivers "
            f"{delivers}); {otherwise}"
        )
    return (
        f"{target.name}: the {provider} provider cannot deliver '{target.type}' channels: {row.reason}; {row.instead}"
    )


def channel_problems(
    monitor: ResolvedMonitor,
    table: Mapping[str, Delivery[Any] | Refusal],
    *,
    provider: str,
    source: SourceMap | None = None,
    attempt: Attempt | None = None,
    otherwise: str = OTHERWISE,
) -> list[Problem]:
    """Every channel of the monitor's alerts the table does not deliver, located at its ``notify`` entry.

    A cloud provider's ``validate`` (its ``check``) calls this with its ``DELIVERY`` table; with
    ``attempt`` (see ``refusal``) also the channels its translators refuse one by one.
    """
    problems: list[Problem] = []
    for rule in monitor.alerts:
        for target in rule.channels:
            message = refusal(table, target, provider=provider, attempt=attempt, otherwise=otherwise)
            if message is not None:
                problems.append(_locate(monitor, rule, target, message, source))
    return problems


def _locate(
    monitor: ResolvedMonitor, rule: AlertRule, target: ChannelTarget, message: str, source: SourceMap | None
) -> Problem:
    path = monitor.notify_path(rule, target)
    return source.problem(path, message) if source is not None else Problem(path, message)


__all__ = [
    "OTHERWISE",
    "Attempt",
    "Delivery",
    "DeliveryTable",
    "Refusal",
    "Undeliverable",
    "channel_problems",
    "delivered_types",
    "refusal",
]
