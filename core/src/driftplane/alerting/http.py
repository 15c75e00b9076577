"""POSTing JSON to webhooks (and Slack) with a timeout, retries with backoff and an HMAC signature.

The standard library's urllib is enough here: one POST, no sessions, no streaming. Adding
an HTTP client to driftplane's core dependencies would not buy anything a user sees.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from pydantic import SecretStr

from driftplane.alerting.errors import DeliveryError
from driftplane.alerting.redact import redact_url, scrub, url_secret_parts

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Driftplane-Signature"
MAX_RETRY_AFTER = 60.0
# Statuses that may succeed on a later attempt; any other 4xx needs a fix in the spec.
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def signature(body: bytes, secret: str) -> str:
    """'sha256=<hex>': HMAC-SHA256 of the exact body bytes, as receivers verify it."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirected POST would silently turn into a GET without the body: refuse instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _describe_connection_error(exc: BaseException, timeout: float) -> str:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return f"no answer within {timeout:g} s (timeout)"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (nothing is listening at that host and port)"
    if isinstance(reason, ConnectionResetError):
        return "the connection was reset by the server"
    if isinstance(reason, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


def split_credentials(url: str) -> tuple[str, str | None]:
    """The URL without ``user:password@``, and the HTTP Basic Authorization value they make.

    urllib would hand ``user:pass@127.0.0.1`` to the resolver as a host name; receivers
    expect the credentials in an Authorization header, as curl and browsers send them.
    """
    try:
        parts = urlsplit(url)
        username, password = parts.username, parts.password
        host, port = parts.hostname, parts.port
    except ValueError:
        return url, None
    if username is None and password is None:
        return url, None
    pair = f"{unquote(username or '')}:{unquote(password or '')}"
    token = base64.b64encode(pair.encode("utf-8")).decode("ascii")
    netloc = (f"[{host}]" if host and ":" in host else host or "") + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)), f"Basic {token}"


def post_json(
    url: SecretStr,
    body: bytes,
    *,
    headers: Mapping[str, str] | None = None,
    secret: SecretStr | None = None,
    timeout: float = 10.0,
    retries: int = 3,
    backoff: float = 1.0,
    secrets: list[str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """POST ``body`` as JSON; returns the number of attempts it took.

    Retries connection errors, timeouts, 5xx and 429 ``retries`` times, waiting ``backoff``
    seconds and doubling (or what Retry-After asks, up to a minute). Raises DeliveryError
    with a redacted reason when every attempt failed or the answer cannot change (4xx).
    """
    from driftplane import __version__

    hidden = [*(secrets or []), url.get_secret_value(), *url_secret_parts(url.get_secret_value())]
    if secret is not None:
        hidden.append(secret.get_secret_value())
    all_headers = {
        "Content-Type": "application/json",
        "User-Agent": f"driftplane/{__version__}",
        **dict(headers or {}),
    }
    if secret is not None:
        all_headers[SIGNATURE_HEADER] = signature(body, secret.get_secret_value())
    target, authorization = split_credentials(url.get_secret_value())
    if authorization is not None:
        hidden.append(authorization.removeprefix("Basic "))
        # An Authorization header set in the channel's headers is the more explicit choice.
        if not any(name.lower() == "authorization" for name in all_headers):
            all_headers["Authorization"] = authorization
    shown = redact_url(url)
    attempt = 0
    while True:
        attempt += 1
        request = urllib.request.Request(target, data=body, headers=all_headers, method="POST")
        retry_after: float | None = None
        try:
            with _opener.open(request, timeout=timeout) as response:
                response.read(4096)
            return attempt
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip() if exc.fp else ""
            reason = f"HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")
            if 300 <= exc.code < 400:
                reason += " (the URL redirects; configure the final URL)"
            retryable = exc.code in RETRYABLE_STATUSES
            header = exc.headers.get("Retry-After") if exc.headers else None
            if header and header.strip().isdigit():
                retry_after = min(float(header), MAX_RETRY_AFTER)
        except (urllib.error.URLError, TimeoutError, http.client.HTTPException, OSError) as exc:
            reason = _describe_connection_error(exc, timeout)
            retryable = True
        reason = scrub(reason, hidden)
        if not retryable or attempt > retries:
            tries = f"after {attempt} attempt{'s' if attempt != 1 else ''}"
            raise DeliveryError(f"POST to {shown} failed {tries}: {reason}", retryable=retryable, attempts=attempt)
        delay = retry_after if retry_after is not None else backoff * 2 ** (attempt - 1)
        logger.debug(
            "POST to %s failed (%s); attempt %d of %d in %.3g s", shown, reason, attempt + 1, retries + 1, delay
        )
        sleep(delay)
