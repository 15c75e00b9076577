"""CloudWatch alarms decide as the run decides: on processing they watch what the run decided (the applied
threshold), on model-monitor SageMaker's own metric must be the spec's, compared with the configured threshold."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from driftplane_aws.translate import DRIFTPLANE_NAMESPACE

from .alarm_check import alarm_fires
from .conftest import SAGEMAKER_DRIFT
from .specs import SETTINGS_YAML, line_of, make_spec, validate

TICK = datetime(2026, 1, 12, tzinfo=UTC)


def small_windows(folder: Path) -> tuple[str, str]:
    """A 5,000-row baseline and days of 25 rows from the same distributions: too few rows to tell
    drift from noise, so each feature's distance is above the configured 0.1 but below the applied threshold."""
    rng = np.random.default_rng(7)
    pq.write_table(
        pa.table({"x": rng.normal(size=5000), "c": rng.choice(list("abcd"), size=5000)}), folder / "train.parquet"
    )
    for day in range(1, 13):
        day_rng = np.random.default_rng(100 + day)
        (folder / f"2026/01/{day:02d}").mkdir(parents=True)
        table = pa.table({"x": day_rng.normal(size=25), "c": day_rng.choice(list("abcd"), size=25)})
        pq.write_table(table, folder / f"2026/01/{day:02d}/part.parquet")
    return str(folder / "train.parquet"), str(folder / "{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.parquet")


def alarms_of(plan) -> list[dict]:  # type: ignore[no-untyped-def]
    return [c.request.body for c in plan.changes if c.kind == "cloudwatch:MetricAlarm" and c.request is not None]


def test_processing_drift_alarms_decide_with_the_applied_threshold(tmp_path, make_provider, monkeypatch) -> None:
    monkeypatch.setenv("DRIFTPLANE_AWS_JOB", "1")
    monkeypatch.setenv("DRIFTPLANE_OUTPUT_PATH", str(tmp_path / "output"))
    train, daily = small_windows(tmp_path)
    spec = make_spec(
        baseline={"data": train},
        target={"data": daily, "window": "1d"},
        features={},
        alerts=[{"name": "drifted", "when": "drift", "notify": ["email:ml@example.com"]}],
    )
    provider = make_provider(spec)
    (result,) = list(provider.run(spec, at=TICK))
    noisy = [f for f in result.features if f.drift and f.drift.value is not None and f.drift.value > f.drift.threshold]
    assert noisy and not any(f.drift.drifted for f in noisy), "the case needs distances above 0.1 that are noise"

    cloudwatch = provider.clients.client("cloudwatch")
    alarms = alarms_of(provider.plan(spec, offline=True))
    assert {a["AlarmName"] for a in alarms} == {"driftplane/churn/drifted/x", "driftplane/churn/drifted/c"}
    for alarm in alarms:
        assert alarm["Namespace"] == DRIFTPLANE_NAMESPACE and alarm["MetricName"] == "feature_drifted"
        feature = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}["feature"]
        decided = next(f.drift.drifted for f in result.features if f.name == feature)
        assert alarm_fires(cloudwatch, alarm) is decided is False


def test_processing_count_and_metric_alarms_watch_the_runs_decisions(tmp_path, make_provider, monkeypatch) -> None:
    monkeypatch.setenv("DRIFTPLANE_AWS_JOB", "1")
    monkeypatch.setenv("DRIFTPLANE_OUTPUT_PATH", str(tmp_path / "output"))
    train, daily = small_windows(tmp_path)
    spec = make_spec(
        baseline={"data": train},
        target={"data": daily, "window": "1d"},
        features={},
        alerts=[
            {"name": "two drifted", "when": "drift", "min_features": 2, "features": ["x", "c"], "notify": ["log"]},
            {"name": "x far", "when": "metric", "feature": "x", "above": 0.15, "notify": ["log"]},
            {"name": "x psi", "when": "metric", "feature": "x", "metric": "psi", "above": 0.01, "notify": ["log"]},
        ],
    )
    provider = make_provider(spec)
    (result,) = list(provider.run(spec, at=TICK))
    x = next(f for f in result.features if f.name == "x")
    alarms = {a["AlarmName"]: a for a in alarms_of(provider.plan(spec, offline=True))}

    count = alarms["driftplane/churn/two-drifted"]
    drifted_ids = {
        m["Id"]
        for m in count["Metrics"]
        if m.get("MetricStat", {}).get("Metric", {}).get("MetricName") == "feature_drifted"
    }
    assert drifted_ids == {"m0", "m1"}
    assert next(m["Expression"] for m in count["Metrics"] if "Expression" in m) == "m0 + m1"
    assert count["Threshold"] == 2.0 and count["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"

    # Without a metric: the feature's own drift metric, as the run measured it.
    far = alarms["driftplane/churn/x-far/above"]
    assert {d["Name"]: d["Value"] for d in far["Dimensions"]} == {
        "monitor": "churn",
        "feature": "x",
        "metric": x.drift.metric,
    }
    assert alarm_fires(provider.clients.client("cloudwatch"), far) is (x.drift.value > 0.15)
    # With another metric than the run's: a metric nothing publishes, so it never fires (as locally).
    psi = alarms["driftplane/churn/x-psi/above"]
    assert {d["Name"]: d["Value"] for d in psi["Dimensions"]}["metric"] == "psi" != x.drift.metric
    assert alarm_fires(provider.clients.client("cloudwatch"), psi) is None


def test_a_backfill_in_the_job_publishes_only_the_newest_window(tmp_path, make_provider, monkeypatch) -> None:
    """An older window's verdict must not set off today's alarms: the local provider does not alert on it either."""
    monkeypatch.setenv("DRIFTPLANE_AWS_JOB", "1")
    monkeypatch.setenv("DRIFTPLANE_OUTPUT_PATH", str(tmp_path / "output"))
    train, daily = small_windows(tmp_path)
    spec = make_spec(baseline={"data": train}, target={"data": daily, "window": "1d"}, features={})
    provider = make_provider(spec)
    results = list(provider.run(spec, start=datetime(2026, 1, 8, tzinfo=UTC), end=TICK))
    assert len(results) == 4
    cloudwatch = provider.clients.client("cloudwatch")
    runs = cloudwatch.get_metric_statistics(
        Namespace=DRIFTPLANE_NAMESPACE,
        MetricName="runs",
        Dimensions=[{"Name": "monitor", "Value": "churn"}, {"Name": "status", "Value": results[-1].status}],
        StartTime=datetime(2020, 1, 1, tzinfo=UTC),
        EndTime=datetime(2100, 1, 1, tzinfo=UTC),
        Period=86400 * 366,
        Statistics=["Sum"],
    )["Datapoints"]
    assert [p["Sum"] for p in runs] == [1.0]
    ends = cloudwatch.get_metric_statistics(
        Namespace=DRIFTPLANE_NAMESPACE,
        MetricName="last_window_end_timestamp_seconds",
        Dimensions=[{"Name": "monitor", "Value": "churn"}],
        StartTime=datetime(2020, 1, 1, tzinfo=UTC),
        EndTime=datetime(2100, 1, 1, tzinfo=UTC),
        Period=86400 * 366,
        Statistics=["Maximum", "Minimum"],
    )["Datapoints"]
    assert ends[0]["Minimum"] == ends[0]["Maximum"] == TICK.timestamp()


MODEL_MONITOR = SETTINGS_YAML + """\
monitors:
  churn:
    baseline: {data: train.parquet}
    target: {endpoint: churn-prod}
    schedule: daily
"""


def test_model_monitor_refuses_drift_metrics_sagemaker_does_not_compute_defaults_included(tmp_path) -> None:
    code, err = validate(tmp_path, MODEL_MONITOR)
    assert code == 2
    line = line_of(MODEL_MONITOR, "baseline:")  # no checks written: located at the monitor
    assert (
        f"F:{line}:5: monitors.churn.checks.drift.numerical.metric: "
        "SageMaker Model Monitor measures drift as its L-infinity "
        "distance (linf_robust with checks.quality.comparison_method: "
        "robust) and publishes only that; the numerical metric is "
        "normalized_wasserstein (the default): set checks.drift.numerical.metric: linf_robust"
    ) in err
    assert (
        "monitors.churn.checks.drift.categorical.metric:" in err
        and "the categorical metric is jensen_shannon (the default)" in err
    )
    assert "or use backend: processing" in err

    # linf is SageMaker's only with the Simple comparison; a per-feature metric is checked too.
    text = MODEL_MONITOR + """\
    checks:
      quality: {comparison_method: robust}
      drift:
        numerical: {metric: linf, threshold: 0.1}
        categorical: {metric: linf_robust, threshold: 0.1}
        features: {day_mins: {metric: psi}}
"""
    code, err = validate(tmp_path, text)
    assert (
        f"F:{line_of(text, 'numerical: {metric: linf,')}:" in err
        and "the numerical metric is linf: set checks.drift.numerical.metric: "
        "linf_robust (or comparison_method: simple for linf)"
        in err
    )
    assert "monitors.churn.checks.drift.features.day_mins.metric:" in err and "day_mins's metric is psi" in err
    assert "categorical.metric" not in err

    simple = MODEL_MONITOR + """\
    checks:
      quality: {comparison_method: simple}
      drift: {numerical: {metric: linf, threshold: 0.2}, categorical: {metric: linf, threshold: 0.1}}
"""
    assert validate(tmp_path, simple)[0] == 0


def test_model_monitor_drift_alarms_need_the_threshold_as_configured(tmp_path) -> None:
    """A drift alarm compares SageMaker's distance with the configured threshold: noise correction cannot apply."""
    text = MODEL_MONITOR + """\
    checks: {drift: {numerical: {metric: linf_robust, threshold: 0.1}, categorical: {metric: linf_robust, threshold: 0.1}}}
    alerts:
      - {name: drifted, when: drift, notify: ["email:ml@example.com"]}
"""  # noqa: E501
    code, err = validate(tmp_path, text)
    assert code == 2
    assert f"F:{line_of(text, 'checks:')}:" in err
    assert (
        "monitors.churn.checks.drift.noise_correction: alert 'drifted' becomes CloudWatch alarms comparing SageMaker's"
        in err
    )
    assert "set checks.drift.noise_correction: false" in err
    assert validate(tmp_path, text.replace("threshold: 0.1}}}", "threshold: 0.1}, noise_correction: false}}"))[0] == 0


def test_model_monitor_failure_alerts_are_refused_and_get_no_topic(tmp_path, make_provider) -> None:
    text = MODEL_MONITOR + """\
    checks: {drift: {numerical: {metric: linf_robust, threshold: 0.1}, categorical: {metric: linf_robust, threshold: 0.1}}}
    alerts:
      - {name: broken, when: failure, notify: ["email:oncall@example.com"]}
"""  # noqa: E501
    code, err = validate(tmp_path, text)
    assert code == 2
    assert f"F:{line_of(text, 'name: broken')}:" in err
    assert (
        "monitors.churn.alerts[0].when: alert 'broken': SageMaker "
        "Model Monitor publishes no CloudWatch metric for failed runs" in err
    )

    # Planned anyway (the Python API plans without validating): no topic, no subscription nobody would ever use.
    spec = make_spec(
        "model-monitor", alerts=[{"name": "broken", "when": "failure", "notify": ["email:oncall@example.com"]}]
    )
    plan = make_provider(spec).plan(spec, offline=True)
    assert not [c for c in plan.changes if c.kind.startswith("sns:") or c.kind == "cloudwatch:MetricAlarm"]


def test_model_monitor_alarms_use_each_features_configured_threshold(make_provider) -> None:
    drift = {
        **SAGEMAKER_DRIFT["drift"],
        "categorical": {"metric": "linf_robust", "threshold": 0.3},
        "features": {"day_mins": {"threshold": 0.2}},
    }
    spec = make_spec(
        "model-monitor",
        target={"endpoint": "churn-prod"},
        checks={"drift": drift},
        alerts=[{"name": "drifted", "when": "drift", "notify": ["email:ml@example.com"]}],
    )
    alarms = {a["AlarmName"].rsplit("/", 1)[1]: a for a in alarms_of(make_provider(spec).plan(spec, offline=True))}
    assert alarms["day_mins"]["Threshold"] == 0.2 and alarms["eve_mins"]["Threshold"] == 0.1
    assert alarms["intl_plan"]["Threshold"] == 0.3  # categorical (text)
    assert alarms["day_mins"]["MetricName"] == "feature_baseline_drift_day_mins"
    assert alarms["day_mins"]["Namespace"] == "aws/sagemaker/Endpoints/data-metrics"
