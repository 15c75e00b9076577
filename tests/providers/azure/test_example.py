"""examples/azure/monitors.yaml: valid, planned offline, and applied, re-planned, changed, destroyed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from tests.providers.azure.fake_arm import RG, SUB, WS, FakeARM, as_schedule

from driftplane.cli import cli
from driftplane.spec import load_spec

REPO = Path(__file__).parents[3]
EXAMPLE = REPO / "examples" / "azure" / "monitors.yaml"


@pytest.fixture
def workspace_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUB)
    monkeypatch.setenv("AZURE_RESOURCE_GROUP", RG)
    monkeypatch.setenv("AZURE_ML_WORKSPACE", WS)


def test_the_example_validates(azure_cli: None) -> None:
    result = CliRunner().invoke(cli, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0, result.stderr
    assert "valid: 1 monitor (churn) for the azure provider" in result.stdout


def test_offline_text_plan_shows_what_is_created_with_its_attributes(azure_cli: None) -> None:
    result = CliRunner().invoke(cli, ["plan", str(EXAMPLE), "--offline", "--detailed-exitcode"])
    assert result.exit_code == 2, result.stderr
    lines = result.stdout.splitlines()
    assert '  # azureml:Schedule "churn" will be created (monitor churn)' in lines
    assert '  + azureml:Schedule "churn" {' in lines
    assert '                      + computeType     = "ServerlessSpark"' in lines, "nested bodies are indented"
    assert '              + triggerType = "Recurrence"' in lines
    assert lines[-1] == "Plan: 2 to add, 0 to change, 0 to destroy."


def test_offline_plan_json_reads_back_as_the_monitor_the_example_describes(azure_cli: None) -> None:
    result = CliRunner().invoke(cli, ["plan", str(EXAMPLE), "--offline", "--json"])
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert (plan["provider"], plan["backend"]) == ("azure", "model-monitor")
    kinds = [c["kind"] for c in plan["changes"]]
    assert kinds == ["azureml:DataAsset", "azureml:Schedule"]
    upload, change = plan["changes"][0], plan["changes"][1]
    schedule = as_schedule(change["request"]["body"], change["name"])
    spec = load_spec(str(EXAMPLE))
    monitor = spec.monitors["churn"]
    trigger = schedule.trigger
    assert (trigger.frequency, trigger.schedule.hours, trigger.schedule.minutes) == ("day", [0], [0])
    signals = schedule.create_monitor.monitoring_signals
    drift, quality = signals["data-drift-signal"], signals["data-quality-signal"]
    # features.exclude: the uploaded baseline's columns without the excluded one.
    columns = pq.read_schema(EXAMPLE.parent / monitor.baseline.data).names
    assert drift.features == [c for c in columns if c not in monitor.features.exclude] == quality.features
    assert drift.feature_type_override == {"area_code": "categorical"}
    assert drift.metric_thresholds.numerical.normalized_wasserstein_distance == monitor.checks.drift.numerical.threshold
    assert drift.metric_thresholds.categorical.jensen_shannon_distance == monitor.checks.drift.categorical.threshold
    for signal in (drift, quality):
        assert signal.production_data.input_data.path.endswith("/data/churn-scoring/versions/1")
        assert signal.production_data.data_window.lookback_window_size == "P1D"
        assert signal.reference_data.input_data.path.endswith(f"/data/{upload['name'].replace(':', '/versions/')}")
    # Quality: the type and domain shares -> error rates (1 - share); no null rate (completeness off).
    checks = monitor.checks.quality
    for kind in (quality.metric_thresholds.numerical, quality.metric_thresholds.categorical):
        assert kind.null_value_rate is None and not checks.completeness
        assert kind.data_type_error_rate == pytest.approx(1 - checks.data_type_threshold)
    assert quality.metric_thresholds.categorical.out_of_bounds_rate == pytest.approx(
        1 - checks.domain_content_threshold
    )
    assert drift.alert_enabled and quality.alert_enabled
    assert schedule.create_monitor.alert_notification.emails == ["ml-team@example.com"]
    assert schedule.create_monitor.compute.instance_type == "standard_e4s_v3"


def test_apply_plan_change_destroy(
    azure_cli: None, workspace_env: None, connected: FakeARM, tmp_path: Path
) -> None:
    # A copy beside the quickstart data, so the change below does not touch the repository.
    root = tmp_path / "examples"
    shutil.copytree(REPO / "examples" / "quickstart" / "data", root / "quickstart" / "data")
    spec_path = root / "azure" / "monitors.yaml"
    spec_path.parent.mkdir(parents=True)
    shutil.copy(EXAMPLE, spec_path)
    connected.add_datastore()
    runner = CliRunner()

    applied = runner.invoke(cli, ["apply", str(spec_path), "--json"])
    assert applied.exit_code == 0, applied.stderr
    assert [c["action"] for c in json.loads(applied.stdout)["changes"]] == ["create"] * 2
    offline = json.loads(runner.invoke(cli, ["plan", str(spec_path), "--offline", "--json"]).stdout)["changes"]
    sent = {s.path: s.body for s in connected.sent if s.method == "PUT"}
    for change in offline:
        if change["kind"].startswith("azureml:"):  # the plan's bodies are the bodies sent
            assert sent[change["request"]["operation"].split(" ")[1].split("?")[0]] == change["request"]["body"]
    # The baseline is an mltable: the parquet file, then the MLTable file that reads it.
    data, table = connected.blobs
    assert data.startswith("/azureml-blobstore/driftplane/churn/") and data.endswith("/train.parquet")
    assert connected.blobs[data] == (root / "quickstart" / "data" / "train.parquet").read_bytes()
    assert table == data.rsplit("/", 1)[0] + "/MLTable"
    assert connected.blobs[table] == b'paths:\n  - file: "./train.parquet"\ntransformations:\n  - read_parquet\n'
    (registered,) = [
        s for s in connected.sent if s.method == "PUT" and "/data/driftplane-churn-baseline/versions/" in s.path
    ]
    assert registered.body["properties"]["dataType"] == "mltable"
    assert registered.body["properties"]["dataUri"].endswith(
        data.removeprefix("/azureml-blobstore/").rsplit("/", 1)[0] + "/"
    )
    (schedule,) = [body for path, body in sent.items() if path.endswith("/schedules/churn")]
    reference = schedule["properties"]["action"]["monitorDefinition"]["signals"]["data-drift-signal"]["referenceData"]
    assert reference["jobInputType"] == "mltable" and reference["uri"] == registered.path

    again = runner.invoke(cli, ["plan", str(spec_path), "--json"])
    assert again.exit_code == 0, again.stderr
    assert {c["action"] for c in json.loads(again.stdout)["changes"]} == {"noop"}
    quiet = runner.invoke(cli, ["plan", str(spec_path), "--detailed-exitcode"])
    assert quiet.exit_code == 0, quiet.stderr
    assert "nothing to do" in quiet.stdout and "2 unchanged (1 azureml:DataAsset, 1 azureml:Schedule)." in quiet.stdout

    text = spec_path.read_text(encoding="utf-8").replace(
        "drift: {noise_correction: false}", "drift: {noise_correction: false, numerical: {metric: psi, threshold: 0.2}}"
    )
    spec_path.write_text(text, encoding="utf-8")
    review = runner.invoke(cli, ["plan", str(spec_path), "--detailed-exitcode"])
    assert review.exit_code == 2, review.stderr
    thresholds = "properties.action.monitorDefinition.signals.data-drift-signal.metricThresholds[0]"
    assert [line.split(" = ") for line in review.stdout.splitlines() if line.startswith("      ~ ")] == [
        [f"      ~ {thresholds}.metric         ", '"normalizedWassersteinDistance" -> "populationStabilityIndex"'],
        [f"      ~ {thresholds}.threshold.value", "0.1 -> 0.2"],
    ], "only the changed attributes, old -> new"
    assert '  ~ azureml:Schedule "churn" {' in review.stdout and "1 unchanged (1 azureml:DataAsset)." in review.stdout
    assert review.stdout.rstrip().endswith("Plan: 0 to add, 1 to change, 0 to destroy.")
    changed = runner.invoke(cli, ["apply", str(spec_path), "--json"])
    assert changed.exit_code == 0, changed.stderr
    (update,) = [c for c in json.loads(changed.stdout)["changes"] if c["action"] != "noop"]
    assert update["kind"] == "azureml:Schedule" and "populationStabilityIndex" in update["reason"]
    stored = as_schedule(connected.schedules()["churn"], "churn")
    assert (
        stored.create_monitor.monitoring_signals[
            "data-drift-signal"
        ].metric_thresholds.numerical.population_stability_index
        == 0.2
    )

    destroyed = runner.invoke(cli, ["destroy", str(spec_path), "--yes", "--json"])
    assert destroyed.exit_code == 0, destroyed.stderr
    assert [c["kind"] for c in json.loads(destroyed.stdout)["changes"]] == ["azureml:Schedule"]
    assert connected.schedules() == {}
    # The uploaded baseline stays: data assets are versioned history, not driftplane's to delete.
    assert any("/data/driftplane-churn-baseline/" in key for key in connected.resources)


def test_the_core_schema_still_validates_every_example() -> None:
    from tests.core.cli.test_validate_schema import (
        test_schema_is_json_schema_that_validates_examples,
    )

    test_schema_is_json_schema_that_validates_examples(REPO)
