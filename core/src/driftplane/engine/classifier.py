"""Dataset-level drift as Azure's dataset monitors measured it: can a classifier tell the sides apart?

A gradient-boosted classifier learns to tell baseline rows from target rows on a sample of
each; its Matthews correlation on held-out rows is the drift magnitude (0: the sides are
indistinguishable, 1: perfectly separable). scikit-learn is an optional extra
(``pip install 'driftplane[classifier]'``), imported only when this is asked for.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from driftplane.engine import arrays
from driftplane.engine.arrays import from_numpy, to_numpy
from driftplane.engine.types import FRACTIONAL_PATTERN, INTEGRAL_PATTERN, parse_numbers
from driftplane.errors import UsageError
from driftplane.result import Kind

logger = logging.getLogger(__name__)

SAMPLE_ROWS = 20_000  # rows kept per side
THRESHOLD = 0.2  # Matthews correlation above which the dataset counts as drifted
HELD_OUT = 0.3
NAN = arrays.scalar(float("nan"), pa.float64())
MAX_CATEGORIES = 254  # HistGradientBoosting's limit for categorical features, one code kept for "other"
INSTALL_HINT = "the domain classifier needs scikit-learn; install it with: pip install 'driftplane[classifier]'"


class RowSample:
    """A uniform random sample of rows from a stream, bounded in size and mergeable.

    Every row gets a random key; the rows with the smallest keys are kept, so the sample is
    uniform whatever the batch sizes. Values are kept as text, since batches of one stream
    may disagree on a column's type.
    """

    def __init__(self, size: int = SAMPLE_ROWS, seed: int = 0) -> None:
        self.size = size
        self.rng = np.random.default_rng(seed)
        self.keys = np.empty(0)
        self.columns: dict[str, list[pa.Array]] = {}
        self.rows = 0

    def update(self, batch: pa.RecordBatch) -> None:
        keys = self.rng.random(batch.num_rows)
        chosen = np.argpartition(keys, self.size)[: self.size] if len(keys) > self.size else np.arange(len(keys))
        if len(self.keys) >= self.size:
            chosen = chosen[keys[chosen] < self.keys.max()]
            if len(chosen) == 0:
                return
        taken = batch.take(from_numpy(chosen))
        names = set(self.columns) | set(taken.schema.names)
        for name in names:
            values = _as_text(taken.column(name)) if name in taken.schema.names else pa.nulls(len(chosen), pa.string())
            if name not in self.columns:
                self.columns[name] = [pa.nulls(len(self.keys), pa.string())] if len(self.keys) else []
            self.columns[name].append(values)
        self.keys = np.concatenate([self.keys, keys[chosen]])
        if len(self.keys) > self.size:
            keep = np.sort(np.argpartition(self.keys, self.size)[: self.size])
            self.keys = self.keys[keep]
            index = from_numpy(keep)
            self.columns = {n: [pa.concat_arrays(parts).take(index)] for n, parts in self.columns.items()}

    def table(self) -> pa.Table:
        return pa.table(
            {n: pa.concat_arrays(parts) if parts else pa.nulls(0, pa.string()) for n, parts in self.columns.items()}
        )


def _as_text(array: pa.Array) -> pa.Array:
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if pa.types.is_string(array.type):
        return array
    try:
        return pc.cast(array, pa.string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return arrays.array([None if v is None else str(v) for v in array.to_pylist()], pa.string())


def _numbers(values: pa.Array) -> np.ndarray:
    looks_numeric = pc.or_(
        pc.match_substring_regex(values, FRACTIONAL_PATTERN), pc.match_substring_regex(values, INTEGRAL_PATTERN)
    )
    looks_numeric = pc.and_(
        pc.fill_null(looks_numeric, arrays.FALSE),
        pc.match_substring_regex(pc.fill_null(values, arrays.EMPTY_TEXT), r"\d"),
    )
    parsed = parse_numbers(pc.if_else(looks_numeric, values, arrays.NULL_TEXT))
    return to_numpy(pc.fill_null(parsed, NAN)).astype(np.float64)


def _codes(base: pa.Array, target: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    both = pa.concat_arrays([base, target])
    counted = pc.value_counts(pc.drop_null(both))
    ranked = [
        v
        for _, v in sorted(
            zip(counted.field(1).to_pylist(), counted.field(0).to_pylist(), strict=True), key=lambda cv: -cv[0]
        )
    ]
    codes = {v: i for i, v in enumerate(ranked[:MAX_CATEGORIES])}
    other = float(MAX_CATEGORIES)

    def encode(values: pa.Array) -> np.ndarray:
        return np.array([np.nan if v is None else codes.get(v, other) for v in values.to_pylist()], dtype=np.float64)

    return encode(base), encode(target)


def domain_classifier_drift(
    baseline: pa.Table, target: pa.Table, names: list[str], kinds: dict[str, Kind | None]
) -> dict[str, Any]:
    """Train a classifier to tell target rows from baseline rows; its held-out Matthews correlation."""
    try:
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.metrics import matthews_corrcoef
        from sklearn.model_selection import train_test_split
    except ImportError:
        raise UsageError(INSTALL_HINT) from None
    used = [n for n in names if n in baseline.column_names and n in target.column_names and kinds.get(n) is not None]
    rows = min(baseline.num_rows, target.num_rows)
    if not used or rows < 20:
        return {"method": "domain_classifier", "value": None, "drifted": False,
                "note": "too few rows or shared features to train a classifier"}
    base_columns, target_columns, categorical = [], [], []
    for name in used:
        b, t = baseline.column(name).combine_chunks(), target.column(name).combine_chunks()
        if kinds[name] == "numerical":
            base_columns.append(_numbers(b))
            target_columns.append(_numbers(t))
            categorical.append(False)
        else:
            bc, tc = _codes(b, t)
            base_columns.append(bc)
            target_columns.append(tc)
            categorical.append(True)
    x = np.vstack([np.column_stack(base_columns)[:rows], np.column_stack(target_columns)[:rows]])
    y = np.concatenate([np.zeros(rows, dtype=int), np.ones(rows, dtype=int)])
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=HELD_OUT, stratify=y, random_state=0)
    model = HistGradientBoostingClassifier(max_iter=100, categorical_features=np.array(categorical), random_state=0)
    model.fit(x_train, y_train)
    mcc = float(matthews_corrcoef(y_test, model.predict(x_test)))
    logger.debug("domain classifier: MCC %.3f on %d held-out rows", mcc, len(y_test))
    return {
        "method": "domain_classifier",
        "metric": "matthews_correlation",
        "value": mcc,
        "magnitude": round(max(mcc, 0.0) * 100, 2),
        "threshold": THRESHOLD,
        "drifted": mcc > THRESHOLD,
        "rows": {"baseline": rows, "target": rows, "held_out": len(y_test)},
        "features": used,
    }
