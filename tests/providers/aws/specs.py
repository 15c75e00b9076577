"""Specs for the aws tests: a churn monitor on the quickstart's data, on either backend."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from driftplane.cli import cli
from driftplane.spec import Spec

from .conftest import BUCKET, REPO, SAGEMAKER_DRIFT, settings_dict

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/driftplane:1"
TRAIN = str(REPO / "examples/quickstart/data/train.parquet")
DAILY = str(REPO / "examples/quickstart/data/daily/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.parquet")
S3_DAILY = f"s3://{BUCKET}/scores/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/*.parquet"


def make_spec(
    backend: str = "processing",
    *,
    settings: dict[str, Any] | None = None,
    channels: dict[str, Any] | None = None,
    spec_tags: dict[str, str] | None = None,
    **monitor: Any,
) -> Spec:
    """The churn monitor (quickstart baseline, daily S3 scores) with ``monitor``'s keys over it.

    model-monitor specs get the drift checks SageMaker can honour unless ``checks`` is given.
    """
    aws = settings_dict(backend=backend, **(settings or {}))
    if backend == "processing":
        aws.setdefault("image_uri", IMAGE)
    body: dict[str, Any] = {
        "baseline": {"data": TRAIN},
        "target": {"data": S3_DAILY, "window": "1d"},
        "features": {"exclude": ["customer_id"]},
        "schedule": "daily",
        **monitor,
    }
    if backend == "model-monitor":
        body.setdefault("checks", SAGEMAKER_DRIFT)
    data: dict[str, Any] = {"provider": "aws", "providers": {"aws": aws}, "monitors": {"churn": body}}
    if channels:
        data["channels"] = channels
    if spec_tags:
        data["tags"] = spec_tags
    return Spec.model_validate(data)


SETTINGS_YAML = """\
provider: aws
providers:
  aws:
    region: us-east-1
    role_arn: arn:aws:iam::123456789012:role/SageMaker
    output_s3_uri: s3://bucket/driftplane
"""
PROCESSING_YAML = SETTINGS_YAML + f"""\
    backend: processing
    image_uri: {IMAGE}
"""


def validate(tmp_path: Path, text: str) -> tuple[int, str]:
    """``driftplane validate --provider aws`` of ``text``; the file's path reads ``F`` in the errors."""
    path = tmp_path / "monitors.yaml"
    path.write_text(textwrap.dedent(text))
    result = CliRunner().invoke(cli, ["validate", str(path), "--provider", "aws"])
    return result.exit_code, result.stderr.replace(str(path), "F")


def line_of(text: str, needle: str) -> int:
    """The 1-based line of ``text`` holding ``needle`` (to check where a problem is located)."""
    return next(i for i, line in enumerate(textwrap.dedent(text).splitlines(), start=1) if needle in line)
