"""Monitors become MonitorSchedules: what plan --offline builds, read back by azure-ai-ml itself."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.providers.azure.conftest import AZURE_CHECKS, SETTINGS
from tests.providers.azure.fake_arm import RG, SUB, WS, as_schedule

from driftplane.spec import Spec, load_spec
from driftplane_azure.provider import AzureProvider


def offline(spec: Spec) -> list[dict[str, Any]]:
    plan = AzureProvider.from_spec(spec).plan(spec, offline=True)
    return json.loads(plan.model_dump_json())["changes"]


def schedule_of(spec: Spec, monitor: str = "m") -> Any:
    (change,) = [c for c in offline(spec) if c["kind"] == "azureml:Schedule" and c["monitor"] == monitor]
    return as_schedule(change["request"]["body"], change["name"])


def one_monitor(write_spec: Callable[..., Path], body: str, settings: str = SETTINGS) -> Spec:
    """A spec of monitor ``m``; without checks of its own, the checks as Azure runs them."""
    checks = "" if "checks:" in body else AZURE_CHECKS
    return load_spec(str(write_spec(settings + "monitors:\n  m:\n" + body + checks)))


def test_offline_plan_is_a_put_of_the_schedule_with_the_sdk_body(churn_spec: Spec) -> None:
    (change,) = offline(churn_spec)
    assert change["action"] == "create" and change["kind"] == "azureml:Schedule" and change["name"] == "churn"
    request = change["request"]
    assert request["api"] == "arm"
    assert request["operation"] == (
        f"PUT /subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.MachineLearningServices/"
        f"workspaces/{WS}/schedules/churn?api-version=2023-06-01-preview"
    )
    definition = request["body"]["properties"]["action"]["monitorDefinition"]
    assert definition["computeConfiguration"]["computeType"] == "ServerlessSpark"
    assert definition["computeConfiguration"]["runtimeVersion"] == "3.4"
    drift = definition["signals"]["data-drift-signal"]
    # azure-ai-ml resolves asset references to ARM ids before sending; so does the plan.
    assert drift["referenceData"]["uri"] == (
        f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.MachineLearningServices/"
        f"workspaces/{WS}/data/churn-train/versions/1"
    )
    assert drift["metricThresholds"] == [
        {"metric": "normalizedWassersteinDistance", "threshold": {"value": 0.1}, "dataType": "Numerical"},
        {"metric": "jensenShannonDistance", "threshold": {"value": 0.1}, "dataType": "Categorical"},
    ]


def test_plan_deserializes_into_the_monitor_the_spec_describes(churn_spec: Spec) -> None:
    (change,) = offline(churn_spec)
    schedule = as_schedule(change["request"]["body"], change["name"])
    trigger = schedule.trigger
    assert type(trigger).__name__ == "RecurrenceTrigger"
    assert (trigger.frequency, trigger.interval, trigger.schedule.hours, trigger.schedule.minutes) == (
        "day",
        1,
        [0],
        [0],
    )
    signals = schedule.create_monitor.monitoring_signals
    assert set(signals) == {"data-drift-signal", "data-quality-signal"}
    drift, quality = signals["data-drift-signal"], signals["data-quality-signal"]
    assert drift.features == ["account_length", "day_mins", "custserv_calls", "state", "area_code"]
    assert drift.feature_type_override == {"area_code": "categorical"}
    assert drift.metric_thresholds.numerical.normalized_wasserstein_distance == 0.1
    assert drift.metric_thresholds.categorical.jensen_shannon_distance == 0.1
    window = drift.production_data.data_window
    assert (window.lookback_window_size, window.lookback_window_offset) == ("P1D", "P0D")
    assert drift.production_data.data_context == "model_inputs"
    assert drift.reference_data.data_context == "training"
    assert drift.alert_enabled and quality.alert_enabled
    # Numbers: type errors; categories also values never seen in the baseline (completeness is
    # off: Azure's null value rate is not relative to the baseline, as driftplane's check is).
    assert vars(quality.metric_thresholds.numerical) == {
        "null_value_rate": None,
        "data_type_error_rate": 0.0,
        "out_of_bounds_rate": None,
    }
    assert vars(quality.metric_thresholds.categorical) == {
        "null_value_rate": None,
        "data_type_error_rate": 0.0,
        "out_of_bounds_rate": 0.0,
    }
    assert schedule.create_monitor.alert_notification.emails == ["ml@example.com"]
    assert schedule.tags == {"driftplane-monitor": "churn", "managed-by": "driftplane"}
    assert schedule.description.startswith("Daily drift")


@pytest.mark.parametrize(
    ("schedule", "kind", "expected"),
    [
        # An hourly recurrence would run at the minute it was created; the cron runs at minute 0.
        ("hourly", "CronTrigger", {"expression": "0 * * * *"}),
        ("daily", "RecurrenceTrigger", {"frequency": "day", "hours": [0], "minutes": [0]}),
        ("weekly", "RecurrenceTrigger", {"frequency": "week", "hours": [0], "minutes": [0], "week_days": ["monday"]}),
        ("15 3 * * *", "RecurrenceTrigger", {"frequency": "day", "hours": [3], "minutes": [15]}),
        ("0 6,18 * * mon-fri", "CronTrigger", {"expression": "0 6,18 * * mon-fri"}),
        ("*/30 * * * *", "CronTrigger", {"expression": "*/30 * * * *"}),
    ],
)
def test_schedules_become_recurrence_or_cron_triggers(
    write_spec: Callable[..., Path], schedule: str, kind: str, expected: dict[str, Any]
) -> None:
    spec = one_monitor(
        write_spec,
        f"""\
    baseline: {{data: "azureml:churn-train:1"}}
    target: {{data: "azureml:churn-scoring:1", window: 12h}}
    schedule: "{schedule}"
""",
    )
    trigger = schedule_of(spec).trigger
    assert type(trigger).__name__ == kind
    for key, value in expected.items():
        actual = getattr(trigger.schedule, key) if key in ("hours", "minutes", "week_days") else getattr(trigger, key)
        assert actual == value, key
    assert trigger.time_zone == "UTC"


@pytest.mark.parametrize(
    ("schedule", "window"), [("hourly", "PT1H"), ("daily", "P1D"), ("weekly", "P7D"), ("0 */6 * * *", "PT6H")]
)
def test_the_default_window_is_the_schedule_period_never_the_sdk_default(
    write_spec: Callable[..., Path], schedule: str, window: str
) -> None:
    spec = one_monitor(
        write_spec,
        f"""\
    baseline: {{data: "azureml:churn-train:1"}}
    target: {{data: "azureml:churn-scoring:1"}}
    schedule: "{schedule}"
""",
    )
    drift = schedule_of(spec).create_monitor.monitoring_signals["data-drift-signal"]
    assert drift.production_data.data_window.lookback_window_size == window


def test_latency_lag_and_other_metrics(write_spec: Callable[..., Path]) -> None:
    spec = one_monitor(
        write_spec,
        """\
    baseline: {lag: 7d}
    target: {data: "azureml:churn-scoring:1", window: 1d, latency: 2h}
    checks:
      drift:
        numerical: {metric: psi, threshold: 0.2}
        categorical: {metric: jensen_shannon, threshold: 0.05}
        noise_correction: false
      quality:
        data_type_threshold: 0.99
        domain_content_threshold: 0.95
        completeness: false
        columns: false
        comparison_threshold: 1
        categorical_comparison_threshold: 1
""",
    )
    signals = schedule_of(spec).create_monitor.monitoring_signals
    drift = signals["data-drift-signal"]
    assert drift.production_data.data_window.lookback_window_offset == "PT2H"
    # The target itself, a week (plus the latency) earlier.
    reference = drift.reference_data
    assert reference.input_data.path.endswith("/data/churn-scoring/versions/1")
    assert (reference.data_window.lookback_window_size, reference.data_window.lookback_window_offset) == (
        "P1D",
        "P7DT2H",
    )
    assert drift.metric_thresholds.numerical.population_stability_index == 0.2
    assert drift.metric_thresholds.categorical.jensen_shannon_distance == 0.05
    assert drift.metric_thresholds.categorical.pearsons_chi_squared_test is None  # a p-value: never sent for a distance
    quality = signals["data-quality-signal"].metric_thresholds
    numerical, categorical = quality.numerical, quality.categorical
    assert (numerical.null_value_rate, numerical.data_type_error_rate, numerical.out_of_bounds_rate) == (
        None,
        0.01,
        None,
    )
    assert (categorical.null_value_rate, categorical.data_type_error_rate, categorical.out_of_bounds_rate) == (
        None,
        0.01,
        0.05,
    )
    assert not signals["data-drift-signal"].alert_enabled


def test_static_baseline_window_and_disabled_quality(write_spec: Callable[..., Path]) -> None:
    spec = one_monitor(
        write_spec,
        """\
    baseline:
      data: "azureml:churn-train:1"
      window: {start: 2026-01-01, end: 2026-02-01}
    target: {data: "azureml:churn-scoring:1"}
    checks: {quality: {enabled: false}, drift: {noise_correction: false}}
""",
    )
    signals = schedule_of(spec).create_monitor.monitoring_signals
    assert set(signals) == {"data-drift-signal"}
    window = signals["data-drift-signal"].reference_data.data_window
    assert (window.window_start, window.window_end) == ("2026-01-01", "2026-02-01")


def test_endpoint_target_uses_the_deployment_and_its_collected_inputs(write_spec: Callable[..., Path]) -> None:
    settings = SETTINGS + "    monitors:\n      m: {ml_task: regression, target_column: DEFAULT, top_n_features: 10}\n"
    spec = one_monitor(
        write_spec,
        """\
    baseline: {data: "azureml:credit-reference:1"}
    target: {endpoint: "credit-default:main"}
""",
        settings,
    )
    definition = schedule_of(spec).create_monitor
    assert definition.monitoring_target.endpoint_deployment_id.endswith(
        "/onlineEndpoints/credit-default/deployments/main"
    )
    assert definition.monitoring_target.ml_task == "regression"
    drift = definition.monitoring_signals["data-drift-signal"]
    assert drift.production_data.input_data.path.endswith("/data/credit-default-main-model_inputs/versions/1")
    assert drift.features.top_n_feature_importance == 10
    assert drift.reference_data.data_column_names == {"target_column": "DEFAULT"}


def test_local_baseline_is_uploaded_as_a_content_versioned_asset(
    write_spec: Callable[..., Path], tmp_path: Path
) -> None:
    (tmp_path / "train.csv").write_text("a,b\n1,x\n", encoding="utf-8")
    settings = SETTINGS.replace("data: as-is", "data: upload")
    spec = one_monitor(
        write_spec,
        """\
    baseline: {data: train.csv}
    target: {data: "azureml:churn-scoring:1"}
""",
        settings,
    )
    upload, schedule = offline(spec)
    assert upload["kind"] == "azureml:DataAsset" and upload["name"].startswith("driftplane-m-baseline:")
    version = upload["name"].split(":")[1]
    # An mltable, as Azure's monitors read reference data: the folder the file and its MLTable go to.
    properties = upload["request"]["body"]["properties"]
    assert properties["dataType"] == "mltable"
    assert properties["dataUri"] == f"azureml://datastores/workspaceblobstore/paths/driftplane/m/{version}/"
    reference = (
        as_schedule(schedule["request"]["body"], "m")
        .create_monitor.monitoring_signals["data-drift-signal"]
        .reference_data
    )
    assert reference.input_data.path.endswith(f"/data/driftplane-m-baseline/versions/{version}")
    assert reference.input_data.type == "mltable"
    assert schedule["request"]["body"]["properties"]["action"]["monitorDefinition"]["signals"]["data-drift-signal"][
        "referenceData"
    ]["jobInputType"] == "mltable"
    # Same bytes, same version; new bytes, a new version.
    assert offline(spec)[0]["name"] == upload["name"]
    (tmp_path / "train.csv").write_text("a,b\n2,y\n", encoding="utf-8")
    assert offline(spec)[0]["name"] != upload["name"]


def test_offline_plan_needs_no_workspace_settings(write_spec: Callable[..., Path]) -> None:
    spec = load_spec(
        str(
            write_spec(
                """\
provider: azure
providers: {azure: {data: as-is}}
monitors:
  m:
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1"}
"""
                + AZURE_CHECKS
            )
        )
    )
    (change,) = offline(spec)
    assert change["request"]["operation"].startswith(
        "PUT /subscriptions/{subscription_id}/resourceGroups/{resource_group}/providers/"
        "Microsoft.MachineLearningServices/workspaces/{workspace}/schedules/m"
    )


def test_disabled_monitors_are_not_planned_offline(write_spec: Callable[..., Path]) -> None:
    spec = one_monitor(
        write_spec,
        """\
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1"}
    enabled: false
""",
    )
    assert offline(spec) == []
