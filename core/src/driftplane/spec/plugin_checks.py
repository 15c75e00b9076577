"""Spec checks only the installed plugins can make: the provider named, its settings, channels.

``load_spec`` takes the first two as extra checks so that they are reported together with
every other problem in the file; ``spec_plugin_problems`` runs on a loaded spec. They live
next to the spec, not in the plugin manager, which only loads plugins and finds them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from driftplane.errors import Problem, SpecError
from driftplane.plugins import get_channel_types, get_providers, missing_provider_message
from driftplane.spec.problems import SourceMap, did_you_mean

if TYPE_CHECKING:
    from driftplane.alerting.channel import AlertChannel
    from driftplane.spec.models import Spec

logger = logging.getLogger(__name__)


def spec_provider_problems(data: Any, source: SourceMap | None = None) -> list[Problem]:
    """The spec's ``provider:`` when it names no installed provider, from the plain data.

    A ``load_spec`` check, so an unknown provider is reported together with every other
    problem in the file, even when the rest does not validate.
    """
    name = data.get("provider") if isinstance(data, Mapping) else None
    if not isinstance(name, str):
        return []  # absent (local) or not a string (reported by validation)
    installed = get_providers()
    if name in installed:
        return []
    message = missing_provider_message(name, sorted(installed))
    return [source.problem(("provider",), message) if source else Problem(("provider",), message)]


def provider_settings_problems(data: Any, source: SourceMap | None = None) -> list[Problem]:
    """Problems in the settings of every installed provider the spec configures, from the plain data.

    A ``load_spec`` check for ``validate``: a bad port or ARN is reported together with the
    monitors' problems, not only once those are fixed. Providers that are not installed
    cannot be checked; ``validate`` says so.
    """
    providers = data.get("providers") if isinstance(data, Mapping) else None
    if not isinstance(providers, Mapping):
        return []
    installed = get_providers()
    problems: list[Problem] = []
    unchecked = source.unchecked if source is not None else {}
    for name, raw in providers.items():
        cls = installed.get(name)
        if cls is None or not isinstance(raw, Mapping | None):
            continue  # not installed, or not a mapping (reported by the spec's own validation)
        if name in unchecked:
            logger.warning(
                "providers.%s is not checked: %s (needed only when the %s provider is used)",
                name,
                unchecked[name],
                name,
            )
            continue
        try:
            cls.validate_settings(raw or {}, source=source)
        except SpecError as exc:
            problems.extend(exc.problems)
    return problems



def spec_plugin_problems(spec: Spec) -> list[Problem]:
    """Problems only installed plugins can find: channel types and their settings."""
    from driftplane.spec.models import ChannelSpec

    channel_types = get_channel_types()
    source = spec.source
    problems: list[Problem] = []

    def locate(path: tuple[Any, ...], message: str) -> Problem:
        return source.problem(path, message) if source else Problem(path, message)

    def check(kind: str, raw: Mapping[str, Any], path: tuple[Any, ...], type_path: tuple[Any, ...]) -> None:
        cls = channel_types.get(kind)
        if cls is None:
            problems.append(
                locate(
                    type_path,
                    f"unknown channel type '{kind}'{did_you_mean(kind, channel_types)} "
                    f"(available: {', '.join(sorted(channel_types))})",
                )
            )
            return
        try:
            cls.settings_from(raw, source=source, path=path)
        except SpecError as exc:
            problems.extend(exc.problems)

    for name, channel in spec.channels.items():
        check(channel.type, channel.settings, ("channels", name), ("channels", name, "type"))
    for monitor_name, monitor in spec.monitors.items():
        for a, alert in enumerate(monitor.alerts):
            for n, ref in enumerate(alert.notify):
                path = ("monitors", monitor_name, "alerts", a, "notify", n)
                if isinstance(ref, ChannelSpec):
                    check(ref.type, ref.settings, path, path + ("type",))
                elif ":" in ref:
                    kind, _, target = ref.partition(":")
                    cls = channel_types.get(kind)
                    if cls is None:
                        check(kind, {}, path, path)
                        continue
                    try:
                        raw = cls.shorthand(target)
                    except ValueError as exc:
                        problems.append(locate(path, str(exc)))
                        continue
                    try:
                        cls.settings_from(raw)
                    except SpecError as exc:
                        for p in exc.problems:
                            problems.append(locate(path, f"'{shown_shorthand(cls, ref)}': {p.message}"))
    return problems


def shown_shorthand(cls: type[AlertChannel], ref: str) -> str:
    """A shorthand as a message may quote it: ``pagerduty:…`` when its target is a secret (a key, a URL)."""
    field = cls.settings_model.model_fields.get(cls.shorthand_field or "")
    if field is not None and "SecretStr" in str(field.annotation):
        return ref.partition(":")[0] + ":…"
    return ref
