"""Protocol-buffer messages as JSON, and what differs between what is wanted and what exists.

Plan bodies are the request messages as proto3 JSON (``MessageToDict``: lowerCamelCase
names as in Google's REST reference, enums by name, defaults left out), so
``Request.from_json`` of the real type reads them back. Comparing wanted with existing looks
only at the fields driftplane sets: Google adds its own (names of conditions, creation records,
Cloud Run's defaults), which are not differences.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any


def to_dict(message: Any) -> dict[str, Any]:
    """A proto-plus or raw protobuf message as proto3 JSON (``MessageToDict``): the REST API's field names."""
    from google.protobuf import json_format

    raw = type(message).pb(message) if hasattr(type(message), "pb") and hasattr(type(message), "meta") else message
    data: dict[str, Any] = json_format.MessageToDict(raw)
    return data


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float | str):
        try:
            return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
        except ValueError:
            return False
    if isinstance(a, str) and isinstance(b, int | float):
        return _same(b, a)
    return bool(a == b)


def _show(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def differences(wanted: Any, existing: Any, *, path: str = "", ignore: Iterable[str] = ()) -> list[str]:
    """Where ``existing`` differs from ``wanted``, over the keys ``wanted`` has, as readable paths."""
    ignored = set(ignore)
    if path in ignored:
        return []
    if isinstance(wanted, dict):
        if not isinstance(existing, dict):
            return [f"{path or 'the whole message'} is missing"]
        out: list[str] = []
        for key, value in wanted.items():
            out += differences(value, existing.get(key), path=f"{path}.{key}" if path else key, ignore=ignored)
        return out
    if isinstance(wanted, list):
        if not isinstance(existing, list) or len(existing) != len(wanted):
            return [f"{path}: {_show(existing)} -> {_show(wanted)}"]
        out = []
        for i, (w, e) in enumerate(zip(wanted, existing, strict=True)):
            out += differences(w, e, path=f"{path}[{i}]", ignore=ignored)
        return out
    if existing is None or not _same(wanted, existing):
        return [f"{path}: {_show(existing)} -> {_show(wanted)}"]
    return []
