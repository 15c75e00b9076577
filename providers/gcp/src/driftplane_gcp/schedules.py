"""A monitor's schedule as a Cloud Scheduler job that starts a Cloud Run job running driftplane.

The Cloud Run job runs ``driftplane run SPEC --monitor M --provider gcp`` in the configured
image; the Scheduler job calls the Cloud Run Admin API's ``jobs.run`` on the monitor's
schedule (cron, UTC), authenticated as the configured service account. A run that found
drift exits 1, which is news, not a failure: the job maps it to 0 so Cloud Run does not
mark the execution failed; data or cloud failures (exit 3) still fail it.

Which window: Cloud Scheduler's request body is fixed when the job is created (the tick's
time travels only in an ``X-CloudScheduler-ScheduleTime`` header, which the Cloud Run Admin
API does not hand to the container), so the job cannot be told ``--at TICK``. It runs
``run`` without ``--at``, which reads the window of the latest tick
(``driftplane.engine.loop``: ``WindowRule.latest``): started by the tick T, that is T's
window, [T - latency - length, T - latency), the window ``serve`` reads for T. Only an
execution that starts after the next tick would read that tick's window instead.

Cloud Scheduler jobs have no labels, so the monitor's tags are written into the job's
description (after driftplane's marker); the Cloud Run job carries them as labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from driftplane.resolved import ResolvedMonitor
from driftplane_gcp.messages import to_dict
from driftplane_gcp.names import DIGEST_LABEL, SCHEDULER_MARKER, digest, managed_labels, resource_id
from driftplane_gcp.settings import GcpSettings

if TYPE_CHECKING:
    from google.cloud import run_v2, scheduler_v1

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
MAX_DESCRIPTION = 500  # characters of a Cloud Scheduler job's description
# $0 is the spec path and $1 the monitor, so neither is ever parsed by the shell.
RUN_SCRIPT = (
    'driftplane run "$0" --monitor "$1" --provider gcp; code=$?; '
    'if [ "$code" -eq 1 ]; then exit 0; fi; exit "$code"'
)


def run_job_name(project: str, location: str, monitor: str) -> str:
    return f"projects/{project}/locations/{location}/jobs/{resource_id(monitor)}"


def scheduler_job_name(project: str, location: str, monitor: str) -> str:
    return f"projects/{project}/locations/{location}/jobs/{resource_id(monitor)}"


def run_job(monitor_name: str, *, settings: GcpSettings, project: str, labels: Mapping[str, str]) -> run_v2.Job:
    """The Cloud Run job that runs one monitor once, labelled with its tags and driftplane's labels."""
    from google.cloud import run_v2

    assert settings.image is not None
    job = run_v2.Job(
        labels={**labels, **managed_labels(monitor_name)},
        template=run_v2.ExecutionTemplate(
            task_count=1,
            parallelism=1,
            template=run_v2.TaskTemplate(
                containers=[
                    run_v2.Container(
                        image=settings.image,
                        command=["/bin/sh", "-c", RUN_SCRIPT],
                        args=[settings.spec_path, monitor_name],
                        env=[
                            run_v2.EnvVar(name="GOOGLE_CLOUD_PROJECT", value=project),
                            run_v2.EnvVar(name="DRIFTPLANE_MONITOR", value=monitor_name),
                        ],
                    )
                ],
                service_account=settings.service_account or "",
                max_retries=0,
                timeout={"seconds": settings.job_timeout},
            ),
        ),
    )
    job.labels[DIGEST_LABEL] = digest(to_dict(job))
    return job


def scheduler_job(
    monitor: ResolvedMonitor, *, settings: GcpSettings, project: str, tags: Mapping[str, str]
) -> scheduler_v1.Job:
    """The Cloud Scheduler job that starts the monitor's Cloud Run job on its schedule.

    ``tags`` are written as the spec wrote them at the end of the description (cut at
    Google's 500 characters, saying how many more the Cloud Run job carries).
    """
    from google.cloud import scheduler_v1

    monitor_name = monitor.name
    location = settings.location
    run_name = run_job_name(project, location, monitor_name)
    job = scheduler_v1.Job(
        name=scheduler_job_name(project, location, monitor_name),
        schedule=monitor.schedule.cron,
        time_zone="Etc/UTC",
        http_target=scheduler_v1.HttpTarget(
            uri=f"https://run.googleapis.com/v2/{run_name}:run",
            http_method=scheduler_v1.HttpMethod.POST,
            oauth_token=scheduler_v1.OAuthToken(
                service_account_email=settings.service_account or "", scope=CLOUD_PLATFORM
            ),
        ),
    )
    description = (
        f"driftplane monitor {monitor_name}: starts Cloud Run job {resource_id(monitor_name)} "
        f"{SCHEDULER_MARKER} digest={digest(to_dict(job))}"
    )
    job.description = _with_tags(description, tags)
    return job


def _with_tags(description: str, tags: Mapping[str, str]) -> str:
    """The description, then ``tags: k=v, ...`` as far as 500 characters allow."""
    if not tags:
        return description[:MAX_DESCRIPTION]
    pairs = [f"{key}={value}" for key, value in tags.items()]
    for shown in range(len(pairs), 0, -1):
        rest = len(pairs) - shown
        more = f" (and {rest} more on the Cloud Run job)" if rest else ""
        text = f"{description}; tags: {', '.join(pairs[:shown])}{more}"
        if len(text) <= MAX_DESCRIPTION:
            return text
    return f"{description}; tags: see the Cloud Run job"[:MAX_DESCRIPTION]


def is_managed_scheduler_job(job: scheduler_v1.Job) -> bool:
    return SCHEDULER_MARKER in (job.description or "")
