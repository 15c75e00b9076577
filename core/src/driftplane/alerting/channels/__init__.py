"""The built-in channel types, one module each: webhook, slack, email, log, teams, pagerduty.

A channel type is a settings model (what its entry under ``channels:`` holds) and an
AlertChannel subclass that sends a Notification with them. ``driftplane.alerting.plugin``
registers these through ``register_alert_channels``, the hook any plugin uses to add one.
"""
