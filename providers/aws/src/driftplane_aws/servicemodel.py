"""Strict checks of a request against botocore's service model, before anything is sent.

botocore's own validation checks names, types, required keys and minimums only; SageMaker
then rejects a 64-character name, a bad enum or a pattern mismatch at apply time, half-way
through. This walks the operation's input shape and also checks enums, patterns (matched
whole, as AWS does), maximum lengths and value ranges, so ``validate`` and ``plan`` catch
what the service would refuse.
"""

from __future__ import annotations

import functools
import io
import re
from datetime import date, datetime
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

# Java's Unicode classes, which Python's re lacks, approximated by their ASCII-and-more cousins.
_JAVA_CLASSES = {r"\p{L}": r"\w", r"\p{N}": r"\d", r"\p{Z}": r"\s"}


@functools.cache
def service_model(service: str) -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)


@functools.cache
def _pattern(text: str) -> re.Pattern[str] | None:
    for java, python in _JAVA_CLASSES.items():
        text = text.replace(java, python)
    try:
        return re.compile(text, re.DOTALL)
    except re.error:
        return None  # a Java-only construct (surrogate ranges); the service checks it


def _path(parts: list[str]) -> str:
    out = ""
    for part in parts:
        out += part if part.startswith("[") else (f".{part}" if out else part)
    return out


class _Walker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, where: list[str], message: str) -> None:
        self.errors.append(f"{_path(where) or 'request'}: {message}")

    def walk(self, shape: Shape, value: Any, where: list[str]) -> None:
        kind = shape.type_name
        method = getattr(self, f"_{kind}", None)
        if method is not None:
            method(shape, value, where)

    def _bounds(self, shape: Shape, size: float, where: list[str], what: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and size < low:
            self.fail(where, f"{what} {size:g} is below the minimum {low}")
        if high is not None and size > high:
            self.fail(where, f"{what} {size:g} is above the maximum {high}")

    def _structure(self, shape: StructureShape, value: Any, where: list[str]) -> None:
        if not isinstance(value, dict):
            self.fail(where, f"expected a structure ({shape.name}), got {type(value).__name__}")
            return
        for name in shape.required_members:
            if name not in value:
                self.fail(where, f"missing required key '{name}'")
        for key, item in value.items():
            member = shape.members.get(key)
            if member is None:
                self.fail(where, f"unknown key '{key}' (known: {', '.join(shape.members)})")
                continue
            self.walk(member, item, [*where, key])
        if shape.metadata.get("union") and len(value) != 1:
            self.fail(where, f"takes exactly one of {', '.join(shape.members)}")

    def _list(self, shape: ListShape, value: Any, where: list[str]) -> None:
        if not isinstance(value, list | tuple):
            self.fail(where, f"expected a list, got {type(value).__name__}")
            return
        self._bounds(shape, len(value), where, "length")
        for index, item in enumerate(value):
            self.walk(shape.member, item, [*where, f"[{index}]"])

    def _map(self, shape: MapShape, value: Any, where: list[str]) -> None:
        if not isinstance(value, dict):
            self.fail(where, f"expected a map, got {type(value).__name__}")
            return
        self._bounds(shape, len(value), where, "number of entries")
        for key, item in value.items():
            self.walk(shape.key, key, [*where, f"[{key!r}] (key)"])
            self.walk(shape.value, item, [*where, f"[{key!r}]"])

    def _string(self, shape: Shape, value: Any, where: list[str]) -> None:
        if not isinstance(value, str):
            self.fail(where, f"expected a string, got {type(value).__name__}")
            return
        enum = shape.enum
        if enum and value not in enum:
            self.fail(where, f"'{value}' is not one of {', '.join(enum)}")
        self._bounds(shape, len(value), where, "length")
        pattern = shape.metadata.get("pattern")
        if pattern:
            compiled = _pattern(pattern)
            if compiled is not None and compiled.fullmatch(value) is None:
                self.fail(where, f"'{value}' does not match the pattern {pattern}")

    def _integer(self, shape: Shape, value: Any, where: list[str]) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, f"expected a whole number, got {value!r}")
            return
        self._bounds(shape, value, where, "value")

    _long = _integer

    def _double(self, shape: Shape, value: Any, where: list[str]) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(where, f"expected a number, got {value!r}")
            return
        self._bounds(shape, value, where, "value")

    _float = _double

    def _boolean(self, shape: Shape, value: Any, where: list[str]) -> None:
        if not isinstance(value, bool):
            self.fail(where, f"expected true or false, got {value!r}")

    def _blob(self, shape: Shape, value: Any, where: list[str]) -> None:
        if not isinstance(value, bytes | bytearray | str | io.IOBase):
            self.fail(where, f"expected bytes or text, got {type(value).__name__}")

    def _timestamp(self, shape: Shape, value: Any, where: list[str]) -> None:
        if not isinstance(value, datetime | date | str | int | float) or isinstance(value, bool):
            self.fail(where, f"expected a time, got {value!r}")


def request_problems(service: str, operation: str, params: dict[str, Any]) -> list[str]:
    """Everything the service model says is wrong with ``params``; empty when the request is valid."""
    shape = operation_model(service, operation).input_shape
    walker = _Walker()
    if shape is None:
        if params:
            walker.fail([], f"{operation} takes no parameters")
        return walker.errors
    walker.walk(shape, params, [])
    return walker.errors
