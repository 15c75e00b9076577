"""Channel targets: an alert's ``notify`` entry resolved to a channel type and checked settings.

A ``notify`` entry may name a channel under ``channels:``, be a shorthand
(``email:ml@example.com``, ``webhook:https://...``, ``log``) or an inline
``{type: ..., ...}``. Every provider gets the same ChannelTarget for the same entry, so a
channel means one thing whether the local provider posts to it or a cloud provider turns it
into a notification channel of its own.
"""

from __future__ import annotations

import builtins
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from driftplane.errors import SpecError

if TYPE_CHECKING:
    from driftplane.alerting.channel import AlertChannel, ChannelSettings
    from driftplane.spec.models import ChannelRef, Spec

# Channel references that need no entry under `channels:`.
BARE_CHANNELS = ("log",)


def _digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ChannelTarget:
    """Where one alert notifies: the channel type, its validated settings, and how to name it.

    id: stable across runs and providers (``channel:NAME`` for a named channel, else the type
        and a digest of what was written), so delivery state and cloud resources survive edits
        of other channels.
    name: for people and logs; a URL is shown as scheme and host only.
    ref: the spec's entry as written (a name or shorthand), None for an inline definition.
    notify_index: the entry's position in its alert's ``notify`` list (the first one, when
        an alert names the same channel twice), so a provider that refuses the channel can
        point at the line; None when the target was resolved outside an alert.
    """

    id: str
    type: str
    name: str
    settings: ChannelSettings
    ref: str | None
    channel_name: str | None  # the name under `channels:`, when it is one
    notify_index: int | None = None

    @property
    def secrets(self) -> list[str]:
        """Every secret inside the settings, to be scrubbed from messages."""
        from driftplane.alerting.redact import secret_values

        return secret_values(self.settings)

    def channel_class(self) -> builtins.type[AlertChannel]:
        """The registered channel class of this target's type."""
        from driftplane.plugins import get_channel_types

        return get_channel_types()[self.type]

    def value(self, field: str) -> Any:
        """One setting, with secrets revealed (for translators that must send them)."""
        raw = getattr(self.settings, field)
        return raw.get_secret_value() if isinstance(raw, SecretStr) else raw


def resolve_target(spec: Spec, ref: ChannelRef) -> ChannelTarget:
    """The channel target a ``notify`` entry refers to; SpecError when it cannot be built."""
    from driftplane.alerting.redact import redact_url
    from driftplane.plugins import get_channel_types
    from driftplane.spec.models import ChannelSpec

    types = get_channel_types()
    channel_name: str | None = None
    written: str | None = None
    if isinstance(ref, ChannelSpec):
        kind, raw = ref.type, ref.settings
        channel_id, name = f"{kind}:{_digest(raw)}", f"{kind} (defined in the alert)"
    elif ref in spec.channels:
        kind, raw = spec.channels[ref].type, spec.channels[ref].settings
        channel_id, name, channel_name, written = f"channel:{ref}", f"{kind} '{ref}'", ref, ref
    elif ":" in ref:
        kind, _, target = ref.partition(":")
        if kind not in types:
            raise SpecError(f"'{ref}': unknown channel type '{kind}'; available: {', '.join(sorted(types))}")
        try:
            raw = types[kind].shorthand(target)
        except ValueError as exc:
            raise SpecError(f"'{ref}': {exc}") from None
        channel_id, name, written = f"{kind}:{_digest(ref)}", kind, ref
    elif ref in BARE_CHANNELS:
        kind, raw = ref, {}
        channel_id, name, written = ref, ref, ref
    else:
        raise SpecError(f"no channel named '{ref}'; define it under 'channels:'")
    cls = types.get(kind)
    if cls is None:
        raise SpecError(f"unknown channel type '{kind}'; available: {', '.join(sorted(types))}")
    settings = cls.settings_from(raw)
    if written is not None and channel_name is None and ":" in written and cls.shorthand_field:
        shown = getattr(settings, cls.shorthand_field, None)
        if isinstance(shown, SecretStr):  # a URL by its host; a key (a routing key) not at all
            name = f"{kind} ({redact_url(shown) if '://' in shown.get_secret_value() else 'key hidden'})"
        elif isinstance(shown, list | tuple):
            name = f"{kind} ({', '.join(map(str, shown))})"
        elif shown is not None:
            name = f"{kind} ({shown})"
    return ChannelTarget(channel_id, kind, name, settings, written, channel_name)


__all__ = ["BARE_CHANNELS", "ChannelTarget", "resolve_target"]
