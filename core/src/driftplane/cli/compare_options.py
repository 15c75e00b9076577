"""compare's feature and drift options, read into the spec's own models so they mean what the keys mean.

``--include/--exclude/--categorical/--numerical`` are a monitor's ``features:``;
``--metric`` and ``--threshold`` its ``checks.drift`` (``numerical``, ``categorical`` and
``features.<name>``). They are validated by the same pydantic models as a spec, and a
problem is a usage error that names the option as typed.
"""

from __future__ import annotations

from typing import Any

from driftplane.errors import UsageError

KINDS = ("numerical", "categorical")
METRIC_FORMS = "METRIC, numerical=METRIC, categorical=METRIC or FEATURE=METRIC"
THRESHOLD_FORMS = "VALUE, numerical=VALUE, categorical=VALUE or FEATURE=VALUE"


def _split(option: str, value: str, forms: str) -> tuple[str | None, str]:
    """'numerical=psi' -> ('numerical', 'psi'); 'psi' -> (None, 'psi')."""
    key, sep, rest = value.rpartition("=")
    if not sep:
        return None, value.strip()
    key, rest = key.strip(), rest.strip()
    if not key or not rest:
        raise UsageError(f"{option} {value!r}: write {forms}")
    return key, rest


def _kinds_of(metric: str) -> tuple[str, ...]:
    """The kinds a metric named without a kind applies to; UsageError for a name that is none."""
    from driftplane import drift_metrics

    try:
        name = drift_metrics.canonical_metric(metric)
    except ValueError as exc:
        raise UsageError(f"--metric {metric}: {exc}") from None
    found = drift_metrics.find(name)
    if found is None:
        raise UsageError(f"--metric {metric}: {drift_metrics.unknown_message(metric)}")
    return found.kinds


def drift_settings(metrics: tuple[str, ...], thresholds: tuple[str, ...], classifier: bool) -> Any:
    """The DriftChecks ``checks.drift`` would hold for these options (defaults elsewhere)."""
    from pydantic import ValidationError

    from driftplane.spec.models import DriftChecks

    drift: dict[str, Any] = DriftChecks().model_dump(include={"numerical", "categorical"})
    features: dict[str, dict[str, Any]] = {}
    typed: dict[tuple[str, ...], str] = {}  # where in checks.drift -> the option as typed

    def put(key: str | None, field: str, value: Any, option: str, kinds: tuple[str, ...] = KINDS) -> None:
        for kind in kinds if key is None else (key,):
            if kind in KINDS:
                drift[kind][field] = value
                typed[(kind, field)] = option
            else:
                features.setdefault(kind, {})[field] = value
                typed[("features", kind, field)] = option

    for value in metrics:
        key, metric = _split("--metric", value, METRIC_FORMS)
        put(key, "metric", metric, f"--metric {value}", _kinds_of(metric) if key is None else KINDS)
    for value in thresholds:
        key, number = _split("--threshold", value, THRESHOLD_FORMS)
        try:
            threshold = float(number)
        except ValueError:
            raise UsageError(f"--threshold {value}: '{number}' is not a number; write {THRESHOLD_FORMS}") from None
        put(key, "threshold", threshold, f"--threshold {value}")
    try:
        return DriftChecks.model_validate({**drift, "features": features, "classifier": classifier})
    except ValidationError as exc:
        raise UsageError(_said(exc, typed)) from None


def _said(exc: Any, typed: dict[tuple[str, ...], str]) -> str:
    """A ValidationError of checks.drift as the options that caused it."""
    lines = []
    for error in exc.errors():
        where = tuple(str(part) for part in error["loc"])
        option = next((typed[where[:n]] for n in range(len(where), 0, -1) if where[:n] in typed), None)
        if option is None:  # a rule over several fields (a metric that does not fit its kind)
            option = next((o for path, o in typed.items() if path[: len(where)] == where), "--metric/--threshold")
        message = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"{option}: {message}")
    return "; ".join(lines)


def feature_selection(
    include: tuple[str, ...], exclude: tuple[str, ...], categorical: tuple[str, ...], numerical: tuple[str, ...]
) -> Any:
    """The FeatureSelection a monitor's ``features:`` would hold; a column of both kinds is refused as there."""
    from driftplane.spec.models import FeatureSelection

    both = [name for name in numerical if name in categorical]
    if both:
        raise UsageError(
            f"{', '.join(repr(n) for n in both)} given to both --categorical and --numerical; a column has one kind: "
            "give it to one of them"
        )
    return FeatureSelection(
        include=list(include) or None, exclude=list(exclude), categorical=list(categorical), numerical=list(numerical)
    )
