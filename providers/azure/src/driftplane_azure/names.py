"""What driftplane calls the things it makes in a workspace, and how it marks them as its own.

A schedule's name is the monitor's (with ``name_prefix``) unless the settings give one;
Azure ML names are case-insensitive, so two monitors may not end up with one name in any
letter case (``checks`` refuses them). Every resource gets the resolved monitor's tags over
the settings' tags, then the two tags driftplane finds its own resources by.
"""

from __future__ import annotations

from collections.abc import Mapping

from driftplane.resolved import ResolvedMonitor
from driftplane_azure.settings import AzureSettings

DRIFT_SIGNAL = "data-drift-signal"
QUALITY_SIGNAL = "data-quality-signal"
MONITOR_TAG = "driftplane-monitor"
MANAGED_TAG = "managed-by"
MANAGED_VALUE = "driftplane"


def schedule_name(settings: AzureSettings, monitor: str) -> str:
    """The Azure schedule a monitor becomes."""
    return settings.for_monitor(monitor).schedule_name or f"{settings.name_prefix}{monitor}"


def baseline_asset_name(monitor: str) -> str:
    """The data asset an uploaded baseline is registered as (its version is its content's hash)."""
    return f"driftplane-{monitor}-baseline"


def ownership_tags(monitor: str) -> dict[str, str]:
    """The two tags leftovers and destroy find driftplane's resources by."""
    return {MONITOR_TAG: monitor, MANAGED_TAG: MANAGED_VALUE}


def tags_for(resolved: ResolvedMonitor, settings: AzureSettings) -> dict[str, str]:
    """Tags on everything made for a monitor: settings < spec < monitor, then driftplane's own.

    The same precedence as every provider (``ResolvedMonitor.tags_over``); the ownership
    tags come last so no user tag can disown a resource.
    """
    return {**resolved.tags_over(settings.tags), **ownership_tags(resolved.name)}


def tagged_monitor(tags: Mapping[str, str] | None) -> str | None:
    """The monitor a resource was created for, or None when driftplane did not create it."""
    tags = tags or {}
    if tags.get(MANAGED_TAG) != MANAGED_VALUE:
        return None
    return tags.get(MONITOR_TAG) or None
