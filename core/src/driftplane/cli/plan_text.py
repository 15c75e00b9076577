"""A plan as text a platform engineer reviews in a pull request, laid out as Terraform's.

Each resource to create is shown with the attributes of its request (nested bodies
indented, JSON held in strings shown as JSON); each update with only the attributes that
change, ``old -> new``; each delete by name and why. Resources that already match are one
count. Bodies larger than ``LARGE_BODY`` bytes (a baseline's statistics.json) are shown by
size and sha256 unless ``show_bodies``; ``plan --json`` always holds them whole.

The lines are plain text printed without wrapping, so piped output (a CI log) keeps every
line whole at any width.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from driftplane.provider import AttributeChange, Change, Plan

# Strings longer than this (in UTF-8 bytes) are shown by size and digest unless asked for.
LARGE_BODY = 4096
# A list of plain values shorter than this, written on one line, stays on one line.
INLINE_LIST = 100
INDENT = "    "
SYMBOL = {"create": "+", "update": "~", "delete": "-"}
WILL = {"create": "will be created", "update": "will be updated in place", "delete": "will be destroyed"}
DONE = {"create": "created", "update": "updated", "delete": "destroyed"}


def plan_lines(plan: Plan, *, show_bodies: bool = False, done: bool = False) -> list[str]:
    """The whole text: each change, notes on what is not changed for a reason, the unchanged count
    and the summary line.

    ``done`` renders what apply or destroy did: one line per change, no bodies.
    """
    lines: list[str] = []
    changes = [c for c in plan.changes if c.action != "noop"]
    noted = [c for c in plan.changes if c.action == "noop" and c.reason]
    unchanged = plan.unchanged
    if not changes:
        lines.append(f"{plan.provider} ({plan.backend}): nothing to do; everything matches the spec.")
    else:
        lines.append(f"{'Done on' if done else 'Plan for'} {plan.provider} ({plan.backend}):")
        for change in changes:
            lines.append("")
            lines.extend(_done_lines(change) if done else _change_lines(change, show_bodies=show_bodies))
    for change in noted:
        lines.append("")
        name = _quoted(change.shown_name)
        lines.append(f"  # {change.kind} {name} (monitor {change.monitor}): {change.reason}")
    if unchanged:
        kinds = Counter(c.kind for c in unchanged)
        detail = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        lines.append("")
        lines.append(f"{len(unchanged)} unchanged ({detail}).")
    if changes:
        counts = plan.counts()
        lines.append("")
        if done:
            lines.append(f"Done: {counts['create']} added, {counts['update']} changed, {counts['delete']} destroyed.")
        else:
            lines.append(
                f"Plan: {counts['create']} to add, {counts['update']} to change, {counts['delete']} to destroy."
            )
    return lines


def print_lines(lines: list[str], out: Console) -> None:
    """Each line as it is: no markup, no highlighting, never wrapped or cut at the console's width."""
    for line in lines:
        out.print(line, markup=False, highlight=False, soft_wrap=True, crop=False, emoji=False)


def _quoted(name: str) -> str:
    return json.dumps(name, ensure_ascii=False)


def _done_lines(change: Change) -> list[str]:
    line = f"  {SYMBOL[change.action]} {change.kind} {_quoted(change.shown_name)} {DONE[change.action]}"
    return [f"{line} (monitor {change.monitor})"]


def _change_lines(change: Change, *, show_bodies: bool) -> list[str]:
    action = change.action
    head = f"  # {change.kind} {_quoted(change.shown_name)} {WILL[action]} (monitor {change.monitor})"
    lines = [head]
    if change.display_name and change.display_name != change.name:
        lines.append(f"  #   id {change.name}")
    if change.reason and not (action == "update" and change.changed):
        lines.append(f"  #   why: {change.reason}")
    opening = f"  {SYMBOL[action]} {change.kind} {_quoted(change.shown_name)}"
    if action == "delete":
        return [*lines, opening]
    body: list[str] = []
    if action == "update" and change.changed:
        body = list(_updated(change.changed, show_bodies=show_bodies))
    elif change.request is not None and change.request.body:
        body = list(_block(change.request.body, "+" if action == "create" else "~", 1, show_bodies))
    if not body:
        return [*lines, opening]
    return [*lines, opening + " {", *(f"  {line}" if line else "" for line in body), "    }"]


def _updated(changed: list[AttributeChange], *, show_bodies: bool) -> Iterator[str]:
    width = max(len(item.path) for item in changed)
    for item in changed:
        old = _inline(item.old, show_bodies)
        new = _inline(item.new, show_bodies)
        if item.old is None:
            yield f"{INDENT}+ {item.path.ljust(width)} = {new}"
        elif item.new is None:
            yield f"{INDENT}- {item.path.ljust(width)} = {old} -> null"
        else:
            yield f"{INDENT}~ {item.path.ljust(width)} = {old} -> {new}"


def _inline(value: Any, show_bodies: bool) -> str:
    """One value on one line: large strings by size and digest, structures as compact JSON."""
    if isinstance(value, str):
        large = _large(value, show_bodies)
        return large or json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _large(text: str, show_bodies: bool) -> str | None:
    """``(625.1 KiB, sha256 ...)`` for a string above LARGE_BODY bytes, unless bodies are shown."""
    data = text.encode("utf-8")
    if show_bodies or len(data) <= LARGE_BODY:
        return None
    return f"({_size(len(data))}, sha256 {hashlib.sha256(data).hexdigest()}; --show-bodies shows it)"


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KiB"
    return f"{count / 1024 / 1024:.1f} MiB"


def _json_inside(text: str) -> Any:
    """The object or list a string holds as JSON (a scheduler's Input, a policy document), else None."""
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[":
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    return value if isinstance(value, dict | list) and value else None


def _block(body: dict[str, Any], sign: str, depth: int, show_bodies: bool) -> Iterator[str]:
    """``sign key = value`` for each key of a mapping, keys aligned, nested values indented."""
    pad = INDENT * depth
    width = max((len(str(key)) for key in body), default=0)
    for key, value in body.items():
        yield from _attribute(f"{pad}{sign} {str(key).ljust(width)} = ", value, sign, depth, show_bodies)


def _attribute(prefix: str, value: Any, sign: str, depth: int, show_bodies: bool) -> Iterator[str]:
    pad = INDENT * depth
    if isinstance(value, str):
        large = _large(value, show_bodies)
        if large:
            yield prefix + large
            return
        inside = _json_inside(value)
        if inside is not None:
            opening, closing = ("{", "}") if isinstance(inside, dict) else ("[", "]")
            yield f"{prefix}jsonencode({opening}"
            yield from _contents(inside, sign, depth + 1, show_bodies)
            yield f"{pad}  {closing})"
            return
        if "\n" in value:
            yield prefix + "<<-EOT"
            for line in value.rstrip("\n").split("\n"):
                yield f"{pad}{INDENT}  {line}" if line else ""
            yield f"{pad}  EOT"
            return
    if isinstance(value, dict) and value:
        yield prefix + "{"
        yield from _contents(value, sign, depth + 1, show_bodies)
        yield f"{pad}  }}"
        return
    if isinstance(value, list) and value:
        plain = all(not isinstance(item, dict | list) for item in value)
        text = _inline(value, show_bodies) if plain else ""
        if plain and len(text) <= INLINE_LIST:
            yield prefix + text
            return
        yield prefix + "["
        yield from _contents(value, sign, depth + 1, show_bodies)
        yield f"{pad}  ]"
        return
    yield prefix + _inline(value, show_bodies)


def _contents(value: dict[str, Any] | list[Any], sign: str, depth: int, show_bodies: bool) -> Iterator[str]:
    if isinstance(value, dict):
        yield from _block(value, sign, depth, show_bodies)
        return
    pad = INDENT * depth
    for item in value:
        lines = list(_attribute(f"{pad}{sign} ", item, sign, depth, show_bodies))
        lines[-1] += ","
        yield from lines
