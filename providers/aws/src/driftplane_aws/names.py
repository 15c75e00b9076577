"""Names of the cloud resources a monitor becomes, always valid for the service that gets them.

SageMaker names are 1-63 letters, digits and hyphens; monitor names may hold underscores and
reach 63 characters on their own. A name that had to be changed or shortened gets a short
hash of the monitor's name, so two monitors never share a resource.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from urllib.parse import quote

SAGEMAKER_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
SAGEMAKER_NAME_RULE = "1-63 letters, digits or hyphens, starting and ending with a letter or digit"
SCHEDULER_NAME = re.compile(r"^[0-9a-zA-Z\-_.]{1,64}$")
SNS_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,256}$")
ENDPOINT_NAME = SAGEMAKER_NAME
MANAGED_BY_KEY = "driftplane:managed-by"
MANAGED_BY_VALUE = "driftplane"
MONITOR_KEY = "driftplane:monitor"
# The processing backend names each job <base>-<execution id>; EventBridge Scheduler's ids
# are short hex strings, 36 characters (a UUID) is the room kept for them.
EXECUTION_ID_ROOM = 36


def short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def monitor_base(prefix: str, monitor: str, budget: int = 63) -> str:
    """``<prefix>-<monitor>`` made SageMaker-safe within ``budget`` characters."""
    clean = re.sub(r"-{2,}", "-", re.sub(r"[^a-zA-Z0-9-]", "-", monitor)).strip("-")
    name = f"{prefix}-{clean}" if clean else prefix
    if clean == monitor and len(name) <= budget:
        return name
    tag = short_hash(monitor, 6)
    room = budget - len(prefix) - len(tag) - 2
    cut = clean[: max(room - 1, 0)].strip("-")
    return f"{prefix}-{cut}-{tag}" if cut else f"{prefix}-{tag}"


def schedule_name(prefix: str, monitor: str) -> str:
    """The monitoring schedule (model-monitor) or EventBridge schedule (processing)."""
    return monitor_base(prefix, monitor, 63)


def job_definition_name(prefix: str, monitor: str, content: str) -> str:
    """Data-quality job definitions are immutable: the name carries a hash of the content."""
    return f"{monitor_base(prefix, monitor, 63 - 12)}-dq-{short_hash(content)}"


def quality_schedule_name(prefix: str, monitor: str) -> str:
    """The model-quality monitoring schedule (an endpoint or batch job has one schedule per monitoring type)."""
    return f"{monitor_base(prefix, monitor, 63 - 3)}-mq"


def quality_job_definition_name(prefix: str, monitor: str, content: str) -> str:
    """Model-quality job definitions are immutable too: the name carries a hash of the content."""
    return f"{monitor_base(prefix, monitor, 63 - 12)}-mq-{short_hash(content)}"


def baselining_job_name(prefix: str, monitor: str, content: str) -> str:
    return f"{monitor_base(prefix, monitor, 63 - 12)}-bl-{short_hash(content)}"


def processing_job_base(prefix: str, monitor: str) -> str:
    """The start of each scheduled processing job's name, before the execution id."""
    return monitor_base(prefix, monitor, 63 - EXECUTION_ID_ROOM - 1)


def schedule_group_name(prefix: str, monitor: str) -> str:
    return monitor_base(prefix, monitor, 64)


def topic_name(prefix: str, monitor: str, alert_slug: str) -> str:
    """The SNS topic of one alert: ``<prefix>-<monitor>-<alert slug>``, in the letters SNS allows.

    An alert slug with other characters (a name in another alphabet) gets them replaced and a
    short hash of the slug added, so two alerts never share a topic.
    """
    safe = re.sub(r"[^A-Za-z0-9_-]", "-", alert_slug)
    if safe != alert_slug:
        safe = f"{safe}-{short_hash(alert_slug, 6)}"
    name = f"{monitor_base(prefix, monitor, 200)}-{safe}"
    return name if len(name) <= 256 else f"{name[:247]}-{short_hash(name)}"


def alarm_prefix(prefix: str, monitor: str) -> str:
    """Every alarm of a monitor starts with this; '/' cannot occur in monitor names."""
    return f"{prefix}/{monitor}/"


def alarm_name(prefix: str, monitor: str, *parts: str) -> str:
    name = alarm_prefix(prefix, monitor) + "/".join(parts)
    if len(name) <= 255:
        return name
    return name[: 255 - 9] + "~" + short_hash(name)


def standard_tags(monitor: str, tags: Mapping[str, str]) -> dict[str, str]:
    """The tags on everything: the user's (``ResolvedMonitor.tags_over``), then driftplane's own (which always win)."""
    return {**tags, MONITOR_KEY: monitor, MANAGED_BY_KEY: MANAGED_BY_VALUE}


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def s3_tagging(tags: dict[str, str]) -> str:
    """S3's Tagging header: URL-encoded key=value pairs."""
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in tags.items())


def split_s3_uri(uri: str) -> tuple[str, str]:
    """('bucket', 'key/prefix') of s3://bucket/key/prefix (no trailing slash on the key)."""
    if not uri.startswith("s3://"):
        raise ValueError(f"'{uri}' is not an s3:// URI")
    bucket, _, key = uri[5:].partition("/")
    return bucket, key.strip("/")


def join_s3(uri: str, *parts: str) -> str:
    return "/".join([uri.rstrip("/"), *[p.strip("/") for p in parts if p]])
