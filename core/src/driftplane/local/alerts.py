"""Alerts of the local provider: evaluate conditions, remember state, deliver on changes.

The runner calls ``process_alerts`` once per run, after recording the run in the history.
An alert notifies when its condition starts holding (event ``firing``) and when it stops
(``resolved``), never at every run. Notifications go through an outbox in the history
database: a delivery that fails is logged with the reason and retried at the monitor's
next run. Each alert's notifications reach each channel in the order their events
happened: while an earlier one is undelivered, later ones for the same alert and channel
wait behind it, so a receiver never hears RESOLVED before the FIRING it resolves (and
never ends up believing a resolved alert is firing). Nothing here raises into the run: a
broken channel must never cost a result.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from driftplane.alerting.channel import AlertChannel
from driftplane.alerting.conditions import evaluate, judgeable
from driftplane.alerting.context import DeliveryContext, SmtpSettings
from driftplane.alerting.errors import DeliveryError
from driftplane.alerting.notification import Event, build_notification
from driftplane.alerting.redact import scrub
from driftplane.errors import DataError, DriftplaneError, SpecError
from driftplane.local import alert_state
from driftplane.local.alert_state import AlertState, PendingDelivery
from driftplane.local.history import HistoryStore
from driftplane.local.settings import LocalSettings
from driftplane.resolved import AlertRule, ResolvedMonitor, resolve_monitor
from driftplane.result import RunResult
from driftplane.result_summary import window_words
from driftplane.spec.models import Spec
from driftplane.windows import FUTURE_ALLOWANCE, iso_z

logger = logging.getLogger(__name__)
_DEFERRALS_SAID: set[str] = set()  # pending deliveries whose wait was already logged
T = TypeVar("T")

# A notification no channel accepted for this long is dropped (with an error in the log).
MAX_PENDING_AGE = timedelta(days=7)
# Within one process (a backfill, or serve), a notification that failed is not tried again
# sooner than this: a backfill runs several windows a second, and each retry of a receiver
# that is down costs its channel's retries and backoff. A new `driftplane run` retries at once.
MIN_RETRY_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class DeliveryOutcome:
    """What happened to one notification on one channel during this run."""

    monitor: str
    alert: str
    event: Event
    channel: str  # as it may be shown: a name or type, never a URL's secret parts
    delivered: bool
    attempts: int
    error: str | None = None
    pending: bool = False
    notification_id: str = ""


def delivery_context(spec: Spec, monitor: str) -> DeliveryContext:
    """What the local provider gives every channel it builds: its SMTP server (providers.local.smtp)."""
    from driftplane.local.provider import LocalProvider

    try:
        settings = LocalProvider.validate_settings(spec.providers.get("local") or {}, spec=spec)
    except SpecError as exc:
        logger.error("alerts of monitor %s use default SMTP settings: providers.local is invalid: %s", monitor, exc)
        return DeliveryContext(smtp=SmtpSettings(), settings_key="providers.local")
    assert isinstance(settings, LocalSettings)
    return DeliveryContext(smtp=settings.smtp, settings_key="providers.local")


def _channels_for(
    resolved: ResolvedMonitor, context: DeliveryContext
) -> tuple[dict[str, list[str]], dict[str, AlertChannel]]:
    """The channel ids each alert notifies, and a ready channel per id."""
    by_alert: dict[str, list[str]] = {}
    by_id: dict[str, AlertChannel] = {}
    for rule in resolved.alerts:
        for reason in rule.unresolved:
            # validate reports this with its line; here it must not stop the run.
            logger.error(
                "alert '%s' of monitor %s cannot notify one of its channels: %s; run "
                "'driftplane validate' to see where",
                rule.name,
                resolved.name,
                reason,
            )
        # Two alerts with the same condition share one state; each channel hears it once.
        ids = by_alert.setdefault(rule.key, [])
        for target in rule.channels:
            if target.id not in ids:
                ids.append(target.id)
            if target.id not in by_id:
                by_id[target.id] = target.channel_class().from_target(target, context)
    return by_alert, by_id


def _next_state(
    alert: AlertRule, result: RunResult, previous: AlertState | None, monitor: str, now: datetime
) -> tuple[AlertState, Event | None]:
    firing, reason = evaluate(alert, result)
    was_firing = previous is not None and previous.firing
    event: Event | None = None
    if firing and not was_firing:
        event = "firing"
    elif was_firing and not firing:
        event = "resolved"
    since = now if (event is not None or previous is None) else previous.since
    window_end = result.window.end if result.window else None
    state = AlertState(
        monitor=monitor,
        alert_key=alert.key,
        alert_name=alert.name,
        state="firing" if firing else "ok",
        since=since,
        reason=reason,
        last_window_end=window_end or (previous.last_window_end if previous else None),
        updated_at=now,
    )
    return state, event


def _is_older(result: RunResult, previous: AlertState | None) -> bool:
    """A backfilled window older than the last one judged must not flip today's state."""
    if previous is None or previous.last_window_end is None or result.window is None:
        return False
    end = result.window.end if result.window.end.tzinfo else result.window.end.replace(tzinfo=UTC)
    return end < _aware(previous.last_window_end)


def _from_the_future(previous: AlertState | None, now: datetime) -> bool:
    """The state was set by a window that has not ended yet (an older driftplane allowed
    ``run --at`` in the future): it must not make every real window look older."""
    if previous is None or previous.last_window_end is None:
        return False
    return _aware(previous.last_window_end) > now + FUTURE_ALLOWANCE


def _say_older_verdict(alert: AlertRule, result: RunResult, previous: AlertState, monitor: str) -> None:
    """An older window that disagrees with the alert's state leaves the state as it is: say so."""
    firing, reason = evaluate(alert, result)
    if firing == previous.firing:
        logger.debug("alert '%s' of %s: window older than the last judged one, state kept", alert.name, monitor)
        return
    assert result.window is not None and previous.last_window_end is not None
    logger.warning(
        "monitor %s: alert '%s' %s for the window %s (%s), but it stays %s, as the newer window ending %s "
        "left it; an older window never changes an alert's state or notifies. Run the newest window again "
        "(driftplane run) if the data of that one changed",
        monitor,
        alert.name,
        "would fire" if firing else "would be resolved",
        window_words(result.window),
        reason,
        "FIRING" if previous.firing else "OK",
        _clock(previous.last_window_end),
    )


def process_alerts(
    spec: Spec,
    monitor_name: str,
    result: RunResult,
    store: HistoryStore,
    *,
    now: datetime | None = None,
    session_start: datetime | None = None,
    only: tuple[str, ...] | None = None,
) -> list[DeliveryOutcome]:
    """Evaluate the monitor's alerts on ``result``, notify on changes, retry what is pending.

    Call after recording the run. Never raises for a channel or delivery problem: each is
    logged with its reason and kept for the next run; the outcomes say what happened.
    ``session_start`` is when the calling process started (a backfill, serve): a delivery
    that failed after it waits MIN_RETRY_INTERVAL before its next try. Deliveries that
    failed before it (in an earlier ``driftplane run``), or all of them when it is None,
    are retried at once.
    only: evaluate only alerts on these conditions (a re-judged window: ``("performance",)``).
    """
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    resolved = resolve_monitor(spec, monitor_name)
    by_alert, by_id = _channels_for(resolved, delivery_context(spec, monitor_name))

    try:
        previous_states = alert_state.load_states(store, monitor_name)
    except DataError as exc:
        logger.error("alerts of monitor %s were not evaluated: %s", monitor_name, exc)
        return []

    states: list[AlertState] = []
    new_deliveries: list[PendingDelivery] = []
    judged: set[str] = set()
    for alert in resolved.alerts:
        key = alert.key
        if key in judged:
            continue  # the same condition twice: one state, one notification per channel
        judged.add(key)
        previous = previous_states.get(key)
        if only is not None and alert.when not in only:
            continue
        if result.status == "failed" and alert.when != "failure":
            continue  # a failed run says nothing about drift or violations: keep the state
        if not judgeable(alert, result):
            continue  # not judged at the alert's level yet (a provisional window): keep the state
        if previous is not None and _from_the_future(previous, now):
            assert previous.last_window_end is not None
            logger.warning(
                "monitor %s: alert '%s' was last judged on a window ending %s, which is in the future (run with "
                "--at in the future by an older driftplane); that window is ignored and this one, %s, judges the alert",
                monitor_name,
                alert.name,
                _clock(previous.last_window_end),
                window_words(result.window),
            )
        elif previous is not None and _is_older(result, previous):
            _say_older_verdict(alert, result, previous, monitor_name)
            continue
        state, event = _next_state(alert, result, previous, monitor_name, now)
        states.append(state)
        if event is None:
            continue
        # A failed run's reason is its own error line; the alert's line does not repeat it.
        shown = "the run failed" if result.status == "failed" else state.reason
        # Said once: an alert with a log channel says it there (with the window and report).
        logged = any(by_id[channel_id].channel_type == "log" for channel_id in by_alert.get(key, []))
        (logger.debug if logged else logger.info)(
            "monitor %s: alert '%s' is %s: %s", monitor_name, state.alert_name, event.upper(), shown
        )
        notification = build_notification(
            monitor=monitor_name,
            alert_name=state.alert_name,
            alert_key=key,
            condition=alert.when,
            event=event,
            reason=state.reason,
            result=result,
            now=now,
        )
        for channel_id in by_alert.get(key, []):
            new_deliveries.append(
                PendingDelivery(
                    id=str(uuid.uuid4()),
                    monitor=monitor_name,
                    alert_key=key,
                    channel_id=channel_id,
                    channel_name=by_id[channel_id].name,
                    event=event,
                    notification=notification,
                    created_at=now,
                )
            )

    try:
        alert_state.save(store, states, new_deliveries)
        queue = alert_state.pending(store, monitor_name)
        stored = True
    except DataError as exc:
        logger.error(
            "the alert state of monitor %s could not be saved (%s); sending this run's "
            "notifications now, but they may be sent again at the next run",
            monitor_name,
            exc,
        )
        queue, stored = new_deliveries, False
    return _deliver_in_order(store, queue, by_id, now, stored, session_start)


def _deliver_in_order(
    store: HistoryStore,
    queue: list[PendingDelivery],
    channels: dict[str, AlertChannel],
    now: datetime,
    stored: bool,
    session_start: datetime | None,
) -> list[DeliveryOutcome]:
    """Try each pending notification, oldest event first; one left undelivered holds back the
    later ones of the same alert on the same channel (they are kept, and go after it)."""
    waiting_for: dict[tuple[str, str], PendingDelivery] = {}
    outcomes: list[DeliveryOutcome] = []
    for item in queue:
        lane = (item.alert_key, item.channel_id)
        earlier = waiting_for.get(lane)
        if earlier is not None:
            why = (
                f"waiting for the earlier {earlier.event.upper()} notification of the same alert to be delivered first"
            )
            logger.info(
                "the %s alert '%s' of monitor %s to %s is kept: %s, so "
                "the receiver hears them in the order they happened",
                item.event.upper(),
                item.notification.alert,
                item.monitor,
                item.channel_name,
                why,
            )
            outcomes.append(
                _outcome(item, item.channel_name, delivered=False, attempts=item.attempts, error=why, pending=stored)
            )
            continue
        outcome = _deliver(store, item, channels, now, stored, session_start)
        if not outcome.delivered and outcome.pending:
            waiting_for[lane] = item
        outcomes.append(outcome)
    return outcomes


def _deliver(
    store: HistoryStore,
    item: PendingDelivery,
    channels: dict[str, AlertChannel],
    now: datetime,
    stored: bool,
    session_start: datetime | None = None,
) -> DeliveryOutcome:
    what = f"the {item.event.upper()} alert '{item.notification.alert}' of monitor {item.monitor}"
    channel = channels.get(item.channel_id)
    created = item.created_at if item.created_at.tzinfo else item.created_at.replace(tzinfo=UTC)
    if channel is None or now - created > MAX_PENDING_AGE:
        why = (
            f"its channel {item.channel_name} is no longer in the spec"
            if channel is None
            else f"no attempt in {MAX_PENDING_AGE.days} days succeeded (last error: {item.last_error})"
        )
        logger.error("gave up sending %s to %s: %s", what, item.channel_name, why)
        if stored:
            _quietly(lambda: alert_state.drop(store, item.id))
        return _outcome(item, item.channel_name, delivered=False, attempts=item.attempts, error=why, pending=False)
    retry_at = _retry_at(item, session_start)
    if retry_at is not None and now < retry_at:
        # Said once per delivery and process: a backfill would otherwise repeat it every window.
        level = logging.DEBUG if item.id in _DEFERRALS_SAID else logging.INFO
        _DEFERRALS_SAID.add(item.id)
        logger.log(
            level,
            "%s to %s failed at %s (%s); this process retries it at its first window of %s after %s "
            "(a new 'driftplane run' retries it at once)",
            what,
            channel.name,
            _clock(item.last_attempt_at),
            item.last_error or "no reason recorded",
            item.monitor,
            _clock(retry_at),
        )
        return _outcome(
            item, channel.name, delivered=False, attempts=item.attempts, error=item.last_error, pending=True
        )
    secrets = channel.secrets
    try:
        channel.send(item.notification)
    except DeliveryError as exc:
        reason = scrub(exc.reason, secrets)
    except DriftplaneError as exc:  # e.g. a plugin channel that cannot send yet
        reason = scrub(str(exc), secrets)
    except Exception as exc:  # noqa: BLE001 - a plugin channel's bug must not fail the run; its cause is logged
        reason = scrub(f"{type(exc).__name__}: {exc}", secrets) + f" (raised by the {channel.channel_type} channel)"
    else:
        (logger.debug if channel.channel_type == "log" else logger.info)("sent %s to %s", what, channel.name)
        if stored:
            _quietly(lambda: alert_state.delivered(store, item.id))
        return _outcome(item, channel.name, delivered=True, attempts=item.attempts + 1)
    attempts = item.attempts + 1
    if stored:
        attempts = _quietly(lambda: alert_state.failed(store, item.id, reason, now)) or attempts
    later = (
        f"it is kept and retried at the next run of {item.monitor}" if stored else "it could not be queued for a retry"
    )
    logger.warning(
        "could not send %s to %s: %s; %s (attempt %d)", what, channel.name, reason, later, attempts
    )
    return _outcome(item, channel.name, delivered=False, attempts=attempts, error=reason, pending=stored)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _retry_at(item: PendingDelivery, session_start: datetime | None) -> datetime | None:
    """When a failed delivery may be tried again in this process; None: at once.

    Only attempts made since ``session_start`` (by this backfill or serve) make it wait.
    """
    if session_start is None or item.last_attempt_at is None:
        return None
    last = _aware(item.last_attempt_at)
    if last < _aware(session_start):
        return None
    return last + MIN_RETRY_INTERVAL


def _clock(moment: datetime | None) -> str:
    """'2026-01-16T08:03:12Z': a time in the log, UTC, to the second."""
    return "an unknown time" if moment is None else iso_z(moment)


def _outcome(
    item: PendingDelivery,
    channel: str,
    *,
    delivered: bool,
    attempts: int,
    error: str | None = None,
    pending: bool = False,
) -> DeliveryOutcome:
    return DeliveryOutcome(
        monitor=item.monitor,
        alert=item.notification.alert,
        event=item.notification.event,
        channel=channel,
        delivered=delivered,
        attempts=attempts,
        error=error,
        pending=pending,
        notification_id=item.notification.id,
    )


def _quietly(action: Callable[[], T]) -> T | None:
    """Outbox bookkeeping after a delivery: a database error is logged, never raised."""
    try:
        return action()
    except DataError as exc:
        logger.error("could not update the alert outbox: %s; a notification may be sent twice", exc)
        return None
