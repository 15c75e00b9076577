"""House logging: named loggers, info to stdout, warnings and errors to stderr, all to --log-file.

Library code logs through ``logging.getLogger(__name__)`` and never prints. The CLI calls
``configure`` once. A log line must make sense to someone who did not write the code: say
what happened, to what, and what to do when something is wrong.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path
from typing import TextIO

from driftplane.atomic import storage_error, writing
from driftplane.errors import StorageError

# Cloud SDK and HTTP loggers stay quiet unless -vv asks for them.
THIRD_PARTY = (
    "botocore",
    "boto3",
    "s3transfer",
    "urllib3",
    "azure",
    "msal",
    "google",
    "grpc",
    "fsspec",
    "s3fs",
    "gcsfs",
    "adlfs",
    "asyncio",
    "py4j",
    "pyspark",
    "filelock",
)
# Set by spark-submit (and pyspark's shells) in the environment of the Python program it starts.
SPARK_SUBMIT_ENV = "PYSPARK_GATEWAY_PORT"
_launcher_stream: TextIO | None = None  # spark-submit's own stderr, once opened
FILE_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class _ConsoleFormatter(logging.Formatter):
    """Plain message for info; 'warning:' / 'error:' prefixes; logger name when debugging."""

    def __init__(self, show_names: bool) -> None:
        super().__init__()
        self.show_names = show_names

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and self.show_names:
            message += "\n" + self.formatException(record.exc_info)
        if record.levelno >= logging.ERROR:
            prefix = "error: "
        elif record.levelno >= logging.WARNING:
            prefix = "warning: "
        elif record.levelno < logging.INFO:
            prefix = "debug: "
        else:
            prefix = ""
        name = f"[{record.name}] " if self.show_names and record.levelno < logging.INFO else ""
        return f"{prefix}{name}{message}"


class _MaxLevel(logging.Filter):
    def __init__(self, below: int) -> None:
        super().__init__()
        self.below = below

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno < self.below


class _OwnOrLoud(logging.Filter):
    """Let through driftplane's records, and other libraries' only at WARNING or above."""

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name == "root" or record.name.startswith(("driftplane", "py.warnings"))
        return own or record.levelno >= logging.WARNING


class _ConsoleHandler(logging.StreamHandler):
    """A console stream. When the OS refuses a write (stdout redirected to a full disk), the
    line is dropped quietly: the CLI reports a failed stdout once, as an error, rather than
    logging printing its own traceback for every line."""

    def handleError(self, record: logging.LogRecord) -> None:
        if isinstance(sys.exc_info()[1], OSError | StorageError):
            return
        super().handleError(record)


class _LogFileHandler(logging.FileHandler):
    """--log-file: every level, with timestamps. When the file cannot be written (a full
    disk, a quota), says so once as an error on the console and stops trying, instead of
    printing logging's own traceback for every line; the CLI then exits with code 3."""

    failure: StorageError | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.failure is None:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        exc = sys.exc_info()[1]
        if self.failure is not None or not isinstance(exc, OSError):
            super().handleError(record)
            return
        self.failure = storage_error(
            exc,
            "the log file",
            self.baseFilename,
            kept="Log lines after this one are not in that file.",
            instead="give --log-file another place",
        )
        logging.getLogger(__name__).error("%s", self.failure)


    def close(self) -> None:
        try:
            super().close()
        except OSError:  # the last buffered lines could not be written; said when the file failed
            if self.failure is None:
                raise


def log_file_failure() -> StorageError | None:
    """Why the --log-file could not be written, once that happened; None while it works."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _LogFileHandler) and handler.failure is not None:
            return handler.failure
    return None


def configure(verbosity: int = 0, *, quiet: bool = False, log_file: str | Path | None = None) -> None:
    """Set up handlers for the CLI.

    verbosity 0: info and above; 1 (-v): driftplane debug; 2 (-vv): every library's debug.
    quiet (-q): errors only on the console. log_file: every level, with timestamps.
    Raises StorageError when the log file cannot be opened (after the console is set up, so
    the error can be shown).
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_driftplane", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.DEBUG)

    if quiet:
        console_level = logging.ERROR
    elif verbosity >= 1:
        console_level = logging.DEBUG
    else:
        console_level = logging.INFO

    formatter = _ConsoleFormatter(show_names=verbosity >= 1)
    out = _ConsoleHandler(sys.stdout)
    out.setLevel(console_level)
    out.addFilter(_MaxLevel(logging.WARNING))
    out.setFormatter(formatter)
    err = _ConsoleHandler(sys.stderr)
    err.setLevel(max(console_level, logging.WARNING))
    err.setFormatter(formatter)

    def add(handler: logging.Handler) -> None:
        if verbosity < 2:
            handler.addFilter(_OwnOrLoud())
        handler._driftplane = True  # type: ignore[attr-defined]
        root.addHandler(handler)

    add(out)
    add(err)
    # Third-party libraries: WARNING on the console unless -vv; the file still gets
    # their warnings, and their debug lines only with -vv.
    third_party_level = logging.DEBUG if verbosity >= 2 else logging.WARNING
    for name in THIRD_PARTY:
        logging.getLogger(name).setLevel(third_party_level)
    logging.captureWarnings(True)

    if log_file is not None:
        path = Path(log_file)
        with writing("the log file", path, kept="Nothing was run.", instead="give --log-file another place"):
            path.parent.mkdir(parents=True, exist_ok=True)
            file_handler = _LogFileHandler(path, encoding="utf-8")
        file_handler.setLevel(logging.DEBUG)
        file_handler.setFormatter(logging.Formatter(FILE_FORMAT))
        add(file_handler)


def redact(text: str, secrets: list[str]) -> str:
    """Replace each secret in ``text`` with '***' (URLs with tokens, passwords)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def keep_stdout_for_data() -> None:
    """Send info lines to stderr too, so stdout carries only data (``--json`` output).

    Under spark-submit, Python's stderr is not the console's: spark-submit merges it into
    its own stdout (its PythonRunner redirects the error stream), so log lines would land in
    the middle of the JSON. The console lines then go to spark-submit's own stderr instead,
    and where that cannot be opened, only errors stay on the console (the --log-file keeps all).
    """
    console = sys.stderr
    merged = _stderr_merged_into_stdout()
    if merged:
        console = _launcher_stderr() or console
    for handler in logging.getLogger().handlers:
        if not getattr(handler, "_driftplane", False) or not isinstance(handler, logging.StreamHandler):
            continue
        if isinstance(handler, logging.FileHandler):
            continue
        if handler.stream in (sys.stdout, sys.stderr):
            handler.setStream(console)
            if merged and console is sys.stderr:
                handler.setLevel(max(handler.level, logging.ERROR))


def _same_file(a: int, b: int) -> bool:
    first, second = os.fstat(a), os.fstat(b)
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def _stderr_merged_into_stdout() -> bool:
    """True in a Python program spark-submit started, whose stderr is piped into its stdout."""
    if SPARK_SUBMIT_ENV not in os.environ:
        return False
    try:
        return _same_file(sys.stdout.fileno(), sys.stderr.fileno()) and stat.S_ISFIFO(os.fstat(1).st_mode)
    except (OSError, ValueError, AttributeError):  # not real files (a test's capture)
        return False


def _launcher_stderr() -> TextIO | None:
    """The stderr of the process that started this one (spark-submit's JVM), opened for appending,
    when it is a terminal, pipe or socket other than this process's stdout (Linux's /proc; None
    elsewhere)."""
    global _launcher_stream
    if _launcher_stream is not None:
        return _launcher_stream
    try:
        path = f"/proc/{os.getppid()}/fd/2"
        stream = open(path, "a", encoding="utf-8", errors="replace", buffering=1)  # noqa: SIM115 - kept open
    except OSError:
        return None
    try:
        # A regular file there is written at the launcher's own offset, which lines appended
        # here would be overwritten by; a terminal, pipe or socket is safe to share.
        if _same_file(stream.fileno(), sys.stdout.fileno()) or stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            stream.close()
            return None
    except (OSError, ValueError):
        stream.close()
        return None
    _launcher_stream = stream
    return stream
