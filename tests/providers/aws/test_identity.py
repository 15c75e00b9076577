"""Tags and alert identity as the resolved monitor decides them: one tag precedence, and alert resources
named by the alert's key (its name, or its condition), so reordering alerts moves nothing in the cloud."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from driftplane.resolved import resolve_monitor
from driftplane_aws import names

from .specs import PROCESSING_YAML, S3_DAILY, line_of, make_spec, validate


def tags_of(body: dict) -> dict[str, str] | None:
    if "Tags" in body:
        return {t["Key"]: t["Value"] for t in body["Tags"]}
    if "Tagging" in body:
        return dict(parse_qsl(body["Tagging"], strict_parsing=True))
    return None


@pytest.mark.parametrize("backend", ["processing", "model-monitor"])
def test_every_resource_gets_the_settings_tags_under_the_specs_under_the_monitors(backend, make_provider) -> None:
    spec = make_spec(
        backend,
        settings={"tags": {"team": "platform", "env": "prod"}},
        spec_tags={"team": "ml", "cost-center": "42"},
        target={"endpoint": "churn-prod"},
        alerts=[{"name": "drifted", "when": "drift", "notify": ["email:ml@example.com"]}],
        tags={"team": "churn"},
    )
    expected = {
        "team": "churn",
        "env": "prod",
        "cost-center": "42",
        "driftplane:monitor": "churn",
        "driftplane:managed-by": "driftplane",
    }
    assert resolve_monitor(spec, "churn").tags_over({"team": "platform", "env": "prod"}) == {
        "team": "churn",
        "env": "prod",
        "cost-center": "42",
    }
    plan = make_provider(spec).plan(spec, offline=True)
    tagged = [c for c in plan.changes if c.request is not None and tags_of(c.request.body) is not None]
    assert {c.kind for c in tagged} >= {"s3:Object", "sns:Topic", "cloudwatch:MetricAlarm"}
    for change in tagged:
        assert tags_of(change.request.body) == expected, change.name


def test_unnamed_alerts_keep_their_resources_when_reordered(make_provider) -> None:
    drift = {"when": "drift", "features": ["day_mins"], "notify": ["email:a@example.com"]}
    failure = {"when": "failure", "notify": ["email:b@example.com"]}

    def resources(alerts: list) -> set[str]:
        spec = make_spec(alerts=alerts)
        plan = make_provider(spec).plan(spec, offline=True)
        return {c.name for c in plan.changes if c.kind in ("sns:Topic", "cloudwatch:MetricAlarm")}

    first = resources([drift, failure])
    assert first == resources([failure, drift])
    key = resolve_monitor(make_spec(alerts=[drift]), "churn").alerts[0]
    assert key.slug.startswith("drift-") and f"driftplane/churn/{key.slug}/day_mins" in first
    assert f"driftplane-churn-{key.slug}" in first
    # Changing where an alert notifies keeps its identity too.
    assert resources([{**drift, "notify": ["email:c@example.com"]}, failure]) == first


def test_alerts_that_would_share_a_resource_name_are_refused(tmp_path) -> None:
    text = PROCESSING_YAML + f"""\
monitors:
  churn:
    baseline: {{data: s3://bucket/train.parquet}}
    target: {{data: "{S3_DAILY}", window: 1d}}
    alerts:
      - {{when: failure, notify: ["email:a@example.com"]}}
      - {{when: failure, notify: ["email:b@example.com"]}}
      - {{name: "Drift!", when: drift, features: [day_mins], notify: [log]}}
      - {{name: drift, when: drift, features: [state], notify: [log]}}
"""
    code, err = validate(tmp_path, text)
    assert code == 2
    assert f"F:{line_of(text, 'email:b@')}:" in err
    assert "monitors.churn.alerts[1]: alerts[0] and alerts[1] have the same condition and no name" in err
    assert (
        "monitors.churn.alerts[3].name: alerts[2] and alerts[3] have names that give the same resource name ('drift')"
        in err
    )


def test_an_alert_named_in_any_alphabet_gets_a_valid_topic(make_provider) -> None:
    spec = make_spec(
        alerts=[
            {"name": "Dérive détectée", "when": "drift", "features": ["day_mins"], "notify": ["email:ml@example.com"]}
        ]
    )
    assert make_provider(spec).check(spec) == []
    plan = make_provider(spec).plan(spec, offline=True)
    (topic,) = [c.name for c in plan.changes if c.kind == "sns:Topic"]
    assert names.SNS_TOPIC_NAME.match(topic) and topic.startswith("driftplane-churn-d-rive-d-tect-e-")
