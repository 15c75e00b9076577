"""driftplane sends the body azure-ai-ml sends for Azure's own example monitors.

Each official YAML (tests/providers/azure/official/) is loaded with azure-ai-ml's
``load_schedule`` and sent through the real MLClient; the driftplane spec that says the same
thing is applied through the provider; both land on the same fake ARM workspace. The
signals driftplane expresses must match field for field. Signals driftplane has no word for
(prediction drift, feature attribution drift, custom, generation safety) are named, not
compared; signal names, display name and tags are driftplane's own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.providers.azure.fake_arm import RG, SUB, WS, FakeARM, FakeCredential, transport_for

from driftplane.spec import load_spec
from driftplane_azure.clients import client_options, ml_client, resolve_scope
from driftplane_azure.provider import AzureProvider
from driftplane_azure.settings import AzureSettings

OFFICIAL = Path(__file__).parent / "official"
SETTINGS = f"""\
provider: azure
providers:
  azure:
    subscription_id: {SUB}
    resource_group: {RG}
    workspace: {WS}
    data: as-is
    instance_type: standard_e4s_v3
    spark_runtime: "3.4"
"""

SPECS = {
    "advanced-model-monitoring": (
        SETTINGS
        + """\
    monitors:
      fraud_detection_model_monitoring:
        target_column: DEFAULT_NEXT_MONTH
        top_n_features: 10
        quality_thresholds:
          numerical: {null_value_rate: 0.05}
          categorical: {null_value_rate: null}
monitors:
  fraud_detection_model_monitoring:
    description: Fraud detection model monitoring with advanced configurations
    baseline: {data: "azureml:credit-reference:1"}
    target: {endpoint: "credit-default:main", window: 1d}
    features: {include: [SEX, EDUCATION]}
    schedule: "15 3 * * *"
    checks:
      drift:
        numerical: {metric: jensen_shannon, threshold: 0.01}
        categorical: {metric: jensen_shannon, threshold: 0.02}
        noise_correction: false
      quality:
        data_type_threshold: 0
        domain_content_threshold: 0.97
        completeness: false
        columns: false
        comparison_threshold: 1
        categorical_comparison_threshold: 1
    alerts:
      - {when: drift, notify: [team]}
      - {when: violation, notify: [team]}
      - {when: failure, notify: [team]}
channels:
  team: {type: email, to: [abc@example.com, def@example.com]}
""",
        {"DataDrift", "DataQuality"},
        {"feature_attribution_drift_signal"},
    ),
    "model-monitoring-with-collected-data": (
        SETTINGS
        + """\
    monitors:
      fraud_detection_model_monitoring:
        target_column: is_fraud
        top_n_features: 20
        preprocessing_component: azureml:production_data_preprocessing:1.0.0
monitors:
  fraud_detection_model_monitoring:
    description: Fraud detection model monitoring with your own production data
    baseline: {data: "azureml:my_model_training_data:1"}
    target:
      data: "azureml:my_production_inference_data_model_inputs:1"
      endpoint: "fraud-detection-endpoint:fraud-detection-deployment"
      window: 1d
    schedule: "15 3 * * *"
    checks:
      drift:
        numerical: {metric: jensen_shannon, threshold: 0.01}
        categorical: {metric: jensen_shannon, threshold: 0.02}
        noise_correction: false
      quality: {enabled: false}
    alerts:
      - {when: drift, notify: ["email:abc@example.com", "email:def@example.com"]}
      - {when: failure, notify: ["email:abc@example.com", "email:def@example.com"]}
""",
        {"DataDrift"},
        {"advanced_prediction_drift"},
    ),
    "out-of-box-monitoring": (
        SETTINGS
        + """\
    monitors:
      credit_default_model_monitoring:
        reference_window: 2d
        quality_thresholds:
          numerical: {null_value_rate: 0, out_of_bounds_rate: 0}
          categorical: {null_value_rate: 0}
monitors:
  credit_default_model_monitoring:
    description: Credit default model monitoring setup with minimal configurations
    baseline: {lag: 1d}
    target: {endpoint: "credit-default:main", window: 1d}
    schedule: "15 3 * * *"
    checks:
      drift: {noise_correction: false}
      quality: {completeness: false, columns: false, comparison_threshold: 1, categorical_comparison_threshold: 1}
    alerts:
      - {when: failure, notify: ["email:abc@example.com", "email:def@example.com"]}
""",
        {"DataDrift", "DataQuality"},
        {"prediction-drift-signal"},
    ),
}


def workspace() -> FakeARM:
    """The workspace the examples assume: deployments with data collection, their data assets."""
    fake = FakeARM()
    fake.add_deployment("credit-default", "main", inputs_asset=("credit-default-main-model_inputs", "1"))
    fake.add_deployment("fraud-detection-endpoint", "fraud-detection-deployment", inputs_asset=("fraud-inputs", "1"))
    for name in ("credit-default-main-model_inputs", "credit-default-main-model_outputs", "fraud-inputs"):
        fake.add_data_asset(name, "1", data_type="uri_folder")
    for name in ("credit-reference", "my_model_training_data", "my_production_inference_data_model_inputs"):
        fake.add_data_asset(name, "1")
    return fake


def put_body(fake: FakeARM) -> dict[str, Any]:
    (put,) = [s for s in fake.sent if s.method == "PUT"]
    return put.body  # type: ignore[no-any-return]


def sdk_body(example: str) -> dict[str, Any]:
    from azure.ai.ml.entities._load_functions import load_schedule

    fake = workspace()
    with client_options(credential=FakeCredential(), transport=transport_for(fake)):
        settings = AzureSettings(subscription_id=SUB, resource_group=RG, workspace=WS)
        ml = ml_client(settings, resolve_scope(settings, Path.cwd()))
        ml.schedules.begin_create_or_update(load_schedule(OFFICIAL / f"{example}.yaml")).result()
    return put_body(fake)


def driftplane_body(spec_text: str, write_spec: Callable[..., Path]) -> tuple[dict[str, Any], dict[str, Any]]:
    fake = workspace()
    spec = load_spec(str(write_spec(spec_text)))
    provider = AzureProvider.from_spec(spec)
    assert provider.check(spec) == []
    offline = provider.plan(spec, offline=True).changes[0].request
    assert offline is not None
    with client_options(credential=FakeCredential(), transport=transport_for(fake)):
        provider.apply(spec)
    return put_body(fake), offline.body


def by_type(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    signals = body["properties"]["action"]["monitorDefinition"]["signals"]
    return {signal["signalType"]: signal for signal in signals.values()}


def without_categorical_metric(signal: dict[str, Any], metric: str) -> dict[str, Any]:
    """The signal without its categorical ``metric`` threshold (the rest must match field for field)."""
    thresholds = signal["metricThresholds"]
    kept = [t for t in thresholds if not (t["dataType"] == "Categorical" and t["metric"] == metric)]
    assert len(kept) == len(thresholds) - 1, f"no categorical {metric} in {thresholds}"
    return {**signal, "metricThresholds": kept}


# Azure's pearsons_chi_squared_test is a p-value (drift below the threshold): driftplane refuses the
# name rather than read it as a distance, so these examples' categorical metric is a distance instead.
P_VALUE_EXAMPLES = {"advanced-model-monitoring", "model-monitoring-with-collected-data"}


@pytest.mark.parametrize("example", sorted(SPECS))
def test_driftplane_sends_what_azure_ai_ml_sends_for_the_official_example(
    example: str, write_spec: Callable[..., Path]
) -> None:
    spec_text, compared, not_expressible = SPECS[example]
    official = sdk_body(example)
    ours, offline = driftplane_body(spec_text, write_spec)
    official_definition = official["properties"]["action"]["monitorDefinition"]
    our_definition = ours["properties"]["action"]["monitorDefinition"]
    for key in ("computeConfiguration", "monitoringTarget", "alertNotificationSetting"):
        assert our_definition.get(key) == official_definition.get(key), key
    assert ours["properties"]["trigger"] == official["properties"]["trigger"]
    assert ours["properties"]["description"] == official["properties"]["description"]
    official_signals, our_signals = by_type(official), by_type(ours)
    assert set(our_signals) == compared
    for signal_type in compared:
        official_signal, our_signal = official_signals[signal_type], our_signals[signal_type]
        if signal_type == "DataDrift" and example in P_VALUE_EXAMPLES:
            official_signal = without_categorical_metric(official_signal, "pearsonsChiSquaredTest")
            our_signal = without_categorical_metric(our_signal, "jensenShannonDistance")
        assert our_signal == official_signal, signal_type
    # What the official example has and driftplane cannot say is exactly the named signals.
    assert set(official_definition["signals"]) - {
        name for name, s in official_definition["signals"].items() if s["signalType"] in compared
    } == not_expressible
    # The offline plan showed the same signals, except production data the deployment decides.
    if "endpoint" not in spec_text or "data:" in spec_text.split("target:")[1].split("schedule")[0]:
        assert offline == ours


@pytest.mark.parametrize("example", ["custom-monitoring", "generation-safety-quality-monitoring"])
def test_examples_driftplane_cannot_express_are_known(example: str) -> None:
    text = (OFFICIAL / f"{example}.yaml").read_text(encoding="utf-8")
    # A custom Spark component, or an LLM generation-safety signal: no driftplane check computes these.
    assert ("type: custom" in text) or ("type: generation_safety_quality" in text)
