"""Where the data is: turn a DataSource's ``data`` string into a list of files to read.

A local path, a directory, a glob or a remote URI (s3://, gs://, az://, abfs://, memory://)
all go through fsspec, so listing and opening work the same everywhere. Local files are
still handed to pyarrow by path (its native I/O is faster than a Python file object).

Errors here are the ones users meet first (a typo in a path, a missing cloud package), so
each names the path and says what to do.
"""

from __future__ import annotations

import logging
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import fsspec
from fsspec.core import split_protocol
from fsspec.spec import AbstractFileSystem

from driftplane.errors import DataError

logger = logging.getLogger(__name__)

# protocol -> (package that implements it, driftplane extra that installs it)
REMOTE_PACKAGES: dict[str, tuple[str, str]] = {
    "s3": ("s3fs", "s3"),
    "s3a": ("s3fs", "s3"),
    "gs": ("gcsfs", "gcs"),
    "gcs": ("gcsfs", "gcs"),
    "az": ("adlfs", "abfs"),
    "abfs": ("adlfs", "abfs"),
    "abfss": ("adlfs", "abfs"),
    "adl": ("adlfs", "abfs"),
}
GLOB_CHARS = frozenset("*?[")
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz", ".zst", ".zstd")


@dataclass(frozen=True)
class DataFile:
    """One file to read: where it is, how big, and how to open it."""

    path: str  # the path as the filesystem knows it (no protocol for remote ones)
    size: int | None
    fs: AbstractFileSystem
    display: str  # how to name it in messages (the URI for remote files)

    @property
    def is_local(self) -> bool:
        return is_local_filesystem(self.fs)

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)

    def open(self) -> IO[bytes]:
        """A binary file object; compressed files (.gz, .bz2, ...) are decompressed on the fly."""
        try:
            return self.fs.open(self.path, "rb", compression="infer")
        except FileNotFoundError:
            raise DataError(f"{self.display}: the file disappeared while reading; run again") from None
        except PermissionError as exc:
            raise DataError(f"{self.display}: permission denied ({exc}); check who may read it") from None
        except OSError as exc:
            raise DataError(f"{self.display}: could not be opened: {exc}") from None


def is_local_filesystem(fs: AbstractFileSystem) -> bool:
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return protocol in ("file", "local")


def is_remote_uri(data: str) -> bool:
    """True for ``scheme://...`` other than file://."""
    protocol, _ = split_protocol(data)
    return protocol is not None and protocol not in ("file", "local")


def absolute_location(data: str, base_dir: Path | None) -> str:
    """``data`` with relative local paths made absolute against ``base_dir`` (else cwd)."""
    if is_remote_uri(data):
        return data
    protocol, path = split_protocol(data)
    path = os.path.expanduser(path)
    if not os.path.isabs(path):
        path = os.path.join(str(base_dir) if base_dir is not None else os.getcwd(), path)
    return os.path.normpath(path) if protocol is None else f"{protocol}://{os.path.normpath(path)}"


def filesystem_for(location: str, storage_options: dict[str, Any] | None = None) -> tuple[AbstractFileSystem, str]:
    """The fsspec filesystem for ``location`` and the path inside it.

    A missing cloud package becomes a DataError with the exact install command, in the
    style fsspec itself uses ("Install s3fs to access S3").
    """
    protocol, _ = split_protocol(location)
    protocol = protocol or "file"
    try:
        fs, path = fsspec.core.url_to_fs(location, **(storage_options or {}))
    except ImportError as exc:
        raise DataError(install_hint(protocol, exc)) from None
    except ValueError as exc:
        if "Protocol not known" in str(exc):
            raise DataError(
                f"{location}: unknown URI scheme '{protocol}://'; use a local path or one of "
                f"s3://, gs://, az://, abfs://, memory://"
            ) from None
        raise DataError(f"{location}: could not set up the filesystem: {exc}") from None
    except TypeError as exc:  # an unknown storage option
        raise DataError(
            f"{location}: storage_options were not accepted by the {protocol}:// filesystem: {exc}"
        ) from None
    return fs, path


def install_hint(protocol: str, cause: BaseException | None = None) -> str:
    """The message for a URI whose filesystem package is not installed."""
    package, extra = REMOTE_PACKAGES.get(protocol, (None, None))
    if package is None:
        detail = f" ({cause})" if cause else ""
        return f"Reading {protocol}:// URIs needs a package that is not installed{detail}"
    return f"Install {package} to read {protocol}:// URIs: pip install 'driftplane[{extra}]'"


def display_path(fs: AbstractFileSystem, path: str) -> str:
    """How to name a file in a message: plain for local files, a URI for remote ones."""
    if is_local_filesystem(fs):
        return path
    return fs.unstrip_protocol(path)


def is_hidden(path: str) -> bool:
    """Files tools write beside data (_SUCCESS, .crc, .DS_Store) are not data."""
    name = posixpath.basename(path.rstrip("/"))
    return name.startswith((".", "_"))


def where_relative_paths_start(data: str, base_dir: Path | None) -> str:
    """The part of a 'not found' message that explains relative paths."""
    if is_remote_uri(data) or os.path.isabs(os.path.expanduser(split_protocol(data)[1])):
        return ""
    start = str(base_dir) if base_dir is not None else os.getcwd()
    kind = "the spec file's directory" if base_dir is not None else "the current directory"
    return f" (relative paths start from {start}, {kind})"


def list_files(
    fs: AbstractFileSystem, path: str, *, data: str, base_dir: Path | None
) -> tuple[list[DataFile], str]:
    """Files at ``path``: the file itself, every file under a directory, or a glob's matches.

    Returns the files (hidden ones dropped, sorted) and what kind of location it was
    ("file", "directory" or "glob"). Raises DataError when nothing is there.
    """
    if any(c in path for c in GLOB_CHARS):
        try:
            found = fs.glob(path, detail=True)
        except FileNotFoundError:
            found = {}
        except OSError as exc:
            raise DataError(f"{display_path(fs, path)}: could not list files: {exc}") from None
        files = [
            _data_file(fs, p, info)
            for p, info in sorted(found.items())
            if info.get("type") != "directory" and not is_hidden(p)
        ]
        return files, "glob"
    try:
        info = fs.info(path)
    except FileNotFoundError:
        raise DataError(
            f"data not found: {display_path(fs, path)}{where_relative_paths_start(data, base_dir)}"
        ) from None
    except PermissionError as exc:
        raise DataError(f"{display_path(fs, path)}: permission denied ({exc})") from None
    except OSError as exc:
        raise DataError(f"{display_path(fs, path)}: could not be read: {exc}") from None
    if info.get("type") == "directory":
        try:
            found = fs.find(path, detail=True)
        except OSError as exc:
            raise DataError(f"{display_path(fs, path)}: could not list the directory: {exc}") from None
        root = path.rstrip("/")
        files = [
            _data_file(fs, p, i)
            for p, i in sorted(found.items())
            if i.get("type") != "directory" and not _hidden_below(p, root)
        ]
        return files, "directory"
    return [_data_file(fs, path, info)], "file"


def _hidden_below(path: str, root: str) -> bool:
    """Hidden if the file or any directory between ``root`` and it is hidden (Spark's _temporary)."""
    relative = path[len(root) :].strip("/") if path.startswith(root) else path
    return any(part.startswith((".", "_")) for part in relative.split("/"))


def _data_file(fs: AbstractFileSystem, path: str, info: dict[str, Any]) -> DataFile:
    size = info.get("size")
    return DataFile(path=path, size=int(size) if size is not None else None, fs=fs, display=display_path(fs, path))


def strip_compression(name: str) -> str:
    """``x.csv.gz`` -> ``x.csv``: the format is decided by the extension under the compression."""
    lower = name.lower()
    for suffix in COMPRESSION_SUFFIXES:
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


def empty_file_error(display: str) -> DataError:
    """What to say about a data file with no bytes at all."""
    return DataError(f"{display} is empty (0 bytes); remove it or write data to it")
