"""How AWS delivers each channel type: the ``DELIVERY`` table.

An alert becomes CloudWatch alarms whose actions notify one SNS topic (driftplane's own per
alert, or ``providers.aws.sns_topic_arn``). What an alert's channels become on that topic is
decided here, one row per channel type: a translator that gives the topic's subscriptions,
or a refusal that says why SNS cannot deliver the type as driftplane means it and what to use
instead. ``validate`` refuses a channel type that has no row (naming the types AWS delivers)
or whose row refuses it, at the alert's ``notify`` entry. Adding a channel type to
driftplane means one row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from driftplane.alerting.targets import ChannelTarget


@dataclass(frozen=True)
class Subscription:
    """One SNS subscription of an alert's topic: its protocol and endpoint."""

    protocol: str
    endpoint: str


@dataclass(frozen=True)
class Delivery:
    """How AWS delivers one channel type.

    how: in words, for plans and docs.
    subscriptions: the SNS subscriptions a channel of this type needs on its alert's topic
        (an empty list when the alarms themselves are the delivery); None when refused.
    refusal: why AWS cannot deliver the type as driftplane does, and what to use instead.
    """

    how: str
    subscriptions: Callable[[ChannelTarget], list[Subscription]] | None = None
    refusal: str | None = None


def _email(target: ChannelTarget) -> list[Subscription]:
    return [Subscription("email", address) for address in target.value("to")]


def _nothing(target: ChannelTarget) -> list[Subscription]:
    del target
    return []


_OWN_TOPIC = (
    "set providers.aws.sns_topic_arn to an SNS topic of your own and subscribe to it what should hear the "
    "alarms (an HTTPS endpoint, AWS Chatbot for Slack or Teams, a Lambda function, SQS, SMS)"
)

DELIVERY: dict[str, Delivery] = {
    "email": Delivery(
        "an SNS email subscription per address on the alert's topic (each recipient confirms once); "
        "SNS sends the CloudWatch alarm's message when the alarm fires and when it resolves",
        subscriptions=_email,
    ),
    "log": Delivery(
        "CloudWatch records every state change of the alert's alarms in the alarm's history "
        "(the console, `aws cloudwatch describe-alarm-history`); nothing is subscribed",
        subscriptions=_nothing,
    ),
    "webhook": Delivery(
        "refused",
        refusal=(
            "SNS cannot deliver driftplane's webhook: an SNS HTTPS subscription first posts a "
            "SubscriptionConfirmation the endpoint must confirm, then posts SNS's own JSON envelope around "
            "the CloudWatch alarm's message, without driftplane's body (driftplane.alert/v1), HMAC signature "
            f"or headers. Use an email channel, or {_OWN_TOPIC}, or run the alerts with the local provider "
            "(driftplane serve)"
        ),
    ),
    "slack": Delivery(
        "refused",
        refusal=(
            "SNS cannot post to a Slack incoming webhook: it posts its own JSON envelope (after a subscription "
            "confirmation Slack cannot answer), not a Slack message. Use AWS Chatbot (Amazon Q Developer in chat "
            f"applications) on a topic of your own: {_OWN_TOPIC}; or an email channel, or run the alerts with "
            "the local provider (driftplane serve)"
        ),
    ),
}


def delivered_types() -> list[str]:
    """The channel types AWS delivers, for messages."""
    return sorted(kind for kind, row in DELIVERY.items() if row.subscriptions is not None)


def delivery_problem(target: ChannelTarget) -> str | None:
    """Why AWS cannot deliver this channel, or None when it can."""
    row = DELIVERY.get(target.type)
    if row is None:
        return (
            f"AWS does not deliver '{target.type}' channels ({target.name}): the channel types AWS delivers are "
            f"{', '.join(delivered_types())}. Use one of them, or {_OWN_TOPIC}"
        )
    if row.subscriptions is None:
        return f"{target.name}: {row.refusal}"
    return None


def subscriptions(targets: tuple[ChannelTarget, ...]) -> list[Subscription]:
    """The SNS subscriptions an alert's channels need on its topic, each once, in order."""
    out: list[Subscription] = []
    for target in targets:
        row = DELIVERY.get(target.type)
        if row is None or row.subscriptions is None:
            continue  # refused at validate
        for subscription in row.subscriptions(target):
            if subscription not in out:
                out.append(subscription)
    return out


__all__ = ["DELIVERY", "Delivery", "Subscription", "delivered_types", "delivery_problem", "subscriptions"]
