"""An exact, mergeable streaming histogram on a power-of-two grid.

A one-pass profile cannot know a column's range before it has seen it, so bins cannot be
fixed up front. Here bin i covers [i * 2^e, (i + 1) * 2^e): when values fall outside the
current bins, e grows until everything fits in ``max_bins`` bins and neighbouring bins are
added together, which loses nothing because the coarser grid's lines are lines of the finer
one. The exponent depends only on the range seen, so profiling A + B in one pass and merging
the profiles of A and B give the same bins and the same counts.

A target is counted on its baseline's grid (``fixed``): values outside it go to ``below`` /
``above``, so target histograms on the baseline's edges are exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

_MIN_EXPONENT = -1000  # grid for a column of zeros
_MANTISSA_BITS = 52  # bin indices stay exact integers


def _bins_spanned(lo: float, hi: float, exponent: int) -> int:
    step = math.ldexp(1.0, exponent)
    return math.floor(hi / step) - math.floor(lo / step) + 1


def exponent_for(lo: float, hi: float, max_bins: int) -> int:
    """The finest grid exponent whose bins cover [lo, hi] in at most ``max_bins`` bins."""
    magnitude = max(abs(lo), abs(hi))
    floor_for_precision = (math.frexp(magnitude)[1] - _MANTISSA_BITS) if magnitude > 0 else _MIN_EXPONENT
    span = hi - lo
    guess = math.frexp(span / max_bins)[1] - 1 if span > 0 else _MIN_EXPONENT
    exponent = max(guess, floor_for_precision, _MIN_EXPONENT)
    while _bins_spanned(lo, hi, exponent) > max_bins:
        exponent += 1
    return exponent


@dataclass
class GridHistogram:
    """Counts of finite values on the grid [i * 2^exponent, (i + 1) * 2^exponent)."""

    max_bins: int = 2048
    exponent: int | None = None  # None until the first value
    start: int = 0  # index of counts[0]
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    fixed: bool = False  # counted on a reference grid: never regrids
    below: int = 0  # fixed grids only: values below the first bin
    above: int = 0  # fixed grids only: values above the last bin

    @classmethod
    def on_grid_of(cls, reference: GridHistogram) -> GridHistogram:
        """An empty histogram on the reference's bins, for counting a target against a baseline."""
        return cls(
            max_bins=reference.max_bins,
            exponent=reference.exponent,
            start=reference.start,
            counts=np.zeros(len(reference.counts), dtype=np.int64),
            fixed=True,
        )

    @property
    def total(self) -> int:
        return int(self.counts.sum()) + self.below + self.above

    @property
    def width(self) -> float:
        return math.ldexp(1.0, self.exponent) if self.exponent is not None else float("nan")

    def edges(self) -> np.ndarray:
        """The len(counts) + 1 bin edges."""
        if self.exponent is None:
            return np.zeros(0)
        return np.ldexp(np.arange(self.start, self.start + len(self.counts) + 1, dtype=np.float64), self.exponent)

    def update(self, values: np.ndarray) -> None:
        """Count finite float64 values."""
        if len(values) == 0:
            return
        if self.fixed:
            self._update_fixed(values)
            return
        lo, hi = float(values.min()), float(values.max())
        if self.exponent is not None and len(self.counts):
            step = self.width
            lo = min(lo, self.start * step)
            hi = max(hi, (self.start + len(self.counts) - 1) * step)
        needed = exponent_for(lo, hi, self.max_bins)
        self._regrid(needed if self.exponent is None else max(needed, self.exponent))
        assert self.exponent is not None
        index = np.floor(np.ldexp(values, -self.exponent)).astype(np.int64)
        first = int(index.min())
        self._extend(first, int(index.max()))
        self.counts += np.bincount(index - self.start, minlength=len(self.counts))

    def _update_fixed(self, values: np.ndarray) -> None:
        if self.exponent is None or len(self.counts) == 0:
            self.above += len(values)  # the reference had no finite values: nothing is inside
            return
        scaled = np.floor(np.ldexp(values, -self.exponent)) - self.start
        inside = (scaled >= 0) & (scaled < len(self.counts))
        below = int(np.count_nonzero(scaled < 0))
        self.below += below
        self.above += len(values) - below - int(np.count_nonzero(inside))
        if inside.all():
            self.counts += np.bincount(scaled.astype(np.int64), minlength=len(self.counts))
        else:
            self.counts += np.bincount(scaled[inside].astype(np.int64), minlength=len(self.counts))

    def _regrid(self, exponent: int) -> None:
        """Move to a coarser (or the first) grid, adding neighbouring bins together."""
        if self.exponent is None or len(self.counts) == 0:
            self.exponent = exponent
            return
        if exponent == self.exponent:
            return
        shift = exponent - self.exponent
        old_index = np.arange(self.start, self.start + len(self.counts), dtype=np.int64)
        new_index = old_index >> shift if shift < 63 else np.where(old_index < 0, -1, 0)
        new_start = int(new_index[0])
        self.counts = np.bincount(new_index - new_start, weights=self.counts).astype(np.int64)
        self.start = new_start
        self.exponent = exponent

    def _extend(self, first: int, last: int) -> None:
        if len(self.counts) == 0:
            self.start = first
            self.counts = np.zeros(last - first + 1, dtype=np.int64)
            return
        new_start = min(self.start, first)
        new_end = max(self.start + len(self.counts) - 1, last)
        if new_start == self.start and new_end == self.start + len(self.counts) - 1:
            return
        grown = np.zeros(new_end - new_start + 1, dtype=np.int64)
        grown[self.start - new_start : self.start - new_start + len(self.counts)] = self.counts
        self.counts = grown
        self.start = new_start

    def merge(self, other: GridHistogram) -> None:
        """Add another histogram's counts (both adaptive, or both on the same fixed grid)."""
        if other.exponent is None or other.total == 0:
            return
        if self.fixed or other.fixed:
            if self.exponent != other.exponent or self.start != other.start or len(self.counts) != len(other.counts):
                raise ValueError("histograms counted on different baseline grids cannot be merged")
            self.counts = self.counts + other.counts
            self.below += other.below
            self.above += other.above
            return
        if self.exponent is None or len(self.counts) == 0:
            self.exponent, self.start, self.counts = other.exponent, other.start, other.counts.copy()
            return
        lo = min(self.start * self.width, other.start * other.width)
        hi = max(
            (self.start + len(self.counts) - 1) * self.width,
            (other.start + len(other.counts) - 1) * other.width,
        )
        exponent = max(exponent_for(lo, hi, self.max_bins), self.exponent, other.exponent)
        self._regrid(exponent)
        theirs = GridHistogram(self.max_bins, other.exponent, other.start, other.counts.copy())
        theirs._regrid(exponent)
        self._extend(theirs.start, theirs.start + len(theirs.counts) - 1)
        offset = theirs.start - self.start
        self.counts[offset : offset + len(theirs.counts)] += theirs.counts

    def coarse(self, bins: int, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
        """About ``bins`` equal-width bins over [lo, hi], their edges on this grid; (edges, counts).

        Edges are grid lines, so the counts are sums of whole grid bins: exact.
        """
        fine_edges = self.edges()
        if len(self.counts) == 0:
            return np.zeros(0), np.zeros(0, dtype=np.int64)
        wanted = np.linspace(lo, hi, bins + 1)
        positions = np.clip(np.rint((wanted - fine_edges[0]) / self.width), 0, len(self.counts)).astype(np.int64)
        positions[0], positions[-1] = 0, len(self.counts)
        positions = np.unique(positions)
        counts = np.add.reduceat(self.counts, positions[:-1]) if len(positions) > 1 else self.counts.sum(keepdims=True)
        return fine_edges[positions], counts.astype(np.int64)

    def to_dict(self) -> dict[str, object]:
        nonzero = np.flatnonzero(self.counts)
        return {
            "max_bins": self.max_bins,
            "exponent": self.exponent,
            "start": self.start,
            "size": len(self.counts),
            "index": nonzero.tolist(),
            "counts": self.counts[nonzero].tolist(),
            "fixed": self.fixed,
            "below": self.below,
            "above": self.above,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> GridHistogram:
        counts = np.zeros(int(data["size"]), dtype=np.int64)  # type: ignore[call-overload]
        counts[np.asarray(data["index"], dtype=np.int64)] = np.asarray(data["counts"], dtype=np.int64)
        exponent = data["exponent"]
        return cls(
            max_bins=int(data["max_bins"]),  # type: ignore[call-overload]
            exponent=None if exponent is None else int(exponent),  # type: ignore[call-overload]
            start=int(data["start"]),  # type: ignore[call-overload]
            counts=counts,
            fixed=bool(data["fixed"]),
            below=int(data["below"]),  # type: ignore[call-overload]
            above=int(data["above"]),  # type: ignore[call-overload]
        )

    @classmethod
    def from_weighted(
        cls, values: np.ndarray, weights: np.ndarray, lo: float, hi: float, max_bins: int
    ) -> GridHistogram:
        """An approximate histogram from a sketch's weighted values (baselines read from SageMaker files)."""
        hist = cls(max_bins=max_bins)
        if len(values) == 0:
            return hist
        hist._regrid(exponent_for(lo, hi, max_bins))
        assert hist.exponent is not None
        index = np.floor(np.ldexp(values, -hist.exponent)).astype(np.int64)
        first = math.floor(lo / hist.width)
        hist._extend(first, math.floor(hi / hist.width))
        index = np.clip(index, hist.start, hist.start + len(hist.counts) - 1)
        hist.counts = np.rint(np.bincount(index - hist.start, weights=weights, minlength=len(hist.counts))).astype(
            np.int64
        )
        return hist
