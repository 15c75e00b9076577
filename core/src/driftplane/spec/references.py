"""Checks across the spec that no single model can make: do alerts name channels that exist?"""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftplane.errors import Problem
from driftplane.spec.problems import SourceMap, did_you_mean

if TYPE_CHECKING:
    from driftplane.spec.models import Spec

# Channel references that need no entry under `channels:`.
BARE_CHANNELS = ("log",)


def reference_problems(spec: Spec, source: SourceMap | None = None) -> list[Problem]:
    """Every alert ``notify`` entry that names a channel the spec does not define."""
    problems: list[Problem] = []
    for monitor_name, monitor in spec.monitors.items():
        for a, alert in enumerate(monitor.alerts):
            for n, ref in enumerate(alert.notify):
                if not isinstance(ref, str) or ":" in ref or ref in BARE_CHANNELS:
                    continue
                if ref in spec.channels:
                    continue
                path = ("monitors", monitor_name, "alerts", a, "notify", n)
                defined = ", ".join(spec.channels) or "none"
                message = (
                    f"no channel named '{ref}'{did_you_mean(ref, list(spec.channels) + list(BARE_CHANNELS))}; "
                    f"define it under 'channels:' (defined: {defined}) or write a shorthand such as "
                    "email:ml@example.com, webhook:https://..., slack:https://... or log"
                )
                problems.append(source.problem(path, message) if source else Problem(path, message))
    return problems
