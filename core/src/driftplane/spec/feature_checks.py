"""Feature declarations that contradict each other, refused when the spec is read.

A column listed in both ``features.categorical`` and ``features.numerical`` has no one
meaning: the engine used to take it as categorical and a cloud translation as numerical.
A column has one kind; to give one feature a kind over the lists, ``checks.drift.features.
<name>.kind`` is the place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftplane.errors import Problem
from driftplane.spec.problems import SourceMap

if TYPE_CHECKING:
    from driftplane.spec.models import Spec


def feature_problems(spec: Spec, source: SourceMap | None = None) -> list[Problem]:
    """Each column declared both categorical and numerical, at its features.numerical entry."""
    problems: list[Problem] = []
    for name, monitor in spec.monitors.items():
        categorical = {feature: i for i, feature in reversed(list(enumerate(monitor.features.categorical)))}
        for index, feature in enumerate(monitor.features.numerical):
            if feature not in categorical:
                continue
            other: tuple[str | int, ...] = ("monitors", name, "features", "categorical", categorical[feature])
            where = source.locate(other) if source is not None else None
            at = f" (line {where[0]})" if where else ""
            message = (
                f"'{feature}' is in both features.categorical{at} and features.numerical; a column has "
                f"one kind: remove it from one of the lists (checks.drift.features.{feature}.kind also sets it)"
            )
            path: tuple[str | int, ...] = ("monitors", name, "features", "numerical", index)
            problems.append(source.problem(path, message) if source is not None else Problem(path, message))
    return problems
