"""What differs between the body driftplane would send and what Azure already has.

Both sides go through azure-ai-ml's own entities first, so fields the service fills in by
itself (provisioning state, ids, system data) never count as a change.
"""

from __future__ import annotations

import json
from typing import Any

# Keys the service owns; a difference there is not a change driftplane makes.
IGNORED = {"provisioningState", "isEnabled", "id", "name", "type", "systemData"}


def differences(desired: Any, existing: Any, path: str = "", *, limit: int = 8) -> list[str]:
    """``key.path: existing -> desired`` for each difference, at most ``limit`` of them."""
    found: list[str] = []
    _walk(desired, existing, path, found)
    if len(found) > limit:
        return found[:limit] + [f"and {len(found) - limit} more"]
    return found


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _walk(desired: Any, existing: Any, path: str, found: list[str]) -> None:
    if isinstance(desired, dict) and isinstance(existing, dict):
        for key in sorted(set(desired) | set(existing)):
            if key in IGNORED:
                continue
            if key == "properties" and path == "properties" and not desired.get(key) and not existing.get(key):
                continue
            _walk(desired.get(key), existing.get(key), f"{path}.{key}" if path else key, found)
        return
    if _empty(desired) and _empty(existing):
        return
    if desired != existing:
        found.append(f"{path}: {_short(existing)} -> {_short(desired)}")


def _empty(value: Any) -> bool:
    return value is None or value == {} or value == []
