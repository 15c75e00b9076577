"""The local provider: the embedded default and the reference every other provider matches."""

from __future__ import annotations

from typing import ClassVar

from driftplane.local.settings import LocalSettings
from driftplane.provider import Provider, ProviderSettings


class LocalProvider(Provider):
    """Runs monitors in this process; history in SQLite, reports on disk, alerts by channel."""

    name: ClassVar[str] = "local"
    description: ClassVar[str] = "runs monitors on this machine; history in SQLite, reports on disk"
    backends: ClassVar[tuple[str, ...]] = ("local",)
    settings_model: ClassVar[type[ProviderSettings]] = LocalSettings
