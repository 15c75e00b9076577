"""Turn a column of times, whatever its type, into timestamp[us, tz=UTC].

Windows compare in UTC. Data arrives with times as Arrow timestamps (with or without a zone),
dates, ISO 8601 strings (``2022-04-18T00:21:48Z``, ``2022-04-18 00:21:48``) or epoch
numbers; all of them become one type so the window filter is a single vectorised compare.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from driftplane.engine.arrays import array, scalar
from driftplane.errors import DataError

UTC_US = pa.timestamp("us", tz="UTC")
# Epoch numbers: below 1e11 are seconds (until year 5138), below 1e14 milliseconds, else microseconds.
_EPOCH_SECONDS_LIMIT = 1e11
_EPOCH_MILLIS_LIMIT = 1e14


def to_utc(values: pa.Array | pa.ChunkedArray, *, column: str, where: str) -> pa.Array:
    """``values`` as timestamp[us, tz=UTC]; naive times are taken as UTC.

    Raises DataError naming the column, the file and a value that is not a time.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    kind = values.type
    if pa.types.is_timestamp(kind):
        if kind.tz is None:
            values = pc.cast(values, pa.timestamp("us"))
            return pc.cast(values, UTC_US)  # a naive timestamp cast to a zoned one is read as UTC
        return pc.cast(values, UTC_US)
    if pa.types.is_date(kind):
        return pc.cast(pc.cast(values, pa.timestamp("us")), UTC_US)
    if pa.types.is_null(kind):
        return pa.nulls(len(values), UTC_US)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return _parse_strings(values, column=column, where=where)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return _from_epoch(values)
    raise DataError(
        f"{where}: timestamp column '{column}' has type {kind}, which is not a time; "
        "use ISO 8601 text, a timestamp, a date or epoch seconds"
    )


def _parse_strings(values: pa.Array, *, column: str, where: str) -> pa.Array:
    """ISO 8601 text with or without an offset; each form tried as a whole array first."""
    for target in (UTC_US, pa.timestamp("us")):
        try:
            return pc.cast(pc.cast(values, target), UTC_US)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    # Mixed forms in one batch (some with offsets, some without): value by value.
    micros = []
    for text in values.to_pylist():
        micros.append(None if text is None or text == "" else _parse_one(text, column=column, where=where))
    return pc.cast(array(micros, pa.int64()), UTC_US)


def _parse_one(text: str, *, column: str, where: str) -> int:
    """One time as microseconds since the epoch."""
    for target in (UTC_US, pa.timestamp("us")):
        try:
            parsed = pc.cast(pc.cast(array([text], pa.string()), target), UTC_US)
            return int(pc.cast(parsed, pa.int64())[0].as_py())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    raise DataError(
        f"{where}: timestamp column '{column}' has the value {text!r}, which is not a time; "
        "use ISO 8601 such as 2026-01-05T10:00:00Z"
    )


def _from_epoch(values: pa.Array) -> pa.Array:
    """Epoch seconds, milliseconds or microseconds, told apart by magnitude."""
    as_float = pc.cast(values, pa.float64())
    largest = pc.max(pc.abs(as_float)).as_py()
    if largest is None:
        return pa.nulls(len(values), UTC_US)
    scale = 1_000_000 if largest < _EPOCH_SECONDS_LIMIT else 1_000 if largest < _EPOCH_MILLIS_LIMIT else 1
    micros = pc.cast(pc.round(pc.multiply(as_float, scalar(float(scale), pa.float64()))), pa.int64())
    return pc.cast(micros, UTC_US)
