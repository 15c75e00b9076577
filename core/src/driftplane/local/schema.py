"""The history database's schema, as an ordered list of migrations.

``PRAGMA application_id`` marks a file as driftplane's (so someone else's SQLite file is
never reused) and ``PRAGMA user_version`` says how many migrations it has had. To change the
schema, append a migration: never edit one that has shipped, because databases in the
field were built by it.
"""

from __future__ import annotations

# "DPLN" as a big-endian 32-bit integer: what `sqlite3 driftplane.db 'PRAGMA application_id'`
# shows for a driftplane database.
APPLICATION_ID = 0x44504C4E

# Each entry takes a database from version i to i+1 (index i). Run inside one transaction.
MIGRATIONS: tuple[str, ...] = (
    # 1: runs and their per-feature metrics. One row per (monitor, window): a rerun of a
    # window replaces the earlier run, as its report directory does. sort_time is the
    # window's end (or the record time for runs without a window) so "the last N runs" and
    # a feature's trend are single indexed range scans.
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        monitor TEXT NOT NULL,
        window_start TEXT,
        window_end TEXT,
        sort_time TEXT NOT NULL,
        status TEXT NOT NULL,
        rows_baseline INTEGER NOT NULL,
        rows_target INTEGER NOT NULL,
        features INTEGER NOT NULL,
        features_drifted INTEGER NOT NULL,
        violations INTEGER NOT NULL,
        duration_seconds REAL,
        started_at TEXT,
        recorded_at TEXT NOT NULL,
        reports TEXT NOT NULL,
        driftplane_version TEXT NOT NULL,
        result TEXT NOT NULL
    );
    CREATE UNIQUE INDEX runs_by_window ON runs (monitor, window_start, window_end);
    CREATE INDEX runs_by_time ON runs (monitor, sort_time);
    CREATE TABLE feature_metrics (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        monitor TEXT NOT NULL,
        feature TEXT NOT NULL,
        sort_time TEXT NOT NULL,
        window_end TEXT,
        kind TEXT NOT NULL,
        metric TEXT,
        value REAL,
        threshold REAL,
        effective_threshold REAL,
        drifted INTEGER NOT NULL,
        PRIMARY KEY (run_id, feature)
    );
    CREATE INDEX feature_trend ON feature_metrics (monitor, feature, sort_time, run_id);
    """,
    # 2: alerts. alert_state remembers whether each alert of each monitor is firing, so a
    # notification goes out when a condition starts and when it resolves, not at every
    # run. deliveries is an outbox: a notification is stored before it is sent and removed
    # once a channel accepted it, so a failed or interrupted delivery is retried at the
    # monitor's next run. Neither table holds a channel's URL or password.
    """
    CREATE TABLE alert_state (
        monitor TEXT NOT NULL,
        alert_key TEXT NOT NULL,
        alert_name TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('ok', 'firing')),
        since TEXT NOT NULL,
        reason TEXT NOT NULL,
        last_window_end TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (monitor, alert_key)
    );
    CREATE TABLE deliveries (
        id TEXT PRIMARY KEY,
        monitor TEXT NOT NULL,
        alert_key TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        channel_name TEXT NOT NULL,
        event TEXT NOT NULL CHECK (event IN ('firing', 'resolved')),
        notification TEXT NOT NULL,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_at TEXT,
        last_error TEXT
    );
    CREATE INDEX deliveries_by_monitor ON deliveries (monitor, created_at);
    """,
)

LATEST_VERSION = len(MIGRATIONS)
