"""The plugin manager: loads built-in and installed plugins, and finds providers and channels.

Installed distributions register under the ``driftplane`` entry-point group. Set
``DRIFTPLANE_LOAD_PLUGINS`` to a comma-separated list of distribution names to load only
those (empty: none besides the built-ins); set ``DRIFTPLANE_TRACE_PLUGINS=1`` to print every
hook call to stderr.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pluggy

from driftplane import hookspecs
from driftplane.errors import SpecError, UnknownProviderError

if TYPE_CHECKING:
    from driftplane.alerting.channel import AlertChannel
    from driftplane.provider import Provider, ProviderSettings
    from driftplane.spec.models import Spec


DEFAULT_PLUGINS = ("driftplane.local.plugin", "driftplane.alerting.plugin")
# Providers driftplane knows how to install, for the hint when one is missing.
KNOWN_PROVIDERS = {"aws": "driftplane-aws", "azure": "driftplane-azure", "gcp": "driftplane-gcp"}

pm = pluggy.PluginManager("driftplane")
pm.add_hookspecs(hookspecs)

_loaded = False


def _trace() -> None:
    def before(hook_name: str, hook_impls: Any, kwargs: Mapping[str, Any]) -> None:
        sys.stderr.write(f"driftplane hook {hook_name} called with {sorted(kwargs)}\n")

    def after(outcome: Any, hook_name: str, hook_impls: Any, kwargs: Any) -> None:
        sys.stderr.write(f"driftplane hook {hook_name} answered by {[i.plugin_name for i in hook_impls]}\n")

    pm.add_hookcall_monitoring(before, after)


def load_plugins() -> None:
    """Register the built-in plugins and the installed ones, once."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    if os.environ.get("DRIFTPLANE_TRACE_PLUGINS"):
        _trace()
    restrict = os.environ.get("DRIFTPLANE_LOAD_PLUGINS")
    if restrict is None:
        if not getattr(sys, "_called_from_test", False):
            pm.load_setuptools_entrypoints("driftplane")
    else:
        for name in [n.strip() for n in restrict.split(",") if n.strip()]:
            load_distribution(name)
    for module_name in DEFAULT_PLUGINS:
        if pm.get_plugin(module_name) is None:
            pm.register(importlib.import_module(module_name), name=module_name)
    pm.check_pending()


def load_distribution(name: str) -> bool:
    """Load the ``driftplane`` entry points of one installed distribution; False if absent."""
    try:
        dist = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        sys.stderr.write(f"Plugin {name} could not be found\n")
        return False
    for entry_point in dist.entry_points:
        if entry_point.group == "driftplane" and pm.get_plugin(entry_point.name) is None:
            pm.register(entry_point.load(), name=entry_point.name)
    return True


def load_installed() -> None:
    """Load every installed plugin even under test isolation (used by tests of the plugin path)."""
    load_plugins()
    pm.load_setuptools_entrypoints("driftplane")
    pm.check_pending()


def get_providers() -> dict[str, type[Provider]]:
    """Registered provider classes by name."""
    load_plugins()
    found: dict[str, type[Provider]] = {}

    def register(cls: type[Provider]) -> None:
        found[cls.name] = cls

    pm.hook.register_providers(register=register)
    return found


def get_channel_types() -> dict[str, type[AlertChannel]]:
    """Registered alert channel classes by type name."""
    load_plugins()
    found: dict[str, type[AlertChannel]] = {}

    def register(cls: type[AlertChannel]) -> None:
        found[cls.channel_type] = cls

    pm.hook.register_alert_channels(register=register)
    return found


def missing_provider_message(name: str, installed: list[str]) -> str:
    """What to say when ``name`` is not an installed provider."""
    from driftplane.spec.problems import did_you_mean

    have = ", ".join(installed)
    if name in KNOWN_PROVIDERS:
        return (
            f"provider '{name}' is not installed. Install it with: pip install 'driftplane[{name}]' "
            f"(installed: {have})"
        )
    hint = did_you_mean(name, list(installed) + list(KNOWN_PROVIDERS))
    return (
        f"unknown provider '{name}'{hint} (installed: {have}); third-party providers install as "
        f"packages, e.g. pip install driftplane-{name}"
    )


def get_provider_class(name: str) -> type[Provider]:
    """The provider class registered as ``name``, or UnknownProviderError with an install hint."""
    providers = get_providers()
    try:
        return providers[name]
    except KeyError:
        raise UnknownProviderError(missing_provider_message(name, sorted(providers))) from None


def get_provider(name: str, settings: Spec | ProviderSettings | Mapping[str, Any] | None = None) -> Provider:
    """A configured provider. ``settings`` may be the provider's settings or a whole Spec."""
    from driftplane.spec.models import Spec

    cls = get_provider_class(name)
    if isinstance(settings, Spec):
        return cls.from_spec(settings)
    return cls(settings)


def provider_for_spec(spec: Spec, name: str | None = None) -> Provider:
    """The provider a command should use: ``name`` (from --provider) or the spec's ``provider``.

    A provider the spec names but that is not installed is reported at the spec's line.
    """
    chosen = name or spec.provider
    try:
        cls = get_provider_class(chosen)
    except UnknownProviderError as exc:
        if name is None and spec.source is not None:
            raise SpecError([spec.source.problem(("provider",), str(exc))]) from None
        raise
    return cls.from_spec(spec)


def distribution_of(obj: Any) -> tuple[str, str]:
    """(distribution name, version) that ships the module defining ``obj``."""
    top = (getattr(obj, "__module__", None) or obj.__name__).split(".")[0]
    names = importlib.metadata.packages_distributions().get(top, [top])
    try:
        dist = importlib.metadata.distribution(names[0])
    except importlib.metadata.PackageNotFoundError:
        return names[0], "unknown"
    return dist.metadata["Name"] or names[0], dist.version
