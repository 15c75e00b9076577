"""Azure failures as ProviderErrors a person can act on: what failed, Azure's code and words, what to do.

ARM answers errors as ``{"error": {"code": ..., "message": ...}}``; people need the code and
the message, not the JSON, and a hint for the usual causes (sign-in, role, a missing name).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from driftplane.errors import ProviderError

logger = logging.getLogger(__name__)

NO_CREDENTIAL_HINT = (
    "sign in with `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET "
    "for a service principal, or run where a managed identity is assigned "
    "(providers.azure.credential chooses which of these driftplane tries)"
)


def arm_error(exc: Any) -> tuple[str | None, str | None]:
    """(code, message) of an Azure error, from the parsed error or the response body."""
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None)
    message = getattr(error, "message", None)
    if code and message:
        return str(code), str(message).strip()
    response = getattr(exc, "response", None)
    if response is not None:
        try:
            payload = json.loads(response.text())
        except (ValueError, TypeError, AttributeError):
            payload = None
        if isinstance(payload, dict):
            body = payload.get("error") if isinstance(payload.get("error"), dict) else payload
            if isinstance(body, dict) and (body.get("code") or body.get("message")):
                return body.get("code"), str(body.get("message") or "").strip() or None
    text = str(getattr(exc, "message", None) or exc).strip()
    first = text.splitlines()[0] if text else None
    return code, first


QUIETED_LOGGERS = ("azure.identity", "azure.core")


class _AsDebug(logging.Handler):
    """Passes the Azure SDK's records on as driftplane debug lines."""

    def emit(self, record: logging.LogRecord) -> None:
        logger.debug("while calling Azure, %s said: %s", record.name, record.getMessage())


_quiet_depth = 0


@contextmanager
def quiet_azure_sdk() -> Iterator[None]:
    """Keep azure.identity's and azure.core's warnings off the console unless -vv asks for library logs.

    Finding no credential, DefaultAzureCredential logs a dozen lines (every credential type it
    tried, troubleshooting links) before its exception reaches driftplane, whose own one-line
    error then says what to do; the lines before it only bury it. With -v they show as debug
    lines; with -vv (the ``azure`` logger at DEBUG) the SDK speaks for itself, as every
    library does.
    """
    global _quiet_depth
    if _quiet_depth or logging.getLogger("azure").isEnabledFor(logging.DEBUG):
        yield  # already quieted by an enclosing block, or -vv: leave the SDK's logs alone
        return
    handler = _AsDebug()
    saved = []
    for name in QUIETED_LOGGERS:
        sdk = logging.getLogger(name)
        saved.append((sdk, sdk.propagate))
        sdk.addHandler(handler)
        sdk.propagate = False
    _quiet_depth += 1
    try:
        yield
    finally:
        _quiet_depth -= 1
        for sdk, propagate in saved:
            sdk.removeHandler(handler)
            sdk.propagate = propagate


def _words(code: str | None, message: str | None) -> str:
    if code and message:
        return f"{code}: {message}"
    return message or code or "no details given"


@contextmanager
def azure_errors(
    action: str,
    *,
    workspace: str | None = None,
    not_found: Callable[[str], str] | None = None,
    forbidden: Callable[[str], str] | None = None,
) -> Iterator[None]:
    """Run Azure calls; re-raise their failures as ProviderError saying ``action`` failed and why.

    ``not_found`` and ``forbidden`` turn Azure's words into the message for those cases (the
    default permission hint is about the workspace, wrong for Azure Monitor resources).
    """
    from azure.core.exceptions import (
        ClientAuthenticationError,
        HttpResponseError,
        ResourceNotFoundError,
        ServiceRequestError,
    )

    try:
        with quiet_azure_sdk():
            yield
    except ClientAuthenticationError as exc:
        status = getattr(exc, "status_code", None)
        if status in (401,):
            code, message = arm_error(exc)
            raise ProviderError(
                f"{action}: Azure rejected the credential ({_words(code, message)}); {NO_CREDENTIAL_HINT}"
            ) from exc
        if status == 403:
            raise _forbidden(action, workspace, exc, forbidden) from exc
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ProviderError(f"{action}: no Azure credential found ({first}); {NO_CREDENTIAL_HINT}") from exc
    except ResourceNotFoundError as exc:
        code, message = arm_error(exc)
        if not_found is not None:
            raise ProviderError(f"{action}: {not_found(_words(code, message))}") from exc
        raise ProviderError(f"{action}: Azure answered not found ({_words(code, message)})") from exc
    except HttpResponseError as exc:
        if getattr(exc, "status_code", None) == 403:
            raise _forbidden(action, workspace, exc, forbidden) from exc
        code, message = arm_error(exc)
        status = getattr(exc, "status_code", None)
        if status is None or status in (200, 201, 202):
            raise ProviderError(f"{action}: the operation failed in Azure ({_words(code, message)})") from exc
        raise ProviderError(f"{action}: Azure answered {status} ({_words(code, message)})") from exc
    except ServiceRequestError as exc:
        raise ProviderError(f"{action}: cannot reach Azure ({exc}); check the network and proxy settings") from exc
    except _sdk_errors() as exc:
        message = str(getattr(exc, "message", None) or exc).strip()
        raise ProviderError(f"{action}: azure-ai-ml refused it: {message}") from exc


def _sdk_errors() -> tuple[type[BaseException], ...]:
    from azure.ai.ml.exceptions import MlException

    return (MlException,)


def _forbidden(action: str, workspace: str | None, exc: Any, forbidden: Callable[[str], str] | None) -> ProviderError:
    code, message = arm_error(exc)
    if forbidden is not None:
        return ProviderError(f"{action}: {forbidden(_words(code, message))}")
    where = f" on workspace '{workspace}'" if workspace else ""
    return ProviderError(
        f"{action}: no permission{where} ({_words(code, message)}); ask an owner of the workspace for "
        "the 'AzureML Data Scientist' role (or Contributor), then try again"
    )
