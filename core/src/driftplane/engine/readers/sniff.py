"""Tell a text file from something else before parsing it.

A PNG renamed ``.csv`` would otherwise reach the CSV parser and fail with a message about
column counts that says nothing useful. Looking at the first bytes costs nothing and lets
the error say what the file is.
"""

from __future__ import annotations

from driftplane.errors import DataError

# Leading bytes of formats people mistake for data files, and what to call them.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Excel .xlsx workbook)"),
    (b"\x1f\x8b", "gzip-compressed data (name it .gz to have it decompressed)"),
    (b"PAR1", "a Parquet file (set format: parquet or name it .parquet)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook"),
    (b"SQLite format 3", "a SQLite database"),
)


def describe_binary(sample: bytes) -> str | None:
    """What the bytes look like when they are not text, else None."""
    for magic, name in MAGIC:
        if sample.startswith(magic):
            return name
    if b"\x00" in sample:
        return "binary data (it contains NUL bytes)"
    return None


def check_text(sample: bytes, where: str, *, expected: str) -> None:
    """Raise DataError when ``sample`` (the file's first bytes) is not UTF-8 text."""
    binary = describe_binary(sample)
    if binary is not None:
        raise DataError(f"{where} does not look like {expected}: it looks like {binary}")
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":
            return  # a character cut in half where the sample ends
        raise DataError(
            f"{where} does not look like {expected}: byte {exc.start} is not UTF-8 text; "
            "save the file as UTF-8"
        ) from None
