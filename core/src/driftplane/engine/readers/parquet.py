"""Parquet files, streamed row group by row group with ``ParquetFile.iter_batches``.

Parquet needs no parsing and carries its own types, so this is the fast path: local files are
opened by path with pyarrow's native I/O, remote ones through the fsspec file object.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from driftplane.engine.arrays import empty_batch
from driftplane.engine.readers.datafiles import DataFile
from driftplane.engine.readers.options import ReadOptions
from driftplane.engine.readers.sniff import describe_binary
from driftplane.errors import DataError


def read_parquet_file(file: DataFile, options: ReadOptions) -> Iterator[pa.RecordBatch]:
    """Stream ``file`` as record batches of at most ``options.batch_rows`` rows."""
    if file.is_local:
        yield from _read(file, file.path, options)
        return
    try:
        handle = file.fs.open(file.path, "rb")
    except OSError as exc:
        raise DataError(f"{file.display}: could not be opened: {exc}") from None
    with handle:
        yield from _read(file, handle, options)


def _read(file: DataFile, source: object, options: ReadOptions) -> Iterator[pa.RecordBatch]:
    try:
        # pre_buffer keeps every row group read so far in memory until the file closes
        # (1.15 GB after iterating a 10M-row file); buffered reads keep memory flat.
        parquet = pq.ParquetFile(source, pre_buffer=False, buffer_size=1 << 20)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(_not_parquet(file, exc)) from None
    if parquet.metadata.num_rows == 0:
        options.note(f"{file.display} has columns ({', '.join(parquet.schema_arrow.names[:10])}) but no rows")
        yield empty_batch(parquet.schema_arrow)
        return
    try:
        yield from parquet.iter_batches(batch_size=options.batch_rows, use_threads=True)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"{file.display}: the Parquet data is damaged and could not be read: {exc}") from None


def _not_parquet(file: DataFile, exc: Exception) -> str:
    """Say what the file is when it is not Parquet (a CSV named .parquet, an image)."""
    try:
        with file.fs.open(file.path, "rb") as handle:
            head = handle.read(64)
    except OSError:
        head = b""
    if head.startswith(b"PAR1"):
        return f"{file.display} starts like Parquet but could not be read (damaged or cut short?): {exc}"
    what = describe_binary(head)
    if what is None and head:
        try:
            head.decode("utf-8")
            what = "text (CSV or JSON? set format: csv or jsonl, or rename the file)"
        except UnicodeDecodeError:
            what = None
    if what is not None:
        return f"{file.display} does not look like Parquet: it looks like {what}"
    return f"{file.display} could not be read as Parquet: {exc}"
