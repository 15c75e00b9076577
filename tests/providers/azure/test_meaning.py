"""One spec, one meaning: what Azure runs as the local provider decides it, or a located refusal.

Each case was a place where the azure provider decided for itself (issue 13): the window a
run reads, the threshold drift is decided with, the data-quality checks, the features and
their kinds, the tags, the channels, the read-back. Every plan goes through the real
azure-ai-ml entities and is read back by azure-ai-ml's own REST model; applies go through the
real MLClient to the fake ARM.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.providers.azure.conftest import AZURE_CHECKS, SETTINGS
from tests.providers.azure.fake_arm import FakeARM, as_schedule

from driftplane.cli import cli
from driftplane.errors import SpecError
from driftplane.resolved import resolve_monitor
from driftplane.spec import Spec, load_spec
from driftplane_azure.provider import AzureProvider

UPLOAD = SETTINGS.replace("data: as-is", "data: upload")


def offline(spec: Spec) -> list[dict[str, Any]]:
    plan = AzureProvider.from_spec(spec).plan(spec, offline=True)
    changes: list[dict[str, Any]] = json.loads(plan.model_dump_json())["changes"]
    return changes


def schedule_of(spec: Spec, monitor: str = "m") -> Any:
    (change,) = [c for c in offline(spec) if c["kind"] == "azureml:Schedule" and c["monitor"] == monitor]
    return as_schedule(change["request"]["body"], change["name"])


def problems(spec: Spec) -> dict[str, str]:
    found = AzureProvider.from_spec(spec).check(spec)
    assert all(p.file and p.line for p in found), "every problem is located in the file"
    return {p.key_path: p.message for p in found}


def monitor_spec(
    write_spec: Callable[..., Path], body: str, settings: str = SETTINGS, name: str = "monitors.yaml"
) -> Spec:
    return load_spec(str(write_spec(settings + "monitors:\n  m:\n" + body, name)))


ASSETS = """\
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1", window: 1d}
"""


# -- drift thresholds -----------------------------------------------------------------------------


def test_noise_correction_on_by_default_is_refused_because_azure_would_report_drift_the_local_run_does_not(
    write_spec: Callable[..., Path],
) -> None:
    spec = monitor_spec(
        write_spec,
        ASSETS
        + """\
    checks:
      quality: {enabled: false}
""",
    )
    found = problems(spec)
    message = found["monitors.m.checks.drift.noise_correction"]
    assert "Azure ML compares each metric with the fixed threshold" in message
    assert "Set checks.drift.noise_correction: false" in message
    # Written off, the same spec plans: the fixed threshold is the applied threshold everywhere.
    fixed = monitor_spec(
        write_spec,
        ASSETS + "    checks: {quality: {enabled: false}, drift: {noise_correction: false}}\n",
        name="fixed.yaml",
    )
    assert problems(fixed) == {}
    rule = resolve_monitor(fixed, "m").drift.rule("x", "numerical")
    assert rule.applied(noise=0.5) == rule.threshold == 0.1
    thresholds = schedule_of(fixed).create_monitor.monitoring_signals["data-drift-signal"].metric_thresholds
    assert thresholds.numerical.normalized_wasserstein_distance == rule.threshold


# -- data quality ---------------------------------------------------------------------------------


def test_data_quality_checks_azure_does_not_run_the_same_way_are_refused_at_their_keys(
    write_spec: Callable[..., Path],
) -> None:
    spec = monitor_spec(
        write_spec,
        ASSETS
        + """\
    checks:
      drift: {noise_correction: false}
""",
    )
    found = problems(spec)
    assert set(found) == {
        "monitors.m.checks.quality.completeness",
        "monitors.m.checks.quality.columns",
        "monitors.m.checks.quality.comparison_threshold",
    }
    assert "null value rate is one fixed share for every column" in found["monitors.m.checks.quality.completeness"]
    assert "quality_thresholds" in found["monitors.m.checks.quality.completeness"]
    assert "no missing or extra column check" in found["monitors.m.checks.quality.columns"]
    assert "baseline_drift_check" in found["monitors.m.checks.quality.comparison_threshold"]
    assert "Set both to 1" in found["monitors.m.checks.quality.comparison_threshold"]


def test_completeness_off_sends_no_null_value_rate_unless_the_azure_only_setting_asks(
    write_spec: Callable[..., Path],
) -> None:
    spec = monitor_spec(write_spec, ASSETS + AZURE_CHECKS)
    quality = schedule_of(spec).create_monitor.monitoring_signals["data-quality-signal"].metric_thresholds
    assert quality.numerical.null_value_rate is None and quality.categorical.null_value_rate is None
    azure_only = SETTINGS + "    monitors:\n      m: {quality_thresholds: {numerical: {null_value_rate: 0.05}}}\n"
    spec = monitor_spec(write_spec, ASSETS + AZURE_CHECKS, azure_only, name="azure-only.yaml")
    quality = schedule_of(spec).create_monitor.monitoring_signals["data-quality-signal"].metric_thresholds
    assert quality.numerical.null_value_rate == 0.05 and quality.categorical.null_value_rate is None


# -- features ----------------------------------------------------------------------------------------


def test_a_feature_whose_drift_is_off_keeps_its_data_quality_checks(write_spec: Callable[..., Path]) -> None:
    spec = monitor_spec(
        write_spec,
        ASSETS
        + """\
    features: {include: [age, income, plan]}
    checks:
      drift:
        noise_correction: false
        features: {income: {enabled: false}}
      quality: {completeness: false, columns: false, comparison_threshold: 1, categorical_comparison_threshold: 1}
""",
    )
    signals = schedule_of(spec).create_monitor.monitoring_signals
    assert signals["data-drift-signal"].features == ["age", "plan"]
    assert signals["data-quality-signal"].features == ["age", "income", "plan"]


def test_declared_kinds_reach_azure_as_the_engine_decides_them(
    write_spec: Callable[..., Path],
) -> None:
    """A per-feature kind wins over the lists (a column in both lists is refused by the spec)."""
    spec = monitor_spec(
        write_spec,
        ASSETS
        + """\
    features:
      include: [zip, age, plan]
      numerical: [zip, age]
    checks:
      drift:
        noise_correction: false
        features: {plan: {kind: categorical}, zip: {kind: categorical}}
      quality: {completeness: false, columns: false, comparison_threshold: 1, categorical_comparison_threshold: 1}
""",
    )
    resolved = resolve_monitor(spec, "m")
    drift = schedule_of(spec).create_monitor.monitoring_signals["data-drift-signal"]
    assert drift.feature_type_override == {name: resolved.features.kind(name) for name in ("zip", "age", "plan")}
    assert drift.feature_type_override == {"zip": "categorical", "age": "numerical", "plan": "categorical"}


def test_exclude_without_include_lists_the_uploaded_baselines_columns(
    write_spec: Callable[..., Path], tmp_path: Path
) -> None:
    (tmp_path / "train.csv").write_text("customer_id,age,plan,income\nc1,30,a,100\nc2,40,b,200\n", encoding="utf-8")
    spec = monitor_spec(
        write_spec,
        """\
    baseline: {data: train.csv}
    target: {data: "azureml:churn-scoring:1", window: 1d}
    features: {exclude: [customer_id]}
    checks:
      drift:
        noise_correction: false
        features: {income: {enabled: false}}
      quality: {completeness: false, columns: false, comparison_threshold: 1, categorical_comparison_threshold: 1}
""",
        UPLOAD,
    )
    assert problems(spec) == {}
    signals = schedule_of(spec).create_monitor.monitoring_signals
    assert signals["data-drift-signal"].features == ["age", "plan"]
    assert signals["data-quality-signal"].features == ["age", "plan", "income"]


def test_exclude_without_include_on_a_baseline_driftplane_cannot_read_says_why(write_spec: Callable[..., Path]) -> None:
    spec = monitor_spec(write_spec, ASSETS + "    features: {exclude: [customer_id]}\n" + AZURE_CHECKS)
    message = problems(spec)["monitors.m.features.exclude"]
    assert "lists the features from the baseline's columns when it uploads a local baseline" in message
    assert "a data asset driftplane does not read" in message and "features.include" in message


# -- windows -------------------------------------------------------------------------------------------


def test_a_schedule_whose_windows_differ_in_length_is_refused_at_the_schedule(write_spec: Callable[..., Path]) -> None:
    spec = monitor_spec(
        write_spec,
        """\
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1"}
    schedule: "0 9 * * 1-5"
"""
        + AZURE_CHECKS,
    )
    found = problems(spec)
    assert set(found) == {"monitors.m.schedule"}
    assert "not evenly spaced" in found["monitors.m.schedule"] and "target.window" in found["monitors.m.schedule"]
    # With a window of its own every run reads one length, locally and on Azure.
    windowed = monitor_spec(
        write_spec,
        """\
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1", window: 1d, latency: 2h}
    schedule: "0 9 * * 1-5"
"""
        + AZURE_CHECKS,
        name="windowed.yaml",
    )
    window = schedule_of(windowed).create_monitor.monitoring_signals["data-drift-signal"].production_data.data_window
    rule = resolve_monitor(windowed, "m").windows
    assert (window.lookback_window_size, window.lookback_window_offset) == ("P1D", "PT2H")
    assert rule.window_length is not None and rule.latency is not None
    assert (rule.window_length.iso(), rule.latency.iso()) == ("P1D", "PT2H")


def test_hourly_runs_at_minute_zero_as_the_spec_says(write_spec: Callable[..., Path]) -> None:
    spec = monitor_spec(
        write_spec,
        """\
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1"}
    schedule: hourly
"""
        + AZURE_CHECKS,
    )
    trigger = schedule_of(spec).trigger
    assert type(trigger).__name__ == "CronTrigger" and trigger.expression == "0 * * * *"
    window = schedule_of(spec).create_monitor.monitoring_signals["data-drift-signal"].production_data.data_window
    assert window.lookback_window_size == "PT1H"


# -- schedule names ----------------------------------------------------------------------------------


def test_two_monitors_with_one_schedule_name_are_refused_at_validate(
    write_spec: Callable[..., Path], azure_cli: None
) -> None:
    settings = SETTINGS + "    monitors:\n      fraud: {schedule_name: Churn}\n"
    body = ASSETS + AZURE_CHECKS
    path = write_spec(settings + "monitors:\n  churn:\n" + body + "  fraud:\n" + body)
    result = CliRunner().invoke(cli, ["validate", str(path), "--provider", "azure"])
    assert result.exit_code == 2
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "schedule_name: Churn" in text)
    assert f"{path}:{line}:" in result.stderr
    assert "providers.azure.monitors.fraud.schedule_name: monitors 'churn' and 'fraud' would both be" in result.stderr
    assert "would replace the first" in result.stderr


def test_apply_of_two_monitors_with_one_schedule_name_sends_nothing(
    write_spec: Callable[..., Path], connected: FakeARM
) -> None:
    settings = SETTINGS + "    name_prefix: team-\n    monitors:\n      b: {schedule_name: team-a}\n"
    body = ASSETS + AZURE_CHECKS
    spec = load_spec(str(write_spec(settings + "monitors:\n  a:\n" + body + "  b:\n" + body)))
    with pytest.raises(SpecError, match=r"providers\.azure\.monitors\.b\.schedule_name"):
        AzureProvider.from_spec(spec).apply(spec)
    assert connected.lines(writes_only=True) == []


# -- baselines ------------------------------------------------------------------------------------------


def test_a_globbed_local_baseline_plans_and_uploads_the_files_the_engine_reads(
    write_spec: Callable[..., Path], connected: FakeARM, tmp_path: Path, azure_cli: None
) -> None:
    (tmp_path / "data" / "2026").mkdir(parents=True)
    (tmp_path / "data" / "train-1.csv").write_text("x,y\n1,a\n", encoding="utf-8")
    (tmp_path / "data" / "2026" / "train-2.csv").write_text("x,y\n2,b\n", encoding="utf-8")
    (tmp_path / "data" / "test.csv").write_text("x,y\n3,c\n", encoding="utf-8")
    path = write_spec(
        UPLOAD
        + """\
monitors:
  m:
    baseline: {data: "data/**/train-*.csv"}
    target: {data: "azureml:churn-scoring:1", window: 1d}
"""
        + AZURE_CHECKS
    )
    planned = CliRunner().invoke(cli, ["plan", str(path), "--offline", "--json"])
    assert planned.exit_code == 0, planned.stderr
    asset, schedule = json.loads(planned.stdout)["changes"]
    assert asset["kind"] == "azureml:DataAsset" and schedule["kind"] == "azureml:Schedule"
    connected.add_datastore()
    spec = load_spec(str(path))
    AzureProvider.from_spec(spec).apply(spec)
    blobs = {key.split("/", 5)[5]: body for key, body in connected.blobs.items()}
    assert set(blobs) == {"train-1.csv", "2026/train-2.csv", "MLTable"}
    assert blobs["MLTable"].decode().startswith('paths:\n  - file: "./2026/train-2.csv"\n  - file: "./train-1.csv"\n')
    # Same files, same version: a second plan uploads nothing.
    assert [c.action for c in AzureProvider.from_spec(spec).plan(spec).changes] == ["noop", "noop"]


def test_a_glob_in_a_cloud_uri_is_refused_at_validate(write_spec: Callable[..., Path]) -> None:
    spec = monitor_spec(
        write_spec,
        """\
    baseline: {data: "azureml://datastores/store/paths/train/*.parquet"}
    target: {data: "azureml:churn-scoring:1", window: 1d}
"""
        + AZURE_CHECKS,
    )
    message = problems(spec)["monitors.m.baseline.data"]
    assert "is a glob" in message and "mltable asset" in message


def test_the_uploaded_mltable_reads_the_spec_delimiter_and_refuses_a_headerless_file(
    write_spec: Callable[..., Path], tmp_path: Path
) -> None:
    (tmp_path / "train.csv").write_text("x;y\n1;a\n", encoding="utf-8")
    spec = monitor_spec(
        write_spec,
        """\
    baseline: {data: train.csv, delimiter: ";"}
    target: {data: "azureml:churn-scoring:1", window: 1d}
"""
        + AZURE_CHECKS,
        UPLOAD,
    )
    asset = offline(spec)[0]
    assert asset["kind"] == "azureml:DataAsset"
    from driftplane_azure.translate import translate

    (upload,) = translate(resolve_monitor(spec, "m"), AzureProvider.from_spec(spec).azure).uploads
    assert upload.descriptor is not None and 'delimiter: ";"' in upload.descriptor
    headerless = monitor_spec(
        write_spec,
        """\
    baseline: {data: train.csv, header: false, delimiter: ";"}
    target: {data: "azureml:churn-scoring:1", window: 1d}
"""
        + AZURE_CHECKS,
        UPLOAD,
        name="headerless.yaml",
    )
    assert "Column1" in problems(headerless)["monitors.m.baseline.header"]


# -- tags ------------------------------------------------------------------------------------------------

TAGGED = """\
tags: {team: spec-team, env: prod}
"""


def test_spec_tags_reach_the_uploaded_baseline_and_the_schedule_with_one_precedence(
    write_spec: Callable[..., Path], tmp_path: Path
) -> None:
    (tmp_path / "train.csv").write_text("x,y\n1,a\n", encoding="utf-8")
    settings = UPLOAD + "    tags: {team: settings-team, cost-center: '42'}\n" + TAGGED
    spec = monitor_spec(
        write_spec,
        """\
    baseline: {data: train.csv}
    target: {data: "azureml:churn-scoring:1", window: 1d}
    tags: {env: staging}
"""
        + AZURE_CHECKS,
        settings,
    )
    asset, schedule = offline(spec)
    expected = {
        "cost-center": "42",  # settings
        "team": "spec-team",  # the spec over the settings
        "env": "staging",  # the monitor over the spec
        "driftplane-monitor": "m",
        "managed-by": "driftplane",
    }
    assert expected == resolve_monitor(spec, "m").tags_over({"team": "settings-team", "cost-center": "42"}) | {
        "driftplane-monitor": "m",
        "managed-by": "driftplane",
    }
    assert asset["request"]["body"]["properties"]["tags"] == expected
    assert as_schedule(schedule["request"]["body"], "m").tags == expected


def test_a_tag_change_updates_the_uploaded_baselines_tags_without_uploading_it_again(
    write_spec: Callable[..., Path], connected: FakeARM, tmp_path: Path
) -> None:
    (tmp_path / "train.csv").write_text("x,y\n1,a\n", encoding="utf-8")
    body = """\
    baseline: {data: train.csv}
    target: {data: "azureml:churn-scoring:1", window: 1d}
""" + AZURE_CHECKS
    connected.add_datastore()
    spec = monitor_spec(write_spec, body, UPLOAD)
    provider = AzureProvider.from_spec(spec)
    provider.apply(spec)
    uploads = len(connected.blobs)
    tagged = monitor_spec(write_spec, body, UPLOAD + TAGGED, name="tagged.yaml")
    changes = [c for c in provider.plan(tagged).changes if c.action != "noop"]
    assert [(c.action, c.kind) for c in changes] == [("update", "azureml:DataAsset"), ("update", "azureml:Schedule")]
    assert "tags.team" in (changes[0].reason or "") and "already uploaded" in (changes[0].reason or "")
    provider.apply(tagged)
    assert len(connected.blobs) == uploads
    stored = next(r for k, r in connected.resources.items() if "/data/driftplane-m-baseline/versions/" in k)
    assert stored["properties"]["tags"]["team"] == "spec-team"
    assert not provider.plan(tagged).has_changes


# -- channels ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notify", "says"),
    [
        ('"webhook:https://user:pa55@hooks.example.com/T/x?token=s3cret"', "not driftplane.alert/v1"),
        ('"slack:https://hooks.slack.com/services/T/B/s3cret"', "which Slack rejects"),
        ("log", "Azure ML runs the monitor, not driftplane"),
    ],
)
def test_channels_azure_cannot_deliver_with_driftplanes_contract_are_refused_at_the_notify_entry(
    write_spec: Callable[..., Path], notify: str, says: str
) -> None:
    spec = monitor_spec(
        write_spec,
        ASSETS
        + AZURE_CHECKS
        + f"""\
    alerts:
      - {{when: drift, notify: ["email:ml@example.com", {notify}]}}
      - {{when: failure, notify: ["email:ml@example.com", {notify}]}}
""",
    )
    found = problems(spec)
    assert set(found) == {"monitors.m.alerts[0].notify[1]", "monitors.m.alerts[1].notify[1]"}
    message = found["monitors.m.alerts[0].notify[1]"]
    assert says in message and "email channel" in message
    # A URL's secrets never reach a message: scheme and host only.
    assert "s3cret" not in message and "pa55" not in message and "user" not in message


def test_a_channel_type_missing_from_the_table_is_refused_naming_what_azure_delivers(
    write_spec: Callable[..., Path],
) -> None:
    from pydantic import Field

    from driftplane import hookimpl
    from driftplane.alerting.channel import AlertChannel, ChannelSettings
    from driftplane.plugins import load_plugins, pm

    class PagerSettings(ChannelSettings):
        key: str = Field(description="routing key")

    class PagerChannel(AlertChannel):
        channel_type = "pager"
        settings_model = PagerSettings
        shorthand_field = "key"

    class Plugin:
        @hookimpl
        def register_alert_channels(self, register: Callable[[type[AlertChannel]], None]) -> None:
            register(PagerChannel)

    load_plugins()
    pm.register(Plugin(), name="pager-plugin")
    try:
        spec = monitor_spec(
            write_spec, ASSETS + AZURE_CHECKS + '    alerts: [{when: failure, notify: ["pager:abc"]}]\n'
        )
        message = problems(spec)["monitors.m.alerts[0].notify[0]"]
    finally:
        pm.unregister(name="pager-plugin")
    assert "the azure provider cannot deliver 'pager' channels (it delivers email)" in message


def test_alerts_use_the_resolved_channels_a_named_email_channel_and_its_shorthand_alike(
    write_spec: Callable[..., Path],
) -> None:
    text = SETTINGS + """\
channels:
  team: {type: email, to: [b@example.com, a@example.com]}
monitors:
  m:
""" + ASSETS + AZURE_CHECKS + """\
    alerts:
      - {when: drift, notify: [team]}
      - {when: failure, notify: ["email:b@example.com", {type: email, to: a@example.com}]}
"""
    spec = load_spec(str(write_spec(text)))
    assert problems(spec) == {}
    assert schedule_of(spec).create_monitor.alert_notification.emails == ["b@example.com", "a@example.com"]


# -- read-back ----------------------------------------------------------------------------------------------


def breach_text(signal: str, rows: list[dict[str, object]]) -> str:
    listed = [json.dumps(row, separators=(",", ":")) for row in rows]
    return (
        f"The signal '{signal}' has failed due to one or more features violating metric thresholds.\n"
        f"The feature names and their corresponding computed metric values violating the threshold are \n{listed}\n"
    )


def test_status_reads_the_window_of_the_tick_and_the_kinds_the_spec_declares(
    write_spec: Callable[..., Path], connected: FakeARM
) -> None:
    from tests.providers.azure.fake_arm import WS_ID

    spec = monitor_spec(
        write_spec,
        """\
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1", window: 1d, latency: 2h}
    schedule: "0 6 * * *"
    features: {include: [plan, age, state]}
    checks:
      drift:
        noise_correction: false
        features: {plan: {kind: categorical}}
      quality: {completeness: false, columns: false, comparison_threshold: 1, categorical_comparison_threshold: 1}
""",
    )
    provider = AzureProvider.from_spec(spec)
    provider.apply(spec)
    rows = [
        # Declared categorical by its drift rule; Azure's row does not say.
        {"group": "plan", "metric_value": 0.3, "metric_name": "JensenShannonDistance", "threshold_value": 0.1},
        # Undeclared: the categorical metric of this monitor tells its kind.
        {"group": "state", "metric_value": 0.2, "metric_name": "JensenShannonDistance", "threshold_value": 0.1},
        {"group": "age", "metric_value": 0.4, "metric_name": "NormalizedWassersteinDistance", "threshold_value": 0.1},
    ]
    connected.jobs.append({
        "id": f"{WS_ID}/jobs/run-1", "name": "run-1", "type": "Microsoft.MachineLearningServices/workspaces/jobs",
        "scheduleName": "m", "systemData": {"createdAt": "2026-11-19T06:03:00Z"},
        "properties": {"jobType": "Pipeline", "status": "Failed", "properties": {}, "experimentName": "m",
                       "tags": {"azureml_modelmonitor_threshold_breached": breach_text("data-drift-signal", rows)},
                       "jobs": {}, "inputs": {}, "outputs": {}, "settings": {}},
    })  # fmt: skip
    (run,) = provider.status(spec)[0].runs
    assert {f.name: f.kind for f in run.features} == {"plan": "categorical", "state": "categorical", "age": "numerical"}
    # The job of the 06:00 tick read [05-18 04:00, 05-19 04:00): one day, ending 2h (latency) before the tick.
    resolved = resolve_monitor(spec, "m")
    assert run.window == resolved.windows.latest(run.started_at)
    assert run.window is not None
    assert (run.window.start.isoformat(), run.window.end.isoformat()) == (
        "2026-11-18T04:00:00+00:00",
        "2026-11-19T04:00:00+00:00",
    )
    assert run.drift_share == 1.0


def test_a_monitor_whose_checks_leave_azure_no_signal_is_refused(write_spec: Callable[..., Path]) -> None:
    nothing_checked = monitor_spec(
        write_spec,
        ASSETS
        + """\
    checks:
      drift: {enabled: false}
      quality:
        {completeness: false, columns: false, comparison_threshold: 1, categorical_comparison_threshold: 1,
         data_type_threshold: 0, domain_content_threshold: 0}
""",
    )
    assert "no thresholds at all" in problems(nothing_checked)["monitors.m.checks.quality"]
    every_drift_off = monitor_spec(
        write_spec,
        ASSETS
        + """\
    features: {include: [age]}
    checks:
      drift: {noise_correction: false, features: {age: {enabled: false}}}
      quality: {enabled: false}
""",
        name="drift-off.yaml",
    )
    assert "needs at least one signal" in problems(every_drift_off)["monitors.m.checks"]


def test_a_schedule_name_that_takes_another_monitors_name_is_refused_where_it_is_written(
    write_spec: Callable[..., Path],
) -> None:
    settings = SETTINGS + "    monitors:\n      a: {schedule_name: B}\n"
    body = ASSETS + AZURE_CHECKS
    spec = load_spec(str(write_spec(settings + "monitors:\n  a:\n" + body + "  b:\n" + body)))
    found = problems(spec)
    assert set(found) == {"providers.azure.monitors.a.schedule_name"}
    assert (
        "monitors 'a' and 'b' would both be the Azure schedule 'b'" in found["providers.azure.monitors.a.schedule_name"]
    )
