"""SageMaker's constraints.json: the model, suggesting it from a baseline, reading and writing it.

Suggestion follows what SageMaker's analyzer (Deequ's suggestion rules) writes: every
feature gets its inferred type and observed completeness; numeric features whose minimum is
not negative get ``num_constraints.is_non_negative``; String features get a domain when
their categories are known (at most 120 distinct values) and at most 10% of the values are
singletons. Reading tolerates the older keys SageMaker's SDK fixtures use.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

from driftplane.engine.profile import OTHER, Profile
from driftplane.spec.models import QualityChecks

CATEGORICAL_THRESHOLD = 120  # Deequ's ColumnProfiler cardinality threshold for category histograms
MAX_SINGLETON_SHARE = 0.1  # Deequ's CategoricalRangeRule

Switch = Literal["Enabled", "Disabled"]


@dataclass(frozen=True)
class MonitoringConfig:
    """constraints.json's ``monitoring_config``: how the checks are decided."""

    evaluate_constraints: Switch = "Enabled"
    emit_metrics: Switch = "Enabled"
    datatype_check_threshold: float = 1.0
    domain_content_threshold: float = 1.0
    perform_comparison: Switch = "Enabled"
    comparison_threshold: float = 0.1
    comparison_method: Literal["Robust", "Simple"] = "Robust"
    categorical_comparison_threshold: float = 0.1
    categorical_drift_method: Literal["LInfinity", "ChiSquared"] = "LInfinity"

    @classmethod
    def from_checks(cls, quality: QualityChecks) -> MonitoringConfig:
        return cls(
            datatype_check_threshold=quality.data_type_threshold,
            domain_content_threshold=quality.domain_content_threshold,
            comparison_threshold=quality.comparison_threshold,
            comparison_method="Robust" if quality.comparison_method == "robust" else "Simple",
            categorical_comparison_threshold=quality.categorical_comparison_threshold,
        )

    def overridden_by(self, quality: QualityChecks) -> MonitoringConfig:
        """This config with the thresholds a spec set explicitly taking precedence."""
        chosen = quality.model_fields_set
        changes: dict[str, Any] = {}
        if "data_type_threshold" in chosen:
            changes["datatype_check_threshold"] = quality.data_type_threshold
        if "domain_content_threshold" in chosen:
            changes["domain_content_threshold"] = quality.domain_content_threshold
        if "comparison_threshold" in chosen:
            changes["comparison_threshold"] = quality.comparison_threshold
        if "comparison_method" in chosen:
            changes["comparison_method"] = "Robust" if quality.comparison_method == "robust" else "Simple"
        if "categorical_comparison_threshold" in chosen:
            changes["categorical_comparison_threshold"] = quality.categorical_comparison_threshold
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "evaluate_constraints": self.evaluate_constraints,
            "emit_metrics": self.emit_metrics,
            "datatype_check_threshold": self.datatype_check_threshold,
            "domain_content_threshold": self.domain_content_threshold,
            "distribution_constraints": {
                "perform_comparison": self.perform_comparison,
                "comparison_threshold": self.comparison_threshold,
                "comparison_method": self.comparison_method,
                "categorical_comparison_threshold": self.categorical_comparison_threshold,
                "categorical_drift_method": self.categorical_drift_method,
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MonitoringConfig:
        distribution = data.get("distribution_constraints") or {}
        perform = distribution.get("perform_comparison")
        if perform is None and "enable_comparisons" in distribution:  # legacy SDK key
            perform = "Enabled" if distribution["enable_comparisons"] else "Disabled"
        domain = data.get("domain_content_threshold", distribution.get("min_domain_mass", 1.0))
        method = distribution.get("comparison_method", distribution.get("comparion_method", "Robust"))
        threshold = float(distribution.get("comparison_threshold", 0.1))
        return cls(
            evaluate_constraints=_switch(data.get("evaluate_constraints", "Enabled")),
            emit_metrics=_switch(data.get("emit_metrics", "Enabled")),
            datatype_check_threshold=float(data.get("datatype_check_threshold", 1.0)),
            domain_content_threshold=float(domain),
            perform_comparison=_switch(perform if perform is not None else "Enabled"),
            comparison_threshold=threshold,
            comparison_method="Simple" if str(method).lower() == "simple" else "Robust",
            categorical_comparison_threshold=float(distribution.get("categorical_comparison_threshold", threshold)),
            categorical_drift_method="ChiSquared"
            if str(distribution.get("categorical_drift_method", "LInfinity")).lower() == "chisquared"
            else "LInfinity",
        )


def _switch(value: Any) -> Switch:
    if isinstance(value, bool):
        return "Enabled" if value else "Disabled"
    return "Disabled" if str(value).strip().lower() == "disabled" else "Enabled"


@dataclass(frozen=True)
class FeatureConstraint:
    """One feature's constraints."""

    name: str
    inferred_type: str
    completeness: float | None = None
    is_non_negative: bool | None = None
    domains: list[str] | None = None
    overrides: dict[str, Any] = field(default_factory=dict)  # monitoringConfigOverrides

    @property
    def evaluated(self) -> bool:
        """False when a per-feature override switches evaluation off."""
        return _switch(self.overrides.get("evaluate_constraints", "Enabled")) == "Enabled"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "inferred_type": self.inferred_type}
        if self.completeness is not None:
            out["completeness"] = self.completeness
        if self.is_non_negative is not None:
            out["num_constraints"] = {"is_non_negative": self.is_non_negative}
        if self.domains is not None:
            out["string_constraints"] = {"domains": list(self.domains)}
        if self.overrides:
            out["monitoringConfigOverrides"] = dict(self.overrides)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureConstraint:
        strings = data.get("string_constraints") or {}
        overrides = (
            data.get("monitoringConfigOverrides")
            or data.get("monitoring_config_overrides")
            or strings.get("monitoring_config_overrides")
            or strings.get("monitoringConfigOverrides")
            or {}
        )
        numbers = data.get("num_constraints") or {}
        domains = strings.get("domains")
        completeness = data.get("completeness")
        return cls(
            name=str(data["name"]),
            inferred_type=str(data.get("inferred_type", "Unknown")),
            completeness=None if completeness is None else float(completeness),
            is_non_negative=numbers.get("is_non_negative"),
            domains=None if domains is None else [str(d) for d in domains],
            overrides=dict(overrides),
        )


@dataclass(frozen=True)
class Constraints:
    """A whole constraints.json."""

    features: list[FeatureConstraint]
    monitoring_config: MonitoringConfig = field(default_factory=MonitoringConfig)
    version: float = 0.0
    suggested: bool = True  # False when read from a file someone wrote

    def feature(self, name: str) -> FeatureConstraint | None:
        for feature in self.features:
            if feature.name == name:
                return feature
        return None

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.features]

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "features": [f.to_dict() for f in self.features],
            "monitoring_config": self.monitoring_config.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Constraints:
        if not isinstance(data, dict) or not isinstance(data.get("features"), list):
            raise ValueError("a constraints.json needs a 'features' list")
        for index, feature in enumerate(data["features"]):
            if not isinstance(feature, dict) or "name" not in feature:
                raise ValueError(f"features[{index}] needs a 'name'")
        return cls(
            features=[FeatureConstraint.from_dict(f) for f in data["features"]],
            monitoring_config=MonitoringConfig.from_dict(data.get("monitoring_config") or {}),
            version=float(data.get("version", 0.0)),
            suggested=False,
        )


def suggest_constraints(profile: Profile, quality: QualityChecks | None = None) -> Constraints:
    """Constraints for a baseline, as SageMaker's baselining job suggests them."""
    features: list[FeatureConstraint] = []
    for column in profile.columns.values():
        inferred = column.inferred_type
        completeness = column.present / column.rows if column.rows else 0.0
        is_non_negative = None
        domains = None
        numeric = column.numeric
        if inferred in ("Integral", "Fractional") and numeric is not None and numeric.count and numeric.min >= 0:
            is_non_negative = True
        if inferred == "String":
            domains = _suggested_domain(column.categorical)
        features.append(
            FeatureConstraint(
                name=column.name,
                inferred_type=inferred,
                completeness=completeness,
                is_non_negative=is_non_negative,
                domains=domains,
            )
        )
    config = MonitoringConfig.from_checks(quality or QualityChecks())
    return Constraints(features=features, monitoring_config=config)


def _suggested_domain(categorical: Any) -> list[str] | None:
    if categorical is None or not categorical.exact or OTHER in categorical.counts:
        return None
    counts: dict[str, int] = categorical.counts
    if not counts or len(counts) > CATEGORICAL_THRESHOLD:
        return None
    singletons = sum(1 for c in counts.values() if c == 1)
    if singletons / len(counts) > MAX_SINGLETON_SHARE:
        return None
    return sorted(counts, key=lambda v: (-counts[v], v))
