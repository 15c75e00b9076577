"""Metric names borrowed from other tools keep those tools' meaning or are refused (issue 12, point 4).

Evidently's ``ks``, Azure ML's ``two_sample_kolmogorov_smirnov_test`` and
``pearsons_chi_squared_test`` (and the chi-squared names of Evidently and SageMaker) are
p-values: drift when the value falls BELOW the threshold. driftplane decides with distances
(drift ABOVE it), so reading those names as distances inverts verdicts. They are refused at
their key with the difference and the name to use; names of the same distances are accepted.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from click.testing import CliRunner
from scipy import stats

import driftplane as dp
from driftplane.cli import cli
from driftplane.engine.drift import feature_drift
from driftplane.engine.profiler import profile_stream
from driftplane.errors import SpecError
from driftplane.spec import load_spec_text

KS_NAMES = [
    "ks",
    "KS",
    "kolmogorov_smirnov",
    "two_sample_kolmogorov_smirnov_test",
    "twoSampleKolmogorovSmirnovTest",
    "ks-test",
]
CHI_SQUARED_NAMES = [
    "pearsons_chi_squared_test",
    "PearsonsChiSquaredTest",
    "chi_squared",
    "chi2",
    "chisquare",
    "chi_squared_test",
]


def spec_text(
    numerical: str = "normalized_wasserstein", categorical: str = "jensen_shannon", threshold: float = 0.05
) -> str:
    return textwrap.dedent(
        f"""\
        monitors:
          churn:
            baseline: {{data: train.parquet}}
            target: {{data: today.parquet}}
            checks:
              drift:
                numerical: {{metric: {numerical}, threshold: {threshold}}}
                categorical: {{metric: {categorical}, threshold: {threshold}}}
        """
    )


def problems(text: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec_text(text, file="monitors.yaml", env={})
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize("name", KS_NAMES)
def test_kolmogorov_smirnov_test_names_are_refused_at_their_key_with_the_distance_to_use(name: str) -> None:
    (message,) = problems(spec_text(numerical=name))
    assert message.startswith("monitors.yaml:7:29: monitors.churn.checks.drift.numerical.metric: ")
    assert f"'{name}'" in message and "p-value" in message and "falls below the threshold" in message
    assert "'ks_statistic'" in message  # the name that means the distance


@pytest.mark.parametrize("name", CHI_SQUARED_NAMES)
def test_chi_squared_test_names_are_refused_at_their_key_with_the_distance_to_use(name: str) -> None:
    (message,) = problems(spec_text(categorical=name))
    assert message.startswith("monitors.yaml:8:31: monitors.churn.checks.drift.categorical.metric: ")
    assert "p-value" in message and "falls below the threshold" in message
    assert "'cramers_v'" in message


def test_refused_in_per_feature_rules_and_metric_alerts_too() -> None:
    text = textwrap.dedent(
        """\
        monitors:
          churn:
            baseline: {data: train.parquet}
            target: {data: today.parquet}
            checks:
              drift:
                features:
                  age: {metric: ks}
            alerts:
              - {when: metric, feature: age, metric: pearsons_chi_squared_test, above: 0.05, notify: [log]}
        """
    )
    found = problems(text)
    assert any(p.startswith("monitors.yaml:8:") and "checks.drift.features.age.metric: 'ks' is" in p for p in found)
    assert any(
        p.startswith("monitors.yaml:10:") and "alerts[0].metric: 'pearsons_chi_squared_test' is" in p for p in found
    )


def test_building_in_code_is_refused_the_same_way() -> None:
    with pytest.raises(
        SpecError, match="'two_sample_kolmogorov_smirnov_test' is the two-sample Kolmogorov-Smirnov test"
    ):
        dp.MetricRule(metric="two_sample_kolmogorov_smirnov_test", threshold=0.05)


def test_validate_exits_2_and_names_file_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "monitors.yaml"
    path.write_text(spec_text(numerical="ks", categorical="pearsons_chi_squared_test"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{path}:7:29: monitors.churn.checks.drift.numerical.metric: 'ks' is the two-sample")
    assert lines[1].startswith(
        f"{path}:8:31: monitors.churn.checks.drift.categorical.metric: 'pearsons_chi_squared_test'"
    )


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("normalized_wasserstein_distance", "normalized_wasserstein"),
        ("NormalizedWassersteinDistance", "normalized_wasserstein"),
        ("wasserstein", "normalized_wasserstein"),
        ("jensen_shannon_distance", "jensen_shannon"),
        ("jensenshannon", "jensen_shannon"),
        ("population_stability_index", "psi"),
        ("ks_statistic", "ks_statistic"),
    ],
)
def test_names_of_the_same_distances_are_accepted(alias: str, canonical: str) -> None:
    spec = load_spec_text(spec_text(numerical=alias), file="monitors.yaml", env={})
    assert spec.monitors["churn"].checks.drift.numerical.metric == canonical


def test_the_names_to_use_are_the_distances_scipy_computes() -> None:
    """ks_statistic is scipy's two-sample KS statistic; cramers_v is scipy's Cramer's V: distances, drift above."""
    rng = np.random.default_rng(5)
    a, b = rng.normal(0, 1, 800), rng.normal(0.4, 1, 700)
    cats_a, cats_b = rng.choice(list("abc"), 800, p=[0.5, 0.3, 0.2]), rng.choice(list("abc"), 700, p=[0.3, 0.3, 0.4])
    base = profile_stream([pa.record_batch({"x": a, "c": cats_a})], threads=1)
    target = profile_stream([pa.record_batch({"x": b, "c": cats_b})], reference=base, threads=1)
    ks = feature_drift("numerical", "ks_statistic", 0.1, base["x"], target["x"], bins=20, noise_correction=False)
    assert ks.value == pytest.approx(stats.ks_2samp(a, b).statistic, rel=1e-12)
    assert ks.drifted  # a large distance is drift, whereas a p-value this small would be below 0.1
    table = np.array([[np.sum(cats_a == k) for k in "abc"], [np.sum(cats_b == k) for k in "abc"]])
    v = feature_drift("categorical", "cramers_v", 0.1, base["c"], target["c"], bins=20, noise_correction=False)
    assert v.value == pytest.approx(stats.contingency.association(table, method="cramer", correction=False))
    assert v.drifted
