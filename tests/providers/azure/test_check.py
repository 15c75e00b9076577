"""validate --provider azure: what Azure ML cannot express fails, located, with what Azure offers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from tests.providers.azure.conftest import AZURE_CHECKS, SETTINGS

from driftplane.cli import cli
from driftplane.spec import load_spec
from driftplane_azure.provider import AzureProvider

UNEXPRESSIBLE = SETTINGS + """\
monitors:
  churn:
    baseline: {statistics: baseline/statistics.json}
    target:
      data: "capture/{timestamp:yyyy}/{timestamp:MM}/*.jsonl"
      format: sagemaker-capture
      window: {start: 2026-01-01, end: 2026-01-02}
    features: {exclude: [customer_id]}
    checks:
      drift:
        numerical: {metric: hellinger, threshold: 0.2}
        categorical: {metric: linf, threshold: 0.2}
        features:
          day_mins: {metric: psi, threshold: 0.3}
        noise_correction: true
        classifier: true
      quality: {completeness: true}
    alerts:
      - {when: metric, feature: day_mins, above: 0.5, notify: ["email:ml@example.com"]}
      - {when: drift, min_features: 3, notify: ["log"]}
"""


def problems(write_spec: Callable[..., Path], text: str) -> dict[str, str]:
    spec = load_spec(str(write_spec(text)))
    found = AzureProvider.from_spec(spec).check(spec)
    assert all(p.file and p.line for p in found), "every problem is located in the file"
    return {p.key_path: p.message for p in found}


def test_each_unexpressible_setting_is_a_located_problem_naming_the_alternative(
    write_spec: Callable[..., Path],
) -> None:
    found = problems(write_spec, UNEXPRESSIBLE)
    assert "SageMaker statistics.json" in found["monitors.churn.baseline.statistics"]
    assert "partition fields" in found["monitors.churn.target.data"]
    assert "SageMaker capture" in found["monitors.churn.target.format"]
    assert "trailing window" in found["monitors.churn.target.window"]
    assert "features.include" in found["monitors.churn.features.exclude"]
    hellinger = found["monitors.churn.checks.drift.numerical.metric"]
    assert "no 'hellinger'" in hellinger and "normalized_wasserstein, jensen_shannon, psi" in hellinger
    linf = found["monitors.churn.checks.drift.categorical.metric"]
    assert "no 'linf'" in linf and linf.endswith("it offers jensen_shannon, psi")
    assert "one metric per feature kind" in found["monitors.churn.checks.drift.features.day_mins.metric"]
    assert "one threshold per feature kind" in found["monitors.churn.checks.drift.features.day_mins.threshold"]
    assert "noise_correction: false" in found["monitors.churn.checks.drift.noise_correction"]
    assert "domain-classifier" in found["monitors.churn.checks.drift.classifier"]
    assert "null value rate" in found["monitors.churn.checks.quality.completeness"]
    assert "not on one feature's metric" in found["monitors.churn.alerts[0].when"]
    assert "remove min_features" in found["monitors.churn.alerts[1].min_features"]
    assert "Azure ML runs the monitor, not driftplane" in found["monitors.churn.alerts[1].notify[0]"]


def test_a_valid_azure_spec_has_no_problems(churn_spec) -> None:  # type: ignore[no-untyped-def]
    assert AzureProvider.from_spec(churn_spec).check(churn_spec) == []


def test_local_data_is_refused_in_as_is_mode_and_asset_labels_need_versions(write_spec: Callable[..., Path]) -> None:
    found = problems(
        write_spec,
        SETTINGS
        + """\
monitors:
  m:
    baseline: {data: "azureml:churn-train@latest"}
    target: {data: data/daily/}
""" + AZURE_CHECKS,
    )
    assert "exact asset version" in found["monitors.m.baseline.data"]
    assert "local path" in found["monitors.m.target.data"]


def test_the_retired_v1_backend_points_to_import_v1(write_spec: Callable[..., Path]) -> None:
    found = problems(
        write_spec,
        SETTINGS.replace("data: as-is", "backend: dataset-monitor")
        + "monitors:\n  m: {baseline: {data: 'azureml:a:1'}, target: {data: 'azureml:b:1'}}\n",
    )
    assert "retired on 2025-09-01" in found["providers.azure.backend"]
    assert "import-v1" in found["providers.azure.backend"]


def test_validate_cli_prints_file_line_column_and_exits_2(write_spec: Callable[..., Path], azure_cli: None) -> None:
    path = write_spec(UNEXPRESSIBLE)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if "hellinger" in line]
    assert lines and lines[0].startswith(f"{path}:18:")
    assert "monitors.churn.checks.drift.numerical.metric" in lines[0]
    assert "the spec is not valid" in result.stderr


def test_plan_refuses_a_spec_azure_cannot_express(write_spec: Callable[..., Path], azure_cli: None) -> None:
    path = write_spec(UNEXPRESSIBLE)
    result = CliRunner().invoke(cli, ["plan", str(path), "--offline", "--json"])
    assert result.exit_code == 2
    assert "hellinger" in result.stderr and result.stdout == ""


def test_distances_named_like_azures_p_value_tests_are_not_sent_as_those_tests(write_spec: Callable[..., Path]) -> None:
    """driftplane's KS and Cramer's V distances must not become Azure's KS and chi-squared p-value tests."""
    text = UNEXPRESSIBLE.replace(
        "{metric: hellinger, threshold: 0.2}", "{metric: ks_statistic, threshold: 0.1}"
    ).replace("{metric: linf, threshold: 0.2}", "{metric: cramers_v, threshold: 0.1}")
    found = problems(write_spec, text)
    numerical = found["monitors.churn.checks.drift.numerical.metric"]
    assert "no 'ks_statistic'" in numerical and "two_sample_kolmogorov_smirnov_test is the test's p-value" in numerical
    categorical = found["monitors.churn.checks.drift.categorical.metric"]
    assert "no 'cramers_v'" in categorical and "pearsons_chi_squared_test is the test's p-value" in categorical
