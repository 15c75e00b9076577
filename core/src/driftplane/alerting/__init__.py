"""Alerting, shared by every provider: what an alert is told, when, and through which channel.

- ``targets``: a ``notify`` entry resolved to a channel type and validated settings.
- ``conditions``: whether a resolved alert (``driftplane.resolved.AlertRule``) fires on a result.
- ``notification``: the Notification a firing or resolved alert sends (driftplane.alert/v1).
- ``channel``, ``context``: the AlertChannel base class, and what a delivering provider hands it.
- ``channels/``: one module per built-in channel type (webhook, slack, email, log), registered
  by ``plugin`` through the ``register_alert_channels`` hook.
- ``render``, ``http``, ``smtp``, ``errors``, ``redact``: how channels deliver, and keeping
  secrets out of what they say.
- ``delivery``: the rows of a cloud provider's ``DELIVERY`` table (how, or whether, that cloud
  delivers each channel type) and the located refusal at ``validate``.

The local provider delivers notifications itself (its state and outbox live in
``driftplane.local``); the cloud providers translate the same resolved channels into their
services' own (SNS topics, Azure action groups, Cloud Monitoring notification channels).
"""
