"""Delivering notifications: rendering per channel, HTTP with retries, SMTP, and redaction.

The channel classes in ``driftplane.local.channels`` call these; everything that can fail
raises ``DeliveryError`` with a reason that is safe to log (no URL tokens, no passwords).
"""

from driftplane.local.notify.errors import DeliveryError

__all__ = ["DeliveryError"]
