"""What a provider does not translate yet, refused at validate in one wording for every cloud.

A provider that cannot realise part of a monitor must say so at the key, not drop it: a spec
whose model-quality checks silently vanish on one cloud would mean less there than locally.
"""

from __future__ import annotations

from driftplane.errors import Problem
from driftplane.resolved import ResolvedMonitor
from driftplane.spec.models import Spec

MODEL_QUALITY_CONDITIONS = ("performance", "prediction_drift")


def model_quality_problems(spec: Spec, monitor: ResolvedMonitor, provider: str) -> list[Problem]:
    """Located refusals of a monitor's model quality (``model:``, ``labels:``, ``checks.performance``
    and ``when: performance`` / ``when: prediction_drift`` alerts) on a provider that lacks it."""
    name = monitor.name
    raw = spec.monitors[name]
    instead = (
        f"is model quality, which the {provider} provider does not translate yet: run this monitor on the local "
        f"provider (`driftplane run SPEC --provider local`, or on a schedule with `driftplane serve`), or leave it "
        f"out of the monitors deployed to {provider}"
    )
    found: list[Problem] = []

    def add(path: tuple[str | int, ...], what: str) -> None:
        message = f"{what} {instead}"
        problem = spec.source.problem(path, message, key=True) if spec.source is not None else Problem(path, message)
        found.append(problem)

    at: tuple[str | int, ...] = ("monitors", name)
    for key in ("model", "labels"):
        if getattr(raw, key, None) is not None:
            add((*at, key), f"{key}:")
    checks = getattr(raw, "checks", None)
    if checks is not None and getattr(checks, "performance", None) is not None:
        add((*at, "checks", "performance"), "checks.performance")
    for alert in monitor.alerts:
        if alert.when in MODEL_QUALITY_CONDITIONS:
            add((*at, "alerts", alert.index, "when"), f"an alert when: {alert.when}")
    return found
