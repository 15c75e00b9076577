"""Which features get drift alarms, and with which threshold: the resolved monitor's features and kinds,
also before any baseline file exists (seasonal baselines, SageMaker's baselining job)."""

from __future__ import annotations

from .conftest import BUCKET, SAGEMAKER_DRIFT
from .specs import PROCESSING_YAML, S3_DAILY, line_of, make_spec, validate

ALERT = [{"name": "drifted", "when": "drift", "notify": ["email:ml@example.com"]}]


def alarms_of(plan) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {
        c.name: c.request.body for c in plan.changes if c.kind == "cloudwatch:MetricAlarm" and c.request is not None
    }


def test_a_seasonal_baseline_with_listed_features_gets_their_drift_alarms(make_provider) -> None:
    spec = make_spec(baseline={"lag": "7d"}, features={"include": ["day_mins", "state"]}, alerts=ALERT)
    plan = make_provider(spec).plan(spec, offline=True)
    alarms = alarms_of(plan)
    assert set(alarms) == {"driftplane/churn/drifted/day_mins", "driftplane/churn/drifted/state"}
    assert all(a["MetricName"] == "feature_drifted" for a in alarms.values())
    assert not [c for c in plan.changes if c.action == "noop"], "nothing waits: the features are listed"


def test_a_seasonal_baseline_needs_the_features_listed_for_drift_alarms(tmp_path, make_provider) -> None:
    text = PROCESSING_YAML + f"""\
monitors:
  churn:
    baseline: {{lag: 7d}}
    target: {{data: "{S3_DAILY}", window: 1d}}
    alerts:
      - {{name: drifted, when: drift, notify: ["email:ml@example.com"]}}
"""
    code, err = validate(tmp_path, text)
    assert code == 2
    assert f"F:{line_of(text, 'name: drifted')}:" in err
    assert (
        "monitors.churn.alerts[0].features: alert 'drifted': a seasonal baseline (baseline.lag) has no baseline file"
        in err
    )
    assert "list the features in features.include" in err

    # The alert's own features are enough.
    assert validate(tmp_path, text.replace("when: drift,", "when: drift, features: [day_mins],"))[0] == 0
    spec = make_spec(baseline={"lag": "7d"}, alerts=[{**ALERT[0], "features": ["day_mins"]}])
    assert set(alarms_of(make_provider(spec).plan(spec, offline=True))) == {"driftplane/churn/drifted/day_mins"}


def test_a_baselining_jobs_listed_features_get_their_kinds_threshold(make_provider) -> None:
    """Before SageMaker's baselining job has run, the kinds the spec declares decide each alarm's threshold."""
    drift = {
        **SAGEMAKER_DRIFT["drift"],
        "categorical": {"metric": "linf_robust", "threshold": 0.3},
        "features": {"area_code": {"kind": "categorical"}},
    }
    spec = make_spec(
        "model-monitor",
        baseline={"data": f"s3://{BUCKET}/train/train.csv", "job": "sagemaker"},
        target={"endpoint": "churn-prod"},
        features={
            "include": ["state", "area_code", "custserv_calls", "day_mins"],
            "categorical": ["state"],
            "numerical": ["custserv_calls"],
        },
        checks={"drift": drift},
        alerts=ALERT,
    )
    provider = make_provider(spec)
    assert provider.check(spec) == []
    plan = provider.plan(spec, offline=True)
    thresholds = {name.rsplit("/", 1)[1]: body["Threshold"] for name, body in alarms_of(plan).items()}
    assert thresholds == {"state": 0.3, "area_code": 0.3, "custserv_calls": 0.1}
    # day_mins declares no kind and the two kinds' thresholds differ: it waits for the job's statistics.json.
    (waiting,) = [c for c in plan.changes if c.action == "noop"]
    assert "day_mins has no declared kind" in (waiting.reason or "")

    same = make_spec(
        "model-monitor",
        baseline={"data": f"s3://{BUCKET}/train/train.csv", "job": "sagemaker"},
        target={"endpoint": "churn-prod"},
        features={"include": ["day_mins"]},
        alerts=ALERT,
    )
    assert {b["Threshold"] for b in alarms_of(make_provider(same).plan(same, offline=True)).values()} == {0.1}


def test_columns_a_run_never_measures_get_no_alarm(make_provider) -> None:
    """customer_id is an identifier: the run leaves it out (unless the spec names it), so no alarm watches it."""
    spec = make_spec(features={}, alerts=ALERT)
    names = {n.rsplit("/", 1)[1] for n in alarms_of(make_provider(spec).plan(spec, offline=True))}
    assert "customer_id" not in names and {"day_mins", "state"} <= names
    named = make_spec(features={"include": ["customer_id", "day_mins"]}, alerts=ALERT)
    names = {n.rsplit("/", 1)[1] for n in alarms_of(make_provider(named).plan(named, offline=True))}
    assert names == {"customer_id", "day_mins"}
