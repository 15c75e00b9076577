"""Labels and predictions as the performance metrics compare them: class labels as text.

Ground truth and predictions come from different files, often in different formats: a
prediction column of integers in Parquet, labels as the text ``"1"`` in SageMaker's
ground-truth JSONL (``groundTruthData.data`` is always a string). SageMaker's merge job
compares them as written, so driftplane does too: every class label becomes text the way
Arrow writes it (the integer 1 and the float 1.0 both as ``"1"``, 2.5 as ``"2.5"``, booleans
as ``"true"``/``"false"``, text unchanged). So ``1``, ``1.0`` and ``"1"`` are one class, and
``"1 "`` or ``"yes"`` are other classes.

Regression values must be numbers; text that reads as a number (``"2.5"``, ``" 3"``) is
parsed, anything else is refused with an example of the offending value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from driftplane.engine import arrays
from driftplane.errors import DataError

_NAN = arrays.scalar(float("nan"), pa.float64())

ArrayLike: TypeAlias = pa.Array | pa.ChunkedArray | np.ndarray | Sequence[Any]


def to_arrow(values: ArrayLike) -> pa.Array:
    """One Arrow array of ``values`` (Arrow, numpy or a Python sequence); chunks are joined."""
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if isinstance(values, pa.Array):
        return values
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ValueError(f"expected a one-dimensional array, got shape {values.shape}")
        if values.dtype.kind in "biuf":
            return arrays.from_numpy(values)
        return arrays.array([_plain(v) for v in values.tolist()], pa.string())
    items = list(values)
    kinds = {type(v) for v in items if v is not None}
    if kinds and kinds <= {bool}:
        return arrays.array(items, pa.bool_())
    if kinds and kinds <= {int}:
        return arrays.array(items, pa.int64())
    if kinds and kinds <= {int, float}:
        return arrays.array([None if v is None else float(v) for v in items], pa.float64())
    return arrays.array([_plain(v) for v in items], pa.string())


def _plain(value: Any) -> str | None:
    """A Python value as text the way Arrow writes it (numbers, booleans), for mixed sequences."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool | int | float | np.generic):
        return label_text_of(value)
    return str(value)


def label_text_of(value: Any) -> str:
    """One label (``positive_label: 1`` in a spec) as text, written as a column of it would be."""
    if isinstance(value, str):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(pc.cast(arrays.array([value], pa.float64()), pa.string())[0].as_py())
    return str(value)


def label_texts(values: ArrayLike) -> pa.Array:
    """Class labels as a string array, nulls kept (a missing label is not a class)."""
    array = to_arrow(values)
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if pa.types.is_string(array.type):
        return array
    if pa.types.is_large_string(array.type) or pa.types.is_string_view(array.type):
        return pc.cast(array, pa.string())
    if pa.types.is_floating(array.type):
        # NaN is a missing value, not the class "nan".
        array = pc.if_else(pc.is_nan(array), pa.nulls(1, array.type)[0], array)
    try:
        return pc.cast(array, pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise DataError(
            f"class labels of type {array.type} cannot be compared as text: {exc}"
        ) from exc


def numbers(values: ArrayLike, what: str) -> np.ndarray:
    """Numbers as float64, NaN where a value is missing; text must read as numbers.

    what: how messages name the column ("the label column 'y'").
    """
    array = to_arrow(values)
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if (
        pa.types.is_string(array.type)
        or pa.types.is_large_string(array.type)
        or pa.types.is_string_view(array.type)
    ):
        trimmed = pc.utf8_trim_whitespace(array)
        blank = pc.equal(trimmed, arrays.EMPTY_TEXT)
        trimmed = pc.if_else(blank, arrays.NULL_TEXT, trimmed)
        try:
            array = pc.cast(trimmed, pa.float64())
        except pa.ArrowInvalid:
            raise DataError(
                f"{what} must hold numbers for a regression model; it holds {_first_bad_number(trimmed)}. "
                "Check the column (or use problem_type: binary or multiclass for class labels)"
            ) from None
    elif pa.types.is_boolean(array.type) or not (
        pa.types.is_integer(array.type)
        or pa.types.is_floating(array.type)
        or pa.types.is_decimal(array.type)
    ):
        raise DataError(
            f"{what} must hold numbers for a regression model; it holds {array.type} values. "
            "Check the column (or use problem_type: binary or multiclass for class labels)"
        )
    if not pa.types.is_float64(array.type):
        array = pc.cast(array, pa.float64())
    if array.null_count:
        array = pc.fill_null(array, _NAN)
    return np.asarray(arrays.to_numpy(array), dtype=np.float64)


def _first_bad_number(texts: pa.Array) -> str:
    """The first value that does not read as a number, quoted, for a message."""
    for value in texts.to_pylist():
        if value is None:
            continue
        try:
            float(value)
        except ValueError:
            return f"{value[:40]!r}"
    return "text that is not a number"


def _number_key(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def ordered_labels(labels: Iterable[str]) -> list[str]:
    """Labels in the order scikit-learn sorts them: by number when every label reads as one
    (so "2" before "10"), else as text."""
    unique = sorted(set(labels))
    keys = [_number_key(label) for label in unique]
    if all(key is not None for key in keys):
        return [
            label
            for _, label in sorted(
                zip(keys, unique, strict=True), key=lambda pair: (pair[0], pair[1])
            )
        ]
    return unique


def label_codes(values: ArrayLike) -> tuple[np.ndarray, list[str]]:
    """Each row's label as an index into the returned texts (-1: missing), hashing the values
    once and converting only the distinct ones to text."""
    array = to_arrow(values)
    if pa.types.is_dictionary(array.type):
        indices, dictionary = array.indices, array.dictionary
    else:
        encoded = pc.dictionary_encode(array)
        indices, dictionary = encoded.indices, encoded.dictionary
    texts = label_texts(dictionary).to_pylist()
    unique = sorted({t for t in texts if t is not None})
    position = {t: i for i, t in enumerate(unique)}
    remap = np.asarray([-1 if t is None else position[t] for t in texts] + [-1], dtype=np.int64)
    raw = pc.fill_null(indices, -1) if indices.null_count else indices
    rows = np.asarray(raw.to_numpy(zero_copy_only=False), dtype=np.int64)
    return remap[rows], unique  # index -1 (a null) reads remap[-1] == -1


def probabilities(y_score: ArrayLike, count: int, where: str) -> np.ndarray:
    """Probabilities as float64 (NaN where missing), refused when any lies outside [0, 1]."""
    scores = numbers(y_score, where)
    if len(scores) != count:
        raise DataError(f"{where} has {len(scores)} values for {count} rows")
    outside = ~np.isnan(scores) & ((scores < 0) | (scores > 1))
    if outside.any():
        raise DataError(
            f"{where} holds values outside [0, 1] ({int(outside.sum())} "
            f"of {count} rows, e.g. {float(scores[outside][0])!r}); "
            "it must hold the positive class's probability: check the column, or turn raw scores into "
            "probabilities (a sigmoid) before monitoring"
        )
    return scores
