"""Captured endpoint traffic has no header: its columns meet the baseline's BY POSITION, output first.

Both backends must line the baseline files (and the capture reader's names) up with the
capture: every column of the baseline in its order, excluded features keeping their place.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from driftplane.spec import Spec
from driftplane_aws.baseline import compute_baseline
from driftplane_aws.iam import capture_destinations, policies

from .conftest import ACCOUNT, BUCKET, REGION, REPO, settings_dict
from .iam_check import denied
from .test_lifecycle import capturing_endpoint

TRAIN = REPO / "examples/quickstart/data/train.parquet"
AT = datetime(2026, 1, 12, tzinfo=UTC)


def scored_baseline(tmp_path: Path) -> Path:
    """The training set with the model's output first, as the capture lays a row out."""
    table = pq.read_table(TRAIN)
    score = pc.divide(pc.cast(table["custserv_calls"], pa.float64()), 10.0)
    path = tmp_path / "scored.parquet"
    pq.write_table(table.add_column(0, "churn_score", score), path)
    return path


def endpoint_spec(baseline: dict[str, str], backend: str = "model-monitor") -> Spec:
    settings = settings_dict(backend=backend)
    if backend == "processing":
        settings["image_uri"] = "123456789012.dkr.ecr.us-east-1.amazonaws.com/driftplane:1"
    return Spec.model_validate(
        {
            "provider": "aws",
            "providers": {"aws": settings},
            "monitors": {
                "churn": {
                    "baseline": baseline,
                    "target": {"endpoint": "churn-prod", "window": "1d"},
                    "features": {"exclude": ["customer_id"]},
                    "schedule": "daily",
                    "alerts": [{"name": "drifted", "when": "drift", "notify": ["email:ml@example.com"]}],
                }
            },
        }
    )


def test_model_monitor_baseline_files_list_every_column_in_capture_order(tmp_path, make_provider) -> None:
    path = scored_baseline(tmp_path)
    spec = endpoint_spec({"data": str(path)})
    plan = make_provider(spec).plan(spec, offline=True)
    bodies = {
        c.name.rsplit("/", 1)[1]: json.loads(c.request.body["Body"])
        for c in plan.changes
        if c.kind == "s3:Object" and c.request
    }
    order = pq.read_schema(path).names
    # churn_score first, customer_id kept in place
    assert [f["name"] for f in bodies["statistics.json"]["features"]] == order
    constraints = {f["name"]: f for f in bodies["constraints.json"]["features"]}
    assert [f["name"] for f in bodies["constraints.json"]["features"]] == order
    assert constraints["customer_id"]["monitoringConfigOverrides"] == {"evaluate_constraints": "Disabled"}
    assert "monitoringConfigOverrides" not in constraints["day_mins"]
    alarmed = {c.request.body["MetricName"] for c in plan.changes if c.kind == "cloudwatch:MetricAlarm" and c.request}
    assert "feature_baseline_drift_customer_id" not in alarmed and "feature_baseline_drift_day_mins" in alarmed


def test_batch_targets_keep_the_spec_selection(tmp_path, make_provider) -> None:
    """Batch data has a header: nothing is positional, so excluded features stay out of the files."""
    spec = Spec.model_validate(
        {
            "provider": "aws",
            "providers": {"aws": settings_dict()},
            "monitors": {
                "churn": {
                    "baseline": {"data": str(TRAIN)},
                    "target": {"data": f"s3://{BUCKET}/scores/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/*.parquet"},
                    "features": {"exclude": ["customer_id"]},
                }
            },
        }
    )
    statistics = json.loads(compute_baseline(spec, "churn").statistics)
    assert "customer_id" not in [f["name"] for f in statistics["features"]]


def _capture_lines(rows: pa.Table) -> str:
    """SageMaker capture records: the request's CSV fields and the model's output, no header."""
    lines = []
    columns = [c for c in rows.column_names if c != "churn_score"]
    for k, row in enumerate(rows.to_pylist()):
        fields = ",".join(str(row[c]) for c in columns)
        record = {
            "captureData": {
                "endpointInput": {
                    "observedContentType": "text/csv",
                    "mode": "INPUT",
                    "data": fields,
                    "encoding": "CSV",
                },
                "endpointOutput": {
                    "observedContentType": "text/csv",
                    "mode": "OUTPUT",
                    "data": str(row["churn_score"]),
                    "encoding": "CSV",
                },
            },
            "eventMetadata": {"eventId": f"e{k}", "inferenceTime": f"2026-01-11T10:{k // 60:02d}:{k % 60:02d}Z"},
            "eventVersion": "0",
        }
        lines.append(json.dumps(record))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("baseline_kind", ["data", "statistics"])
def test_processing_job_names_captured_columns_by_the_full_baseline_order(
    tmp_path, make_provider, s3, moto, monkeypatch, request_log, baseline_kind
) -> None:
    """data: a run on a laptop profiles the dataset; statistics: the files apply uploads for the job."""
    for name, value in {
        "AWS_ENDPOINT_URL": moto,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)  # the engine reads the capture from S3 itself
    monkeypatch.setenv("DRIFTPLANE_OUTPUT_PATH", str(tmp_path / "output"))
    path = scored_baseline(tmp_path)
    if baseline_kind == "statistics":
        files = compute_baseline(endpoint_spec({"data": str(path)}, "processing"), "churn")
        (tmp_path / "statistics.json").write_text(files.statistics)
        (tmp_path / "constraints.json").write_text(files.constraints)
        baseline = {"statistics": str(tmp_path / "statistics.json"), "constraints": str(tmp_path / "constraints.json")}
    else:
        baseline = {"data": str(path)}
    spec = endpoint_spec(baseline, "processing")
    provider = make_provider(spec)
    capturing_endpoint(provider)
    captured = pq.read_table(path).slice(0, 240)
    s3.put_object(
        Bucket=BUCKET,
        Key="capture/churn-prod/AllTraffic/2026/01/11/10/00-00-000-a.jsonl",
        Body=_capture_lines(captured).encode(),
    )

    request_log.clear()
    (result,) = list(provider.run(spec, at=AT))
    features = {f.name: f for f in result.features}
    assert "customer_id" not in features
    assert result.rows.target == 240
    for name in ("account_length", "day_mins", "custserv_calls", "churn_score"):
        assert features[name].target["mean"] == pytest.approx(pc.mean(captured[name]).as_py()), name

    # The job role iam-policy prints allows what the job did: find the capture, list and read it.
    destinations = capture_destinations(provider.clients, spec)
    policy = policies(spec, provider.aws_settings, REGION, ACCOUNT, destinations)["job_role"]
    reads = [
        ("s3", "ListObjectsV2", {"Bucket": BUCKET}),
        ("s3", "GetObject", {"Bucket": BUCKET, "Key": "capture/churn-prod/AllTraffic/2026/01/11/10/00-00-000-a.jsonl"}),
    ]
    assert {op for _, op, _ in request_log.requests} >= {"DescribeEndpoint", "DescribeEndpointConfig"}
    assert denied(policy, request_log.requests + reads) == []
    # and nothing beyond it
    assert denied(policy, [("s3", "GetObject", {"Bucket": BUCKET, "Key": "other/churn-prod/x.jsonl"})])
