"""Every drift metric, one entry each: its names, the feature kinds it applies to, how the
engine computes it, how a report words it, and what each cloud calls it.

The spec (which names it accepts, for which kind), the engine (which computation scores a
feature, and how its sampling noise is simulated), the report (the metric in words) and the
cloud providers (the cloud's own name for it, or a refusal at ``validate``) all read this
registry, so they cannot disagree. Adding a metric is one ``DriftMetric`` entry and its
computation; a plugin adds one through the ``register_drift_metrics(register)`` hook.

This module stays light (no numpy, no pyarrow): the CLI reads it at start-up. A metric's
computations are referred to by a dotted path (``"module:attribute"``), imported only when a
run scores the metric; they are ``driftplane.engine.computations`` objects, whose kind also
says how the engine simulates the metric's sampling noise.

Names: driftplane decides drift with distances, drift when the value rises above the
threshold. Evidently, Azure ML, SageMaker and others use some of the same words for
statistical tests whose value is a p-value: drift when it falls below the threshold (0.05
is typical), and at a large sample every p-value falls below any threshold. Quietly reading
such a name as a distance would invert the verdict of a spec written for those tools, so
those names are refused with the difference and the name to use instead (``REFUSED``).

Clouds: Azure ML and SageMaker Model Monitor compute drift themselves, so a metric reaches
them only where the cloud computes the same distance (``equivalents``); a metric without one
is refused at ``validate``. The AWS processing backend and the GCP job run driftplane itself
and compute every registered metric (a plugin's metric needs its plugin installed where the
job runs).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from driftplane.errors import UsageError
from driftplane.result import Kind

if TYPE_CHECKING:
    from driftplane.engine.computations import OnCounts, OnValues

    Computation = OnValues | OnCounts

KINDS: tuple[Kind, ...] = ("numerical", "categorical")

# Clouds that compute drift themselves, and what a metric's equivalent there is.
AZURE = "azure"  # the azure-ai-ml keyword of NumericalDriftMetrics / CategoricalDriftMetrics
SAGEMAKER = "sagemaker"  # the constraints.json comparison_method with which SageMaker's analyzer publishes it
CLOUDS = {
    AZURE: "Azure ML's data-drift signal",
    SAGEMAKER: "SageMaker Model Monitor's analyzer",
}

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class DriftMetric:
    """One drift metric: everything driftplane decides about it.

    name: driftplane's name (results, reports, alerts and metric labels use it).
    label, hint: the metric in words and one sentence on what its value means (reports).
    numerical, categorical: the engine's computation for features of that kind, as
        ``"module:attribute"`` or the object itself; None where the metric does not apply.
    aliases: other tools' names for the same distance, read the same way.
    equivalents: cloud (``AZURE``, ``SAGEMAKER``) -> the cloud's own name for the same
        distance; a cloud missing here has none.
    """

    name: str
    label: str
    hint: str
    numerical: str | Computation | None = None
    categorical: str | Computation | None = None
    aliases: tuple[str, ...] = ()
    equivalents: Mapping[str, str] = field(default_factory=dict)

    @property
    def kinds(self) -> tuple[Kind, ...]:
        """The feature kinds the metric applies to."""
        return tuple(kind for kind in KINDS if self.applies_to(kind))

    def applies_to(self, kind: Kind) -> bool:
        return (self.numerical if kind == "numerical" else self.categorical) is not None

    def computation(self, kind: Kind) -> Any:
        """The engine's computation for this kind, imported on first use."""
        ref = self.numerical if kind == "numerical" else self.categorical
        if ref is None:
            raise ValueError(f"metric {self.name} does not apply to {kind} features")
        if not isinstance(ref, str):
            return ref
        module, _, attribute = ref.partition(":")
        try:
            return getattr(importlib.import_module(module), attribute)
        except (ImportError, AttributeError) as exc:
            raise UsageError(
                f"metric {self.name}: its {kind} computation '{ref}' cannot be imported ({exc}); "
                "give it as 'module:attribute' of an installed module"
            ) from exc

    def equivalent(self, cloud: str) -> str | None:
        """The cloud's own name for this distance, or None when it computes none like it."""
        return self.equivalents.get(cloud)


_C = "driftplane.engine.computations:"

BUILT_IN: tuple[DriftMetric, ...] = (
    DriftMetric(
        "normalized_wasserstein",
        "normalized Wasserstein distance",
        "How far the values moved, measured in standard deviations of the baseline; 0 means no shift.",
        numerical=_C + "NORMALIZED_WASSERSTEIN",
        # Evidently calls it the Wasserstein distance (divided by the reference's std).
        aliases=("wasserstein", "normalized_wasserstein_distance", "normalizedwassersteindistance"),
        equivalents={AZURE: "normalized_wasserstein_distance"},
    ),
    DriftMetric(
        "jensen_shannon",
        "Jensen\N{EN DASH}Shannon distance",
        "How different the two distributions are, from 0 (identical) to 0.83 (nothing in common): "
        "natural logarithm, as scipy and Evidently compute it.",
        numerical=_C + "JENSEN_SHANNON",
        categorical=_C + "JENSEN_SHANNON",
        aliases=("jensen_shannon_distance", "jensenshannondistance", "jensenshannon", "js"),
        equivalents={AZURE: "jensen_shannon_distance"},
    ),
    DriftMetric(
        "psi",
        "population stability index (PSI)",
        "Sum over bins of the change in share weighted by its log ratio; 0 means identical, above 0.2 is "
        "usually read as a large shift.",
        numerical=_C + "PSI",
        categorical=_C + "PSI",
        aliases=("population_stability_index", "populationstabilityindex"),
        equivalents={AZURE: "population_stability_index"},
    ),
    DriftMetric(
        "hellinger",
        "Hellinger distance",
        "How little the two distributions overlap, from 0 (identical) to 1 (no overlap).",
        numerical=_C + "HELLINGER",
        categorical=_C + "HELLINGER",
        aliases=("hellinger_distance",),
    ),
    DriftMetric(
        "ks_statistic",
        "Kolmogorov\N{EN DASH}Smirnov statistic",
        "The largest gap between the two cumulative distributions, from 0 to 1.",
        numerical=_C + "CDF_GAP",
        aliases=("kolmogorov_smirnov_statistic", "ks_distance"),
    ),
    DriftMetric(
        "linf",
        "L-infinity distance",
        "The largest gap between the two distributions, from 0 to 1: of their cumulative shares for numbers "
        "(the Kolmogorov\N{EN DASH}Smirnov statistic), of one category's share for categories.",
        numerical=_C + "CDF_GAP",
        categorical=_C + "LARGEST_SHARE_GAP",
        aliases=("l_infinity", "linfinity"),
        equivalents={SAGEMAKER: "Simple"},
    ),
    DriftMetric(
        "linf_robust",
        "robust L-infinity distance",
        "SageMaker's L-infinity distance minus an allowance for sampling noise.",
        numerical=_C + "ROBUST_CDF_GAP",
        categorical=_C + "ROBUST_SHARE_GAP",
        equivalents={SAGEMAKER: "Robust"},
    ),
    DriftMetric(
        "cramers_v",
        "Cram\N{LATIN SMALL LETTER E WITH ACUTE}r's V",
        "How strongly a value's category depends on whether it came from the baseline or the target, from 0 "
        "(the same shares) to 1 (no category in common); unlike a chi-squared statistic or its p-value, it does "
        "not grow with the number of rows.",
        categorical=_C + "CRAMERS_V",
        aliases=("cramer_v", "cramers_v_statistic"),
    ),
)

# The metric of each kind when the spec names none.
DEFAULTS: Mapping[Kind, str] = {
    "numerical": "normalized_wasserstein",
    "categorical": "jensen_shannon",
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
REFUSED: Mapping[str, str] = {
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

_BUILT_IN_BY_NAME = {metric.name: metric for metric in BUILT_IN}
_BUILT_IN_ALIASES = {alias: metric.name for metric in BUILT_IN for alias in metric.aliases}


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def _plugin_metrics() -> dict[str, DriftMetric]:
    """The metrics plugins register, checked against driftplane's and each other's names."""
    from driftplane.plugins import load_plugins, pm

    load_plugins()
    found: dict[str, DriftMetric] = {}
    taken = {**{name: name for name in _BUILT_IN_BY_NAME}, **_BUILT_IN_ALIASES}

    def register(metric: DriftMetric) -> None:
        if not isinstance(metric, DriftMetric):
            raise UsageError(
                f"register_drift_metrics: register() takes a driftplane.drift_metrics.DriftMetric, got {metric!r}"
            )
        if found.get(metric.name) == metric:
            return  # the same entry twice
        for name in (metric.name, *metric.aliases):
            problem = None
            if not _NAME.match(name):
                problem = "is not a metric name (lower-case letters, digits and '_', starting with a letter)"
            elif name in REFUSED:
                problem = "means a p-value elsewhere, which driftplane refuses"
            elif name in taken:
                problem = f"is already driftplane's name for {taken[name]}"
            if problem is not None:
                raise UsageError(
                    f"register_drift_metrics: metric '{metric.name}': '{name}' {problem}; choose another name"
                )
        if not metric.kinds:
            raise UsageError(
                f"register_drift_metrics: metric '{metric.name}' has no computation for numerical or categorical "
                "features; give it one (numerical=..., categorical=...)"
            )
        unknown = sorted(set(metric.equivalents) - set(CLOUDS))
        if unknown:
            raise UsageError(
                f"register_drift_metrics: metric '{metric.name}': equivalents for {', '.join(unknown)}: "
                f"the clouds that compute drift themselves are {', '.join(CLOUDS)}"
            )
        found[metric.name] = metric
        taken.update(dict.fromkeys((metric.name, *metric.aliases), metric.name))

    pm.hook.register_drift_metrics(register=register)
    return found


def registered() -> dict[str, DriftMetric]:
    """Every metric by name: driftplane's, then the ones plugins register (loads the plugins)."""
    return {**_BUILT_IN_BY_NAME, **_plugin_metrics()}


def find(name: str) -> DriftMetric | None:
    """The metric called ``name`` (driftplane's name, not an alias), or None.

    driftplane's own metrics are found without loading plugins.
    """
    metric = _BUILT_IN_BY_NAME.get(name)
    if metric is not None:
        return metric
    return _plugin_metrics().get(name)


def get(name: str) -> DriftMetric:
    """The metric called ``name``; ValueError naming the metrics there are when none is."""
    metric = find(name)
    if metric is None:
        raise ValueError(unknown_message(name))
    return metric


def names(kind: Kind | None = None) -> tuple[str, ...]:
    """Every metric's name (of those applying to ``kind`` when given), driftplane's first."""
    return tuple(
        name for name, metric in registered().items() if kind is None or metric.applies_to(kind)
    )


def applies(name: str, kind: Kind) -> bool:
    """Whether metric ``name`` applies to features of this kind (False for an unknown name)."""
    metric = find(name)
    return metric is not None and metric.applies_to(kind)


def with_equivalent(cloud: str, equivalent: str) -> DriftMetric | None:
    """The first metric whose equivalent on ``cloud`` is ``equivalent`` (driftplane's before plugins')."""
    return next((m for m in registered().values() if m.equivalent(cloud) == equivalent), None)


def refusal(name: str) -> str | None:
    """Why ``name`` is refused as a metric, or None when it is not."""
    reason = REFUSED.get(_key(name))
    return reason.format(name=name.strip()) if reason is not None else None


def canonical_metric(value: Any) -> Any:
    """driftplane's name for a metric name (aliases mapped); ValueError with the reason for a refused name.

    Anything that is not a known name is returned as given (lower-cased, '-' and ' ' as '_'),
    for ``known_metric`` to list the names there are.
    """
    if not isinstance(value, str):
        return value
    reason = refusal(value)
    if reason is not None:
        raise ValueError(reason)
    key = _key(value)
    if key in _BUILT_IN_BY_NAME:
        return key
    if key in _BUILT_IN_ALIASES:
        return _BUILT_IN_ALIASES[key]
    plugins = _plugin_metrics()
    if key in plugins:
        return key
    return next((m.name for m in plugins.values() if key in m.aliases), key)


def known_metric(value: Any) -> Any:
    """``value`` when it names a registered metric; ValueError listing the metrics there are when not."""
    if isinstance(value, str) and find(value) is None:
        raise ValueError(unknown_message(value))
    return value


def unknown_message(name: str) -> str:
    from driftplane.spec.problems import did_you_mean

    there = names()
    return f"'{name}' is not one of {', '.join(there)}{did_you_mean(name, there)}"
