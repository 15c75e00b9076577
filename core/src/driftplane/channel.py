"""The AlertChannel interface: where alert notifications go (webhook, Slack, email, log, ...).

A channel class is registered by a plugin, carries a settings model for its entry under
``channels:`` and knows its shorthand (``email:ml@example.com``), so the spec can refer to
it either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from driftplane.errors import NotAvailableYet, SpecError

if TYPE_CHECKING:
    from driftplane.spec.problems import Path, SourceMap


class ChannelSettings(BaseModel):
    """Base of each channel type's settings model."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class AlertChannel:
    """Base class of alert channels."""

    channel_type: ClassVar[str] = ""
    description: ClassVar[str] = ""
    settings_model: ClassVar[type[ChannelSettings]] = ChannelSettings
    shorthand_field: ClassVar[str | None] = None  # 'email:x' sets this field to 'x'

    def __init__(self, settings: ChannelSettings, *, name: str | None = None) -> None:
        self.settings = settings
        self.name = name or self.channel_type

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
                f"channel type '{cls.channel_type}' has no shorthand; define it under 'channels:' and refer to it by name"
            )
        return {cls.shorthand_field: target}

    def send(self, notification: Any) -> None:
        """Deliver one notification; raise on failure so the caller can retry later."""
        raise NotAvailableYet(f"sending to {self.channel_type} channels is not available in this version")
