"""The Provider interface and the Plan/Change types of ``plan --json``.

A provider makes a Spec real somewhere: the local machine, SageMaker, Azure ML, Cloud
Monitoring. Its plugin registers the class; the class carries a settings model (the
``providers.<name>`` section of the spec) and the five verbs. Every verb that a provider
does not implement says so plainly instead of pretending.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from driftplane.errors import NotAvailableYet, Problem, SpecError, UsageError
from driftplane.result import RunResult

if TYPE_CHECKING:
    from driftplane.spec.models import Spec
    from driftplane.spec.problems import SourceMap

Action = Literal["create", "update", "delete", "noop"]


class Request(BaseModel):
    """Exactly what would be sent: botocore operation, ARM method and path, or gRPC method."""

    model_config = ConfigDict(frozen=True)

    api: str = Field(description="aws: botocore service name; azure: 'arm'; gcp: the gRPC service.")
    operation: str = Field(
        description="aws: CreateMonitoringSchedule; azure: 'PUT /subscriptions/...'; gcp: CreateAlertPolicy."
    )
    body: dict[str, Any] = Field(default_factory=dict)


class AttributeChange(BaseModel):
    """One attribute an update changes: where it is in the request body, its value now and after.

    ``old`` is None when the attribute is not set now, ``new`` when the update unsets it.
    """

    model_config = ConfigDict(frozen=True)

    path: str = Field(description="Dotted key path in the request body, with [i] for list items.")
    old: Any = None
    new: Any = None

    def describe(self, limit: int = 80) -> str:
        """``path: old -> new`` in one line, each value as JSON cut to ``limit`` characters."""
        return f"{self.path}: {_short_json(self.old, limit)} -> {_short_json(self.new, limit)}"


def _short_json(value: Any, limit: int) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Change(BaseModel):
    """One thing apply would create, change or delete (or finds already as the spec says: noop)."""

    model_config = ConfigDict(frozen=True)

    action: Action
    kind: str = Field(description="e.g. sagemaker:MonitoringSchedule, monitoring:AlertPolicy")
    name: str = Field(description="The cloud-side name or id.")
    monitor: str = Field(description="The spec's monitor it belongs to.")
    request: Request | None = None
    reason: str | None = Field(default=None, description="Why an update or delete is needed, in words.")
    display_name: str | None = Field(
        default=None,
        description="The name the cloud's console shows, when ``name`` is an id (a GCP alert policy's "
        "projects/p/alertPolicies/123 is shown by its display name).",
    )
    changed: list[AttributeChange] = Field(
        default_factory=list,
        description="For an update: each attribute that differs from what exists, old -> new (only those).",
    )

    @property
    def shown_name(self) -> str:
        """The name people know the resource by: its display name, else its cloud-side name."""
        return self.display_name or self.name


class Leftover(BaseModel):
    """Something driftplane created for a monitor that the spec no longer runs.

    Found by the tags driftplane puts on what it creates. apply leaves it alone unless asked
    (``apply --prune``): with no record of which spec created it, another spec deploying to
    the same account, workspace or project may still own it.
    """

    model_config = ConfigDict(frozen=True)

    monitor: str = Field(description="The monitor name it is tagged with.")
    kind: str
    name: str = Field(description="The cloud-side name or id.")
    reason: str = Field(description="Why it is left over: not in the spec, or disabled there.")


class Plan(BaseModel):
    """What apply would do; ``plan --json`` prints it."""

    model_config = ConfigDict(frozen=True)

    provider: str
    backend: str
    changes: list[Change] = Field(default_factory=list)
    leftovers: list[Leftover] = Field(
        default_factory=list,
        description="What driftplane created for monitors the spec no longer runs; removed only by "
        "`apply --prune` or `destroy --monitor NAME`.",
    )

    @property
    def leftover_monitors(self) -> list[str]:
        """The monitor names that have leftovers, in order of first appearance."""
        return list(dict.fromkeys(item.monitor for item in self.leftovers))

    def counts(self) -> dict[str, int]:
        """How many changes of each action."""
        out = {"create": 0, "update": 0, "delete": 0, "noop": 0}
        for change in self.changes:
            out[change.action] += 1
        return out

    @property
    def has_changes(self) -> bool:
        """True when applying would change anything."""
        return any(c.action != "noop" for c in self.changes)

    def summary(self) -> str:
        """``2 to create, 1 to update, 0 to delete`` for people."""
        c = self.counts()
        return f"{c['create']} to create, {c['update']} to update, {c['delete']} to delete"

    @property
    def unchanged(self) -> list[Change]:
        """What already matches the spec (noop changes that do not wait for anything)."""
        return [c for c in self.changes if c.action == "noop" and not c.reason]


class MonitorStatus(BaseModel):
    """What a provider knows about one monitor right now."""

    model_config = ConfigDict(frozen=True)

    monitor: str
    provider: str
    state: str = Field(description="e.g. scheduled, stopped, not deployed, failing")
    schedule: str | None = None
    next_run: datetime | None = None
    runs: list[RunResult] = Field(default_factory=list, description="Most recent first.")
    details: dict[str, Any] = Field(default_factory=dict)


def problem_check(problem: Callable[[str], str | None]) -> Any:
    """A settings field validator from a function that says what is wrong with a value, or None.

    Use as ``_role = field_validator("role_arn")(problem_check(role_arn_problem))``: the
    message becomes the located validation error; an unset (None) value is not checked.
    """

    def check(cls: type, value: Any) -> Any:
        message = None if value is None else problem(value)
        if message:
            raise ValueError(message)
        return value

    return classmethod(check)


class ProviderSettings(BaseModel):
    """Base of each provider's settings model (the spec's ``providers.<name>`` section); numbers are finite."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Provider:
    """Base class of providers. Subclasses set the class attributes and override the verbs."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    backends: ClassVar[tuple[str, ...]] = ("default",)
    settings_model: ClassVar[type[ProviderSettings]] = ProviderSettings
    # What ``destroy --purge`` deletes besides what destroy removes, for a provider that keeps
    # something back because deleting it deletes data (gcp: metric descriptors); None: nothing.
    purges: ClassVar[str | None] = None

    def __init__(self, settings: ProviderSettings | Mapping[str, Any] | None = None) -> None:
        if settings is None:
            settings = {}
        if isinstance(settings, self.settings_model):
            self.settings = settings
        else:
            self.settings = self.validate_settings(dict(settings))

    @classmethod
    def validate_settings(
        cls, raw: Mapping[str, Any], *, spec: Spec | None = None, source: SourceMap | None = None
    ) -> ProviderSettings:
        """The settings model from raw data; SpecError locates problems under providers.<name>.

        ``source`` locates them in the file when there is no built spec yet (``validate``
        checks settings together with the rest of the file).
        """
        from driftplane.spec.problems import problems_from_validation_error

        try:
            return cls.settings_model.model_validate(raw)
        except ValidationError as exc:
            if source is None and spec is not None:
                source = spec.source
            raise SpecError(
                problems_from_validation_error(
                    exc,
                    model=cls.settings_model,
                    data=raw,
                    source=source,
                    prefix=("providers", cls.name),
                )
            ) from None

    @classmethod
    def from_spec(cls, spec: Spec) -> Provider:
        """An instance configured from the spec's ``providers.<name>`` section."""
        raw = spec.providers.get(cls.name, {}) or {}
        return cls(cls.validate_settings(raw, spec=spec))

    @property
    def backend(self) -> str:
        """The backend these settings select (the first one when there is no choice)."""
        return str(getattr(self.settings, "backend", None) or self.backends[0])

    # --- checks ---------------------------------------------------------------------------

    def check(self, spec: Spec) -> list[Problem]:
        """Problems this provider has with the spec (e.g. a metric the cloud cannot compute).

        Called by ``validate --provider``. The default finds none.
        """
        return []

    # --- verbs ----------------------------------------------------------------------------

    def _not_yet(self, verb: str) -> NotAvailableYet:
        return NotAvailableYet(
            f"the {self.name} provider cannot {verb} yet in this version of driftplane"
        )

    def plan(self, spec: Spec, *, monitors: Sequence[str] | None = None, offline: bool = False) -> Plan:
        """What apply would create, change or delete. ``offline`` assumes nothing exists."""
        raise self._not_yet("plan")

    def apply(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> Plan:
        """Make the cloud match the spec; returns the changes made. Idempotent."""
        raise self._not_yet("apply")

    def destroy(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> Plan:
        """Remove what this provider created for the spec's monitors, nothing else.

        ``monitors`` may name a monitor the spec no longer declares: what driftplane created
        for it is found by its tags (see ``monitors_to_destroy``).
        """
        raise self._not_yet("destroy")

    def purge(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> Plan:
        """``destroy``, and also delete what it keeps back (``purges`` says what).

        Only providers that set ``purges`` implement it; others have nothing more to delete.
        """
        raise UsageError(
            f"the {self.name} provider keeps nothing back on destroy, so --purge has nothing more to "
            "delete; leave it out"
        )

    def run(
        self,
        spec: Spec,
        *,
        monitors: Sequence[str] | None = None,
        at: datetime | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> Iterable[RunResult]:
        """Run monitors now (window ending at ``at``) or backfill windows in [start, end)."""
        raise self._not_yet("run monitors")

    def status(self, spec: Spec, *, monitors: Sequence[str] | None = None) -> list[MonitorStatus]:
        """What is deployed and how its recent runs went."""
        raise self._not_yet("report status")


def leftover_reason(spec: Spec, monitor: str) -> str | None:
    """Why resources tagged with ``monitor`` are left over, or None when the spec runs it."""
    declared = spec.monitors.get(monitor)
    if declared is None:
        return "no longer in the spec"
    if not declared.enabled:
        return "disabled in the spec (enabled: false)"
    return None


def monitors_to_destroy(spec: Spec, monitors: Sequence[str] | None) -> list[str]:
    """The monitor names destroy acts on: every monitor of the spec, or the named ones.

    Unlike ``selected_monitors``, a name need not be in the spec: removing a monitor from the
    YAML must not strand what driftplane created for it in the cloud.
    """
    from driftplane.spec.names import require_name

    if not monitors:
        return list(spec.monitors)
    for name in monitors:
        require_name(name, "monitor", known=spec.monitors)
    return list(dict.fromkeys(monitors))


def selected_monitors(spec: Spec, monitors: Sequence[str] | None) -> list[str]:
    """The monitor names a verb should act on: all enabled ones, or the named ones (checked)."""
    if not monitors:
        return [name for name, m in spec.monitors.items() if m.enabled]
    for name in monitors:
        spec.monitor(name)  # raises a UsageError naming the monitors there are
    return list(monitors)
