"""Apply: execute a plan's steps in order, one write at a time.

``plan`` builds each Step: the Change it shows and the call that makes it. Executing them in
the plan's order keeps references valid (channels before the policies that name them,
policies deleted before their channels, Cloud Run jobs before the Scheduler jobs that start
them). Writes are serialised, as Google asks for alert-policy changes in one project.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from driftplane.provider import Change
from driftplane_gcp import errors
from driftplane_gcp.clients import GcpClients, call, write_retry
from driftplane_gcp.settings import GcpSettings

logger = logging.getLogger(__name__)


@dataclass
class Context:
    """What executing steps needs: the clients, and channel names learnt along the way."""

    clients: GcpClients
    project: str
    settings: GcpSettings
    channel_names: dict[tuple[str, str], str] = field(default_factory=dict)

    def write(self, fn: Callable[..., Any], *, doing: str, api: errors.Api, request: Any) -> Any:
        """One write call, retried on UNAVAILABLE and DEADLINE_EXCEEDED only."""
        return call(
            fn,
            doing=doing,
            api=api,
            project=self.project,
            request=request,
            retry=write_retry(self.settings.timeout),
            timeout=self.settings.timeout,
        )

    def wait(self, operation: Any, doing: str) -> Any:
        """Wait for a Cloud Run long-running operation; its failure is a ProviderError."""
        from google.api_core import exceptions as gexc

        try:
            return operation.result(timeout=max(self.settings.timeout, 120))
        except gexc.GoogleAPICallError as exc:
            raise errors.explain(exc, doing=doing, api=errors.RUN, project=self.project) from exc


@dataclass
class Step:
    """A Change as shown by plan, and the call that makes it (None for noop)."""

    change: Change
    execute: Callable[[Context], None] | None = None


def execute(steps: Sequence[Step], context: Context) -> list[Change]:
    """Run every step in order; the Changes done (noops included)."""
    done = []
    for step in steps:
        if step.execute is not None:
            logger.debug(
                "%s %s %s (monitor %s)", step.change.action, step.change.kind, step.change.name, step.change.monitor
            )
            step.execute(context)
        done.append(step.change)
    return done


__all__ = ["Context", "Step", "execute"]
