"""Apply a plan: send each change's request as planned, wait where AWS needs time, stop on the first failure.

Every step is idempotent by construction (the next plan reads what exists), so an apply
interrupted midway is completed by the next one without duplicates.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from driftplane.errors import ProviderError
from driftplane.provider import Change
from driftplane_aws.clients import AwsClients
from driftplane_aws.servicemodel import request_problems
from driftplane_aws.settings import AwsSettings

logger = logging.getLogger(__name__)

PAST = {"create": "created", "update": "updated", "delete": "deleted"}


class Executor:
    def __init__(
        self, clients: AwsClients, settings: AwsSettings, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.clients = clients
        self.settings = settings
        self.sleep = sleep

    def run(self, changes: list[Change]) -> list[Change]:
        done: list[Change] = []
        for change in changes:
            if change.action == "noop" or change.request is None:
                continue
            self.execute(change)
            done.append(change)
        return done

    def execute(self, change: Change) -> dict[str, Any]:
        request = change.request
        assert request is not None
        problems = request_problems(request.api, request.operation, request.body)
        if problems:
            raise ProviderError(
                f"{request.api}:{request.operation} for {change.kind} "
                f"{change.name} (monitor {change.monitor}) would be refused: " + "; ".join(problems)
            )
        answer = self.clients.call(request.api, request.operation, request.body, resource=change.name)
        operation = request.operation
        if operation in ("CreateMonitoringSchedule", "UpdateMonitoringSchedule"):
            self.wait_for_schedule(change.name)
        elif operation == "DeleteMonitoringSchedule":
            self.wait_until_gone(change.name)
        elif operation == "CreateProcessingJob":
            self.wait_for_baselining_job(change.name)
        logger.info(
            "%s %s %s (monitor %s)", PAST.get(change.action, change.action), change.kind, change.name, change.monitor
        )
        return answer

    def _deadline(self) -> float:
        return time.monotonic() + self.settings.wait_seconds

    def wait_for_schedule(self, name: str) -> None:
        """Until the schedule leaves Pending; Failed is an error with SageMaker's reason."""
        deadline = self._deadline()
        while True:
            found = self.clients.call(
                "sagemaker", "DescribeMonitoringSchedule", {"MonitoringScheduleName": name}, resource=name
            )
            status = found.get("MonitoringScheduleStatus")
            if status == "Failed":
                raise ProviderError(
                    f"SageMaker could not set up the monitoring schedule {name}: "
                    f"{found.get('FailureReason') or 'no reason given'}. "
                    "Fix the cause (often the role's permissions or the baseline files on S3) and run apply again"
                )
            if status != "Pending":
                return
            if time.monotonic() >= deadline:
                raise ProviderError(
                    f"the monitoring schedule {name} is still Pending "
                    f"after {self.settings.wait_seconds} s; SageMaker is "
                    "slow to set it up. Check it with `driftplane status`, "
                    "and run apply again later (it picks up from here)"
                )
            self.sleep(self.settings.poll_seconds)

    def wait_until_gone(self, name: str) -> None:
        """SageMaker deletes schedules asynchronously; their job definition can go only after."""
        deadline = self._deadline()
        while (
            self.clients.try_call(
                "sagemaker", "DescribeMonitoringSchedule", {"MonitoringScheduleName": name}, resource=name
            )
            is not None
        ):
            if time.monotonic() >= deadline:
                raise ProviderError(
                    f"the monitoring schedule {name} is still being deleted after "
                    f"{self.settings.wait_seconds} s; run destroy again later"
                )
            self.sleep(self.settings.poll_seconds)

    def wait_for_baselining_job(self, name: str) -> None:
        deadline = self._deadline()
        while True:
            job = self.clients.call("sagemaker", "DescribeProcessingJob", {"ProcessingJobName": name}, resource=name)
            status = job.get("ProcessingJobStatus")
            if status == "Completed":
                return
            if status in ("Failed", "Stopped"):
                raise ProviderError(
                    f"SageMaker's baselining job {name} {status.lower()}: "
                    f"{job.get('FailureReason') or job.get('ExitMessage') or 'no reason given'}"
                )
            if time.monotonic() >= deadline:
                raise ProviderError(
                    f"the baselining job {name} is still {status} after "
                    f"{self.settings.wait_seconds} s; run apply again "
                    "once it has completed to create the alarms on its features"
                )
            self.sleep(self.settings.poll_seconds)
