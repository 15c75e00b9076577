"""The gcp provider: Cloud Monitoring metrics, alert policies and scheduled runs.

The verbs, each done by its module: ``check`` (checks), ``plan`` (translate, then plan
against what exists), ``apply``/``destroy`` (apply executes the plan's steps), ``run`` (the
engine's run loop, results written as time series by publish) and ``status`` (status reads
the latest points back). Google's libraries are imported only inside those modules, so
loading the plugin stays cheap.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from driftplane.errors import Problem, UsageError
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
    purges: ClassVar[str | None] = (
        "the metric descriptors under providers.gcp.metric_prefix, which every monitor shares"
    )

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
        from driftplane_gcp.checks import spec_problems

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
        from driftplane_gcp.plan import build_steps
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
        from driftplane_gcp.apply import Context, execute

        done = execute(steps, Context(self.clients(), project, self.gcp))
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
        """Run monitors with the engine's run loop and write each result as time series (see ``run``)."""
        from driftplane_gcp.run import run_monitors

        clients = self.clients()
        project = project_for(self.gcp, clients)
        yield from run_monitors(
            spec, clients, settings=self.gcp, project=project, monitors=monitors, at=at, start=start, end=end
        )

    def status(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> list[MonitorStatus]:
        """Each monitor's scheduled job and its latest runs, read back from Cloud Monitoring."""
        from driftplane_gcp.status import monitor_statuses

        clients = self.clients()
        return monitor_statuses(
            spec, clients, settings=self.gcp, project=project_for(self.gcp, clients), monitors=monitors
        )
