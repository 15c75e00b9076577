"""Plans: the changes that make AWS match the spec, read from what exists (or assumed absent offline).

Every change carries the exact request apply will send. Reading is done with Describe, Get,
Head and List calls only, so ``plan`` never changes anything.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from driftplane.errors import ProviderError
from driftplane.plan_diff import attribute_changes
from driftplane.provider import AttributeChange, Change, Request
from driftplane.resolved import resolve_monitor
from driftplane.spec.models import Spec
from driftplane_aws import names
from driftplane_aws.alarms import AlarmNotExpressible, alarms
from driftplane_aws.baseline import (
    BaselineFiles,
    FeatureInfo,
    baseline_fingerprint,
    compute_baseline,
    declared_features,
    features_from_statistics,
    positional,
)
from driftplane_aws.clients import AwsClients
from driftplane_aws.quality import QualityTranslator, has_model_quality, quality_files
from driftplane_aws.settings import AwsSettings
from driftplane_aws.translate import (
    Account,
    Translation,
    Translator,
    metric_for_comparison,
    remote_baseline,
)

logger = logging.getLogger(__name__)

FINGERPRINT_KEY = "driftplane-baseline"
SHA_KEY = "driftplane-sha256"
ALARM_PLACEHOLDER = "cloudwatch:MetricAlarm"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def offline_account(settings: AwsSettings) -> Account:
    """Region and account without any call: the settings (or AWS config files) and the role's ARN."""
    region = settings.region
    if region is None:
        import botocore.session

        region = botocore.session.get_session().get_config_variable("region")
    if not region:
        raise ProviderError("plan --offline needs a region: set providers.aws.region in the spec (or AWS_REGION)")
    if not settings.role_arn:
        raise ProviderError("providers.aws.role_arn is not set; it names the IAM role SageMaker assumes")
    return Account(region=str(region), account=settings.role_arn.split(":")[4])


def _normalise(value: Any) -> Any:
    """Compare requests and Describe answers alike: floats for numbers, sorted dimensions."""
    if isinstance(value, dict):
        out = {k: _normalise(v) for k, v in value.items()}
        return out
    if isinstance(value, list):
        items = [_normalise(v) for v in value]
        if items and all(isinstance(i, dict) and set(i) == {"Name", "Value"} for i in items):
            items.sort(key=lambda d: d["Name"])
        return items
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    return value


def _subset_differs(desired: Any, observed: Any) -> list[str]:
    """Keys of ``desired`` whose value differs in ``observed`` (missing keys differ)."""
    if isinstance(desired, dict) and isinstance(observed, dict):
        out = []
        for key, value in desired.items():
            if key not in observed:
                if value in ([], {}, None):
                    continue
                out.append(key)
            elif _subset_differs(value, observed[key]):
                out.append(key)
        return out
    if isinstance(desired, list) and isinstance(observed, list):
        if len(desired) != len(observed):
            return ["length"]
        return [str(i) for i, (d, o) in enumerate(zip(desired, observed, strict=True)) if _subset_differs(d, o)]
    return [] if _normalise(desired) == _normalise(observed) else ["value"]


def _same(desired: Any, observed: Any) -> bool:
    return bool(_normalise(desired) == _normalise(observed))


def _sorted_dimensions(value: Any) -> Any:
    """Name/Value lists (dimensions, tags) in name order, as AWS may answer them in any order."""
    if isinstance(value, dict):
        return {k: _sorted_dimensions(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_dimensions(v) for v in value]
        if items and all(isinstance(i, dict) and set(i) == {"Name", "Value"} for i in items):
            items.sort(key=lambda d: d["Name"])
        return items
    return value


def changed_attributes(desired: Any, observed: Any, path: str = "") -> list[AttributeChange]:
    """Each attribute of ``desired`` that ``observed`` (a Describe or Get answer) holds otherwise, old -> new."""
    return attribute_changes(_sorted_dimensions(desired), _sorted_dimensions(observed), path=path, same=_same)


class Planner:
    """Builds the plan of one spec, online (reading AWS) or offline."""

    def __init__(self, spec: Spec, settings: AwsSettings, clients: AwsClients | None) -> None:
        self.spec = spec
        self.settings = settings
        self.clients = clients
        self.offline = clients is None
        self.account = offline_account(settings) if clients is None else Account(clients.region, clients.account_id())
        self.translator = Translator(spec, settings, self.account)
        self.translations: dict[str, Translation] = {}
        self.baselines: dict[str, BaselineFiles] = {}

    # --- helpers ------------------------------------------------------------------------------

    def _client_call(
        self, service: str, operation: str, body: dict[str, Any], resource: str | None = None
    ) -> dict[str, Any] | None:
        assert self.clients is not None
        return self.clients.try_call(service, operation, body, resource=resource)

    def _tags_say_ours(self, tags: Iterable[dict[str, str]] | dict[str, str], monitor: str) -> bool:
        found = tags if isinstance(tags, dict) else {t.get("Key", ""): t.get("Value", "") for t in tags}
        return found.get(names.MANAGED_BY_KEY) == names.MANAGED_BY_VALUE and found.get(names.MONITOR_KEY) == monitor

    def _change(
        self,
        action: str,
        kind: str,
        name: str,
        monitor: str,
        request: Request | None,
        reason: str | None = None,
        changed: list[AttributeChange] | None = None,
    ) -> Change:
        return Change(
            action=action, kind=kind, name=name, monitor=monitor, request=request, reason=reason, changed=changed or []
        )

    def _unchanged(self, kind: str, name: str, monitor: str) -> Change:
        """What exists as the spec says: counted by the plan, never sent."""
        return Change(action="noop", kind=kind, name=name, monitor=monitor)

    # --- the plan ---------------------------------------------------------------------------------

    def plan(self, monitors: list[str]) -> list[Change]:
        changes: list[Change] = []
        for monitor in monitors:
            translation = Translation(monitor)
            self.translations[monitor] = translation
            changes.extend(self.plan_monitor(monitor, translation))
            for note in dict.fromkeys(translation.notes):
                logger.warning("monitor %s: %s", monitor, note)
        return changes

    def plan_monitor(self, monitor: str, translation: Translation) -> list[Change]:
        endpoint = self.translator.monitor(monitor).target.endpoint
        if endpoint and self.clients is not None:
            from driftplane_aws.capture import require_capture

            require_capture(self.clients, endpoint)
        changes, features = self.baseline_changes(monitor)
        if self.settings.backend == "processing":
            changes += self.job_spec_changes(monitor)
        changes += self.topic_changes(monitor, translation)
        if self.settings.backend == "processing":
            changes += self.scheduler_changes(monitor)
            job_definition_deletes: list[Change] = []
        else:
            changes += self.quality_baseline_changes(monitor, translation)
            schedule_changes, job_definition_deletes = self.model_monitor_changes(monitor)
            quality_changes, quality_deletes = self.model_quality_changes(monitor)
            changes += schedule_changes + quality_changes
            job_definition_deletes += quality_deletes
        changes += job_definition_deletes
        changes += self.alarm_changes(monitor, features, translation)
        return changes

    # --- baseline ---------------------------------------------------------------------------------

    def baseline_changes(self, monitor: str) -> tuple[list[Change], list[FeatureInfo] | None]:
        """The baseline files to upload, and the features they hold (None when not known yet).

        A lagged baseline has no file, SageMaker's baselining job writes its own, and S3
        files are read only online: until a file tells, the features are the ones the spec
        lists in ``features.include``.
        """
        resolved = resolve_monitor(self.spec, monitor)
        t = self.translator
        if resolved.baseline.kind == "lag":
            return [], self._declared_features(monitor)
        if resolved.baseline.job == "sagemaker":
            return self.baselining_job_changes(monitor)
        remote = remote_baseline(resolved)
        if remote is not None:
            if not self.offline and self.settings.backend == "model-monitor":
                self._check_remote_constraints(monitor, remote[1])
            text = None if self.offline else self._read_s3_text(remote[0])
            return [], features_from_statistics(resolved, text) if text is not None else self._declared_features(
                monitor
            )
        statistics_uri, constraints_uri = t.baseline_resources(monitor)
        fingerprint = baseline_fingerprint(self.spec, monitor) if not self.offline else ""
        current = []
        heads: list[dict[str, Any] | None] = []
        if not self.offline:
            for uri in (statistics_uri, constraints_uri):
                head = self._head(uri)
                heads.append(head)
                current.append(head is not None and head.get("Metadata", {}).get(FINGERPRINT_KEY) == fingerprint)
        if current and all(current):
            text = self._read_s3_text(statistics_uri)
            if text is not None:
                unchanged = [self._unchanged("s3:Object", uri, monitor) for uri in (statistics_uri, constraints_uri)]
                return unchanged, features_from_statistics(resolved, text)
        files = compute_baseline(self.spec, monitor, fingerprint or None)
        self.baselines[monitor] = files
        changes = []
        for index, (uri, body) in enumerate(((statistics_uri, files.statistics), (constraints_uri, files.constraints))):
            if current and current[index]:
                changes.append(self._unchanged("s3:Object", uri, monitor))
                continue
            request = t.put_object(monitor, uri, body, {FINGERPRINT_KEY: files.fingerprint, SHA_KEY: sha256(body)})
            head = heads[index] if heads else None
            if head is None:
                changes.append(self._change("create", "s3:Object", uri, monitor, request))
                continue
            changed = changed_attributes(request.body.get("Metadata", {}), head.get("Metadata", {}), "Metadata")
            reason = "the baseline data or its settings changed"
            changes.append(self._change("update", "s3:Object", uri, monitor, request, reason, changed))
        return changes, files.features

    def quality_baseline_changes(self, monitor: str, translation: Translation) -> list[Change]:
        """model-monitor: the model-quality statistics.json and constraints.json written from the labelled baseline.

        The metrics are exact sums of the baseline's rows (no sketch), so the files come out the same
        for the same baseline and checks: their digest decides whether they are uploaded again.
        """
        resolved = resolve_monitor(self.spec, monitor)
        t = self.translator
        q = QualityTranslator(t)
        if not has_model_quality(resolved):
            return [] if self.offline else self._stale_quality_files(monitor, q)
        files = quality_files(resolved)
        translation.quality_baseline = files.baseline
        changes = []
        for uri, body in (
            (q.statistics_uri(monitor), files.statistics),
            (q.constraints_uri(monitor), files.constraints),
        ):
            if body is None:
                continue
            request = t.put_object(monitor, uri, body, {SHA_KEY: sha256(body)})
            head = None if self.offline else self._head(uri)
            if head is None:
                changes.append(self._change("create", "s3:Object", uri, monitor, request))
            elif head.get("Metadata", {}).get(SHA_KEY) != sha256(body):
                changed = changed_attributes(request.body.get("Metadata", {}), head.get("Metadata", {}), "Metadata")
                reason = "the labelled baseline or the performance checks changed"
                changes.append(self._change("update", "s3:Object", uri, monitor, request, reason, changed))
            else:
                changes.append(self._unchanged("s3:Object", uri, monitor))
        return changes

    def _stale_quality_files(self, monitor: str, q: QualityTranslator) -> list[Change]:
        """The model-quality files of a monitor that no longer judges model quality: deleted with its job."""
        changes = []
        for uri in (q.statistics_uri(monitor), q.constraints_uri(monitor)):
            head = self._head(uri)
            if head is None or head.get("Metadata", {}).get("driftplane-monitor") != monitor:
                continue
            bucket, key = names.split_s3_uri(uri)
            request = Request(api="s3", operation="DeleteObject", body={"Bucket": bucket, "Key": key})
            reason = "the monitor no longer checks model quality"
            changes.append(self._change("delete", "s3:Object", uri, monitor, request, reason))
        return changes

    def baselining_job_changes(self, monitor: str) -> tuple[list[Change], list[FeatureInfo] | None]:
        name, request = self.translator.baselining_job(monitor)
        if self.offline:
            return [self._change("create", "sagemaker:ProcessingJob", name, monitor, request)], self._declared_features(
                monitor
            )
        job = self._client_call("sagemaker", "DescribeProcessingJob", {"ProcessingJobName": name}, name)
        if job is None:
            return [self._change("create", "sagemaker:ProcessingJob", name, monitor, request)], self._declared_features(
                monitor
            )
        status = job.get("ProcessingJobStatus")
        if status == "Failed":
            raise ProviderError(
                f"monitor {monitor}: SageMaker's baselining job {name} failed: "
                f"{job.get('FailureReason') or job.get('ExitMessage')}. "
                "Fix the cause (the baseline data or its format); changing the baseline gives a new job"
            )
        if status != "Completed":
            return [], self._declared_features(monitor)
        text = self._read_s3_text(self.translator.baseline_uri(monitor, "statistics.json"))
        return [], features_from_statistics(
            resolve_monitor(self.spec, monitor), text
        ) if text is not None else self._declared_features(monitor)

    def _check_remote_constraints(self, monitor: str, uri: str) -> None:
        """model-monitor with the user's constraints.json: SageMaker's drift metric follows that file.

        Validate cannot read S3; plan does, and stops when the file's comparison method gives
        another metric than the spec's (the alarms would compare another distance), or when it
        turns the drift metrics off (the alarms would never hear anything).
        """
        from driftplane.engine.constraints import MonitoringConfig

        text = self._read_s3_text(uri)
        if text is None:
            raise ProviderError(
                f"monitor {monitor}: baseline.constraints {uri} does not exist; SageMaker's jobs would fail without it"
            )
        try:
            config = MonitoringConfig.from_dict(json.loads(text).get("monitoring_config") or {})
        except (ValueError, TypeError, AttributeError) as exc:
            raise ProviderError(f"monitor {monitor}: {uri} is not a SageMaker constraints.json: {exc}") from None
        resolved = resolve_monitor(self.spec, monitor)
        method = resolved.quality.comparison_method
        if config.comparison_method.lower() != method:
            metric = metric_for_comparison(config.comparison_method)
            raise ProviderError(
                f"monitor {monitor}: {uri} compares with comparison_method "
                f"{config.comparison_method}, so SageMaker publishes "
                f"{metric}, but the spec says comparison_method: {method}: set checks.quality.comparison_method: "
                f"{config.comparison_method.lower()} and the drift metrics to {metric}, or change the file"
            )
        if config.emit_metrics == "Disabled" and any(a.when in ("drift", "metric") for a in resolved.alerts):
            raise ProviderError(
                f"monitor {monitor}: {uri} sets emit_metrics: Disabled, so SageMaker publishes no drift metric and the "
                "alerts' alarms would never fire: set it to Enabled in the file"
            )

    def _declared_features(self, monitor: str) -> list[FeatureInfo] | None:
        """Features the spec lists (features.include), with their declared kinds; None when only the data knows them."""
        resolved = resolve_monitor(self.spec, monitor)
        include = resolved.features.include
        return declared_features(resolved, include) if include else None

    def job_spec_changes(self, monitor: str) -> list[Change]:
        t = self.translator
        uri = t.output_uri(monitor, "job", "monitors.yaml")
        body = t.job_spec(monitor)
        request = t.put_object(monitor, uri, body, {SHA_KEY: sha256(body)})
        if self.offline:
            return [self._change("create", "s3:Object", uri, monitor, request)]
        head = self._head(uri)
        if head is None:
            return [self._change("create", "s3:Object", uri, monitor, request)]
        if head.get("Metadata", {}).get(SHA_KEY) != sha256(body):
            changed = changed_attributes(request.body.get("Metadata", {}), head.get("Metadata", {}), "Metadata")
            return [self._change("update", "s3:Object", uri, monitor, request, "the monitor's spec changed", changed)]
        return [self._unchanged("s3:Object", uri, monitor)]

    def _head(self, uri: str) -> dict[str, Any] | None:
        bucket, key = names.split_s3_uri(uri)
        return self._client_call("s3", "HeadObject", {"Bucket": bucket, "Key": key}, uri)

    def owned_files(self, monitor: str) -> list[str]:
        """The baseline files and job spec driftplane wrote for ``monitor`` that still exist (by their metadata).

        Reports under the same folder are the team's record: never listed, never deleted.
        """
        t = self.translator
        out = []
        for uri in (
            t.baseline_uri(monitor, "statistics.json"),
            t.baseline_uri(monitor, "constraints.json"),
            QualityTranslator(t).statistics_uri(monitor),
            QualityTranslator(t).constraints_uri(monitor),
            t.output_uri(monitor, "job", "monitors.yaml"),
        ):
            head = self._head(uri)
            if head is not None and head.get("Metadata", {}).get("driftplane-monitor") == monitor:
                out.append(uri)
        return out

    def _read_s3_text(self, uri: str) -> str | None:
        bucket, key = names.split_s3_uri(uri)
        found = self._client_call("s3", "GetObject", {"Bucket": bucket, "Key": key}, uri)
        if found is None:
            return None
        return found["Body"].read().decode("utf-8")

    # --- SNS --------------------------------------------------------------------------------------

    def topic_changes(self, monitor: str, translation: Translation) -> list[Change]:
        t = self.translator
        changes: list[Change] = []
        wanted = [topic for topic in t.topics(monitor, translation) if topic.name is not None]
        for topic in wanted:
            assert topic.name is not None
            exists = (
                None
                if self.offline
                else self._client_call("sns", "GetTopicAttributes", {"TopicArn": topic.arn}, topic.arn)
            )
            if exists is None:
                changes.append(self._change("create", "sns:Topic", topic.name, monitor, t.create_topic(monitor, topic)))
            else:
                changes.append(self._unchanged("sns:Topic", topic.name, monitor))
            subscribed: dict[tuple[str, str], str] = {}
            if exists is not None:
                for sub in self._subscriptions(topic.arn):
                    subscribed[(sub.get("Protocol", ""), sub.get("Endpoint", ""))] = sub["SubscriptionArn"]
            wanted_pairs = [(s.protocol, s.endpoint) for s in topic.subscriptions]
            for protocol, endpoint in wanted_pairs:
                if (protocol, endpoint) not in subscribed:
                    request = Request(
                        api="sns",
                        operation="Subscribe",
                        body={"TopicArn": topic.arn, "Protocol": protocol, "Endpoint": endpoint},
                    )
                    changes.append(
                        self._change("create", "sns:Subscription", f"{topic.name} -> {endpoint}", monitor, request)
                    )
                else:
                    changes.append(self._unchanged("sns:Subscription", f"{topic.name} -> {endpoint}", monitor))
            for (protocol, endpoint), arn in subscribed.items():
                if (protocol, endpoint) in wanted_pairs:
                    continue
                if not arn.startswith("arn:"):
                    logger.warning(
                        "monitor %s: %s is no longer in the spec but has not confirmed its subscription to %s; "
                        "SNS removes unconfirmed subscriptions after 3 days",
                        monitor,
                        endpoint,
                        topic.name,
                    )
                    continue
                request = Request(api="sns", operation="Unsubscribe", body={"SubscriptionArn": arn})
                changes.append(
                    self._change(
                        "delete",
                        "sns:Subscription",
                        f"{topic.name} -> {endpoint}",
                        monitor,
                        request,
                        "no longer in the spec",
                    )
                )
        if not self.offline:
            keep = {topic.arn for topic in wanted}
            for arn in self.owned_topics(monitor):
                if arn not in keep:
                    request = Request(api="sns", operation="DeleteTopic", body={"TopicArn": arn})
                    changes.append(
                        self._change(
                            "delete",
                            "sns:Topic",
                            arn.rsplit(":", 1)[1],
                            monitor,
                            request,
                            "no alarm of the spec notifies it",
                        )
                    )
        return changes

    def _subscriptions(self, topic_arn: str) -> list[dict[str, Any]]:
        assert self.clients is not None
        out: list[dict[str, Any]] = []
        body: dict[str, Any] = {"TopicArn": topic_arn}
        while True:
            page = self.clients.call("sns", "ListSubscriptionsByTopic", body, resource=topic_arn)
            out.extend(page.get("Subscriptions", []))
            if not page.get("NextToken"):
                return out
            body["NextToken"] = page["NextToken"]

    def owned_topics(self, monitor: str) -> list[str]:
        """ARNs of SNS topics driftplane created for this monitor (by name, confirmed by tags)."""
        assert self.clients is not None
        start = names.monitor_base(self.translator.prefix, monitor, 200) + "-"
        found: list[str] = []
        body: dict[str, Any] = {}
        while True:
            page = self.clients.call("sns", "ListTopics", body)
            for topic in page.get("Topics", []):
                arn = topic["TopicArn"]
                if arn.rsplit(":", 1)[1].startswith(start):
                    tags = self.clients.call("sns", "ListTagsForResource", {"ResourceArn": arn}, resource=arn).get(
                        "Tags", []
                    )
                    if self._tags_say_ours(tags, monitor):
                        found.append(arn)
            if not page.get("NextToken"):
                return found
            body["NextToken"] = page["NextToken"]

    # --- model-monitor ----------------------------------------------------------------------------

    def model_monitor_changes(self, monitor: str) -> tuple[list[Change], list[Change]]:
        t = self.translator
        definition, create_definition = t.job_definition(monitor)
        schedule = t.schedule_name(monitor)
        if self.offline:
            return [
                self._change("create", "sagemaker:DataQualityJobDefinition", definition, monitor, create_definition),
                self._change(
                    "create", "sagemaker:MonitoringSchedule", schedule, monitor, t.create_schedule(monitor, definition)
                ),
            ], []
        changes: list[Change] = []
        existing = self._client_call(
            "sagemaker", "DescribeDataQualityJobDefinition", {"JobDefinitionName": definition}, definition
        )
        if existing is None:
            changes.append(
                self._change("create", "sagemaker:DataQualityJobDefinition", definition, monitor, create_definition)
            )
        else:
            changes.append(self._unchanged("sagemaker:DataQualityJobDefinition", definition, monitor))
        current = self._client_call(
            "sagemaker", "DescribeMonitoringSchedule", {"MonitoringScheduleName": schedule}, schedule
        )
        if current is None:
            changes.append(
                self._change(
                    "create", "sagemaker:MonitoringSchedule", schedule, monitor, t.create_schedule(monitor, definition)
                )
            )
        else:
            config = current.get("MonitoringScheduleConfig", {})
            now_definition = config.get("MonitoringJobDefinitionName")
            now_cron = config.get("ScheduleConfig", {}).get("ScheduleExpression")
            want_cron = t.schedule_config(monitor, definition)["ScheduleConfig"]["ScheduleExpression"]
            reasons = []
            changed = []
            if now_cron != want_cron:
                reasons.append(f"schedule {now_cron} -> {want_cron}")
                path = "MonitoringScheduleConfig.ScheduleConfig.ScheduleExpression"
                changed.append(AttributeChange(path=path, old=now_cron, new=want_cron))
            if now_definition != definition:
                reasons.append(f"the job changed: definition {now_definition} -> {definition}")
                path = "MonitoringScheduleConfig.MonitoringJobDefinitionName"
                changed.append(AttributeChange(path=path, old=now_definition, new=definition))
            if reasons:
                request = t.update_schedule(monitor, definition)
                reason = "; ".join(reasons)
                kind = "sagemaker:MonitoringSchedule"
                changes.append(self._change("update", kind, schedule, monitor, request, reason, changed))
            else:
                changes.append(self._unchanged("sagemaker:MonitoringSchedule", schedule, monitor))
        deletes = [
            self._change(
                "delete",
                "sagemaker:DataQualityJobDefinition",
                name,
                monitor,
                Request(api="sagemaker", operation="DeleteDataQualityJobDefinition", body={"JobDefinitionName": name}),
                "replaced by " + definition,
            )
            for name in self.owned_job_definitions(monitor)
            if name != definition
        ]
        return changes, deletes

    def model_quality_changes(self, monitor: str) -> tuple[list[Change], list[Change]]:
        """model-monitor: the model-quality job definition and its ``ModelQuality`` schedule (both deleted,
        schedule first, when the monitor no longer judges model quality)."""
        t = self.translator
        q = QualityTranslator(t)
        schedule = q.schedule_name(monitor)
        resolved = resolve_monitor(self.spec, monitor)
        if not has_model_quality(resolved):
            if self.offline:
                return [], []
            current = self._client_call(
                "sagemaker", "DescribeMonitoringSchedule", {"MonitoringScheduleName": schedule}, schedule
            )
            changes = []
            if current is not None and self._sagemaker_ours(current.get("MonitoringScheduleArn"), monitor):
                request = Request(
                    api="sagemaker", operation="DeleteMonitoringSchedule", body={"MonitoringScheduleName": schedule}
                )
                reason = "the monitor no longer checks model quality"
                changes.append(
                    self._change("delete", "sagemaker:MonitoringSchedule", schedule, monitor, request, reason)
                )
            return changes, self._quality_definition_deletes(monitor, None)
        definition, create_definition = q.job_definition(monitor, self._quality_columns(monitor))
        kind = "sagemaker:ModelQualityJobDefinition"
        if self.offline:
            return [
                self._change("create", kind, definition, monitor, create_definition),
                self._change(
                    "create", "sagemaker:MonitoringSchedule", schedule, monitor, q.create_schedule(monitor, definition)
                ),
            ], []
        changes = []
        existing = self._client_call(
            "sagemaker", "DescribeModelQualityJobDefinition", {"JobDefinitionName": definition}, definition
        )
        if existing is None:
            changes.append(self._change("create", kind, definition, monitor, create_definition))
        else:
            changes.append(self._unchanged(kind, definition, monitor))
        current = self._client_call(
            "sagemaker", "DescribeMonitoringSchedule", {"MonitoringScheduleName": schedule}, schedule
        )
        if current is None:
            request = q.create_schedule(monitor, definition)
            changes.append(self._change("create", "sagemaker:MonitoringSchedule", schedule, monitor, request))
        else:
            config = current.get("MonitoringScheduleConfig", {})
            want = q.schedule_config(monitor, definition)
            changed = [
                AttributeChange(path=f"MonitoringScheduleConfig.{path}", old=old, new=new)
                for path, old, new in (
                    (
                        "ScheduleConfig.ScheduleExpression",
                        config.get("ScheduleConfig", {}).get("ScheduleExpression"),
                        want["ScheduleConfig"]["ScheduleExpression"],
                    ),
                    ("MonitoringJobDefinitionName", config.get("MonitoringJobDefinitionName"), definition),
                )
                if old != new
            ]
            if changed:
                reason = "; ".join(f"{c.path.rsplit('.', 1)[1]} {c.old} -> {c.new}" for c in changed)
                request = q.update_schedule(monitor, definition)
                changes.append(
                    self._change("update", "sagemaker:MonitoringSchedule", schedule, monitor, request, reason, changed)
                )
            else:
                changes.append(self._unchanged("sagemaker:MonitoringSchedule", schedule, monitor))
        return changes, self._quality_definition_deletes(monitor, definition)

    def _quality_definition_deletes(self, monitor: str, keep: str | None) -> list[Change]:
        return [
            self._change(
                "delete",
                "sagemaker:ModelQualityJobDefinition",
                name,
                monitor,
                Request(api="sagemaker", operation="DeleteModelQualityJobDefinition", body={"JobDefinitionName": name}),
                "replaced by " + keep if keep else "the monitor no longer checks model quality",
            )
            for name in self.owned_job_definitions(monitor, quality=True)
            if name != keep
        ]

    def _quality_columns(self, monitor: str) -> list[str] | None:
        """The baseline's columns when captured rows are matched to them by position (an endpoint's capture)."""
        resolved = resolve_monitor(self.spec, monitor)
        if not positional(resolved):
            return None
        from driftplane_aws.run import baseline_columns

        columns = baseline_columns(self.spec, monitor)
        if columns is None:
            raise ProviderError(
                f"monitor {monitor}: SageMaker finds the model's outputs in captured CSV by position, and the "
                "baseline has no rows to tell the columns' order: give baseline.data with the outputs first"
            )
        policy = resolved.performance
        assert policy is not None
        outputs = policy.output_columns
        if set(columns[: len(outputs)]) != set(outputs):
            raise ProviderError(
                f"monitor {monitor}: SageMaker captures the endpoint's output first and finds the model's outputs "
                f"there by position, but the baseline's first columns are {', '.join(columns[: len(outputs)])}, not "
                f"the model's outputs ({', '.join(outputs)}): put them first in baseline.data, in the order the "
                "endpoint returns them"
            )
        return columns

    def owned_job_definitions(self, monitor: str, *, quality: bool = False) -> list[str]:
        """Data-quality (or model-quality) job definitions driftplane made for this monitor (exact name form,
        tags when readable)."""
        assert self.clients is not None
        base = names.monitor_base(self.translator.prefix, monitor, 63 - 12)
        form = re.compile(rf"^{re.escape(base)}-{'mq' if quality else 'dq'}-[0-9a-f]{{8}}$")
        found = []
        body: dict[str, Any] = {"NameContains": base, "MaxResults": 100}
        operation = "ListModelQualityJobDefinitions" if quality else "ListDataQualityJobDefinitions"
        while True:
            page = self.clients.call("sagemaker", operation, body)
            for summary in page.get("JobDefinitionSummaries", []):
                name = summary["MonitoringJobDefinitionName"]
                if form.match(name) and self._sagemaker_ours(summary.get("MonitoringJobDefinitionArn"), monitor):
                    found.append(name)
            if not page.get("NextToken"):
                return found
            body["NextToken"] = page["NextToken"]

    def _sagemaker_ours(self, arn: str | None, monitor: str) -> bool:
        if not arn:
            return True
        assert self.clients is not None
        found = self.clients.try_call("sagemaker", "ListTags", {"ResourceArn": arn}, resource=arn)
        if found is None:
            return False
        tags = found.get("Tags", [])
        if not tags:
            return True  # some stand-ins keep no tags; the exact name form already says it is ours
        return self._tags_say_ours(tags, monitor)

    # --- processing -------------------------------------------------------------------------------

    def scheduler_changes(self, monitor: str) -> list[Change]:
        t = self.translator
        group = names.schedule_group_name(t.prefix, monitor)
        schedule = t.schedule_name(monitor)
        create = t.scheduler_schedule(monitor)
        if self.offline:
            return [
                self._change("create", "scheduler:ScheduleGroup", group, monitor, t.schedule_group(monitor)),
                self._change("create", "scheduler:Schedule", schedule, monitor, create),
            ]
        changes = []
        if self._client_call("scheduler", "GetScheduleGroup", {"Name": group}, group) is None:
            changes.append(self._change("create", "scheduler:ScheduleGroup", group, monitor, t.schedule_group(monitor)))
            current = None
        else:
            changes.append(self._unchanged("scheduler:ScheduleGroup", group, monitor))
            current = self._client_call("scheduler", "GetSchedule", {"Name": schedule, "GroupName": group}, schedule)
        if current is None:
            changes.append(self._change("create", "scheduler:Schedule", schedule, monitor, create))
            return changes
        desired = dict(create.body)
        observed = dict(current)
        desired_target = dict(desired.pop("Target"))
        observed_target = dict(observed.get("Target", {}))
        differs = _subset_differs({k: v for k, v in desired.items() if k != "Name"}, observed)
        changed = changed_attributes({k: v for k, v in desired.items() if k != "Name"}, observed)
        wanted_input = json.loads(desired_target.pop("Input"))
        found_input = json.loads(observed_target.pop("Input", "null") or "null")
        if wanted_input != found_input:
            differs.append("Target.Input (the job it starts)")
            changed += changed_attributes(wanted_input, found_input, "Target.Input")
        differs += [f"Target.{k}" for k in _subset_differs(desired_target, observed_target)]
        changed += changed_attributes(desired_target, observed_target, "Target")
        if differs:
            request = t.scheduler_schedule(monitor, update=True)
            reason = "changed: " + ", ".join(differs)
            changes.append(self._change("update", "scheduler:Schedule", schedule, monitor, request, reason, changed))
        else:
            changes.append(self._unchanged("scheduler:Schedule", schedule, monitor))
        return changes

    # --- CloudWatch alarms --------------------------------------------------------------------------

    def _observed_dimensions(
        self, monitor: str, features: list[FeatureInfo] | None
    ) -> tuple[str, list[dict[str, str]]] | None:
        """model-monitor: the namespace and dimensions of SageMaker's drift metrics that already exist, if any."""
        if self.offline or not features or self.settings.backend != "model-monitor":
            return None
        assert self.clients is not None
        namespace, dims = self.translator.dimensions(monitor)
        schedule = [d for d in dims if d["Name"] == "MonitoringSchedule"]
        page = self.clients.call(
            "cloudwatch",
            "ListMetrics",
            {
                "Namespace": namespace,
                "MetricName": f"feature_baseline_drift_{features[0].name}",
                "Dimensions": schedule,
            },
        )
        metrics = page.get("Metrics", [])
        if not metrics:
            return None
        found = sorted(metrics[0].get("Dimensions", []), key=lambda d: d["Name"])
        found = [d for d in found if d["Name"] != "Feature"]  # a per-feature dimension, if any, is not shared
        return (namespace, found) if found else None

    def alarm_changes(self, monitor: str, features: list[FeatureInfo] | None, translation: Translation) -> list[Change]:
        t = self.translator
        try:
            desired = alarms(t, monitor, features, translation, dimensions=self._observed_dimensions(monitor, features))
        except AlarmNotExpressible as exc:
            raise ProviderError(f"monitor {monitor}: {exc}") from None
        changes: list[Change] = []
        if translation.pending:
            changes.append(
                self._change(
                    "noop",
                    ALARM_PLACEHOLDER,
                    names.alarm_prefix(t.prefix, monitor) + "*",
                    monitor,
                    None,
                    "; ".join(dict.fromkeys(translation.pending)),
                )
            )
        existing = {} if self.offline else self.existing_alarms(monitor)
        for request in desired:
            name = request.body["AlarmName"]
            observed = existing.get(name)
            if observed is None:
                changes.append(self._change("create", "cloudwatch:MetricAlarm", name, monitor, request))
                continue
            compare = {k: v for k, v in request.body.items() if k != "Tags"}
            differs = _subset_differs(_alarm_view(compare), _alarm_view(observed))
            if differs:
                changed = changed_attributes(_alarm_view(compare), _alarm_view(observed))
                reason = "changed: " + ", ".join(differs)
                update = self._change("update", "cloudwatch:MetricAlarm", name, monitor, request, reason, changed)
                changes.append(update)
            else:
                changes.append(self._unchanged("cloudwatch:MetricAlarm", name, monitor))
        if not translation.pending:  # every alarm is known: the others are no longer asked for
            wanted = {r.body["AlarmName"] for r in desired}
            for name, alarm in existing.items():
                if name not in wanted and self._alarm_ours(alarm, monitor):
                    request = Request(api="cloudwatch", operation="DeleteAlarms", body={"AlarmNames": [name]})
                    changes.append(
                        self._change(
                            "delete",
                            "cloudwatch:MetricAlarm",
                            name,
                            monitor,
                            request,
                            "no longer asked for by the spec",
                        )
                    )
        return changes

    def existing_alarms(self, monitor: str) -> dict[str, dict[str, Any]]:
        assert self.clients is not None
        prefix = names.alarm_prefix(self.translator.prefix, monitor)
        out: dict[str, dict[str, Any]] = {}
        body: dict[str, Any] = {"AlarmNamePrefix": prefix, "AlarmTypes": ["MetricAlarm"]}
        while True:
            page = self.clients.call("cloudwatch", "DescribeAlarms", body)
            for alarm in page.get("MetricAlarms", []):
                out[alarm["AlarmName"]] = alarm
            if not page.get("NextToken"):
                return out
            body["NextToken"] = page["NextToken"]

    def _alarm_ours(self, alarm: dict[str, Any], monitor: str) -> bool:
        assert self.clients is not None
        arn = alarm.get("AlarmArn")
        if not arn:
            return False
        tags = self.clients.call("cloudwatch", "ListTagsForResource", {"ResourceARN": arn}, resource=arn).get(
            "Tags", []
        )
        return self._tags_say_ours(tags, monitor)


def _alarm_view(alarm: dict[str, Any]) -> dict[str, Any]:
    """The parts of an alarm that matter, in one shape for requests and DescribeAlarms answers."""
    keys = (
        "AlarmDescription",
        "ActionsEnabled",
        "AlarmActions",
        "OKActions",
        "Namespace",
        "MetricName",
        "Dimensions",
        "Statistic",
        "Period",
        "EvaluationPeriods",
        "DatapointsToAlarm",
        "Threshold",
        "ComparisonOperator",
        "TreatMissingData",
    )
    view = {k: alarm[k] for k in keys if k in alarm}
    metrics = []
    for metric in alarm.get("Metrics") or []:
        stat = metric.get("MetricStat") or {}
        inner = stat.get("Metric") or {}
        metrics.append(
            {
                "Id": metric.get("Id"),
                "Expression": metric.get("Expression"),
                "ReturnData": metric.get("ReturnData", True),
                "MetricName": inner.get("MetricName"),
                "Namespace": inner.get("Namespace"),
                "Dimensions": inner.get("Dimensions"),
                "Period": stat.get("Period"),
                "Stat": stat.get("Stat"),
            }
        )
    if metrics:
        view["Metrics"] = metrics
    return view


def destroy_changes(planner: Planner, monitor: str) -> list[Change]:
    """Deletes of everything driftplane created for ``monitor`` and still finds, checked by name and tags."""
    assert planner.clients is not None
    clients = planner.clients
    t = planner.translator
    changes: list[Change] = []
    for name, alarm in planner.existing_alarms(monitor).items():
        if planner._alarm_ours(alarm, monitor):
            changes.append(
                planner._change(
                    "delete",
                    "cloudwatch:MetricAlarm",
                    name,
                    monitor,
                    Request(api="cloudwatch", operation="DeleteAlarms", body={"AlarmNames": [name]}),
                )
            )
    schedule = t.schedule_name(monitor)
    if planner.settings.backend == "model-monitor":
        current = clients.try_call(
            "sagemaker", "DescribeMonitoringSchedule", {"MonitoringScheduleName": schedule}, resource=schedule
        )
        if current is not None:
            if planner._sagemaker_ours(current.get("MonitoringScheduleArn"), monitor):
                changes.append(
                    planner._change(
                        "delete",
                        "sagemaker:MonitoringSchedule",
                        schedule,
                        monitor,
                        Request(
                            api="sagemaker",
                            operation="DeleteMonitoringSchedule",
                            body={"MonitoringScheduleName": schedule},
                        ),
                    )
                )
            else:
                logger.warning(
                    "monitor %s: the monitoring schedule %s is not tagged as driftplane's; it is left alone",
                    monitor,
                    schedule,
                )
        quality_schedule = QualityTranslator(t).schedule_name(monitor)
        current = clients.try_call(
            "sagemaker",
            "DescribeMonitoringSchedule",
            {"MonitoringScheduleName": quality_schedule},
            resource=quality_schedule,
        )
        if current is not None and planner._sagemaker_ours(current.get("MonitoringScheduleArn"), monitor):
            request = Request(
                api="sagemaker", operation="DeleteMonitoringSchedule", body={"MonitoringScheduleName": quality_schedule}
            )
            changes.append(
                planner._change("delete", "sagemaker:MonitoringSchedule", quality_schedule, monitor, request)
            )
        for name in planner.owned_job_definitions(monitor, quality=True):
            request = Request(
                api="sagemaker", operation="DeleteModelQualityJobDefinition", body={"JobDefinitionName": name}
            )
            changes.append(planner._change("delete", "sagemaker:ModelQualityJobDefinition", name, monitor, request))
        for name in planner.owned_job_definitions(monitor):
            changes.append(
                planner._change(
                    "delete",
                    "sagemaker:DataQualityJobDefinition",
                    name,
                    monitor,
                    Request(
                        api="sagemaker", operation="DeleteDataQualityJobDefinition", body={"JobDefinitionName": name}
                    ),
                )
            )
    else:
        group = names.schedule_group_name(t.prefix, monitor)
        found = clients.try_call("scheduler", "GetScheduleGroup", {"Name": group}, resource=group)
        if found is not None:
            tags = clients.call("scheduler", "ListTagsForResource", {"ResourceArn": found["Arn"]}, resource=group).get(
                "Tags", []
            )
            if planner._tags_say_ours(tags, monitor):
                if (
                    clients.try_call(
                        "scheduler", "GetSchedule", {"Name": schedule, "GroupName": group}, resource=schedule
                    )
                    is not None
                ):
                    changes.append(
                        planner._change(
                            "delete",
                            "scheduler:Schedule",
                            schedule,
                            monitor,
                            Request(
                                api="scheduler", operation="DeleteSchedule", body={"Name": schedule, "GroupName": group}
                            ),
                        )
                    )
                changes.append(
                    planner._change(
                        "delete",
                        "scheduler:ScheduleGroup",
                        group,
                        monitor,
                        Request(api="scheduler", operation="DeleteScheduleGroup", body={"Name": group}),
                    )
                )
            else:
                logger.warning(
                    "monitor %s: the schedule group %s is not tagged as driftplane's; it is left alone", monitor, group
                )
    for arn in planner.owned_topics(monitor):
        changes.append(
            planner._change(
                "delete",
                "sns:Topic",
                arn.rsplit(":", 1)[1],
                monitor,
                Request(api="sns", operation="DeleteTopic", body={"TopicArn": arn}),
            )
        )
    for uri in planner.owned_files(monitor):
        bucket, key = names.split_s3_uri(uri)
        changes.append(
            planner._change(
                "delete",
                "s3:Object",
                uri,
                monitor,
                Request(api="s3", operation="DeleteObject", body={"Bucket": bucket, "Key": key}),
            )
        )
    return changes
