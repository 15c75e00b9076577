"""Profiles: mergeable per-column summaries of a dataset, built one record batch at a time.

A ``ColumnProfile`` keeps what SageMaker's statistics.json holds and what drift metrics
need: counts, missing values, how many values looked Integral / Fractional / Boolean /
String, moments (sum, mean, population std), min, max, a KLL quantile sketch, an exact
streaming histogram, categorical frequencies (exact up to a cap, then a frequent-items
sketch) and distinct-count sketches. Memory is bounded by columns x sketch sizes.

Every part merges: counts and moments exactly, sketches within their error bounds, so
profile(A + B) equals merge(profile(A), profile(B)).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import datasketches as ds
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from driftplane.engine.arrays import EMPTY_TEXT, ZERO, from_numpy, to_numpy
from driftplane.engine.histogram import GridHistogram
from driftplane.engine.sketches import DistinctNumbers, DistinctStrings, Quantiles, b64, unb64
from driftplane.engine.types import (
    NUMERIC_TYPES,
    VALUE_TYPES,
    InferredType,
    arrow_kind,
    classify_text,
    column_type,
    parse_numbers,
    temporal_text,
)

PROFILE_FORMAT_VERSION = 1


@dataclass(frozen=True)
class ProfileSettings:
    """Sketch sizes: accuracy against memory. Defaults suit drift thresholds around 0.1."""

    kll_k: int = 2048  # KLL rank error ~0.14% (SageMaker's k); ~48 KB per numeric column
    exact_quantiles: int = 65_536  # numbers kept exactly (repeatable distances) before the KLL sketch
    histogram_bins: int = 2048  # fine grid bins per numeric column
    category_cap: int = 1000  # distinct values counted exactly before the frequent-items sketch
    frequent_items_lg_max_k: int = 10  # frequent-items sketch of up to 768 items
    distinct_k: int = 4096  # K-minimum-values sketch for numbers (~1.6% error above k)
    hll_lg_k: int = 12  # HLL for text (~1.6% error)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProfileSettings:
        known = {k: int(v) for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class NumericSummary:
    """Moments, extremes, quantiles, histogram and distinct count of a column's finite numbers."""

    count: int = 0  # finite values
    sum: float = 0.0
    m2: float = 0.0  # sum of squared deviations from the mean (Chan et al. merge)
    min: float = math.inf
    max: float = -math.inf
    infinite: int = 0  # +inf and -inf: present, but outside every statistic
    quantiles: Quantiles = field(default_factory=Quantiles)
    histogram: GridHistogram = field(default_factory=GridHistogram)
    distinct: DistinctNumbers | None = field(default_factory=DistinctNumbers)
    distinct_estimate: float | None = None  # from a statistics.json, when there is no sketch

    @classmethod
    def new(cls, settings: ProfileSettings, reference: NumericSummary | None) -> NumericSummary:
        histogram = (
            GridHistogram.on_grid_of(reference.histogram)
            if reference is not None and reference.histogram.exponent is not None
            else GridHistogram(max_bins=settings.histogram_bins)
        )
        return cls(
            quantiles=Quantiles(settings.kll_k, exact_limit=settings.exact_quantiles),
            histogram=histogram,
            distinct=DistinctNumbers(settings.distinct_k),
        )

    @property
    def mean(self) -> float:
        return self.sum / self.count if self.count else math.nan

    @property
    def std(self) -> float:
        """Population standard deviation, as SageMaker reports it."""
        return math.sqrt(max(self.m2, 0.0) / self.count) if self.count else math.nan

    def update(self, values: np.ndarray) -> None:
        """Add finite float64 values; the array must be writable (DataSketches needs it)."""
        n = len(values)
        if n == 0:
            return
        batch_sum = float(values.sum())
        batch_mean = batch_sum / n
        deviations = values - batch_mean
        batch_m2 = float(np.einsum("i,i->", deviations, deviations))  # np.dot goes through BLAS: 100x slower here
        self._combine(n, batch_sum, batch_m2)
        self.min = min(self.min, float(values.min()))
        self.max = max(self.max, float(values.max()))
        self.quantiles.update(values)
        self.histogram.update(values)
        if self.distinct is not None:
            self.distinct.update(values)

    def _combine(self, n: int, total: float, m2: float) -> None:
        if self.count == 0:
            self.count, self.sum, self.m2 = n, total, m2
            return
        delta = total / n - self.sum / self.count
        combined = self.count + n
        self.m2 = self.m2 + m2 + delta * delta * self.count * n / combined
        self.count = combined
        self.sum += total

    def merge(self, other: NumericSummary) -> None:
        if other.count:
            self._combine(other.count, other.sum, other.m2)
        self.min = min(self.min, other.min)
        self.max = max(self.max, other.max)
        self.infinite += other.infinite
        self.quantiles.merge(other.quantiles)
        self.histogram.merge(other.histogram)
        if self.distinct is not None and other.distinct is not None:
            self.distinct.merge(other.distinct)
        else:
            self.distinct = None

    def distinct_count(self) -> float | None:
        if self.distinct is not None:
            return self.distinct.estimate()
        return self.distinct_estimate

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "sum": self.sum,
            "m2": self.m2,
            "min": self.min if self.count else None,
            "max": self.max if self.count else None,
            "infinite": self.infinite,
            "quantiles": self.quantiles.to_dict(),
            "histogram": self.histogram.to_dict(),
            "distinct": self.distinct.to_dict() if self.distinct is not None else None,
            "distinct_estimate": self.distinct_estimate,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NumericSummary:
        return cls(
            count=int(data["count"]),
            sum=float(data["sum"]),
            m2=float(data["m2"]),
            min=math.inf if data["min"] is None else float(data["min"]),
            max=-math.inf if data["max"] is None else float(data["max"]),
            infinite=int(data.get("infinite", 0)),
            quantiles=Quantiles.from_dict(data["quantiles"]),
            histogram=GridHistogram.from_dict(data["histogram"]),
            distinct=DistinctNumbers.from_dict(data["distinct"]) if data.get("distinct") else None,
            distinct_estimate=data.get("distinct_estimate"),
        )


OTHER = "__other__"


@dataclass
class CategoricalSummary:
    """Value frequencies: exact up to ``cap`` distinct values, then a frequent-items sketch.

    ``pinned`` values (a baseline's categories, when counting a target) stay exact even
    after the sketch takes over, so a target is always counted exactly against its
    baseline's domain.
    """

    cap: int = 1000
    lg_max_k: int = 10
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    sketch: Any = None  # datasketches.frequent_strings_sketch once past the cap
    pinned: frozenset[str] = frozenset()
    distinct: DistinctStrings | None = None
    distinct_estimate: float | None = None  # from a statistics.json

    @classmethod
    def new(cls, settings: ProfileSettings, reference: CategoricalSummary | None) -> CategoricalSummary:
        pinned = frozenset(reference.counts) if reference is not None else frozenset()
        return cls(
            cap=settings.category_cap,
            lg_max_k=settings.frequent_items_lg_max_k,
            pinned=pinned,
            distinct=DistinctStrings(settings.hll_lg_k),
        )

    @property
    def exact(self) -> bool:
        """True while every value's count is known exactly."""
        return self.sketch is None

    def update(self, values: list[str], counts: list[int]) -> None:
        self.total += sum(counts)
        if self.distinct is not None:
            self.distinct.update(values)
        known = self.counts
        if self.sketch is None:
            for value, count in zip(values, counts, strict=True):
                known[value] = known.get(value, 0) + count
            if len(known) > self.cap:
                self._overflow()
            return
        sketch_update = self.sketch.update
        pinned = self.pinned
        for value, count in zip(values, counts, strict=True):
            if value in pinned:
                known[value] = known.get(value, 0) + count
            else:
                sketch_update(value, count)

    def _overflow(self) -> None:
        self.sketch = ds.frequent_strings_sketch(self.lg_max_k)
        keep: dict[str, int] = {}
        for value, count in self.counts.items():
            if value in self.pinned:
                keep[value] = count
            else:
                self.sketch.update(value, count)
        self.counts = keep

    def merge(self, other: CategoricalSummary) -> None:
        self.total += other.total
        if self.distinct is not None and other.distinct is not None:
            self.distinct.merge(other.distinct)
        else:
            self.distinct = None
        if other.sketch is not None and self.sketch is None:
            self._overflow()
        for value, count in other.counts.items():
            if self.sketch is None or value in self.pinned:
                self.counts[value] = self.counts.get(value, 0) + count
            else:
                self.sketch.update(value, count)
        if other.sketch is not None:
            self.sketch.merge(other.sketch)
        if self.sketch is None and len(self.counts) > self.cap:
            self._overflow()

    def frequencies(self) -> dict[str, float]:
        """Every known value's count, the rest under ``__other__``.

        Past the cap only values the sketch surely saw more often than its error bound are
        listed (with estimated counts): asking it for every candidate lists rare values with
        counts of the size of its error (27 for a value seen once in 20,000 unique IDs).
        """
        out: dict[str, float] = dict(self.counts)
        if self.sketch is not None:
            for item, estimate, _lower, _upper in self.sketch.get_frequent_items(
                ds.frequent_items_error_type.NO_FALSE_POSITIVES
            ):
                out[item] = out.get(item, 0) + float(estimate)
        known = sum(out.values())
        rest = self.total - known
        if rest > 0:
            out[OTHER] = out.get(OTHER, 0) + rest
        elif rest < 0 and known > 0:  # sketch estimates overshoot: scale down to the exact total
            scale = self.total / known
            out = {k: v * scale for k, v in out.items()}
        return out

    def estimated(self, value: str) -> bool:
        """True when ``value``'s count is the sketch's estimate rather than an exact count."""
        return self.sketch is not None and value != OTHER and value not in self.counts

    def top(self, n: int) -> dict[str, float]:
        """The n most frequent values and the rest summed under ``__other__``."""
        freq = self.frequencies()
        other = freq.pop(OTHER, 0.0)
        ranked = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))
        out = dict(ranked[:n])
        other += sum(v for _, v in ranked[n:])
        if other > 0:
            out[OTHER] = other
        return out

    def distinct_count(self) -> float | None:
        if self.exact and OTHER not in self.counts:
            return float(len(self.counts))
        if self.distinct is not None:
            return self.distinct.estimate()
        return self.distinct_estimate

    def to_dict(self) -> dict[str, Any]:
        return {
            "cap": self.cap,
            "lg_max_k": self.lg_max_k,
            "counts": self.counts,
            "total": self.total,
            "sketch": b64(self.sketch.serialize()) if self.sketch is not None else None,
            "pinned": sorted(self.pinned),
            "distinct": self.distinct.to_dict() if self.distinct is not None else None,
            "distinct_estimate": self.distinct_estimate,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CategoricalSummary:
        return cls(
            cap=int(data["cap"]),
            lg_max_k=int(data["lg_max_k"]),
            counts={str(k): int(v) for k, v in data["counts"].items()},
            total=int(data["total"]),
            sketch=ds.frequent_strings_sketch.deserialize(unb64(data["sketch"])) if data.get("sketch") else None,
            pinned=frozenset(data.get("pinned", [])),
            distinct=DistinctStrings.from_dict(data["distinct"]) if data.get("distinct") else None,
            distinct_estimate=data.get("distinct_estimate"),
        )


@dataclass
class ColumnProfile:
    """Everything known about one column."""

    name: str
    settings: ProfileSettings = field(default_factory=ProfileSettings)
    rows: int = 0  # values seen, missing included
    missing: int = 0  # nulls, NaN and empty text
    type_counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VALUE_TYPES, 0))
    numeric: NumericSummary | None = None
    categorical: CategoricalSummary | None = None
    track_categories: bool = True  # False once a numeric column proves to have too many values
    force_categorical: bool = False  # keep counting categories of float values too
    unsupported: int = 0  # values of nested or binary types, counted as String
    distinct_estimate: float | None = None  # from a statistics.json without category counts
    # present values that arrived as text (Arrow strings), numbers written as text included;
    # None when not known (a profile saved before they were counted). Tells "numbers sent as
    # text" apart from numbers, which the inferred type alone cannot.
    text_values: int | None = 0
    _reference: ColumnProfile | None = field(default=None, repr=False, compare=False)

    @classmethod
    def new(
        cls, name: str, settings: ProfileSettings, reference: ColumnProfile | None, force_categorical: bool
    ) -> ColumnProfile:
        return cls(name=name, settings=settings, force_categorical=force_categorical, _reference=reference)

    # -- reading batches ---------------------------------------------------------------
    @property
    def present(self) -> int:
        return self.rows - self.missing

    @property
    def inferred_type(self) -> InferredType:
        return column_type(self.type_counts)

    def _numeric(self) -> NumericSummary:
        if self.numeric is None:
            ref = self._reference.numeric if self._reference is not None else None
            self.numeric = NumericSummary.new(self.settings, ref)
        return self.numeric

    def _categorical(self) -> CategoricalSummary | None:
        if not self.track_categories:
            return None
        if self.categorical is None:
            ref = self._reference.categorical if self._reference is not None else None
            self.categorical = CategoricalSummary.new(self.settings, ref)
        return self.categorical

    def update(self, array: pa.Array | pa.ChunkedArray) -> None:
        """Add one batch's values of this column, whatever their Arrow type."""
        if isinstance(array, pa.ChunkedArray):
            for chunk in array.chunks:
                self.update(chunk)
            return
        if pa.types.is_dictionary(array.type):
            array = array.dictionary_decode()
        kind = arrow_kind(array.type)
        self.rows += len(array)
        if kind == "null":
            self.missing += len(array)
        elif kind == "integer":
            self._update_integers(array)
        elif kind == "float":
            self._update_floats(array)
        elif kind == "boolean":
            self._update_booleans(array)
        elif kind == "text":
            missing_before = self.missing
            self._update_text(array)
            if self.text_values is not None:
                self.text_values += len(array) - (self.missing - missing_before)
        elif kind == "temporal":
            self._update_text(temporal_text(array))
        else:
            self.missing += array.null_count
            present = len(array) - array.null_count
            self.type_counts["String"] += present
            self.unsupported += present

    def _update_integers(self, array: pa.Array) -> None:
        nulls = array.null_count
        self.missing += nulls
        present = array if nulls == 0 else pc.drop_null(array)
        self.type_counts["Integral"] += len(present)
        values = to_numpy(present).astype(np.float64)
        self._numeric().update(values)
        self._count_categories(present)

    def _update_floats(self, array: pa.Array) -> None:
        if not pa.types.is_float64(array.type):
            array = pc.cast(array, pa.float64())
        nulls = array.null_count
        present = array if nulls == 0 else pc.drop_null(array)
        values = to_numpy(present)
        finite = np.isfinite(values)
        if finite.all():
            nan = 0
            finite_values = np.array(values, dtype=np.float64, copy=True)
        else:
            nan = int(np.count_nonzero(np.isnan(values)))
            finite_values = values[finite]
        numeric = self._numeric()
        numeric.infinite += len(values) - nan - len(finite_values)
        self.missing += nulls + nan
        self.type_counts["Fractional"] += len(values) - nan
        numeric.update(finite_values)
        if self.force_categorical:
            self._count_categories(from_numpy(finite_values))

    def _update_booleans(self, array: pa.Array) -> None:
        self.missing += array.null_count
        self.type_counts["Boolean"] += len(array) - array.null_count
        self._count_categories(array)

    def _count_categories(self, array: pa.Array) -> None:
        categorical = self._categorical()
        if categorical is None or len(array) == 0:
            return
        counted = pc.value_counts(array)
        values = counted.field(0)
        if not pa.types.is_string(values.type):
            values = pc.cast(values, pa.string())
        categorical.update(values.to_pylist(), counted.field(1).to_pylist())
        self._stop_counting_many_numbers(categorical)

    def _update_text(self, array: pa.Array) -> None:
        counted = pc.value_counts(array)
        values, counts = counted.field(0), counted.field(1)
        valid = pc.and_(pc.is_valid(values), pc.not_equal(pc.utf8_length(pc.fill_null(values, EMPTY_TEXT)), ZERO))
        self.missing += len(array) - int(pc.sum(pc.filter(counts, valid)).as_py() or 0)
        values, counts = pc.filter(values, valid), pc.filter(counts, valid)
        if len(values) == 0:
            return
        masks = classify_text(values)
        for type_name, mask in masks.items():
            self.type_counts[type_name] += int(pc.sum(pc.filter(counts, mask)).as_py() or 0)
        numeric_mask = pc.or_(masks["Fractional"], masks["Integral"])
        if pc.any(numeric_mask).as_py():
            numbers = to_numpy(parse_numbers(pc.filter(values, numeric_mask)))
            repeats = to_numpy(pc.filter(counts, numeric_mask))
            self._numeric().update(np.repeat(numbers, repeats))
        categorical = self._categorical()
        if categorical is not None:
            categorical.update(values.to_pylist(), counts.to_pylist())
            self._stop_counting_many_numbers(categorical)

    def _stop_counting_many_numbers(self, categorical: CategoricalSummary) -> None:
        """A column of numbers (typed, or written as text) with this many values is not categorical."""
        if (
            not categorical.exact
            and not self.force_categorical
            and self.type_counts["String"] == 0
            and self.type_counts["Boolean"] == 0
        ):
            self.categorical = None
            self.track_categories = False

    # -- combining -----------------------------------------------------------------------
    def merge(self, other: ColumnProfile) -> None:
        self.rows += other.rows
        self.missing += other.missing
        self.unsupported += other.unsupported
        self.text_values = (
            None if self.text_values is None or other.text_values is None else self.text_values + other.text_values
        )
        for type_name, count in other.type_counts.items():
            self.type_counts[type_name] = self.type_counts.get(type_name, 0) + count
        if other.numeric is not None:
            if self.numeric is None:
                self.numeric = NumericSummary.from_dict(other.numeric.to_dict())
                # This profile's settings decide how many values stay exact, not the part's
                # (a Spark partition's partial keeps fewer than the merged profile may).
                self.numeric.quantiles.exact_limit = self.settings.exact_quantiles
            else:
                self.numeric.merge(other.numeric)
        self.track_categories = self.track_categories and other.track_categories
        if not self.track_categories:
            self.categorical = None
        elif other.categorical is not None:
            if self.categorical is None:
                self.categorical = CategoricalSummary.from_dict(other.categorical.to_dict())
            else:
                self.categorical.merge(other.categorical)

    # -- reading results -----------------------------------------------------------------
    def distinct_count(self) -> int | None:
        """Exact while categories are counted exactly, else a sketch's estimate as a whole count.

        An estimate can overshoot (≈50,898 distinct values among 50,000), which no one can
        have; it is capped at the values present. Every reading (text, result JSON,
        statistics.json) goes through here.
        """
        estimate = self._distinct_estimate()
        if estimate is None or not math.isfinite(estimate):
            return None
        return max(0, min(round(estimate), self.present))

    def _distinct_estimate(self) -> float | None:
        if self.inferred_type in NUMERIC_TYPES and self.numeric is not None:
            if self.categorical is not None and self.categorical.exact:
                return float(len(self.categorical.counts))
            return self.numeric.distinct_count()
        if self.categorical is not None:
            return self.categorical.distinct_count()
        return self.distinct_estimate

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rows": self.rows,
            "missing": self.missing,
            "type_counts": dict(self.type_counts),
            "numeric": self.numeric.to_dict() if self.numeric is not None else None,
            "categorical": self.categorical.to_dict() if self.categorical is not None else None,
            "track_categories": self.track_categories,
            "force_categorical": self.force_categorical,
            "unsupported": self.unsupported,
            "distinct_estimate": self.distinct_estimate,
            "text_values": self.text_values,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], settings: ProfileSettings) -> ColumnProfile:
        """A column from its to_dict, under ``settings`` (which set its exact-quantile limit)."""
        column = cls(
            name=str(data["name"]),
            settings=settings,
            rows=int(data["rows"]),
            missing=int(data["missing"]),
            type_counts={str(k): int(v) for k, v in data["type_counts"].items()},
            numeric=NumericSummary.from_dict(data["numeric"]) if data.get("numeric") else None,
            categorical=CategoricalSummary.from_dict(data["categorical"]) if data.get("categorical") else None,
            track_categories=bool(data.get("track_categories", True)),
            force_categorical=bool(data.get("force_categorical", False)),
            unsupported=int(data.get("unsupported", 0)),
            distinct_estimate=data.get("distinct_estimate"),
            text_values=data.get("text_values"),
        )
        if column.numeric is not None:
            column.numeric.quantiles.exact_limit = settings.exact_quantiles
        return column


@dataclass
class Profile:
    """Per-column profiles of one dataset (or one window of it)."""

    columns: dict[str, ColumnProfile] = field(default_factory=dict)
    rows: int = 0
    settings: ProfileSettings = field(default_factory=ProfileSettings)
    source: str | None = None  # what was read, for messages ("3 files under data/")
    messages: list[str] = field(default_factory=list)  # notes from reading (skipped lines)
    origin: str = "driftplane"  # or "sagemaker" for a profile read from statistics.json
    # Every column the data had, in its order, the ones left out of the profile included
    # (features.exclude/include): headerless data is matched to these BY POSITION.
    all_columns: list[str] = field(default_factory=list)
    skipped_records: int = 0  # malformed records the reader skipped

    def __getitem__(self, name: str) -> ColumnProfile:
        return self.columns[name]

    @property
    def column_names(self) -> list[str]:
        return list(self.columns)

    @property
    def layout(self) -> list[str]:
        """The data's columns by position, for naming headerless data: all of them when known."""
        return list(self.all_columns) if self.all_columns else self.column_names

    def forget_text_counts(self) -> None:
        """For data read from a text format (CSV): every value arrived as text, so none is told apart."""
        for column in self.columns.values():
            column.text_values = None

    def note_columns(self, names: Iterable[str]) -> None:
        """Add columns seen in the data (in order) to ``all_columns``."""
        known = set(self.all_columns)
        for name in names:
            if name not in known:
                known.add(name)
                self.all_columns.append(name)

    def merge(self, other: Profile) -> Profile:
        """A new profile of both datasets; neither input changes."""
        merged = Profile.from_dict(self.to_dict())
        merged.merge_in(other)
        return merged

    def merge_in(self, other: Profile) -> None:
        """Add another profile into this one."""
        if self.columns and not self.all_columns:
            self.all_columns = list(self.columns)  # the layout as it was before the other's columns
        rows_before = self.rows
        self.rows += other.rows
        for name, column in self.columns.items():
            if name not in other.columns:  # the other side's rows lacked this column
                column.rows += other.rows
                column.missing += other.rows
        for name, column in other.columns.items():
            if name in self.columns:
                self.columns[name].merge(column)
            else:  # a column this side never had: every row here was missing it
                copy = ColumnProfile.from_dict(column.to_dict(), self.settings)
                copy.rows += rows_before
                copy.missing += rows_before
                self.columns[name] = copy
        self.messages.extend(m for m in other.messages if m not in self.messages)
        self.note_columns(other.layout)
        self.skipped_records += other.skipped_records

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (sketches as base64 of their DataSketches serialization)."""
        return {
            "format": "driftplane-profile",
            "version": PROFILE_FORMAT_VERSION,
            "rows": self.rows,
            "settings": asdict(self.settings),
            "source": self.source,
            "messages": list(self.messages),
            "origin": self.origin,
            "columns": [c.to_dict() for c in self.columns.values()],
            "all_columns": list(self.all_columns),
            "skipped_records": self.skipped_records,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        if data.get("format") != "driftplane-profile":
            raise ValueError("not a driftplane profile (the 'format' key is missing or different)")
        if int(data.get("version", 0)) > PROFILE_FORMAT_VERSION:
            raise ValueError(
                f"profile format version {data['version']} is newer than this driftplane understands "
                f"({PROFILE_FORMAT_VERSION}); upgrade driftplane or recompute the profile"
            )
        settings = ProfileSettings.from_dict(data.get("settings", {}))
        columns = [ColumnProfile.from_dict(c, settings) for c in data["columns"]]
        return cls(
            columns={c.name: c for c in columns},
            rows=int(data["rows"]),
            settings=settings,
            source=data.get("source"),
            messages=list(data.get("messages", [])),
            origin=str(data.get("origin", "driftplane")),
            all_columns=[str(name) for name in data.get("all_columns", [])],
            skipped_records=int(data.get("skipped_records", 0)),
        )

    def to_statistics(self) -> dict[str, Any]:
        """SageMaker's statistics.json as a dict."""
        from driftplane.engine.sagemaker import statistics_from_profile

        return statistics_from_profile(self)

    @classmethod
    def from_statistics(cls, data: dict[str, Any], *, source: str | None = None) -> Profile:
        """A profile from SageMaker's statistics.json (a baseline SageMaker computed)."""
        from driftplane.engine.sagemaker import profile_from_statistics

        return profile_from_statistics(data, source=source)


def merge_profiles(profiles: Iterable[Profile]) -> Profile:
    """One profile of several datasets (or of several chunks of one)."""
    iterator = iter(profiles)
    first = next(iterator, None)
    if first is None:
        return Profile()
    merged = Profile.from_dict(first.to_dict())
    for profile in iterator:
        merged.merge_in(profile)
    return merged
