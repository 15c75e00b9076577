"""Sums of floats kept exactly, so merged partial sums equal the sum of everything, bit for bit.

A float64 is an integer mantissa times a power of two, so a sum of floats is an integer
multiple of 2^-1074 (the smallest subnormal). ``ExactSums`` keeps each sum as that integer:
numpy reads every value's bits as its mantissa (in two 26/27-bit halves, which
float64 adds without rounding for up to 2^25 values at a time) and exponent, ``bincount``
adds the halves per group and exponent, and the few per-exponent totals are added as Python
integers. Adding in any order, in any batches, on any number of machines gives the same
integer; the float read back is that exact sum correctly rounded. That is what makes
MAE, MSE, log loss and R² mergeable exactly, like counts, while costing a few numpy passes
per batch (about the price of ``np.sum`` three times).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

SCALE = 1074  # sums are integers in units of 2^-1074, the smallest subnormal
_MANTISSA_MASK = (1 << 52) - 1
_HALF_BITS = 26
_CHUNK = 1 << 25  # values per bincount: |Σ half mantissas| stays below 2^53
_SPLITTER = 134217729.0  # 2^27 + 1, Veltkamp's constant for float64


class ExactSums:
    """Exact sums of float64 values in ``groups`` groups (one per fold, class, bin...)."""

    __slots__ = ("totals",)

    def __init__(self, groups: int = 1) -> None:
        self.totals = [0] * groups

    @property
    def groups(self) -> int:
        return len(self.totals)

    def add(self, values: np.ndarray, groups: np.ndarray | None = None) -> None:
        """Add finite ``values`` (float64), each to its group (default: group 0)."""
        values = np.asarray(values, dtype=np.float64)
        if values.size == 0:
            return
        for start in range(0, values.size, _CHUNK):
            part = values[start : start + _CHUNK]
            where = None if groups is None else groups[start : start + _CHUNK]
            self._add_chunk(part, where)

    def _add_chunk(self, values: np.ndarray, groups: np.ndarray | None) -> None:
        bits = np.ascontiguousarray(values).view(np.int64)
        exponents = (bits >> 52) & 0x7FF  # biased; 0 for zero and subnormals
        mantissas = bits & _MANTISSA_MASK
        mantissas |= (exponents > 0).astype(np.int64) << 52  # the implicit leading bit
        np.negative(mantissas, out=mantissas, where=bits < 0)
        np.maximum(exponents, 1, out=exponents)  # value = mantissa * 2^(exponent - 1075)
        low_exponent = int(exponents.min())
        span = int(exponents.max()) - low_exponent + 1
        keys = exponents - low_exponent
        if groups is not None:
            keys += np.asarray(groups, dtype=np.int64) * span
        high = mantissas >> _HALF_BITS  # floor division, also for negative values
        low = mantissas - (high << _HALF_BITS)  # in [0, 2^26)
        length = span * len(self.totals)
        high_sums = np.bincount(keys, weights=high.astype(np.float64), minlength=length)
        low_sums = np.bincount(keys, weights=low.astype(np.float64), minlength=length)
        for key in np.flatnonzero((high_sums != 0) | (low_sums != 0)).tolist():
            group, offset = divmod(key, span)
            mantissa_sum = (int(high_sums[key]) << _HALF_BITS) + int(low_sums[key])
            self.totals[group] += mantissa_sum << (low_exponent + offset - 1)

    def add_products(
        self, left: np.ndarray, right: np.ndarray, groups: np.ndarray | None = None
    ) -> None:
        """Add the exact products ``left * right`` (no rounding of the products either)."""
        for term in exact_product_terms(left, right):
            self.add(term, groups)

    def merge(self, other: ExactSums) -> None:
        if other.groups != self.groups:
            raise ValueError(
                f"cannot merge sums of {other.groups} groups into sums of {self.groups}"
            )
        self.totals = [a + b for a, b in zip(self.totals, other.totals, strict=True)]

    def exact(self, group: int | None = None) -> Fraction:
        """The exact sum of one group, or of all groups."""
        total = sum(self.totals) if group is None else self.totals[group]
        return Fraction(total, 1 << SCALE)

    def value(self, group: int | None = None) -> float:
        """The sum of one group (or all), correctly rounded to float64."""
        total = sum(self.totals) if group is None else self.totals[group]
        try:
            return total / (1 << SCALE)
        except OverflowError:
            return float("inf") if total > 0 else float("-inf")

    def to_list(self) -> list[str]:
        """Each total as compact text: ``"<hex odd part>p<power of two>"`` ("0" for zero)."""
        return [_encode(total) for total in self.totals]

    @classmethod
    def from_list(cls, items: list[str]) -> ExactSums:
        sums = cls(len(items))
        sums.totals = [_decode(item) for item in items]
        return sums


def _encode(total: int) -> str:
    if total == 0:
        return "0"
    shift = (total & -total).bit_length() - 1
    odd = total >> shift
    return f"{odd:x}p{shift}" if odd >= 0 else f"-{-odd:x}p{shift}"


def _decode(text: str) -> int:
    if text == "0":
        return 0
    digits, _, shift = text.partition("p")
    negative = digits.startswith("-")
    odd = int(digits.lstrip("-"), 16)
    total = odd << int(shift)
    return -total if negative else total


def exact_product_terms(left: np.ndarray, right: np.ndarray) -> list[np.ndarray]:
    """Floats whose exact sum is each ``left * right`` (Dekker's two-product by Veltkamp's split).

    Values beyond 1e150 in magnitude would overflow the split; their products are taken as
    rounded (a note-worthy loss only for data far outside any model's range).
    """
    left = np.asarray(left, dtype=np.float64)
    right = np.asarray(right, dtype=np.float64)
    product = left * right
    with np.errstate(over="ignore", invalid="ignore"):
        left_high, left_low = _split(left)
        right_high, right_low = _split(right)
        error = (
            (left_high * right_high - product) + left_high * right_low + left_low * right_high
        ) + left_low * right_low
    error = np.where(np.isfinite(error), error, 0.0)
    return [product, error]


def _split(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scaled = _SPLITTER * values
    high = scaled - (scaled - values)
    return high, values - high
