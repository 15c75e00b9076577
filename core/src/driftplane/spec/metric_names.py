"""What a drift metric's name means: driftplane's names, other tools' names for the same
distances, and other tools' names that mean something else and are refused.

Every decision about a metric name is made here, so the spec, the engine and the providers
cannot disagree. driftplane decides drift with distances: drift when the value rises above
the threshold. Evidently, Azure ML, SageMaker and others use some of the same words for
statistical tests whose value is a p-value: drift when it falls below the threshold (0.05
is typical), and at a large sample every p-value falls below any threshold. Quietly reading
such a name as a distance would invert the verdict of a spec written for those tools, so
those names are refused with the difference and the name to use instead.
"""

from __future__ import annotations

from typing import Any, Literal

# driftplane's own names (the ones results, reports and providers use).
NUMERICAL_METRICS = (
    "normalized_wasserstein",
    "jensen_shannon",
    "psi",
    "hellinger",
    "ks_statistic",
    "linf",
    "linf_robust",
)
CATEGORICAL_METRICS = ("jensen_shannon", "psi", "hellinger", "linf", "linf_robust", "cramers_v")
ALL_METRICS = tuple(dict.fromkeys(NUMERICAL_METRICS + CATEGORICAL_METRICS))

Metric = Literal[
    "normalized_wasserstein",
    "jensen_shannon",
    "psi",
    "hellinger",
    "ks_statistic",
    "linf",
    "linf_robust",
    "cramers_v",
]

# Other tools' names for the same distances (Azure ML's SDK and REST names, Evidently's),
# read the same way: drift above the threshold.
ALIASES = {
    "wasserstein": "normalized_wasserstein",  # Evidently: Wasserstein distance / std of the reference
    "normalized_wasserstein_distance": "normalized_wasserstein",
    "normalizedwassersteindistance": "normalized_wasserstein",
    "jensen_shannon_distance": "jensen_shannon",
    "jensenshannondistance": "jensen_shannon",
    "jensenshannon": "jensen_shannon",
    "js": "jensen_shannon",
    "population_stability_index": "psi",
    "populationstabilityindex": "psi",
    "hellinger_distance": "hellinger",
    "kolmogorov_smirnov_statistic": "ks_statistic",
    "ks_distance": "ks_statistic",
    "l_infinity": "linf",
    "linfinity": "linf",
    "cramer_v": "cramers_v",
    "cramers_v_statistic": "cramers_v",
}

_LARGE_SAMPLES = (
    "drift when it falls below the threshold (0.05 is typical), and at a large sample every p-value falls below "
    "any threshold (at a million rows a shift of 1% of a standard deviation does). driftplane decides with "
    "distances, drift when the value rises above the threshold"
)
_KS = (
    "'{name}' is the two-sample Kolmogorov-Smirnov test in Evidently, Azure ML and whylogs, whose value is a p-value: "
    + _LARGE_SAMPLES
    + ". For the Kolmogorov-Smirnov distance (the largest gap between the two cumulative distributions, 0 to 1) "
    "write 'ks_statistic' with a distance threshold such as 0.1; 'normalized_wasserstein' is the default"
)
_CHI_SQUARED = (
    "'{name}' is Pearson's chi-squared test in Azure ML, Evidently and SageMaker, whose value is a p-value: "
    + _LARGE_SAMPLES
    + ". For the chi-squared statistic as a distance (Cramer's V, sqrt(chi2 / N), 0 to 1) write 'cramers_v' "
    "with a threshold such as 0.1; 'jensen_shannon' is the default"
)
# Names whose meaning elsewhere is a p-value: refused, with the difference and the name to use.
REFUSED = {
    **dict.fromkeys(
        (
            "ks",
            "kolmogorov_smirnov",
            "ks_test",
            "kstest",
            "ks_2samp",
            "two_sample_kolmogorov_smirnov_test",
            "twosamplekolmogorovsmirnovtest",
        ),
        _KS,
    ),
    **dict.fromkeys(
        (
            "chi_squared",
            "chi_square",
            "chisquare",
            "chisquared",
            "chi2",
            "chi2_test",
            "chi_squared_test",
            "chisquaredtest",
            "pearsons_chi_squared_test",
            "pearsonschisquaredtest",
        ),
        _CHI_SQUARED,
    ),
}


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def refusal(name: str) -> str | None:
    """Why ``name`` is refused as a metric, or None when it is not."""
    reason = REFUSED.get(_key(name))
    return reason.format(name=name.strip()) if reason is not None else None


def canonical_metric(value: Any) -> Any:
    """driftplane's name for a metric name (aliases mapped); ValueError with the reason for a refused name.

    Anything that is not a known name is returned as given, for the caller's own check to
    list the names it accepts.
    """
    if not isinstance(value, str):
        return value
    reason = refusal(value)
    if reason is not None:
        raise ValueError(reason)
    key = _key(value)
    return ALIASES.get(key, key)
