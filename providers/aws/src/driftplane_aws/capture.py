"""``driftplane aws enable-capture``: turn on data capture the way SageMaker's DataCaptureConfig does.

An endpoint config cannot be changed, so this copies the endpoint's current config with a
DataCaptureConfig added under a new name, then points the endpoint at it (UpdateEndpoint).
"""

from __future__ import annotations

import logging
from typing import Any

from driftplane.errors import ProviderError, UsageError
from driftplane_aws import names
from driftplane_aws.clients import AwsClients
from driftplane_aws.servicemodel import operation_model
from driftplane_aws.settings import s3_uri_problem

logger = logging.getLogger(__name__)


def describe_endpoint(clients: AwsClients, endpoint: str) -> dict[str, Any]:
    found = clients.try_call(
        "sagemaker", "DescribeEndpoint", {"EndpointName": endpoint}, resource=f"endpoint {endpoint}"
    )
    if found is None:
        raise ProviderError(
            f"endpoint {endpoint} does not exist in {clients.region}; check its name "
            f"(`aws sagemaker list-endpoints`) and the region ({clients.region_setting}, or AWS_REGION)"
        )
    return found


def capture_config(destination: str, sampling: int) -> dict[str, Any]:
    return {
        "EnableCapture": True,
        "InitialSamplingPercentage": sampling,
        "DestinationS3Uri": destination,
        "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        "CaptureContentTypeHeader": {"CsvContentTypes": ["text/csv"], "JsonContentTypes": ["application/json"]},
    }


def check_capture_arguments(destination: str, sampling: int) -> None:
    """UsageError for a destination or sampling SageMaker would refuse, before any call is made."""
    if not 0 <= sampling <= 100:
        raise UsageError(f"--sampling {sampling} is not a percentage (0-100)")
    problem = s3_uri_problem(destination)
    if problem:
        raise UsageError(f"--destination {problem}")


def capture_requests(
    config: dict[str, Any], endpoint: str, destination: str, sampling: int
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(new config name, CreateEndpointConfig body, UpdateEndpoint body) from the current config."""
    check_capture_arguments(destination, sampling)
    allowed = operation_model("sagemaker", "CreateEndpointConfig").input_shape.members
    skip = ("EndpointConfigName", "DataCaptureConfig", "Tags")
    body = {k: v for k, v in config.items() if k in allowed and k not in skip and v not in (None, {}, [])}
    old = config["EndpointConfigName"]
    name = f"{old[:50].rstrip('-')}-cap-{names.short_hash(old + destination + str(sampling), 6)}"
    body = {"EndpointConfigName": name, **body, "DataCaptureConfig": capture_config(destination, sampling)}
    body["Tags"] = [{"Key": names.MANAGED_BY_KEY, "Value": names.MANAGED_BY_VALUE}]
    return name, body, {"EndpointName": endpoint, "EndpointConfigName": name}


def enable_capture(clients: AwsClients, endpoint: str, destination: str, sampling: int = 20) -> str:
    """Enable capture on ``endpoint``; returns the endpoint config it now uses."""
    check_capture_arguments(destination, sampling)
    described = describe_endpoint(clients, endpoint)
    current_name = described["EndpointConfigName"]
    config = clients.call(
        "sagemaker", "DescribeEndpointConfig", {"EndpointConfigName": current_name}, resource=current_name
    )
    capture = config.get("DataCaptureConfig") or {}
    if (
        capture.get("EnableCapture")
        and capture.get("DestinationS3Uri", "").rstrip("/") == destination.rstrip("/")
        and capture.get("InitialSamplingPercentage") == sampling
    ):
        logger.info(
            "endpoint %s already captures %d%% of its traffic to %s; nothing to do", endpoint, sampling, destination
        )
        return str(current_name)
    name, create, update = capture_requests(config, endpoint, destination, sampling)
    if clients.try_call("sagemaker", "DescribeEndpointConfig", {"EndpointConfigName": name}, resource=name) is None:
        clients.call("sagemaker", "CreateEndpointConfig", create, resource=name)
    clients.call("sagemaker", "UpdateEndpoint", update, resource=f"endpoint {endpoint}")
    logger.info(
        "endpoint %s is being updated to %s, which captures %d%% of requests and responses to %s "
        "(SageMaker takes a few minutes; traffic keeps flowing)",
        endpoint,
        name,
        sampling,
        destination,
    )
    return name


def require_capture(clients: AwsClients, endpoint: str) -> None:
    """ProviderError unless ``endpoint`` exists and captures its traffic."""
    described = describe_endpoint(clients, endpoint)
    capture = described.get("DataCaptureConfig")
    if capture is None:
        config = clients.call(
            "sagemaker", "DescribeEndpointConfig", {"EndpointConfigName": described["EndpointConfigName"]}
        )
        capture = config.get("DataCaptureConfig") or {}
    enabled = capture.get("EnableCapture", capture.get("CaptureStatus") == "Started")
    if not enabled:
        raise ProviderError(
            f"data capture is not enabled on endpoint {endpoint}, so SageMaker has nothing to monitor; turn it on with "
            f"`driftplane aws enable-capture --endpoint {endpoint} --destination s3://BUCKET/capture`"
        )
