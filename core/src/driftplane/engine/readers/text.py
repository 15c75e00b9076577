"""Text values as written: CSV fields stay text unless a number type holds them exactly.

SageMaker's analyzer reads CSV as text and types each value with Deequ's patterns
(``engine/types.py``): ``2024-10-27T17:39:31Z`` stays that string, ``True`` is a String (only
``true``/``false`` are Boolean), ``1e5`` and ``NaN`` are Strings, ``007`` is the Integral 7.
pyarrow's CSV type inference would instead turn such text into timestamps, dates, times,
booleans, nulls or floats, and a value read back from those is not the text the file holds
(``2024-10-27 17:39:31Z``): a SageMaker baseline of a file then disagrees with the same file.

So every field is parsed as text, and a column (of one chunk) becomes a number type only
when that changes nothing the profile can see, which also keeps numbers fast:

- int64 when every value is an integer written the canonical way (``-12``, not ``007``,
  ``+5`` or ``-0``): reading it back gives the same text, and Deequ calls each Integral;
- float64 when every value is a plain decimal with a point (``3.25``, ``-.5``, ``1.``): Deequ
  calls each Fractional and reads the same number. No exponents, ``inf`` or ``nan``;
- otherwise the column stays text, and the profile types and parses each value as SageMaker
  does (a column mixing ``3`` and ``3.5`` counts the first as Integral, as SageMaker does).

Only the empty field is missing; ``NA``, ``null`` and ``NaN`` are text, as they are to SageMaker.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from driftplane.engine.arrays import ZERO
from driftplane.engine.types import classify_text

_LETTER = 0x41  # "A": every byte at or above it is a letter or beyond (exponents, inf, nan)


def is_text(data_type: pa.DataType) -> bool:
    return pa.types.is_string(data_type) or pa.types.is_large_string(data_type)


def narrow_text(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """``values`` as int64 or float64 when that type holds every value exactly, else unchanged.

    The checks are vectorised and cheap (no regular expressions): this runs on every text
    column of every CSV chunk.
    """
    if not is_text(values.type) or values.null_count == len(values):
        return values
    if _has_letters(values):
        return values  # words, booleans, times with T or Z, 1e5, nan, inf: Strings to SageMaker
    points = pc.match_substring(values, ".")
    if _all(points):
        try:
            return pc.cast(values, pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return values  # 1.2.3, 2024-10-27 17:39:31.5: not a number
    if pc.any(points).as_py():
        return values  # whole numbers beside decimals: the profile counts each as written
    try:
        integers = pc.cast(values, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return values  # 2024-10-27, 17:39, beyond int64
    return integers if _canonical_integers(values, integers) else values


def _canonical_integers(values: pa.Array | pa.ChunkedArray, integers: pa.Array | pa.ChunkedArray) -> bool:
    """True when each integer is written as int64 writes it back: no ``+``, no leading zeros, no ``-0``."""
    if pc.any(pc.starts_with(values, "+")).as_py():
        return False
    if not pc.any(pc.or_(pc.starts_with(values, "0"), pc.starts_with(values, "-0"))).as_py():
        return True
    return _all(pc.equal(pc.cast(integers, pa.string()), values))  # zeros: compare the text exactly


def _has_letters(values: pa.Array | pa.ChunkedArray) -> bool:
    """True when some value holds a byte at or above "A", read straight from the text's buffer."""
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    for chunk in chunks:
        if len(chunk) == 0:
            continue
        _validity, offsets_buffer, data = chunk.buffers()
        if data is None:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(
            offsets_buffer, dtype=width, count=len(chunk) + 1, offset=chunk.offset * np.dtype(width).itemsize
        )
        text = np.frombuffer(data, dtype=np.uint8)[int(offsets[0]) : int(offsets[-1])]
        if len(text) and int(text.max()) >= _LETTER:
            return True
    return False


def narrow_table(table: pa.Table, columns: set[str] | None = None) -> pa.Table:
    """``table`` with each text column (of ``columns``, default all) narrowed where exact."""
    arrays = []
    changed = False
    for name, column in zip(table.column_names, table.columns, strict=True):
        if columns is None or name in columns:
            narrowed = narrow_text(column)
            changed = changed or narrowed is not column
            arrays.append(narrowed)
        else:
            arrays.append(column)
    return pa.Table.from_arrays(arrays, names=table.column_names) if changed else table


def has_words(values: pa.Array | pa.ChunkedArray) -> bool:
    """True when some present text value is not a number to SageMaker (a String or Boolean)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    distinct = pc.drop_null(pc.unique(values))
    distinct = pc.filter(distinct, pc.not_equal(pc.utf8_length(distinct), ZERO))
    if len(distinct) == 0:
        return False
    masks = classify_text(distinct)
    return bool(pc.any(pc.or_(masks["String"], masks["Boolean"])).as_py())


def _all(mask: pa.Array | pa.ChunkedArray) -> bool:
    """True when every present value is true (nulls, the missing values, are skipped)."""
    result = pc.all(mask).as_py()
    return result is None or bool(result)
