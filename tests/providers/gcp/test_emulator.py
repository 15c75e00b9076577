"""The emulator enforces Google's documented rules, so passing against it means something.

These talk to it with Google's clients directly, the way driftplane does; the last ones
start it the way the docs tell users to.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from google.api import metric_pb2
from google.api_core import exceptions as gexc
from google.cloud import monitoring_v3 as m
from google.cloud import run_v2

from driftplane_gcp.clients import GcpClients
from driftplane_gcp.emulator import GoogleCloudEmulator

PROJECT = "projects/p"


def series(i: int, *, at: float | None = None, points: int = 1, value: float = 0.5, **labels: str) -> m.TimeSeries:
    when = at if at is not None else time.time()
    return m.TimeSeries(
        metric=metric_pb2.Metric(type="custom.googleapis.com/t/drift", labels={"feature": f"f{i}", **labels}),
        resource={"type": "global", "labels": {"project_id": "p"}},
        points=[
            m.Point(
                interval=m.TimeInterval(end_time={"seconds": int(when) - k}), value=m.TypedValue(double_value=value)
            )
            for k in range(points)
        ],
    )


def test_at_most_200_series_per_request(clients: GcpClients) -> None:
    clients.metrics.create_time_series(name=PROJECT, time_series=[series(i) for i in range(200)])
    with pytest.raises(gexc.InvalidArgument, match="200"):
        clients.metrics.create_time_series(name=PROJECT, time_series=[series(i) for i in range(201)])


def test_exactly_one_point_per_series(clients: GcpClients) -> None:
    with pytest.raises(gexc.InvalidArgument, match="exactly one point"):
        clients.metrics.create_time_series(name=PROJECT, time_series=[series(0, points=2)])


def test_points_must_be_newer_than_the_last(clients: GcpClients) -> None:
    now = time.time()
    clients.metrics.create_time_series(name=PROJECT, time_series=[series(0, at=now)])
    with pytest.raises(gexc.InvalidArgument, match="written in order"):
        clients.metrics.create_time_series(name=PROJECT, time_series=[series(0, at=now - 60)])
    with pytest.raises(gexc.InvalidArgument, match="more than 25h10s in the past"):
        clients.metrics.create_time_series(name=PROJECT, time_series=[series(1, at=now - 26 * 3600)])


def test_one_point_per_series_every_5_seconds_by_default(clients: GcpClients, fake: GoogleCloudEmulator) -> None:
    fake.min_point_interval = 5.0
    now = time.time()
    clients.metrics.create_time_series(name=PROJECT, time_series=[series(0, at=now - 2)])
    with pytest.raises(gexc.InvalidArgument, match="more frequently"):
        clients.metrics.create_time_series(name=PROJECT, time_series=[series(0, at=now)])


def test_label_limits_and_descriptor_labels(clients: GcpClients) -> None:
    with pytest.raises(gexc.InvalidArgument, match="longer than 1024"):
        clients.metrics.create_time_series(name=PROJECT, time_series=[series(0, feature="x" * 1025)])
    with pytest.raises(gexc.InvalidArgument, match="label key"):
        clients.metrics.create_time_series(name=PROJECT, time_series=[series(0, **{"Bad-Key": "v"})])
    clients.metrics.create_metric_descriptor(
        name=PROJECT,
        metric_descriptor=metric_pb2.MetricDescriptor(
            type="custom.googleapis.com/t/drift",
            metric_kind=metric_pb2.MetricDescriptor.MetricKind.GAUGE,
            value_type=metric_pb2.MetricDescriptor.ValueType.DOUBLE,
            labels=[{"key": "feature"}],
        ),
    )
    with pytest.raises(gexc.InvalidArgument, match="not in the descriptor"):
        clients.metrics.create_time_series(name=PROJECT, time_series=[series(0, monitor="m")])


def test_resources_custom_metrics_cannot_be_written_to(clients: GcpClients) -> None:
    bad = series(0)
    bad.resource.type = "cloud_run_revision"
    with pytest.raises(gexc.InvalidArgument, match="Metrics cannot be written to cloud_run_revision"):
        clients.metrics.create_time_series(name=PROJECT, time_series=[bad])


def test_written_points_are_read_back_newest_first(clients: GcpClients) -> None:
    now = time.time()
    clients.metrics.create_time_series(name=PROJECT, time_series=[series(0, at=now - 120, value=0.1)])
    clients.metrics.create_time_series(name=PROJECT, time_series=[series(0, at=now - 60, value=0.2)])
    found = list(
        clients.metrics.list_time_series(
            request={
                "name": PROJECT,
                "filter": 'metric.type = "custom.googleapis.com/t/drift" AND metric.label.feature = "f0"',
                "interval": m.TimeInterval(start_time={"seconds": int(now) - 3600}, end_time={"seconds": int(now)}),
                "view": m.ListTimeSeriesRequest.TimeSeriesView.FULL,
            }
        )
    )
    (ts,) = found
    assert [p.value.double_value for p in ts.points] == [0.2, 0.1]


def policy(
    *,
    comparison: m.ComparisonType = m.ComparisonType.COMPARISON_GT,
    duration: int = 0,
    period: int = 300,
    filter_: str | None = None,
) -> m.AlertPolicy:
    return m.AlertPolicy(
        display_name="p",
        combiner=m.AlertPolicy.ConditionCombinerType.OR,
        conditions=[
            m.AlertPolicy.Condition(
                display_name="c",
                condition_threshold=m.AlertPolicy.Condition.MetricThreshold(
                    filter=filter_ or 'metric.type = "custom.googleapis.com/t/drift" AND resource.type = "global"',
                    comparison=comparison,
                    duration={"seconds": duration},
                    aggregations=[
                        m.Aggregation(
                            alignment_period={"seconds": period}, per_series_aligner=m.Aggregation.Aligner.ALIGN_MAX
                        )
                    ],
                ),
            )
        ],
    )


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"comparison": m.ComparisonType.COMPARISON_GE}, "only COMPARISON_LT and COMPARISON_GT"),
        ({"duration": 90}, "multiple of 60"),
        ({"period": 30}, "between 60 and 90000"),
        ({"period": 100_000}, "between 60 and 90000"),
        ({"filter_": 'metric.type = "custom.googleapis.com/t/drift"'}, "resource type"),
        ({"filter_": 'metric.type = "x" AND resource.type = "global" AND ' + "x" * 2048}, "longer than 2048"),
    ],
)
def test_alert_policies_google_rejects(clients: GcpClients, bad: dict, message: str) -> None:  # type: ignore[type-arg]
    clients.alerts.create_alert_policy(name=PROJECT, alert_policy=policy())
    with pytest.raises(gexc.InvalidArgument, match=message):
        clients.alerts.create_alert_policy(name=PROJECT, alert_policy=policy(**bad))


def test_a_channel_in_use_cannot_be_deleted(clients: GcpClients) -> None:
    channel = clients.channels.create_notification_channel(
        name=PROJECT, notification_channel=m.NotificationChannel(type_="email", labels={"email_address": "a@b.c"})
    )
    used = policy()
    used.notification_channels = [channel.name]
    created = clients.alerts.create_alert_policy(name=PROJECT, alert_policy=used)
    with pytest.raises(gexc.FailedPrecondition, match="referenced by alert policies"):
        clients.channels.delete_notification_channel(name=channel.name)
    clients.alerts.delete_alert_policy(name=created.name)
    clients.channels.delete_notification_channel(name=channel.name)
    with pytest.raises(gexc.NotFound):
        clients.channels.delete_notification_channel(name=channel.name)


def test_secrets_are_not_shown_back(clients: GcpClients) -> None:
    created = clients.channels.create_notification_channel(
        name=PROJECT,
        notification_channel=m.NotificationChannel(
            type_="slack", labels={"channel_name": "#a", "auth_token": "xoxb-1"}
        ),
    )
    assert created.labels["auth_token"] != "xoxb-1"


@pytest.mark.parametrize(
    "labels",
    [
        {"Team": "ml"},
        {"team": "ML"},
        {"team": "a b"},
        {"k" * 64: "v"},
        {"team": "v" * 64},
        {f"k{i}": "v" for i in range(65)},
    ],
)
def test_user_labels_google_refuses(clients: GcpClients, labels: dict[str, str]) -> None:
    bad = policy()
    bad.user_labels = labels
    with pytest.raises(gexc.InvalidArgument, match="label"):
        clients.alerts.create_alert_policy(name=PROJECT, alert_policy=bad)
    job = run_v2.Job(labels=labels, template={"template": {"containers": [{"image": "i"}]}})
    with pytest.raises(gexc.InvalidArgument, match="label"):
        clients.jobs.create_job(parent=f"{PROJECT}/locations/us-central1", job_id="j", job=job)


def test_python_m_driftplane_gcp_emulator_serves_the_real_clients(tmp_path: Any) -> None:
    """What docs/providers/gcp.md tells users to run, started as they would."""
    import subprocess
    import sys

    import grpc

    from driftplane_gcp.clients import clients_for_channel

    process = subprocess.Popen(
        [sys.executable, "-m", "driftplane_gcp.emulator"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("export DRIFTPLANE_GCP_EMULATOR_HOST=127.0.0.1:"), line + (
            process.stderr.read() if process.stderr else ""
        )
        channel = grpc.insecure_channel(line.strip().split("=", 1)[1])
        served = clients_for_channel(channel)
        made = served.channels.create_notification_channel(
            name=PROJECT, notification_channel=m.NotificationChannel(type_="email", labels={"email_address": "a@b.c"})
        )
        assert [c.name for c in served.channels.list_notification_channels(name=PROJECT)] == [made.name]
        channel.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
