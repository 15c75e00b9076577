"""Arrow arrays and scalars from Python and numpy values, and numpy views of Arrow arrays.

pyarrow's own conversions go through its pandas compatibility layer: ``pa.array``,
``pa.scalar`` (also behind every compute call given a plain Python value, such as
``pc.fill_null(mask, False)``) and ``Array.to_numpy`` import pandas whenever it is
installed, to check whether the input is a pandas object. That import takes about half a
second per process, longer than all of ``driftplane compare`` on a thousand rows, and the
engine never holds pandas objects. So the engine builds arrays from Arrow buffers and reads
numbers through DLPack with these helpers (tests/core/cli/test_startup.py keeps ``compare``
free of pandas).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TICKS = {"s": timedelta(seconds=1), "ms": timedelta(milliseconds=1), "us": timedelta(microseconds=1)}


def to_numpy(array: pa.Array) -> np.ndarray:
    """The values of a number or boolean array without nulls, as numpy (a read-only view
    where Arrow's layout allows it)."""
    if array.null_count:
        raise ValueError(f"an array with {array.null_count} nulls has no numpy view; drop them first")
    if pa.types.is_boolean(array.type):
        return to_numpy(array.cast(pa.uint8())).astype(np.bool_)
    if len(array) == 0:
        return np.empty(0, dtype=_numpy_dtype(array.type))
    return np.from_dlpack(array)


def from_numpy(values: np.ndarray) -> pa.Array:
    """An Arrow array of a one-dimensional numpy array of numbers or booleans (no copy when
    the values are contiguous)."""
    values = np.ascontiguousarray(values)
    if values.dtype == np.bool_:
        buffer = pa.py_buffer(np.packbits(values, bitorder="little"))
        return pa.Array.from_buffers(pa.bool_(), len(values), [None, buffer])
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), [None, pa.py_buffer(values)])


def array(values: Sequence[Any], type: pa.DataType) -> pa.Array:
    """An Arrow array of ``type`` (text, a number, a boolean or a timestamp) from Python
    values, None for a missing one."""
    present = np.fromiter((v is not None for v in values), dtype=np.bool_, count=len(values))
    validity = None if present.all() else pa.py_buffer(np.packbits(present, bitorder="little"))
    if pa.types.is_string(type) or pa.types.is_large_string(type):
        encoded = [b"" if v is None else str(v).encode("utf-8") for v in values]
        width = np.int64 if pa.types.is_large_string(type) else np.int32
        offsets = np.zeros(len(encoded) + 1, dtype=width)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        buffers = [validity, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
        return pa.Array.from_buffers(type, len(values), buffers)
    if pa.types.is_boolean(type):
        data = np.packbits([bool(v) for v in values], bitorder="little")
    elif pa.types.is_timestamp(type):
        tick = _TICKS.get(type.unit)
        if tick is None:
            raise TypeError(f"timestamps in {type.unit} are not built here")
        data = np.array([0 if v is None else _since_epoch(v) // tick for v in values], dtype=np.int64)
    elif pa.types.is_integer(type) or pa.types.is_floating(type):
        data = np.array([0 if v is None else v for v in values], dtype=_numpy_dtype(type))
    else:
        raise TypeError(f"arrays of {type} are not built here")
    return pa.Array.from_buffers(type, len(values), [validity, pa.py_buffer(data)])


def empty_batch(schema: pa.Schema) -> pa.RecordBatch:
    """A batch with ``schema``'s columns and no rows."""
    return pa.RecordBatch.from_arrays([pa.nulls(0, field.type) for field in schema], schema=schema)


def scalar(value: Any, type: pa.DataType) -> pa.Scalar:
    """One Arrow value of ``type`` (see ``array``), for compute functions that compare with it."""
    return array([value], type)[0]


def _since_epoch(value: datetime) -> timedelta:
    """A datetime's distance from the epoch; a naive one is taken as UTC."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)) - _EPOCH


def _numpy_dtype(type: pa.DataType) -> np.dtype[Any]:
    if pa.types.is_boolean(type):
        return np.dtype(np.bool_)
    return np.dtype(type.to_pandas_dtype())


FALSE = scalar(False, pa.bool_())
ZERO = scalar(0, pa.int64())
EMPTY_TEXT = scalar("", pa.string())
NULL_TEXT = pa.nulls(1, pa.string())[0]
