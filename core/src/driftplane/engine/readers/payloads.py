"""Capture payloads in Python: CSV, JSON and JSON Lines bodies (or their base64) as rows of cells.

The capture reader's fast path handles plain CSV payloads with Arrow; everything else comes
here. A cell is ``(name, value)``: CSV values and JSON arrays have no name (they take the
baseline's column at their position), JSON objects name their values (nested objects as
dotted names). CSV values stay the text written (``readers/text.py`` decides numbers later).

JSON bodies come in the shapes model servers use. A request:

- ``{"instances": [...]}`` (TensorFlow Serving's row format, SageMaker's built-in algorithms),
  ``{"inputs": [...]}`` (the columnar format, Hugging Face), MLflow's
  ``{"dataframe_records": [...]}`` and ``{"dataframe_split": {"columns": [...], "data": [...]}}``:
  a batch, one row per element; an element is a value (one column), an array of values, an
  object (named values) or ``{"features": [...]}``; ``"inputs"`` may also map names to equal-
  length arrays (one per column) or hold a single value. Other keys beside these (such as
  ``signature_name`` or ``parameters``) are request options and are not columns.
- ``[...]`` alone: one row when it holds values, one row per element when it holds arrays or
  objects; ``{"features": [...]}`` likewise; any other object is one row of named values; a
  bare value is one row of one column.

A response: ``{"predictions": [...]}`` or ``{"outputs": [...]}`` (one element per request row),
or the same bare shapes. Anything else (a tensor per row, arrays of different lengths, a list
mixing values and arrays) raises ``Unreadable`` saying which shape could not be read.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
from typing import Any

# A value in a payload: a position (None) or a key, and the value.
Cell = tuple[str | None, Any]
Row = list[Cell]

REQUEST_KEYS = ("instances", "inputs", "dataframe_records", "dataframe_split")
RESPONSE_KEYS = ("predictions", "outputs")
ROW_KEYS = ("features",)  # {"features": [...]}: one row's values (SageMaker's built-in algorithms)


class Unreadable(Exception):
    """A payload that cannot become columns (an image, a tensor, broken base64): the reason."""


def payload_kind(encoding: str | None, content_type: str | None) -> str | None:
    """"csv", "json" or "jsonlines" by encoding, else (BASE64) by content type; None if unreadable."""
    enc = (encoding or "").upper()
    kind = (content_type or "").lower()
    if enc == "CSV":
        return "csv"
    if enc == "JSON":
        return "jsonlines" if "jsonl" in kind else "json"
    if "csv" in kind:
        return "csv"
    if "jsonl" in kind:
        return "jsonlines"
    if "json" in kind:
        return "json"
    return None


def unreadable_type(content_type: str | None, encoding: str | None) -> str:
    return (
        f"payload with content type {content_type or 'unknown'} and encoding {encoding or 'unknown'} "
        "cannot be read as columns"
    )


def payload_text(data: str, encoding: str | None) -> str:
    """The payload as text: base64 decoded, anything else as it is."""
    return b64_text(data) if (encoding or "").upper() == "BASE64" else data


def b64_text(data: Any) -> str:
    try:
        return base64.b64decode(str(data), validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Unreadable("base64 payload does not decode to UTF-8 text") from None


def decode_payload(data: Any, encoding: str | None, content_type: str | None, *, side: str) -> tuple[list[Row], bool]:
    """A payload as rows of cells, and whether it was CSV (whose values are text as written).

    side: "endpointInput" or "endpointOutput", which says how a JSON body is laid out.
    """
    kind = payload_kind(encoding, content_type)
    if kind is None:
        raise Unreadable(unreadable_type(content_type, encoding))
    if (encoding or "").upper() == "BASE64":
        data = b64_text(data)
    if kind == "csv":
        text = data if isinstance(data, str) else json.dumps(data)
        rows = csv.reader(io.StringIO(text.strip("\r\n")))
        return [[(None, value if value != "" else None) for value in row] for row in rows if row], True
    if not isinstance(data, str):
        return json_rows(data, side=side), False
    if kind == "jsonlines":
        out: list[Row] = []
        for line in data.splitlines():
            if line.strip():
                out.extend(json_rows(_loads(line, side), side=side))
        return out, False
    return json_rows(_loads(data, side), side=side), False


def _loads(text: str, side: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unreadable(f"{side} JSON payload is not valid JSON ({exc.msg})") from None


def json_rows(value: Any, *, side: str = "endpointInput") -> list[Row]:
    """The rows of a JSON body in one of the shapes the module docstring lists."""
    keys = REQUEST_KEYS if side == "endpointInput" else RESPONSE_KEYS
    if isinstance(value, dict):
        for key in keys:
            if key in value:
                return _batch(value[key], key, side)
        for key in ROW_KEYS:
            if set(value) == {key}:
                return json_rows(value[key], side=side)
        return [_keyed(value)]
    if isinstance(value, list):
        if not value:
            return []
        if all(not isinstance(v, list | dict) for v in value):
            return [_positional(value)]  # one instance's values
        if all(isinstance(v, list | dict) for v in value):
            return [_instance(v, k, side) for k, v in enumerate(value, start=1)]
        raise Unreadable(f"{side} is a JSON array mixing values with arrays or objects; it cannot be read as rows")
    return [[(None, value)]]


def _batch(items: Any, key: str, side: str) -> list[Row]:
    """The rows of ``{key: items}``: a batch of instances (or of predictions)."""
    where = f'{side} "{key}"'
    if key == "dataframe_split":
        if (
            not isinstance(items, dict)
            or not isinstance(items.get("data"), list)
            or not isinstance(items.get("columns"), list)
        ):
            raise Unreadable(f'{where} needs "columns" and "data" arrays')
        columns = [str(c) for c in items["columns"]]
        rows: list[Row] = []
        for k, row in enumerate(items["data"], start=1):
            if not isinstance(row, list) or len(row) != len(columns):
                raise Unreadable(f"{where}: row {k} does not have the {len(columns)} values the columns name")
            rows.append([(str(name), _scalar(v)) for name, v in zip(columns, row, strict=True)])
        return rows
    if isinstance(items, list):
        return [_instance(item, k, side, where) for k, item in enumerate(items, start=1)]
    if isinstance(items, dict):
        return _columnar(items, where)
    return [[(None, items)]]  # {"inputs": "a sentence"}: one row of one value


def _instance(item: Any, number: int, side: str, where: str | None = None) -> Row:
    """One element of a batch as one row."""
    where = where or side
    if isinstance(item, dict):
        for key in ROW_KEYS:
            if set(item) == {key}:
                return _instance(item[key], number, side, f'{where} "{key}"')
        return _keyed(item)
    if isinstance(item, list):
        if item and all(isinstance(v, list) for v in item):
            raise Unreadable(
                f"{where}: element {number} is an array of arrays (a tensor), not one row of values; "
                "only flat rows can be matched to columns"
            )
        return _positional(item)
    return [(None, item)]


def _columnar(columns: dict[str, Any], where: str) -> list[Row]:
    """``{"a": [1, 2], "b": [3, 4]}``: a column per name, a row per position; values only: one row."""
    if not any(isinstance(v, list) for v in columns.values()):
        return [_keyed(columns)]
    lengths = {len(v) if isinstance(v, list) else -1 for v in columns.values()}
    if len(lengths) != 1 or -1 in lengths:
        raise Unreadable(
            f"{where} maps names to arrays of different lengths (or to single values); it cannot be read as rows"
        )
    size = lengths.pop()
    return [[(str(name), _scalar(values[k])) for name, values in columns.items()] for k in range(size)]


def _positional(values: list[Any]) -> Row:
    return [(None, _scalar(v)) for v in values]


def _keyed(obj: dict[str, Any], prefix: str = "") -> Row:
    cells: Row = []
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            cells.extend(_keyed(value, prefix=f"{name}."))
        else:
            cells.append((name, _scalar(value)))
    return cells


def _scalar(value: Any) -> Any:
    """A cell's value: nested arrays and objects are kept as their JSON text."""
    return json.dumps(value, separators=(",", ":")) if isinstance(value, list | dict) else value


def match_outputs(outputs: list[Row], n_inputs: int) -> list[Row] | None:
    """Output rows lined up with ``n_inputs`` input rows, or None when they cannot be.

    One row of n values for n inputs is one value each (a bare array of predictions); n
    single values for one input are that input's values (class probabilities).
    """
    if not outputs:
        return []
    if len(outputs) == n_inputs:
        return outputs
    if n_inputs == 1 and all(len(row) == 1 and row[0][0] is None for row in outputs):
        return [[cell for row in outputs for cell in row]]
    if len(outputs) == 1 and n_inputs > 1 and len(outputs[0]) == n_inputs:
        return [[cell] for cell in outputs[0]]
    return None
