"""The local provider's history: every run of every monitor, in the state directory's SQLite.

The runner records each RunResult here (with its duration and report paths) in one
transaction; ``driftplane history`` and the HTML report read runs and per-feature trends
back; ``serve`` asks whether a window has already been run. A run that judged the model's
quality also adds a judgement: a window is judged again as its labels land (provisional,
then final), the run of the window is replaced each time, and every judgement is kept. Alert state and undelivered
notifications live in the same database (see ``driftplane.local.alert_state``).
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from driftplane.local.database import (
    DATABASE_NAME,
    DEFAULT_BUSY_TIMEOUT,
    Database,
    driftplane_version,
    explain_sqlite_error,
    iso,
    parse_iso,
)
from driftplane.result import Judged, LabelCoverage, Performance, RunResult, Window

logger = logging.getLogger(__name__)


# SQL true when judgement j is its window's current one: no later judgement of the same window.
# A judgement without a window (a run of a fixed target) is always current.
_IS_CURRENT = """j.window_start IS NULL OR NOT EXISTS (
    SELECT 1 FROM performance_judgements AS later
    WHERE later.monitor = j.monitor AND later.window_start = j.window_start
      AND later.window_end = j.window_end AND later.id > j.id)"""


def _finite(value: float | None) -> float | None:
    """NaN and infinities as NULL: what the result's JSON holds for them, and what --json can print."""
    return value if value is not None and math.isfinite(value) else None


def _required(value: datetime | None) -> datetime:
    assert value is not None, "a NOT NULL timestamp column was NULL"
    return value


class TrendPoint(NamedTuple):
    """One run's value of a feature's drift metric."""

    window_end: datetime | None
    value: float | None
    drifted: bool


@dataclass(frozen=True)
class FeatureTrend:
    """A feature's drift metric over the last runs, oldest first."""

    feature: str
    kind: str
    metric: str | None
    threshold: float | None
    points: list[TrendPoint]

    @property
    def drifted_runs(self) -> int:
        """In how many of these runs the feature drifted."""
        return sum(1 for p in self.points if p.drifted)


class PerformancePoint(NamedTuple):
    """One window's value of a model-quality metric, from the window's current judgement."""

    window_end: datetime | None
    value: float | None
    judged: str
    coverage: float | None
    lower: float | None
    upper: float | None
    failed: bool


@dataclass(frozen=True)
class PerformanceTrend:
    """A model-quality metric over the last windows, oldest first (estimates apart from realised values)."""

    metric: str
    estimated: bool
    direction: str | None
    threshold: float | None
    baseline: float | None
    points: list[PerformancePoint]

    @property
    def failed_windows(self) -> int:
        """In how many of these windows the metric was past its threshold."""
        return sum(1 for p in self.points if p.failed)


@dataclass(frozen=True)
class Judgement:
    """One judgement of a window's model quality, as recorded (the newest of a window is its current one)."""

    id: int
    monitor: str
    window: Window | None
    recorded_at: datetime
    performance: Performance
    current: bool

    @property
    def judged(self) -> Judged:
        return self.performance.judged

    @property
    def coverage(self) -> LabelCoverage:
        return self.performance.coverage


@dataclass(frozen=True)
class RunRecord:
    """A recorded run: the result plus what the store adds (its id and when it was recorded)."""

    id: int
    recorded_at: datetime
    result: RunResult


@dataclass(frozen=True)
class MonitorSummary:
    """What the history holds for one monitor."""

    monitor: str
    runs: int
    last_window_end: datetime | None
    last_status: str


class HistoryStore:
    """Runs, per-feature metrics and alert state of the local provider, in ``driftplane.db``.

    Open with ``HistoryStore.open(state_dir)``; use as a context manager or call ``close``.
    """

    def __init__(self, database: Database, state_dir: Path) -> None:
        self.database = database
        self.state_dir = state_dir

    @classmethod
    def open(
        cls,
        state_dir: str | Path,
        *,
        create: bool = True,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> HistoryStore:
        """Open the history in ``state_dir``, creating the directory and database if needed.

        Raises DataError when the database belongs to another program or to a newer
        driftplane, or (with ``create=False``) when there is none yet.
        """
        state_dir = Path(state_dir)
        database = Database.open(state_dir / DATABASE_NAME, create=create, busy_timeout=busy_timeout)
        return cls(database, state_dir)

    @staticmethod
    def exists(state_dir: str | Path) -> bool:
        """Whether a history database has been created in ``state_dir``."""
        return (Path(state_dir) / DATABASE_NAME).is_file()

    @property
    def path(self) -> Path:
        """The database file."""
        return self.database.path

    def close(self) -> None:
        """Close the database; everything recorded is already on disk."""
        self.database.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- writing ----------------------------------------------------------------------------

    def record_run(
        self,
        result: RunResult,
        *,
        duration_seconds: float | None = None,
        reports: dict[str, str] | None = None,
        recorded_at: datetime | None = None,
    ) -> int:
        """Record one run and its per-feature metrics in a single transaction; returns its id.

        ``duration_seconds`` and ``reports`` override the result's own fields (the runner
        knows them only after writing the reports). A run of a window that was already
        recorded replaces the earlier one.
        """
        updates: dict[str, object] = {}
        if duration_seconds is not None:
            updates["duration_seconds"] = duration_seconds
        if reports is not None:
            updates["reports"] = dict(reports)
        if updates:
            result = result.model_copy(update=updates)
        recorded = iso(recorded_at or datetime.now(UTC))
        window_start = iso(result.window.start) if result.window else None
        window_end = iso(result.window.end) if result.window else None
        sort_time = window_end or recorded
        run_row = (
            result.monitor,
            window_start,
            window_end,
            sort_time,
            result.status,
            result.rows.baseline,
            result.rows.target,
            len(result.features),
            len(result.drifted_features),
            len(result.violations),
            result.duration_seconds,
            iso(result.started_at) if result.started_at else None,
            recorded,
            json.dumps(result.reports, sort_keys=True),
            driftplane_version(),
            result.model_dump_json(),
        )
        try:
            with self.database.transaction() as conn:
                if window_start is not None:
                    conn.execute(
                        "DELETE FROM runs WHERE monitor = ? AND window_start = ? AND window_end = ?",
                        (result.monitor, window_start, window_end),
                    )
                cursor = conn.execute(
                    """INSERT INTO runs (monitor, window_start, window_end, sort_time, status,
                           rows_baseline, rows_target, features, features_drifted, violations,
                           duration_seconds, started_at, recorded_at, reports,
                           driftplane_version, result)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    run_row,
                )
                run_id = int(cursor.lastrowid or 0)
                conn.executemany(
                    """INSERT INTO feature_metrics (run_id, monitor, feature, sort_time, window_end,
                           kind, metric, value, threshold, effective_threshold, drifted)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    [
                        (
                            run_id,
                            result.monitor,
                            feature.name,
                            sort_time,
                            window_end,
                            feature.kind,
                            feature.drift.metric if feature.drift else None,
                            feature.drift.value if feature.drift else None,
                            feature.drift.threshold if feature.drift else None,
                            feature.drift.effective_threshold if feature.drift else None,
                            int(bool(feature.drift and feature.drift.drifted)),
                        )
                        for feature in result.features
                    ],
                )
                if result.performance is not None:
                    self._record_judgement(conn, result, result.performance, sort_time, recorded)
        except sqlite3.Error as exc:
            raise explain_sqlite_error(
                exc, self.path, f"record the run of monitor '{result.monitor}' in the history"
            ) from exc
        logger.debug("recorded run %d of monitor %s (%s) in %s", run_id, result.monitor, result.status, self.path)
        return run_id

    @staticmethod
    def _record_judgement(
        conn: sqlite3.Connection, result: RunResult, performance: Performance, sort_time: str, recorded: str
    ) -> None:
        """Add the run's judgement of the window's model quality; earlier judgements stay."""
        window_start = iso(result.window.start) if result.window else None
        window_end = iso(result.window.end) if result.window else None
        cursor = conn.execute(
            """INSERT INTO performance_judgements (monitor, window_start, window_end, sort_time, judged,
                   problem_type, predictions, labelled, coverage, failed_metrics, recorded_at, performance)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                result.monitor,
                window_start,
                window_end,
                sort_time,
                performance.judged,
                performance.problem_type,
                performance.coverage.predictions,
                performance.coverage.labelled,
                _finite(performance.coverage.share),
                len(performance.failed_metrics),
                recorded,
                performance.model_dump_json(),
            ),
        )
        judgement_id = int(cursor.lastrowid or 0)
        # One row per (metric, realised or estimated): a duplicate in the result keeps the last.
        rows = {
            (metric.name, metric.estimated): (
                judgement_id,
                result.monitor,
                metric.name,
                int(metric.estimated),
                sort_time,
                window_end,
                performance.judged,
                _finite(metric.value),
                _finite(metric.baseline),
                _finite(metric.lower),
                _finite(metric.upper),
                _finite(metric.threshold),
                metric.direction,
                int(metric.failed),
            )
            for metric in performance.metrics
        }
        conn.executemany(
            """INSERT INTO performance_metrics (judgement_id, monitor, metric, estimated, sort_time, window_end,
                   judged, value, baseline, lower, upper, threshold, direction, failed)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            list(rows.values()),
        )

    # --- reading ----------------------------------------------------------------------------

    def _query(self, sql: str, params: tuple[object, ...] = (), what: str = "read the history") -> list[tuple]:
        try:
            with self.database.reading() as conn:
                return list(conn.execute(sql, params).fetchall())
        except sqlite3.Error as exc:
            raise explain_sqlite_error(exc, self.path, what) from exc

    def records(
        self, monitor: str | None = None, *, limit: int = 20, not_after: datetime | None = None
    ) -> list[RunRecord]:
        """Recorded runs, newest window first; of one monitor, or of all monitors. ``not_after``:
        only windows that end by then (a window recorded in the future is not a latest run)."""
        conditions, params = [], []
        if monitor:
            conditions.append("monitor = ?")
            params.append(monitor)
        if not_after is not None:
            conditions.append("sort_time <= ?")
            params.append(iso(not_after))
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self._query(
            f"SELECT id, recorded_at, result FROM runs {where} ORDER BY sort_time DESC, id DESC LIMIT ?",
            (*params, limit),
        )
        return [
            RunRecord(id=row[0], recorded_at=_required(parse_iso(row[1])), result=RunResult.model_validate_json(row[2]))
            for row in rows
        ]

    def list_runs(self, monitor: str, *, limit: int = 20, not_after: datetime | None = None) -> list[RunResult]:
        """The monitor's last ``limit`` runs as RunResults, newest window first (``not_after``: as in records)."""
        return [record.result for record in self.records(monitor, limit=limit, not_after=not_after)]

    def future_runs(self, monitor: str, *, after: datetime) -> int:
        """How many runs of ``monitor`` have a window ending after ``after`` (recorded in the future)."""
        rows = self._query(
            "SELECT COUNT(*) FROM runs WHERE monitor = ? AND window_end > ?",
            (monitor, iso(after)),
            f"count the future runs of monitor '{monitor}'",
        )
        return int(rows[0][0]) if rows else 0

    def feature_trend(self, monitor: str, feature: str, *, limit: int = 30) -> list[TrendPoint]:
        """One feature's drift metric over its last ``limit`` runs, oldest first."""
        rows = self._query(
            """SELECT window_end, value, drifted FROM feature_metrics
               WHERE monitor = ? AND feature = ? ORDER BY sort_time DESC, run_id DESC LIMIT ?""",
            (monitor, feature, limit),
        )
        return [TrendPoint(parse_iso(r[0]), r[1], bool(r[2])) for r in reversed(rows)]

    def trends(self, monitor: str, *, limit: int = 30) -> list[FeatureTrend]:
        """Every feature's drift metric over the monitor's last ``limit`` runs, oldest first.

        Features are in the order of the newest run; metric and threshold are the newest.
        """
        rows = self._query(
            """SELECT f.feature, f.kind, f.metric, f.threshold, f.window_end, f.value, f.drifted
               FROM feature_metrics AS f
               JOIN (SELECT id FROM runs WHERE monitor = ? ORDER BY sort_time DESC, id DESC LIMIT ?) AS r
                 ON f.run_id = r.id
               ORDER BY f.sort_time, f.run_id""",
            (monitor, limit),
        )
        points: dict[str, list[TrendPoint]] = {}
        latest: dict[str, tuple[str, str | None, float | None]] = {}
        for feature, kind, metric, threshold, window_end, value, drifted in rows:
            points.setdefault(feature, []).append(TrendPoint(parse_iso(window_end), value, bool(drifted)))
            latest[feature] = (kind, metric, threshold)
        newest = self.records(monitor, limit=1)
        order = [f.name for f in newest[0].result.features] if newest else []
        names = [n for n in order if n in points] + sorted(n for n in points if n not in order)
        return [
            FeatureTrend(name, latest[name][0], latest[name][1], latest[name][2], points[name])
            for name in names
        ]

    def judgements(self, monitor: str, *, limit: int = 20) -> list[Judgement]:
        """Every recorded judgement of the monitor's model quality, newest window first and, within
        a window, newest judgement first; ``current`` marks each window's latest one."""
        rows = self._query(
            f"""SELECT j.id, j.window_start, j.window_end, j.recorded_at, j.performance, ({_IS_CURRENT}) AS current
                FROM performance_judgements AS j WHERE j.monitor = ?
                ORDER BY j.sort_time DESC, j.window_start DESC, j.id DESC LIMIT ?""",
            (monitor, limit),
            f"read the model-quality judgements of monitor '{monitor}'",
        )
        judgements = []
        for judgement_id, start, end, recorded_at, performance, current in rows:
            window = Window(start=_required(parse_iso(start)), end=_required(parse_iso(end))) if start else None
            judgements.append(
                Judgement(
                    id=judgement_id,
                    monitor=monitor,
                    window=window,
                    recorded_at=_required(parse_iso(recorded_at)),
                    performance=Performance.model_validate_json(performance),
                    current=bool(current),
                )
            )
        return judgements

    def performance_trends(self, monitor: str, *, limit: int = 30) -> list[PerformanceTrend]:
        """Each model-quality metric over the monitor's last ``limit`` judged windows, oldest first.

        A window's point comes from its current judgement, so a provisional value is replaced by
        the final one once recorded. Realised values and estimates are separate trends; metrics
        are in the order of the newest judgement; direction, threshold and baseline are the newest.
        """
        rows = self._query(
            f"""SELECT m.metric, m.estimated, m.direction, m.threshold, m.baseline, m.window_end, m.value,
                       m.judged, j.coverage, m.lower, m.upper, m.failed
                FROM performance_metrics AS m
                JOIN (SELECT j.id, j.coverage, j.sort_time FROM performance_judgements AS j
                      WHERE j.monitor = ? AND ({_IS_CURRENT})
                      ORDER BY j.sort_time DESC, j.id DESC LIMIT ?) AS j
                  ON m.judgement_id = j.id
                ORDER BY j.sort_time, j.id""",
            (monitor, limit),
            f"read the model-quality trends of monitor '{monitor}'",
        )
        points: dict[tuple[str, bool], list[PerformancePoint]] = {}
        latest: dict[tuple[str, bool], tuple[str | None, float | None, float | None]] = {}
        for metric, estimated, direction, threshold, baseline, window_end, value, judged, coverage, *rest in rows:
            key = (metric, bool(estimated))
            lower, upper, failed = rest
            points.setdefault(key, []).append(
                PerformancePoint(parse_iso(window_end), value, judged, coverage, lower, upper, bool(failed))
            )
            latest[key] = (direction, threshold, baseline)
        newest = self.judgements(monitor, limit=1)
        order = [(m.name, m.estimated) for m in newest[0].performance.metrics] if newest else []
        keys = list(dict.fromkeys(k for k in order if k in points)) + sorted(k for k in points if k not in order)
        return [PerformanceTrend(k[0], k[1], *latest[k], points[k]) for k in keys]

    def has_run(
        self,
        monitor: str,
        window: Window | tuple[datetime, datetime],
        *,
        include_failed: bool = False,
    ) -> bool:
        """Whether this window of the monitor has a recorded run (failed runs count only on request).

        ``serve`` uses it to catch up on windows missed while it was stopped.
        """
        start, end = (window.start, window.end) if isinstance(window, Window) else window
        status_filter = "" if include_failed else "AND status != 'failed'"
        rows = self._query(
            f"""SELECT 1 FROM runs WHERE monitor = ? AND window_start = ? AND window_end = ?
                {status_filter} LIMIT 1""",
            (monitor, iso(start), iso(end)),
        )
        return bool(rows)

    def latest_window_end(
        self, monitor: str, *, not_after: datetime, include_failed: bool = True
    ) -> datetime | None:
        """When the latest recorded window of ``monitor`` that ends by ``not_after`` ended.

        ``serve`` catches up from here; a window recorded in the future (an older driftplane
        allowed ``run --at`` in the future) must not make it skip the real ones. Without
        ``include_failed``, only runs that did not fail count: a window that failed (its data
        had not arrived) is caught up again.
        """
        status_filter = "" if include_failed else "AND status != 'failed'"
        rows = self._query(
            f"SELECT MAX(window_end) FROM runs WHERE monitor = ? AND window_end <= ? {status_filter}",
            (monitor, iso(not_after)),
            f"read the latest run of monitor '{monitor}'",
        )
        return parse_iso(rows[0][0]) if rows else None

    def monitors(self, *, not_after: datetime | None = None) -> list[MonitorSummary]:
        """Every monitor with recorded runs, with its run count (all runs) and latest run: with
        ``not_after``, the newest window that ends by then (else the newest there is)."""
        horizon = iso(not_after) if not_after is not None else None
        rows = self._query(
            """SELECT r.monitor, c.runs, r.window_end, r.status FROM runs AS r
               JOIN (SELECT monitor, COUNT(*) AS runs,
                            COALESCE(MAX(CASE WHEN ? IS NULL OR sort_time <= ? THEN sort_time END),
                                     MAX(sort_time)) AS last
                     FROM runs GROUP BY monitor) AS c
                 ON r.monitor = c.monitor AND r.sort_time = c.last
               GROUP BY r.monitor ORDER BY r.monitor""",
            (horizon, horizon),
        )
        return [MonitorSummary(r[0], r[1], parse_iso(r[2]), r[3]) for r in rows]

    def integrity_problems(self) -> list[str]:
        """What is wrong with the database: SQLite's own check plus driftplane's invariants."""
        problems = [r[0] for r in self._query("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [
            f"foreign key violation in {r[0]} row {r[1]}" for r in self._query("PRAGMA foreign_key_check")
        ]
        for run_id, monitor, expected, found in self._query(
            """SELECT r.id, r.monitor, r.features, COUNT(f.feature) FROM runs AS r
               LEFT JOIN feature_metrics AS f ON f.run_id = r.id
               GROUP BY r.id HAVING r.features != COUNT(f.feature)"""
        ):
            problems.append(f"run {run_id} of {monitor} lists {expected} features but has {found} metric rows")
        return problems


__all__ = [
    "FeatureTrend",
    "HistoryStore",
    "Judgement",
    "MonitorSummary",
    "PerformancePoint",
    "PerformanceTrend",
    "RunRecord",
    "TrendPoint",
]
