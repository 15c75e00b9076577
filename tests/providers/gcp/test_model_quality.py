"""Model quality on Google Cloud: computed in the run like drift, written as custom metrics, alerted on.

Against the in-process emulator with the real Cloud Monitoring clients: validate and plan translate
the model-quality example, apply creates what the plan shows and a second plan changes nothing, and
a run replayed day by day while labels land judges each window as the local provider does
(provisional, then final), writing every judgement of a window in its own series.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.core.local.test_model_quality_lifecycle import DAY0, DAYS, judgements, land_labels, make_project

from driftplane.local.runner import LocalRunner
from driftplane.local.settings import LocalSettings
from driftplane.spec import Spec, load_spec
from driftplane_gcp import alerts
from driftplane_gcp.clients import GcpClients
from driftplane_gcp.descriptors import WINDOW_LABEL, metric_infos
from driftplane_gcp.emulator import MAX_LABEL_KEY, MAX_LABELS, GoogleCloudEmulator
from driftplane_gcp.provider import GcpProvider
from driftplane_gcp.run import run_monitors

from .conftest import REPO, SETTINGS, provider_for

EXAMPLE = REPO / "examples" / "gcp" / "model-quality.yaml"
PREFIX = "custom.googleapis.com/driftplane/"


@pytest.fixture
def quality_example(tmp_path: Path) -> Spec:
    """A copy of examples/gcp/model-quality.yaml beside the model-quality example's data."""
    root = tmp_path / "examples"
    (root / "gcp").mkdir(parents=True)
    shutil.copy(EXAMPLE, root / "gcp" / EXAMPLE.name)
    (root / "model-quality").mkdir()
    (root / "model-quality" / "data").symlink_to(REPO / "examples" / "model-quality" / "data")
    return load_spec(root / "gcp" / EXAMPLE.name)


def test_validate_and_plan_translate_the_model_quality_example(cli: Any) -> None:
    result = cli("validate", str(EXAMPLE), "--provider", "gcp")
    assert result.exit_code == 0, result.output
    assert "does not translate" not in result.output
    planned = cli("plan", str(EXAMPLE), "--offline", "--json")
    assert planned.exit_code == 0, planned.output
    changes = json.loads(planned.output)["changes"]
    descriptors = {
        c["request"]["body"]["metricDescriptor"]["type"].removeprefix(PREFIX): c["request"]["body"]["metricDescriptor"]
        for c in changes
        if c["kind"] == "monitoring:MetricDescriptor"
    }
    for name in ("performance_metric", "performance_estimate", "label_coverage_ratio", "prediction_drift"):
        assert name in descriptors
    keys = {label["key"] for label in descriptors["performance_metric"]["labels"]}
    assert keys == {"monitor", "metric", "judged", WINDOW_LABEL}
    policies = {
        c["name"].removeprefix("driftplane churn-quality: "): c["request"]["body"]["alertPolicy"]
        for c in changes
        if c["kind"] == "monitoring:AlertPolicy"
    }
    final = policies["churn model accuracy fell"]["conditions"][0]["conditionThreshold"]
    assert "performance_checks_failed" in final["filter"] and 'metric.label.judged = "final"' in final["filter"]
    assert final["aggregations"][0]["groupByFields"] == ["metric.label.monitor", "metric.label.metric"]
    early = policies["churn model may be slipping"]["conditions"][0]["conditionThreshold"]["filter"]
    assert 'judged = one_of("final", "provisional", "estimated")' in early and 'metric = "accuracy"' in early
    outputs = policies["churn model outputs drifted"]["conditions"][0]["conditionThreshold"]
    assert "/prediction_drifted" in outputs["filter"] and outputs["comparison"] == "COMPARISON_GT"


def test_every_descriptor_keeps_within_cloud_monitorings_label_limits() -> None:
    for info in metric_infos():
        assert len(info.labels) <= 10, info  # Google takes 30; some tools (and older docs) 10
        assert len(info.labels) <= MAX_LABELS
        assert all(len(key) <= MAX_LABEL_KEY and key.islower() for key in info.labels)


def test_a_monitor_without_a_model_plans_no_model_quality_descriptor(cli: Any) -> None:
    planned = cli("plan", str(REPO / "examples" / "gcp" / "monitors.yaml"), "--offline", "--json")
    assert planned.exit_code == 0, planned.output
    kinds = [c["name"] for c in json.loads(planned.output)["changes"] if c["kind"] == "monitoring:MetricDescriptor"]
    assert kinds and not any("performance" in name or "prediction" in name for name in kinds)


def test_apply_creates_the_policies_the_fake_accepts_and_a_second_plan_changes_nothing(
    quality_example: Spec, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    provider = provider_for(quality_example, clients)
    provider.apply(quality_example)
    assert len(fake.called("CreateAlertPolicy")) == 4
    for request in fake.called("CreateAlertPolicy"):
        assert alerts.policy_problems(request.alert_policy) == []
    again = provider.plan(quality_example)
    assert {c.action for c in again.changes} == {"noop"}, [c for c in again.changes if c.action != "noop"]


def _latest(fake: GoogleCloudEmulator, monitor: str) -> dict[str, tuple[str, float, float | None, bool]]:
    """Each window's latest judgement in the fake, as the local test reads history: keyed by window start."""
    found: dict[str, tuple[datetime, str, float, float | None, bool]] = {}
    for stored in fake.series.values():
        labels = stored.metric_labels
        if stored.metric_type != PREFIX + "label_coverage_ratio" or labels.get("monitor") != monitor:
            continue
        if labels["judged"] == "estimated":
            continue
        at = stored.points[-1].interval.end_time
        end = datetime.fromisoformat(labels[WINDOW_LABEL].replace("Z", "+00:00"))
        start = f"{end - timedelta(days=1):%m-%d}"
        if start in found and found[start][0] >= at:
            continue
        accuracy = failed = None
        for other in fake.series.values():
            if other.metric_labels == {**labels, "metric": "accuracy"}:
                value = other.points[-1].value.double_value
                if other.metric_type == PREFIX + "performance_metric":
                    accuracy = value
                elif other.metric_type == PREFIX + "performance_metric_failed":
                    failed = bool(value)
        found[start] = (at, labels["judged"], stored.points[-1].value.double_value, accuracy, bool(failed))
    return {start: (judged, share, accuracy, failed) for start, (_, judged, share, accuracy, failed) in found.items()}


def _failed_checks(fake: GoogleCloudEmulator) -> dict[str, int]:
    return {
        stored.metric_labels["judged"]: stored.points[-1].value.int64_value
        for stored in fake.series.values()
        if stored.metric_type == PREFIX + "performance_checks_failed" and stored.metric_labels["metric"] == "accuracy"
    }


def test_windows_are_judged_again_as_labels_land_as_the_local_provider_judges_them(
    tmp_path: Path, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    spec_path, _, arrivals = make_project(tmp_path, "http://127.0.0.1:9/unused")
    spec_path.write_text(spec_path.read_text().replace("notify: [hook]", "notify: [log]"))
    spec = load_spec(spec_path)
    settings = GcpProvider.validate_settings({**SETTINGS, "scheduled_runs": False})
    now = [DAY0]
    local = LocalRunner(spec, LocalSettings(), clock=lambda: now[0])
    fired: list[int] = []
    for tick in range(1, DAYS + 4):
        land_labels(tmp_path, arrivals, tick - 1)
        now[0] = DAY0 + timedelta(days=tick)
        if tick <= DAYS:
            local.run_window("churn", now[0])
        else:
            local.rejudge("churn")  # no new data: the local provider only judges again
        (newest,) = run_monitors(
            spec, clients, settings=settings, project="my-project", at=now[0], clock=lambda: now[0]
        )
        assert (newest.status == "failed") == (tick > DAYS)  # the job runs on: its window has no data then
        expected = judgements(tmp_path)
        written = _latest(fake, "churn")
        for start, (judged, share, accuracy, failed) in expected.items():
            if judged == "provisional" and share == 0:
                assert start not in written  # nothing realised yet (no estimate asked): nothing to chart
                continue
            got = written[start]
            assert got[:2] == (judged, pytest.approx(share)), (tick, start)
            assert got[2] == pytest.approx(accuracy) and got[3] == failed, (tick, start)
        if _failed_checks(fake).get("final"):
            fired.append(tick)
    # The drop of day 2 (window 03-03) is final once its wait passed (tick 6) or all its labels landed.
    assert fired and fired[0] <= 6
    assert judgements(tmp_path)["03-03"][0] == "final" and _latest(fake, "churn")["03-03"][0] == "final"


def test_a_wait_spanning_more_windows_than_a_run_judges_again_is_refused(cli: Any, tmp_path: Path) -> None:
    spec = tmp_path / "model-quality.yaml"
    text = EXAMPLE.read_text().replace("wait: 3d ", "wait: 30d").replace("schedule: daily", "schedule: hourly")
    spec.write_text(text.replace("window: 1d", "window: 1h"))
    result = cli("validate", str(spec), "--provider", "gcp")
    assert result.exit_code == 2, result.output
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    line = next(line for line in text.splitlines() if "labels.wait" in line)
    assert "monitors.churn-quality.labels.wait" in line and "local provider" in line
    row = int(line.split("model-quality.yaml:")[1].split(":")[0])
    assert spec.read_text().splitlines()[row - 1].strip().startswith("wait: 30d")


def test_status_reads_back_each_window_judged_in_the_latest_run(
    tmp_path: Path, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    spec_path, _, arrivals = make_project(tmp_path, "http://127.0.0.1:9/unused")
    spec_path.write_text(spec_path.read_text().replace("notify: [hook]", "notify: [log]"))
    spec = load_spec(spec_path)
    settings = {**SETTINGS, "scheduled_runs": False}
    now = [DAY0]
    local = LocalRunner(spec, LocalSettings(), clock=lambda: now[0])
    for tick in range(1, 5):
        land_labels(tmp_path, arrivals, tick - 1)
        now[0] = DAY0 + timedelta(days=tick)
        local.run_window("churn", now[0])
        (newest,) = run_monitors(
            spec,
            clients,
            settings=GcpProvider.validate_settings(settings),
            project="my-project",
            at=now[0],
            clock=lambda: now[0],
        )
    (status,) = GcpProvider(settings, clients=clients).status(spec)
    runs = status.runs
    assert runs[0].window == newest.window and runs[0].prediction_drift
    assert [(f.name, f.drift.value) for f in runs[0].prediction_drift] == [  # type: ignore[union-attr]
        (f.name, pytest.approx(f.drift.value))
        for f in sorted(newest.prediction_drift, key=lambda f: f.name)  # type: ignore[union-attr]
    ]
    expected = judgements(tmp_path)
    latest = [r for r in runs if r.started_at == runs[0].started_at]  # the latest run's: its own window, then the rest
    rejudged = [r for r in latest if r.messages and r.messages[0].startswith("judged again")]
    assert [f"{r.window.start:%m-%d}" for r in rejudged] == ["03-03", "03-02", "03-01"]  # type: ignore[union-attr]
    for back in rejudged:
        performance = back.performance
        assert performance is not None
        judged, share, accuracy, failed = expected[f"{back.window.start:%m-%d}"]  # type: ignore[union-attr]
        (metric,) = [m for m in performance.realised if m.name == "accuracy"]
        assert (performance.judged, performance.coverage.share) == (judged, pytest.approx(share))
        assert (metric.value, metric.failed, metric.direction) == (pytest.approx(accuracy), failed, "min")


def test_a_disabled_model_quality_monitor_is_a_leftover_and_purge_removes_its_descriptors(
    quality_example: Spec, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    provider = provider_for(quality_example, clients)
    provider.apply(quality_example)
    assert len(fake.policies) == 4 and len(fake.descriptors) == len(metric_infos())
    path = quality_example.base_dir / EXAMPLE.name
    path.write_text(path.read_text().replace("    schedule: daily\n", "    schedule: daily\n    enabled: false\n"))
    disabled = load_spec(path)
    plan = provider.plan(disabled)
    assert plan.leftover_monitors == ["churn-quality"]
    kinds = sorted(item.kind for item in plan.leftovers)
    assert kinds.count("monitoring:AlertPolicy") == 4  # the performance and prediction-drift policies too
    provider.destroy(disabled, monitors=plan.leftover_monitors)  # what `apply --prune` does
    assert not fake.policies and not fake.channels and not fake.run_jobs
    assert len(fake.descriptors) == len(metric_infos()), "descriptors (and their data) stay without --purge"
    provider.destroy(disabled, purge=True)
    assert not fake.descriptors, "a purge deletes the model-quality descriptors with the others"


def test_cli_run_judges_the_example_and_reads_the_labelled_baseline_once(
    cli: Any, quality_example: Spec, fake: GoogleCloudEmulator
) -> None:
    spec = str(quality_example.base_dir / EXAMPLE.name)
    ran = cli("run", spec, "--at", "2026-02-16")
    assert ran.exit_code == 1, ran.output  # the window of 02-15 fails its accuracy check on a final judgement
    assert "PERFORMANCE accuracy" in ran.output and "(final, 100% labelled)" in ran.output
    assert ran.output.count("judged again as labels land") == 3  # 02-12, 02-13 and 02-14: within the 3d wait
    assert ran.output.count("reading the labelled baseline") == 1, "windows judged again reuse the run's"
    failed = {
        (s.metric_labels["metric"], s.metric_labels["judged"]): s.points[-1].value.int64_value
        for s in fake.series.values()
        if s.metric_type == PREFIX + "performance_checks_failed"
    }
    assert failed[("accuracy", "final")] == 4 and failed[("accuracy", "provisional")] == 0
    shown = cli("status", spec)
    assert shown.exit_code == 0, shown.output
