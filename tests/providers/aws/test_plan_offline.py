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


def test_offline_text_plan_shows_the_statistics_by_size_and_digest(no_network) -> None:
    """The baseline's statistics.json is most of the JSON plan; the text shows its size and sha256."""
    import re

    example = str(EXAMPLES[0])
    runner = CliRunner()
    as_json = runner.invoke(cli, ["plan", example, "--offline", "--json"])
    changes = json.loads(as_json.stdout)["changes"]
    statistics = next(c for c in changes if c["name"].endswith("/statistics.json"))["request"]["body"]["Body"]

    text = runner.invoke(cli, ["plan", example, "--offline", "--detailed-exitcode"])
    assert text.exit_code == 2, text.stderr
    lines = text.stdout.splitlines()
    start = lines.index('  + s3:Object "s3://ml-monitoring-123456789012/driftplane/churn/baseline/statistics.json" {')
    block = lines[start : lines.index("    }", start)]
    form = r"      \+ Body        = \((\d+\.\d) KiB, sha256 ([0-9a-f]{64}); --show-bodies shows it\)"
    shown = [re.fullmatch(form, line) for line in block]
    (body,) = [match for match in shown if match]
    # the digest is the body's: the same sha256 driftplane stores in the object's metadata
    assert f'          + driftplane-sha256   = "{body.group(2)}"' in block
    assert abs(float(body.group(1)) - len(statistics.encode()) / 1024) < 1024 / 10
    assert len(text.stdout) < len(statistics) / 5, "the text plan is not swamped by the baseline"
    alarm = lines.index('  + cloudwatch:MetricAlarm "driftplane/churn/churn-inputs-drifted/day_mins" {')
    assert '      + ComparisonOperator = "GreaterThanThreshold"' in lines[alarm : alarm + 30]
    assert lines[-1] == f"Plan: {len(changes)} to add, 0 to change, 0 to destroy."

    full = runner.invoke(cli, ["plan", example, "--offline", "--show-bodies"])
    assert "--show-bodies shows it" not in full.stdout and "+ kll" in full.stdout
    assert len(full.stdout) > len(statistics) / 5
