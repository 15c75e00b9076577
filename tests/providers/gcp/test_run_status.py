"""run writes a result as time series the fake accepts; status reads them back into RunResults."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from driftplane.result import RunResult
from driftplane.spec import Spec
from driftplane_gcp.clients import GcpClients
from driftplane_gcp.emulator import GoogleCloudEmulator
from driftplane_gcp.provider import GcpProvider

from .conftest import EXAMPLE, provider_for

DRIFTED_DAY = datetime(2026, 1, 12, tzinfo=UTC)  # the window 2026-01-11, after drift began


@pytest.fixture
def ran(example: Spec, clients: GcpClients) -> tuple[GcpProvider, RunResult]:
    provider = provider_for(example, clients)
    (result,) = provider.run(example, at=DRIFTED_DAY)
    return provider, result


def test_run_writes_one_point_per_series_within_the_limits(
    ran: tuple[GcpProvider, RunResult], fake: GoogleCloudEmulator
) -> None:
    _, result = ran
    assert result.status in ("drift", "drift_and_violations") and result.provider == "gcp"
    (request,) = fake.called("CreateTimeSeries")
    assert len(request.time_series) <= 200
    assert all(len(ts.points) == 1 for ts in request.time_series)
    assert len({ts.points[0].interval.end_time for ts in request.time_series}) == 1, "a run's points share one time"
    drift = {
        ts.metric.labels["feature"]: ts.points[0].value.double_value
        for ts in request.time_series
        if ts.metric.type == "custom.googleapis.com/driftplane/feature_drift"
    }
    assert drift == pytest.approx(
        {f.name: f.drift.value for f in result.features if f.drift and f.drift.value is not None}
    )
    resources = {(ts.resource.type, tuple(sorted(ts.resource.labels.items()))) for ts in request.time_series}
    assert resources == {
        (
            "generic_task",
            (
                ("job", "churn"),
                ("location", "us-central1"),
                ("namespace", "driftplane"),
                ("project_id", "my-project"),
                ("task_id", "driftplane"),
            ),
        )
    }


def stored_part(result: RunResult) -> dict[str, Any]:
    """What Cloud Monitoring can keep of a result: everything but texts, summaries and the classifier."""
    data = result.model_dump(mode="json", exclude={"messages", "reports", "error"})
    data["features"] = sorted(
        (
            {k: v for k, v in f.items() if k not in ("baseline", "target")}
            for f in data["features"]
            if f["drift"] is not None and f["drift"]["value"] is not None
        ),
        key=lambda f: f["name"],  # read back by name: the column order is not stored
    )
    data["violations"] = sorted((v["constraint_check_type"], v["feature_name"]) for v in data["violations"])
    if data["dataset_drift"] is not None:
        data["dataset_drift"].pop("classifier", None)
    return data


def test_status_reads_the_run_back(ran: tuple[GcpProvider, RunResult], example: Spec) -> None:
    provider, result = ran
    assert result.violations and result.dataset_drift, "the example's drifted day has something to read back"
    (status,) = provider.status(example)
    assert status.monitor == "churn" and status.state == "not deployed"  # run without apply: no scheduler job
    (back,) = status.runs
    assert stored_part(back) == stored_part(result), "run -> status keeps every number the run wrote"
    assert back.started_at == result.started_at and back.window == result.window
    assert {v.feature_name for v in back.violations} == {v.feature_name for v in result.violations} != {""}
    assert all(v.feature_name in v.description for v in back.violations)
    assert "read back from Cloud Monitoring" in back.messages[0], "the result says what it cannot contain"


def test_violations_of_no_named_feature_are_still_counted() -> None:
    """A run written before feature_violations existed still reads back with its counts."""
    from driftplane.resolved import resolve_monitor
    from driftplane_gcp.status import _Run, result_from_points

    run = _Run(DRIFTED_DAY)
    run.points["runs"].append(({"status": "violations"}, 1))
    run.points["violations"] += [({"check_type": "completeness_check"}, 2), ({"check_type": "data_type_check"}, 0)]
    run.points["feature_violations"].append(({"check_type": "completeness_check", "feature": "age"}, 1))
    spec = Spec.model_validate(
        {"monitors": {"m": {"baseline": {"data": "b.csv"}, "target": {"data": "t.csv", "window": "1d"}}}}
    )
    back = result_from_points(run, resolve_monitor(spec, "m"))
    assert back is not None
    assert [(v.constraint_check_type, v.feature_name) for v in back.violations] == [
        ("completeness_check", "age"),
        ("completeness_check", ""),
    ]


def test_status_lists_runs_newest_first(example: Spec, clients: GcpClients) -> None:
    provider = provider_for(example, clients)
    list(provider.run(example, at=datetime(2026, 1, 5, tzinfo=UTC)))  # before the drift
    list(provider.run(example, at=DRIFTED_DAY))
    provider.apply(example)
    (status,) = provider.status(example)
    assert status.state == "scheduled" and status.next_run is not None
    assert [r.window.end for r in status.runs if r.window] == [DRIFTED_DAY, datetime(2026, 1, 5, tzinfo=UTC)]
    assert status.runs[1].status == "ok" and status.runs[0].found_something


def test_a_failed_run_is_written_and_read_back_as_failed(
    example: Spec, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    provider = provider_for(example, clients)
    (result,) = provider.run(example, at=datetime(2025, 6, 1, tzinfo=UTC))  # no data that day
    assert result.status == "failed"
    runs = fake.called("CreateTimeSeries")[0].time_series
    failed = [ts for ts in runs if ts.metric.type.endswith("/runs")]
    assert [(ts.metric.labels["status"], ts.points[0].value.int64_value) for ts in failed] == [("failed", 1)]
    (status,) = provider.status(example)
    assert status.runs[0].status == "failed" and status.runs[0].error


def test_many_features_are_written_in_requests_of_at_most_200_series(
    clients: GcpClients, fake: GoogleCloudEmulator, tmp_path: Any
) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from driftplane.testing import sample_spec

    from .conftest import SETTINGS

    rng = np.random.default_rng(7)
    columns = {f"f{i:03d}": rng.normal(0, 1, 300) for i in range(120)}
    pq.write_table(pa.table(columns), tmp_path / "base.parquet")
    pq.write_table(pa.table({k: v + 0.5 for k, v in columns.items()}), tmp_path / "target.parquet")
    spec = Spec.model_validate(
        {
            "provider": "gcp",
            "providers": {"gcp": SETTINGS},
            "monitors": {
                "wide": {
                    "baseline": {"data": str(tmp_path / "base.parquet")},
                    "target": {
                        "data": str(tmp_path / "target.parquet"),
                        "window": {"start": "2000-01-01", "end": "2026-01-01"},
                    },
                }
            },
        }
    )
    assert sample_spec  # the conformance helper is not needed here
    provider = provider_for(spec, clients)
    (result,) = provider.run(spec)
    assert len([f for f in result.features if f.drift]) == 120
    requests = fake.called("CreateTimeSeries")
    sizes = [len(r.time_series) for r in requests]
    assert len(requests) >= 2 and max(sizes) == 200 and sum(sizes) > 360
    (status,) = provider.status(spec)
    assert len(status.runs[0].features) == 120


def test_a_backfill_writes_only_the_newest_window(
    example: Spec, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    provider = provider_for(example, clients)
    results = list(provider.run(example, start=datetime(2026, 1, 8, tzinfo=UTC), end=datetime(2026, 1, 12, tzinfo=UTC)))
    assert [r.window.end.day for r in results if r.window] == [9, 10, 11, 12]
    assert len(fake.called("CreateTimeSeries")) == 1
    (status,) = provider.status(example)
    assert [r.window.end for r in status.runs if r.window] == [DRIFTED_DAY]


def json_lines(stdout: str) -> list[Any]:
    """The results of `run --json`: one JSON object per line, nothing else on stdout."""
    return [json.loads(line) for line in stdout.splitlines()]


def test_cli_run_and_status_json(cli: Any, example_dir: Any, fake: GoogleCloudEmulator) -> None:
    spec = str(example_dir / "monitors.yaml")
    result = cli("run", spec, "--at", "2026-01-12", "--json")
    assert result.exit_code == 1, result.output  # found drift
    (ran,) = json_lines(result.stdout)
    assert ran["provider"] == "gcp" and fake.called("CreateTimeSeries")
    result = cli("status", spec, "--json")
    assert result.exit_code == 0, result.output
    (status,) = json.loads(result.stdout)
    assert status["runs"][0]["status"] == ran["status"]
    assert status["runs"][0]["window"] == ran["window"]


def test_example_runs_from_the_repository(cli: Any) -> None:
    result = cli("run", str(EXAMPLE), "--at", "2026-01-05", "--json")
    assert result.exit_code == 0, result.output
    (ran,) = json_lines(result.stdout)
    assert ran["status"] == "ok"


def test_status_shows_the_thresholds_the_run_used_after_the_spec_changes(
    example_dir: Any, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    from driftplane.spec import load_spec

    path = example_dir / "monitors.yaml"
    spec = load_spec(path)
    (result,) = provider_for(spec, clients).run(spec, at=DRIFTED_DAY)
    ran = {f.name: f.drift for f in result.features if f.drift and f.drift.value is not None}
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "    schedule: daily\n",
            "    schedule: daily\n    checks: {drift: {numerical: {metric: normalized_wasserstein, threshold: 0.6}}}\n",
        )
    )
    changed = load_spec(path)
    (status,) = provider_for(changed, clients).status(changed)
    back = {f.name: f.drift for f in status.runs[0].features if f.drift}
    assert back.keys() == ran.keys()
    for name, drift in back.items():
        assert drift is not None and ran[name] is not None
        assert (drift.threshold, drift.effective_threshold) == pytest.approx(
            (ran[name].threshold, ran[name].effective_threshold)
        ), f"{name}: the thresholds the run used, not today's spec"
        assert drift.effective_threshold is not None and drift.effective_threshold >= drift.threshold


def test_a_run_written_without_the_configured_threshold_reads_back_consistently() -> None:
    """Points written by driftplane 0.1 have only the applied threshold; the configured one never exceeds it."""
    from driftplane.resolved import resolve_monitor
    from driftplane_gcp.status import _Run, result_from_points

    run = _Run(DRIFTED_DAY)
    run.points["runs"].append(({"status": "drift"}, 1))
    run.points["feature_drift"] += [
        ({"feature": "age", "metric": "normalized_wasserstein", "kind": "numerical"}, 0.3),
        ({"feature": "plan", "metric": "jensen_shannon", "kind": "categorical"}, 0.05),
    ]
    run.points["feature_drifted"] += [({"feature": "age"}, 1), ({"feature": "plan"}, 0)]
    run.points["feature_drift_threshold"] += [({"feature": "age"}, 0.2), ({"feature": "plan"}, 0.14)]
    spec = Spec.model_validate(
        {
            "monitors": {
                "m": {
                    "baseline": {"data": "b.csv"},
                    "target": {"data": "t.csv"},
                    "checks": {
                        "drift": {
                            "numerical": {"metric": "normalized_wasserstein", "threshold": 0.25},
                            "categorical": {"metric": "jensen_shannon", "threshold": 0.12},
                        }
                    },
                }
            }
        }
    )
    back = result_from_points(run, resolve_monitor(spec, "m"))
    assert back is not None
    drifts = {f.name: f.drift for f in back.features if f.drift}
    assert drifts["plan"] is not None and (drifts["plan"].threshold, drifts["plan"].effective_threshold) == (0.12, 0.14)
    assert drifts["age"] is not None and (drifts["age"].threshold, drifts["age"].effective_threshold) == (0.2, 0.2)
