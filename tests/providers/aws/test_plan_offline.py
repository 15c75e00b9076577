"""plan --offline: exact requests, no credentials, no calls; every request valid for AWS as it is strict."""

from __future__ import annotations

import json
import socket

import pytest
from click.testing import CliRunner

from driftplane.cli import cli
from driftplane_aws.servicemodel import request_problems
from driftplane_aws.translate import EXECUTION_ID, SCHEDULED_TIME

from .conftest import REPO

EXAMPLES = [REPO / "examples/aws/monitors.yaml", REPO / "examples/aws/processing/monitors.yaml"]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection attempt fails the test: offline means offline."""

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError(f"plan --offline opened a connection: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.parametrize("example", EXAMPLES, ids=["model-monitor", "processing"])
def test_offline_plan_of_the_examples_is_exact_and_valid(example, no_network) -> None:
    result = CliRunner().invoke(cli, ["plan", str(example), "--offline", "--json"])
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["provider"] == "aws"
    assert plan["changes"], "the example creates something"
    for change in plan["changes"]:
        request = change["request"]
        assert change["action"] == "create" and change["monitor"] == "churn"
        assert request_problems(request["api"], request["operation"], request["body"]) == [], change["name"]
        if request["operation"] == "CreateSchedule":
            job = json.loads(request["body"]["Target"]["Input"])
            assert SCHEDULED_TIME in job["AppSpecification"]["ContainerArguments"]
            wired = json.loads(json.dumps(job).replace(EXECUTION_ID, "d32c5kddcf5bb8c3"))
            assert request_problems("sagemaker", "CreateProcessingJob", wired) == []
    operations = [c["request"]["operation"] for c in plan["changes"]]
    if plan["backend"] == "model-monitor":
        assert operations.index("CreateDataQualityJobDefinition") < operations.index("CreateMonitoringSchedule")
        schedule = next(c for c in plan["changes"] if c["request"]["operation"] == "CreateMonitoringSchedule")
        assert schedule["request"]["body"]["MonitoringScheduleConfig"]["ScheduleConfig"] == {
            "ScheduleExpression": "cron(0 0 ? * * *)"
        }
        assert {"PutMetricAlarm", "CreateTopic", "Subscribe", "PutObject"} <= set(operations)
    else:
        assert {"CreateScheduleGroup", "CreateSchedule", "PutObject", "PutMetricAlarm"} <= set(operations)


def test_offline_plan_needs_no_credentials_but_a_region(tmp_path, no_network) -> None:
    spec = (REPO / "examples/aws/monitors.yaml").read_text().replace("${AWS_REGION:-eu-west-1}", "null")
    spec = spec.replace("data: data/", f"data: {REPO}/examples/aws/data/")
    path = tmp_path / "monitors.yaml"
    path.write_text(spec)
    result = CliRunner().invoke(cli, ["plan", str(path), "--offline", "--json"])
    assert result.exit_code == 2
    assert "region" in result.stderr
