"""Names and labels of what driftplane creates on Google Cloud, and how it recognises them.

Alert policies, notification channels and Cloud Run jobs carry user labels saying that
driftplane manages them and for which monitor; Cloud Scheduler jobs have no labels, so they
are recognised by their id prefix and a marker in their description. Google's label rules
(lower-case, at most 63 characters) are stricter than driftplane's monitor names, so names
are folded into label values with a short hash whenever folding would lose information.

The spec's ``tags`` become user labels by one documented rule (``tag_label``): lower case,
and every character other than a-z, 0-9, '_' and '-' written as '_'. What that rule cannot
make valid (a key that does not start with a letter, more than 63 characters, two tags that
become one label, driftplane's own keys) is refused by ``validate`` (see ``checks``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

MANAGED_BY = "managed-by"
MANAGED_BY_VALUE = "driftplane"
MONITOR_LABEL = "driftplane-monitor"
KEY_LABEL = "driftplane-key"
DIGEST_LABEL = "driftplane-digest"
SCHEDULER_MARKER = "[managed by driftplane]"
ID_PREFIX = "driftplane-"

# Kinds of the plan (the 'kind' of a Change).
DESCRIPTOR = "monitoring:MetricDescriptor"
CHANNEL = "monitoring:NotificationChannel"
POLICY = "monitoring:AlertPolicy"
RUN_JOB = "run:Job"
SCHEDULER_JOB = "scheduler:Job"

# gRPC services (the 'api' of a Request).
METRIC_SERVICE = "google.monitoring.v3.MetricService"
ALERT_SERVICE = "google.monitoring.v3.AlertPolicyService"
CHANNEL_SERVICE = "google.monitoring.v3.NotificationChannelService"
SCHEDULER_SERVICE = "google.cloud.scheduler.v1.CloudScheduler"
RUN_SERVICE = "google.cloud.run.v2.Jobs"

_NOT_LABEL = re.compile(r"[^a-z0-9_-]+")
_NOT_TAG = re.compile(r"[^a-z0-9_-]")
LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]*$")
MAX_LABEL = 63  # characters of a label key or value (Cloud Monitoring, Cloud Run, Resource Manager)
MAX_LABELS = 64  # user labels on one resource
# The user labels driftplane sets itself (DIGEST_LABEL on every resource it compares by digest).
OWN_LABELS = (MANAGED_BY, MONITOR_LABEL, KEY_LABEL, DIGEST_LABEL)


def short_hash(text: str, length: int = 6) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def label_value(text: str, limit: int = 63) -> str:
    """``text`` as a Google user-label value (lower-case letters, digits, '_' and '-').

    When folding changes the text (upper case, other characters) or it is too long, a hash of
    the original is appended so two different names never share a label value.
    """
    folded = _NOT_LABEL.sub("-", text.lower())
    if folded == text and len(folded) <= limit:
        return folded
    suffix = "-" + short_hash(text)
    return folded[: limit - len(suffix)] + suffix


def resource_id(monitor: str, limit: int = 49) -> str:
    """A Cloud Run / Cloud Scheduler job id for a monitor: ``driftplane-<monitor>``.

    Cloud Run job ids are lower-case letters, digits and '-', start with a letter, do not end
    with '-', and are at most 49 characters here (Cloud Run adds execution suffixes).
    """
    folded = re.sub(r"[^a-z0-9-]+", "-", monitor.lower()).strip("-")
    text = ID_PREFIX + folded
    if folded != monitor or len(text) > limit:
        suffix = "-" + short_hash(monitor)
        text = text[: limit - len(suffix)].rstrip("-") + suffix
    return text


def tag_label(text: str) -> str:
    """A tag key or value in Google's label alphabet: lower case; any other character '_'.

    ``Team: ML Platform`` becomes ``team: ml_platform``. Google Cloud labels take only
    lower-case letters, digits, '_' and '-'; the rule keeps every character's place, so what
    a tag says stays readable in the console.
    """
    return _NOT_TAG.sub("_", text.lower())


def tag_labels(tags: Mapping[str, str]) -> dict[str, str]:
    """The user labels for a monitor's tags (``checks`` has refused tags this cannot express)."""
    return {tag_label(key): tag_label(value) for key, value in tags.items()}


def is_own_label(key: str) -> bool:
    """True for the label keys driftplane keeps for itself (``managed-by``, ``driftplane-*``)."""
    return key == MANAGED_BY or key.startswith(ID_PREFIX)


def managed_labels(monitor: str, key: str | None = None) -> dict[str, str]:
    """The user labels that mark a resource as driftplane's, for ``monitor``."""
    labels = {MANAGED_BY: MANAGED_BY_VALUE, MONITOR_LABEL: label_value(monitor)}
    if key is not None:
        labels[KEY_LABEL] = label_value(key)
    return labels


def is_managed(labels: Any) -> bool:
    return bool(labels) and labels.get(MANAGED_BY) == MANAGED_BY_VALUE


def digest(body: Any) -> str:
    """A short digest of a message's JSON, kept in a label so any change to the spec shows."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode("utf-8")).hexdigest()[:16]


def quote(value: str) -> str:
    """A string literal for a Cloud Monitoring filter: double quotes, with \\ and " escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
