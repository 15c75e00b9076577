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
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

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


def publish(
    clients: GcpClients,
    result: RunResult,
    *,
    settings: GcpSettings,
    project: str,
    at: datetime,
    read_seconds: Mapping[str, float] | None = None,
) -> int:
    """Write one run's points, ending at ``at``; returns how many series were written."""
    from google.api_core import exceptions as gexc
    from google.cloud import monitoring_v3

    resource = series.resource_for(
        settings.resource_type, settings.resource_labels, project=project, location=settings.location, monitor=result.monitor
    )
    points = series.points_for(result, read_seconds)
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
                    raise errors.explain(exc, doing=doing, api=errors.METRIC_WRITER, project=project, attempts=attempt) from exc
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
                    f"{doing} failed: Cloud Monitoring refused the points ({exc.message}). Each point must be "
                    "newer than the last one of its series and at most 25 hours old; labels must fit the "
                    "metric descriptors (run `driftplane apply --provider gcp` after upgrading driftplane)"
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

