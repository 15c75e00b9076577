"""Keep secrets out of logs, errors and the database.

Webhook and Slack URLs often carry their token in the path or the query string, so a URL
is shown only as scheme://host/… ; every SecretStr in a channel's settings (and the SMTP
password) is also replaced wherever it appears in a message from a library.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from pydantic import BaseModel, SecretStr

from driftplane.log_setup import redact


def redact_url(url: str | SecretStr) -> str:
    """'https://hooks.slack.com/…': scheme and host only; path, query, user and password hidden."""
    text = url.get_secret_value() if isinstance(url, SecretStr) else url
    try:
        parts = urlsplit(text)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<an unparsable URL>"
    hidden = "/…" if (parts.path not in ("", "/") or parts.query or parts.fragment) else ""
    return f"{parts.scheme}://{host}{port}{hidden}"


def secret_values(*models: BaseModel | None) -> list[str]:
    """Every SecretStr value inside these settings models, nested models included."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, SecretStr):
            secret = value.get_secret_value()
            if secret:
                found.append(secret)
                found.extend(url_secret_parts(secret))
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for model in models:
        walk(model)
    # Longest first, so a URL is replaced whole before its parts.
    return sorted(set(found), key=len, reverse=True)


def url_secret_parts(text: str) -> Iterable[str]:
    """The path and query of a URL secret: libraries sometimes quote just those."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return []
    if not parts.scheme or not parts.netloc:
        return []
    pieces = [parts.path, parts.query, parts.password or ""]
    return [p for p in pieces if len(p) > 1]


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` with every secret replaced by ***."""
    return redact(text, secrets)
