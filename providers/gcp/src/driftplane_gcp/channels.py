"""How Cloud Monitoring delivers each channel type of a spec: the ``DELIVERY`` table.

An alert's channels come resolved from core (``AlertRule.channels``: a type and its
validated settings). Each row of ``DELIVERY`` is one of core's row types
(``driftplane.alerting.delivery``): a ``Delivery`` whose translator turns one such channel
into the Cloud Monitoring notification channels that deliver it, raising ``Undeliverable``
for a channel it cannot deliver as the spec means it (saying why and what to do instead).
A channel type without a row is refused at ``validate``, at its ``notify`` entry
(``channel_problems``, which also tries each translator on its channels). Adding a channel
type means one module in core and one row here.

What Cloud Monitoring sends is its own incident message, not driftplane's: a person reads
an email or a Slack post either way, but a webhook receiver parses the body, so webhooks
are delivered only when ``providers.gcp.incident_webhooks`` says the receiver reads
Google's incident JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from driftplane.alerting.delivery import Delivery, DeliveryTable, Refusal, Undeliverable
from driftplane.alerting.redact import redact_url
from driftplane.alerting.targets import ChannelTarget
from driftplane_gcp.names import DIGEST_LABEL, digest, managed_labels
from driftplane_gcp.settings import GcpSettings

if TYPE_CHECKING:
    from google.cloud import monitoring_v3

REDACTED = "<redacted>"


@dataclass(frozen=True)
class NotificationTarget:
    """One Cloud Monitoring notification channel of a monitor.

    key: its identity within the monitor (kept in the ``driftplane-key`` label): one email
        channel per address, one webhook channel per URL, one Slack channel per named channel.
    labels: the channel type's labels (``email_address``, ``url``, ...), secrets included.
    secret_labels: labels Google never shows back and plan output redacts.
    """

    monitor: str
    key: str
    type: str
    display_name: str
    labels: Mapping[str, str]
    secret_labels: tuple[str, ...] = ()

    def message(
        self, *, user_labels: Mapping[str, str] | None = None, redact: bool = False
    ) -> monitoring_v3.NotificationChannel:
        """The NotificationChannel, with the monitor's tags in ``user_labels`` under driftplane's own."""
        from google.cloud import monitoring_v3

        labels = dict(self.labels)
        body_digest = digest(
            {"type": self.type, "labels": labels, "display_name": self.display_name, "monitor": self.monitor}
        )
        if redact:
            labels = {k: (REDACTED if k in self.secret_labels else v) for k, v in labels.items()}
        return monitoring_v3.NotificationChannel(
            type_=self.type,
            display_name=self.display_name,
            description=f"Created by driftplane for monitor {self.monitor}.",
            labels=labels,
            user_labels={**(user_labels or {}), **managed_labels(self.monitor, self.key), DIGEST_LABEL: body_digest},
            enabled=True,
        )


Translate = Callable[[ChannelTarget, str, GcpSettings], list[NotificationTarget]]


def _prefix(monitor: str) -> str:
    return f"driftplane {monitor}"


def _email(channel: ChannelTarget, monitor: str, settings: GcpSettings) -> list[NotificationTarget]:
    """One ``email`` channel per address: Google sends its incident email to each."""
    addresses: list[str] = list(channel.value("to"))
    return [
        NotificationTarget(
            monitor, f"email-{address}", "email", f"{_prefix(monitor)}: email {address}", {"email_address": address}
        )
        for address in addresses
    ]


def _webhook(channel: ChannelTarget, monitor: str, settings: GcpSettings) -> list[NotificationTarget]:
    """``webhook_tokenauth``, which POSTs Cloud Monitoring's incident JSON to the URL.

    Refused unless ``incident_webhooks`` says the receiver reads that JSON, and always when the
    channel asks for what Google cannot send (driftplane's HMAC signature, extra headers).
    """
    url = str(channel.value("url"))
    shown = redact_url(url)
    unsendable = [name for name in ("secret", "headers") if channel.value(name)]
    if unsendable:
        raise Undeliverable(
            f"webhook {shown}: Cloud Monitoring's webhook channels cannot send "
            f"{' or '.join('an HMAC signature (secret)' if n == 'secret' else 'extra headers' for n in unsendable)}; "
            "remove them (a webhook_tokenauth channel may carry a token in the URL's query), or deliver this "
            "alert by email or slack"
        )
    if not settings.incident_webhooks:
        raise Undeliverable(
            f"webhook {shown}: Cloud Monitoring posts its own incident JSON, not driftplane's "
            "driftplane.alert/v1 body, so a receiver written for driftplane would not understand it; if this "
            "receiver reads Google's incident format, set providers.gcp.incident_webhooks: true, else "
            "deliver this alert by email or slack"
        )
    return [
        NotificationTarget(
            monitor,
            f"webhook-{digest(url)[:12]}",
            "webhook_tokenauth",
            f"{_prefix(monitor)}: webhook {shown}",
            {"url": url},
            secret_labels=("url",),
        )
    ]


def _slack(channel: ChannelTarget, monitor: str, settings: GcpSettings) -> list[NotificationTarget]:
    """``slack`` through a Slack app: Cloud Monitoring does not post to incoming-webhook URLs."""
    name = channel.channel_name
    app = settings.slack.get(name) if name else None
    if app is None:
        where = f"'{name}'" if name else "written inline"
        raise Undeliverable(
            f"slack channel {where}: Cloud Monitoring posts to Slack through a Slack app, not an incoming "
            "webhook; define the channel under 'channels:' and add providers.gcp.slack."
            f"{name or 'NAME'} with channel_name and auth_token (a Slack app's OAuth token)"
        )
    return [
        NotificationTarget(
            monitor,
            f"slack-{name}",
            "slack",
            f"{_prefix(monitor)}: slack {app.channel_name}",
            {"channel_name": app.channel_name, "auth_token": app.auth_token.get_secret_value()},
            secret_labels=("auth_token",),
        )
    ]


def _log(channel: ChannelTarget, monitor: str, settings: GcpSettings) -> list[NotificationTarget]:
    """No notification channel: the policy's incidents are listed in the console, notifying no one."""
    return []


DELIVERY: DeliveryTable[Translate] = {
    "email": Delivery(_email, "a Cloud Monitoring email channel per address, sent Google's incident email"),
    "webhook": Delivery(
        _webhook,
        "a webhook_tokenauth channel posting Cloud Monitoring's incident JSON (with providers.gcp.incident_webhooks)",
    ),
    "slack": Delivery(_slack, "a Cloud Monitoring Slack channel, through the Slack app in providers.gcp.slack"),
    "log": Delivery(_log, "no channel: the alert policy's incidents are listed in the console"),
    "teams": Refusal(
        "Cloud Monitoring has no Microsoft Teams channel, and its webhooks post Google's incident JSON, "
        "not the Adaptive Card a Teams webhook shows",
        "notify an email channel (a Teams channel has an email address) or a slack channel, or run this "
        "monitor's alerts with the local provider (driftplane serve)",
    ),
    "pagerduty": Refusal(
        "Cloud Monitoring's PagerDuty channels send Google's incidents to PagerDuty's Google Cloud integration "
        "(a key of its own), not the Events API v2 trigger and resolve with driftplane's summary and dedup_key "
        "that the routing key is for",
        "notify an email channel with the address of an email integration on the PagerDuty service, or run "
        "this monitor's alerts with the local provider (driftplane serve)",
    ),
}


def notification_targets(
    monitor: str, channels: Sequence[ChannelTarget], settings: GcpSettings
) -> list[NotificationTarget]:
    """The notification channels that deliver ``channels``, each once (one address in two email
    channels is one channel); a channel the table refuses has none (``validate`` refused it)."""
    targets: dict[str, NotificationTarget] = {}
    for channel in channels:
        row = DELIVERY.get(channel.type)
        if not isinstance(row, Delivery):
            continue
        try:
            made = row.translate(channel, monitor, settings)
        except Undeliverable:
            continue
        for target in made:
            targets.setdefault(target.key, target)
    return list(targets.values())


def attempt(monitor: str, settings: GcpSettings) -> Callable[[Delivery[Translate], ChannelTarget], object]:
    """How ``channel_problems`` calls this table's translators, for one monitor and these settings."""

    def call(row: Delivery[Translate], channel: ChannelTarget) -> object:
        return row.translate(channel, monitor, settings)

    return call


__all__ = ["DELIVERY", "NotificationTarget", "Undeliverable", "attempt", "notification_targets"]
