"""``validate --provider gcp``: what Cloud Monitoring cannot realise, located at the spec's keys.

Each problem is a decision of the resolved monitor that this provider cannot express as it
means, with why and what to do instead:

- a fixed target window on a monitor the cloud schedules (every run would read the same
  range; AWS and Azure refuse it too): give a duration, or run it yourself without a schedule;
- a channel ``channels.DELIVERY`` cannot deliver (at its ``notify`` entry);
- two alerts with one identity (``AlertRule.key``), which would share one policy;
- tags that Google's label rules cannot hold (``names.tag_label`` maps the rest);
- an alert policy Google would reject (a filter over 2,048 characters ...);
- a labels ``wait`` spanning more windows than one run judges again (``rejudge.MAX_REJUDGED``).

Model quality is otherwise translated: the job computes it as it computes drift.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from driftplane.alerting.delivery import channel_problems
from driftplane.errors import Problem
from driftplane.resolved import ResolvedMonitor, resolve_monitor
from driftplane.spec.models import Spec
from driftplane_gcp import alerts, names, translate
from driftplane_gcp.channels import DELIVERY, attempt
from driftplane_gcp.rejudge import MAX_REJUDGED, windows_due
from driftplane_gcp.settings import GcpSettings

Path = tuple[Any, ...]
# A fixed time to count a schedule's windows at, so validate says the same whenever it runs.
REFERENCE = datetime(2026, 1, 5, tzinfo=UTC)


class Found:
    """Problems located in the spec's file when it has one, each once."""

    def __init__(self, spec: Spec) -> None:
        self.source = spec.source
        self.problems: list[Problem] = []

    def add(self, path: Path, message: str, *, key: bool = False) -> None:
        problem = self.source.problem(path, message, key=key) if self.source is not None else Problem(path, message)
        if problem not in self.problems:
            self.problems.append(problem)


def spec_problems(
    spec: Spec, settings: GcpSettings, monitors: Sequence[str], *, policies: bool = True
) -> list[Problem]:
    """What this provider cannot realise for these monitors, located at the spec's keys.

    policies=False leaves out alert policies Google would reject: plan and apply raise those
    as AlertFilterError (a ProviderError) right before they would have been sent.
    """
    found = Found(spec)
    if settings.scheduled_runs:
        for key in ("image", "service_account"):
            if getattr(settings, key) is None:
                found.add(
                    ("providers", "gcp"),
                    f"scheduled runs need providers.gcp.{key} (the Cloud Run job's "
                    f"{'container image' if key == 'image' else 'service account email'}); "
                    "set it, or set scheduled_runs: false and run `driftplane run --provider gcp` yourself",
                )
    layers = _tag_layers(spec, settings)
    if monitors:  # destroy (no monitor wanted) need not fix tags first
        for path, tags in layers:
            _tags_one_by_one(found, path, tags)
    for name in monitors:
        monitor = resolve_monitor(spec, name)
        at: Path = ("monitors", name)
        _rejudging(found, monitor)
        if settings.scheduled_runs and monitor.windows.fixed is not None:
            found.add(
                (*at, "target", "window"),
                "a monitor scheduled in the cloud reads a moving window, and a fixed {start, end} would be read "
                "again at every run (AWS and Azure refuse it too): give a duration such as 1d, or set "
                "providers.gcp.scheduled_runs: false and run this window with `driftplane run --provider gcp`",
            )
        # Where the monitor's own tags are written, to locate problems (the merge is core's).
        monitor_layer = (("monitors", name, "tags"), spec.monitors[name].tags)
        _tags_one_by_one(found, *monitor_layer)
        _tags_together(found, monitor, settings, [*layers, monitor_layer])
        _alert_identities(found, monitor)
        for problem in channel_problems(
            monitor, DELIVERY, provider="gcp", source=spec.source, attempt=attempt(name, settings)
        ):
            if problem not in found.problems:
                found.problems.append(problem)
        resources = translate.alert_resources(monitor, settings)
        if not policies:
            continue
        for request in resources.policies:
            for message in alerts.policy_problems(request.build({})):
                found.add((*at, "alerts", request.alert.index), f"Cloud Monitoring would reject this alert: {message}")
    return found.problems


def _rejudging(found: Found, monitor: ResolvedMonitor) -> None:
    """A wait so long against the schedule that one run would judge again more windows than it may.

    The job keeps no history, so each run judges again every window whose labels may still have
    landed since the previous run (``rejudge``), at most ``MAX_REJUDGED``.
    """
    policy = monitor.performance
    if policy is None or policy.labels is None or monitor.windows.fixed is not None:
        return
    due = windows_due(monitor, monitor.windows.latest(REFERENCE))
    if len(due) <= MAX_REJUDGED:
        return
    found.add(
        ("monitors", monitor.name, "labels", "wait"),
        f"labels.wait ({policy.wait}) spans more than {MAX_REJUDGED} of this monitor's windows: each run on "
        "Google Cloud judges again every window whose labels may still land, and keeps no history to do fewer. "
        "Shorten wait, make the windows longer (schedule), or run this monitor with the local provider",
    )


def _alert_identities(found: Found, monitor: ResolvedMonitor) -> None:
    """Two alerts with one key would be one policy: Cloud Monitoring finds a policy by its key."""
    first: dict[str, int] = {}
    for alert in monitor.alerts:
        earlier = first.setdefault(alert.key, alert.index)
        if earlier == alert.index:
            continue
        at = ("monitors", monitor.name, "alerts", alert.index)
        if alert.named:
            found.add(
                (*at, "name"),
                f"alerts {earlier + 1} and {alert.index + 1} of monitor {monitor.name} are both named "
                f"'{alert.key.removeprefix('name:')}'; the gcp provider finds each alert's policy by its name, "
                "so give them different names",
            )
        else:
            found.add(
                at,
                f"alerts {earlier + 1} and {alert.index + 1} of monitor {monitor.name} have the same condition and "
                "no name, so they would be one alert policy: remove one, or name them",
            )


# --- tags as Google labels ----------------------------------------------------------------------


def _tag_layers(spec: Spec, settings: GcpSettings) -> list[tuple[Path, Mapping[str, str]]]:
    """Where tags are written, lowest precedence first (to locate problems; the merge is core's)."""
    return [(("providers", "gcp", "labels"), settings.labels), (("tags",), spec.tags)]


def _tags_one_by_one(found: Found, path: Path, tags: Mapping[str, str]) -> None:
    """Keys and values ``names.tag_label`` cannot make into valid Google labels."""
    for key, value in tags.items():
        label = names.tag_label(key)
        if not names.LABEL_KEY.match(label):
            found.add(
                (*path, key),
                f"tag '{key}' cannot be a Google Cloud label key: keys start with a letter "
                f"(written as '{label}' here); rename it",
                key=True,
            )
        elif len(label) > names.MAX_LABEL:
            found.add(
                (*path, key),
                f"tag '{key}' is {len(label)} characters; Google Cloud label keys are at most {names.MAX_LABEL}",
                key=True,
            )
        elif names.is_own_label(label):
            found.add(
                (*path, key),
                f"tag '{key}' would be the label '{label}', which driftplane sets itself to recognise what it "
                "created (managed-by, driftplane-*); use another key",
                key=True,
            )
        if len(names.tag_label(value)) > names.MAX_LABEL:
            found.add(
                (*path, key),
                f"the value of tag '{key}' is {len(value)} characters; Google Cloud label values are at most "
                f"{names.MAX_LABEL}: shorten it",
            )


def _tags_together(
    found: Found, monitor: ResolvedMonitor, settings: GcpSettings, layers: list[tuple[Path, Mapping[str, str]]]
) -> None:
    """Tags that become one label, and more labels than a resource takes."""
    merged = translate.tags(monitor, settings)

    def origin(key: str) -> Path:
        for path, tags in reversed(layers):
            if key in tags:
                return (*path, key)
        return layers[-1][0]

    by_label: dict[str, str] = {}
    for key in merged:
        label = names.tag_label(key)
        other = by_label.setdefault(label, key)
        if other != key:
            found.add(
                origin(key),
                f"tags '{other}' and '{key}' would both be the Google Cloud label '{label}' (labels are lower case, "
                "other characters '_'); keep one",
                key=True,
            )
    room = names.MAX_LABELS - len(names.OWN_LABELS)
    if len(merged) > room:
        path = next((p for p, tags in reversed(layers) if tags), layers[-1][0])
        found.add(
            path,
            f"monitor {monitor.name} has {len(merged)} tags; a Google Cloud resource takes {names.MAX_LABELS} "
            f"labels, {len(names.OWN_LABELS)} of them driftplane's, so at most {room} tags",
        )


__all__ = ["spec_problems"]
