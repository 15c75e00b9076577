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
    # 3: model quality. A window's performance is judged more than once (provisional while
    # labels land, final once they have), and every judgement is kept: runs holds only the
    # window's latest result, so judgements live in their own table, not tied to a runs row
    # (replacing the run must not delete them). The latest judgement of a window (highest
    # id) is its current one. performance_metrics has one row per metric of a judgement,
    # realised and estimated apart, so a metric's trend is one indexed scan. Runs recorded
    # before this version that already carry performance are copied in as their judgement.
    """
    CREATE TABLE performance_judgements (
        id INTEGER PRIMARY KEY,
        monitor TEXT NOT NULL,
        window_start TEXT,
        window_end TEXT,
        sort_time TEXT NOT NULL,
        judged TEXT NOT NULL,
        problem_type TEXT NOT NULL,
        predictions INTEGER NOT NULL,
        labelled INTEGER NOT NULL,
        coverage REAL,
        failed_metrics INTEGER NOT NULL,
        recorded_at TEXT NOT NULL,
        performance TEXT NOT NULL
    );
    CREATE INDEX performance_by_window ON performance_judgements (monitor, sort_time, window_start, id);
    CREATE TABLE performance_metrics (
        judgement_id INTEGER NOT NULL REFERENCES performance_judgements (id) ON DELETE CASCADE,
        monitor TEXT NOT NULL,
        metric TEXT NOT NULL,
        estimated INTEGER NOT NULL,
        sort_time TEXT NOT NULL,
        window_end TEXT,
        judged TEXT NOT NULL,
        value REAL,
        baseline REAL,
        lower REAL,
        upper REAL,
        threshold REAL,
        direction TEXT,
        failed INTEGER NOT NULL,
        PRIMARY KEY (judgement_id, metric, estimated)
    );
    CREATE INDEX performance_trend ON performance_metrics (monitor, metric, sort_time, judgement_id);
    INSERT INTO performance_judgements (monitor, window_start, window_end, sort_time, judged, problem_type,
        predictions, labelled, coverage, failed_metrics, recorded_at, performance)
    SELECT monitor, window_start, window_end, sort_time,
        json_extract(result, '$.performance.judged'),
        json_extract(result, '$.performance.problem_type'),
        json_extract(result, '$.performance.coverage.predictions'),
        json_extract(result, '$.performance.coverage.labelled'),
        json_extract(result, '$.performance.coverage.share'),
        (SELECT COUNT(*) FROM json_each(runs.result, '$.performance.metrics') AS m
         WHERE json_extract(m.value, '$.failed')),
        recorded_at,
        json_extract(result, '$.performance')
    FROM runs WHERE json_type(result, '$.performance') = 'object' ORDER BY sort_time, id;
    INSERT INTO performance_metrics (judgement_id, monitor, metric, estimated, sort_time, window_end, judged,
        value, baseline, lower, upper, threshold, direction, failed)
    SELECT j.id, j.monitor, json_extract(m.value, '$.name'), COALESCE(json_extract(m.value, '$.estimated'), 0),
        j.sort_time, j.window_end, j.judged, json_extract(m.value, '$.value'), json_extract(m.value, '$.baseline'),
        json_extract(m.value, '$.lower'), json_extract(m.value, '$.upper'), json_extract(m.value, '$.threshold'),
        json_extract(m.value, '$.direction'), COALESCE(json_extract(m.value, '$.failed'), 0)
    FROM performance_judgements AS j, json_each(j.performance, '$.metrics') AS m
    """,
)

LATEST_VERSION = len(MIGRATIONS)
