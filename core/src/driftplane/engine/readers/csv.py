"""CSV files, with or without a header, streamed in chunks through pyarrow's threaded parser.

Every field is parsed as text and kept as written; a column becomes int64 or float64 only
where that type holds each value exactly (``readers/text.py``), so an ISO timestamp, ``007``,
``1e5`` or ``True`` reaches the profile as the text the file holds, as SageMaker reads it.
That is decided per chunk: a column of numbers that turns to text (``abc``) later in a big file
is delivered as numbers in the early batches and as text from the chunk where the text
appears. The profile counts each value's type (as SageMaker does), and re-reading a file to
settle one type would double the cost.

A row whose field count differs from the header's (or, headerless, the first row's) is a
malformed record: skipped, counted and named by line (``ReadOptions.count_bad``), as in the
other formats. Lines are found on that path only, with Python's csv module, so the fast path
stays fast.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterator

import pyarrow as pa
import pyarrow.csv as pacsv

from driftplane.engine.arrays import empty_batch
from driftplane.engine.readers.chunks import LineIndex, TextChunk, first_text_chunk, line_chunks
from driftplane.engine.readers.datafiles import DataFile
from driftplane.engine.readers.options import ReadOptions, SkippedRecords, positional_names
from driftplane.engine.readers.text import has_words, is_text, narrow_table
from driftplane.errors import DataError

logger = logging.getLogger(__name__)

BLOCK_BYTES = 2 << 20  # pyarrow block inside a chunk: several per chunk keep both cores busy
HEADER_LINES = 100  # a header may span lines (a quoted name with a line break), up to this many


def read_csv_file(file: DataFile, options: ReadOptions) -> Iterator[pa.RecordBatch]:
    """Stream ``file`` as record batches; DataError for anything a person must fix."""
    index = LineIndex(file.open)
    parser = CsvChunkParser(file, options)
    try:
        with file.open() as stream:
            chunks = line_chunks(stream, options.chunk_bytes, index)
            first = first_text_chunk(chunks, file.display, expected="CSV")
            yield from parser.first(first)
            for chunk in chunks:
                yield from parser.more(chunk)
            if parser.rows == 0 and options.header:
                yield parser.no_rows()
    finally:
        index.close()
    parser.finish()


class CsvChunkParser:
    """Parses chunks of one file with the same column names and notes type changes."""

    def __init__(self, file: DataFile, options: ReadOptions) -> None:
        self.file = file
        self.options = options
        self.names: list[str] = []
        self.parse_names: list[str] = []  # unique names handed to pyarrow
        self.numbers: set[int] = set()  # columns read as numbers in some chunk
        self.words: set[int] = set()  # columns with text that is no number in some chunk
        self.noted_mixed: set[int] = set()
        self.schema: pa.Schema | None = None
        self.rows = 0
        self.skipped = SkippedRecords(file.display, options, what="malformed row")
        options.stats.text_format = True

    def first(self, chunk: TextChunk) -> Iterator[pa.RecordBatch]:
        """The chunk holding the file's first line: the header (or the first row) sets the columns."""
        fields, end = self._first_line(chunk)
        if self.options.header:
            self.names = fields
            chunk = chunk.tail(end)
        else:
            self.names = positional_names(len(fields), self.options, self.file.display)
        self.parse_names = [f"f{i}" for i in range(len(self.names))]
        self.schema = pa.schema([(name, pa.string()) for name in self.names])
        yield from self.more(chunk)

    def no_rows(self) -> pa.RecordBatch:
        """An empty batch with the header's columns, and a message: a file of headers only."""
        self.options.note(
            f"{self.file.display} has a header ({', '.join(self.names[:10])}"
            f"{', ...' if len(self.names) > 10 else ''}) but no rows"
        )
        return empty_batch(self.schema)

    def more(self, chunk: TextChunk) -> Iterator[pa.RecordBatch]:
        if not chunk.view:
            return
        table = self._parse(chunk)
        yield from self._batches(narrow_table(table.rename_columns(self.names)), chunk)

    def finish(self) -> None:
        """Describe the rows skipped in this file (once, when it has been read)."""
        self.skipped.report()

    def _first_line(self, chunk: TextChunk) -> tuple[list[str], int]:
        """The fields of the file's first CSV row (quotes removed) and the byte where it ends."""
        view = chunk.view
        end = 0
        problem: pa.ArrowInvalid | None = None
        for _ in range(HEADER_LINES):
            found = chunk.data.find(b"\n", end)
            end = len(view) if found == -1 else found + 1
            try:
                table = pacsv.read_csv(
                    pa.py_buffer(view[:end]),
                    read_options=pacsv.ReadOptions(use_threads=False),
                    parse_options=pacsv.ParseOptions(delimiter=self.options.delimiter, newlines_in_values=True),
                )
            except pa.ArrowInvalid as exc:
                problem = exc
                if end >= len(view):
                    break
                continue
            if table.num_rows == 0:
                return table.column_names, end
            problem = None
            break
        if problem is not None and "Empty CSV file" in str(problem):
            raise DataError(f"{self.file.display} has only blank lines; remove it or write data to it")
        if problem is not None and ("invalid UTF8" in str(problem) or "UTF-8" in str(problem)):
            raise DataError(f"{self.file.display} is not UTF-8 text; save it as UTF-8 (CSV is read as UTF-8)")
        raise DataError(
            f"{self.file.display}:{chunk.first_line}: the first row could not be read as CSV"
            f"{f' ({problem})' if problem is not None else ''}; check the quoting and the delimiter "
            f"({self.options.delimiter!r})"
        )

    def _parse(self, chunk: TextChunk) -> pa.Table:
        """The chunk's rows as text columns; rows with a wrong field count are skipped and counted.

        pyarrow is asked to skip such rows only once it has refused the chunk: its handler
        for them is a Python call that slows every chunk down.
        """
        try:
            return self._read(chunk, None)
        except pa.ArrowInvalid as exc:
            if "Expected" not in str(exc) or "columns, got" not in str(exc):
                raise self._explain(exc, chunk) from None
        invalid: list[str] = []

        def skip(row: pacsv.InvalidRow) -> str:
            invalid.append(row.text)
            return "skip"

        try:
            table = self._read(chunk, skip)
        except pa.ArrowInvalid as exc:
            raise self._explain(exc, chunk) from None
        if invalid:
            self._skip_rows(chunk, len(invalid))
        return table

    def _read(self, chunk: TextChunk, on_invalid: Callable[[pacsv.InvalidRow], str] | None) -> pa.Table:
        return pacsv.read_csv(
            pa.py_buffer(chunk.view),
            read_options=pacsv.ReadOptions(use_threads=True, block_size=BLOCK_BYTES, column_names=self.parse_names),
            parse_options=pacsv.ParseOptions(delimiter=self.options.delimiter, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(self.parse_names, pa.string()),
                strings_can_be_null=True,
                null_values=[""],
            ),
        )

    def _skip_rows(self, chunk: TextChunk, count: int) -> None:
        expected = len(self.names)
        reference = "the header's" if self.options.header else "the first row's"
        lines = _rows_with_other_field_counts(chunk, self.options.delimiter, expected)
        if len(lines) != count:  # pyarrow and Python's csv module disagree: name the chunk's start
            lines = [chunk.first_line] * count
        self.skipped.add(f"their field count is not {reference} {expected}", lines)

    def _batches(self, table: pa.Table, chunk: TextChunk) -> Iterator[pa.RecordBatch]:
        if table.num_rows == 0:
            return
        self.rows += table.num_rows
        self._note_type_changes(table, chunk)
        if table.column(0).num_chunks > 1 if table.num_columns else False:
            table = table.combine_chunks()  # one batch per pyarrow block would be too small
        yield from table.to_batches(max_chunksize=self.options.batch_rows)

    def _note_type_changes(self, table: pa.Table, chunk: TextChunk) -> None:
        """Say when a column holds numbers in one part of the file and words in another.

        Numbers written differently (``007``, ``3`` beside ``3.5``) stay text but are numbers
        all the same: only text that is no number (a String or Boolean to SageMaker) counts.
        """
        for index, kind in enumerate(table.schema.types):
            if pa.types.is_null(kind) or index in self.noted_mixed:
                continue
            if is_text(kind):
                if index not in self.words and has_words(table.column(index)):
                    self.words.add(index)
            else:
                self.numbers.add(index)
            if index in self.words and index in self.numbers:
                self.noted_mixed.add(index)
                now = "text" if is_text(kind) else "numbers"
                self.options.note(
                    f"{self.file.display}: column '{self.names[index]}' holds both numbers and text "
                    f"(the part from line {chunk.first_line} on was read as {now}); "
                    "each value's type is counted, so a data-type check will show the share"
                )

    def _explain(self, exc: pa.ArrowInvalid, chunk: TextChunk) -> Exception:
        """Turn pyarrow's message into one that names the file and the line."""
        message = str(exc)
        where = self.file.display
        if "invalid UTF8" in message or "UTF-8" in message:
            return DataError(f"{where} is not UTF-8 text; save it as UTF-8 (CSV is read as UTF-8)")
        return DataError(f"{where}: could not be read as CSV (near line {chunk.first_line}): {message}")


def _rows_with_other_field_counts(chunk: TextChunk, delimiter: str, expected: int) -> list[int]:
    """The lines of rows whose field count differs from ``expected``."""
    text = chunk.data.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    found: list[int] = []
    line_before = 0
    for row in reader:
        start_line = chunk.first_line + line_before
        line_before = reader.line_num
        if row and len(row) != expected:  # blank lines are skipped, as pyarrow does
            found.append(start_line)
    return found
