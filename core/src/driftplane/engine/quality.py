"""The six SageMaker data-quality checks, decided as SageMaker decides them.

Each check compares the target's profile with the baseline's constraints under the
constraints' ``monitoring_config``; descriptions use SageMaker's wording where it is known
(data_type_check) and its pattern ("distance: X exceeds threshold: Y") where tools parse it.

One deliberate difference, tied to the comparison method: under ``Robust`` a completeness
drop must exceed what sampling noise explains (4 standard errors of a two-proportion test);
with SageMaker's literal rule ("completeness below the baseline's") an incomplete column
fails by chance on about half of all runs. A complete baseline column (completeness 1.0)
still fails on the first missing value, as in SageMaker. ``Simple`` applies the literal rule.
"""

from __future__ import annotations

import math

from driftplane.engine import distances
from driftplane.engine.constraints import Constraints, FeatureConstraint, MonitoringConfig
from driftplane.engine.drift import category_vectors
from driftplane.engine.profile import OTHER, ColumnProfile, Profile
from driftplane.engine.types import matching_share
from driftplane.resolved import FeaturePolicy
from driftplane.result import Kind, Violation
from driftplane.spec.models import QualityChecks

COMPLETENESS_Z = 4.0
_LISTED_VALUES = 5


def _percent(share: float) -> str:
    return repr(float(share * 100))


def _data_type(constraint: FeatureConstraint, target: ColumnProfile, config: MonitoringConfig) -> Violation | None:
    expected = constraint.inferred_type
    if expected not in ("Integral", "Fractional", "Boolean") or target.present == 0:
        return None  # any value is valid text; Unknown has nothing to match
    share = matching_share(target.type_counts, expected)
    if share >= config.datatype_check_threshold:
        return None
    return Violation(
        feature_name=constraint.name,
        constraint_check_type="data_type_check",
        description=(
            f"Data type match requirement is not met. Expected data type: {expected}, "
            f"Expected match: {_percent(config.datatype_check_threshold)}%. "
            f"Observed: Only {_percent(share)}% of data is {expected}."
        ),
    )


def _completeness(
    constraint: FeatureConstraint, baseline: ColumnProfile | None, target: ColumnProfile, config: MonitoringConfig
) -> Violation | None:
    if constraint.completeness is None or target.rows == 0:
        return None
    expected = constraint.completeness
    observed = target.present / target.rows
    allowance = 0.0
    if config.comparison_method == "Robust" and 0 < expected < 1:
        # two-proportion test with the pooled missing rate: is the drop more than noise?
        n = baseline.rows if baseline is not None and baseline.rows else 0
        missing_rate = ((1 - expected) * n + target.missing) / (n + target.rows)
        variance = missing_rate * (1 - missing_rate) * ((1 / n if n else 0.0) + 1 / target.rows)
        allowance = COMPLETENESS_Z * math.sqrt(variance)
    if observed >= expected - allowance:
        return None
    return Violation(
        feature_name=constraint.name,
        constraint_check_type="completeness_check",
        description=(
            f"Data completeness requirement is not met. Expected completeness: {_percent(expected)}%. "
            f"Observed: Only {_percent(observed)}% of data is complete "
            f"({target.missing:,} of {target.rows:,} values missing)."
        ),
    )


def _categorical_values(
    constraint: FeatureConstraint, target: ColumnProfile, config: MonitoringConfig
) -> Violation | None:
    if constraint.domains is None or target.categorical is None or target.categorical.total == 0:
        return None
    domain = set(constraint.domains)
    frequencies = target.categorical.frequencies()
    outside = {v: c for v, c in frequencies.items() if v not in domain}
    share = 1 - sum(outside.values()) / target.categorical.total
    if share >= config.domain_content_threshold:
        return None
    listed = sorted(((v, c) for v, c in outside.items() if v != OTHER), key=lambda vc: -vc[1])[:_LISTED_VALUES]
    examples = ", ".join(f"'{v}' ({round(c):,} rows)" for v, c in listed)
    more = len(outside) - len(listed)
    if more > 0:
        examples += f" and {more} more" if listed else "values the sketch did not keep"
    return Violation(
        feature_name=constraint.name,
        constraint_check_type="categorical_values_check",
        description=(
            f"Data domain requirement is not met. Expected: {_percent(config.domain_content_threshold)}% of "
            f"values within the baseline domain. Observed: Only {_percent(share)}% of data is within the "
            f"domain. Values not in the baseline: {examples}."
        ),
    )


def baseline_drift_distance(
    kind: Kind, baseline: ColumnProfile, target: ColumnProfile, config: MonitoringConfig
) -> tuple[float, float, str] | None:
    """SageMaker's baseline_drift_check distance, its threshold and the method's name; None if not computable."""
    if kind == "numerical":
        if baseline.numeric is None or target.numeric is None or not baseline.numeric.count or not target.numeric.count:
            return None
        distance = distances.ks_statistic(baseline.numeric.quantiles.weighted(), target.numeric.quantiles.weighted())
        if config.comparison_method == "Robust":
            distance = max(0.0, distance - distances.robust_correction(baseline.numeric.count, target.numeric.count))
        return distance, config.comparison_threshold, config.comparison_method
    if baseline.categorical is None or not baseline.categorical.exact:
        return None  # past the category cap: SageMaker keeps no category histogram, so no comparison
    vectors = category_vectors(baseline, target)
    if vectors is None:
        return None
    _names, p, q = vectors
    if p.sum() == 0 or q.sum() == 0 or (len(p) == 1 and _names[0] == OTHER):
        return None
    if config.categorical_drift_method == "ChiSquared":
        return distances.chi_squared_p_value(p, q), config.categorical_comparison_threshold, "ChiSquared"
    distance = float(distances.linf_frequencies(p, q))
    if config.comparison_method == "Robust":
        distance = max(0.0, distance - distances.robust_correction(p.sum(), q.sum()))
    return distance, config.categorical_comparison_threshold, config.comparison_method


def _baseline_drift(
    constraint: FeatureConstraint,
    kind: Kind | None,
    baseline: ColumnProfile | None,
    target: ColumnProfile,
    config: MonitoringConfig,
) -> Violation | None:
    if config.perform_comparison != "Enabled" or kind is None or baseline is None:
        return None
    found = baseline_drift_distance(kind, baseline, target, config)
    if found is None:
        return None
    distance, threshold, method = found
    if method == "ChiSquared":
        if not (distance < threshold):
            return None
        text = f"Baseline drift distance: {distance!r} (chi-squared p-value) is below threshold: {threshold!r}"
    else:
        if not (distance > threshold):
            return None
        text = f"Baseline drift distance: {distance!r} exceeds threshold: {threshold!r} ({method} L-infinity)"
    return Violation(feature_name=constraint.name, constraint_check_type="baseline_drift_check", description=text)


def check_quality(
    baseline: Profile,
    target: Profile,
    constraints: Constraints,
    config: MonitoringConfig,
    quality: QualityChecks,
    kinds: dict[str, Kind | None],
    features: FeaturePolicy | None = None,
) -> list[Violation]:
    """Every violation of the constraints by the target, feature by feature, then extra columns."""
    if not quality.enabled or config.evaluate_constraints != "Enabled":
        return []
    expected = [c for c in constraints.features if features is None or features.selected(c.name)]
    target_names = [n for n in target.columns if features is None or features.selected(n)]
    counts = (
        f"Number of columns in current dataset: {len(target_names)}, "
        f"Number of columns in baseline constraints: {len(expected)}."
    )
    found: list[Violation] = []
    for constraint in expected:
        if not constraint.evaluated:
            continue
        column = target.columns.get(constraint.name)
        if column is None:
            if quality.columns:
                found.append(
                    Violation(
                        feature_name=constraint.name,
                        constraint_check_type="missing_column_check",
                        description="There are missing columns in current dataset. "
                        f"{counts} Column '{constraint.name}' is missing.",
                    )
                )
            continue
        base_column = baseline.columns.get(constraint.name)
        checks = [
            _data_type(constraint, column, config),
            _completeness(constraint, base_column, column, config) if quality.completeness else None,
            _categorical_values(constraint, column, config),
            _baseline_drift(constraint, kinds.get(constraint.name), base_column, column, config),
        ]
        found.extend(v for v in checks if v is not None)
    if quality.columns:
        known = set(constraints.names)
        for name in target_names:
            if name not in known:
                found.append(
                    Violation(
                        feature_name=name,
                        constraint_check_type="extra_column_check",
                        description="There are extra columns in current dataset. "
                        f"{counts} Column '{name}' is not in the baseline.",
                    )
                )
    return found
