"""Where a cloud runs driftplane itself, its run reads the window local ``serve`` reads, and finds the same.

For each schedule and window below, the tick is the schedule's latest one (from the cloud's
own cron), the data covers the days before it with a different number of rows every hour
(so the rows read tell which window was read) and drift in some hours, and:

- local: ``serve`` runs the tick's window (``LocalRunner.run_window``);
- aws processing: the job EventBridge starts, as ``plan --offline`` builds it: the container's
  ``driftplane`` arguments with ``<aws.scheduler.scheduled-time>`` replaced by the tick, the
  job's environment, its spec and baseline files where SageMaker mounts them (here, a folder),
  the target read from S3 (moto's S3 on 127.0.0.1). Not marked as inside a job, so it writes
  result.json and publishes nothing;
- gcp: the Cloud Run job's command as ``plan --offline`` builds it (no ``--at``: started by
  the tick, it reads the tick's window), writing to Cloud Monitoring (the in-process
  emulator), whose series are read back.

Each compares the window, the rows read and each feature's metric, value, applied threshold
and verdict with the local run.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner
from tests.equivalence.cases import SETTINGS
from tests.equivalence.clouds import aws_cron
from tests.equivalence.conftest import write_baseline
from tests.equivalence.meaning import previous_tick

from driftplane.cli import cli
from driftplane.local.runner import LocalRunner
from driftplane.local.settings import LocalSettings
from driftplane.result import RunResult, Window
from driftplane.spec import load_spec

HOUR = timedelta(hours=1)
DAYS = 10
BUCKET = "ml-bucket"
TARGET_KEY = "scores/target.parquet"
S3_PREFIX = f"s3://{BUCKET}/scores/"
SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"

CASES = {
    "daily-window-1d-latency-2h": {"schedule": "daily", "target": {"window": "1d", "latency": "2h"}},
    "hourly-latency-30m": {"schedule": "hourly", "target": {"latency": "30m"}},
    "weekdays-time-since-previous": {"schedule": "0 9 * * 1-5", "target": {"latency": "1h"}},
    "every-6h-window-12h": {"schedule": "0 */6 * * *", "target": {"window": "12h"}},
    "lag-1d-hourly": {"schedule": "hourly", "target": {"window": "2h"}, "baseline": {"lag": "1d"}},
}


def rows_in(hour: datetime) -> int:
    """A different row count each hour, so the rows a run reads tell which window it read."""
    return 30 + int(hour.timestamp() // 3600) % 23


def write_target(path: Path, end: datetime) -> None:
    """DAYS of hourly data up to ``end``; x is shifted in hours whose number of the day is a multiple of 5."""
    start = end - DAYS * 24 * HOUR
    columns: dict[str, list[Any]] = {"ts": [], "x": [], "y": [], "plan": [], "region": []}
    hour = start
    while hour < end:
        rng = np.random.default_rng(int(hour.timestamp()))
        n = rows_in(hour)
        shift = 1.5 if hour.hour % 5 == 0 else 0.0
        columns["ts"] += [hour + timedelta(seconds=float(s)) for s in np.linspace(0, 3599, n)]
        columns["x"] += list(rng.normal(shift, 1, n))
        columns["y"] += list(rng.normal(50, 10, n))
        columns["plan"] += list(rng.choice(["basic", "plus", "pro"], n))
        columns["region"] += list(rng.choice(["north", "south"], n))
        hour += HOUR
    columns["ts"] = pa.array(columns["ts"], pa.timestamp("us", "UTC"))  # type: ignore[assignment]
    pq.write_table(pa.table(columns), path)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("run-data")
    write_baseline(folder / "train.parquet")
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + HOUR
    write_target(folder / "target.parquet", now)
    return folder


def spec_for(folder: Path, provider: str, monitor: dict[str, Any], data: Path) -> Path:
    """The case's monitor for ``provider``: the target where that provider's run reads it."""
    name, settings = SETTINGS[provider]
    settings = json.loads(json.dumps(settings))
    path = folder / provider / "monitors.yaml"
    path.parent.mkdir(parents=True)
    if provider == "gcp":
        settings["spec_path"] = str(path)
    body = json.loads(json.dumps(monitor))
    target = f"{S3_PREFIX}target.parquet" if provider == "aws-processing" else str(data / "target.parquet")
    body["target"].update({"data": target, "timestamp_column": "ts"})
    body.setdefault("baseline", {})
    if "lag" not in body["baseline"]:
        body["baseline"]["data"] = str(data / "train.parquet")
    document = {"provider": name, "providers": {name: settings}, "monitors": {"m": body}}
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def plan(path: Path, provider: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["plan", str(path), "--provider", provider, "--offline", "--json"])
    assert result.exit_code == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def latest_tick(cron: str, now: datetime) -> datetime:
    return previous_tick(cron, now + timedelta(microseconds=1))


def same_run(cloud: RunResult | dict[str, Any], local: RunResult, where: str) -> None:
    if isinstance(cloud, dict):
        cloud = RunResult.model_validate(cloud)
    assert cloud.window == local.window, f"{where} read {cloud.window}, local serve {local.window}"
    assert cloud.rows == local.rows, f"{where} read other rows"
    assert cloud.status == local.status
    assert [(f.name, f.drift) for f in cloud.features] == [(f.name, f.drift) for f in local.features], where


# -- aws processing ------------------------------------------------------------------------------


def run_aws_job(
    plan_json: dict[str, Any], tick: datetime, root: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """The processing job EventBridge would start at ``tick``, run here as its container runs it."""
    (schedule,) = [c["request"]["body"] for c in plan_json["changes"] if c["kind"] == "scheduler:Schedule"]
    job = json.loads(schedule["Target"]["Input"])
    uploads = {c["name"]: c["request"]["body"]["Body"] for c in plan_json["changes"] if c["kind"] == "s3:Object"}
    mounted = root / "opt-ml"

    def local(path: str) -> str:
        return str(mounted) + path.removeprefix("/opt/ml") if path.startswith("/opt/ml") else path

    for source in job["ProcessingInputs"]:  # SageMaker copies each input prefix to its local path
        prefix, folder = source["S3Input"]["S3Uri"], Path(local(source["S3Input"]["LocalPath"]))
        for uri, body in uploads.items():
            if uri.startswith(prefix):
                (folder / uri.removeprefix(prefix)).parent.mkdir(parents=True, exist_ok=True)
                text = body.replace("/opt/ml", str(mounted))
                (folder / uri.removeprefix(prefix)).write_text(text, encoding="utf-8")
    for name, value in job["Environment"].items():
        monkeypatch.setenv(name, local(value))
    monkeypatch.setenv("DRIFTPLANE_AWS_JOB", "0")  # run here: write the files, publish nothing
    app = job["AppSpecification"]
    assert app["ContainerEntrypoint"][:3] == ["sh", "-c", app["ContainerEntrypoint"][2]]
    assert app["ContainerEntrypoint"][2].startswith('driftplane "$@"; rc=$?; if [ "$rc" -eq 1 ]; then exit 0; fi')
    scheduled = tick.strftime("%Y-%m-%dT%H:%M:%SZ")  # as EventBridge Scheduler fills it in
    args = [local(a).replace(SCHEDULED_TIME, scheduled) for a in app["ContainerArguments"]]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 1), result.stderr
    output = Path(local(job["Environment"]["DRIFTPLANE_OUTPUT_PATH"]))
    (found,) = output.rglob("result.json")
    answer: dict[str, Any] = json.loads(found.read_text())
    return answer


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """moto's S3 on 127.0.0.1, where the processing job reads its target."""
    import logging
    import socket

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The bucket, emptied, and every S3 client of the run (boto3, s3fs) pointed at it."""
    import boto3
    import requests

    requests.post(f"{moto_url}/moto-api/reset", timeout=10)
    for name, value in (
        ("AWS_ENDPOINT_URL", moto_url),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ):
        monkeypatch.setenv(name, value)
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    client = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.mark.parametrize("case", CASES)
def test_the_aws_processing_job_reads_the_window_serve_reads(
    tmp_path: Path, data: Path, case: str, monkeypatch: pytest.MonkeyPatch, s3: Any
) -> None:
    s3.put_object(Bucket=BUCKET, Key=TARGET_KEY, Body=(data / "target.parquet").read_bytes())
    aws_spec = spec_for(tmp_path, "aws-processing", CASES[case], data)
    local_spec = spec_for(tmp_path, "local", CASES[case], data)
    planned = plan(aws_spec, "aws")
    (schedule,) = [c["request"]["body"] for c in planned["changes"] if c["kind"] == "scheduler:Schedule"]
    tick = latest_tick(aws_cron(schedule["ScheduleExpression"]), datetime.now(UTC))
    ran = run_aws_job(planned, tick, tmp_path / "job", monkeypatch)
    served = LocalRunner(load_spec(local_spec), LocalSettings()).run_window("m", tick)
    same_run(ran, served, f"the aws processing job at {tick:%Y-%m-%d %H:%M}")
    assert served.rows.target > 0


def test_the_issue_example_reads_the_day_before_latency_in_the_aws_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, s3: Any
) -> None:
    """Daily, target.latency 2h, tick 2026-01-12T00:00 -> [2026-01-10 22:00, 2026-01-11 22:00)."""
    data = tmp_path / "data"
    data.mkdir()
    write_baseline(data / "train.parquet")
    write_target(data / "target.parquet", datetime(2026, 1, 13, tzinfo=UTC))
    s3.put_object(Bucket=BUCKET, Key=TARGET_KEY, Body=(data / "target.parquet").read_bytes())
    aws_spec = spec_for(tmp_path, "aws-processing", CASES["daily-window-1d-latency-2h"], data)
    ran = run_aws_job(plan(aws_spec, "aws"), datetime(2026, 1, 12, tzinfo=UTC), tmp_path / "job", monkeypatch)
    assert Window.model_validate(ran["window"]) == Window(
        start=datetime(2026, 1, 10, 22, tzinfo=UTC), end=datetime(2026, 1, 11, 22, tzinfo=UTC)
    )
    assert ran["rows"]["target"] == sum(rows_in(datetime(2026, 1, 10, 22, tzinfo=UTC) + h * HOUR) for h in range(24))


# -- gcp -------------------------------------------------------------------------------------------


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from driftplane_gcp.clients import EMULATOR_ENV
    from driftplane_gcp.emulator import GoogleCloudEmulator

    server = GoogleCloudEmulator(min_point_interval=0)
    server.start()
    monkeypatch.setenv(EMULATOR_ENV, server.address)
    yield server
    server.stop()


def run_gcp_job(plan_json: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The Cloud Run job's container command, run here (in-process) with the job's environment."""
    (job,) = [c["request"]["body"]["job"] for c in plan_json["changes"] if c["kind"] == "run:Job"]
    (container,) = job["template"]["template"]["containers"]
    command, args = container["command"], container["args"]
    assert command[:2] == ["/bin/sh", "-c"] and 'if [ "$code" -eq 1 ]; then exit 0; fi' in command[2]
    first = shlex.split(command[2].split(";")[0])
    argv = [args[int(a[1:])] if re.fullmatch(r"\$\d", a) else a for a in first]
    assert argv[0] == "driftplane"
    for variable in container["env"]:
        monkeypatch.setenv(variable["name"], variable["value"])
    result = CliRunner().invoke(cli, argv[1:])
    assert result.exit_code in (0, 1), result.stderr


def written(emulator: Any, name: str, **labels: str) -> float:
    """The newest point the job wrote to the one series of metric ``name`` with these labels."""
    found = [
        series
        for series in emulator.series.values()
        if series.metric_type.rsplit("/", 1)[1] == name and labels.items() <= series.metric_labels.items()
    ]
    assert len(found) == 1, f"{len(found)} series of {name} {labels}"
    value = type(found[0].points[-1].value).pb(found[0].points[-1].value)
    return float(getattr(value, str(value.WhichOneof("value"))))


@pytest.mark.parametrize("case", CASES)
def test_the_gcp_job_reads_the_window_serve_reads(
    tmp_path: Path, data: Path, case: str, emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    gcp_spec = spec_for(tmp_path, "gcp", CASES[case], data)
    local_spec = spec_for(tmp_path, "local", CASES[case], data)
    planned = plan(gcp_spec, "gcp")
    (scheduler,) = [c["request"]["body"]["job"] for c in planned["changes"] if c["kind"] == "scheduler:Job"]
    for _ in range(3):  # a run that straddles a tick is tried again
        tick = latest_tick(scheduler["schedule"], datetime.now(UTC))
        run_gcp_job(planned, monkeypatch)
        if latest_tick(scheduler["schedule"], datetime.now(UTC)) == tick:
            break
    served = LocalRunner(load_spec(local_spec), LocalSettings()).run_window("m", tick)
    assert served.window is not None and served.rows.target > 0
    assert written(emulator, "last_window_end_timestamp_seconds", monitor="m") == served.window.end.timestamp()
    assert written(emulator, "rows_read", monitor="m", side="target") == served.rows.target
    for feature in served.features:
        drift = feature.drift
        assert drift is not None and drift.value is not None
        assert written(emulator, "feature_drifted", feature=feature.name) == int(drift.drifted), feature.name
        assert written(emulator, "feature_drift", feature=feature.name, metric=drift.metric) == drift.value, (
            feature.name
        )
        assert written(emulator, "feature_drift_threshold", feature=feature.name) == drift.effective_threshold, (
            feature.name
        )
