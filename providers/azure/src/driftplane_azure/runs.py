"""A schedule's recent monitoring runs read back as driftplane RunResults.

Azure ML runs each monitor as a pipeline job. A run whose signals breach their thresholds
ends Failed with the tag ``azureml_modelmonitor_threshold_breached``; a run that completes
found nothing. Azure keeps the per-feature metrics in the job's outputs, which are not
read here, so features stay empty and the messages say which signals breached.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from driftplane.provider import MonitorStatus
from driftplane.result import Rows, RunResult, Status, Window
from driftplane_azure.mapping import DRIFT_SIGNAL, QUALITY_SIGNAL, production_window, schedule_name

if TYPE_CHECKING:
    from driftplane_azure.provider import Session

logger = logging.getLogger(__name__)

BREACH_TAG = "azureml_modelmonitor_threshold_breached"
RECENT_RUNS = 5
FINISHED = {"Completed", "Failed", "Canceled", "NotResponding"}


def _text(value: Any) -> str:
    """An SDK enum or string as its plain value."""
    return str(getattr(value, "value", value) or "")


def _created(job: Any) -> datetime | None:
    created = getattr(getattr(job, "creation_context", None), "created_at", None)
    if isinstance(created, datetime):
        return created if created.tzinfo else created.replace(tzinfo=UTC)
    return None


def run_result(session: Session, monitor_name: str, job: Any) -> RunResult:
    """One finished monitoring job as a RunResult."""
    monitor = session.spec.monitors[monitor_name]
    created = _created(job)
    window = None
    if created is not None:
        end = created - (monitor.target.latency.approx_timedelta() if monitor.target.latency else timedelta(0))
        window = Window(start=production_window(monitor).before(end), end=end)
    tags = {**(getattr(job, "tags", None) or {}), **(getattr(job, "properties", None) or {})}
    status = _text(getattr(job, "status", None))
    messages = [f"Azure ML job {job.name} ({status})"]
    studio = getattr(job, "studio_url", None)
    if studio:
        messages.append(f"details in Azure ML studio: {studio}")
    signals = [s for s in (DRIFT_SIGNAL, QUALITY_SIGNAL) if s in (monitor_signals(monitor))]
    breach = tags.get(BREACH_TAG)
    if status == "Completed":
        messages.extend(f"{signal}: within thresholds" for signal in signals)
        verdict: Status = "ok"
        error: str | None = None
    elif breach is not None:
        named = [s for s in signals if s in str(breach) or any(s in k and "breach" in k.lower() for k in tags)]
        if not named:
            named = signals
            messages.append("Azure ML reported a threshold breach without naming the signal")
        messages.extend(f"{signal}: thresholds breached" for signal in named)
        verdict = RunResult.status_for(DRIFT_SIGNAL in named, QUALITY_SIGNAL in named)
        error = None
    else:
        verdict = "failed"
        error = f"the monitoring job ended {status}; open it in Azure ML studio for the log"
    return RunResult(
        monitor=monitor_name,
        window=window,
        rows=Rows(baseline=0, target=0),
        status=verdict,
        provider="azure",
        started_at=created,
        messages=messages,
        error=error,
    )


def monitor_signals(monitor: Any) -> list[str]:
    out = []
    if monitor.checks.drift.enabled:
        out.append(DRIFT_SIGNAL)
    if monitor.checks.quality.enabled:
        out.append(QUALITY_SIGNAL)
    return out


def monitor_status(session: Session, monitor_name: str) -> MonitorStatus:
    """The schedule's state and its recent finished runs, most recent first."""
    name = schedule_name(session.settings, monitor_name)
    monitor = session.spec.monitors[monitor_name]
    existing = session.schedule(name)
    if existing is None:
        return MonitorStatus(monitor=monitor_name, provider="azure", state="not deployed", schedule=str(monitor.schedule))
    state = "scheduled" if existing._is_enabled is not False else "disabled"
    provisioning = _text(getattr(existing, "provisioning_state", None))
    if provisioning.lower().endswith("failed"):
        state = "failing"
    with session.errors(f"listing the runs of schedule '{name}'"):
        jobs = list(session.ml.jobs.list(schedule_defined=True, scheduled_job_name=name))
    finished = [j for j in jobs if j is not None and _text(getattr(j, "status", None)) in FINISHED]
    finished.sort(key=lambda j: _created(j) or datetime.min.replace(tzinfo=UTC), reverse=True)
    runs = [run_result(session, monitor_name, job) for job in finished[:RECENT_RUNS]]
    running = [j.name for j in jobs if j is not None and _text(getattr(j, "status", None)) not in FINISHED]
    next_run = monitor.schedule.next_after(datetime.now(UTC)) if state == "scheduled" else None
    return MonitorStatus(
        monitor=monitor_name,
        provider="azure",
        state=state,
        schedule=str(monitor.schedule),
        next_run=next_run,
        runs=runs,
        details={
            "schedule": name,
            "workspace": session.scope.workspace,
            "provisioning_state": provisioning or None,
            "running": running,
        },
    )
