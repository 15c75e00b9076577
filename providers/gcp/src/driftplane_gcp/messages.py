"""Protocol-buffer messages as JSON, and what differs between what is wanted and what exists.

Plan bodies are the request messages as proto3 JSON (``MessageToDict``: lowerCamelCase
names as in Google's REST reference, enums by name, defaults left out), so
``Request.from_json`` of the real type reads them back. Comparing wanted with existing looks
only at the fields driftplane sets: Google adds its own (names of conditions, creation records,
Cloud Run's defaults), which are not differences.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from driftplane.plan_diff import attribute_changes
from driftplane.provider import AttributeChange


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


def changed_attributes(wanted: Any, existing: Any, *, ignore: Iterable[str] = ()) -> list[AttributeChange]:
    """Where ``existing`` differs from ``wanted``, over the keys ``wanted`` has: each path, old -> new."""
    return attribute_changes(wanted, existing, same=_same, ignore_paths=frozenset(ignore))


def differences(wanted: Any, existing: Any, *, ignore: Iterable[str] = ()) -> list[str]:
    """The same differences as readable ``path: old -> new`` lines."""
    return [item.describe(60) for item in changed_attributes(wanted, existing, ignore=ignore)]
