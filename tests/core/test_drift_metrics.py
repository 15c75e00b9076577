"""The drift metric registry: one entry per metric, read alike by the spec, the engine and the clouds."""

from __future__ import annotations

import inspect
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest

from driftplane import drift_metrics
from driftplane.drift_metrics import AZURE, BUILT_IN, DEFAULTS, REFUSED, SAGEMAKER
from driftplane.engine.computations import OnCounts, OnValues
from driftplane.engine.drift import categorical_metric, numeric_metric
from driftplane.engine.profiler import profile_stream
from driftplane.errors import SpecError
from driftplane.spec.models import DriftChecks, MetricRule


def test_the_registry_is_read_without_numpy_or_pyarrow() -> None:
    """The CLI reads metric names at start-up; the engine's computations are imported only to compute."""
    code = (
        "import sys\n"
        "from driftplane import drift_metrics\n"
        "from driftplane.spec.models import DriftChecks\n"
        "names = drift_metrics.names('categorical')\n"
        "DriftChecks(numerical={'metric': 'wasserstein', 'threshold': 0.2})\n"
        "heavy = sorted(m for m in ('numpy', 'pyarrow') if m in sys.modules)\n"
        "print(','.join(heavy) or 'light', *names)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["light", *(m.name for m in BUILT_IN if m.categorical)]


def test_every_built_in_metric_is_one_complete_entry() -> None:
    names = [m.name for m in BUILT_IN]
    spoken = [name for m in BUILT_IN for name in (m.name, *m.aliases)]
    assert len(spoken) == len(set(spoken)), "a name or alias belongs to one metric"
    assert not set(spoken) & set(REFUSED)
    for metric in BUILT_IN:
        assert metric.kinds and metric.label and metric.hint.endswith(".")
        for kind in metric.kinds:
            shapes = (OnValues, OnCounts) if kind == "numerical" else (OnCounts,)
            assert isinstance(metric.computation(kind), shapes)
    assert set(DEFAULTS.values()) <= set(names)
    for kind in ("numerical", "categorical"):
        assert drift_metrics.names(kind) == tuple(m.name for m in BUILT_IN if m.applies_to(kind))
        assert DEFAULTS[kind] in drift_metrics.names(kind)


@pytest.fixture(scope="module")
def profiles() -> tuple:  # type: ignore[type-arg]
    rng = np.random.default_rng(3)
    base = pa.table({"x": rng.normal(0, 1, 800), "c": rng.choice(["a", "b", "c"], 800)})
    target = pa.table({"x": rng.normal(0.3, 1, 600), "c": rng.choice(["a", "b", "d"], 600)})
    baseline = profile_stream(base.to_batches())
    return baseline, profile_stream(target.to_batches(), reference=baseline)


@pytest.mark.parametrize("metric", BUILT_IN, ids=lambda m: m.name)
def test_the_spec_takes_a_metric_for_exactly_the_kinds_the_engine_computes(
    metric: drift_metrics.DriftMetric, profiles: tuple
) -> None:  # type: ignore[type-arg]
    baseline, target = profiles
    for kind in ("numerical", "categorical"):
        rule = {kind: MetricRule(metric=metric.name, threshold=0.1)}
        if metric.applies_to(kind):
            DriftChecks(**rule)  # type: ignore[arg-type]
            value = (
                numeric_metric(metric.name, baseline.columns["x"], target.columns["x"], 20)
                if kind == "numerical"
                else categorical_metric(metric.name, baseline.columns["c"], target.columns["c"])
            )
            assert value is not None and 0 <= value < 10
        else:
            with pytest.raises(SpecError, match=f"{kind}.metric '{metric.name}' applies to"):
                DriftChecks(**rule)  # type: ignore[arg-type]


def test_each_alias_reads_as_the_metric_it_names() -> None:
    for metric in BUILT_IN:
        for alias in metric.aliases:
            assert (
                MetricRule(metric=alias.upper().replace("_", "-"), threshold=0.1).metric
                == metric.name
            )


def test_sagemaker_equivalents_are_its_comparison_methods() -> None:
    equivalents = {m.name: m.equivalent(SAGEMAKER) for m in BUILT_IN if m.equivalent(SAGEMAKER)}
    assert equivalents == {"linf": "Simple", "linf_robust": "Robust"}
    assert drift_metrics.with_equivalent(SAGEMAKER, "Robust") == drift_metrics.get("linf_robust")


def test_azure_equivalents_are_distances_azure_offers_for_each_kind() -> None:
    """Azure's own keywords, read from azure-ai-ml's classes; its p-value tests are nobody's equivalent."""
    entities = pytest.importorskip("azure.ai.ml.entities")
    offered = {
        kind: set(inspect.signature(cls.__init__).parameters)
        - {"self", "metric", "metric_threshold"}
        for kind, cls in (
            ("numerical", entities.NumericalDriftMetrics),
            ("categorical", entities.CategoricalDriftMetrics),
        )
    }
    mapped = {m.name: m.equivalent(AZURE) for m in BUILT_IN if m.equivalent(AZURE)}
    assert mapped == {
        "normalized_wasserstein": "normalized_wasserstein_distance",
        "jensen_shannon": "jensen_shannon_distance",
        "psi": "population_stability_index",
    }
    for name, keyword in mapped.items():
        for kind in drift_metrics.get(name).kinds:
            assert keyword in offered[kind], f"{name} ({kind}): Azure has no {keyword}"
    p_values = {"two_sample_kolmogorov_smirnov_test", "pearsons_chi_squared_test"}
    assert not p_values & set(mapped.values())
    assert p_values <= offered["numerical"] | offered["categorical"]
