"""The gcp provider: Cloud Monitoring metrics, alert policies and scheduled runs.

``run`` runs the engine's pipeline (``driftplane.engine.monitor.run_monitor``) on this
machine or in the Cloud Run job, and writes the results as Cloud Monitoring time series;
``plan``/``apply``/``destroy`` manage the metric descriptors, alert policies, notification
channels and the Cloud Scheduler + Cloud Run jobs; ``status`` reads the latest points back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from driftplane.errors import Problem, ProviderError, UsageError
from driftplane.provider import (
    Leftover,
    MonitorStatus,
    Plan,
    Provider,
    ProviderSettings,
    leftover_reason,
    monitors_to_destroy,
    selected_monitors,
)
from driftplane.result import RunResult
from driftplane.spec.models import Spec
from driftplane_gcp.clients import GcpClients, connect, project_for
from driftplane_gcp.settings import GcpSettings

logger = logging.getLogger(__name__)


class GcpProvider(Provider):
    name: ClassVar[str] = "gcp"
    description: ClassVar[str] = "Google Cloud Monitoring custom metrics, alert policies and Cloud Run jobs"
    backends: ClassVar[tuple[str, ...]] = ("cloud-monitoring",)
    settings_model: ClassVar[type[ProviderSettings]] = GcpSettings
    purges: ClassVar[str | None] = "the metric descriptors under providers.gcp.metric_prefix, which every monitor shares"

    def __init__(
        self, settings: ProviderSettings | Mapping[str, Any] | None = None, *, clients: GcpClients | None = None
    ) -> None:
        super().__init__(settings)
        self._clients = clients

    @property
    def gcp(self) -> GcpSettings:
        assert isinstance(self.settings, GcpSettings)
        return self.settings

    def clients(self) -> GcpClients:
        """The Google clients, connected on first use (Application Default Credentials)."""
        if self._clients is None:
            self._clients = connect(self.gcp)
        return self._clients

    def project(self) -> str:
        return project_for(self.gcp, self.clients())

    # --- checks ---------------------------------------------------------------------------

    def check(self, spec: Spec) -> list[Problem]:
        """Alerts Cloud Monitoring would reject or cannot deliver, and missing job settings."""
        from driftplane_gcp.planner import spec_problems

        return spec_problems(spec, self.gcp, selected_monitors(spec, None))

    # --- plan / apply / destroy -----------------------------------------------------------

    def _scope(self, spec: Spec, monitors: Sequence[str] | None, *, destroying: bool) -> list[str]:
        """The monitors whose resources a verb may touch.

        plan and apply: the ones the spec runs (named ones checked), so a removed or disabled
        monitor's resources are left in place and listed as leftovers. destroy: the named
        ones even when the spec no longer declares them, else every monitor of the spec.
        """
        if destroying:
            return monitors_to_destroy(spec, monitors)
        return [name for name in selected_monitors(spec, monitors) if leftover_reason(spec, name) is None]

    def _steps(
        self, spec: Spec, monitors: Sequence[str] | None, *, offline: bool, keep: bool = True, purge: bool = False
    ) -> tuple[list[Any], str, list[Leftover]]:
        """The steps for the monitors in scope, the project, and the leftovers of the whole spec."""
        from driftplane_gcp.leftovers import find_leftovers
        from driftplane_gcp.planner import build_steps
        from driftplane_gcp.state import Existing, read_existing

        scope = self._scope(spec, monitors, destroying=not keep)
        if offline:
            project = project_for(self.gcp)
            existing = Existing()
        else:
            clients = self.clients()
            project = project_for(self.gcp, clients)
            existing = read_existing(
                clients,
                project=project,
                location=self.gcp.location,
                prefix=self.gcp.metric_prefix,
                scheduled_runs=self.gcp.scheduled_runs,
            )
        steps = build_steps(spec, self.gcp, project=project, scope=scope, existing=existing, keep=keep, purge=purge)
        leftovers = find_leftovers(spec, existing, project=project, location=self.gcp.location) if keep else []
        return steps, project, leftovers

    def plan(self, spec: Spec, *, monitors: Sequence[str] | None = None, offline: bool = False) -> Plan:
        """The exact requests apply would send, and what is left over from monitors the spec no longer runs.

        offline assumes nothing exists and needs no credentials (so it has no leftovers).
        """
        steps, _, leftovers = self._steps(spec, monitors, offline=offline)
        return Plan(provider=self.name, backend=self.backend, changes=[s.change for s in steps], leftovers=leftovers)

    def _execute(self, steps: list[Any], project: str) -> Plan:
        from driftplane_gcp.planner import Context

        context = Context(self.clients(), project, self.gcp)
        done = []
        for step in steps:
            if step.execute is not None:
                logger.debug("%s %s %s (monitor %s)", step.change.action, step.change.kind, step.change.name, step.change.monitor)
                step.execute(context)
            done.append(step.change)
        return Plan(provider=self.name, backend=self.backend, changes=done)

    def apply(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> Plan:
        """Create or update what the plan says, in place; a second apply changes nothing.

        Leftovers of removed or disabled monitors are listed, never deleted: another spec
        deploying to this project may own them (``apply --prune`` or ``destroy --monitor``).
        """
        steps, project, leftovers = self._steps(spec, monitors, offline=False)
        done = self._execute(steps, project)
        return done.model_copy(update={"leftovers": leftovers})

    def destroy(self, spec: Spec, *, monitors: Sequence[str] | None = None, purge: bool = False) -> Plan:
        """Delete what driftplane created for these monitors; metric descriptors only with purge.

        ``monitors`` may name monitors the spec no longer declares (found by labels and the
        job ids driftplane derives from the name). Descriptors are shared by all monitors and
        deleting one deletes its data, so purge works on a whole spec only.
        """
        if purge and monitors:
            raise UsageError(
                "--purge deletes the metric descriptors every monitor shares (and all their data), "
                "so it cannot be limited to some monitors; leave out --monitor"
            )
        steps, project, _ = self._steps(spec, monitors, offline=False, keep=False, purge=purge)
        return self._execute([s for s in steps if s.change.action == "delete"], project)

    def purge(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> Plan:
        """``destroy --purge``: destroy, and also delete the metric descriptors with all their data."""
        return self.destroy(spec, monitors=monitors, purge=True)

    # --- run / status -----------------------------------------------------------------------

    def run(
        self,
        spec: Spec,
        *,
        monitors: Sequence[str] | None = None,
        at: datetime | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> Iterator[RunResult]:
        """Run monitors with the engine and write each result as time series.

        Cloud Monitoring takes points in order and at most 25 hours old, so a backfill runs
        every window but writes only the newest one's points.
        """
        from driftplane.engine.loop import RunRequest, plan_runs
        from driftplane.engine.monitor import run_monitor
        from driftplane_gcp.publish import finished_at, publish

        clients = self.clients()
        project = project_for(self.gcp, clients)
        failures: list[ProviderError] = []
        for planned in plan_runs(spec, monitors, RunRequest(at=at, start=start, end=end)):
            windows = planned.windows
            if len(windows) > 1:
                logger.warning(
                    "monitor %s: backfilling %d windows; only the newest is written to Cloud Monitoring, "
                    "which accepts points in time order and at most 25 hours old",
                    planned.monitor.name,
                    len(windows),
                )
            for number, window in enumerate(windows, start=1):
                outcome = run_monitor(planned.monitor, window, cache=None, provider=self.name)
                result = outcome.result
                if number == len(windows):
                    try:
                        publish(
                            clients,
                            result,
                            settings=self.gcp,
                            project=project,
                            at=finished_at(result),
                            read_seconds=outcome.read_seconds,
                        )
                    except ProviderError as exc:
                        failures.append(exc)
                        note = f"the result could not be written to Cloud Monitoring: {exc}"
                        result = result.model_copy(update={"messages": [*result.messages, note]})
                yield result
        if len(failures) == 1:
            raise failures[0]
        if failures:
            raise ProviderError("\n".join(str(f) for f in failures))

    def status(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> list[MonitorStatus]:
        """Each monitor's scheduled job and its latest runs, read back from Cloud Monitoring."""
        from google.api_core import exceptions as gexc

        from driftplane_gcp import errors
        from driftplane_gcp.clients import call
        from driftplane_gcp.readback import latest_runs
        from driftplane_gcp.schedules import scheduler_job_name

        clients = self.clients()
        project = project_for(self.gcp, clients)
        now = datetime.now(UTC)
        out = []
        for name in selected_monitors(spec, monitors):
            monitor = spec.monitor(name)
            runs = latest_runs(clients, name, monitor, prefix=self.gcp.metric_prefix, project=project, now=now)
            details: dict[str, Any] = {"project": project, "metric_prefix": self.gcp.metric_prefix}
            if self.gcp.scheduled_runs:
                job_name = scheduler_job_name(project, self.gcp.location, name)
                details["scheduler_job"] = job_name
                try:
                    job = call(
                        clients.scheduler.get_job,
                        doing=f"reading Cloud Scheduler job {job_name}",
                        api=errors.SCHEDULER_READER,
                        project=project,
                        request={"name": job_name},
                    )
                    state = {"ENABLED": "scheduled", "PAUSED": "paused"}.get(job.state.name, job.state.name.lower())
                except errors.Refused as exc:
                    if not isinstance(exc.__cause__, gexc.NotFound):
                        raise
                    state = "not deployed"
            else:
                state = "runs on demand" if runs else "no runs yet"
            out.append(
                MonitorStatus(
                    monitor=name,
                    provider=self.name,
                    state=state,
                    schedule=monitor.schedule.keyword or monitor.schedule.cron,
                    next_run=monitor.schedule.next_after(now) if state == "scheduled" else None,
                    runs=runs,
                    details=details,
                )
            )
        return out
