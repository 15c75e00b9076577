"""JSON Lines: one object per line, parsed a chunk at a time with pyarrow's threaded reader.

A malformed line makes pyarrow reject its whole chunk; only then is the chunk parsed line by
line in Python, the bad lines skipped and counted (``ReadOptions.count_bad``), and the good
ones parsed again. Nested objects become dotted columns. Columns keep the order they are first
seen in the file; a key missing from part of the file is null there.

JSON strings stay the text written: pyarrow's reader would turn strings that look like times
(``"2024-10-27T17:39:31Z"``, ``"2024-10-27"``) into timestamps, so every field it reads as a
time is read again as a string (``TextFields``). JSON numbers and booleans keep their types.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.json as pajson

from driftplane.engine.readers.chunks import LineIndex, TextChunk, first_text_chunk, line_chunks
from driftplane.engine.readers.datafiles import DataFile
from driftplane.engine.readers.options import ReadOptions, SkippedRecords
from driftplane.engine.readers.tables import align_columns, flatten_structs, table_from_rows

BLOCK_BYTES = 1 << 20
NOT_AN_OBJECT = "not a valid JSON object"


def read_jsonl_file(file: DataFile, options: ReadOptions) -> Iterator[pa.RecordBatch]:
    """Stream ``file``'s objects as record batches, skipping and counting malformed lines."""
    known: list[str] = []
    skipped = SkippedRecords(file.display, options, what="malformed line")
    text_fields = TextFields()
    rows = 0
    index = LineIndex(file.open)
    try:
        with file.open() as stream:
            chunks = line_chunks(stream, options.chunk_bytes, index)
            first = first_text_chunk(chunks, file.display, expected="JSON Lines")
            for chunk in _with_first(first, chunks):
                table = parse_json_chunk(chunk, skipped, text_fields)
                if table is None or table.num_rows == 0:
                    continue
                table = align_columns(flatten_structs(table), known)
                rows += table.num_rows
                yield from table.to_batches(max_chunksize=options.batch_rows)
    finally:
        index.close()
    skipped.report()
    if rows == 0 and not skipped.count:
        options.note(f"{file.display} has no rows (only blank lines)")


def _with_first(first: TextChunk, rest: Iterator[TextChunk]) -> Iterator[TextChunk]:
    yield first
    yield from rest


@dataclass
class TextFields:
    """Fields of one file that pyarrow read as times: they are read as strings from then on."""

    types: dict[str, pa.DataType] = field(default_factory=dict)  # top-level field -> its pinned type

    def parse_options(self) -> pajson.ParseOptions | None:
        if not self.types:
            return None
        return pajson.ParseOptions(
            explicit_schema=pa.schema(list(self.types.items())), unexpected_field_behavior="infer"
        )

    def learn(self, schema: pa.Schema) -> bool:
        """Pin every field of ``schema`` that holds a time to text; True when something new was pinned."""
        new = False
        for item in schema:
            pinned = _as_text(item.type)
            if pinned is not None and self.types.get(item.name) != pinned:
                merged = _merge(self.types.get(item.name), pinned)
                if merged != self.types.get(item.name):
                    self.types[item.name] = merged
                    new = True
        return new


def _as_text(kind: pa.DataType) -> pa.DataType | None:
    """The least type that reads ``kind``'s time parts as strings, or None when it has none."""
    if pa.types.is_temporal(kind):
        return pa.string()
    if pa.types.is_struct(kind):
        children = [(child.name, _as_text(child.type)) for child in kind]
        pinned = [pa.field(name, pin) for name, pin in children if pin is not None]
        return pa.struct(pinned) if pinned else None
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        inner = _as_text(kind.value_type)
        return pa.list_(inner) if inner is not None else None
    return None


def _merge(before: pa.DataType | None, now: pa.DataType) -> pa.DataType:
    """Two pinned types of one field together (struct children from both)."""
    if before is None or not (pa.types.is_struct(before) and pa.types.is_struct(now)):
        return now
    children = {child.name: child.type for child in before}
    for child in now:
        children[child.name] = _merge(children.get(child.name), child.type)
    return pa.struct(list(children.items()))


def parse_json_chunk(
    chunk: TextChunk,
    skipped: SkippedRecords,
    text_fields: TextFields | None = None,
) -> pa.Table | None:
    """One chunk of JSON Lines as a table, strings as written; malformed lines skipped and counted."""
    text_fields = text_fields if text_fields is not None else TextFields()
    try:
        table = _read_json(chunk.view, text_fields.parse_options())
    except pa.ArrowInvalid:
        return _parse_line_by_line(chunk, skipped, text_fields)
    if text_fields.learn(table.schema):
        table = _read_json(chunk.view, text_fields.parse_options())
    return table


def _parse_line_by_line(chunk: TextChunk, skipped: SkippedRecords, text_fields: TextFields) -> pa.Table | None:
    """A chunk pyarrow refused (a malformed line, or only blank lines): sort it out line by line."""
    good: list[bytes] = []
    objects: list[dict[str, object]] = []
    bad: list[int] = []
    for number, line in chunk.lines():
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            bad.append(number)
            continue
        if not isinstance(value, dict):
            bad.append(number)
            continue
        good.append(line)
        objects.append(value)
    skipped.add(NOT_AN_OBJECT, bad)
    if not good:
        return None
    data = b"\n".join(good) + b"\n"
    try:
        table = _read_json(data, text_fields.parse_options())
        if text_fields.learn(table.schema):
            table = _read_json(data, text_fields.parse_options())
        return table
    except pa.ArrowInvalid:
        return table_from_rows(objects)  # types that change between lines: mixed columns as text


def _read_json(data: bytes | memoryview, parse_options: pajson.ParseOptions | None) -> pa.Table:
    read_options = pajson.ReadOptions(use_threads=True, block_size=BLOCK_BYTES)
    try:
        return pajson.read_json(
            pa.BufferReader(pa.py_buffer(data)), read_options=read_options, parse_options=parse_options
        )
    except pa.ArrowInvalid as exc:
        if "straddling" not in str(exc) and "block size" not in str(exc):
            raise
    # A line longer than a block: read the chunk as one block.
    read_options = pajson.ReadOptions(use_threads=False, block_size=len(data) + 1)
    return pajson.read_json(pa.BufferReader(pa.py_buffer(data)), read_options=read_options, parse_options=parse_options)
