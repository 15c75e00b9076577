"""profile_stream: record batches in, a Profile out, with columns spread over the machine's cores.

Column updates run in a thread pool (pyarrow.compute and numpy release the GIL for the
heavy loops) while the main thread decodes the next batch, so reading and profiling
overlap. Each column is updated by one task per batch, in batch order.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pyarrow as pa

from driftplane.engine.profile import ColumnProfile, Profile, ProfileSettings
from driftplane.engine.readers import TIMESTAMP_COLUMN
from driftplane.errors import DataError
from driftplane.resolved import FeaturePolicy

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int], None]
COALESCE_ROWS = 131_072  # small batches (CSV blocks of ~1 MB) are joined up to this many rows


def coalesce(batches: Iterable[pa.RecordBatch], min_rows: int = COALESCE_ROWS) -> Iterator[pa.RecordBatch]:
    """Join consecutive small batches of one schema: per-batch overhead dominates below ~100k rows.

    Batches whose schemas differ (a column typed int in one file and string in the next)
    are never joined.
    """
    pending: list[pa.RecordBatch] = []
    rows = 0
    for batch in batches:
        if pending and not batch.schema.equals(pending[0].schema):
            yield _joined(pending)
            pending, rows = [], 0
        pending.append(batch)
        rows += batch.num_rows
        if rows >= min_rows:
            yield _joined(pending)
            pending, rows = [], 0
    if pending:
        yield _joined(pending)


def _joined(batches: list[pa.RecordBatch]) -> pa.RecordBatch:
    if len(batches) == 1:
        return batches[0]
    joined = pa.Table.from_batches(batches).combine_chunks().to_batches()
    return joined[0] if len(joined) == 1 else batches[0]


def _update_column(column: ColumnProfile, array: pa.Array | pa.ChunkedArray) -> None:
    try:
        column.update(array)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, ValueError, TypeError) as exc:
        raise DataError(
            f"column '{column.name}' ({array.type}): its values could not be profiled: {exc}. "
            "Check the column's values, or exclude it with features.exclude."
        ) from exc


def profile_stream(
    batches: Iterable[pa.RecordBatch],
    *,
    reference: Profile | None = None,
    features: FeaturePolicy | None = None,
    settings: ProfileSettings | None = None,
    categorical: Collection[str] = (),
    threads: int | None = None,
    progress: ProgressCallback | None = None,
    source: str | None = None,
) -> Profile:
    """Profile a stream of record batches (a reader's DataStream or any iterable of batches).

    reference: the baseline's profile; numeric histograms are then counted on its bins and
        categories exactly against its categories.
    features: which columns to profile (include / exclude); the virtual timestamp column
        is never profiled.
    categorical: columns to count categories of even when they hold floats.
    threads: worker threads (default: the machine's cores; 1 runs inline).
    progress: called with the number of rows profiled so far after each batch.
    """
    settings = settings or (reference.settings if reference is not None else ProfileSettings())
    profile = Profile(settings=settings, source=source)
    forced = set(categorical)
    workers = threads if threads is not None else (os.cpu_count() or 1)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="driftplane-profile") if workers > 1 else None
    pending: list[Future[None]] = []
    try:
        for batch in coalesce(batches):
            names = batch.schema.names
            if len(set(names)) != len(names):
                duplicated = sorted({n for n in names if names.count(n) > 1})
                raise DataError(
                    f"{source or 'the data'}: column name(s) {', '.join(repr(n) for n in duplicated)} "
                    "appear more than once; give every column a distinct name"
                )
            for future in pending:  # the previous batch's updates; the read above overlapped them
                future.result()
            profile.note_columns(name for name in names if name != TIMESTAMP_COLUMN)
            work: list[tuple[ColumnProfile, pa.Array]] = []
            for index, name in enumerate(names):
                if name == TIMESTAMP_COLUMN or (features is not None and not features.selected(name)):
                    continue
                column = profile.columns.get(name)
                if column is None:
                    ref_column = reference.columns.get(name) if reference is not None else None
                    column = ColumnProfile.new(name, settings, ref_column, force_categorical=name in forced)
                    if profile.rows:  # rows before this column appeared lacked it
                        column.rows = column.missing = profile.rows
                    profile.columns[name] = column
                work.append((column, batch.column(index)))
            present = set(names)
            for name, column in profile.columns.items():
                if name not in present:
                    column.rows += batch.num_rows
                    column.missing += batch.num_rows
            if pool is None:
                for column, array in work:
                    _update_column(column, array)
                pending = []
            else:
                pending = [pool.submit(_update_column, column, array) for column, array in work]
            profile.rows += batch.num_rows
            if progress is not None:
                progress(profile.rows)
        for future in pending:
            future.result()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    stats = getattr(batches, "stats", None)
    if stats is not None:
        profile.messages.extend(getattr(stats, "messages", []))
        profile.skipped_records += int(getattr(stats, "bad_lines", 0))
    logger.debug("profiled %d rows x %d columns of %s", profile.rows, len(profile.columns), source or "a stream")
    return profile
