"""The check every channel with a URL setting makes: http:// or https:// only."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr


def http_url(value: Any) -> Any:
    """A pydantic 'before' validator: refuse a URL that is not http(s), without showing it."""
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    if isinstance(text, str) and not text.startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return value
