"""Checks across the spec that no single model can make: do alerts name channels that exist?

They work on the plain data read from the file, not on a validated Spec, so an undefined
channel is reported together with every other problem even when the spec has structural
errors elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from driftplane.errors import Problem
from driftplane.spec.problems import SourceMap, suggest_then

if TYPE_CHECKING:
    from driftplane.spec.models import Spec

# Channel references that need no entry under `channels:`.
BARE_CHANNELS = ("log",)


def _notify_refs(data: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """(path, name) of every alert ``notify`` entry that is a bare string, in whatever parsed."""
    monitors = data.get("monitors")
    if not isinstance(monitors, Mapping):
        return []
    found: list[tuple[tuple[str | int, ...], str]] = []
    for monitor_name, monitor in monitors.items():
        alerts = monitor.get("alerts") if isinstance(monitor, Mapping) else None
        if not isinstance(alerts, list):
            continue
        for a, alert in enumerate(alerts):
            notify = alert.get("notify") if isinstance(alert, Mapping) else None
            if not isinstance(notify, list):
                continue
            for n, ref in enumerate(notify):
                if isinstance(ref, str):
                    found.append((("monitors", monitor_name, "alerts", a, "notify", n), ref))
    return found


def reference_problems_in_data(data: Any, source: SourceMap | None = None) -> list[Problem]:
    """Every alert ``notify`` entry in plain spec data that names a channel it does not define."""
    if not isinstance(data, Mapping):
        return []
    channels = data.get("channels")
    if channels is not None and not isinstance(channels, Mapping):
        return []  # 'channels' itself is wrong; that is reported, and names cannot be checked
    defined_names = [str(name) for name in (channels or {})]
    problems: list[Problem] = []
    for path, ref in _notify_refs(data):
        if ":" in ref or ref in BARE_CHANNELS or ref in defined_names:
            continue
        defined = ", ".join(defined_names) or "none"
        message = suggest_then(
            f"no channel named '{ref}'",
            ref,
            defined_names + list(BARE_CHANNELS),
            f"define it under 'channels:' (defined: {defined}) or write a shorthand such as "
            "email:ml@example.com, webhook:https://..., slack:https://... or log",
        )
        problems.append(source.problem(path, message) if source else Problem(path, message))
    return problems


def reference_problems(spec: Spec, source: SourceMap | None = None) -> list[Problem]:
    """Every alert ``notify`` entry of a built Spec that names a channel the spec does not define."""
    data = {
        "channels": dict(spec.channels),
        "monitors": {
            name: {"alerts": [{"notify": list(alert.notify)} for alert in monitor.alerts]}
            for name, monitor in spec.monitors.items()
        },
    }
    return reference_problems_in_data(data, source)
