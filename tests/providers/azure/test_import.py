"""driftplane azure import / import-v1: existing Azure monitors become a spec that round-trips."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.providers.azure.conftest import CHURN
from tests.providers.azure.fake_arm import RG, SUB, WS, FakeARM

from driftplane.cli import cli
from driftplane.spec import Spec, load_spec
from driftplane_azure.provider import AzureProvider

WORKSPACE = ["--subscription-id", SUB, "--resource-group", RG, "--workspace", WS]

V1_MONITORS = [
    {
        "id": "0b7f1c1e-0000-4000-8000-000000000001",
        "name": "credit-drift",
        "type": "DatasetBased",
        "baseDatasetId": "3c56d136-0f64-4657-a0e8-5162089a88a3",
        "targetDatasetId": "d7e74d2e-c972-4266-b5fb-6c9c182d2a74",
        "computeTargetName": "datadrift-server",
        "features": ["AGE", "LIMIT_BAL", "EDUCATION"],
        "driftThreshold": 0.3,
        "jobLatency": 24,
        "frequency": "Week",
        "interval": 1,
        "alertConfiguration": {"emailAddresses": ["risk@example.com"]},
        "state": "Enabled",
    },
    {
        "id": "0b7f1c1e-0000-4000-8000-000000000002",
        "name": "old monitor",
        "type": "DatasetBased",
        "baseDatasetId": "11111111-0000-4000-8000-000000000000",
        "targetDatasetId": "22222222-0000-4000-8000-000000000000",
        "driftThreshold": 0.2,
        "frequency": "Day",
        "state": "Disabled",
    },
]
DATASETS = [
    "--dataset", "3c56d136-0f64-4657-a0e8-5162089a88a3=azureml:credit-train:1",
    "--dataset", "d7e74d2e-c972-4266-b5fb-6c9c182d2a74=azureml:credit-scoring:1",
]


def load_spec_text_of(text: str) -> Spec:
    from driftplane.spec import load_spec_text

    return load_spec_text(text, file="imported.yaml", env={})


def test_import_of_v2_schedules_round_trips_to_no_changes(
    churn_spec: Spec, connected: FakeARM, azure_cli: None, tmp_path: Path
) -> None:
    AzureProvider.from_spec(churn_spec).apply(churn_spec)
    out = tmp_path / "imported.yaml"
    result = CliRunner().invoke(cli, ["azure", "import", *WORKSPACE, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Imported by `driftplane azure import` from workspace ml-ws.")
    imported = load_spec(str(out))
    monitor = imported.monitors["churn"]
    assert monitor.baseline.data == "azureml:churn-train:1"
    assert monitor.target.data == "azureml:churn-scoring:1"
    assert str(monitor.schedule) == "daily"
    assert monitor.features.include == ["account_length", "day_mins", "custserv_calls", "state", "area_code"]
    assert {a.when for a in monitor.alerts} == {"drift", "violation", "failure"}
    provider = AzureProvider.from_spec(imported)
    assert provider.check(imported) == []
    # The imported spec describes exactly what is deployed.
    assert not provider.plan(imported).has_changes


def test_import_says_what_it_could_not_carry_over(connected: FakeARM, azure_cli: None) -> None:
    from azure.ai.ml.entities._load_functions import load_schedule

    official = Path(__file__).parent / "official" / "model-monitoring-with-collected-data.yaml"
    schedule = load_schedule(official)
    connected.add_deployment(
        "fraud-detection-endpoint", "fraud-detection-deployment", inputs_asset=("fraud-inputs", "1")
    )
    from driftplane_azure.clients import ml_client, resolve_scope
    from driftplane_azure.settings import AzureSettings

    settings = AzureSettings(subscription_id=SUB, resource_group=RG, workspace=WS)
    ml = ml_client(settings, resolve_scope(settings, Path.cwd()))
    ml.schedules.begin_create_or_update(schedule).result()
    result = CliRunner().invoke(cli, ["azure", "import", *WORKSPACE])
    assert result.exit_code == 0, result.stderr
    assert "signal 'advanced_prediction_drift' (PredictionDriftSignal) was not imported: it is model quality" in (
        result.stdout
    )
    spec_text = result.stdout
    assert "preprocessing_component: azureml:production_data_preprocessing:1.0.0" in spec_text
    assert "top_n_features: 20" in spec_text and "target_column: is_fraud" in spec_text
    assert "was not imported: it is model quality" in result.stderr  # and in the log
    # Azure's chi-squared test is a p-value (drift below 0.02): not carried over as a distance of 0.02
    assert "categorical pearsons_chi_squared_test 0.02 was not imported: Azure reads it as a p-value" in result.stdout
    drift = load_spec_text_of(spec_text).monitors["fraud_detection_model_monitoring"].checks.drift
    assert drift.categorical.metric == "jensen_shannon" and drift.numerical.metric == "jensen_shannon"


def test_import_v1_from_the_workspace_maps_settings_and_lists_the_rest(
    connected: FakeARM, azure_cli: None, tmp_path: Path
) -> None:
    connected.v1_monitors = V1_MONITORS
    out = tmp_path / "from-v1.yaml"
    result = CliRunner().invoke(cli, ["azure", "import-v1", *WORKSPACE, *DATASETS, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    # Found through the workspace's discovery URL, on the regional v1 API, without the v1 SDK.
    paths = [s.path for s in connected.sent]
    assert "/discovery" in paths
    assert any(p.endswith(f"/workspaces/{WS}/datadrifts") and p.startswith("/datadrift/v1.0/") for p in paths)
    spec = load_spec(str(out))
    credit = spec.monitors["credit-drift"]
    assert credit.baseline.data == "azureml:credit-train:1" and credit.target.data == "azureml:credit-scoring:1"
    assert str(credit.schedule) == "weekly" and str(credit.target.window) == "7d"
    assert str(credit.target.latency) == "24h"
    assert credit.features.include == ["AGE", "LIMIT_BAL", "EDUCATION"]
    assert credit.checks.drift.numerical.threshold == 0.3 and credit.checks.drift.categorical.threshold == 0.3
    assert spec.channels["credit-drift-email"].settings == {"to": ["risk@example.com"]}
    assert credit.alerts[0].when == "drift"
    old = spec.monitors["old-monitor"]
    assert old.enabled is False and str(old.schedule) == "daily"
    text = out.read_text(encoding="utf-8")
    assert "dataset-level drift magnitude" in text
    assert "compute target 'datadrift-server' is not used" in text
    assert "v1 baseline dataset 11111111-0000-4000-8000-000000000000 has no v2 data asset" in text
    # The mapped monitor is a valid Azure spec; the unmapped datasets are named as what to fix.
    problems = {p.key_path: p.message for p in AzureProvider.from_spec(spec).check(spec)}
    assert set(problems) == {"monitors.old-monitor.baseline.data", "monitors.old-monitor.target.data"}


def test_import_v1_from_an_exported_file_needs_no_credentials(tmp_path: Path, azure_cli: None) -> None:
    dump = tmp_path / "datadrifts.json"
    dump.write_text(json.dumps({"value": V1_MONITORS[:1]}), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["azure", "import-v1", "--from-file", str(dump), *DATASETS, "--workspace", "ml-ws"]
    )
    assert result.exit_code == 0, result.stderr
    assert "workspace: ml-ws" in result.stdout and "  credit-drift:" in result.stdout
    assert "schedule: weekly" in result.stdout


def test_import_v1_refuses_to_overwrite(tmp_path: Path, azure_cli: None, write_spec: Callable[..., Path]) -> None:
    dump = tmp_path / "datadrifts.json"
    dump.write_text(json.dumps(V1_MONITORS), encoding="utf-8")
    existing = write_spec(CHURN)
    result = CliRunner().invoke(cli, ["azure", "import-v1", "--from-file", str(dump), "-o", str(existing)])
    assert result.exit_code == 2 and "--force" in result.stderr
    assert existing.read_text(encoding="utf-8").startswith("provider: azure")


def test_import_v1_without_a_workspace_writes_variables_that_fail_until_exported(
    tmp_path: Path, azure_cli: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP", "AZURE_ML_WORKSPACE"):
        monkeypatch.delenv(name, raising=False)
    dump = tmp_path / "datadrifts.json"
    dump.write_text(json.dumps(V1_MONITORS[:1]), encoding="utf-8")
    out = tmp_path / "from-v1.yaml"
    result = CliRunner().invoke(cli, ["azure", "import-v1", "--from-file", str(dump), *DATASETS, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "subscription_id: ${AZURE_SUBSCRIPTION_ID}" in text and "{subscription_id}" not in text
    # Not filled in: validate and the offline plan stop and name the variable to set.
    for command in (["validate", str(out), "--provider", "azure"], ["plan", str(out), "--offline"]):
        failed = CliRunner().invoke(cli, command)
        assert failed.exit_code == 2 and "AZURE_SUBSCRIPTION_ID is not set" in failed.stderr
    # Filled in: the imported monitor validates.
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUB)
    monkeypatch.setenv("AZURE_RESOURCE_GROUP", RG)
    monkeypatch.setenv("AZURE_ML_WORKSPACE", WS)
    ok = CliRunner().invoke(cli, ["validate", str(out), "--provider", "azure"])
    assert ok.exit_code == 0, ok.stderr


def test_import_v1_of_a_file_that_is_not_json_is_bad_input_with_its_position(tmp_path: Path, azure_cli: None) -> None:
    dump = tmp_path / "datadrifts.json"
    dump.write_text('[\n  {"name": "credit-drift",\n   "frequency": Week}\n]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["azure", "import-v1", "--from-file", str(dump)])
    assert result.exit_code == 2, result.stderr
    assert f"{dump}:3:17: not valid JSON (Expecting value)" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_v1_from_a_file_names_the_file_and_every_field_it_did_not_map(tmp_path: Path, azure_cli: None) -> None:
    """A hand-written export with "latency" (the v1 SDK's word) instead of the REST "jobLatency"
    must not lose it silently: the output lists the field and suggests the one it reads."""
    dump = tmp_path / "datadrifts.json"
    monitor = {k: v for k, v in V1_MONITORS[0].items() if k != "jobLatency"}
    dump.write_text(
        json.dumps(
            [
                {
                    **monitor,
                    "latency": 24,
                    "interval": 2,
                    "alertConfiguration": {"emailAddresses": ["risk@example.com"], "sms": "+1"},
                }
            ]
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["azure", "import-v1", "--from-file", str(dump), *DATASETS, "--workspace", "ml-ws"]
    )
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first == f"# Imported by `driftplane azure import-v1` from file {dump}."
    assert "latency (did you mean jobLatency?)" in result.stdout and "alertConfiguration.sms" in result.stdout
    assert "latency (did you mean jobLatency?)" in result.stderr  # in the log too
    assert "every 2 weeks" in result.stdout
    assert "latency:" not in result.stdout.split("monitors:")[1]  # nothing invented either


def test_import_v1_of_a_complete_rest_export_reports_no_unread_field(tmp_path: Path, azure_cli: None) -> None:
    dump = tmp_path / "datadrifts.json"
    dump.write_text(json.dumps(V1_MONITORS[:1]), encoding="utf-8")
    result = CliRunner().invoke(cli, ["azure", "import-v1", "--from-file", str(dump), *DATASETS])
    assert result.exit_code == 0, result.stderr
    assert "not carried over: " not in result.stdout  # every field of a REST export is read


def test_the_documented_v1_export_imports_with_every_field_read(tmp_path: Path, azure_cli: None) -> None:
    import re

    doc = (Path(__file__).parents[3] / "docs/providers/azure.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```json\n(.*?)```", doc, flags=re.S)
    dump = tmp_path / "datadrifts.json"
    dump.write_text(example, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["azure", "import-v1", "--from-file", str(dump), *DATASETS, "--workspace", "ml-ws"]
    )
    assert result.exit_code == 0, result.stderr
    assert "not carried over: " not in result.stdout and "latency: 24h" in result.stdout


@pytest.mark.parametrize("command", ["import", "import-v1"])
def test_import_without_a_workspace_names_the_commands_own_options(
    command: str, tmp_path: Path, azure_cli: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """import reads no spec unless --spec is given: the hint must name its options and variables."""
    for name in ("AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP", "AZURE_ML_WORKSPACE"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, ["azure", command, "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code in (2, 3), result.stderr
    message = result.stderr
    assert message.startswith("error: no Azure ML workspace named") and "providers.azure.subscription_id" not in message
    for option in ("--subscription-id", "--resource-group", "--workspace", "AZURE_SUBSCRIPTION_ID", "--spec"):
        assert option in message, message


def test_import_argument_errors_are_driftplanes_not_clicks(tmp_path: Path, azure_cli: None) -> None:
    result = CliRunner().invoke(cli, ["azure", "import-v1", "--from-file", str(tmp_path / "missing.json")])
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"error: --from-file {tmp_path / 'missing.json'} does not exist"), result.stderr
    # A missing spec is a spec problem, reported as every command reports one (never click's "Error: Invalid value").
    result = CliRunner().invoke(cli, ["azure", "import", "--spec", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("spec file not found: ") and "Error:" not in result.stderr
