"""Alert state and the delivery outbox, in the history database.

alert_state: whether each alert of each monitor is firing, so notifications go out on
changes only. deliveries: each notification for each channel, stored before it is sent and
deleted once the channel accepted it; what is left is retried at the monitor's next run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from driftplane.alerting.notification import Notification
from driftplane.local.database import explain_sqlite_error, iso, parse_iso
from driftplane.local.history import HistoryStore


@dataclass(frozen=True)
class AlertState:
    """An alert's last known state for one monitor."""

    monitor: str
    alert_key: str
    alert_name: str
    state: str  # "ok" or "firing"
    since: datetime
    reason: str
    last_window_end: datetime | None
    updated_at: datetime

    @property
    def firing(self) -> bool:
        return self.state == "firing"


@dataclass(frozen=True)
class PendingDelivery:
    """A notification waiting to be accepted by one channel."""

    id: str
    monitor: str
    alert_key: str
    channel_id: str
    channel_name: str
    event: str
    notification: Notification
    created_at: datetime
    attempts: int = 0
    last_attempt_at: datetime | None = None
    last_error: str | None = None


def _fail(store: HistoryStore, exc: sqlite3.Error, what: str) -> Exception:
    return explain_sqlite_error(exc, store.path, what)


def load_states(store: HistoryStore, monitor: str) -> dict[str, AlertState]:
    """Every alert state recorded for ``monitor``, by alert key."""
    try:
        with store.database.reading() as conn:
            rows = conn.execute(
                """SELECT monitor, alert_key, alert_name, state, since, reason, last_window_end, updated_at
                   FROM alert_state WHERE monitor = ?""",
                (monitor,),
            ).fetchall()
    except sqlite3.Error as exc:
        raise _fail(store, exc, f"read the alert state of monitor '{monitor}'") from exc
    return {
        row[1]: AlertState(
            row[0], row[1], row[2], row[3], parse_iso(row[4]), row[5], parse_iso(row[6]), parse_iso(row[7])  # type: ignore[arg-type]
        )
        for row in rows
    }


def save(store: HistoryStore, states: Sequence[AlertState], deliveries: Sequence[PendingDelivery]) -> None:
    """New alert states and the deliveries they raised, in one transaction."""
    try:
        with store.database.transaction() as conn:
            conn.executemany(
                """INSERT INTO alert_state (monitor, alert_key, alert_name, state, since, reason,
                       last_window_end, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (monitor, alert_key) DO UPDATE SET
                       alert_name = excluded.alert_name, state = excluded.state,
                       since = excluded.since, reason = excluded.reason,
                       last_window_end = excluded.last_window_end, updated_at = excluded.updated_at""",
                [
                    (
                        s.monitor,
                        s.alert_key,
                        s.alert_name,
                        s.state,
                        iso(s.since),
                        s.reason,
                        iso(s.last_window_end) if s.last_window_end else None,
                        iso(s.updated_at),
                    )
                    for s in states
                ],
            )
            conn.executemany(
                """INSERT INTO deliveries (id, monitor, alert_key, channel_id, channel_name, event,
                       notification, created_at, attempts)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)""",
                [
                    (
                        d.id,
                        d.monitor,
                        d.alert_key,
                        d.channel_id,
                        d.channel_name,
                        d.event,
                        d.notification.to_json(),
                        iso(d.created_at),
                    )
                    for d in deliveries
                ],
            )
    except sqlite3.Error as exc:
        raise _fail(store, exc, "save the alert state") from exc


def pending(store: HistoryStore, monitor: str) -> list[PendingDelivery]:
    """The monitor's undelivered notifications in the order their events happened.

    Ordered by rowid (insertion order), not by a clock: a receiver must hear an alert's
    FIRING before its RESOLVED even when the clock moved backwards between two runs.
    """
    try:
        with store.database.reading() as conn:
            rows = conn.execute(
                """SELECT id, monitor, alert_key, channel_id, channel_name, event, notification,
                          created_at, attempts, last_attempt_at, last_error
                   FROM deliveries WHERE monitor = ? ORDER BY rowid""",
                (monitor,),
            ).fetchall()
    except sqlite3.Error as exc:
        raise _fail(store, exc, f"read the undelivered alerts of monitor '{monitor}'") from exc
    return [
        PendingDelivery(
            id=row[0],
            monitor=row[1],
            alert_key=row[2],
            channel_id=row[3],
            channel_name=row[4],
            event=row[5],
            notification=Notification.model_validate_json(row[6]),
            created_at=parse_iso(row[7]),  # type: ignore[arg-type]
            attempts=row[8],
            last_attempt_at=parse_iso(row[9]),
            last_error=row[10],
        )
        for row in rows
    ]


def delivered(store: HistoryStore, delivery_id: str) -> None:
    """The channel accepted it: forget it."""
    try:
        with store.database.transaction() as conn:
            conn.execute("DELETE FROM deliveries WHERE id = ?", (delivery_id,))
    except sqlite3.Error as exc:
        raise _fail(store, exc, "mark an alert as delivered") from exc


def failed(store: HistoryStore, delivery_id: str, error: str, at: datetime) -> int:
    """Count a failed attempt (``error`` must already be redacted); returns the attempts so far."""
    try:
        with store.database.transaction() as conn:
            conn.execute(
                """UPDATE deliveries SET attempts = attempts + 1, last_attempt_at = ?, last_error = ?
                   WHERE id = ?""",
                (iso(at), error, delivery_id),
            )
            row = conn.execute("SELECT attempts FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
    except sqlite3.Error as exc:
        raise _fail(store, exc, "record a failed alert delivery") from exc
    return int(row[0]) if row else 0


def drop(store: HistoryStore, delivery_id: str) -> None:
    """Give up on a delivery (its channel is gone, or it is too old to matter)."""
    delivered(store, delivery_id)
