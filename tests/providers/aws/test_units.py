"""Names, cron dialects and the strict request check, on their own."""

from __future__ import annotations

import pytest
from botocore.stub import Stubber

from driftplane.provider import Change, Request
from driftplane.spec.schedules import Schedule
from driftplane_aws import names
from driftplane_aws.apply import Executor
from driftplane_aws.clients import AwsClients
from driftplane_aws.schedules import ScheduleNotExpressible, sagemaker_cron, scheduler_cron
from driftplane_aws.servicemodel import request_problems
from driftplane_aws.settings import AwsSettings

from .conftest import settings_dict


@pytest.mark.parametrize(
    ("spec", "sagemaker", "scheduler"),
    [
        ("hourly", "cron(0 * ? * * *)", "cron(0 * * * ? *)"),
        ("daily", "cron(0 0 ? * * *)", "cron(0 0 * * ? *)"),
        ("0 17 * * *", "cron(0 17 ? * * *)", "cron(0 17 * * ? *)"),
        ("0 */6 * * *", "cron(0 0/6 ? * * *)", "cron(0 0/6 * * ? *)"),
        ("0 5/12 * * *", "cron(0 5/12 ? * * *)", "cron(0 5/12 * * ? *)"),
        ("0 * * * *", "cron(0 * ? * * *)", "cron(0 * * * ? *)"),
    ],
)
def test_schedules_in_both_dialects(spec: str, sagemaker: str, scheduler: str) -> None:
    assert sagemaker_cron(Schedule.parse(spec)) == sagemaker
    assert scheduler_cron(Schedule.parse(spec)) == scheduler


@pytest.mark.parametrize("spec", ["weekly", "30 * * * *", "0 0 1 * *", "0 0 * * 1", "0 1-5 * * *", "0 0/30 * * *"])
def test_what_sagemaker_cannot_schedule_is_refused_with_a_reason(spec: str) -> None:
    with pytest.raises(ScheduleNotExpressible, match="SageMaker Model Monitor runs only hourly"):
        sagemaker_cron(Schedule.parse(spec))


def test_eventbridge_takes_weekdays_by_name_and_refuses_both_day_fields() -> None:
    assert scheduler_cron(Schedule.parse("weekly")) == "cron(0 0 ? * MON *)"
    assert scheduler_cron(Schedule.parse("0 8 * * 0,6")) == "cron(0 8 ? * SUN,SAT *)"
    with pytest.raises(ScheduleNotExpressible, match="both the day of the month and the day of the week"):
        scheduler_cron(Schedule.parse("0 0 1 * 1"))


def test_names_stay_valid_and_distinct() -> None:
    assert names.schedule_name("driftplane", "churn") == "driftplane-churn"
    underscored = names.schedule_name("driftplane", "churn_eu")
    assert underscored != names.schedule_name("driftplane", "churn-eu")
    assert names.SAGEMAKER_NAME.match(underscored)
    long = "m" * 63
    for name in (
        names.schedule_name("driftplane", long),
        names.job_definition_name("driftplane", long, "x"),
        names.baselining_job_name("driftplane", long, "x"),
        names.processing_job_base("driftplane", long) + "-" + "e" * names.EXECUTION_ID_ROOM,
    ):
        assert names.SAGEMAKER_NAME.match(name) and len(name) <= 63, name
    assert names.schedule_name("driftplane", long) != names.schedule_name("driftplane", long[:-1])
    assert names.alarm_prefix("driftplane", "churn") == "driftplane/churn/"  # churn-eu's alarms never match it


def test_strict_check_finds_what_botocore_lets_through() -> None:
    body = {
        "MonitoringScheduleName": "bad_name!",
        "MonitoringScheduleConfig": {
            "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
            "MonitoringJobDefinitionName": "d" * 64,
            "MonitoringType": "Bogus",
        },
    }
    problems = request_problems("sagemaker", "CreateMonitoringSchedule", body)
    assert any("MonitoringScheduleName: 'bad_name!' does not match the pattern" in p for p in problems)
    assert any("MonitoringJobDefinitionName: length 64 is above the maximum 63" in p for p in problems)
    assert any("MonitoringType: 'Bogus' is not one of DataQuality" in p for p in problems)
    assert request_problems(
        "cloudwatch", "PutMetricAlarm", {"AlarmName": "a", "EvaluationPeriods": 0, "ComparisonOperator": "Above"}
    )
    assert request_problems(
        "sagemaker", "DescribeMonitoringSchedule", {"MonitoringScheduleName": "ok", "Extra": 1}
    ) == ["request: unknown key 'Extra' (known: MonitoringScheduleName)"]


def test_a_schedule_update_is_exactly_one_call_then_a_wait_with_the_stubber(session) -> None:
    """botocore's own Stubber: the update is sent as planned, then polled until it leaves Pending."""
    stubbers: list[Stubber] = []

    def stub(client) -> None:  # type: ignore[no-untyped-def]
        stubber = Stubber(client)
        stubbers.append(stubber)
        stubber.activate()

    settings = AwsSettings(**settings_dict())
    clients = AwsClients(settings, session=session, on_client=stub)
    body = {
        "MonitoringScheduleName": "driftplane-churn",
        "MonitoringScheduleConfig": {
            "ScheduleConfig": {"ScheduleExpression": "cron(0 6 ? * * *)"},
            "MonitoringJobDefinitionName": "driftplane-churn-dq-0123abcd",
            "MonitoringType": "DataQuality",
        },
    }
    clients.client("sagemaker")
    (stubber,) = stubbers
    arn = "arn:aws:sagemaker:us-east-1:123456789012:monitoring-schedule/driftplane-churn"
    stubber.add_response("update_monitoring_schedule", {"MonitoringScheduleArn": arn}, body)
    described = {
        "MonitoringScheduleArn": arn,
        "MonitoringScheduleName": "driftplane-churn",
        "CreationTime": "2026-01-01T00:00:00Z",
        "LastModifiedTime": "2026-01-01T00:00:00Z",
        "MonitoringScheduleConfig": body["MonitoringScheduleConfig"],
    }
    for status in ("Pending", "Scheduled"):
        stubber.add_response(
            "describe_monitoring_schedule",
            {**described, "MonitoringScheduleStatus": status},
            {"MonitoringScheduleName": "driftplane-churn"},
        )
    change = Change(action="update", kind="sagemaker:MonitoringSchedule", name="driftplane-churn", monitor="churn",
                    request=Request(api="sagemaker", operation="UpdateMonitoringSchedule", body=body))
    Executor(clients, settings, sleep=lambda _: None).run([change])
    stubber.assert_no_pending_responses()


def test_a_cron_restricting_both_days_says_what_eventbridge_needs_in_the_specs_words() -> None:
    """EventBridge needs '?' (any) in the day-of-month or the day-of-week; the spec's 5-field cron
    writes "any" as '*'. The message must say both, as docs/providers/aws.md does."""
    import pytest

    from driftplane.spec.schedules import Schedule
    from driftplane_aws.schedules import ScheduleNotExpressible, scheduler_cron

    with pytest.raises(ScheduleNotExpressible) as info:
        scheduler_cron(Schedule.parse("0 6 1 * 1"))
    message = str(info.value)
    assert "'?'" in message and "'*'" in message and "two monitors" in message
    assert scheduler_cron(Schedule.parse("0 6 1 * *")) == "cron(0 6 1 * ? *)"
