"""Alert conditions: whether they fire, and the reason a person reads in the notification.

Conditions are judged on the resolved alert (AlertRule); each is built here from the spec's
Alert model, as resolve_monitor builds it, so the fields a user writes are what is judged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from driftplane.alerting.conditions import evaluate
from driftplane.resolved import AlertRule, alert_rule, resolve_monitor
from driftplane.result import RunResult
from driftplane.spec import spec_from_data
from driftplane.spec.models import Alert as SpecAlert

MakeResult = Callable[..., RunResult]


def Alert(**fields: Any) -> AlertRule:
    """The resolved rule of an alert written with these fields."""
    return alert_rule(SpecAlert(**fields))


def test_a_spec_alert_resolves_to_the_rule_that_is_judged(make_result: MakeResult) -> None:
    spec = spec_from_data(
        {
            "monitors": {
                "churn": {
                    "baseline": {"data": "train.parquet"},
                    "target": {"data": "capture/*.parquet", "window": "1d"},
                    "alerts": [
                        {
                            "name": "two drifted",
                            "when": "drift",
                            "min_features": 2,
                            "features": ["age", "income"],
                            "notify": ["log"],
                        }
                    ],
                }
            }
        }
    )
    [rule] = resolve_monitor(spec, "churn").alerts
    assert (rule.name, rule.min_features, rule.features) == ("two drifted", 2, ("age", "income"))
    assert evaluate(rule, make_result(values={"age": 0.3, "income": 0.02, "plan": 0.5})) == (
        False,
        "1 feature drifted among age, income (age (normalized_wasserstein "
        "0.3 > 0.1)), fewer than the 2 this alert needs",
    )
    assert evaluate(rule, make_result(values={"age": 0.3, "income": 0.2}))[0]


def test_drift_on_enough_features_fires_naming_them_largest_first(make_result: MakeResult) -> None:
    result = make_result(values={"age": 0.21, "income": 0.35, "plan": 0.12, "tenure": 0.02})
    firing, reason = evaluate(Alert(when="drift", min_features=3, notify=["log"]), result)
    assert firing
    assert reason == (
        "3 features drifted: income (normalized_wasserstein 0.35 > 0.1), "
        "age (normalized_wasserstein 0.21 > 0.1), plan (jensen_shannon 0.12 > 0.1)"
    )


def test_drift_below_the_minimum_does_not_fire_and_says_why(make_result: MakeResult) -> None:
    result = make_result(values={"age": 0.21, "income": 0.05})
    firing, reason = evaluate(Alert(when="drift", min_features=2, notify=["log"]), result)
    assert not firing
    assert "1 feature drifted" in reason
    assert "fewer than the 2 this alert needs" in reason
    firing, reason = evaluate(Alert(when="drift", notify=["log"]), make_result())
    assert (firing, reason) == (False, "no feature drifted")


def test_drift_on_named_features_ignores_the_others(make_result: MakeResult) -> None:
    alert = Alert(when="drift", features=["income", "zipcode"], notify=["log"])
    firing, reason = evaluate(alert, make_result(values={"age": 0.5, "income": 0.02}))
    assert not firing
    assert reason == "no feature drifted among income, zipcode (not in this run: zipcode)"
    firing, reason = evaluate(alert, make_result(values={"age": 0.5, "income": 0.4}))
    assert firing
    assert reason.startswith("1 feature drifted among income, zipcode: income (normalized_wasserstein 0.4 > 0.1)")


def test_effective_threshold_is_explained_when_it_was_raised(make_result: MakeResult) -> None:
    from driftplane.result import Drift, FeatureResult, Rows

    result = RunResult(
        monitor="churn",
        rows=Rows(baseline=900, target=800),
        status="drift",
        features=[
            FeatureResult(
                name="age",
                kind="numerical",
                drift=Drift(
                    metric="normalized_wasserstein", value=0.19, threshold=0.1, effective_threshold=0.14, drifted=True
                ),
            )
        ],
    )
    _, reason = evaluate(Alert(when="drift", notify=["log"]), result)
    assert "age (normalized_wasserstein 0.19 > 0.14 (set 0.1, raised for the sample size))" in reason


def test_violations_of_any_or_of_given_types(make_result: MakeResult) -> None:
    result = make_result(violations=[("age", "completeness_check"), ("plan", "categorical_values_check")])
    firing, reason = evaluate(Alert(when="violation", notify=["log"]), result)
    assert firing
    assert reason == (
        "2 violations: completeness_check on age (completeness_check failed for age), "
        "categorical_values_check on plan (categorical_values_check failed for plan)"
    )
    only_types = Alert(when="violation", check_types=["data_type_check"], notify=["log"])
    assert evaluate(only_types, result) == (False, "no violations of type data_type_check")


def test_metric_above_and_below(make_result: MakeResult) -> None:
    above = Alert(when="metric", feature="age", above=0.2, notify=["log"])
    assert evaluate(above, make_result(values={"age": 0.25})) == (
        True,
        "age normalized_wasserstein is 0.25, above 0.2",
    )
    assert evaluate(above, make_result(values={"age": 0.15})) == (
        False,
        "age normalized_wasserstein is 0.15, not above 0.2",
    )
    below = Alert(when="metric", feature="plan", below=0.05, notify=["log"])
    assert evaluate(below, make_result(values={"plan": 0.01}))[0]


def test_metric_that_cannot_be_judged_does_not_fire_and_says_why(make_result: MakeResult) -> None:
    other_metric = Alert(when="metric", feature="age", metric="psi", above=0.2, notify=["log"])
    firing, reason = evaluate(other_metric, make_result(values={"age": 0.9}))
    assert not firing
    assert "measured with normalized_wasserstein, not psi" in reason
    missing = Alert(when="metric", feature="zipcode", above=0.2, notify=["log"])
    assert "zipcode is not in this run's results" in evaluate(missing, make_result()).reason
    no_value = Alert(when="metric", feature="age", above=0.2, notify=["log"])
    assert "no drift value" in evaluate(no_value, make_result(values={"age": None})).reason


def test_failure_alert_and_failed_runs(make_result: MakeResult) -> None:
    failed = make_result(failed="no files matched capture/2026/01/01/*.jsonl")
    assert evaluate(Alert(when="failure", notify=["log"]), failed) == (
        True,
        "the run failed: no files matched capture/2026/01/01/*.jsonl",
    )
    assert evaluate(Alert(when="failure", notify=["log"]), make_result()) == (False, "the run succeeded")
    firing, reason = evaluate(Alert(when="drift", notify=["log"]), failed)
    assert not firing
    assert "could not be checked" in reason


def test_alerts_and_reports_round_the_raw_floats_of_violation_descriptions(make_result: MakeResult, tmp_path) -> None:
    from datetime import UTC, datetime

    from driftplane.alerting.notification import build_notification
    from driftplane.alerting.render import email_text
    from driftplane.local.report import write_report
    from driftplane.result import Violation

    raw = "Data domain requirement is not met. Observed: Only 94.69999999999999% of data is within the domain."
    result = make_result().model_copy(
        update={
            "status": "violations",
            "violations": [
                Violation(feature_name="plan", constraint_check_type="categorical_values_check", description=raw)
            ],
        }
    )
    firing, reason = evaluate(Alert(when="violation", notify=["log"]), result)
    assert firing and "plan (5.3% outside the baseline's values)" in reason and "94.6999" not in reason
    notification = build_notification(
        monitor="churn",
        alert_name="dq",
        alert_key="k",
        condition="violation",
        event="firing",
        reason=reason,
        result=result,
        now=datetime.now(UTC),
    )
    assert "94.6999" not in notification.model_dump_json()
    assert "Only 94.7% of data" in email_text(notification)
    html = write_report(tmp_path / "report.html", result).read_text()
    assert "Only 94.7% of data is within the domain" in html and "94.6999" not in html
