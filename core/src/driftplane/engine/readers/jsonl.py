"""JSON Lines: one object per line, parsed a chunk at a time with pyarrow's threaded reader.

A malformed line makes pyarrow reject its whole chunk; only then is the chunk parsed line by
line in Python, the bad lines counted in ``stats.bad_lines`` and skipped, and the good ones
parsed again. Nested objects become dotted columns. Columns keep the order they are first
seen in the file; a key missing from part of the file is null there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.json as pajson

from driftplane.engine.readers.chunks import LineIndex, TextChunk, first_text_chunk, line_chunks
from driftplane.engine.readers.files import DataFile
from driftplane.engine.readers.options import ReadOptions, list_line_numbers
from driftplane.engine.readers.tables import align_columns, flatten_structs, table_from_rows

BLOCK_BYTES = 1 << 20


def read_jsonl_file(file: DataFile, options: ReadOptions) -> Iterator[pa.RecordBatch]:
    """Stream ``file``'s objects as record batches, skipping and counting malformed lines."""
    known: list[str] = []
    bad_lines: list[int] = []
    rows = 0
    index = LineIndex(file.open)
    try:
        with file.open() as stream:
            chunks = line_chunks(stream, options.chunk_bytes, index)
            first = first_text_chunk(chunks, file.display, expected="JSON Lines")
            for chunk in _with_first(first, chunks):
                table = parse_json_chunk(chunk, bad_lines)
                if table is None or table.num_rows == 0:
                    continue
                table = align_columns(flatten_structs(table), known)
                rows += table.num_rows
                yield from table.to_batches(max_chunksize=options.batch_rows)
    finally:
        index.close()
    report_bad_lines(file, bad_lines, options, what="JSON object")
    if rows == 0 and not bad_lines:
        options.note(f"{file.display} has no rows (only blank lines)")


def _with_first(first: TextChunk, rest: Iterator[TextChunk]) -> Iterator[TextChunk]:
    yield first
    yield from rest


def parse_json_chunk(
    chunk: TextChunk,
    bad_lines: list[int],
    *,
    parse_options: pajson.ParseOptions | None = None,
) -> pa.Table | None:
    """One chunk of JSON Lines as a table; malformed lines go to ``bad_lines``."""
    try:
        return _read_json(chunk.view, parse_options)
    except pa.ArrowInvalid:
        pass  # a malformed line, or only blank lines: sort it out line by line
    good: list[bytes] = []
    objects: list[dict[str, object]] = []
    for number, line in chunk.lines():
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            bad_lines.append(number)
            continue
        if not isinstance(value, dict):
            bad_lines.append(number)
            continue
        good.append(line)
        objects.append(value)
    if not good:
        return None
    try:
        return _read_json(b"\n".join(good) + b"\n", parse_options)
    except pa.ArrowInvalid:
        return table_from_rows(objects)  # types that change between lines: mixed columns as text


def _read_json(data: bytes | memoryview, parse_options: pajson.ParseOptions | None) -> pa.Table:
    read_options = pajson.ReadOptions(use_threads=True, block_size=BLOCK_BYTES)
    try:
        return pajson.read_json(pa.BufferReader(pa.py_buffer(data)), read_options=read_options, parse_options=parse_options)
    except pa.ArrowInvalid as exc:
        if "straddling" not in str(exc) and "block size" not in str(exc):
            raise
    # A line longer than a block: read the chunk as one block.
    read_options = pajson.ReadOptions(use_threads=False, block_size=len(data) + 1)
    return pajson.read_json(pa.BufferReader(pa.py_buffer(data)), read_options=read_options, parse_options=parse_options)


def report_bad_lines(file: DataFile, bad_lines: list[int], options: ReadOptions, *, what: str) -> None:
    """Count skipped lines and leave a message naming the file and the first few lines."""
    if not bad_lines:
        return
    bad_lines.sort()
    options.stats.bad_lines += len(bad_lines)
    count = len(bad_lines)
    options.note(
        f"{file.display}: skipped {count} malformed line{'s' if count > 1 else ''} "
        f"(not a valid {what}): {list_line_numbers(bad_lines)}"
    )
