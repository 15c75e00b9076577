"""What differs between what a provider wants and what exists, attribute by attribute.

Providers compare the request body they would send with what the cloud answers. A plan
shows each changed attribute as ``old -> new`` (as Terraform does), so the comparison
yields the path and both values, not just whether something differs. Each cloud answers
in its own way (numbers as strings, fields it fills in itself), so the caller says what
counts as equal and which keys to look at.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from driftplane.provider import AttributeChange

Same = Callable[[Any, Any], bool]


def _equal(desired: Any, existing: Any) -> bool:
    return bool(desired == existing)


def is_empty(value: Any) -> bool:
    """None, {} and []: an attribute set to nothing is the same as one not set."""
    return value is None or value == {} or value == []


def attribute_changes(
    desired: Any,
    existing: Any,
    *,
    path: str = "",
    same: Same = _equal,
    subset: bool = True,
    ignore_keys: Collection[str] = (),
    ignore_paths: Collection[str] = (),
    per_item: bool = True,
) -> list[AttributeChange]:
    """Each attribute whose value differs, with what exists (old) and what is wanted (new).

    subset=True looks only at the keys ``desired`` has (the cloud adds its own fields);
    subset=False also reports keys only ``existing`` has. Dicts are compared key by key,
    lists of equal length item by item (per_item=False: each list as one attribute);
    anything else (and lists of another length) is one attribute. Empty values on both
    sides are equal (see ``is_empty``).
    """
    found: list[AttributeChange] = []
    walk = _Walk(same, subset, frozenset(ignore_keys), frozenset(ignore_paths), per_item)
    walk(desired, existing, path, found)
    return found


class _Walk:
    """The comparison's settings, and the walk down both values."""

    def __init__(
        self, same: Same, subset: bool, ignore_keys: frozenset[str], ignore_paths: frozenset[str], per_item: bool
    ) -> None:
        self.same = same
        self.subset = subset
        self.ignore_keys = ignore_keys
        self.ignore_paths = ignore_paths
        self.per_item = per_item

    def __call__(self, desired: Any, existing: Any, path: str, found: list[AttributeChange]) -> None:
        if path in self.ignore_paths:
            return
        if isinstance(desired, dict) and isinstance(existing, dict):
            keys = list(desired) if self.subset else sorted(set(desired) | set(existing), key=str)
            for key in keys:
                if key not in self.ignore_keys:
                    self(desired.get(key), existing.get(key), f"{path}.{key}" if path else str(key), found)
            return
        lists = isinstance(desired, list) and isinstance(existing, list)
        if lists and self.per_item and len(desired) == len(existing):
            for index, (want, have) in enumerate(zip(desired, existing, strict=True)):
                self(want, have, f"{path}[{index}]", found)
            return
        if is_empty(desired) and is_empty(existing):
            return
        if desired is None or existing is None or not self.same(desired, existing):
            found.append(AttributeChange(path=path, old=existing, new=desired))
