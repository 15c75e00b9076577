"""The aws provider: SageMaker Model Monitor, or SageMaker Processing for any account.

This module stays light: boto3 and the planning code are imported when a verb runs, so
``driftplane --help`` never loads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from driftplane.errors import Problem
from driftplane.provider import (
    Leftover,
    MonitorStatus,
    Plan,
    Provider,
    ProviderSettings,
    monitors_to_destroy,
    selected_monitors,
)
from driftplane.result import RunResult
from driftplane_aws.settings import AwsSettings

if TYPE_CHECKING:
    from driftplane.spec.models import Spec
    from driftplane_aws.clients import AwsClients


class AwsProvider(Provider):
    """Monitors as SageMaker monitoring schedules (model-monitor) or scheduled Processing jobs (processing)."""

    name: ClassVar[str] = "aws"
    description: ClassVar[str] = "Amazon SageMaker monitoring schedules, CloudWatch alarms and SNS email"
    backends: ClassVar[tuple[str, ...]] = ("model-monitor", "processing")
    settings_model: ClassVar[type[ProviderSettings]] = AwsSettings

    def __init__(
        self,
        settings: ProviderSettings | Mapping[str, Any] | None = None,
        *,
        clients: AwsClients | None = None,
    ) -> None:
        super().__init__(settings)
        self._clients = clients

    @property
    def aws_settings(self) -> AwsSettings:
        assert isinstance(self.settings, AwsSettings)
        return self.settings

    @property
    def clients(self) -> AwsClients:
        """The boto3 clients (created on first use; tests pass their own)."""
        if self._clients is None:
            from driftplane_aws.clients import AwsClients

            self._clients = AwsClients(self.aws_settings)
        return self._clients

    def check(self, spec: Spec) -> list[Problem]:
        from driftplane_aws.checks import check_spec

        return check_spec(spec, self.aws_settings)

    def _planner(self, spec: Spec, *, offline: bool) -> Any:
        from driftplane_aws.plan import Planner

        return Planner(spec, self.aws_settings, None if offline else self.clients)

    def plan(self, spec: Spec, *, monitors: Sequence[str] | None = None, offline: bool = False) -> Plan:
        chosen = selected_monitors(spec, monitors)
        planner = self._planner(spec, offline=offline)
        changes = planner.plan(chosen)
        leftovers = [] if offline else self._leftovers(planner)
        return Plan(provider=self.name, backend=self.backend, changes=changes, leftovers=leftovers)

    @staticmethod
    def _leftovers(planner: Any) -> list[Leftover]:
        """What driftplane created for monitors the spec no longer runs, whatever ``monitors=`` chose."""
        from driftplane_aws.leftovers import find_leftovers

        return find_leftovers(planner)

    def apply(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> Plan:
        from driftplane_aws.apply import Executor
        from driftplane_aws.plan import ALARM_PLACEHOLDER

        chosen = selected_monitors(spec, monitors)
        executor = Executor(self.clients, self.aws_settings)
        changes = self._planner(spec, offline=False).plan(chosen)
        done = executor.run(changes)
        # Alarms on a baselining job's features can be planned only once the job has written them.
        waiting = sorted({c.monitor for c in changes if c.action == "noop" and c.kind == ALARM_PLACEHOLDER})
        started = {c.monitor for c in done if c.kind == "sagemaker:ProcessingJob"}
        if waiting and started & set(waiting):
            again = self._planner(spec, offline=False).plan(sorted(started & set(waiting)))
            done += executor.run([c for c in again if c.kind == ALARM_PLACEHOLDER])
        # Listed, never removed here: another spec deploying to the account may still own them.
        leftovers = self._leftovers(self._planner(spec, offline=False))
        return Plan(provider=self.name, backend=self.backend, changes=done, leftovers=leftovers)

    def destroy(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> Plan:
        from driftplane_aws.apply import Executor
        from driftplane_aws.plan import destroy_changes

        # Names need not be in the spec: a retired monitor's resources are found by name and tags.
        chosen = monitors_to_destroy(spec, monitors)
        planner = self._planner(spec, offline=False)
        changes = [change for monitor in chosen for change in destroy_changes(planner, monitor)]
        done = Executor(self.clients, self.aws_settings).run(changes)
        return Plan(provider=self.name, backend=self.backend, changes=done)

    def status(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> list[MonitorStatus]:
        from driftplane_aws.status import statuses

        return statuses(spec, self.aws_settings, self.clients, selected_monitors(spec, monitors))

    def run(
        self,
        spec: Spec,
        *,
        monitors: Sequence[str] | None = None,
        at: datetime | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> Iterable[RunResult]:
        """Run monitors with the engine: inside a processing job it publishes; elsewhere it only writes files."""
        from driftplane.resolved import resolve_monitor
        from driftplane_aws.run import in_job, run_monitors

        chosen = selected_monitors(spec, monitors)
        targets = [resolve_monitor(spec, m).target for m in chosen]
        needs_aws = in_job() or any(target.endpoint and not target.data for target in targets)
        return run_monitors(
            spec, self.aws_settings, self.clients if needs_aws else None, chosen, at=at, start=start, end=end
        )
