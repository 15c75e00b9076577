"""The one error a channel raises when it could not deliver."""

from __future__ import annotations

from driftplane.errors import DriftplaneError


class DeliveryError(DriftplaneError):
    """A notification was not delivered; the message is the reason, already redacted.

    ``retryable`` is False when trying again cannot help without a change to the spec (a
    404, a refused login); the local provider's outbox keeps the notification either way, so
    fixing the channel and running again delivers it.
    """

    def __init__(self, reason: str, *, retryable: bool = True, attempts: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.attempts = attempts
