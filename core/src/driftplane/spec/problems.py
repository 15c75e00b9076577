"""Turn pydantic's validation errors into Problems a person can act on.

pydantic reports ``('monitors', 'churn', 'schedul')`` and "Extra inputs are not permitted";
a user needs ``monitors.churn.schedul: unknown key 'schedul'; did you mean 'schedule'?`` at
the right line. This module rewrites messages, drops the internal union-branch segments
pydantic puts in error locations, and locates each problem in the source when there is one.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from driftplane.errors import Problem
from driftplane.spec.names import shown

Path = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Where each value of a loaded YAML file sits: path -> (line, column), both 1-based.

    ``replaced`` holds the paths whose value the reader had to replace because it already
    reported a problem there (an unset ``${VAR}``, a forbidden tag): validation errors at or
    below them would only repeat that problem, so they are not reported.

    ``unset`` holds the paths of values that named an unset environment variable: under the
    settings of a provider not in use they are not an error (CI runs a cloud's spec on the
    local provider without that cloud's secrets), and ``unchecked`` then names those
    providers with why their settings could not be checked.
    """

    file: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    replaced: set[Path] = field(default_factory=set)
    unset: set[Path] = field(default_factory=set)
    unchecked: dict[str, str] = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int] | None:
        """The position of ``path`` (its key if asked and known), else its nearest ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        probe = path
        while True:
            if probe in self.values:
                return self.values[probe]
            if not probe:
                return None
            probe = probe[:-1]

    def problem(self, path: Path, message: str, *, key: bool = False) -> Problem:
        """A Problem at ``path`` with this file's line and column."""
        where = self.locate(path, key=key)
        line, column = where if where else (None, None)
        return Problem(path=path, message=message, file=self.file, line=line, column=column)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``; did you mean 'x'?`` when a close candidate exists, else an empty string."""
    matches = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=1, cutoff=0.6)
    return f"; did you mean '{matches[0]}'?" if matches else ""


def suggest_then(message: str, word: str, candidates: Iterable[str], then: str) -> str:
    """``message``, a 'did you mean' when one fits, then ``then``, punctuated to read right.

    ``"no monitor named 'chrn'; did you mean 'churn'? The spec has: churn"`` with a
    suggestion, ``"no monitor named 'x'; the spec has: churn"`` without one (never '?;').
    """
    hint = did_you_mean(word, candidates)
    if hint:
        return f"{message}{hint} {then[:1].upper()}{then[1:]}"
    return f"{message}; {then}"


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return shown(value)
    return repr(value)


_TYPE_WORDS = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping (key: value lines)",
    "list_type": "a list",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "datetime_type": "a date and time such as 2026-01-31T00:00:00Z",
    "datetime_parsing": "a date and time such as 2026-01-31T00:00:00Z",
    "datetime_from_date_parsing": "a date and time such as 2026-01-31T00:00:00Z",
}


def _unwrap(tp: Any) -> list[Any]:
    """The concrete types behind Optional/Union/Annotated."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin is typing.Union or origin is types.UnionType:
        out: list[Any] = []
        for arg in typing.get_args(tp):
            if arg is not type(None):
                out.extend(_unwrap(arg))
        return out
    return [tp]


def model_at(model: type[BaseModel], path: Path) -> type[BaseModel] | None:
    """The spec model that sits at ``path`` under ``model``, if the path leads to one."""
    current: list[Any] = [model]
    for segment in path:
        following: list[Any] = []
        for tp in current:
            origin = typing.get_origin(tp)
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                info = tp.model_fields.get(str(segment))
                if info is not None:
                    following.extend(_unwrap(info.annotation))
            elif origin in (dict, Mapping) or tp is dict:
                args = typing.get_args(tp)
                if args:
                    following.extend(_unwrap(args[1]))
            elif origin in (list, tuple) and isinstance(segment, int):
                args = typing.get_args(tp)
                if args:
                    following.extend(_unwrap(args[0]))
        current = following
        if not current:
            return None
    for tp in current:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return tp
    return None


_SCALAR_TAGS = {"str", "int", "float", "bool", "bytes", "none", "nullable", "chain", "json-or-python", "lax-or-strict"}


def _looks_like_tag(segment: Any) -> bool:
    """pydantic's names for union branches: 'str', 'FixedWindow', 'function-plain[parse()]'."""
    if not isinstance(segment, str):
        return False
    return "[" in segment or "(" in segment or segment[:1].isupper() or segment in _SCALAR_TAGS


def _walk_input(data: Any, loc: tuple[Any, ...]) -> tuple[Path, Any, bool]:
    """Follow ``loc`` through the input, dropping pydantic's union-branch segments.

    Returns the cleaned path, the input value found there, and whether the whole path
    exists in the input (it does not for a missing key).
    """
    cleaned: list[str | int] = []
    value = data
    exists = True
    for index, segment in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(value, BaseModel):
            value = value.model_dump(exclude_unset=True) | (value.model_extra or {})
        if (isinstance(value, Mapping) and segment in value) or (
            isinstance(value, list | tuple) and isinstance(segment, int) and segment < len(value)
        ):
            cleaned.append(segment)
            value = value[segment]
        elif _looks_like_tag(segment) or (not isinstance(value, Mapping) and not last):
            continue  # a union-branch tag such as 'FixedWindow' or 'function-plain[parse()]'
        elif last:
            cleaned.append(segment)
            exists = False
            value = None
    return tuple(cleaned), value, exists


def _message(error: Mapping[str, Any], value: Any, parent_model: type[BaseModel] | None) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    loc = error["loc"]
    if kind == "extra_forbidden":
        key = loc[-1]
        candidates = list(parent_model.model_fields) if parent_model else []
        hint = did_you_mean(key, candidates)
        if not hint and candidates:
            hint = f"; valid keys here: {', '.join(candidates)}"
        return f"unknown key {shown(str(key))}{hint}"
    if kind == "missing":
        key = loc[-1]
        hints: Mapping[str, str] = getattr(parent_model, "REQUIRED_HINTS", {}) if parent_model else {}
        extra = f": {hints[key]}" if key in hints else ""
        return f"'{key}' is missing{extra}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        options = [o.strip().strip("'") for o in expected.replace(" or ", ", ").split(",") if o.strip()]
        hint = did_you_mean(str(value), options)
        return f"{_describe(value)} is not one of {', '.join(options)}{hint}"
    if kind in ("value_error", "assertion_error"):
        msg = str(error["msg"])
        for prefix in ("Value error, ", "Assertion failed, "):
            if msg.startswith(prefix):
                msg = msg[len(prefix):]
        return msg
    if kind == "finite_number":
        return (
            f"expected a finite number, got {_describe(value)} (.inf, -.inf and .nan are not accepted: a bound "
            "of them never holds or never fails); write a number, or remove the key for its default"
        )
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}, got {_describe(value)}"
    bounds = {
        "greater_than": ("greater than", "gt"),
        "greater_than_equal": ("at least", "ge"),
        "less_than": ("less than", "lt"),
        "less_than_equal": ("at most", "le"),
    }
    if kind in bounds:
        word, key = bounds[kind]
        return f"must be {word} {ctx.get(key)}, got {_describe(value)}"
    if kind == "too_short":
        if ctx.get("min_length") == 1:
            return "must not be empty"
        return f"needs at least {ctx.get('min_length')} items"
    if kind in ("string_too_short", "string_too_long"):
        return str(error["msg"]).replace("String should", "must")
    return str(error["msg"])


def problems_from_validation_error(
    exc: ValidationError,
    *,
    model: type[BaseModel],
    data: Any = None,
    source: SourceMap | None = None,
    prefix: Path = (),
) -> list[Problem]:
    """One Problem per distinct location, with friendly messages and source positions."""
    if data is None:
        # Built in code: errors carry the input; rebuild what we can for path cleaning.
        data = {}
    chosen: dict[Path, tuple[Mapping[str, Any], Any, bool]] = {}
    ranks: dict[Path, tuple[int, int]] = {}
    for detail in exc.errors(include_url=False):
        error: Mapping[str, Any] = detail
        path, value, exists = _walk_input(data, tuple(error["loc"]))
        if not exists and "input" in error and error["type"] != "missing":
            value = error["input"]
        if error["type"] in ("extra_forbidden",):
            value = error.get("input")
        # Several union branches fail at one path; keep the one that matches the input's
        # shape: for a mapping, errors inside the model branch; for a scalar, not "expected
        # a mapping".
        mapping_error = error["type"] in ("model_type", "dict_type", "model_attributes_type")
        model_branch = any(
            _looks_like_tag(seg) and re.search(r"\b[A-Z]\w*", str(seg)) for seg in error["loc"]
        )
        if isinstance(value, Mapping):
            rank = (0 if model_branch or len(error["loc"]) > len(path) + 1 else 1, 0)
        else:
            rank = (1 if mapping_error else 0, len(error["loc"]))
        if path not in ranks or rank < ranks[path]:
            ranks[path] = rank
            chosen[path] = (error, value, exists)
    problems: list[Problem] = []
    for path, (error, value, _exists) in chosen.items():
        parent = model_at(model, path[:-1]) if path else model
        message = _message(error, value, parent)
        full = prefix + path
        if source is not None:
            if error["type"] == "missing" and full[:-1] in source.keys:
                problems.append(source.problem(full[:-1], message, key=True))
                problems[-1] = Problem(full, message, problems[-1].file, problems[-1].line, problems[-1].column)
            else:
                # A mapping key that breaks a rule (a monitor name) is located at the key itself.
                at_key = error["type"] == "extra_forbidden" or tuple(error["loc"][-1:]) == ("[key]",)
                problems.append(source.problem(full, message, key=at_key))
        else:
            problems.append(Problem(path=full, message=message))
    return problems
