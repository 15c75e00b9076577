"""What driftplane created for monitors the spec no longer runs (removed, or ``enabled: false``).

Nothing records which monitors a spec used to have, so leftovers are found the way destroy
confirms ownership: list what carries driftplane's name prefix with read-only calls, then
keep what is tagged ``driftplane:managed-by=driftplane`` with a ``driftplane:monitor`` the
spec does not run. Resources of monitors the spec runs are skipped by name before any tag is
read (their own plan keeps them in shape), so a plan costs one tag read per leftover, not
per resource. Baseline files and job specs carry driftplane's object metadata, not
listable tags: they are found under ``<output_s3_uri>/<monitor>/``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from driftplane.provider import Leftover, leftover_reason, selected_monitors
from driftplane.spec.models import NAME_PATTERN
from driftplane_aws import names
from driftplane_aws.clients import AwsClients
from driftplane_aws.plan import Planner

logger = logging.getLogger(__name__)

# The order destroy removes them in: what points at something goes before what it points at.
KIND_ORDER = (
    "cloudwatch:MetricAlarm",
    "sagemaker:MonitoringSchedule",
    "sagemaker:DataQualityJobDefinition",
    "sagemaker:ModelQualityJobDefinition",
    "scheduler:Schedule",
    "scheduler:ScheduleGroup",
    "sns:Topic",
    "s3:Object",
)


def _items(
    clients: AwsClients, service: str, operation: str, body: dict[str, Any], key: str
) -> Iterator[dict[str, Any]]:
    """Every item of a NextToken-paginated List/Describe call."""
    body = dict(body)
    while True:
        page = clients.call(service, operation, body)
        yield from page.get(key, [])
        token = page.get("NextToken")
        if not token:
            return
        body["NextToken"] = token


def _tag_map(tags: list[dict[str, str]]) -> dict[str, str]:
    return {tag.get("Key", ""): tag.get("Value", "") for tag in tags}


class LeftoverFinder:
    """Lists the leftovers of one spec with the clients of an online planner."""

    def __init__(self, planner: Planner) -> None:
        assert planner.clients is not None, "an offline plan has no leftovers"
        self.planner = planner
        self.clients: AwsClients = planner.clients
        self.spec = planner.spec
        self.prefix = planner.translator.prefix
        self.running = selected_monitors(self.spec, None)  # declared and enabled

    def find(self) -> list[Leftover]:
        found = self.alarms()
        if self.planner.settings.backend == "model-monitor":
            found += self.monitoring_schedules() + self.job_definitions()
        else:
            found += self.schedule_groups()
        found += self.topics() + self.s3_objects()
        order = {kind: index for index, kind in enumerate(KIND_ORDER)}
        found.sort(key=lambda item: (item.monitor, order.get(item.kind, len(order)), item.name))
        if found:
            logger.info(
                "found %d resources driftplane created for monitors the spec no longer runs (%s); "
                "`apply --prune` or `destroy --monitor NAME` removes them",
                len(found),
                ", ".join(dict.fromkeys(item.monitor for item in found)),
            )
        return found

    def _leftover(self, tags: dict[str, str], kind: str, name: str) -> Leftover | None:
        """A Leftover when the tags say driftplane made it for a monitor the spec does not run."""
        if tags.get(names.MANAGED_BY_KEY) != names.MANAGED_BY_VALUE:
            return None
        monitor = tags.get(names.MONITOR_KEY)
        if not monitor:
            return None
        reason = leftover_reason(self.spec, monitor)
        if reason is None:
            return None
        return Leftover(monitor=monitor, kind=kind, name=name, reason=reason)

    # --- CloudWatch ---------------------------------------------------------------------------

    def alarms(self) -> list[Leftover]:
        """Alarm names are ``<prefix>/<monitor>/...``: the monitor is read from the name, confirmed by tags."""
        start = f"{self.prefix}/"
        running = set(self.running)
        out = []
        body = {"AlarmNamePrefix": start, "AlarmTypes": ["MetricAlarm"]}
        for alarm in _items(self.clients, "cloudwatch", "DescribeAlarms", body, "MetricAlarms"):
            name = alarm["AlarmName"]
            if name[len(start) :].split("/", 1)[0] in running or not alarm.get("AlarmArn"):
                continue
            arn = alarm["AlarmArn"]
            tags = self.clients.call("cloudwatch", "ListTagsForResource", {"ResourceARN": arn}, resource=arn).get(
                "Tags", []
            )
            if (item := self._leftover(_tag_map(tags), "cloudwatch:MetricAlarm", name)) is not None:
                out.append(item)
        return out

    # --- SageMaker Model Monitor ---------------------------------------------------------------

    def _sagemaker_tags(self, arn: str) -> dict[str, str]:
        found = self.clients.try_call("sagemaker", "ListTags", {"ResourceArn": arn}, resource=arn)
        return _tag_map(found.get("Tags", [])) if found is not None else {}

    def monitoring_schedules(self) -> list[Leftover]:
        running = {names.schedule_name(self.prefix, m) for m in self.running}
        running |= {names.quality_schedule_name(self.prefix, m) for m in self.running}
        out = []
        body = {"NameContains": self.prefix, "MaxResults": 100}
        for summary in _items(
            self.clients, "sagemaker", "ListMonitoringSchedules", body, "MonitoringScheduleSummaries"
        ):
            name = summary["MonitoringScheduleName"]
            if name in running or not name.startswith(f"{self.prefix}-"):
                continue
            tags = self._sagemaker_tags(summary["MonitoringScheduleArn"])
            if (item := self._leftover(tags, "sagemaker:MonitoringSchedule", name)) is not None:
                out.append(item)
        return out

    def job_definitions(self) -> list[Leftover]:
        """Data-quality (``-dq-``) and model-quality (``-mq-``) job definitions of monitors the spec does not run."""
        out = []
        for tag, kind in (("dq", "DataQuality"), ("mq", "ModelQuality")):
            form = re.compile(rf"^{re.escape(self.prefix)}-.+-{tag}-[0-9a-f]{{8}}$")
            running = [names.monitor_base(self.prefix, m, 63 - 12) + f"-{tag}-" for m in self.running]
            body = {"NameContains": self.prefix, "MaxResults": 100}
            for summary in _items(
                self.clients, "sagemaker", f"List{kind}JobDefinitions", body, "JobDefinitionSummaries"
            ):
                name = summary["MonitoringJobDefinitionName"]
                if not form.match(name) or any(
                    name.startswith(base) and len(name) == len(base) + 8 for base in running
                ):
                    continue
                tags = self._sagemaker_tags(summary["MonitoringJobDefinitionArn"])
                if (item := self._leftover(tags, f"sagemaker:{kind}JobDefinition", name)) is not None:
                    out.append(item)
        return out

    # --- EventBridge Scheduler (processing) ----------------------------------------------------

    def schedule_groups(self) -> list[Leftover]:
        """Schedules carry no tags of their own: their group (one per monitor) does."""
        running = {names.schedule_group_name(self.prefix, m) for m in self.running}
        out = []
        for group in _items(
            self.clients, "scheduler", "ListScheduleGroups", {"NamePrefix": f"{self.prefix}-"}, "ScheduleGroups"
        ):
            name = group["Name"]
            if name in running:
                continue
            tags = self.clients.call(
                "scheduler", "ListTagsForResource", {"ResourceArn": group["Arn"]}, resource=name
            ).get("Tags", [])
            if (item := self._leftover(_tag_map(tags), "scheduler:ScheduleGroup", name)) is None:
                continue
            for schedule in _items(self.clients, "scheduler", "ListSchedules", {"GroupName": name}, "Schedules"):
                out.append(item.model_copy(update={"kind": "scheduler:Schedule", "name": schedule["Name"]}))
            out.append(item)
        return out

    # --- SNS ----------------------------------------------------------------------------------

    def topics(self) -> list[Leftover]:
        """Deleting a topic removes its email subscriptions with it; the topic is the leftover."""
        t = self.planner.translator
        running = {topic.name for m in self.running for topic in t.topics(m) if topic.name}
        out = []
        for topic in _items(self.clients, "sns", "ListTopics", {}, "Topics"):
            arn = topic["TopicArn"]
            name = arn.rsplit(":", 1)[1]
            if name in running or not name.startswith(f"{self.prefix}-"):
                continue
            tags = self.clients.call("sns", "ListTagsForResource", {"ResourceArn": arn}, resource=arn).get("Tags", [])
            if (item := self._leftover(_tag_map(tags), "sns:Topic", name)) is not None:
                out.append(item)
        return out

    # --- S3 -------------------------------------------------------------------------------------

    def s3_objects(self) -> list[Leftover]:
        """The baseline files and job spec driftplane wrote under ``<output_s3_uri>/<monitor>/``.

        Reports stay: they are the team's record, and destroy keeps them too.
        """
        output = self.planner.settings.output_s3_uri
        if not output:
            return []
        bucket, key = names.split_s3_uri(output)
        start = f"{key}/" if key else ""
        out = []
        for folder in self._folders(bucket, start):
            monitor = folder[len(start) :].rstrip("/")
            reason = leftover_reason(self.spec, monitor)
            if reason is None or not NAME_PATTERN.match(monitor):
                continue
            for uri in self.planner.owned_files(monitor):
                out.append(Leftover(monitor=monitor, kind="s3:Object", name=uri, reason=reason))
        return out

    def _folders(self, bucket: str, start: str) -> Iterator[str]:
        body: dict[str, Any] = {"Bucket": bucket, "Prefix": start, "Delimiter": "/"}
        while True:
            page = self.clients.call("s3", "ListObjectsV2", body, resource=f"s3://{bucket}/{start}")
            for common in page.get("CommonPrefixes", []):
                yield common["Prefix"]
            if not page.get("IsTruncated"):
                return
            body["ContinuationToken"] = page["NextContinuationToken"]


def find_leftovers(planner: Planner) -> list[Leftover]:
    """Everything driftplane created for monitors the spec does not run, one entry per resource."""
    return LeftoverFinder(planner).find()
