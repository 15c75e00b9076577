"""CSV files, with or without a header, streamed in chunks through pyarrow's threaded parser.

Each chunk is parsed on its own, so a column's type is inferred per chunk: a column of
numbers that turns to text ("abc") later in a big file is delivered as int64 in the early
batches and as strings from the chunk where the text appears. That is deliberate: the
profile counts each value's type (as SageMaker does), and re-reading a file to settle one
type would double the cost. A string column is never cast to numbers.

Errors a person can act on (a row with too many fields, bytes that are not text) are found
and located on the error path only, with Python's csv module, so the fast path stays fast.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.csv as pacsv

from driftplane.engine.readers.chunks import LineIndex, TextChunk, first_text_chunk, line_chunks
from driftplane.engine.readers.files import DataFile
from driftplane.engine.readers.options import ReadOptions, positional_names
from driftplane.errors import DataError

logger = logging.getLogger(__name__)

_FIELD_COUNT = re.compile(r"Expected (\d+) columns, got (\d+)")
BLOCK_BYTES = 2 << 20  # pyarrow block inside a chunk: several per chunk keep both cores busy


def read_csv_file(file: DataFile, options: ReadOptions) -> Iterator[pa.RecordBatch]:
    """Stream ``file`` as record batches; DataError for anything a person must fix."""
    index = LineIndex(file.open)
    try:
        with file.open() as stream:
            chunks = line_chunks(stream, options.chunk_bytes, index)
            first = first_text_chunk(chunks, file.display, expected="CSV")
            reader = CsvChunkParser(file, options)
            yield from reader.first(first)
            for chunk in chunks:
                yield from reader.more(chunk)
            if reader.rows == 0 and options.header:
                yield reader.no_rows()
    finally:
        index.close()


class CsvChunkParser:
    """Parses chunks of one file with the same column names and notes type changes."""

    def __init__(self, file: DataFile, options: ReadOptions) -> None:
        self.file = file
        self.options = options
        self.names: list[str] = []
        self.parse_names: list[str] = []  # unique names handed to pyarrow for later chunks
        self.kinds: dict[int, str] = {}  # column index -> "number"/"text" seen so far
        self.noted_mixed: set[int] = set()
        self.schema: pa.Schema | None = None
        self.rows = 0

    def first(self, chunk: TextChunk) -> Iterator[pa.RecordBatch]:
        header = self.options.header
        read_options = pacsv.ReadOptions(
            use_threads=True, block_size=BLOCK_BYTES, autogenerate_column_names=not header
        )
        table = self._parse(chunk, read_options, header_line=header)
        if header:
            self.names = table.column_names
        else:
            self.names = positional_names(table.num_columns, self.options, self.file.display)
        self.parse_names = [f"f{i}" for i in range(table.num_columns)]
        table = table.rename_columns(self.names)
        self.schema = table.schema
        yield from self._batches(table, chunk)

    def no_rows(self) -> pa.RecordBatch:
        """An empty batch with the header's columns, and a message: a file of headers only."""
        self.options.note(
            f"{self.file.display} has a header ({', '.join(self.names[:10])}"
            f"{', ...' if len(self.names) > 10 else ''}) but no rows"
        )
        return pa.RecordBatch.from_pylist([], schema=self.schema)

    def more(self, chunk: TextChunk) -> Iterator[pa.RecordBatch]:
        read_options = pacsv.ReadOptions(use_threads=True, block_size=BLOCK_BYTES, column_names=self.parse_names)
        try:
            table = self._parse(chunk, read_options, header_line=False)
        except BlankChunk:
            return
        yield from self._batches(table.rename_columns(self.names), chunk)

    def _parse(self, chunk: TextChunk, read_options: pacsv.ReadOptions, *, header_line: bool) -> pa.Table:
        parse_options = pacsv.ParseOptions(delimiter=self.options.delimiter)
        convert_options = pacsv.ConvertOptions(strings_can_be_null=True)
        try:
            return pacsv.read_csv(
                pa.py_buffer(chunk.view),
                read_options=read_options,
                parse_options=parse_options,
                convert_options=convert_options,
            )
        except pa.ArrowInvalid as exc:
            raise self._explain(exc, chunk, header_line=header_line) from None

    def _batches(self, table: pa.Table, chunk: TextChunk) -> Iterator[pa.RecordBatch]:
        if table.num_rows == 0:
            return
        self.rows += table.num_rows
        self._note_type_changes(table, chunk)
        if table.column(0).num_chunks > 1 if table.num_columns else False:
            table = table.combine_chunks()  # one batch per pyarrow block would be too small
        yield from table.to_batches(max_chunksize=self.options.batch_rows)

    def _note_type_changes(self, table: pa.Table, chunk: TextChunk) -> None:
        """Say when a column holds numbers in one part of the file and text in another."""
        for index, kind in enumerate(table.schema.types):
            if pa.types.is_null(kind):
                continue
            now = "text" if pa.types.is_string(kind) or pa.types.is_large_string(kind) else "number"
            before = self.kinds.setdefault(index, now)
            if before != now and index not in self.noted_mixed:
                self.noted_mixed.add(index)
                self.options.note(
                    f"{self.file.display}: column '{self.names[index]}' holds both numbers and text "
                    f"(the part from line {chunk.first_line} on was read as {now}); "
                    "each value's type is counted, so a data-type check will show the share"
                )

    def _explain(self, exc: pa.ArrowInvalid, chunk: TextChunk, *, header_line: bool) -> Exception:
        """Turn pyarrow's message into one that names the file and the line."""
        message = str(exc)
        where = self.file.display
        if "Empty CSV file" in message:
            if chunk.offset > 0:
                return BlankChunk()
            return DataError(f"{where} has only blank lines; remove it or write data to it")
        counts = _FIELD_COUNT.search(message)
        if counts:
            expected = int(counts.group(1))
            located = _find_bad_row(chunk, self.options.delimiter, expected)
            if located is not None:
                line, fields, text = located
                reference = "the header has" if self.options.header else "the first row has"
                return DataError(
                    f"{where}:{line}: this row has {fields} fields but {reference} {expected} "
                    f"({_shorten(text)}); fix or remove the row, or check the delimiter "
                    f"({self.options.delimiter!r})"
                )
            return DataError(f"{where}: a row has {counts.group(2)} fields where {expected} were expected: {message}")
        if "invalid UTF8" in message or "UTF-8" in message:
            return DataError(f"{where} is not UTF-8 text; save it as UTF-8 (CSV is read as UTF-8)")
        return DataError(f"{where}: could not be read as CSV (near line {chunk.first_line}): {message}")


class BlankChunk(Exception):
    """A later chunk holding only blank lines: nothing to parse, nothing wrong."""


def _find_bad_row(chunk: TextChunk, delimiter: str, expected: int) -> tuple[int, int, str] | None:
    """The first row whose field count differs from ``expected``: (line, fields, text)."""
    text = chunk.data.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line_before = 0
    for row in reader:
        start_line = chunk.first_line + line_before
        line_before = reader.line_num
        if not row:
            continue  # blank lines are skipped, as pyarrow does
        if len(row) != expected:
            return start_line, len(row), delimiter.join(row)
    return None


def _shorten(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")
