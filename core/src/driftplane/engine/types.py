"""SageMaker's inferred types (Integral, Fractional, String, Boolean, Unknown) for Arrow data.

Typed Arrow columns are classified by their type, without looking at values. Text is
classified value by value with the regular expressions of Deequ's data-type analyzer, which
SageMaker's analyzer runs, evaluated by pyarrow.compute on a batch's distinct values.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from driftplane.columns import NUMERIC_TYPES as NUMERIC_TYPES
from driftplane.columns import VALUE_TYPES as VALUE_TYPES
from driftplane.columns import InferredType as InferredType

# Deequ (StatefulDataType): fractional first, then integral, then boolean, else string.
FRACTIONAL_PATTERN = r"^(-|\+)? ?\d*\.\d*$"
INTEGRAL_PATTERN = r"^(-|\+)? ?\d*$"
BOOLEAN_PATTERN = r"^(true|false)$"
_HAS_DIGIT = r"\d"


def arrow_kind(data_type: pa.DataType) -> str:
    """How a batch of this Arrow type is profiled: integer, float, boolean, text or other."""
    if pa.types.is_dictionary(data_type):
        return arrow_kind(data_type.value_type)
    if pa.types.is_integer(data_type):
        return "integer"
    if pa.types.is_floating(data_type) or pa.types.is_decimal(data_type):
        return "float"
    if pa.types.is_boolean(data_type):
        return "boolean"
    if pa.types.is_string(data_type) or pa.types.is_large_string(data_type) or pa.types.is_string_view(data_type):
        return "text"
    if pa.types.is_null(data_type):
        return "null"
    if pa.types.is_temporal(data_type):
        return "temporal"
    return "other"


def classify_text(values: pa.Array) -> dict[str, pa.Array]:
    """Boolean masks over text values: which are Fractional, Integral, Boolean or String.

    A value needs at least one digit to count as a number: Deequ's patterns also accept a
    lone sign or dot, which no reader could turn into a number.
    """
    has_digit = pc.match_substring_regex(values, _HAS_DIGIT)
    fractional = pc.and_(pc.match_substring_regex(values, FRACTIONAL_PATTERN), has_digit)
    integral = pc.and_(pc.match_substring_regex(values, INTEGRAL_PATTERN), has_digit)
    boolean = pc.match_substring_regex(values, BOOLEAN_PATTERN)
    string = pc.invert(pc.or_(pc.or_(fractional, integral), boolean))
    return {"Fractional": fractional, "Integral": integral, "Boolean": boolean, "String": string}


def parse_numbers(values: pa.Array) -> pa.Array:
    """Numeric-looking text (as classified above) to float64; '- 5' becomes -5 as Deequ reads it."""
    cleaned = pc.replace_substring_regex(values, pattern=r"^(-|\+)? ?", replacement=r"\1")
    return pc.cast(cleaned, pa.float64())


def column_type(counts: dict[str, int]) -> InferredType:
    """A column's type from its values' types, as Deequ decides it.

    All missing: Unknown; any String, or Boolean mixed with numbers: String; else Boolean if
    any; else Fractional if any; else Integral.
    """
    present = {t: c for t, c in counts.items() if c > 0}
    if not present:
        return "Unknown"
    if "String" in present:
        return "String"
    if "Boolean" in present:
        return "String" if ("Integral" in present or "Fractional" in present) else "Boolean"
    if "Fractional" in present:
        return "Fractional"
    return "Integral"


def matching_share(counts: dict[str, int], expected: str) -> float:
    """The share of present values that have the expected type.

    A whole number is a valid Fractional value (a float column written by a CSV writer as
    "3" must not fail a Fractional baseline); everything else must match exactly.
    """
    present = sum(counts.values())
    if present == 0:
        return 1.0
    matching = counts.get(expected, 0)
    if expected == "Fractional":
        matching += counts.get("Integral", 0)
    return matching / present


def temporal_text(values: pa.Array) -> pa.Array:
    """Typed times (Parquet timestamps, dates) as the text SageMaker's analyzer types them by.

    The analyzer runs on Spark, which turns a timestamp into ``2024-10-27 17:39:31`` (UTC here,
    a fraction of a second only when there is one, without trailing zeros) and a date into
    ``2024-10-27``; either is then a String. Times written as text in CSV or JSON never come
    here: they are kept exactly as written.
    """
    kind = values.type
    if pa.types.is_timestamp(kind):
        if kind.tz is not None:
            values = pc.cast(values, pa.timestamp(kind.unit, tz="UTC"))
        text = pc.strftime(values, format="%Y-%m-%d %H:%M:%S")
        return pc.replace_substring_regex(text, pattern=r"\.0+$|(\.\d*[1-9])0+$", replacement=r"\1")
    return pc.cast(values, pa.string())

