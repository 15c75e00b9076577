"""botocore's exceptions as ProviderErrors that say what failed, on what, and what to do."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from driftplane.errors import ProviderError

ACCESS_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError", "Forbidden"}
THROTTLED = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
    "ProvisionedThroughputExceededException",
    "LimitExceededException",
}
BAD_CREDENTIALS = {
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "ExpiredToken",
    "ExpiredTokenException",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId",
    "InvalidSignatureException",
}
NOT_FOUND = {
    "ResourceNotFound",
    "ResourceNotFoundException",
    "NoSuchKey",
    "NotFound",
    "404",
    "NoSuchEntity",
    "NoSuchBucket",
}
HOW_TO_CREDENTIAL = (
    "give driftplane AWS credentials the usual way: AWS_PROFILE (or providers.aws.profile) naming a "
    "profile in ~/.aws/config, `aws sso login` for SSO profiles, AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY, or an instance or task role"
)


def error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def error_message(exc: BaseException) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Message", "")) or str(exc)


def is_not_found(exc: BaseException) -> bool:
    """True for the many ways AWS says a thing does not exist."""
    code = error_code(exc)
    if code in NOT_FOUND:
        return True
    message = error_message(exc).lower()
    return code == "ValidationException" and (
        "could not find" in message or "does not exist" in message or "not found" in message
    )


def provider_error(exc: BaseException, service: str, operation: str, resource: str | None = None) -> ProviderError:
    """A ProviderError for a failed call: which action, on which resource, and what to do."""
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
        ProfileNotFound,
        SSOError,
        TokenRetrievalError,
    )

    action = f"{service}:{operation}"
    on = f" on {resource}" if resource else ""
    if isinstance(exc, NoCredentialsError | PartialCredentialsError | SSOError | TokenRetrievalError):
        return ProviderError(
            f"{action}{on} could not be called: no usable AWS credentials ({exc}); {HOW_TO_CREDENTIAL}"
        )
    if isinstance(exc, ProfileNotFound):
        return ProviderError(
            f"{exc}: name a profile that exists in ~/.aws/config (providers.aws.profile or AWS_PROFILE)"
        )
    if isinstance(exc, NoRegionError):
        return ProviderError("no AWS region is configured: set providers.aws.region in the spec, or AWS_REGION")
    if isinstance(exc, EndpointConnectionError):
        return ProviderError(f"{action}{on}: could not reach AWS ({exc}); check the region and the network or proxy")
    if isinstance(exc, ClientError):
        code = error_code(exc)
        message = error_message(exc)
        if code in ACCESS_DENIED:
            return ProviderError(
                f"AWS denied {action}{on}: {message}. Allow {action} for the identity running driftplane "
                "(`driftplane aws iam-policy SPEC` prints every permission the spec needs)"
            )
        if code in THROTTLED:
            attempts = _attempts(exc)
            return ProviderError(
                f"AWS kept throttling {action}{on} ({code}) after {attempts} attempt{'s' if attempts != 1 else ''} "
                "with the SDK's standard retries; wait a minute and run the command again "
                "(apply resumes where it stopped, nothing is created twice)"
            )
        if code in BAD_CREDENTIALS:
            return ProviderError(f"AWS rejected the credentials for {action} ({code}: {message}); {HOW_TO_CREDENTIAL}")
        return ProviderError(f"{action}{on} failed: {code}: {message}")
    return ProviderError(f"{action}{on} failed: {type(exc).__name__}: {exc}")


@contextmanager
def credentials_for(doing: str) -> Iterator[None]:
    """Say what is missing and how to provide it when work outside driftplane's own clients
    (s3fs reading s3:// data through fsspec) finds no usable AWS credentials.

    botocore raises the same NoCredentialsError there as in driftplane's calls, but nothing
    on the way (aiobotocore, s3fs, fsspec, pyarrow) turns it into words a user can act on.
    """
    from botocore.exceptions import (
        NoCredentialsError,
        PartialCredentialsError,
        ProfileNotFound,
        SSOError,
        TokenRetrievalError,
    )

    try:
        yield
    except (NoCredentialsError, PartialCredentialsError, SSOError, TokenRetrievalError) as exc:
        raise ProviderError(f"{doing}: no usable AWS credentials ({exc}); {HOW_TO_CREDENTIAL}") from exc
    except ProfileNotFound as exc:
        raise ProviderError(
            f"{doing}: {exc}: name a profile that exists in ~/.aws/config (providers.aws.profile or AWS_PROFILE)"
        ) from exc


def _attempts(exc: Any) -> int:
    metadata = (getattr(exc, "response", None) or {}).get("ResponseMetadata", {})
    return int(metadata.get("RetryAttempts", 0)) + 1
