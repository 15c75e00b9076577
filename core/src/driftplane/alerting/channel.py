"""The AlertChannel interface: where alert notifications go (webhook, Slack, email, log, ...).

A channel class is registered by a plugin (``register_alert_channels``), carries a settings
model for its entry under ``channels:`` and knows its shorthand (``email:ml@example.com``),
so the spec can refer to it either way. A provider that delivers notifications itself builds
one instance per resolved channel target with ``from_target`` and calls ``send``; cloud
providers translate the same targets into their own services instead (see
``driftplane.alerting.delivery``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from driftplane.alerting.context import DeliveryContext
from driftplane.alerting.notification import Notification
from driftplane.alerting.redact import secret_values
from driftplane.errors import NotAvailableYet, SpecError

if TYPE_CHECKING:
    from driftplane.alerting.targets import ChannelTarget
    from driftplane.spec.problems import Path, SourceMap


class ChannelSettings(BaseModel):
    """Base of each channel type's settings model; numbers are finite (a timeout of .inf never ends)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class AlertChannel:
    """Base class of alert channels.

    Subclasses set ``channel_type``, ``description``, ``settings_model`` (and
    ``shorthand_field`` for ``type:target`` references) and implement ``send``.
    """

    channel_type: ClassVar[str] = ""
    description: ClassVar[str] = ""
    settings_model: ClassVar[type[ChannelSettings]] = ChannelSettings
    shorthand_field: ClassVar[str | None] = None  # 'email:x' sets this field to 'x'

    def __init__(
        self, settings: ChannelSettings, *, name: str | None = None, context: DeliveryContext | None = None
    ) -> None:
        self.settings = settings
        self.name = name or self.channel_type
        self.context = context or DeliveryContext()

    @classmethod
    def from_target(cls, target: ChannelTarget, context: DeliveryContext | None = None) -> AlertChannel:
        """The channel a resolved target describes, ready to send with the provider's context."""
        return cls(target.settings, name=target.name, context=context)

    @property
    def secrets(self) -> list[str]:
        """Every secret this channel could quote in an error (its settings' and its context's)."""
        return sorted(set(secret_values(self.settings)) | set(self.context.secrets), key=len, reverse=True)

    @classmethod
    def settings_from(
        cls,
        raw: Mapping[str, Any],
        *,
        source: SourceMap | None = None,
        path: Path = (),
    ) -> ChannelSettings:
        """Validate raw settings; SpecError with located problems when they are wrong."""
        from driftplane.spec.problems import problems_from_validation_error

        try:
            return cls.settings_model.model_validate(dict(raw))
        except ValidationError as exc:
            raise SpecError(
                problems_from_validation_error(
                    exc, model=cls.settings_model, data=dict(raw), source=source, prefix=path
                )
            ) from None

    @classmethod
    def shorthand(cls, target: str) -> dict[str, Any]:
        """Settings for ``type:target`` references, e.g. ``email:ml@example.com``."""
        if cls.shorthand_field is None:
            raise ValueError(
                f"channel type '{cls.channel_type}' has no shorthand; "
                "define it under 'channels:' and refer to it by name"
            )
        return {cls.shorthand_field: target}

    def send(self, notification: Notification) -> None:
        """Deliver one notification; raise DeliveryError on failure so the caller can retry later."""
        raise NotAvailableYet(f"sending to {self.channel_type} channels is not available in this version")


__all__ = ["AlertChannel", "ChannelSettings", "DeliveryContext"]
