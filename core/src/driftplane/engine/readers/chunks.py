"""Read a text file in large chunks that end on a line break.

Text formats (CSV, JSON Lines, capture) are parsed a chunk at a time: each chunk is big
enough for pyarrow's multithreaded parser to be fast, and memory stays bounded by the chunk
size whatever the file size. Bytes are read straight into the chunk's buffer (no copies on
the fast path), and line numbers are only counted when a message needs one: counting every
line break of a large file would cost a quarter of the parse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO

UTF8_BOM = b"\xef\xbb\xbf"
_COUNT_BLOCK = 8 << 20


class LineIndex:
    """Line numbers of byte offsets, found by reading the file again, forward, when asked.

    Only error paths ask, in increasing order, so the file is read at most once more.
    """

    def __init__(self, opener: Callable[[], IO[bytes]]) -> None:
        self._open = opener
        self._stream: IO[bytes] | None = None
        self._skip = 0  # bytes dropped before offset 0 (a byte-order mark)
        self._offset = 0  # how far the stream has been counted, in chunk offsets
        self._line = 1

    def skip_prefix(self, size: int) -> None:
        self._skip = size

    def line_at(self, offset: int) -> int:
        """The 1-based line number of the line starting at ``offset``."""
        if self._stream is None or offset < self._offset:
            self.close()
            self._stream = self._open()
            self._stream.read(self._skip)
            self._offset, self._line = 0, 1
        while self._offset < offset:
            block = self._stream.read(min(_COUNT_BLOCK, offset - self._offset))
            if not block:
                break
            self._line += block.count(b"\n")
            self._offset += len(block)
        return self._line

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None


class TextChunk:
    """Whole lines of a file: a view of their bytes, their byte offset, and (lazily) line number."""

    def __init__(
        self, view: memoryview | bytes, offset: int = 0, index: LineIndex | None = None, first_line: int | None = None
    ) -> None:
        self.view = view
        self.offset = offset
        self._index = index
        self._first_line = first_line
        self._bytes: bytes | None = None

    def tail(self, start: int) -> TextChunk:
        """The chunk from byte ``start`` on (after a header line), its line number found when asked."""
        if self._index is not None:
            return TextChunk(self.view[start:], self.offset + start, self._index)
        first = self.first_line + bytes(self.view[:start]).count(b"\n")
        return TextChunk(self.view[start:], self.offset + start, None, first)

    @property
    def data(self) -> bytes:
        """The chunk as bytes (a copy, made once), for the Python paths."""
        if self._bytes is None:
            self._bytes = bytes(self.view)
        return self._bytes

    @property
    def first_line(self) -> int:
        """The 1-based line number of the chunk's first line in the file."""
        if self._first_line is None:
            self._first_line = self._index.line_at(self.offset) if self._index is not None else 1
        return self._first_line

    def relative_lines(self) -> Iterator[tuple[int, bytes]]:
        """Each line (without its line break) with its 0-based position in the chunk."""
        pieces = self.data.split(b"\n")
        if pieces[-1] == b"":
            pieces.pop()  # the break that ends the last line starts no new one
        for position, line in enumerate(pieces):
            yield position, line.rstrip(b"\r")

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """Each line (without its line break) with its line number in the file."""
        first = self.first_line
        for position, line in self.relative_lines():
            yield first + position, line


def line_chunks(stream: IO[bytes], chunk_bytes: int, index: LineIndex | None = None) -> Iterator[TextChunk]:
    """Chunks of about ``chunk_bytes`` that end after a ``\\n`` (the last may not).

    A line longer than ``chunk_bytes`` makes a chunk of its own. A UTF-8 byte-order mark at
    the start is dropped.
    """
    pending = b""
    offset = 0  # of the chunk being filled, after the byte-order mark
    first = True
    while True:
        buffer = bytearray(len(pending) + chunk_bytes)
        buffer[: len(pending)] = pending
        end = len(pending) + _fill(stream, memoryview(buffer)[len(pending) :])
        start = 0
        if first:
            first = False
            if buffer.startswith(UTF8_BOM):
                start = len(UTF8_BOM)
                if index is not None:
                    index.skip_prefix(start)
        if end == len(pending):  # end of file
            if pending:
                yield TextChunk(memoryview(buffer)[:end], offset, index)
            return
        cut = buffer.rfind(b"\n", start, end) + 1
        if cut == 0:  # no line break yet: keep reading
            pending = bytes(buffer[start:end])
            continue
        yield TextChunk(memoryview(buffer)[start:cut], offset, index)
        offset += cut - start
        pending = bytes(buffer[cut:end])


def _fill(stream: IO[bytes], target: memoryview) -> int:
    """Read into ``target`` until it is full or the file ends; the number of bytes read."""
    readinto = getattr(stream, "readinto", None)
    total = 0
    while total < len(target):
        if readinto is not None:
            got = readinto(target[total:])
        else:
            block = stream.read(len(target) - total)
            got = len(block)
            target[total : total + got] = block
        if not got:
            break
        total += got
    return total


def first_text_chunk(chunks: Iterator[TextChunk], display: str, *, expected: str) -> TextChunk:
    """The first chunk of a text file, after checking the file is neither empty nor binary."""
    from driftplane.engine.readers.datafiles import empty_file_error
    from driftplane.engine.readers.sniff import check_text

    first = next(chunks, None)
    if first is None:
        raise empty_file_error(display)
    check_text(bytes(first.view[:65536]), display, expected=expected)
    return first
