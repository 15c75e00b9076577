"""Read a text file in large chunks that end on a line break.

Text formats (CSV, JSON Lines, capture) are parsed a chunk at a time: each chunk is big
enough for pyarrow's multithreaded parser to be fast, and memory stays bounded by the chunk
size whatever the file size. Each chunk knows the line number it starts at, so errors can
name the line in the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class TextChunk:
    """Whole lines of a file: the bytes and the 1-based line number of the first one."""

    data: bytes
    first_line: int

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """Each line (without its line break) with its line number in the file."""
        pieces = self.data.split(b"\n")
        if pieces[-1] == b"":
            pieces.pop()  # the break that ends the last line starts no new one
        for offset, line in enumerate(pieces):
            yield self.first_line + offset, line.rstrip(b"\r")


def line_chunks(stream: IO[bytes], chunk_bytes: int) -> Iterator[TextChunk]:
    """Chunks of about ``chunk_bytes`` that end after a ``\\n`` (the last may not).

    A line longer than ``chunk_bytes`` makes a chunk of its own. A UTF-8 byte-order mark at
    the start is dropped.
    """
    line = 1
    pending = b""
    first = True
    while True:
        block = stream.read(chunk_bytes)
        if first:
            first = False
            if block.startswith(UTF8_BOM):
                block = block[len(UTF8_BOM) :]
        if not block:
            if pending:
                yield TextChunk(pending, line)
            return
        data = pending + block if pending else block
        cut = data.rfind(b"\n") + 1
        if cut == 0:  # no line break yet: keep reading
            pending = data
            continue
        chunk, pending = data[:cut], data[cut:]
        yield TextChunk(chunk, line)
        line += chunk.count(b"\n")
