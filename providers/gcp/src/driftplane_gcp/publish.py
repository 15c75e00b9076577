"""Write a run's time series to Cloud Monitoring, within its rules.

At most 200 series per CreateTimeSeries request, one point per series, every point of a run
at the same end time. UNAVAILABLE and DEADLINE_EXCEEDED are retried with backoff (the
clients do not retry writes); RESOURCE_EXHAUSTED (a quota) is retried a few times with a
longer backoff and then reported with the limit; INVALID_ARGUMENT is never retried: a point
Google refused once it refuses again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from driftplane.resolved import ResolvedMonitor
from driftplane.result import RunResult
from driftplane_gcp import errors, series
from driftplane_gcp.clients import GcpClients, write_retry
from driftplane_gcp.settings import GcpSettings

logger = logging.getLogger(__name__)


def finished_at(result: RunResult) -> datetime:
    """When the run finished: the time all its points carry.

    ``status`` reads ``started_at`` back as this time minus the duration, so it comes back
    as the run reported it; a result without both is stamped now.
    """
    if result.started_at is not None and result.duration_seconds is not None:
        return result.started_at + timedelta(seconds=result.duration_seconds)
    return datetime.now(UTC)


def refusal_hint(message: str, *, monitor: str, at: datetime) -> str:
    """What to do about one refused write, told from Google's own words for its cause.

    Cloud Monitoring refuses a point for one of a few reasons and names it; each needs
    something different from the user, so only the one that applies is said.
    """
    text = message.lower()
    when = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if "more frequently than the maximum sampling period" in text:
        return (
            f"Another run of monitor {monitor} wrote its points only seconds before this one, and Cloud "
            "Monitoring takes at most one point per series every few seconds. This result is not recorded "
            "there; run the monitor again in a minute if it should be, and do not start it twice at once"
        )
    if "written in order" in text:
        return (
            f"A point newer than this run's ({when}) is already written for monitor {monitor}, and Cloud "
            "Monitoring only adds points newer than the last one: another run of this monitor (its scheduled "
            "job, or a machine whose clock is ahead) wrote later. This result is not recorded there; check "
            "this machine's clock, and run each monitor from one place"
        )
    if "in the past" in text or "older than 25" in text:
        return (
            f"This run's time ({when}) is more than 25 hours ago by Google's clock, and older points cannot be "
            "written: check this machine's clock"
        )
    if "in the future" in text:
        return f"This run's time ({when}) is ahead of Google's clock: check this machine's clock"
    if "metrics cannot be written to" in text or ("resource" in text and "label" in text):
        return (
            "The monitored resource does not fit Cloud Monitoring's rules: check providers.gcp.resource_type "
            "and resource_labels with `driftplane validate --provider gcp`"
        )
    if "label" in text or "value type" in text or "descriptor" in text:
        return (
            "The points do not fit the metric descriptors in the project, which an older driftplane "
            "created: run `driftplane apply --provider gcp` to update them"
        )
    return "Nothing was retried: Google refuses the same points again"


def publish(
    clients: GcpClients,
    result: RunResult,
    *,
    settings: GcpSettings,
    project: str,
    at: datetime,
    read_seconds: Mapping[str, float] | None = None,
    monitor: ResolvedMonitor | None = None,
    rejudged: Sequence[RunResult] = (),
) -> int:
    """Write one run's points, ending at ``at``; returns how many series were written.

    With the resolved ``monitor``, its model quality too: the newest window's judgement and those
    of the earlier windows judged again in this run (``rejudged``), see ``series.model_quality_points``.
    """
    from google.api_core import exceptions as gexc
    from google.cloud import monitoring_v3

    resource = series.resource_for(
        settings.resource_type,
        settings.resource_labels,
        project=project,
        location=settings.location,
        monitor=result.monitor,
    )
    points = series.points_for(result, read_seconds)
    if monitor is not None:
        points += series.model_quality_points(monitor, result, rejudged)
    all_series = series.time_series(points, prefix=settings.metric_prefix, resource=resource, at=at)
    batches = series.chunks(all_series)
    doing = f"writing {len(all_series)} time series for monitor {result.monitor}"
    for number, batch in enumerate(batches, start=1):
        req = monitoring_v3.CreateTimeSeriesRequest(name=f"projects/{project}", time_series=batch)
        delay = settings.quota_backoff
        attempt = 1
        while True:
            try:
                clients.metrics.create_time_series(
                    request=req, retry=write_retry(settings.timeout), timeout=settings.timeout
                )
                break
            except gexc.ResourceExhausted as exc:
                if attempt > settings.quota_retries:
                    raise errors.explain(
                        exc, doing=doing, api=errors.METRIC_WRITER, project=project, attempts=attempt
                    ) from exc
                logger.warning(
                    "monitor %s: Cloud Monitoring refused time series for quota (%s); retrying in %.0f s "
                    "(attempt %d of %d)",
                    result.monitor,
                    exc.message,
                    delay,
                    attempt + 1,
                    settings.quota_retries + 1,
                )
                time.sleep(delay)
                delay *= 2
                attempt += 1
            except gexc.InvalidArgument as exc:
                raise errors.Refused(
                    f"{doing} failed: Cloud Monitoring refused the points ({exc.message}). "
                    + refusal_hint(str(exc.message), monitor=result.monitor, at=at)
                ) from exc
            except (gexc.GoogleAPICallError, gexc.RetryError) as exc:
                cause = exc.cause if isinstance(exc, gexc.RetryError) and isinstance(exc.cause, Exception) else exc
                raise errors.explain(cause, doing=doing, api=errors.METRIC_WRITER, project=project) from exc
        logger.debug("monitor %s: wrote batch %d of %d (%d series)", result.monitor, number, len(batches), len(batch))
    logger.info(
        "monitor %s: wrote %d time series to Cloud Monitoring in project %s (%s)",
        result.monitor,
        len(all_series),
        project,
        settings.metric_prefix,
    )
    return len(all_series)
