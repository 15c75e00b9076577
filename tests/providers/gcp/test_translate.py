"""The gcp provider translates the resolved monitor: tags, channels, alert identity, alignment, windows.

Each decision is core's (``driftplane.resolved``); these tests check that what reaches
Google (through the real clients, into the emulator, which enforces Google's rules) means
the same, or that ``validate`` refuses it at its line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from google.cloud import monitoring_v3 as m
from pydantic import SecretStr

from driftplane import hookimpl
from driftplane.alerting.channel import AlertChannel, ChannelSettings
from driftplane.errors import Problem
from driftplane.plugins import pm
from driftplane.resolved import resolve_monitor
from driftplane.spec import Spec, load_spec
from driftplane_gcp.clients import GcpClients
from driftplane_gcp.emulator import GoogleCloudEmulator
from driftplane_gcp.provider import GcpProvider

from .conftest import SETTINGS, provider_for


def write(tmp_path: Path, data: dict[str, Any]) -> Spec:
    path = tmp_path / "monitors.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_spec(path)


def spec_data(monitor: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    """A spec with one monitor 'm' (its fields overridable) deployed with the test settings."""
    base = {
        "baseline": {"data": "train.csv"},
        "target": {"data": "target/*.csv", "window": "1d"},
        "schedule": "daily",
        "alerts": [{"name": "drifted", "when": "drift", "notify": ["email:ml@example.com"]}],
    }
    providers = top.pop("providers", {"gcp": dict(SETTINGS)})
    return {"provider": "gcp", "providers": providers, **top, "monitors": {"m": {**base, **(monitor or {})}}}


def problems(spec: Spec, **settings: Any) -> list[Problem]:
    return GcpProvider({**SETTINGS, **settings}).check(spec)


# --- tags -------------------------------------------------------------------------------------


def test_tags_reach_every_resource_with_one_precedence(
    tmp_path: Path, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    spec = write(
        tmp_path,
        spec_data(
            {"tags": {"team": "fraud", "Data Owner": "Jane.Doe@Example.com"}},
            providers={"gcp": {**SETTINGS, "labels": {"team": "platform", "cost-center": "cc-42"}}},
            tags={"team": "ml", "env": "prod"},
        ),
    )
    provider_for(spec, clients).apply(spec)
    wanted = {"team": "fraud", "env": "prod", "cost-center": "cc-42", "data_owner": "jane_doe_example_com"}
    (policy,) = fake.policies.values()
    (channel,) = fake.channels.values()
    (job,) = fake.run_jobs.values()
    (scheduled,) = fake.scheduler_jobs.values()
    for labels in (policy.user_labels, channel.user_labels, job.labels):
        assert {k: labels[k] for k in wanted} == wanted, "monitor tags over spec tags over providers.gcp.labels"
        assert labels["managed-by"] == "driftplane" and labels["driftplane-monitor"] == "m"
    # Cloud Scheduler jobs have no labels: the tags are in the description, as written
    assert "tags: team=fraud, cost-center=cc-42, env=prod, Data Owner=Jane.Doe@Example.com" in scheduled.description
    assert "[managed by driftplane]" in scheduled.description
    assert not provider_for(spec, clients).plan(spec).has_changes, "tags are compared like any other field"


def test_a_changed_tag_updates_everything_in_place(
    tmp_path: Path, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    spec = write(tmp_path, spec_data(tags={"env": "staging"}))
    provider_for(spec, clients).apply(spec)
    before = (set(fake.policies), set(fake.channels), set(fake.run_jobs), set(fake.scheduler_jobs))
    changed = write(tmp_path, spec_data(tags={"env": "prod"}))
    plan = provider_for(changed, clients).plan(changed)
    updated = sorted(c.kind for c in plan.changes if c.action == "update")
    assert updated == ["monitoring:AlertPolicy", "monitoring:NotificationChannel", "run:Job", "scheduler:Job"]
    assert all(c.action in ("update", "noop") for c in plan.changes)
    provider_for(changed, clients).apply(changed)
    assert (set(fake.policies), set(fake.channels), set(fake.run_jobs), set(fake.scheduler_jobs)) == before
    assert {p.user_labels["env"] for p in fake.policies.values()} == {"prod"}


@pytest.mark.parametrize(
    ("tags", "key", "says"),
    [
        ({"2fa": "on"}, "2fa", "keys start with a letter"),
        ({"k" * 64: "v"}, "k" * 64, "at most 63"),
        ({"owner": "x" * 64}, "owner", "values are at most 63"),
        ({"managed-by": "me"}, "managed-by", "driftplane sets itself"),
        ({"Driftplane-Monitor": "x"}, "Driftplane-Monitor", "driftplane sets itself"),
        ({"Team": "a", "team": "b"}, "team", "would both be the Google Cloud label 'team'"),
    ],
)
def test_tags_google_cannot_hold_are_refused_at_their_key(
    tmp_path: Path, tags: dict[str, str], key: str, says: str
) -> None:
    spec = write(tmp_path, spec_data({"tags": tags}))
    found = [p for p in problems(spec) if says in p.message]
    assert found, problems(spec)
    (problem,) = found
    assert problem.path == ("monitors", "m", "tags", key)
    assert problem.line is not None and problem.file == str(tmp_path / "monitors.yaml")


def test_spec_level_tags_are_located_once_at_the_top(tmp_path: Path) -> None:
    data = spec_data(tags={"9lives": "x"})
    data["monitors"]["n"] = data["monitors"]["m"]
    spec = write(tmp_path, data)
    (problem,) = problems(spec)
    assert problem.path == ("tags", "9lives") and "start with a letter" in problem.message


def test_more_tags_than_a_resource_takes_are_refused(tmp_path: Path) -> None:
    spec = write(tmp_path, spec_data({"tags": {f"t{i}": "x" for i in range(61)}}))
    (problem,) = problems(spec)
    assert problem.path == ("monitors", "m", "tags") and "at most 60 tags" in problem.message
    assert not problems(write(tmp_path, spec_data({"tags": {f"t{i}": "x" for i in range(60)}})))


def test_many_long_tags_fit_the_scheduler_description(
    tmp_path: Path, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    spec = write(tmp_path, spec_data({"tags": {f"tag{i:02d}": "v" * 60 for i in range(30)}}))
    provider_for(spec, clients).apply(spec)  # the emulator refuses descriptions over 500 characters
    (scheduled,) = fake.scheduler_jobs.values()
    assert len(scheduled.description) <= 500 and "more on the Cloud Run job" in scheduled.description
    (job,) = fake.run_jobs.values()
    assert sum(1 for k in job.labels if k.startswith("tag")) == 30


# --- channels -----------------------------------------------------------------------------------


def test_every_core_channel_type_has_a_row() -> None:
    from driftplane.plugins import get_channel_types
    from driftplane_gcp.channels import DELIVERY

    assert set(get_channel_types()) <= set(DELIVERY)


class _PagerSettings(ChannelSettings):
    url: SecretStr


class _PagerChannel(AlertChannel):
    channel_type: ClassVar[str] = "pager"
    settings_model: ClassVar[type[ChannelSettings]] = _PagerSettings
    shorthand_field: ClassVar[str | None] = "url"


class _PagerPlugin:
    @hookimpl
    def register_alert_channels(self, register: Callable[[type[AlertChannel]], None]) -> None:
        register(_PagerChannel)


@pytest.fixture
def pager() -> Iterator[None]:
    """A channel type a plugin adds, which the gcp table has no row for."""
    plugin = _PagerPlugin()
    pm.register(plugin, name="test-gcp-pager")
    yield
    pm.unregister(plugin)


def test_a_channel_type_without_a_row_is_refused_at_its_notify_entry(tmp_path: Path, pager: None) -> None:
    alerts = [{"when": "drift", "notify": ["email:ml@example.com", "pager:https://pager.example.com/k3y"]}]
    spec = write(tmp_path, spec_data({"alerts": alerts}))
    (problem,) = problems(spec)
    assert problem.path == ("monitors", "m", "alerts", 0, "notify", 1) and problem.line is not None
    assert (
        "the gcp provider cannot deliver 'pager' channels (it delivers email, log, slack, webhook)" in problem.message
    )
    assert "k3y" not in problem.message, "the channel's URL is shown redacted"


def test_a_webhook_is_refused_unless_its_receiver_reads_incident_json(tmp_path: Path) -> None:
    alerts = [{"when": "drift", "notify": ["log", "webhook:https://hooks.example.com/dp?token=s3cret"]}]
    spec = write(tmp_path, spec_data({"alerts": alerts}))
    (problem,) = problems(spec)
    assert problem.path == ("monitors", "m", "alerts", 0, "notify", 1)
    assert "incident JSON" in problem.message and "incident_webhooks: true" in problem.message
    assert "s3cret" not in problem.message
    assert not problems(spec, incident_webhooks=True)


@pytest.mark.parametrize("extra", [{"secret": "hmac-key"}, {"headers": {"Authorization": "Bearer x"}}])
def test_a_webhook_asking_for_what_google_cannot_send_is_refused(tmp_path: Path, extra: dict[str, Any]) -> None:
    data = spec_data({"alerts": [{"when": "drift", "notify": ["hook"]}]})
    data["channels"] = {"hook": {"type": "webhook", "url": "https://hooks.example.com/dp", **extra}}
    spec = write(tmp_path, data)
    (problem,) = problems(spec, incident_webhooks=True)
    assert problem.path == ("monitors", "m", "alerts", 0, "notify", 0)
    assert ("HMAC signature" if "secret" in extra else "extra headers") in problem.message


def test_channels_come_from_the_resolved_alert(tmp_path: Path, clients: GcpClients, fake: GoogleCloudEmulator) -> None:
    data = spec_data(
        {
            "alerts": [
                {"name": "drifted", "when": "drift", "notify": ["team", "email:b@example.com", "log", "hook"]},
                {"name": "failed", "when": "failure", "notify": ["email:a@example.com"]},
            ]
        },
        providers={"gcp": {**SETTINGS, "incident_webhooks": True}},
    )
    data["channels"] = {
        "team": {"type": "email", "to": ["a@example.com", "b@example.com"]},
        "hook": {"type": "webhook", "url": "https://hooks.example.com/dp"},
    }
    spec = write(tmp_path, data)
    provider_for(spec, clients).apply(spec)
    by_name = {c.name: c for c in fake.channels.values()}
    kinds = sorted((c.type_, c.labels.get("email_address", "")) for c in by_name.values())
    assert kinds == [("email", "a@example.com"), ("email", "b@example.com"), ("webhook_tokenauth", "")]
    policies = {p.display_name: p for p in fake.policies.values()}
    drifted = policies["driftplane m: drifted"]
    assert len(drifted.notification_channels) == 3, "one channel per address, the webhook; log notifies no one"
    (failed,) = policies["driftplane m: failed"].notification_channels
    assert by_name[failed].labels["email_address"] == "a@example.com"


# --- alert identity --------------------------------------------------------------------------


def unnamed(*whens: str) -> list[dict[str, Any]]:
    return [{"when": w, "notify": ["email:ml@example.com"]} for w in whens]


def test_reordering_unnamed_alerts_keeps_their_policies(
    tmp_path: Path, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    spec = write(tmp_path, spec_data({"alerts": unnamed("drift", "violation")}))
    provider_for(spec, clients).apply(spec)
    before = {p.name: p.display_name for p in fake.policies.values()}
    reordered = write(tmp_path, spec_data({"alerts": unnamed("violation", "drift")}))
    plan = provider_for(reordered, clients).plan(reordered)
    assert not plan.has_changes, [(c.action, c.kind, c.name) for c in plan.changes if c.action != "noop"]
    keys = {p.user_labels["driftplane-key"] for p in fake.policies.values()}
    resolved = resolve_monitor(reordered, "m")
    from driftplane_gcp.names import label_value

    assert keys == {label_value(a.key) for a in resolved.alerts}, "identity is AlertRule.key"
    assert {p.name: p.display_name for p in fake.policies.values()} == before


def test_two_unnamed_alerts_with_one_condition_are_refused(tmp_path: Path) -> None:
    spec = write(tmp_path, spec_data({"alerts": unnamed("drift", "failure", "drift")}))
    (problem,) = problems(spec)
    assert problem.path == ("monitors", "m", "alerts", 2) and "same condition" in problem.message


# Labels driftplane 0.1 gave two of the example's policies (`alert-` + the name folded, with a hash).
LEGACY_KEYS = {
    "churn inputs drifted": "alert-churn-inputs-drifted-42e4a1",
    "churn run failed": "alert-churn-run-failed-3b7b40",
}


def test_policies_labelled_by_an_older_driftplane_are_updated_in_place(
    example: Spec, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    provider = provider_for(example, clients)
    provider.apply(example)
    for policy in fake.policies.values():  # as driftplane 0.1 left them
        name = policy.display_name.removeprefix("driftplane churn: ")
        if name in LEGACY_KEYS:
            policy.user_labels["driftplane-key"] = LEGACY_KEYS[name]
    before = set(fake.policies)
    plan = provider.plan(example)
    changed = [c for c in plan.changes if c.action != "noop"]
    assert [(c.action, c.kind) for c in changed] == [("update", "monitoring:AlertPolicy")] * 2
    assert all("older driftplane" in (c.reason or "") for c in changed)
    provider.apply(example)
    assert set(fake.policies) == before, "same policy ids: nothing deleted or created"
    assert not provider.plan(example).has_changes


# --- alignment and windows ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "seconds"),
    [
        ("hourly", 3600),
        ("daily", 86400),
        ("weekly", 90000),
        ("0 9 * * 1-5", 86400),
        ("*/20 * * * *", 1200),
        ("0 0 1 * *", 90000),
    ],
)
def test_alignment_is_the_window_rules_period(tmp_path: Path, schedule: str, seconds: int) -> None:
    spec = write(tmp_path, spec_data({"schedule": schedule}))
    plan = GcpProvider(SETTINGS).plan(spec, offline=True)
    (change,) = [c for c in plan.changes if c.kind == "monitoring:AlertPolicy"]
    assert change.request is not None
    body = m.CreateAlertPolicyRequest.from_json(json.dumps(change.request.body)).alert_policy
    period = body.conditions[0].condition_threshold.aggregations[0].alignment_period.total_seconds()
    assert period == seconds
    assert min(resolve_monitor(spec, "m").windows.period.total_seconds(), 90000) == seconds


FIXED = {"data": "target/*.csv", "window": {"start": "2026-01-01", "end": "2026-01-08"}}


def test_a_fixed_window_is_refused_for_a_scheduled_monitor(tmp_path: Path) -> None:
    spec = write(tmp_path, spec_data({"target": FIXED}))
    (problem,) = problems(spec)
    assert problem.path == ("monitors", "m", "target", "window") and problem.line is not None
    assert "moving window" in problem.message and "scheduled_runs: false" in problem.message
    assert not problems(spec, scheduled_runs=False), "run by hand, a fixed window means what it means locally"


def test_unnamed_policies_labelled_by_position_are_taken_over(
    tmp_path: Path, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    spec = write(tmp_path, spec_data({"alerts": unnamed("drift", "violation")}))
    provider = provider_for(spec, clients)
    provider.apply(spec)
    for policy in fake.policies.values():  # driftplane 0.1: `alert-<position>-<when>`
        when = "violation" if policy.display_name.endswith("violations") else "drift"
        policy.user_labels["driftplane-key"] = f"alert-{0 if when == 'drift' else 1}-{when}"
    before = set(fake.policies)
    plan = provider.plan(spec)
    assert sorted(c.action for c in plan.changes if c.kind == "monitoring:AlertPolicy") == ["update", "update"]
    provider.apply(spec)
    assert set(fake.policies) == before and not provider.plan(spec).has_changes


def test_settings_labels_are_located_under_providers(tmp_path: Path) -> None:
    spec = write(tmp_path, spec_data(providers={"gcp": {**SETTINGS, "labels": {"1st": "x"}}}))
    (problem,) = GcpProvider.from_spec(spec).check(spec)
    assert problem.path == ("providers", "gcp", "labels", "1st") and problem.line is not None
