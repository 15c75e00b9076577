"""apply, plan again (nothing), change a threshold, apply (in place), destroy: against the fake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from google.cloud import monitoring_v3 as m
from google.cloud import run_v2

from driftplane.cli.plan_text import plan_lines
from driftplane.errors import ProviderError, UsageError
from driftplane.spec import Spec, load_spec
from driftplane_gcp.clients import GcpClients
from driftplane_gcp.emulator import GoogleCloudEmulator

from .conftest import provider_for


def edit(spec_dir: Path, old: str, new: str) -> Spec:
    path = spec_dir / "monitors.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_spec(path)


def test_apply_creates_everything_and_a_second_plan_changes_nothing(
    example: Spec, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    provider = provider_for(example, clients)
    done = provider.apply(example)
    assert done.counts() == {"create": 21, "update": 0, "delete": 0, "noop": 0}
    assert len(fake.descriptors) == 12
    assert len(fake.policies) == 4 and len(fake.channels) == 3
    assert len(fake.run_jobs) == 1 and len(fake.scheduler_jobs) == 1
    drift_policy = next(p for p in fake.policies.values() if p.display_name.endswith("churn inputs drifted"))
    assert sorted(drift_policy.notification_channels) == sorted(fake.channels), "policies name the channels apply made"

    again = provider.plan(example)
    assert not again.has_changes, [(c.kind, c.name, c.reason) for c in again.changes if c.action != "noop"]
    assert again.counts()["noop"] == 21
    assert provider.apply(example).counts()["noop"] == 21
    assert len(fake.called("CreateAlertPolicy")) == 4, "a second apply sends no write"


def test_a_changed_threshold_updates_the_policy_in_place(
    example: Spec, example_dir: Path, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    provider = provider_for(example, clients)
    provider.apply(example)
    before = {p.name for p in fake.policies.values()}

    changed = edit(example_dir, "above: 0.2", "above: 0.35")
    plan = provider.plan(changed)
    updates = [c for c in plan.changes if c.action != "noop"]
    assert [(c.action, c.kind) for c in updates] == [("update", "monitoring:AlertPolicy")]
    assert "thresholdValue: 0.2 -> 0.35" in (updates[0].reason or "")
    found = [(a.path, a.old, a.new) for a in updates[0].changed]
    assert found == [
        ("conditions[0].conditionThreshold.thresholdValue", 0.2, 0.35),
        ("conditions[0].displayName", "day_mins drift above 0.2", "day_mins drift above 0.35"),
    ], "only what changed; the digest label, which changes with anything, is not shown"
    assert updates[0].display_name == "driftplane churn: day minutes shifted"
    lines = plan_lines(plan)
    opening = lines.index('  ~ monitoring:AlertPolicy "driftplane churn: day minutes shifted" {')
    assert lines[opening - 1].startswith("  #   id projects/my-project/alertPolicies/")
    assert lines[opening + 1 : opening + 4] == [
        "      ~ conditions[0].conditionThreshold.thresholdValue = 0.2 -> 0.35",
        '      ~ conditions[0].displayName                       = '
        '"day_mins drift above 0.2" -> "day_mins drift above 0.35"',
        "    }",
    ]
    assert f"{len(plan.changes) - 1} unchanged (" in lines[-3]
    assert lines[-1] == "Plan: 0 to add, 1 to change, 0 to destroy."
    assert updates[0].request is not None and updates[0].request.operation == "UpdateAlertPolicy"
    request = m.UpdateAlertPolicyRequest.from_json(__import__("json").dumps(updates[0].request.body))
    assert request.alert_policy.name in before

    provider.apply(changed)
    assert {p.name for p in fake.policies.values()} == before, "updated in place, same policy ids"
    policy = next(p for p in fake.policies.values() if "day minutes" in p.display_name)
    assert policy.conditions[0].condition_threshold.threshold_value == pytest.approx(0.35)
    assert not provider.plan(changed).has_changes


def test_a_changed_schedule_and_image_update_the_jobs(
    example: Spec, example_dir: Path, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    provider = provider_for(example, clients)
    provider.apply(example)
    changed = edit(example_dir, "schedule: daily", "schedule: hourly")
    plan = provider.plan(changed)
    kinds = sorted(c.kind for c in plan.changes if c.action == "update")
    # the alert policies' alignment follows the schedule's period too
    assert kinds.count("scheduler:Job") == 1 and kinds.count("monitoring:AlertPolicy") == 4
    provider.apply(changed)
    (job,) = fake.scheduler_jobs.values()
    assert job.schedule == "0 * * * *"

    provider = provider_for(changed, clients, image="us-docker.pkg.dev/my-project/driftplane/driftplane:2")
    plan = provider.plan(changed)
    (update,) = [c for c in plan.changes if c.action != "noop"]
    assert update.kind == "run:Job" and "driftplane:2" in (update.reason or "")
    provider.apply(changed)
    (run_job,) = fake.run_jobs.values()
    assert run_job.template.template.containers[0].image.endswith("driftplane:2")
    assert run_job.generation == 2


def test_a_removed_alert_is_deleted_with_its_channels(
    example: Spec, example_dir: Path, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    provider = provider_for(example, clients)
    provider.apply(example)
    changed = edit(
        example_dir,
        "      - name: day minutes shifted\n        when: metric\n        "
        "feature: day_mins\n        above: 0.2\n        notify: [team-slack]\n",
        "",
    )
    plan = provider.plan(changed)
    assert sorted((c.action, c.kind) for c in plan.changes if c.action != "noop") == [
        ("delete", "monitoring:AlertPolicy")
    ]
    provider.apply(changed)
    assert len(fake.policies) == 3


def test_destroy_removes_only_what_driftplane_created(
    example: Spec, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    # Someone else's resources in the same project and region.
    theirs_channel = clients.channels.create_notification_channel(
        name="projects/my-project",
        notification_channel=m.NotificationChannel(
            type_="email", display_name="ops", labels={"email_address": "ops@example.com"}
        ),
    )
    clients.alerts.create_alert_policy(
        name="projects/my-project",
        alert_policy=m.AlertPolicy(
            display_name="cpu high",
            combiner=m.AlertPolicy.ConditionCombinerType.OR,
            notification_channels=[theirs_channel.name],
            conditions=[
                m.AlertPolicy.Condition(
                    display_name="cpu",
                    condition_threshold=m.AlertPolicy.Condition.MetricThreshold(
                        filter='metric.type = "compute.googleapis.com/instance/cpu/utilization" '
                        'AND resource.type = "gce_instance"',
                        comparison=m.ComparisonType.COMPARISON_GT,
                        threshold_value=0.9,
                    ),
                )
            ],
        ),
    )
    clients.jobs.create_job(
        parent="projects/my-project/locations/us-central1",
        job_id="nightly-etl",
        job=run_v2.Job(template={"template": {"containers": [{"image": "etl"}]}}),
    ).result()

    provider = provider_for(example, clients)
    provider.apply(example)
    done = provider.destroy(example)
    assert done.counts()["delete"] == 9 and all(c.action == "delete" for c in done.changes)
    assert [p.display_name for p in fake.policies.values()] == ["cpu high"]
    assert list(fake.channels) == [theirs_channel.name]
    assert list(fake.run_jobs) == ["projects/my-project/locations/us-central1/jobs/nightly-etl"]
    assert not fake.scheduler_jobs
    assert len(fake.descriptors) == 12, "metric descriptors (and their data) stay without --purge"
    assert not provider.destroy(example).changes, "destroy is idempotent"

    purged = provider.destroy(example, purge=True)
    assert {c.kind for c in purged.changes} == {"monitoring:MetricDescriptor"}
    assert not fake.descriptors


def test_purge_cannot_be_limited_to_one_monitor(example: Spec, clients: GcpClients) -> None:
    with pytest.raises(UsageError, match="--purge"):
        provider_for(example, clients).destroy(example, monitors=["churn"], purge=True)


def test_destroy_of_one_monitor_leaves_the_others(clients: GcpClients, fake: GoogleCloudEmulator) -> None:
    from driftplane.testing import sample_spec

    from .conftest import SETTINGS

    spec = sample_spec("gcp", SETTINGS)
    provider = provider_for(spec, clients)
    provider.apply(spec)
    provider.destroy(spec, monitors=["churn"])
    assert not fake.policies  # only churn had an alert
    assert [j.name.rsplit("/", 1)[1] for j in fake.run_jobs.values()] == ["driftplane-fraud"]
    assert [j.name.rsplit("/", 1)[1] for j in fake.scheduler_jobs.values()] == ["driftplane-fraud"]


def test_a_disabled_monitor_keeps_its_resources_until_pruned(
    example: Spec, example_dir: Path, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    provider = provider_for(example, clients)
    provider.apply(example)
    disabled = edit(example_dir, "    schedule: daily\n", "    schedule: daily\n    enabled: false\n")
    plan = provider.plan(disabled)
    assert not plan.has_changes, "apply never deletes a disabled monitor's resources by itself"
    assert plan.leftover_monitors == ["churn"] and len(plan.leftovers) == 9
    provider.apply(disabled)
    assert len(fake.policies) == 4 and fake.run_jobs and fake.scheduler_jobs
    provider.destroy(disabled, monitors=plan.leftover_monitors)  # what `apply --prune` does
    assert not fake.policies and not fake.channels and not fake.run_jobs and not fake.scheduler_jobs
    assert not provider.plan(disabled).leftovers


def test_a_job_driftplane_did_not_create_is_never_taken_over(example: Spec, clients: GcpClients) -> None:
    clients.jobs.create_job(
        parent="projects/my-project/locations/us-central1",
        job_id="driftplane-churn",
        job=run_v2.Job(template={"template": {"containers": [{"image": "someone-elses"}]}}),
    ).result()
    with pytest.raises(ProviderError, match="driftplane did not create"):
        provider_for(example, clients).plan(example)


def test_cli_apply_plan_destroy(cli: Any, example_dir: Path, fake: GoogleCloudEmulator) -> None:
    spec = str(example_dir / "monitors.yaml")
    assert cli("apply", spec).exit_code == 0
    result = cli("plan", spec, "--json")
    assert result.exit_code == 0
    import json

    assert {c["action"] for c in json.loads(result.stdout)["changes"]} == {"noop"}
    result = cli("destroy", spec, "--yes")
    assert result.exit_code == 0, result.output
    assert not fake.policies and not fake.scheduler_jobs
