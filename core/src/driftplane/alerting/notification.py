"""The Notification: what an alert tells its channels when it starts firing or resolves.

One model, rendered per channel (webhook JSON, Slack blocks, email, a log line); the local
provider stores it as JSON in its outbox until every channel has accepted it. Its webhook
form is a public contract documented in docs/alerts.md: add fields, never rename them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from driftplane.result import RunResult, Window

Event = Literal["firing", "resolved"]
# How many features or violations a reason or a notification spells out before "and N more".
LISTED = 5
SCHEMA = "driftplane.alert/v1"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class DriftedFeature(_Model):
    """A feature that drifted in the run the notification is about."""

    name: str
    kind: str
    metric: str
    value: float | None
    threshold: float
    effective_threshold: float | None = None


class ViolationExample(_Model):
    """One data-quality violation, as in SageMaker's constraint_violations.json."""

    feature_name: str
    constraint_check_type: str
    description: str


class ViolationsSummary(_Model):
    """How many violations of which type, and the first few in full."""

    count: int = 0
    by_check_type: dict[str, int] = Field(default_factory=dict)
    examples: list[ViolationExample] = Field(default_factory=list)


class Notification(_Model):
    """One alert event for one monitor: what happened, in the run that made it happen."""

    schema_: str = Field(default=SCHEMA, alias="schema", serialization_alias="schema")
    id: str = Field(description="Unique per event; the same on every retry and every channel, for de-duplication.")
    monitor: str
    alert: str = Field(description="The alert's name (or its condition in words).")
    alert_key: str = Field(description="Stable identifier of the alert within the monitor.")
    condition: str = Field(description="drift, violation, metric or failure.")
    event: Event
    reason: str = Field(description="Why it fires or resolves, in words.")
    status: str = Field(description="The run's status: ok, drift, violations, drift_and_violations, failed.")
    window: Window | None = None
    rows: dict[str, int] | None = None
    drifted_features: list[DriftedFeature] = Field(default_factory=list)
    violations: ViolationsSummary = Field(default_factory=ViolationsSummary)
    error: str | None = Field(default=None, description="Why the run failed, for failure alerts.")
    report: str | None = Field(default=None, description="Path of the run's HTML report, when written.")
    reports: dict[str, str] = Field(default_factory=dict)
    driftplane_version: str
    timestamp: datetime = Field(description="When the event was raised (UTC).")

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    @property
    def headline(self) -> str:
        """'FIRING churn: drift on at least 1 feature' - the subject line of every rendering."""
        return f"{self.event.upper()} {self.monitor}: {self.alert}"

    def to_json(self) -> str:
        """The webhook body (and the outbox's stored form)."""
        return self.model_dump_json(by_alias=True)


def build_notification(
    *,
    monitor: str,
    alert_name: str,
    alert_key: str,
    condition: str,
    event: Event,
    reason: str,
    result: RunResult,
    now: datetime,
) -> Notification:
    """The notification for an alert event raised by ``result``."""
    from driftplane import __version__

    drifted = [
        DriftedFeature(
            name=f.name,
            kind=f.kind,
            metric=f.drift.metric,
            value=f.drift.value,
            threshold=f.drift.threshold,
            effective_threshold=f.drift.effective_threshold,
        )
        for f in result.drifted_features
        if f.drift is not None
    ]
    by_type: dict[str, int] = {}
    for violation in result.violations:
        by_type[violation.constraint_check_type] = by_type.get(violation.constraint_check_type, 0) + 1
    violations = ViolationsSummary(
        count=len(result.violations),
        by_check_type=by_type,
        examples=[
            ViolationExample(**{**v.model_dump(), "description": v.readable_description})
            for v in result.violations[:LISTED]
        ],
    )
    return Notification(
        id=str(uuid.uuid4()),
        monitor=monitor,
        alert=alert_name,
        alert_key=alert_key,
        condition=condition,
        event=event,
        reason=reason,
        status=result.status,
        window=result.window,
        rows=result.rows.model_dump(),
        drifted_features=drifted,
        violations=violations,
        error=result.error,
        report=result.reports.get("html"),
        reports=dict(result.reports),
        driftplane_version=__version__,
        timestamp=now,
    )
