"""Small Arrow helpers shared by the JSON-based readers.

Rows parsed in Python (the slow path, taken only for malformed or mixed-type lines) become
Arrow tables here. A column whose values mix numbers and text is delivered as text, value by
value (``1`` -> ``"1"``), so nothing is lost and the profile can still count each value's
type; pyarrow alone would refuse the whole column.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from driftplane.engine.arrays import array


def table_from_rows(rows: Sequence[dict[str, Any]]) -> pa.Table:
    """A table from dict rows: columns in first-seen order, missing keys null, mixed types as text."""
    names: dict[str, None] = {}
    for row in rows:
        for key in row:
            names.setdefault(key, None)
    columns = {name: [row.get(name) for row in rows] for name in names}
    arrays = [_column(values) for values in columns.values()]
    return pa.Table.from_arrays(arrays, names=list(columns)) if arrays else pa.table({})


def _column(values: list[Any]) -> pa.Array:
    try:
        return pa.array(values, from_pandas=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return array([None if v is None else _as_text(v) for v in values], pa.string())


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def flatten_structs(table: pa.Table) -> pa.Table:
    """Nested objects become dotted columns (``user.age``), as a profile needs flat columns."""
    while any(pa.types.is_struct(t) for t in table.schema.types):
        table = table.flatten()
    return table


def align_columns(table: pa.Table, known: list[str]) -> pa.Table:
    """Columns in the order first seen in the file; absent ones null; new ones appended to ``known``."""
    present = set(table.column_names)
    for name in table.column_names:
        if name not in known:
            known.append(name)
    if table.column_names == known:
        return table
    arrays = [
        table.column(name) if name in present else pa.nulls(table.num_rows) for name in known
    ]
    return pa.Table.from_arrays(arrays, names=list(known))


def repeat_each(values: pa.Array, counts: Iterable[int]) -> pa.Array:
    """Each value repeated ``counts[i]`` times (a record's time for each of its rows)."""
    counts_array = array(list(counts), pa.int64())
    if len(counts_array) == 0:
        return values.slice(0, 0)
    indices = pc.list_parent_indices(
        pa.ListArray.from_arrays(_offsets(counts_array), pa.nulls(pc.sum(counts_array).as_py() or 0))
    )
    return values.take(indices)


def _offsets(counts: pa.Array) -> pa.Array:
    cumulative = pc.cumulative_sum(counts)
    return pa.concat_arrays([array([0], pa.int64()), cumulative]).cast(pa.int32())
