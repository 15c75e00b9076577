"""``driftplane aws ...``: commands only AWS has, added through the register_commands hook."""

from __future__ import annotations

import json

import click

from driftplane.cli.api import spec_argument


@click.group("aws")
def aws() -> None:
    """AWS helpers: turn on endpoint data capture, print the IAM policies a spec needs."""


@aws.command("enable-capture")
@click.option("--endpoint", required=True, metavar="NAME", help="The SageMaker endpoint.")
@click.option(
    "--destination", required=True, metavar="S3URI", help="Where SageMaker writes the captured requests and responses."
)
@click.option("--sampling", default=20, show_default=True, type=int, help="Percentage of requests captured (0-100).")
@click.option("--region", default=None, help="Default: the AWS configuration's (AWS_REGION, ~/.aws/config).")
@click.option("--profile", default=None, help="A profile of ~/.aws/config.")
def enable_capture_command(
    endpoint: str, destination: str, sampling: int, region: str | None, profile: str | None
) -> None:
    """Turn on data capture on an endpoint, as SageMaker's DataCaptureConfig does.

    Copies the endpoint's current config with capture added (endpoint configs cannot be
    changed), then points the endpoint at the copy. Traffic keeps flowing meanwhile.

    \b
    Example:
      driftplane aws enable-capture --endpoint churn-prod --destination s3://ml-bucket/capture --sampling 50
    """
    from driftplane_aws.capture import check_capture_arguments, enable_capture
    from driftplane_aws.clients import AwsClients
    from driftplane_aws.settings import AwsSettings

    check_capture_arguments(destination, sampling)  # before credentials or the endpoint are looked at
    clients = AwsClients(
        AwsSettings(region=region, profile=profile),
        region_setting="--region (e.g. --region eu-west-1)",
    )
    name = enable_capture(clients, endpoint, destination, sampling)
    click.echo(name)


@aws.command("iam-policy")
@spec_argument
@click.option("--account", default=None, help="Account id for the ARNs (default: the role_arn's).")
@click.option(
    "--capture-s3-uri",
    "captures",
    multiple=True,
    metavar="ENDPOINT=S3URI",
    help="An endpoint's DataCaptureConfig destination, which the jobs read (default: read from the endpoint's config).",
)
def iam_policy_command(spec_path: str | None, account: str | None, captures: tuple[str, ...]) -> None:
    """Print the least-privilege IAM policies the spec needs, as JSON.

    driftplane: for whoever runs plan, apply and status; job_role: for role_arn, the role
    the jobs run as; with backend: processing also scheduler_role and its trust policy.
    The jobs read each endpoint's captured traffic: its destination comes from
    --capture-s3-uri, else from the endpoint's config (read-only calls), else a
    CAPTURE_BUCKET/CAPTURE_PREFIX placeholder to fill in.
    """
    from driftplane.errors import ProviderError, UsageError
    from driftplane.plugins import get_provider_class
    from driftplane.spec import load_spec
    from driftplane_aws.clients import AwsClients
    from driftplane_aws.iam import capture_destinations, policies
    from driftplane_aws.plan import offline_account
    from driftplane_aws.settings import s3_uri_problem

    spec = load_spec(spec_path)
    settings = get_provider_class("aws").validate_settings(spec.providers.get("aws", {}) or {}, spec=spec)
    found = offline_account(settings)  # type: ignore[arg-type]
    given: dict[str, str] = {}
    for item in captures:
        endpoint, _, uri = item.partition("=")
        if not endpoint or s3_uri_problem(uri):
            raise UsageError(f"--capture-s3-uri '{item}' is not ENDPOINT=s3://bucket/prefix")
        given[endpoint] = uri.rstrip("/")
    endpoints = {m.target.endpoint for m in spec.monitors.values() if m.target.endpoint and not m.target.data}
    if endpoints - set(given):
        try:
            given = {**capture_destinations(AwsClients(settings), spec), **given}  # type: ignore[arg-type]
        except ProviderError as exc:
            click.echo(
                f"warning: could not read the endpoints' capture destinations ({exc}); the job role's ReadCapture "
                "statement holds a CAPTURE_BUCKET/CAPTURE_PREFIX placeholder: "
                "fill it in, or pass --capture-s3-uri ENDPOINT=S3URI",
                err=True,
            )
    click.echo(json.dumps(policies(spec, settings, found.region, account or found.account, given), indent=2))  # type: ignore[arg-type]
