"""Names every layer agrees on for columns: the virtual timestamp and SageMaker's types.

Kept free of pyarrow so the spec, the resolved monitor and the CLI can use them without
loading the engine.
"""

from __future__ import annotations

from typing import Literal

TIMESTAMP_COLUMN = "__timestamp__"  # the virtual column partition fields produce (never a feature)
# SageMaker capture's eventMetadata.inferenceId (else eventId), read only when model quality asks for it.
CAPTURE_ID_COLUMN = "__inference_id__"

InferredType = Literal["Integral", "Fractional", "String", "Boolean", "Unknown"]
VALUE_TYPES: tuple[InferredType, ...] = ("Integral", "Fractional", "Boolean", "String")
NUMERIC_TYPES = ("Integral", "Fractional")
TEXT_TYPES = ("String", "Boolean")
