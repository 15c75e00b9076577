"""``driftplane aws ...``: commands only AWS has, added through the register_commands hook."""

from __future__ import annotations

import json

import click

from driftplane.cli.options import spec_argument


@click.group("aws")
def aws() -> None:
    """AWS helpers: turn on endpoint data capture, print the IAM policies a spec needs."""


@aws.command("enable-capture")
@click.option("--endpoint", required=True, metavar="NAME", help="The SageMaker endpoint.")
@click.option("--destination", required=True, metavar="S3URI", help="Where SageMaker writes the captured requests and responses.")
@click.option("--sampling", default=20, show_default=True, type=click.IntRange(0, 100), help="Percentage of requests captured.")
@click.option("--region", default=None, help="Default: the AWS configuration's.")
@click.option("--profile", default=None, help="A profile of ~/.aws/config.")
def enable_capture_command(endpoint: str, destination: str, sampling: int, region: str | None, profile: str | None) -> None:
    """Turn on data capture on an endpoint, as SageMaker's DataCaptureConfig does.

    Copies the endpoint's current config with capture added (endpoint configs cannot be
    changed), then points the endpoint at the copy. Traffic keeps flowing meanwhile.

    \b
    Example:
      driftplane aws enable-capture --endpoint churn-prod --destination s3://ml-bucket/capture --sampling 50
    """
    from driftplane_aws.capture import enable_capture
    from driftplane_aws.clients import AwsClients
    from driftplane_aws.settings import AwsSettings

    clients = AwsClients(AwsSettings(region=region, profile=profile))
    name = enable_capture(clients, endpoint, destination, sampling)
    click.echo(name)


@aws.command("iam-policy")
@spec_argument
@click.option("--account", default=None, help="Account id for the ARNs (default: the role_arn's).")
def iam_policy_command(spec_path: str | None, account: str | None) -> None:
    """Print the least-privilege IAM policies the spec needs, as JSON.

    driftplane: for whoever runs plan, apply and status; job_role: for role_arn, the role
    the jobs run as; with backend: processing also scheduler_role and its trust policy.
    """
    from driftplane.plugins import get_provider_class
    from driftplane.spec import load_spec
    from driftplane_aws.iam import policies
    from driftplane_aws.planner import offline_account

    spec = load_spec(spec_path)
    settings = get_provider_class("aws").validate_settings(spec.providers.get("aws", {}) or {}, spec=spec)
    found = offline_account(settings)  # type: ignore[arg-type]
    click.echo(json.dumps(policies(spec, settings, found.region, account or found.account), indent=2))  # type: ignore[arg-type]
