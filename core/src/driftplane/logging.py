"""House logging: named loggers, info to stdout, warnings and errors to stderr, all to --log-file.

Library code logs through ``logging.getLogger(__name__)`` and never prints. The CLI calls
``configure`` once. A log line must make sense to someone who did not write the code: say
what happened, to what, and what to do when something is wrong.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

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


def configure(verbosity: int = 0, *, quiet: bool = False, log_file: str | Path | None = None) -> None:
    """Set up handlers for the CLI.

    verbosity 0: info and above; 1 (-v): driftplane debug; 2 (-vv): every library's debug.
    quiet (-q): errors only on the console. log_file: every level, with timestamps.
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
    out = logging.StreamHandler(sys.stdout)
    out.setLevel(console_level)
    out.addFilter(_MaxLevel(logging.WARNING))
    out.setFormatter(formatter)
    err = logging.StreamHandler(sys.stderr)
    err.setLevel(max(console_level, logging.WARNING))
    err.setFormatter(formatter)
    handlers: list[logging.Handler] = [out, err]

    if log_file is not None:
        path = Path(log_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(path, encoding="utf-8")
        file_handler.setLevel(logging.DEBUG)
        file_handler.setFormatter(logging.Formatter(FILE_FORMAT))
        handlers.append(file_handler)

    for handler in handlers:
        if verbosity < 2:
            handler.addFilter(_OwnOrLoud())
        handler._driftplane = True  # type: ignore[attr-defined]
        root.addHandler(handler)

    # Third-party libraries: WARNING on the console unless -vv; the file still gets
    # their warnings, and their debug lines only with -vv.
    third_party_level = logging.DEBUG if verbosity >= 2 else logging.WARNING
    for name in THIRD_PARTY:
        logging.getLogger(name).setLevel(third_party_level)
    logging.captureWarnings(True)


def redact(text: str, secrets: list[str]) -> str:
    """Replace each secret in ``text`` with '***' (URLs with tokens, passwords)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def keep_stdout_for_data() -> None:
    """Send info lines to stderr too, so stdout carries only data (``--json`` output)."""
    for handler in logging.getLogger().handlers:
        if not getattr(handler, "_driftplane", False) or not isinstance(handler, logging.StreamHandler):
            continue
        if handler.stream is sys.stdout:
            handler.setStream(sys.stderr)
