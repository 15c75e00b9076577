"""Model quality on Azure ML: a model-performance signal, a prediction-drift signal, and located refusals.

Plans are built by the real azure-ai-ml entities and read back by azure-ai-ml's own REST model;
apply sends them through the real MLClient to the fake ARM workspace.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.providers.azure.conftest import AZURE_CHECKS, SETTINGS
from tests.providers.azure.fake_arm import FakeARM
from tests.providers.azure.test_translate import offline, schedule_of

from driftplane.cli import cli
from driftplane.spec import Spec, load_spec
from driftplane_azure.provider import AzureProvider

EMAIL = '["email:ml@example.com"]'


def quality_monitor(
    *,
    model: str = "{problem_type: binary, prediction: churn_pred, probability: churn_score, id: inference_id}",
    labels: str = '{data: "azureml:churn-labels:1", label: churned, wait: 3d}',
    target: str = '{endpoint: "churn:blue", window: 1d}',
    metrics: str = "accuracy: {min: 0.85}",
    performance_extra: str = "",
    alerts: str = f"      - {{when: performance, notify: {EMAIL}}}\n",
) -> str:
    return (
        SETTINGS
        + f"""\
monitors:
  m:
    model: {model}
    labels: {labels}
    baseline: {{data: "azureml:churn-train:1", label: churned}}
    target: {target}
    features: {{include: [account_length, state]}}
    schedule: daily
"""
        + AZURE_CHECKS
        + f"""\
      performance:
        metrics:
          {metrics}
{performance_extra}    alerts:
{alerts}      - {{when: failure, notify: {EMAIL}}}
"""
    )


def load(write_spec: Callable[..., Path], text: str) -> Spec:
    return load_spec(str(write_spec(text)))


def problems(spec: Spec) -> dict[str, str]:
    found = AzureProvider.from_spec(spec).check(spec)
    assert all(p.file and p.line for p in found), "every problem is located in the file"
    return {p.key_path: p.message for p in found}


def signals_of(spec: Spec) -> dict[str, Any]:
    (change,) = [c for c in offline(spec) if c["kind"] == "azureml:Schedule"]
    signals: dict[str, Any] = change["request"]["body"]["properties"]["action"]["monitorDefinition"]["signals"]
    return signals


def thresholds(signal: dict[str, Any]) -> list[dict[str, Any]]:
    """The thresholds Azure applies: azure-ai-ml sends them as a JSON list in the signal's properties
    (its metricThreshold field is always Accuracy 0.9 whatever was asked)."""
    parsed: list[dict[str, Any]] = json.loads(signal["properties"]["azureml.modelmonitor.model_performance_thresholds"])
    return parsed


def test_a_binary_model_becomes_a_performance_signal_judged_wait_after_each_window(
    write_spec: Callable[..., Path],
) -> None:
    spec = load(write_spec, quality_monitor(metrics="accuracy: {min: 0.85}"))
    assert problems(spec) == {}
    signal = signals_of(spec)["model-performance-signal"]
    assert signal["signalType"] == "ModelPerformance" and signal["mode"] == "Enabled"
    assert thresholds(signal) == [{"modelType": "classification", "metric": "Accuracy", "threshold": {"value": 0.85}}]
    (production,) = signal["productionData"]
    assert production["dataContext"] == "model_outputs"
    assert production["uri"].endswith("/data/churn-blue-model_outputs/versions/1")
    assert production["columns"] == {"prediction": "churn_pred", "correlation_id": "inference_id"}
    # labels.wait: 3d -> the day that ended three days before each run, when its labels have landed.
    assert (production["windowSize"], production["windowOffset"]) == ("P1D", "P3D")
    reference = signal["referenceData"]
    assert reference["dataContext"] == "ground_truth" and reference["jobInputType"] == "mltable"
    assert reference["uri"].endswith("/data/churn-labels/versions/1")
    assert reference["columns"] == {"actual": "churned", "correlation_id": "inference_id"}
    # azure-ai-ml reads the body back into its own entities (the schedule the service would store).
    read_back = schedule_of(spec).create_monitor
    assert type(read_back.monitoring_signals["model-performance-signal"]).__name__ == "ModelPerformanceSignal"
    assert read_back.monitoring_target.ml_task == "classification"


def test_latency_adds_to_wait_and_a_labels_id_of_its_own_is_the_ground_truths_correlation_id(
    write_spec: Callable[..., Path],
) -> None:
    text = quality_monitor(
        labels='{data: "azureml:churn-labels:2", id: event_id, label: churned, wait: 2d}',
        target='{endpoint: "churn:blue", window: 1d, latency: 6h}',
    )
    signal = signals_of(load(write_spec, text))["model-performance-signal"]
    assert signal["productionData"][0]["windowOffset"] == "P2DT6H"
    assert signal["referenceData"]["columns"] == {"actual": "churned", "correlation_id": "event_id"}


def test_multiclass_checks_accuracy_and_macro_recall(write_spec: Callable[..., Path]) -> None:
    text = quality_monitor(
        model="{problem_type: multiclass, prediction: plan, id: inference_id}",
        metrics="accuracy: {min: 0.7}\n          macro_recall: {min: 0.6}",
    )
    spec = load(write_spec, text)
    assert problems(spec) == {}
    assert thresholds(signals_of(spec)["model-performance-signal"]) == [
        {"modelType": "classification", "metric": "Accuracy", "threshold": {"value": 0.7}},
        {"modelType": "classification", "metric": "Recall", "threshold": {"value": 0.6}},
    ]


def test_regression_checks_mae_and_rmse_on_a_regression_target(write_spec: Callable[..., Path]) -> None:
    text = quality_monitor(
        model="{problem_type: regression, prediction: spend_pred, id: inference_id}",
        labels='{data: "azureml:spend-labels:1", label: spend, wait: 1d}',
        metrics="mae: {max: 12.5}\n          rmse: {max: 20}",
    )
    spec = load(write_spec, text)
    assert problems(spec) == {}
    assert thresholds(signals_of(spec)["model-performance-signal"]) == [
        {"modelType": "regression", "metric": "MeanAbsoluteError", "threshold": {"value": 12.5}},
        {"modelType": "regression", "metric": "RootMeanSquaredError", "threshold": {"value": 20.0}},
    ]
    assert schedule_of(spec).create_monitor.monitoring_target.ml_task == "regression"


def test_prediction_drift_is_azures_prediction_drift_signal_on_the_collected_outputs(
    write_spec: Callable[..., Path],
) -> None:
    alerts = f"      - {{when: prediction_drift, notify: {EMAIL}}}\n"
    spec = load(write_spec, quality_monitor(alerts=alerts))
    assert problems(spec) == {}
    signals = signals_of(spec)
    drift = signals["prediction-drift-signal"]
    assert drift["signalType"] == "PredictionDrift" and drift["mode"] == "Enabled"
    assert drift["productionData"]["dataContext"] == "model_outputs"
    assert drift["productionData"]["uri"].endswith("/data/churn-blue-model_outputs/versions/1")
    assert drift["productionData"]["windowOffset"] == "P0D"
    assert drift["referenceData"]["uri"].endswith("/data/churn-train/versions/1")
    assert drift["metricThresholds"] == [
        {"metric": "normalizedWassersteinDistance", "threshold": {"value": 0.1}, "dataType": "Numerical"},
        {"metric": "jensenShannonDistance", "threshold": {"value": 0.1}, "dataType": "Categorical"},
    ]
    # Checked but not alerted on: the performance signal runs with its alert off.
    assert signals["model-performance-signal"]["mode"] == "Disabled"
    # Input drift still reads the inputs only; baseline.label is Azure's target column.
    assert signals["data-drift-signal"]["productionData"]["dataContext"] == "model_inputs"
    assert signals["data-drift-signal"]["referenceData"]["columns"] == {"target_column": "churned"}
    read_back = schedule_of(spec).create_monitor.monitoring_signals
    assert type(read_back["prediction-drift-signal"]).__name__ == "PredictionDriftSignal"


def test_target_data_is_the_performance_signals_outputs_and_prediction_drift_alerts_are_refused(
    write_spec: Callable[..., Path],
) -> None:
    alerts = f"      - {{when: performance, notify: {EMAIL}}}\n      - {{when: prediction_drift, notify: {EMAIL}}}\n"
    text = quality_monitor(target='{data: "azureml:churn-scoring:1", window: 1d}', alerts=alerts)
    found = problems(load(write_spec, text))
    assert list(found) == ["monitors.m.alerts[1].when"]
    assert "target.endpoint" in found["monitors.m.alerts[1].when"] and "--provider local" in found[
        "monitors.m.alerts[1].when"
    ]
    without = quality_monitor(target='{data: "azureml:churn-scoring:1", window: 1d}')
    signals = signals_of(load(write_spec, without))
    assert "prediction-drift-signal" not in signals
    assert signals["model-performance-signal"]["productionData"][0]["uri"].endswith("/data/churn-scoring/versions/1")


@pytest.mark.parametrize(
    ("model", "metrics", "key", "expected"),
    [
        ("binary", "auc: {min: 0.8}", "metrics.auc", "no auc for binary models; it checks accuracy (min)"),
        ("binary", "precision: {min: 0.8}", "metrics.precision", "against the accuracy threshold"),
        ("binary", "recall: {min: 0.8}", "metrics.recall", "positive class's alone"),
        ("multiclass", "weighted_f1: {min: 0.8}", "metrics.weighted_f1", "accuracy (min), macro_recall (min)"),
        ("regression", "mse: {max: 4}", "metrics.mse", "rmse: {max: sqrt(bound)}"),
        ("regression", "r2: {min: 0.5}", "metrics.r2", "mae (max), rmse (max)"),
        ("binary", "accuracy: {below_baseline_by: 0.05}", "metrics.accuracy.below_baseline_by", "fixed threshold"),
        ("binary", "accuracy: {max: 0.99}", "metrics.accuracy.max", "falls below its threshold; write min:"),
        ("regression", "mae: {min: 1}", "metrics.mae.min", "rises above its threshold; write max:"),
        ("regression", "mae: {max: 0}", "metrics.mae.max", "drops a threshold of 0"),
    ],
)
def test_a_metric_or_bound_azure_lacks_is_refused_at_its_key_with_the_alternative(
    write_spec: Callable[..., Path], model: str, metrics: str, key: str, expected: str
) -> None:
    scores = ", probability: score" if model == "binary" else ""
    text = quality_monitor(model=f"{{problem_type: {model}, prediction: p{scores}, id: inference_id}}", metrics=metrics)
    found = problems(load(write_spec, text))
    message = found[f"monitors.m.checks.performance.{key}"]
    assert expected in message
    assert len(found) == 1, found


def test_what_azure_cannot_judge_is_refused_where_it_is_written(write_spec: Callable[..., Path]) -> None:
    text = quality_monitor(
        model="{problem_type: binary, probability: churn_score, id: inference_id}",
        labels='{data: "labels/*.jsonl", format: sagemaker-ground-truth, wait: 3d, min_coverage: 0.9}',
        performance_extra="        estimate: true\n",
        alerts=(
            f"      - {{when: performance, judged: provisional, notify: {EMAIL}}}\n"
            f"      - {{when: performance, judged: estimate, notify: {EMAIL}}}\n"
        ),
    )
    found = problems(load(write_spec, text))
    assert "no estimate before labels land" in found["monitors.m.checks.performance.estimate"]
    assert "add model.prediction" in found["monitors.m.model"]
    assert "mltable" in found["monitors.m.labels.data"]
    assert "groundTruthData" in found["monitors.m.labels.format"]
    assert "judges each window once" in found["monitors.m.labels.min_coverage"]
    assert "provisional judgement" in found["monitors.m.alerts[0].judged"]
    assert "Azure ML has no estimate" in found["monitors.m.alerts[1].judged"]
    for message in found.values():
        assert "does not translate yet" not in message


def test_an_alert_on_some_of_the_checked_metrics_and_a_contrary_ml_task_are_refused(
    write_spec: Callable[..., Path],
) -> None:
    text = quality_monitor(
        model="{problem_type: multiclass, prediction: plan, id: inference_id}",
        metrics="accuracy: {min: 0.7}\n          macro_recall: {min: 0.6}",
        alerts=f"      - {{when: performance, metrics: [accuracy], notify: {EMAIL}}}\n",
    ).replace("    data: as-is\n", "    data: as-is\n    monitors:\n      m: {ml_task: regression}\n")
    found = problems(load(write_spec, text))
    assert "any metric of the model-performance signal" in found["monitors.m.alerts[0].metrics"]
    assert "which Azure ML calls classification" in found["providers.azure.monitors.m.ml_task"]


def test_cli_plan_offline_json_shows_the_performance_body(write_spec: Callable[..., Path], azure_cli: None) -> None:
    path = write_spec(quality_monitor())
    validated = CliRunner().invoke(cli, ["validate", str(path)])
    assert validated.exit_code == 0, validated.output
    result = CliRunner().invoke(cli, ["plan", str(path), "--offline", "--json"])
    assert result.exit_code == 0, result.output
    (change,) = json.loads(result.stdout)["changes"]
    signal = change["request"]["body"]["properties"]["action"]["monitorDefinition"]["signals"]
    assert thresholds(signal["model-performance-signal"])[0]["threshold"] == {"value": 0.85}


def test_apply_sends_the_performance_signal_through_the_real_client(
    write_spec: Callable[..., Path], connected: FakeARM
) -> None:
    connected.add_data_asset("churn-labels", "1")
    connected.add_deployment("churn", "blue", inputs_asset=("churn-blue-model_inputs", "1"))
    connected.add_data_asset("churn-blue-model_inputs", "1", data_type="uri_folder")
    connected.add_data_asset("churn-blue-model_outputs", "1", data_type="uri_folder")
    spec = load(write_spec, quality_monitor())
    AzureProvider.from_spec(spec).apply(spec)
    read = connected.lines()
    assert any(line.endswith("/data/churn-labels/versions/1") for line in read), "the labels asset is checked"
    assert any(line.endswith("/onlineEndpoints/churn/deployments/blue") for line in read)
    (stored,) = connected.schedules().values()
    signal = stored["properties"]["action"]["monitorDefinition"]["signals"]["model-performance-signal"]
    assert thresholds(signal) == [{"modelType": "classification", "metric": "Accuracy", "threshold": {"value": 0.85}}]
    assert signal["productionData"][0]["uri"].endswith("/data/churn-blue-model_outputs/versions/1")


def test_apply_names_a_missing_labels_asset_and_how_to_register_it(
    write_spec: Callable[..., Path], connected: FakeARM
) -> None:
    from driftplane.errors import ProviderError

    connected.add_deployment("churn", "blue", inputs_asset=("churn-blue-model_inputs", "1"))
    connected.add_data_asset("churn-blue-model_inputs", "1", data_type="uri_folder")
    connected.add_data_asset("churn-blue-model_outputs", "1", data_type="uri_folder")
    spec = load(write_spec, quality_monitor())
    with pytest.raises(ProviderError, match=r"churn-labels.*monitors\.m\.labels\.data.*az ml data create"):
        AzureProvider.from_spec(spec).apply(spec)
    assert connected.schedules() == {}


def test_apply_says_when_the_deployment_does_not_collect_its_outputs(
    write_spec: Callable[..., Path], connected: FakeARM
) -> None:
    from driftplane.errors import ProviderError

    connected.add_data_asset("churn-labels", "1")
    connected.add_deployment("churn", "blue", inputs_asset=("churn-blue-model_inputs", "1"))
    connected.add_data_asset("churn-blue-model_inputs", "1", data_type="uri_folder")
    deployment = next(v for k, v in connected.resources.items() if k.endswith("/deployments/blue"))
    deployment["properties"]["dataCollector"]["collections"].pop("model_outputs")
    spec = load(write_spec, quality_monitor())
    with pytest.raises(ProviderError, match="does not collect its model outputs.*collections.model_outputs"):
        AzureProvider.from_spec(spec).apply(spec)


def test_a_lagged_baseline_compares_the_outputs_with_the_outputs_of_earlier(write_spec: Callable[..., Path]) -> None:
    text = quality_monitor(alerts=f"      - {{when: prediction_drift, notify: {EMAIL}}}\n").replace(
        'baseline: {data: "azureml:churn-train:1", label: churned}', "baseline: {lag: 7d}"
    )
    signals = signals_of(load(write_spec, text))
    reference = signals["prediction-drift-signal"]["referenceData"]
    assert reference["dataContext"] == "model_outputs"
    assert reference["uri"].endswith("/data/churn-blue-model_outputs/versions/1")
    assert (reference["windowSize"], reference["windowOffset"]) == ("P1D", "P7D")
    assert signals["data-drift-signal"]["referenceData"]["uri"].endswith("/data/churn-blue-model_inputs/versions/1")


REPO = Path(__file__).parents[3]
EXAMPLE = REPO / "examples" / "azure" / "model-quality.yaml"


@pytest.fixture
def workspace_env(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.providers.azure.fake_arm import RG, SUB, WS

    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUB)
    monkeypatch.setenv("AZURE_RESOURCE_GROUP", RG)
    monkeypatch.setenv("AZURE_ML_WORKSPACE", WS)


def test_the_example_validates_and_its_offline_plan_shows_all_four_signals(azure_cli: None) -> None:
    validated = CliRunner().invoke(cli, ["validate", str(EXAMPLE)])
    assert validated.exit_code == 0, validated.stderr
    result = CliRunner().invoke(cli, ["plan", str(EXAMPLE), "--offline", "--json"])
    assert result.exit_code == 0, result.stderr
    changes = json.loads(result.stdout)["changes"]
    assert [c["kind"] for c in changes] == ["azureml:DataAsset", "azureml:Schedule"]
    signals = changes[1]["request"]["body"]["properties"]["action"]["monitorDefinition"]["signals"]
    assert set(signals) == {
        "data-drift-signal",
        "data-quality-signal",
        "model-performance-signal",
        "prediction-drift-signal",
    }
    assert all(signal["mode"] == "Enabled" for signal in signals.values())
    performance = signals["model-performance-signal"]
    assert thresholds(performance) == [
        {"modelType": "classification", "metric": "Accuracy", "threshold": {"value": 0.8}}
    ]
    assert performance["productionData"][0]["windowOffset"] == "P3D"
    # The model's id, outputs and label are not input features on Azure either.
    assert signals["data-drift-signal"]["features"]["features"] == [
        "tenure_months",
        "monthly_charges",
        "support_calls",
        "contract",
        "region",
    ]


def test_the_example_applies_through_the_real_client(
    azure_cli: None, workspace_env: None, connected: FakeARM, tmp_path: Path
) -> None:
    import shutil

    root = tmp_path / "examples"
    (root / "model-quality" / "data").mkdir(parents=True)
    shutil.copy(REPO / "examples" / "model-quality" / "data" / "validation.parquet", root / "model-quality" / "data")
    spec_path = root / "azure" / "model-quality.yaml"
    spec_path.parent.mkdir(parents=True)
    shutil.copy(EXAMPLE, spec_path)
    connected.add_datastore()
    connected.add_data_asset("churn-ground-truth", "1")
    connected.add_deployment("churn", "blue", inputs_asset=("churn-blue-model_inputs", "1"))
    connected.add_data_asset("churn-blue-model_inputs", "1", data_type="uri_folder")
    connected.add_data_asset("churn-blue-model_outputs", "1", data_type="uri_folder")
    runner = CliRunner()
    applied = runner.invoke(cli, ["apply", str(spec_path), "--json"])
    assert applied.exit_code == 0, applied.stderr
    (stored,) = connected.schedules().values()
    signals = stored["properties"]["action"]["monitorDefinition"]["signals"]
    assert signals["prediction-drift-signal"]["productionData"]["uri"].endswith(
        "/data/churn-blue-model_outputs/versions/1"
    )
    again = runner.invoke(cli, ["plan", str(spec_path), "--json"])
    assert again.exit_code == 0, again.stderr
    changes = json.loads(again.stdout)["changes"]
    assert {c["action"] for c in changes} == {"noop"}, [c["reason"] for c in changes]
    text = spec_path.read_text(encoding="utf-8").replace("accuracy: {min: 0.8}", "accuracy: {min: 0.75}")
    spec_path.write_text(text, encoding="utf-8")
    review = runner.invoke(cli, ["plan", str(spec_path), "--json"])
    (update,) = [c for c in json.loads(review.stdout)["changes"] if c["action"] != "noop"]
    assert update["kind"] == "azureml:Schedule"
    (changed,) = update["changed"]
    assert changed["path"].endswith(
        ".model-performance-signal.properties.azureml.modelmonitor.model_performance_thresholds"
    )
    assert '"value":0.8}' in changed["old"] and '"value":0.75}' in changed["new"]


def test_status_reads_a_performance_breach_as_a_final_failed_check_and_output_drift_apart(
    write_spec: Callable[..., Path], connected: FakeARM
) -> None:
    from tests.providers.azure.fake_arm import WS_ID
    from tests.providers.azure.test_lifecycle import breach_text

    connected.add_data_asset("churn-labels", "1")
    connected.add_deployment("churn", "blue", inputs_asset=("churn-blue-model_inputs", "1"))
    connected.add_data_asset("churn-blue-model_inputs", "1", data_type="uri_folder")
    connected.add_data_asset("churn-blue-model_outputs", "1", data_type="uri_folder")
    alerts = f"      - {{when: performance, notify: {EMAIL}}}\n      - {{when: prediction_drift, notify: {EMAIL}}}\n"
    spec = load(write_spec, quality_monitor(alerts=alerts))
    provider = AzureProvider.from_spec(spec)
    provider.apply(spec)
    performance_rows = [  # Azure writes the threshold as text
        {"group": "churn_pred", "metric_value": 0.71, "metric_name": "Accuracy", "threshold_value": "0.85"}
    ]
    output_rows = [
        {"group": "churn_pred", "metric_value": 0.3, "metric_name": "JensenShannonDistance", "threshold_value": 0.1}
    ]
    tags = {
        "azureml.modelmonitor.threshold.breached.model-performance-signal": breach_text(
            "model-performance-signal", performance_rows
        ),
        "azureml.modelmonitor.threshold.breached.prediction-drift-signal": breach_text(
            "prediction-drift-signal", output_rows
        ),
    }
    connected.jobs.append({
        "id": f"{WS_ID}/jobs/run-7", "name": "run-7", "type": "Microsoft.MachineLearningServices/workspaces/jobs",
        "scheduleName": "m", "systemData": {"createdAt": "2026-11-19T00:04:00Z"},
        "properties": {"jobType": "Pipeline", "status": "Failed", "properties": {}, "experimentName": "m",
                       "tags": tags, "jobs": {}, "inputs": {}, "outputs": {}, "settings": {}},
    })
    (run,) = provider.status(spec)[0].runs
    assert run.status == "ok", "input drift and data quality held"
    assert run.features == [] and run.violations == []
    assert run.performance is not None and run.performance.judged == "final"
    (metric,) = run.performance.metrics
    assert (metric.name, metric.value, metric.threshold, metric.direction, metric.failed) == (
        "accuracy",
        0.71,
        0.85,
        "min",
        True,
    )
    assert run.found_something, "a failed final performance check counts as a finding"
    assert any("2026-11-15T00:00:00Z to 2026-11-16T00:00:00Z" in m for m in run.performance.messages)
    (output,) = run.prediction_drift
    assert (output.name, output.kind, output.drift.metric, output.drift.drifted) == (
        "churn_pred",
        "categorical",
        "jensen_shannon",
        True,
    )


AZURE_YAML = """\
$schema: http://azureml/sdk-2-0/Schedule.json
name: m
trigger: {type: recurrence, frequency: day, interval: 1, schedule: {hours: 0, minutes: 0}}
create_monitor:
  compute: {instance_type: standard_e4s_v3, runtime_version: "3.4"}
  monitoring_target: {ml_task: classification, endpoint_deployment_id: "azureml:churn:blue"}
  monitoring_signals:
    model-performance-signal:
      type: model_performance
      production_data:
        input_data: {path: "azureml:churn-blue-model_outputs:1", type: uri_folder}
        data_context: model_outputs
        data_window: {lookback_window_size: P1D, lookback_window_offset: P3D}
        data_column_names: {prediction: churn_pred, correlation_id: inference_id}
      reference_data:
        input_data: {path: "azureml:churn-labels:1", type: mltable}
        data_context: ground_truth
        data_column_names: {actual: churned, correlation_id: inference_id}
      metric_thresholds:
        classification: {accuracy: 0.85}
      alert_enabled: true
"""


def test_the_signal_is_the_one_azure_ai_ml_loads_from_azures_own_yaml(
    write_spec: Callable[..., Path], tmp_path: Path
) -> None:
    """Azure's YAML schema (azure-ai-ml's load_schedule) accepts the signal driftplane describes,
    and both serialize to the same body."""
    from azure.ai.ml.entities._load_functions import load_schedule

    from driftplane.resolved import resolve_monitor
    from driftplane_azure.translate import translate

    yaml_path = tmp_path / "azure.yaml"
    yaml_path.write_text(AZURE_YAML, encoding="utf-8")
    theirs = load_schedule(yaml_path).create_monitor.monitoring_signals["model-performance-signal"]
    spec = load(write_spec, quality_monitor())
    settings = AzureProvider.from_spec(spec).settings
    ours = translate(resolve_monitor(spec, "m"), settings).schedule.create_monitor.monitoring_signals[
        "model-performance-signal"
    ]

    def body(signal: Any) -> Any:
        # The YAML loader drops the azureml: prefix; MLClient resolves both to the same ARM id.
        rest = signal._to_rest_object()
        rest["productionData"] = [data.as_dict() for data in rest["productionData"]]
        rest["referenceData"] = rest["referenceData"].as_dict()
        return json.loads(json.dumps(rest).replace('"azureml:', '"'))

    assert body(ours) == body(theirs)
    assert thresholds(body(ours)) == [
        {"modelType": "classification", "metric": "Accuracy", "threshold": {"value": 0.85}}
    ]


def test_a_monitor_of_model_quality_alone_is_one_performance_signal(write_spec: Callable[..., Path]) -> None:
    text = quality_monitor().replace(
        "      drift: {noise_correction: false}\n      quality: {completeness: false, columns: false, "
        "comparison_threshold: 1, categorical_comparison_threshold: 1}\n",
        "      drift: {enabled: false}\n      quality: {enabled: false}\n",
    )
    assert "drift: {enabled: false}" in text
    spec = load(write_spec, text)
    assert problems(spec) == {}
    assert set(signals_of(spec)) == {"model-performance-signal"}


def test_the_models_columns_left_out_of_an_unlisted_asset_baseline_are_named_at_model(
    write_spec: Callable[..., Path],
) -> None:
    text = quality_monitor().replace("    features: {include: [account_length, state]}\n", "")
    found = problems(load(write_spec, text))
    message = found["monitors.m.model"]
    assert "(churn_pred, churn_score, churned, inference_id) are not input features" in message
    assert "features.include" in message
    assert list(found) == ["monitors.m.model"]


def test_leaving_one_output_column_out_of_prediction_drift_is_refused_there(write_spec: Callable[..., Path]) -> None:
    text = quality_monitor().replace(
        "      drift: {noise_correction: false}\n",
        "      drift:\n        noise_correction: false\n        features: {churn_score: {enabled: false}}\n",
    )
    found = problems(load(write_spec, text))
    message = found["monitors.m.checks.drift.features.churn_score.enabled"]
    assert "cannot leave churn_score out" in message and "(churn_pred, churn_score)" in message
    both_off = text.replace(
        "{churn_score: {enabled: false}}", "{churn_score: {enabled: false}, churn_pred: {enabled: false}}"
    )
    spec = load(write_spec, both_off)
    assert problems(spec) == {}
    assert "prediction-drift-signal" not in signals_of(spec)


@pytest.mark.parametrize(
    ("schedule", "wait", "latency", "offset"),
    [
        ("daily", "3d", None, "P3D"),
        ("daily", "36h", None, "P2D"),  # judged final at the second daily run after the window ends
        ("daily", "1d", "6h", "P1DT6H"),  # windows end 6h before their run; final 18h later: the next run
        ("daily", "2h", "6h", "PT6H"),  # final before the next run: the run whose window it is
        ("hourly", "90m", None, "PT2H"),
        ("weekly", "3d", None, "P7D"),
    ],
)
def test_the_judged_window_is_one_of_the_monitors_windows_at_the_run_that_judges_it_final(
    write_spec: Callable[..., Path], schedule: str, wait: str, latency: str | None, offset: str
) -> None:
    late = f", latency: {latency}" if latency else ""
    window = {"daily": "1d", "hourly": "1h", "weekly": "7d"}[schedule]
    text = quality_monitor(
        labels=f'{{data: "azureml:churn-labels:1", label: churned, wait: {wait}}}',
        target=f'{{endpoint: "churn:blue", window: {window}{late}}}',
    ).replace("schedule: daily", f"schedule: {schedule}")
    spec = load(write_spec, text)
    assert problems(spec) == {}
    production = signals_of(spec)["model-performance-signal"]["productionData"][0]
    assert production["windowOffset"] == offset


def test_an_unevenly_spaced_schedule_is_refused_for_model_performance(write_spec: Callable[..., Path]) -> None:
    text = quality_monitor().replace("schedule: daily", 'schedule: "0 6 * * mon-fri"')
    found = problems(load(write_spec, text))
    assert "not evenly spaced" in found["monitors.m.schedule"] and "--provider local" in found["monitors.m.schedule"]


@pytest.mark.parametrize(
    ("schedule", "window", "wait", "latency"),
    [
        ("daily", "1d", "3d", None),
        ("daily", "1d", "30h", "2h"),
        ("daily", "2d", "1d", None),
        ("hourly", "1h", "150m", "10m"),
        ("0 */6 * * *", "6h", "13h", "1h"),
        ("weekly", "7d", "10d", "12h"),
        ("daily", "1d", "1h", "3h"),
    ],
)
def test_azure_judges_the_window_driftplane_judges_final_at_that_run(
    write_spec: Callable[..., Path], schedule: str, window: str, wait: str, latency: str | None
) -> None:
    """For runs of the schedule, the window Azure's offset reads is one of the monitor's windows, and
    the first of the monitor's runs at or after that window's end + wait (core's PerformancePolicy)
    is this run."""
    from datetime import UTC, datetime, timedelta

    from driftplane.resolved import resolve_monitor
    from driftplane.spec.durations import Duration

    late = f", latency: {latency}" if latency else ""
    text = quality_monitor(
        labels=f'{{data: "azureml:churn-labels:1", label: churned, wait: {wait}}}',
        target=f'{{endpoint: "churn:blue", window: {window}{late}}}',
    ).replace("schedule: daily", f'schedule: "{schedule}"')
    spec = load(write_spec, text)
    assert problems(spec) == {}
    production = signals_of(spec)["model-performance-signal"]["productionData"][0]
    offset, size = Duration.parse(production["windowOffset"]), Duration.parse(production["windowSize"])
    resolved = resolve_monitor(spec, "m")
    rule, policy = resolved.windows, resolved.performance
    assert policy is not None
    runs = rule.ticks(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC), limit=12)
    earlier = rule.ticks(datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    for run in runs:
        end = offset.before(run)
        judged = (size.before(end), end)
        windows = {(w.start, w.end) for w in map(rule.for_tick, earlier)}
        assert judged in windows, "Azure judges one of the monitor's windows"
        # driftplane judges it final at the first run at or after its end + wait.
        first = rule.schedule.next_after(policy.final_at(end) - timedelta(microseconds=1))
        assert first == run, (run, judged)
