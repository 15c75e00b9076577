"""apply, plan again, change, destroy and status through the real MLClient against a fake ARM."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.providers.azure.conftest import CHURN, make_old_alert_resources
from tests.providers.azure.fake_arm import WS_ID, FakeARM, as_schedule

from driftplane.cli import cli
from driftplane.errors import ProviderError
from driftplane.spec import Spec, load_spec
from driftplane_azure.provider import AzureProvider

ML = WS_ID
SCHEDULE = f"{ML}/schedules/churn"
INSIGHTS = ML.split("/providers/")[0] + "/providers/Microsoft.Insights"


def test_apply_sends_exactly_the_reads_and_one_put(churn_spec: Spec, connected: FakeARM) -> None:
    done = AzureProvider.from_spec(churn_spec).apply(churn_spec)
    assert [(c.action, c.kind, c.name) for c in done.changes] == [("create", "azureml:Schedule", "churn")]
    assert connected.lines() == [
        f"GET {ML}",  # the workspace exists and is readable
        f"GET {ML}/data/churn-train/versions/1",  # the assets the spec names exist
        f"GET {ML}/data/churn-scoring/versions/1",
        f"GET {SCHEDULE}",  # what exists now
        f"GET {INSIGHTS}/metricAlerts/churn-breach",  # alert rules a webhook once needed
        f"GET {INSIGHTS}/actionGroups/churn-alerts",
        f"PUT {SCHEDULE}",
        f"GET {ML}/schedules",  # then what is left over from monitors the spec no longer runs
        f"GET {INSIGHTS}/metricAlerts",
        f"GET {INSIGHTS}/actionGroups",
    ]
    put = next(s for s in connected.sent if s.method == "PUT")
    assert put.query == {"api-version": "2023-06-01-preview"}
    # The body the plan promised is the body azure-ai-ml sent.
    offline = AzureProvider.from_spec(churn_spec).plan(churn_spec, offline=True)
    assert put.body == json.loads(offline.model_dump_json())["changes"][0]["request"]["body"]
    assert as_schedule(put.body, "churn").create_monitor.monitoring_signals["data-drift-signal"].alert_enabled


def test_apply_is_idempotent_and_a_change_is_an_update_with_a_reason(
    churn_spec: Spec, connected: FakeARM, write_spec: Callable[..., Path]
) -> None:
    provider = AzureProvider.from_spec(churn_spec)
    provider.apply(churn_spec)
    again = provider.plan(churn_spec)
    assert not again.has_changes and [c.action for c in again.changes] == ["noop"]
    assert provider.apply(churn_spec).summary() == "0 to create, 0 to update, 0 to delete"
    assert len([s for s in connected.sent if s.method == "PUT"]) == 1

    changed = load_spec(str(write_spec(CHURN.replace("schedule: daily", "schedule: '15 3 * * *'").replace(
        "include: [account_length,", "include: [intl_mins, account_length,"), "changed.yaml")))
    plan = provider.plan(changed)
    (change,) = plan.changes
    assert change.action == "update"
    assert "trigger.schedule.hours: [0] -> [3]" in (change.reason or "")
    found = [(a.path, a.old, a.new) for a in change.changed]
    assert ("properties.trigger.schedule.hours[0]", 0, 3) in found, found
    assert ("properties.trigger.schedule.minutes[0]", 0, 15) in found, found
    assert "intl_mins" in (change.reason or "")
    provider.apply(changed)
    stored = as_schedule(connected.schedules()["churn"], "churn")
    assert stored.trigger.schedule.hours == [3] and stored.trigger.schedule.minutes == [15]
    assert not provider.plan(changed).has_changes


def test_destroy_disables_then_deletes_only_what_driftplane_made(churn_spec: Spec, connected: FakeARM) -> None:
    provider = AzureProvider.from_spec(churn_spec)
    provider.apply(churn_spec)
    # Someone else's schedule in the same workspace, and one that only shares the name.
    foreign = dict(connected.schedules()["churn"], name="team-monitor", id=f"{ML}/schedules/team-monitor")
    foreign["properties"] = dict(foreign["properties"], tags={"owner": "team"})
    connected.resources[f"{ML}/schedules/team-monitor".lower()] = foreign
    connected.sent.clear()
    done = provider.destroy(churn_spec)
    assert [(c.action, c.name, c.reason) for c in done.changes] == [("delete", "churn", "disabled, then deleted")]
    assert connected.lines() == [
        f"GET {ML}",
        f"GET {ML}/schedules",  # what driftplane made, found by its tags
        f"GET {INSIGHTS}/metricAlerts",
        f"GET {INSIGHTS}/actionGroups",
        f"GET {SCHEDULE}",  # begin_disable reads the schedule...
        f"PUT {SCHEDULE}",  # ...and writes it back disabled
        f"DELETE {SCHEDULE}",
    ]
    assert connected.sent[5].body["properties"]["isEnabled"] is False
    assert connected.sent[1].query["listViewType"] == "All"
    assert set(connected.schedules()) == {"team-monitor"}
    # Idempotent: nothing left to destroy.
    assert provider.destroy(churn_spec).changes == []


def test_apply_refuses_to_take_over_a_schedule_it_did_not_create(churn_spec: Spec, connected: FakeARM) -> None:
    provider = AzureProvider.from_spec(churn_spec)
    provider.apply(churn_spec)
    connected.schedules()["churn"]["properties"]["tags"] = {"owner": "someone"}
    with pytest.raises(ProviderError, match="did not create"):
        provider.apply(churn_spec)


def test_disabling_a_monitor_disables_its_schedule(
    churn_spec: Spec, connected: FakeARM, write_spec: Callable[..., Path]
) -> None:
    provider = AzureProvider.from_spec(churn_spec)
    provider.apply(churn_spec)
    disabled = load_spec(
        str(write_spec(CHURN.replace("    schedule: daily", "    schedule: daily\n    enabled: false"), "off.yaml"))
    )
    (change,) = provider.apply(disabled).changes
    assert change.action == "update" and "disabled" in (change.reason or "")
    assert connected.schedules()["churn"]["properties"]["isEnabled"] is False
    assert not provider.plan(disabled).has_changes
    # Enabling it again is an update too.
    (change,) = provider.plan(churn_spec).changes
    assert change.action == "update" and "isEnabled: false -> true" in (change.reason or "")


def test_the_alert_rule_and_action_group_earlier_versions_made_for_webhooks_are_removed(
    churn_spec: Spec, connected: FakeARM
) -> None:
    """Azure no longer gets webhook channels (see channels.py); what earlier versions made goes."""
    make_old_alert_resources("churn", "churn")
    make_old_alert_resources("other", "other-monitor")  # another monitor's: left alone
    provider = AzureProvider.from_spec(churn_spec)
    planned = provider.plan(churn_spec).changes
    assert [(c.action, c.kind, c.name) for c in planned] == [
        ("create", "azureml:Schedule", "churn"),
        ("delete", "monitor:MetricAlert", "churn-breach"),
        ("delete", "monitor:ActionGroup", "churn-alerts"),
    ]
    assert "Azure cannot deliver" in (planned[1].reason or "")
    assert planned[1].request is not None and planned[1].request.operation.startswith(
        f"DELETE {INSIGHTS}/metricAlerts/churn-breach?"
    )
    provider.apply(churn_spec)
    left = {r["name"] for k, r in connected.resources.items() if "/microsoft.insights/" in k}
    assert left == {"other-alerts", "other-breach"}
    assert not provider.plan(churn_spec).has_changes


def test_endpoint_target_reads_the_deployment_and_its_collected_inputs(
    connected: FakeARM, write_spec: Callable[..., Path]
) -> None:
    connected.add_deployment("credit-default", "main", inputs_asset=("credit-default-main-model_inputs", "3"))
    connected.add_data_asset("credit-default-main-model_inputs", "3", data_type="uri_folder")
    spec = load_spec(
        str(
            write_spec(
                CHURN.replace(
                    'target: {data: "azureml:churn-scoring:1", window: 1d}',
                    'target: {endpoint: "credit-default:main", window: 1d}',
                )
            )
        )
    )
    AzureProvider.from_spec(spec).apply(spec)
    put = next(s for s in connected.sent if s.method == "PUT")
    production = put.body["properties"]["action"]["monitorDefinition"]["signals"]["data-drift-signal"]["productionData"]
    assert production["uri"].endswith("/data/credit-default-main-model_inputs/versions/3")
    assert production["jobInputType"] == "uri_folder"
    assert f"GET {ML}/onlineEndpoints/credit-default/deployments/main" in connected.lines()


def breach_text(signal: str, rows: list[dict[str, object]]) -> str:
    """What Azure's threshold evaluation writes: a sentence, then the feature rows Spark gives as JSON."""
    listed = [json.dumps(row, separators=(",", ":")) for row in rows]
    return (
        f"The signal '{signal}' has failed due to one or more features violating metric thresholds.\n"
        "The feature names and their corresponding computed metric values violating the threshold are \n"
        f"{listed}\n"
    )


def test_status_reads_recent_runs_as_run_results(churn_spec: Spec, connected: FakeARM) -> None:
    provider = AzureProvider.from_spec(churn_spec)
    assert provider.status(churn_spec)[0].state == "not deployed"
    provider.apply(churn_spec)

    def job(name: str, status: str, created: str, tags: dict[str, str]) -> dict[str, object]:
        return {
            "id": f"{ML}/jobs/{name}", "name": name, "type": "Microsoft.MachineLearningServices/workspaces/jobs",
            "scheduleName": "churn", "systemData": {"createdAt": created},
            "properties": {"jobType": "Pipeline", "status": status, "tags": tags, "properties": {},
                           "experimentName": "churn", "jobs": {}, "inputs": {}, "outputs": {}, "settings": {}},
        }

    drift_rows = [
        {
            "group": "day_mins",
            "metric_value": 0.31,
            "metric_name": "NormalizedWassersteinDistance",
            "threshold_value": 0.1,
        },
        {"group": "area_code", "metric_value": 0.42, "metric_name": "JensenShannonDistance", "threshold_value": 0.1},
    ]
    quality_rows = [
        {"group": "state", "metric_value": 0.05, "metric_name": "NullValueRate", "threshold_value": 0.0},
        {"group": "day_mins", "metric_value": 0.2, "metric_name": "DataTypeErrorRate", "threshold_value": 0.01},
    ]
    connected.jobs += [
        job("run-1", "Completed", "2026-11-18T00:04:00Z", {}),
        # Emails on: the pipeline job carries one breach tag per signal.
        job(
            "run-2",
            "Failed",
            "2026-11-19T00:04:00Z",
            {
                "azureml.modelmonitor.threshold.breached.data-drift-signal": breach_text(
                    "data-drift-signal", drift_rows
                ),
                "azureml.modelmonitor.threshold.breached.data-quality-signal": breach_text(
                    "data-quality-signal", quality_rows
                ),
                "azureml.notification.email.address": "ml@example.com",
            },
        ),
        job("run-3", "Failed", "2026-11-20T00:04:00Z", {}),
        job("run-4", "Running", "2026-11-21T00:04:00Z", {}),
        # The signal run's own tag, which names the signal only in its text.
        job(
            "run-5",
            "Failed",
            "2026-11-17T00:04:00Z",
            {
                "azureml_modelmonitor_threshold_breached": breach_text("data-drift-signal", drift_rows[:1]),
            },
        ),
    ]
    (status,) = provider.status(churn_spec)
    assert status.state == "scheduled" and status.schedule == "daily" and status.next_run is not None
    assert status.details["schedule"] == "churn" and status.details["running"] == ["run-4"]
    assert [r.status for r in status.runs] == ["failed", "drift_and_violations", "ok", "drift"]
    assert "open it in Azure ML studio" in (status.runs[0].error or "")

    both = status.runs[1]
    assert {
        (f.name, f.kind, f.drift.metric, f.drift.value, f.drift.threshold, f.drift.drifted)
        for f in both.features
        if f.drift
    } == {
        ("day_mins", "numerical", "normalized_wasserstein", 0.31, 0.1, True),
        ("area_code", "categorical", "jensen_shannon", 0.42, 0.1, True),  # categorical in the spec
    }
    assert [(v.feature_name, v.constraint_check_type) for v in both.violations] == [
        ("state", "completeness_check"),
        ("day_mins", "data_type_check"),
    ]
    assert "NullValueRate 0.05 is above the threshold 0" in both.violations[0].description
    assert both.drift_share == 2 / 5  # five features in features.include
    assert {"data-drift-signal: thresholds breached", "data-quality-signal: thresholds breached"} <= set(both.messages)
    # The window of the daily tick the job ran for (created at 00:04), as the schedule reads it.
    assert both.window is not None
    assert (both.window.start.isoformat(), both.window.end.isoformat()) == (
        "2026-11-18T00:00:00+00:00",
        "2026-11-19T00:00:00+00:00",
    )

    ok = status.runs[2]
    assert ok.features == [] and ok.violations == [] and "data-drift-signal: within thresholds" in ok.messages
    oldest = status.runs[3]
    assert [f.name for f in oldest.drifted_features] == ["day_mins"] and oldest.violations == []
    assert connected.sent[-1].query.get("scheduleId") == "churn"


def test_status_reads_a_p_value_metric_as_drift_below_its_threshold(churn_spec: Spec, connected: FakeARM) -> None:
    """KS and chi-squared are p-values: Azure breaches them when the value is BELOW the threshold."""
    provider = AzureProvider.from_spec(churn_spec)
    provider.apply(churn_spec)
    rows = [
        {
            "group": "account_length",
            "metric_value": 0.01,
            "metric_name": "TwoSampleKolmogorovSmirnovTest",
            "threshold_value": 0.05,
        },
        {"group": "state", "metric_value": 0.2, "metric_name": "PearsonsChiSquaredTest", "threshold_value": 0.05},
    ]
    connected.jobs.append({
        "id": f"{ML}/jobs/run-9", "name": "run-9", "type": "Microsoft.MachineLearningServices/workspaces/jobs",
        "scheduleName": "churn", "systemData": {"createdAt": "2026-11-19T00:04:00Z"},
        "properties": {"jobType": "Pipeline", "status": "Failed", "properties": {}, "experimentName": "churn",
                       "tags": {"azureml_modelmonitor_threshold_breached": breach_text("data-drift-signal", rows)},
                       "jobs": {}, "inputs": {}, "outputs": {}, "settings": {}},
    })
    (run,) = provider.status(churn_spec)[0].runs
    # a monitor made outside driftplane: the p-value keeps Azure's name, never driftplane's distances'
    assert {(f.name, f.kind, f.drift.metric, f.drift.drifted) for f in run.features if f.drift} == {
        ("account_length", "numerical", "TwoSampleKolmogorovSmirnovTest", True),
        ("state", "categorical", "PearsonsChiSquaredTest", False),
    }
    assert run.status == "drift"


def test_cli_apply_plan_destroy_round_trip(churn_spec: Spec, connected: FakeARM, azure_cli: None) -> None:
    path = str(churn_spec.source.file)
    runner = CliRunner()
    applied = runner.invoke(cli, ["apply", path, "--json"])
    assert applied.exit_code == 0, applied.stderr
    assert json.loads(applied.stdout)["changes"][0]["action"] == "create"  # no SDK progress dots in stdout
    planned = runner.invoke(cli, ["plan", path, "--json"])
    assert planned.exit_code == 0 and json.loads(planned.stdout)["changes"][0]["action"] == "noop"
    status = runner.invoke(cli, ["status", path, "--json"])
    assert status.exit_code == 0 and json.loads(status.stdout)[0]["state"] == "scheduled"
    destroyed = runner.invoke(cli, ["destroy", path, "--yes"])
    assert destroyed.exit_code == 0, destroyed.stderr
    assert connected.schedules() == {}
