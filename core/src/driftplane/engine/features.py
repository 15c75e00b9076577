"""Which columns are features, and whether each is numerical or categorical."""

from __future__ import annotations

from driftplane.engine.profile import ColumnProfile
from driftplane.engine.readers import TIMESTAMP_COLUMN
from driftplane.result import Kind
from driftplane.spec.models import DriftChecks, FeatureSelection


def is_selected(name: str, features: FeatureSelection | None) -> bool:
    """False for the virtual timestamp column and for columns the selection leaves out."""
    if name == TIMESTAMP_COLUMN:
        return False
    if features is None:
        return True
    if features.include is not None and name not in features.include:
        return False
    return name not in features.exclude


def forced_categorical(features: FeatureSelection | None, drift: DriftChecks | None) -> set[str]:
    """Columns the spec declares categorical (so float columns keep category counts too)."""
    names = set(features.categorical) if features is not None else set()
    if drift is not None:
        names |= {name for name, rule in drift.features.items() if rule.kind == "categorical"}
    return names


def feature_kind(
    column: ColumnProfile, features: FeatureSelection | None, drift: DriftChecks | None
) -> Kind | None:
    """numerical for Integral/Fractional, categorical for String/Boolean, unless the spec says otherwise.

    None when the column has no values to compare (all missing in the baseline).
    """
    rule = drift.features.get(column.name) if drift is not None else None
    if rule is not None and rule.kind is not None:
        return rule.kind
    if features is not None:
        if column.name in features.categorical:
            return "categorical"
        if column.name in features.numerical:
            return "numerical"
    inferred = column.inferred_type
    if inferred in ("Integral", "Fractional"):
        return "numerical"
    if inferred in ("String", "Boolean"):
        return "categorical"
    return None
