"""Opening the state directory's SQLite database safely: identify, migrate, translate errors.

Why so careful: the database is the only memory the local provider has (history, alert
state, undelivered notifications). A file from another program, or from a newer
driftplane, must be refused with a message instead of being reused; an older one is
backed up and migrated; and SQLite's terse errors ("database or disk is full") become
DataErrors that say which file, what happened, and what to do.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from driftplane.atomic import writing
from driftplane.errors import DataError
from driftplane.local.schema import APPLICATION_ID, LATEST_VERSION, MIGRATIONS
from driftplane.local.settings import STATE_ELSEWHERE

logger = logging.getLogger(__name__)

DATABASE_NAME = "driftplane.db"
DEFAULT_BUSY_TIMEOUT = 30.0


def driftplane_version() -> str:
    """The installed driftplane's version, recorded with each run and named in errors."""
    from driftplane import __version__

    return __version__


def iso(value: datetime) -> str:
    """A fixed-width UTC timestamp, so text order is time order in SQL."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str | None) -> datetime | None:
    """The inverse of ``iso``."""
    return None if text is None else datetime.fromisoformat(text)


def explain_sqlite_error(exc: sqlite3.Error, path: Path, action: str) -> DataError:
    """A DataError that says what failed in words a person can act on."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        hint = (
            f"the disk (or a file-size limit) is full. The history is unchanged: free space in "
            f"{path.parent} and run again"
        )
    elif name.startswith("SQLITE_BUSY") or "database is locked" in text:
        hint = (
            "another driftplane process kept the database locked for too long; wait for it to "
            "finish and run again"
        )
    elif name.startswith("SQLITE_NOTADB") or "not a database" in text:
        hint = (
            "the file is not a driftplane history database; move it away or set "
            "providers.local.state_dir to another directory"
        )
    elif name.startswith("SQLITE_CORRUPT") or "malformed" in text:
        hint = (
            "the database file is damaged; restore it from a backup (driftplane keeps "
            f"{DATABASE_NAME}.v<N>.bak before each migration) or move it away to start a new history"
        )
    elif name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")):
        hint = f"driftplane may not write there; check the permissions of {path.parent}"
    elif name.startswith("SQLITE_IOERR") or "I/O error" in text:
        hint = (
            f"the operating system refused to read or write the file (full disk, file-size "
            f"limit or a failing device); the history is unchanged. Check {path.parent} and run again"
        )
    else:
        hint = "see the SQLite message above"
    return DataError(f"{path}: could not {action}: {text} ({hint})")


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


class Database:
    """One connection to the state database, with transactions that are all-or-nothing.

    Safe to share between threads: every use takes the same lock. Separate processes
    coordinate through SQLite's own locking (WAL mode, a busy timeout).
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self.path = path
        self._lock = threading.RLock()

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        create: bool = True,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> Database:
        """Open (and when needed create or migrate) the database at ``path``."""
        if not path.exists():
            if not create:
                raise DataError(f"there is no history database at {path}")
            with writing("the state directory", path.parent, kept="Nothing was recorded.", instead=STATE_ELSEWHERE):
                path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = sqlite3.connect(
                path, isolation_level=None, timeout=busy_timeout, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise explain_sqlite_error(exc, path, "open the history database") from exc
        database = cls(connection, path)
        try:
            database._prepare()
        except sqlite3.Error as exc:
            connection.close()
            raise explain_sqlite_error(exc, path, "open the history database") from exc
        except DataError:
            connection.close()
            raise
        return database

    def _prepare(self) -> None:
        conn = self._connection
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if application_id != APPLICATION_ID:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            if application_id != 0 or version != 0 or tables:
                raise DataError(
                    f"{self.path} is a SQLite database, but not driftplane's (application id "
                    f"{application_id}, tables: {', '.join(tables) or 'none'}); driftplane will not "
                    "reuse it. Move it away or set providers.local.state_dir to another directory."
                )
        if version > LATEST_VERSION:
            raise DataError(
                f"{self.path} was written by a newer driftplane: its history schema is version "
                f"{version}, and this driftplane ({driftplane_version()}) knows versions 1 to "
                f"{LATEST_VERSION}. Upgrade driftplane (pip install -U driftplane), or set "
                "providers.local.state_dir to another directory to start a separate history."
            )
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            logger.warning(
                "the history database %s could not use write-ahead logging (journal mode is %s; "
                "network file systems often refuse it); runs of different monitors will wait "
                "for each other",
                self.path,
                mode,
            )
        # FULL: a committed run survives a power cut, not only a crash; runs are few.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if version < LATEST_VERSION:
            self._migrate()

    def _migrate(self) -> None:
        conn = self._connection
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > 0:
            # Backed up before the write transaction: SQLite's backup cannot read a database
            # its own connection is writing.
            backup = self.path.with_name(f"{self.path.name}.v{version}.bak")
            target = sqlite3.connect(backup)
            try:
                conn.backup(target)
            finally:
                target.close()
            logger.info(
                "upgrading the history database %s from schema version %d to %d; "
                "the old one is kept as %s",
                self.path,
                version,
                LATEST_VERSION,
                backup,
            )
        with self.transaction():
            # Read again under the write lock: another process may have migrated meanwhile.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= LATEST_VERSION:
                return
            for script in MIGRATIONS[version:]:
                for statement in _statements(script):
                    conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {LATEST_VERSION}")

    @property
    def version(self) -> int:
        """The schema version of the open database."""
        with self._lock:
            return int(self._connection.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: everything in it is committed together or not at all.

        BEGIN IMMEDIATE takes the write lock up front, so two processes never both read,
        then both try to write and one fails half-way.
        """
        with self._lock:
            conn = self._connection
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection for reads (a consistent snapshot per statement)."""
        with self._lock:
            yield self._connection

    def close(self) -> None:
        """Close the connection; committed data is already on disk."""
        with self._lock:
            self._connection.close()
