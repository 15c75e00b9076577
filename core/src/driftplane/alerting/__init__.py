"""Alerting, shared by every provider: channel targets, notifications, conditions, redaction.

The local provider delivers notifications itself; the cloud providers translate the same
resolved channels into their services' own (SNS topics, Azure action groups, Cloud
Monitoring notification channels), each with a table of the channel types it can deliver.
"""
