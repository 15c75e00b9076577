"""The azure provider: Azure Machine Learning model-monitoring schedules.

Each monitor becomes one azure-ai-ml MonitorSchedule (data-drift and data-quality signals,
email notification), plus a data asset when its baseline is a local file to upload. The
verbs here only sequence the modules that do the work: ``checks`` (validate), ``translate``
(resolved monitor -> schedule), ``plan`` (diff against the workspace), ``apply`` (writes),
``status`` (runs read back) and ``leftovers`` (what driftplane made, by its tags).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, ClassVar

from driftplane.errors import NotAvailableYet, Problem, SpecError
from driftplane.provider import (
    Change,
    MonitorStatus,
    Plan,
    Provider,
    ProviderSettings,
    monitors_to_destroy,
)
from driftplane.resolved import resolve_monitor
from driftplane.spec.models import Spec
from driftplane_azure.checks import azure_problems
from driftplane_azure.settings import AzureSettings

logger = logging.getLogger(__name__)


class AzureProvider(Provider):
    name: ClassVar[str] = "azure"
    description: ClassVar[str] = "Azure Machine Learning model monitors with data-drift and data-quality signals"
    backends: ClassVar[tuple[str, ...]] = ("model-monitor", "dataset-monitor")
    settings_model: ClassVar[type[ProviderSettings]] = AzureSettings

    @property
    def azure(self) -> AzureSettings:
        assert isinstance(self.settings, AzureSettings)
        return self.settings

    def check(self, spec: Spec) -> list[Problem]:
        """What Azure ML cannot express in this spec, each problem located (no SDK, no network)."""
        return azure_problems(spec, self.azure)

    def _require_valid(self, spec: Spec) -> None:
        problems = self.check(spec)
        if problems:
            raise SpecError(problems)

    def _names(self, spec: Spec, monitors: Sequence[str] | None) -> list[str]:
        if monitors:
            for name in monitors:
                spec.monitor(name)
            return list(monitors)
        return list(spec.monitors)

    def _session(self, spec: Spec) -> Any:
        from driftplane_azure.workspace import Session

        return Session(self.azure, spec)

    def plan(self, spec: Spec, *, monitors: Sequence[str] | None = None, offline: bool = False) -> Plan:
        """What apply would do, with the exact ARM requests; offline assumes nothing exists."""
        from driftplane_azure import leftovers, plan

        self._require_valid(spec)
        names = self._names(spec, monitors)
        if offline:
            from driftplane_azure.clients import resolve_scope

            scope = resolve_scope(self.azure, spec.base_dir, offline=True)
            changes: list[Change] = []
            for name in names:
                resolved = resolve_monitor(spec, name)
                if resolved.enabled:
                    changes.extend(plan.offline_changes(resolved, self.azure, scope))
            return Plan(provider=self.name, backend=self.backend, changes=changes)
        session = self._session(spec)
        changes = plan.plan_monitors(session, names)[0]
        found = leftovers.leftovers(spec, leftovers.owned_resources(session))
        return Plan(provider=self.name, backend=self.backend, changes=changes, leftovers=found)

    def apply(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> Plan:
        """Make the workspace match the spec; a second apply changes nothing."""
        from driftplane_azure import leftovers, plan

        self._require_valid(spec)
        session = self._session(spec)
        changes, steps = plan.plan_monitors(session, self._names(spec, monitors))
        for step in steps:
            step()
        found = leftovers.leftovers(spec, leftovers.owned_resources(session))
        return Plan(provider=self.name, backend=self.backend, changes=changes, leftovers=found)

    def destroy(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> Plan:
        """Disable, then delete, the schedules (and old alert rules) driftplane made for these monitors.

        A name need not be in the spec: what driftplane made for it is found by its tags.
        """
        from driftplane_azure import apply, leftovers, plan

        wanted = set(monitors_to_destroy(spec, monitors))
        session = self._session(spec)
        changes: list[Change] = []
        for item in leftovers.owned_resources(session):
            if item.monitor not in wanted:
                continue
            if item.kind == leftovers.SCHEDULE_KIND:
                changes.append(apply.destroy_schedule(session, item.entity, item.monitor))
            else:
                changes.append(
                    plan.delete_alert_change(session, item.kind, item.name, item.monitor, "the monitor is destroyed")
                )
                leftovers.delete_alert_resource(session, item.kind, item.name)
        return Plan(provider=self.name, backend=self.backend, changes=changes)

    def run(self, spec: Spec, **kwargs: Any) -> Any:
        """Azure ML runs monitors on their schedule; a one-off run here is not offered yet."""
        raise NotAvailableYet(
            "the azure provider cannot run monitors now: Azure ML runs each schedule itself "
            "(see `driftplane status` for its runs). To check the same spec on this machine, "
            "use `driftplane run --provider local`"
        )

    def status(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> list[MonitorStatus]:
        """Each monitor's schedule and its recent monitoring runs as RunResults."""
        from driftplane_azure.status import monitor_status

        session = self._session(spec)
        return [monitor_status(session, name) for name in self._names(spec, monitors)]
