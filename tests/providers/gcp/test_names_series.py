"""Names, labels and series within Google's rules, whatever the monitor and feature names are."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from google.api import metric_pb2

from driftplane.result import Drift, FeatureResult, Rows, RunResult, Violation
from driftplane_gcp import names, series

LABEL = re.compile(r"^[a-z0-9_-]{0,63}$")
RUN_JOB_ID = re.compile(r"^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$")


@pytest.mark.parametrize("monitor", ["churn", "Churn", "fraud_v2", "A" * 63, "x-" * 31 + "y"])
def test_monitor_names_become_valid_label_values_and_job_ids(monitor: str) -> None:
    assert LABEL.match(names.label_value(monitor))
    assert RUN_JOB_ID.match(names.resource_id(monitor)), names.resource_id(monitor)


def test_names_that_fold_alike_stay_apart() -> None:
    assert names.label_value("Churn") != names.label_value("churn")
    assert names.resource_id("Churn") != names.resource_id("churn")
    assert names.label_value("churn") == "churn" and names.resource_id("churn") == "driftplane-churn"


def test_filter_strings_are_quoted() -> None:
    assert names.quote('a "b" \\c') == '"a \\"b\\" \\\\c"'


def result(feature_name: str = "age") -> RunResult:
    return RunResult(
        monitor="m",
        rows=Rows(baseline=100, target=50),
        status="drift_and_violations",
        features=[
            FeatureResult(
                name=feature_name,
                kind="categorical",
                drift=Drift(metric="jensen_shannon", value=0.3, threshold=0.1, effective_threshold=0.12, drifted=True),
            )
        ],
        violations=[Violation(feature_name="age", constraint_check_type="completeness_check", description="x")] * 2,
        drift_share=1.0,
        duration_seconds=1.5,
    )


def test_points_add_zero_violations_the_feature_kind_and_threshold() -> None:
    points = series.points_for(result())
    violations = {p.labels["check_type"]: p.value for p in points if p.name == "violations"}
    assert violations["completeness_check"] == 2
    assert violations["data_type_check"] == 0 and len(violations) == 6
    (drift,) = [p for p in points if p.name == "feature_drift"]
    assert drift.labels == {"monitor": "m", "feature": "age", "metric": "jensen_shannon", "kind": "categorical"}
    (threshold,) = [p for p in points if p.name == "feature_drift_threshold"]
    assert threshold.value == pytest.approx(0.12)
    (named,) = [p for p in points if p.name == "feature_violations"]
    assert named.labels == {"monitor": "m", "check_type": "completeness_check", "feature": "age"} and named.value == 2


def test_series_use_the_resource_and_fit_long_label_values() -> None:
    long_name = "f" * 1500
    resource = series.resource_for("generic_task", {"task_id": "cloud-run"}, project="p", location="eu", monitor="m")
    assert dict(resource.labels) == {
        "project_id": "p",
        "location": "eu",
        "namespace": "driftplane",
        "job": "m",
        "task_id": "cloud-run",
    }
    made = series.time_series(
        series.points_for(result(long_name)),
        prefix="custom.googleapis.com/dp/",
        resource=resource,
        at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    features = {ts.metric.labels["feature"] for ts in made if ts.metric.type.endswith("/feature_drift")}
    (feature,) = features
    assert len(feature) == 1024 and feature.startswith("f" * 1000)
    value_type = metric_pb2.MetricDescriptor.ValueType
    kinds = {ts.metric.type.rsplit("/", 1)[1]: value_type.Name(ts.value_type) for ts in made}
    assert kinds["violations"] == "INT64" and kinds["feature_drift"] == "DOUBLE"
    assert all(len(ts.points) == 1 for ts in made)


def test_global_resources_carry_only_the_project() -> None:
    resource = series.resource_for("global", {}, project="p", location="eu", monitor="m")
    assert dict(resource.labels) == {"project_id": "p"}


def test_chunks_of_at_most_200() -> None:
    sizes = [len(c) for c in series.chunks(list(range(401)))]  # type: ignore[arg-type]
    assert sizes == [200, 200, 1]
