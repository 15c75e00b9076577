"""The processing job's command and the image it runs in agree (no Docker engine needed).

The scheduled CreateProcessingJob request names a ContainerEntrypoint and ContainerArguments;
the Dockerfile decides what the image has installed. Both sides are checked here: the exact
command of the planned request is run with the installed ``driftplane`` script, and the
Dockerfile is read for what that command needs (a shell, the console script, both packages).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from driftplane.spec import Spec, load_spec
from driftplane_aws.baseline import compute_baseline
from driftplane_aws.settings import AwsSettings
from driftplane_aws.translate import (
    EXECUTION_ID,
    INPUT_BASELINE,
    JOB_SCRIPT,
    SCHEDULED_TIME,
    Account,
    Translator,
)

from .conftest import BUCKET, REPO
from .test_job import job_spec

DOCKERFILE = REPO / "providers/aws/Dockerfile"
INPUTS = "/opt/ml/processing/input"


def s3_job_spec() -> Spec:
    """test_job's monitor with its target on S3, where a SageMaker job reads it from."""
    body = job_spec().model_dump(mode="json", exclude_unset=True)
    body["monitors"]["churn"]["target"]["data"] = f"s3://{BUCKET}/churn/daily/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/*.parquet"
    return Spec.model_validate(body)


def scheduled_job(tmp_path: Path, make_provider: Any) -> tuple[dict[str, Any], Path]:
    """The CreateProcessingJob parameters the schedule sends, and a folder standing in for /opt/ml/processing/input."""
    spec = s3_job_spec()
    settings = make_provider(spec).aws_settings
    translator = Translator(spec, settings, Account("us-east-1", "123456789012"))
    job = json.loads(translator.scheduler_schedule("churn").body["Target"]["Input"])
    inputs = tmp_path / "input"
    (inputs / "spec").mkdir(parents=True)
    (inputs / "spec" / "monitors.yaml").write_text(
        translator.job_spec("churn").replace(INPUTS, str(inputs)), encoding="utf-8"
    )
    baseline = compute_baseline(spec, "churn", None)
    folder = Path(INPUT_BASELINE.replace(INPUTS, str(inputs)))
    folder.mkdir(parents=True)
    (folder / "statistics.json").write_text(baseline.statistics, encoding="utf-8")
    (folder / "constraints.json").write_text(baseline.constraints, encoding="utf-8")
    return job, inputs


def run_as_sagemaker_would(
    job: dict[str, Any], inputs: Path, output: Path, scheduled_time: str, moto: str
) -> subprocess.CompletedProcess[str]:
    """ContainerEntrypoint + ContainerArguments with the job's Environment, as the container starts.

    The scripts folder of this interpreter is on PATH, as pip puts ``driftplane`` on the image's PATH.
    """
    app = job["AppSpecification"]
    command = [
        part.replace(INPUTS, str(inputs)).replace(SCHEDULED_TIME, scheduled_time)
        for part in app["ContainerEntrypoint"] + app["ContainerArguments"]
    ]
    env = {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "/usr/bin:/bin")]),
        "HOME": str(output.parent),
        **job["Environment"],
        "DRIFTPLANE_OUTPUT_PATH": str(output),  # /opt/ml/processing/output in the job
        "AWS_ENDPOINT_URL": moto,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": str(output.parent / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(output.parent / "no-aws-credentials"),
    }
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_the_scheduled_command_runs_the_installed_driftplane(tmp_path, make_provider, moto, s3) -> None:
    for day in ("11", "12"):
        key = f"churn/daily/2026/01/{day}/scores.parquet"
        s3.put_object(
            Bucket=BUCKET,
            Key=key,
            Body=(REPO / "examples/quickstart/data/daily/2026/01" / day / "scores.parquet").read_bytes(),
        )
    job, inputs = scheduled_job(tmp_path, make_provider)
    assert EXECUTION_ID in job["ProcessingJobName"]
    # EventBridge Scheduler fills in the time like this (its docs: 2022-03-22T18:59:43Z).
    drifted = run_as_sagemaker_would(job, inputs, tmp_path / "output", "2026-01-12T00:00:07Z", moto)
    assert drifted.returncode == 0, drifted.stderr  # drift found is a successful job
    result = tmp_path / "output" / "churn" / "driftplane-churn" / "2026" / "01" / "12" / "00" / "result.json"
    assert json.loads(result.read_text())["status"] in ("drift", "drift_and_violations")

    failed = run_as_sagemaker_would(job, inputs, tmp_path / "failed", "2025-06-01T00:00:00Z", moto)
    assert failed.returncode == 3, failed.stderr  # no data for the window: the job fails, SageMaker shows it


def _final_stage(text: str) -> list[str]:
    lines = [
        line.strip()
        for line in re.sub(r"\\\n", " ", text).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    start = max(i for i, line in enumerate(lines) if line.upper().startswith("FROM "))
    return lines[start:]


def test_the_dockerfile_installs_what_the_job_command_needs(tmp_path, make_provider) -> None:
    job, _ = scheduled_job(tmp_path, make_provider)
    entrypoint = job["AppSpecification"]["ContainerEntrypoint"]
    text = DOCKERFILE.read_text(encoding="utf-8")
    final = _final_stage(text)

    # `sh -c SCRIPT driftplane ARGS...`: a POSIX shell, then the driftplane console script on PATH.
    assert entrypoint[:3] == ["sh", "-c", JOB_SCRIPT]
    base = final[0].split()[1]
    assert re.fullmatch(r"python:3\.\d+-slim(-\w+)?", base), f"{base}: the job needs /bin/sh and a CPython image"
    script = JOB_SCRIPT.split()[0]
    core = tomllib.loads((REPO / "core/pyproject.toml").read_text())["project"]
    aws = tomllib.loads((REPO / "providers/aws/pyproject.toml").read_text())["project"]
    assert core["scripts"].get(script) == "driftplane.cli:main", (
        f"the job runs `{script}`, which the driftplane package must install"
    )
    python = tuple(int(p) for p in base.split(":")[1].split("-")[0].split("."))
    for project in (core, aws):
        lowest = tuple(int(p) for p in project["requires-python"].removeprefix(">=").split("."))
        assert python >= lowest, f"{base} is older than {project['name']} allows"

    # Both packages are built from the workspace and installed into the final image.
    for project in (core, aws):
        assert f"--package {project['name']}" in re.sub(r"\\\n", " ", text)
        wheel = project["name"].replace("-", "_")
        assert any(line.startswith("RUN") and f"/wheels/{wheel}-*.whl" in line for line in final), (
            f"{wheel} is not installed"
        )
    for line in re.sub(r"\\\n", " ", text).splitlines():
        if line.startswith("COPY") and "--from" not in line:
            for source in line.split()[1:-1]:
                assert (REPO / source).exists(), f"the Dockerfile copies {source}, which the repository lacks"

    # SageMaker mounts /opt/ml/processing/* for root: a non-root USER cannot write the outputs.
    users = [line for line in final if line.upper().startswith("USER ")]
    assert users in ([], ["USER root"]), users


def test_the_example_schedules_the_same_command() -> None:
    """The processing example's job runs `driftplane run <spec> --provider aws --monitor M --at <time>`."""
    spec = load_spec(REPO / "examples/aws/processing/monitors.yaml")
    settings = AwsSettings(**spec.providers["aws"])
    job = Translator(spec, settings, Account("eu-west-1", "123456789012")).processing_job("churn")
    args = job["AppSpecification"]["ContainerArguments"]
    assert args[:1] == ["run"] and args[2:] == ["--provider", "aws", "--monitor", "churn", "--at", SCHEDULED_TIME]
    assert args[1] == f"{INPUTS}/spec/monitors.yaml"
