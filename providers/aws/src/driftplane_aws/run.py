"""``driftplane run`` with the aws provider: inside a SageMaker Processing job, or on a laptop.

Inside a job (``DRIFTPLANE_AWS_JOB=1``, which the processing backend sets): run the engine
pipeline through the engine's run loop (``--at`` the scheduled time reads that tick's window,
as local ``run --at`` and ``serve`` do), write statistics.json, constraints.json,
constraint_violations.json and result.json in SageMaker's layout under
``DRIFTPLANE_OUTPUT_PATH`` (SageMaker uploads it to the reports URI when the job ends), and
publish driftplane's metrics, which the alarms watch (of a backfill, only each monitor's
newest window: an older window's verdict must not set off today's alarms).

Anywhere else: the same pipeline and files, written under ``.driftplane/aws-output`` beside
the spec (or ``DRIFTPLANE_OUTPUT_PATH``), and nothing published, so trying a monitor on a
laptop never sets off the team's alarms.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from driftplane.engine.api import RESULT_FILE, write_reports
from driftplane.engine.jsonfiles import write_json_atomic
from driftplane.engine.loop import RunRequest, run_windows
from driftplane.engine.monitor import run_monitor
from driftplane.errors import ProviderError
from driftplane.resolved import ResolvedMonitor, resolve_monitor
from driftplane.result import RunResult, Window
from driftplane.spec.models import Spec
from driftplane.windows import describe_window
from driftplane_aws import names
from driftplane_aws.errors import credentials_for
from driftplane_aws.publish import metric_data, publish

if TYPE_CHECKING:
    from driftplane_aws.clients import AwsClients
    from driftplane_aws.settings import AwsSettings

logger = logging.getLogger(__name__)

JOB_ENV = "DRIFTPLANE_AWS_JOB"
OUTPUT_ENV = "DRIFTPLANE_OUTPUT_PATH"
JOB_OUTPUT = "/opt/ml/processing/output"


def in_job() -> bool:
    """True inside a processing job the aws provider started (or when asked to behave as one)."""
    return os.environ.get(JOB_ENV, "").strip().lower() in ("1", "true", "yes")


def output_root(spec: Spec) -> Path:
    configured = os.environ.get(OUTPUT_ENV)
    if configured:
        return Path(configured)
    if in_job():
        return Path(JOB_OUTPUT)
    return spec.base_dir / ".driftplane" / "aws-output"


def result_folder(root: Path, spec: Spec, settings: AwsSettings, monitor: str, window: Window) -> Path:
    """SageMaker's layout: <output>/<endpoint or monitor>/<schedule>/yyyy/mm/dd/hh (the window's end)."""
    target = resolve_monitor(spec, monitor).target
    schedule = names.schedule_name(settings.name_prefix, monitor)
    return root / (target.endpoint or monitor) / schedule / window.end.strftime("%Y/%m/%d/%H")


def capture_data(clients: AwsClients, settings: AwsSettings, endpoint: str) -> str:
    """The partitioned path of an endpoint's captured traffic, from its DataCaptureConfig."""
    described = clients.call(
        "sagemaker", "DescribeEndpoint", {"EndpointName": endpoint}, resource=f"endpoint {endpoint}"
    )
    config_name = described["EndpointConfigName"]
    config = clients.call(
        "sagemaker", "DescribeEndpointConfig", {"EndpointConfigName": config_name}, resource=config_name
    )
    capture = config.get("DataCaptureConfig") or {}
    if not capture.get("EnableCapture"):
        raise ProviderError(
            f"data capture is not enabled on endpoint {endpoint}: turn it on with "
            f"`driftplane aws enable-capture --endpoint {endpoint} --destination s3://BUCKET/capture`"
        )
    destination = str(capture["DestinationS3Uri"]).rstrip("/")
    return (
        f"{destination}/{endpoint}/{settings.capture_variant}/"
        "{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/{timestamp:HH}/*.jsonl"
    )


def baseline_columns(spec: Spec, monitor: str) -> list[str] | None:
    """Every column of the monitor's baseline in its order, excluded features included.

    Captured rows have no header and take the baseline's names BY POSITION (the endpoint
    output first). The engine names them after the baseline's profile, which leaves out the
    features the spec excludes: naming by that list would shift each later column onto the
    wrong name. A statistics.json driftplane wrote for an endpoint already lists every column;
    a baseline dataset is asked for its columns (a first batch of a few rows).
    """
    source = resolve_monitor(spec, monitor).baseline.source
    if source is None or source.data is None:
        return None
    from driftplane.engine.readers import TIMESTAMP_COLUMN, read

    stream = read(source, base_dir=spec.base_dir, batch_rows=16)
    for batch in stream:
        return [name for name in batch.schema.names if name != TIMESTAMP_COLUMN]
    return None


def with_capture(spec: Spec, monitor: str, data: str) -> Spec:
    """The spec with the monitor's target reading ``data`` as SageMaker capture files.

    The captured values are named by the baseline's columns.
    """
    original = spec.monitor(monitor)
    update: dict[str, object] = {"data": data, "format": "sagemaker-capture"}
    if original.target.columns is None:
        columns = baseline_columns(spec, monitor)
        if columns:
            update["columns"] = columns
    target = original.target.model_copy(update=update)
    monitors = {**spec.monitors, monitor: original.model_copy(update={"target": target})}
    return spec.model_copy(update={"monitors": monitors})


def _sources(monitor: ResolvedMonitor) -> str:
    """The monitor's remote data, as the user wrote it, for a message about reading it."""
    baseline = monitor.baseline
    named = [
        ("baseline", baseline.source.data if baseline.source else baseline.statistics),
        ("target", monitor.target.data),
    ]
    remote = [f"its {role} {where}" for role, where in named if where and "://" in where]
    if not remote and monitor.target.endpoint:
        remote = [f"endpoint {monitor.target.endpoint}'s capture"]
    return " and ".join(remote) or "its data"


def run_monitors(
    spec: Spec,
    settings: AwsSettings,
    clients: AwsClients | None,
    monitors: list[str],
    *,
    at: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Iterator[RunResult]:
    """Each monitor over the windows the request means (the engine's run loop), as the job runs it."""
    publishing = in_job()
    root = output_root(spec)
    if not publishing:
        logger.info(
            "running here, not in a SageMaker job: reports go to %s and no CloudWatch metric is published "
            "(set %s=1 to behave as the job does)",
            root,
            JOB_ENV,
        )
    for name in monitors:
        run_spec = _reading_capture(spec, settings, clients, name)

        def execute(monitor: ResolvedMonitor, window: Window, newest: bool) -> RunResult:
            with credentials_for(f"monitor {monitor.name} could not read {_sources(monitor)}"):
                run = run_monitor(monitor, window, provider="aws")
            folder = result_folder(root, spec, settings, monitor.name, window)
            result = run.result
            if run.target is not None and run.baseline is not None:
                result = write_reports(folder, result, run.target, run.baseline.constraints)
            else:
                write_json_atomic(folder / RESULT_FILE, result.model_dump(mode="json"))
            logger.info("monitor %s: %s; reports in %s", monitor.name, result.status, folder)
            if publishing and clients is not None and newest:
                publish(clients, metric_data(result, read_seconds=run.read_seconds, when=datetime.now(UTC)))
                settled = monitor.settled_window(window)
                if settled is not None:
                    judge_settled(monitor, settled)
            return result

        def judge_settled(monitor: ResolvedMonitor, window: Window) -> None:
            """The window whose labels' wait has just passed, judged final and published (model quality only).

            The job keeps no history, so each tick judges once more the window that became final by it.
            """
            assert clients is not None
            with credentials_for(f"monitor {monitor.name} could not read {_sources(monitor)} or its labels"):
                run = run_monitor(monitor, window, provider="aws")
            result = run.result
            folder = result_folder(root, spec, settings, monitor.name, window)
            if run.target is not None and run.baseline is not None:
                result = write_reports(folder, result, run.target, run.baseline.constraints)
            else:
                write_json_atomic(folder / RESULT_FILE, result.model_dump(mode="json"))
            judged = result.performance.judged if result.performance is not None else "none"
            logger.info(
                "monitor %s: the window %s judged again now its labels' wait has passed: %s; reports in %s",
                monitor.name,
                describe_window(window),
                judged,
                folder,
            )
            publish(clients, metric_data(result, when=datetime.now(UTC), performance_only=True))

        yield from run_windows(run_spec, [name], RunRequest(at=at, start=start, end=end), execute)


def _reading_capture(spec: Spec, settings: AwsSettings, clients: AwsClients | None, name: str) -> Spec:
    """The spec whose monitor ``name`` reads its endpoint's captured traffic (found from the endpoint's config)."""
    target = resolve_monitor(spec, name).target
    if not target.endpoint or target.data:
        return spec
    if clients is None:
        raise ProviderError(f"monitor {name}: reading endpoint {target.endpoint}'s capture needs AWS access")
    with credentials_for(f"monitor {name} could not read its baseline's columns"):
        return with_capture(spec, name, capture_data(clients, settings, target.endpoint))
