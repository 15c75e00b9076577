"""How AWS delivers each channel type: the ``DELIVERY`` table.

An alert becomes CloudWatch alarms whose actions notify one SNS topic (driftplane's own per
alert, or ``providers.aws.sns_topic_arn``). What an alert's channels become on that topic is
decided here, one row per channel type, with core's row types
(``driftplane.alerting.delivery``): a ``Delivery`` whose translator gives the topic's
subscriptions, or a ``Refusal`` that says why SNS cannot deliver the type as driftplane means
it and what to use instead. ``validate`` refuses a channel type that has no row (naming the
types AWS delivers) or whose row refuses it, at the alert's ``notify`` entry
(``channel_problems``). Adding a channel type to driftplane means one row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from driftplane.alerting.delivery import Delivery, DeliveryTable, Refusal
from driftplane.alerting.targets import ChannelTarget


@dataclass(frozen=True)
class Subscription:
    """One SNS subscription of an alert's topic: its protocol and endpoint."""

    protocol: str
    endpoint: str


# A delivered channel becomes subscriptions on its alert's topic (none when the alarms
# themselves are the delivery).
Subscriptions = Callable[[ChannelTarget], list[Subscription]]


def email_subscriptions(target: ChannelTarget) -> list[Subscription]:
    """One SNS email subscription per address."""
    value = target.value("to")
    addresses = [value] if isinstance(value, str) else [str(v) for v in value]
    return [Subscription("email", address) for address in addresses]


def no_subscription(target: ChannelTarget) -> list[Subscription]:
    """Nothing to subscribe: CloudWatch keeps the alarm's history itself."""
    del target
    return []


OWN_TOPIC = (
    "set providers.aws.sns_topic_arn to an SNS topic of your own and subscribe to it what should hear the "
    "alarms (an HTTPS endpoint, AWS Chatbot for Slack or Teams, a Lambda function, SQS, SMS)"
)
LOCAL = "run the alerts with the local provider (driftplane serve)"
# What to do about a channel type without a row here.
OTHERWISE = f"notify one of those instead, or {OWN_TOPIC}, or {LOCAL}"

DELIVERY: DeliveryTable[Subscriptions] = {
    "email": Delivery(
        email_subscriptions,
        "an SNS email subscription per address on the alert's topic (each recipient confirms once); "
        "SNS sends the CloudWatch alarm's message when the alarm fires and when it resolves",
    ),
    "log": Delivery(
        no_subscription,
        "CloudWatch records every state change of the alert's alarms in the alarm's history "
        "(the console, `aws cloudwatch describe-alarm-history`); nothing is subscribed",
    ),
    "webhook": Refusal(
        "an SNS HTTPS subscription first posts a "
        "SubscriptionConfirmation the endpoint must confirm, then posts SNS's own JSON envelope around "
        "the CloudWatch alarm's message, without driftplane's body (driftplane.alert/v1), HMAC signature "
        "or headers",
        f"use an email channel, or {OWN_TOPIC}, or {LOCAL}",
    ),
    "slack": Refusal(
        "SNS posts its own JSON envelope to an HTTPS endpoint (after a subscription confirmation Slack "
        "cannot answer), not a Slack message",
        f"use AWS Chatbot (Amazon Q Developer in chat applications) on a topic of your own: {OWN_TOPIC}; "
        f"or an email channel, or {LOCAL}",
    ),
    "teams": Refusal(
        "SNS posts its own JSON envelope to an HTTPS endpoint (after a subscription confirmation Teams "
        "cannot answer), not the Adaptive Card a Teams webhook shows",
        f"use AWS Chatbot (Amazon Q Developer in chat applications), which posts alarms to Teams, on a topic "
        f"of your own: {OWN_TOPIC}; or an email channel (a Teams channel has an email address), or {LOCAL}",
    ),
    "pagerduty": Refusal(
        "CloudWatch alarms reach PagerDuty only through SNS, which posts the alarm in its own envelope to "
        "PagerDuty's Amazon CloudWatch integration (its own integration URL), not the Events API v2 "
        "trigger and resolve (with driftplane's summary and dedup_key) that the routing key is for",
        "add an Amazon CloudWatch integration to the PagerDuty service and subscribe its integration URL "
        f"to a topic of your own: {OWN_TOPIC}; or {LOCAL}",
    ),
}


def subscriptions(targets: tuple[ChannelTarget, ...]) -> list[Subscription]:
    """The SNS subscriptions an alert's channels need on its topic, each once, in order.

    A channel the table refuses has none (``validate`` refused it already).
    """
    out: list[Subscription] = []
    for target in targets:
        row = DELIVERY.get(target.type)
        if not isinstance(row, Delivery):
            continue
        for subscription in row.translate(target):
            if subscription not in out:
                out.append(subscription)
    return out


__all__ = ["DELIVERY", "OTHERWISE", "Subscription", "Subscriptions", "email_subscriptions", "subscriptions"]
