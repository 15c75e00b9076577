"""Monitors removed from the spec or disabled: plan lists what is left, --prune and destroy remove it.

Two monitors notify the same email address, so each has its own channel for it; pruning one
must leave the other's. Look-alikes that driftplane did not create must survive everything.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
import yaml
from google.cloud import monitoring_v3 as m
from google.cloud import scheduler_v1

from driftplane.spec import Spec, load_spec
from driftplane_gcp.clients import GcpClients
from driftplane_gcp.emulator import GoogleCloudEmulator
from driftplane_gcp.provider import GcpProvider

from .conftest import PROJECT, SETTINGS, provider_for

REGION = f"projects/{PROJECT}/locations/us-central1"


def monitor(*, enabled: bool = True) -> dict[str, Any]:
    return {
        "enabled": enabled,
        "baseline": {"data": "train.csv"},
        "target": {"data": "target/*.csv", "window": "1d"},
        "schedule": "daily",
        "alerts": [
            {"when": "drift", "notify": ["email:ml@example.com"]},
            {"when": "failure", "notify": ["email:ml@example.com"]},
        ],
    }


def write_spec(path: Path, monitors: dict[str, dict[str, Any]]) -> Spec:
    path.write_text(yaml.safe_dump({"provider": "gcp", "providers": {"gcp": SETTINGS}, "monitors": monitors}))
    return load_spec(path)


POLICY, CHANNEL, RUN_JOB, SCHEDULER_JOB = (
    "monitoring:AlertPolicy",
    "monitoring:NotificationChannel",
    "run:Job",
    "scheduler:Job",
)
Resource = tuple[str, str]  # (kind, name): a Cloud Run job and its Scheduler job share a name


def resources(fake: GoogleCloudEmulator) -> set[Resource]:
    """Every resource in the fake but the metric descriptors."""
    return (
        {(POLICY, n) for n in fake.policies}
        | {(CHANNEL, n) for n in fake.channels}
        | {(RUN_JOB, n) for n in fake.run_jobs}
        | {(SCHEDULER_JOB, n) for n in fake.scheduler_jobs}
    )


def tagged_for(fake: GoogleCloudEmulator, monitor_label: str) -> set[Resource]:
    """What driftplane created for one monitor, read straight from the fake's state."""
    label = "driftplane-monitor"
    found = {(POLICY, p.name) for p in fake.policies.values() if p.user_labels.get(label) == monitor_label}
    found |= {(CHANNEL, c.name) for c in fake.channels.values() if c.user_labels.get(label) == monitor_label}
    found |= {(RUN_JOB, j.name) for j in fake.run_jobs.values() if j.labels.get(label) == monitor_label}
    found |= {(SCHEDULER_JOB, n) for n in fake.scheduler_jobs if n.endswith(f"/jobs/driftplane-{monitor_label}")}
    return found


@pytest.fixture
def spec_path(tmp_path: Path) -> Path:
    return tmp_path / "monitors.yaml"


@pytest.fixture
def deployed(spec_path: Path, clients: GcpClients, fake: GoogleCloudEmulator) -> GcpProvider:
    """churn and retired applied, next to look-alikes driftplane did not create."""
    spec = write_spec(spec_path, {"churn": monitor(), "retired": monitor()})
    provider = provider_for(spec, clients)
    provider.apply(spec)
    assert len(tagged_for(fake, "retired")) == 5  # 2 policies, 1 channel, the Cloud Run and Scheduler jobs
    # Someone's own channel and Scheduler job, named as driftplane would name them, but untagged.
    clients.channels.create_notification_channel(
        name=f"projects/{PROJECT}",
        notification_channel=m.NotificationChannel(
            type_="email",
            display_name="driftplane retired: email ml@example.com",
            labels={"email_address": "ml@example.com"},
        ),
    )
    clients.scheduler.create_job(
        parent=REGION,
        job=scheduler_v1.Job(
            name=f"{REGION}/jobs/driftplane-legacy",
            schedule="0 0 * * *",
            description="driftplane monitor legacy: a job somebody wrote by hand",
            http_target=scheduler_v1.HttpTarget(uri="https://example.com/run"),
        ),
    )
    return provider


def test_plan_lists_exactly_the_removed_monitors_resources_and_apply_keeps_them(
    deployed: GcpProvider, spec_path: Path, fake: GoogleCloudEmulator
) -> None:
    retired = tagged_for(fake, "retired")
    spec = write_spec(spec_path, {"churn": monitor()})

    plan = deployed.plan(spec)
    assert not plan.has_changes, [(c.action, c.name) for c in plan.changes if c.action != "noop"]
    assert {(item.kind, item.name) for item in plan.leftovers} == retired
    assert len(plan.leftovers) == 5, "one Leftover per resource"
    assert {item.monitor for item in plan.leftovers} == {"retired"}
    assert {item.reason for item in plan.leftovers} == {"no longer in the spec"}
    assert deployed.plan(spec, monitors=["churn"]).leftovers == plan.leftovers, "leftovers are about the whole spec"
    assert not deployed.plan(spec, offline=True).leftovers, "an offline plan knows nothing that exists"

    before = resources(fake)
    applied = deployed.apply(spec)
    assert resources(fake) == before, "apply deletes nothing without --prune"
    assert applied.leftovers == plan.leftovers


def test_apply_prune_removes_the_leftovers_and_nothing_else(
    deployed: GcpProvider, spec_path: Path, fake: GoogleCloudEmulator, cli: Any
) -> None:
    retired = tagged_for(fake, "retired")
    churn = tagged_for(fake, "churn")
    write_spec(spec_path, {"churn": monitor()})

    shown = cli("apply", str(spec_path))
    assert shown.exit_code == 0, shown.output
    assert "retired (no longer in the spec)" in shown.output
    assert "--prune" in shown.output and "--monitor retired" in shown.output

    pruned = cli("apply", str(spec_path), "--prune", "--json")
    assert pruned.exit_code == 0, pruned.output
    deleted = {(c["kind"], c["name"]) for c in json.loads(pruned.stdout)["changes"] if c["action"] == "delete"}
    assert deleted == retired
    assert not tagged_for(fake, "retired")
    assert tagged_for(fake, "churn") == churn, "the other monitor's policies, channel and jobs survive"
    assert any(
        c.display_name == "driftplane retired: email ml@example.com" and not c.user_labels
        for c in fake.channels.values()
    )
    assert f"{REGION}/jobs/driftplane-legacy" in fake.scheduler_jobs, "an untagged look-alike is never touched"
    assert len(fake.descriptors) == 12, "metric descriptors are shared, never a leftover"

    again = json.loads(cli("plan", str(spec_path), "--json").stdout)
    assert again["leftovers"] == [] and {c["action"] for c in again["changes"]} == {"noop"}


def test_a_disabled_monitor_is_listed_and_destroy_by_name_removes_it(
    deployed: GcpProvider, spec_path: Path, fake: GoogleCloudEmulator, cli: Any
) -> None:
    retired = tagged_for(fake, "retired")
    spec = write_spec(spec_path, {"churn": monitor(), "retired": monitor(enabled=False)})
    plan = deployed.plan(spec)
    assert not plan.has_changes
    assert {(item.kind, item.name) for item in plan.leftovers} == retired
    assert {item.reason for item in plan.leftovers} == {"disabled in the spec (enabled: false)"}

    done = cli("destroy", str(spec_path), "--monitor", "retired", "--yes", "--json")
    assert done.exit_code == 0, done.output
    assert {(c["kind"], c["name"]) for c in json.loads(done.stdout)["changes"]} == retired
    assert not tagged_for(fake, "retired") and tagged_for(fake, "churn")


def test_destroy_of_a_monitor_no_longer_in_the_spec_is_idempotent(
    deployed: GcpProvider, spec_path: Path, fake: GoogleCloudEmulator, cli: Any
) -> None:
    retired = tagged_for(fake, "retired")
    spec = write_spec(spec_path, {"churn": monitor()})
    done = deployed.destroy(spec, monitors=["retired"])
    assert {(c.kind, c.name) for c in done.changes} == retired
    assert {c.monitor for c in done.changes} == {"retired"}
    kinds = [c.kind for c in done.changes]
    assert kinds.index("monitoring:AlertPolicy") < kinds.index("monitoring:NotificationChannel"), (
        "policies go before the channels they name"
    )
    assert kinds.index("scheduler:Job") < kinds.index("run:Job"), "the Scheduler job goes before the job it starts"
    assert not deployed.destroy(spec, monitors=["retired"]).changes
    again = cli("destroy", str(spec_path), "--monitor", "retired", "--yes")
    assert again.exit_code == 0 and "nothing to do" in again.output


def test_a_channel_another_policy_notifies_survives_the_prune(
    deployed: GcpProvider,
    spec_path: Path,
    fake: GoogleCloudEmulator,
    clients: GcpClients,
    caplog: pytest.LogCaptureFixture,
) -> None:
    (channel,) = [c for c in fake.channels.values() if c.user_labels.get("driftplane-monitor") == "retired"]
    clients.alerts.create_alert_policy(
        name=f"projects/{PROJECT}",
        alert_policy=m.AlertPolicy(
            display_name="ops: disk full",
            combiner=m.AlertPolicy.ConditionCombinerType.OR,
            notification_channels=[channel.name],
            conditions=[
                m.AlertPolicy.Condition(
                    display_name="disk",
                    condition_threshold=m.AlertPolicy.Condition.MetricThreshold(
                        filter='metric.type = "agent.googleapis.com/disk/percent_used" '
                        'AND resource.type = "gce_instance"',
                        comparison=m.ComparisonType.COMPARISON_GT,
                        threshold_value=90,
                    ),
                )
            ],
        ),
    )
    spec = write_spec(spec_path, {"churn": monitor()})
    plan = deployed.plan(spec)
    (listed,) = [item for item in plan.leftovers if item.name == channel.name]
    assert "'ops: disk full'" in listed.reason

    with caplog.at_level(logging.WARNING, logger="driftplane_gcp"):
        done = deployed.destroy(spec, monitors=["retired"])
    assert channel.name not in {c.name for c in done.changes}
    assert tagged_for(fake, "retired") == {(CHANNEL, channel.name)}, "everything else of the monitor is gone"
    assert "'ops: disk full'" in caplog.text and "destroy --monitor retired" in caplog.text


def test_a_monitor_name_that_labels_fold_is_reported_and_destroyed_as_written(
    spec_path: Path, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    spec = write_spec(spec_path, {"churn": monitor(), "Fraud_Model": monitor()})
    provider = provider_for(spec, clients)
    provider.apply(spec)
    spec = write_spec(spec_path, {"churn": monitor()})
    plan = provider.plan(spec)
    assert plan.leftover_monitors == ["Fraud_Model"] and len(plan.leftovers) == 5
    provider.destroy(spec, monitors=plan.leftover_monitors)
    assert not provider.plan(spec).leftovers
    assert resources(fake) == tagged_for(fake, "churn") and len(resources(fake)) == 5
