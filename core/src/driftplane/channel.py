"""Where the channel base class used to live; kept so plugins written against it still import.

New code imports ``driftplane.AlertChannel`` (or ``driftplane.alerting.channel``).
"""

from driftplane.alerting.channel import AlertChannel, ChannelSettings, DeliveryContext

__all__ = ["AlertChannel", "ChannelSettings", "DeliveryContext"]
