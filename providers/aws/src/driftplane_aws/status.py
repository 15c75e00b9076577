"""``driftplane status`` for aws: the schedule's state and the last runs, read back into RunResults.

model-monitor: ListMonitoringExecutions gives each run's status and processing job; the job's
output on S3 holds SageMaker's statistics.json and constraint_violations.json, which become
the same RunResult the local provider writes: drift per feature decided from the two
statistics files with the monitor's rules (validate keeps them SageMaker's: its L-infinity
metric, the configured threshold), violations as SageMaker wrote them, less the checks the
spec turns off. With model quality, the model-quality schedule's last judgements are listed
under ``details["model_quality"]``. processing: each job's result.json is already one (its
``performance`` included).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from driftplane.engine.constraints import Constraints
from driftplane.engine.evaluate import evaluate
from driftplane.engine.performance.sagemaker_quality import parse_statistics, parse_violations
from driftplane.engine.profile import Profile
from driftplane.engine.sagemaker import profile_from_statistics
from driftplane.errors import DataError, ProviderError
from driftplane.provider import MonitorStatus
from driftplane.resolved import ResolvedMonitor, resolve_monitor
from driftplane.result import RunResult, Violation
from driftplane.spec.models import Spec
from driftplane.windows import describe_window
from driftplane_aws import names
from driftplane_aws.clients import AwsClients
from driftplane_aws.quality import QualityTranslator, has_model_quality
from driftplane_aws.run import result_folder
from driftplane_aws.settings import AwsSettings
from driftplane_aws.translate import Account, Translator

logger = logging.getLogger(__name__)

STATES = {"Scheduled": "scheduled", "Pending": "pending", "Failed": "failing", "Stopped": "stopped"}
FINISHED = {"Completed", "CompletedWithViolations", "Failed", "Stopped"}


class StatusReader:
    def __init__(self, spec: Spec, settings: AwsSettings, clients: AwsClients, *, limit: int = 10) -> None:
        self.spec = spec
        self.settings = settings
        self.clients = clients
        self.limit = limit
        self.translator = Translator(spec, settings, Account(clients.region, "0" * 12))

    def read_text(self, uri: str) -> str | None:
        bucket, key = names.split_s3_uri(uri)
        found = self.clients.try_call("s3", "GetObject", {"Bucket": bucket, "Key": key}, resource=uri)
        return None if found is None else found["Body"].read().decode("utf-8")

    def read_json(self, uri: str) -> Any:
        text = self.read_text(uri)
        if text is None:
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            raise DataError(f"{uri} is not JSON: {exc}") from None

    def status(self, monitor: str) -> MonitorStatus:
        if self.settings.backend == "processing":
            return self.processing_status(monitor)
        return self.model_monitor_status(monitor)

    # --- model-monitor --------------------------------------------------------------------------

    def model_monitor_status(self, monitor: str) -> MonitorStatus:
        schedule = self.translator.schedule_name(monitor)
        found = self.clients.try_call(
            "sagemaker", "DescribeMonitoringSchedule", {"MonitoringScheduleName": schedule}, resource=schedule
        )
        if found is None:
            return MonitorStatus(monitor=monitor, provider="aws", state="not deployed", details={"schedule": schedule})
        state = STATES.get(
            found.get("MonitoringScheduleStatus", ""), str(found.get("MonitoringScheduleStatus", "unknown")).lower()
        )
        details: dict[str, Any] = {"schedule": schedule, "backend": "model-monitor"}
        if found.get("FailureReason"):
            details["failure_reason"] = found["FailureReason"]
        summaries = self.clients.call(
            "sagemaker",
            "ListMonitoringExecutions",
            {
                "MonitoringScheduleName": schedule,
                "SortBy": "ScheduledTime",
                "SortOrder": "Descending",
                "MaxResults": self.limit,
            },
            resource=schedule,
        ).get("MonitoringExecutionSummaries", [])
        baseline = self.baseline(monitor)
        runs = []
        in_progress = []
        for summary in summaries:
            if summary.get("MonitoringExecutionStatus") not in FINISHED:
                in_progress.append(
                    {"scheduled": str(summary.get("ScheduledTime")), "status": summary.get("MonitoringExecutionStatus")}
                )
                continue
            runs.append(self.execution_result(monitor, summary, baseline))
        if in_progress:
            details["in_progress"] = in_progress
        quality = self.model_quality(monitor)
        if quality is not None:
            details["model_quality"] = quality
        return MonitorStatus(
            monitor=monitor,
            provider="aws",
            state=state,
            schedule=found.get("MonitoringScheduleConfig", {}).get("ScheduleConfig", {}).get("ScheduleExpression"),
            next_run=resolve_monitor(self.spec, monitor).schedule.next_after(datetime.now(UTC)),
            runs=runs,
            details=details,
        )

    def model_quality(self, monitor: str) -> dict[str, Any] | None:
        """The model-quality schedule's state and its last judgements, each of the window that ended
        labels.wait before the execution (as the offsets say): SageMaker's metric values and the
        checks its constraint_violations.json says failed."""
        resolved = resolve_monitor(self.spec, monitor)
        if not has_model_quality(resolved):
            return None
        schedule = QualityTranslator(self.translator).schedule_name(monitor)
        found = self.clients.try_call(
            "sagemaker", "DescribeMonitoringSchedule", {"MonitoringScheduleName": schedule}, resource=schedule
        )
        if found is None:
            return {"schedule": schedule, "state": "not deployed"}
        status = str(found.get("MonitoringScheduleStatus", "unknown"))
        summaries = self.clients.call(
            "sagemaker",
            "ListMonitoringExecutions",
            {
                "MonitoringScheduleName": schedule,
                "SortBy": "ScheduledTime",
                "SortOrder": "Descending",
                "MaxResults": self.limit,
            },
            resource=schedule,
        ).get("MonitoringExecutionSummaries", [])
        return {
            "schedule": schedule,
            "state": STATES.get(status, status.lower()),
            "judgements": [self.quality_judgement(resolved, summary) for summary in summaries],
        }

    def quality_judgement(self, monitor: ResolvedMonitor, summary: dict[str, Any]) -> dict[str, Any]:
        scheduled = summary["ScheduledTime"]
        scheduled = scheduled if isinstance(scheduled, datetime) else datetime.fromisoformat(str(scheduled))
        current = monitor.windows.for_tick(scheduled)
        judged = monitor.settled_window(current) or current
        status = str(summary.get("MonitoringExecutionStatus"))
        out: dict[str, Any] = {"window": describe_window(judged), "status": status}
        if status in ("Failed", "Stopped"):
            out["error"] = summary.get("FailureReason") or f"the execution {status.lower()} without a reason"
            return out
        if status not in FINISHED:
            return out
        output = self.execution_output(summary)
        if output is None:
            out["error"] = "the execution has no processing job output to read"
            return out
        statistics_uri = names.join_s3(output, "statistics.json")
        violations_uri = names.join_s3(output, "constraint_violations.json")
        statistics = self.read_json(statistics_uri)
        if statistics is not None:
            values = parse_statistics(statistics, statistics_uri).values()
            policy = monitor.performance
            checked = [c.metric for c in policy.checks] if policy is not None else []
            out["metrics"] = {name: values.get(name) for name in checked or values}
        violations = self.read_json(violations_uri)
        out["failed"] = sorted(
            {v.metric_name for v in parse_violations(violations, violations_uri)} if violations else set()
        )
        return out

    def baseline(self, monitor: str) -> tuple[Profile, Constraints | None] | None:
        statistics_uri, constraints_uri = self.translator.baseline_resources(monitor)
        statistics = self.read_json(statistics_uri)
        if statistics is None:
            return None
        constraints = self.read_json(constraints_uri)
        return profile_from_statistics(statistics, source=statistics_uri), Constraints.from_dict(
            constraints
        ) if constraints else None

    def execution_result(
        self, monitor: str, summary: dict[str, Any], baseline: tuple[Profile, Constraints | None] | None
    ) -> RunResult:
        """One finished execution as a RunResult; its files are read from the job's output on S3."""
        scheduled = summary["ScheduledTime"]
        scheduled = scheduled if isinstance(scheduled, datetime) else datetime.fromisoformat(str(scheduled))
        window = resolve_monitor(self.spec, monitor).windows.for_tick(scheduled)
        status = summary.get("MonitoringExecutionStatus")
        base = {"monitor": monitor, "window": window, "provider": "aws", "started_at": scheduled}
        if status in ("Failed", "Stopped"):
            reason = summary.get("FailureReason") or f"the execution {str(status).lower()} without a reason"
            return RunResult.model_validate(
                {**base, "rows": {"baseline": 0, "target": 0}, "status": "failed", "error": reason}
            )
        output = self.execution_output(summary)
        if output is None:
            return RunResult.model_validate(
                {
                    **base,
                    "rows": {"baseline": 0, "target": 0},
                    "status": "failed",
                    "error": "the execution has no processing job output to read",
                }
            )
        return self.result_from_files(monitor, output, base, baseline)

    def execution_output(self, summary: dict[str, Any]) -> str | None:
        arn = summary.get("ProcessingJobArn")
        if not arn:
            return None
        name = arn.rsplit("/", 1)[-1]
        job = self.clients.try_call("sagemaker", "DescribeProcessingJob", {"ProcessingJobName": name}, resource=name)
        if job is None:
            return None
        outputs = job.get("ProcessingOutputConfig", {}).get("Outputs", [])
        return str(outputs[0]["S3Output"]["S3Uri"]) if outputs else None

    def result_from_files(
        self, monitor: str, output: str, base: dict[str, Any], baseline: tuple[Profile, Constraints | None] | None
    ) -> RunResult:
        """SageMaker's files of one run as a RunResult, decided like the local provider decides."""
        statistics_uri = names.join_s3(output, "statistics.json")
        violations_uri = names.join_s3(output, "constraint_violations.json")
        violations_doc = self.read_json(violations_uri) or {"violations": []}
        try:
            violations = [Violation(**v) for v in violations_doc.get("violations", [])]
        except (TypeError, ValueError) as exc:
            raise DataError(f"{violations_uri}: not a SageMaker constraint_violations.json: {exc}") from None
        violations = checked_by_spec(violations, resolve_monitor(self.spec, monitor))
        statistics = self.read_json(statistics_uri)
        reports = {"statistics": statistics_uri, "constraint_violations": violations_uri}
        if statistics is None or baseline is None:
            messages = ["SageMaker's statistics.json (or the baseline's) was not found; only the violations are shown"]
            found_drift = any(v.constraint_check_type == "baseline_drift_check" for v in violations)
            return RunResult.model_validate(
                {
                    **base,
                    "rows": {
                        "baseline": baseline[0].rows if baseline else 0,
                        "target": int((statistics or {}).get("dataset", {}).get("item_count", 0)),
                    },
                    "status": RunResult.status_for(found_drift, bool(violations)),
                    "violations": violations,
                    "reports": reports,
                    "messages": messages,
                }
            )
        target = profile_from_statistics(statistics, source=statistics_uri)
        evaluated = evaluate(
            baseline[0],
            target,
            constraints=baseline[1],
            rules=resolve_monitor(self.spec, monitor).rules,
            monitor=monitor,
            window=base["window"],
            started_at=base["started_at"],
        )
        drifted = bool(evaluated.drifted_features) or any(
            v.constraint_check_type == "baseline_drift_check" for v in violations
        )
        return evaluated.model_copy(
            update={
                "violations": violations,
                "status": RunResult.status_for(drifted, bool(violations)),
                "provider": "aws",
                "reports": reports,
            }
        )

    # --- processing -----------------------------------------------------------------------------

    def processing_status(self, monitor: str) -> MonitorStatus:
        schedule = self.translator.schedule_name(monitor)
        group = names.schedule_group_name(self.settings.name_prefix, monitor)
        found = self.clients.try_call(
            "scheduler", "GetSchedule", {"Name": schedule, "GroupName": group}, resource=schedule
        )
        if found is None:
            return MonitorStatus(monitor=monitor, provider="aws", state="not deployed", details={"schedule": schedule})
        state = "scheduled" if found.get("State") == "ENABLED" else "stopped"
        base = names.processing_job_base(self.settings.name_prefix, monitor)
        summaries = self.clients.call(
            "sagemaker",
            "ListProcessingJobs",
            {
                "NameContains": base,
                "SortBy": "CreationTime",
                "SortOrder": "Descending",
                "MaxResults": min(100, self.limit * 3),
            },
        ).get("ProcessingJobSummaries", [])
        runs: list[RunResult] = []
        for summary in summaries:
            if len(runs) >= self.limit:
                break
            job = self.clients.call(
                "sagemaker", "DescribeProcessingJob", {"ProcessingJobName": summary["ProcessingJobName"]}
            )
            if _job_monitor(job) != monitor:
                continue
            result = self.job_result(monitor, job)
            if result is not None:
                runs.append(result)
        return MonitorStatus(
            monitor=monitor,
            provider="aws",
            state=state,
            schedule=found.get("ScheduleExpression"),
            next_run=resolve_monitor(self.spec, monitor).schedule.next_after(datetime.now(UTC)),
            runs=runs,
            details={"schedule": schedule, "backend": "processing"},
        )

    def job_result(self, monitor: str, job: dict[str, Any]) -> RunResult | None:
        status = job.get("ProcessingJobStatus")
        if status not in FINISHED:
            return None
        arguments = job.get("AppSpecification", {}).get("ContainerArguments", [])
        at = None
        if "--at" in arguments:
            at = datetime.fromisoformat(arguments[arguments.index("--at") + 1].replace("Z", "+00:00"))
        windows = resolve_monitor(self.spec, monitor).windows
        window = windows.for_tick(at) if at is not None else windows.latest(job.get("CreationTime"))
        outputs = job.get("ProcessingOutputConfig", {}).get("Outputs", [])
        if outputs:
            root = outputs[0]["S3Output"]["S3Uri"]
            folder = result_folder(_S3Root(root), self.spec, self.settings, monitor, window)  # type: ignore[arg-type]
            data = self.read_json(str(folder) + "/result.json")
            if data is not None:
                result = RunResult.model_validate(data)
                reports = {k: str(folder) + "/" + v.rsplit("/", 1)[-1] for k, v in result.reports.items()}
                return result.model_copy(update={"reports": reports})
        reason = (
            job.get("FailureReason")
            or job.get("ExitMessage")
            or f"job {job.get('ProcessingJobName')} {str(status).lower()} without a result"
        )
        return RunResult.model_validate(
            {
                "monitor": monitor,
                "window": window,
                "rows": {"baseline": 0, "target": 0},
                "status": "failed",
                "error": reason,
                "provider": "aws",
            }
        )


def checked_by_spec(violations: list[Violation], monitor: ResolvedMonitor) -> list[Violation]:
    """SageMaker's violations less the ones the spec's quality checks do not ask for, as a local run reports them.

    ``quality.enabled: false`` keeps none, ``completeness: false`` no completeness_check,
    ``columns: false`` no missing or extra column check, and a column the features leave out
    none (constraints.json says so too; this also covers files written before it did).
    """
    quality = monitor.quality
    if not quality.enabled:
        return []
    off: set[str] = set()
    if not quality.completeness:
        off.add("completeness_check")
    if not quality.columns:
        off |= {"missing_column_check", "extra_column_check"}
    return [v for v in violations if v.constraint_check_type not in off and monitor.features.selected(v.feature_name)]


def _job_monitor(job: dict[str, Any]) -> str | None:
    """The monitor a processing job ran: its environment says so, and so does its --monitor argument."""
    found = (job.get("Environment") or {}).get("DRIFTPLANE_MONITOR")
    if found:
        return str(found)
    arguments = (job.get("AppSpecification") or {}).get("ContainerArguments") or []
    if "--monitor" in arguments and arguments.index("--monitor") + 1 < len(arguments):
        return str(arguments[arguments.index("--monitor") + 1])
    return None


class _S3Root:
    """Enough of a Path for result_folder to build an s3:// URI."""

    def __init__(self, uri: str) -> None:
        self.uri = uri.rstrip("/")

    def __truediv__(self, part: str) -> _S3Root:
        return _S3Root(f"{self.uri}/{part}")

    def __str__(self) -> str:
        return self.uri


def statuses(spec: Spec, settings: AwsSettings, clients: AwsClients, monitors: list[str]) -> list[MonitorStatus]:
    reader = StatusReader(spec, settings, clients)
    out = []
    for monitor in monitors:
        try:
            out.append(reader.status(monitor))
        except DataError as exc:
            raise ProviderError(f"monitor {monitor}: {exc}") from None
    return out
