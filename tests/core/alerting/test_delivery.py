"""The built-in channels deliver to a real HTTP server and a real SMTP server on 127.0.0.1.

Each goes through the local provider's alert processing (the outbox in SQLite), as a run does.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import SecretStr
from tests.core.conftest import (
    SMTP_PASSWORD,
    SMTP_USER,
    HttpReceiver,
    SmtpServer,
    free_port,
    start_receiver,
)

from driftplane.alerting.channel import AlertChannel, ChannelSettings
from driftplane.alerting.notification import Notification
from driftplane.hookspecs import hookimpl
from driftplane.local import alert_state
from driftplane.local.alerts import process_alerts
from driftplane.local.history import HistoryStore
from driftplane.plugins import pm
from driftplane.result import RunResult
from driftplane.spec import Spec, spec_from_data

MakeResult = Callable[..., RunResult]
NOW = datetime(2026, 2, 1, 12, tzinfo=UTC)
FAST = {"timeout": 2, "retries": 2, "backoff": 0.01}


def make_spec(
    channels: dict[str, Any], notify: list[Any], when: str = "drift", local: dict[str, Any] | None = None
) -> Spec:
    return spec_from_data(
        {
            "providers": {"local": local or {}},
            "channels": channels,
            "monitors": {
                "churn": {
                    "baseline": {"data": "train.parquet"},
                    "target": {"data": "capture/*.parquet", "window": "1d"},
                    "alerts": [{"name": "drift", "when": when, "notify": notify}],
                }
            },
        }
    )


def drifting(make_result: MakeResult, day: int = 0) -> RunResult:
    return make_result(
        day=day, values={"age": 0.31, "income": 0.02}, reports={"html": "reports/churn/2026-01-01/index.html"}
    )


def database_text(store: HistoryStore) -> str:
    """Every value stored in the database, as one string (to look for secrets in)."""
    conn = sqlite3.connect(store.path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return "\n".join(str(row) for table in tables for row in conn.execute(f"SELECT * FROM {table}"))


def test_webhook_gets_the_documented_json_signed_with_hmac(
    tmp_path: Path, make_result: MakeResult, http_receiver: HttpReceiver
) -> None:
    spec = make_spec(
        {
            "ops": {
                "type": "webhook",
                "url": http_receiver.url("/alerts"),
                "secret": "s3cr3t-signing-key",
                "headers": {"X-Team": "ml-platform"},
                **FAST,
            }
        },
        ["ops"],
    )
    with HistoryStore.open(tmp_path) as store:
        [outcome] = process_alerts(spec, "churn", drifting(make_result), store, now=NOW)
    assert outcome.delivered and outcome.attempts == 1 and outcome.channel == "webhook 'ops'"
    [request] = http_receiver.requests
    assert request.path == "/alerts"
    expected = "sha256=" + hmac.new(b"s3cr3t-signing-key", request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Driftplane-Signature"] == expected
    assert request.headers["X-Team"] == "ml-platform"
    assert request.headers["X-Driftplane-Event"] == "firing"
    assert request.headers["Content-Type"] == "application/json"
    body = request.json()
    assert request.headers["X-Driftplane-Delivery"] == body["id"] == outcome.notification_id
    assert body["schema"] == "driftplane.alert/v1"
    assert body["monitor"] == "churn"
    assert body["alert"] == "drift"
    assert body["event"] == "firing"
    assert body["status"] == "drift"
    assert body["reason"] == "1 feature drifted: age (normalized_wasserstein 0.31 > 0.1)"
    assert body["window"] == {"start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z"}
    assert body["drifted_features"] == [
        {
            "name": "age",
            "kind": "numerical",
            "metric": "normalized_wasserstein",
            "value": 0.31,
            "threshold": 0.1,
            "effective_threshold": 0.1,
        }
    ]
    assert body["report"] == "reports/churn/2026-01-01/index.html"
    assert body["timestamp"] == "2026-02-01T12:00:00Z"
    assert body["driftplane_version"]


def test_slack_gets_a_block_kit_message(tmp_path: Path, make_result: MakeResult, http_receiver: HttpReceiver) -> None:
    spec = make_spec({}, [f"slack:{http_receiver.url('/services/T000/B000/XXXX')}"], when="violation")
    result = make_result(violations=[("age", "completeness_check"), ("plan", "data_type_check")])
    with HistoryStore.open(tmp_path) as store:
        [outcome] = process_alerts(spec, "churn", result, store, now=NOW)
    assert outcome.delivered
    assert outcome.channel == f"slack (http://127.0.0.1:{http_receiver.port}/…)"
    payload = http_receiver.requests[0].json()
    assert payload["text"].startswith("FIRING churn: drift: 2 violations: completeness_check on age")
    assert payload["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "FIRING churn: drift"}}
    texts = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section" and "text" in b]
    assert any(t.startswith("*Violations (2)*\n• completeness_check on age") for t in texts)


def test_a_500_is_retried_within_the_run(tmp_path: Path, make_result: MakeResult, http_receiver: HttpReceiver) -> None:
    http_receiver.script = [(500, 0.0), (200, 0.0)]
    spec = make_spec({"ops": {"type": "webhook", "url": http_receiver.url(), **FAST}}, ["ops"])
    with HistoryStore.open(tmp_path) as store:
        [outcome] = process_alerts(spec, "churn", drifting(make_result), store, now=NOW)
        assert alert_state.pending(store, "churn") == []
    assert outcome.delivered
    assert len(http_receiver.requests) == 2
    assert http_receiver.requests[0].body == http_receiver.requests[1].body


def test_a_webhook_that_times_out_stays_pending_with_the_reason(
    tmp_path: Path, make_result: MakeResult, http_receiver: HttpReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    http_receiver.script = [(200, 1.5), (200, 1.5)]
    spec = make_spec(
        {"ops": {"type": "webhook", "url": http_receiver.url(), "timeout": 0.2, "retries": 1, "backoff": 0.01}}, ["ops"]
    )
    with caplog.at_level(logging.INFO, logger="driftplane"), HistoryStore.open(tmp_path) as store:
        [outcome] = process_alerts(spec, "churn", drifting(make_result), store, now=NOW)
        [queued] = alert_state.pending(store, "churn")
    assert not outcome.delivered and outcome.pending
    assert "no answer within 0.2 s (timeout)" in (outcome.error or "")
    assert "after 2 attempts" in (outcome.error or "")
    assert queued.attempts == 1 and "timeout" in (queued.last_error or "")
    warning = next(
        r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "could not send" in r.getMessage()
    )
    assert "could not send the FIRING alert 'drift' of monitor churn to webhook 'ops'" in warning
    assert "retried at the next run of churn" in warning


def test_a_refused_connection_is_retried_at_the_next_run_and_delivered_once(
    tmp_path: Path, make_result: MakeResult, no_proxy: None
) -> None:
    port = free_port()
    spec = make_spec({"ops": {"type": "webhook", "url": f"http://127.0.0.1:{port}/hook", **FAST}}, ["ops"])
    with HistoryStore.open(tmp_path) as store:
        store.record_run(drifting(make_result, day=0))
        [first] = process_alerts(spec, "churn", drifting(make_result, day=0), store, now=NOW)
    assert not first.delivered and first.pending
    assert "connection refused" in (first.error or "")
    assert first.attempts == 1

    server, receiver = start_receiver(port)
    try:
        with HistoryStore.open(tmp_path) as store:
            result = drifting(make_result, day=1)  # still drifting: no new event, only the retry
            store.record_run(result)
            [second] = process_alerts(spec, "churn", result, store, now=NOW + timedelta(days=1))
            assert alert_state.pending(store, "churn") == []
            [third_run] = [
                process_alerts(spec, "churn", drifting(make_result, day=2), store, now=NOW + timedelta(days=2))
            ]
            assert len(store.list_runs("churn")) == 2  # the failed delivery cost no result
    finally:
        server.shutdown()
        server.server_close()
    assert second.delivered and second.attempts == 2
    assert second.notification_id == first.notification_id
    assert third_run == []
    [request] = receiver.requests
    assert request.json()["event"] == "firing"
    assert request.json()["window"]["start"] == "2026-01-01T00:00:00Z"  # the run that fired it


def test_a_404_is_not_retried_within_the_run_but_kept(
    tmp_path: Path, make_result: MakeResult, http_receiver: HttpReceiver
) -> None:
    http_receiver.script = [(404, 0.0)]
    spec = make_spec({"ops": {"type": "webhook", "url": http_receiver.url(), **FAST}}, ["ops"])
    with HistoryStore.open(tmp_path) as store:
        [outcome] = process_alerts(spec, "churn", drifting(make_result), store, now=NOW)
        assert len(alert_state.pending(store, "churn")) == 1
    assert len(http_receiver.requests) == 1
    assert "HTTP 404 Not Found" in (outcome.error or "")
    assert outcome.pending


def test_url_tokens_never_reach_logs_outcomes_or_the_database(
    tmp_path: Path, make_result: MakeResult, http_receiver: HttpReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    # The webhook answers 503 to its 3 attempts; the Slack shorthand (default retries) gets a 404.
    http_receiver.script = [(503, 0.0)] * 3 + [(404, 0.0)]
    token = "xoxb-TOKEN-0123456789"
    spec = make_spec(
        {"ops": {"type": "webhook", "url": http_receiver.url(f"/hooks/{token}?key={token}q"), **FAST}},
        ["ops", f"slack:{http_receiver.url(f'/services/{token}')}"],
    )
    with caplog.at_level(logging.DEBUG), HistoryStore.open(tmp_path) as store:
        outcomes = process_alerts(spec, "churn", drifting(make_result), store, now=NOW)
        stored = database_text(store)
    assert len(outcomes) == 2 and not any(o.delivered for o in outcomes)
    assert all(o.pending for o in outcomes)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"http://127.0.0.1:{http_receiver.port}/…" in logged
    assert "HTTP 503" in logged and "HTTP 404" in logged
    for text in (logged, stored, repr(outcomes)):
        assert token not in text
        assert "/hooks/" not in text and "/services/" not in text


@pytest.mark.parametrize("shorthand", [False, True])
def test_user_and_password_in_a_webhook_url_go_as_basic_auth_and_are_never_shown(
    tmp_path: Path,
    make_result: MakeResult,
    http_receiver: HttpReceiver,
    caplog: pytest.LogCaptureFixture,
    shorthand: bool,
) -> None:
    import base64

    password = "p@ss-Zx81-never-log"  # quoted in the URL as p%40ss-...
    url = f"http://alerts-bot:{password.replace('@', '%40')}@127.0.0.1:{http_receiver.port}/hook"
    notify: list[Any] = [f"webhook:{url}"] if shorthand else ["ops"]
    spec = make_spec({} if shorthand else {"ops": {"type": "webhook", "url": url, **FAST}}, notify)
    with caplog.at_level(logging.DEBUG), HistoryStore.open(tmp_path) as store:
        [outcome] = process_alerts(spec, "churn", drifting(make_result), store, now=NOW)
        # A second alert event that fails, so the error path is logged and stored too.
        http_receiver.script = [(401, 0.0)]
        [refused] = process_alerts(spec, "churn", make_result(day=1), store, now=NOW + timedelta(days=1))
        stored = database_text(store)
    assert outcome.delivered, outcome.error
    [accepted, _] = http_receiver.requests
    expected = base64.b64encode(f"alerts-bot:{password}".encode()).decode()
    assert accepted.headers["Authorization"] == f"Basic {expected}"
    assert accepted.path == "/hook"
    assert not refused.delivered and "HTTP 401" in (refused.error or "")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for text in (logged, stored, repr([outcome, refused])):
        assert password not in text and password.replace("@", "%40") not in text and expected not in text


def test_email_goes_through_starttls_and_login(
    tmp_path: Path, make_result: MakeResult, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", SMTP_PASSWORD)
    smtp = {
        "host": "127.0.0.1",
        "port": smtp_server.port,
        "username": SMTP_USER,
        "password": SMTP_PASSWORD,
        "sender": "driftplane@example.com",
    }
    spec = make_spec({}, ["email:ml-team@example.com"], local={"smtp": smtp})
    with HistoryStore.open(tmp_path) as store:
        [outcome] = process_alerts(spec, "churn", drifting(make_result), store, now=NOW)
    assert outcome.delivered, outcome.error
    assert outcome.channel == "email (ml-team@example.com)"
    assert smtp_server.logins == [SMTP_USER] and smtp_server.tls_sessions == 1
    [message] = smtp_server.messages
    assert message["Subject"] == "[driftplane] FIRING churn: drift"
    assert message["To"] == "ml-team@example.com"
    assert message["From"] == "driftplane@example.com"
    body = message.get_content()
    assert "The alert 'drift' of monitor churn started firing." in body
    assert "1 feature drifted: age (normalized_wasserstein 0.31 > 0.1)" in body
    assert "Report: reports/churn/2026-01-01/index.html" in body


def test_a_refused_smtp_login_is_logged_plainly_and_kept_for_the_next_run(
    tmp_path: Path, make_result: MakeResult, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "wrong-pw-Zk93-do-not-log"
    smtp = {"host": "127.0.0.1", "port": smtp_server.port, "username": SMTP_USER, "password": wrong}
    spec = make_spec({"team": {"type": "email", "to": ["ml-team@example.com"]}}, ["team"], local={"smtp": smtp})
    with caplog.at_level(logging.DEBUG), HistoryStore.open(tmp_path) as store:
        [outcome] = process_alerts(spec, "churn", drifting(make_result), store, now=NOW)
        stored = database_text(store)
        [queued] = alert_state.pending(store, "churn")
    assert not outcome.delivered and outcome.pending
    assert f"the SMTP server 127.0.0.1:{smtp_server.port} refused the login of user 'alerts' (535" in (
        outcome.error or ""
    )
    assert queued.channel_name == "email 'team'"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "refused the login of user 'alerts'" in logged
    assert smtp_server.messages == []
    for text in (logged, stored, repr(outcome)):
        assert wrong not in text

    # Fixed in the spec: the next run delivers what was kept.
    fixed = make_spec(
        {"team": {"type": "email", "to": ["ml-team@example.com"]}},
        ["team"],
        local={"smtp": {**smtp, "password": SMTP_PASSWORD}},
    )
    with HistoryStore.open(tmp_path) as store:
        [retried] = process_alerts(fixed, "churn", drifting(make_result, day=1), store, now=NOW + timedelta(days=1))
    assert retried.delivered and retried.attempts == 2
    assert len(smtp_server.messages) == 1


def test_an_smtp_server_that_is_down_does_not_fail_alert_processing(
    tmp_path: Path, make_result: MakeResult, caplog: pytest.LogCaptureFixture
) -> None:
    smtp = {"host": "127.0.0.1", "port": free_port(), "timeout": 2}
    spec = make_spec({}, ["email:ml-team@example.com", "log"], local={"smtp": smtp})
    with HistoryStore.open(tmp_path) as store:
        outcomes = process_alerts(spec, "churn", drifting(make_result), store, now=NOW)
    by_channel = {o.channel: o for o in outcomes}
    assert by_channel["log"].delivered
    email = by_channel["email (ml-team@example.com)"]
    assert not email.delivered and email.pending
    assert "connection to the SMTP server" in (email.error or "") and "refused" in (email.error or "")


def test_a_pending_delivery_whose_channel_left_the_spec_is_dropped(
    tmp_path: Path, make_result: MakeResult, caplog: pytest.LogCaptureFixture, no_proxy: None
) -> None:
    spec = make_spec({"ops": {"type": "webhook", "url": f"http://127.0.0.1:{free_port()}/x", **FAST}}, ["ops"])
    with HistoryStore.open(tmp_path) as store:
        process_alerts(spec, "churn", drifting(make_result), store, now=NOW)
        assert len(alert_state.pending(store, "churn")) == 1
        without = make_spec({}, ["log"])
        with caplog.at_level(logging.ERROR, logger="driftplane"):
            outcomes = process_alerts(without, "churn", drifting(make_result, day=1), store, now=NOW)
        assert alert_state.pending(store, "churn") == []
    [dropped] = outcomes
    assert not dropped.delivered and not dropped.pending
    assert "webhook 'ops' is no longer in the spec" in caplog.text


class _PagerSettings(ChannelSettings):
    url: SecretStr


class _BrokenPagerChannel(AlertChannel):
    """A third-party channel with a bug: its send raises whatever, quoting its secret URL."""

    channel_type: ClassVar[str] = "pager"
    settings_model: ClassVar[type[ChannelSettings]] = _PagerSettings
    shorthand_field: ClassVar[str | None] = "url"

    def send(self, notification: Notification) -> None:
        settings = self.settings
        assert isinstance(settings, _PagerSettings)
        raise RuntimeError(f"pager client crashed posting to {settings.url.get_secret_value()}")


class _PagerPlugin:
    @hookimpl
    def register_alert_channels(self, register: Callable[[type[AlertChannel]], None]) -> None:
        register(_BrokenPagerChannel)


def test_a_plugin_channel_that_crashes_does_not_fail_the_run_and_leaks_nothing(
    tmp_path: Path, make_result: MakeResult, caplog: pytest.LogCaptureFixture
) -> None:
    plugin = _PagerPlugin()
    pm.register(plugin, name="test-pager")
    try:
        secret_url = "https://pager.example.com/v1/k3y-SUPERSECRET"
        spec = make_spec({}, [f"pager:{secret_url}", "log"])
        with caplog.at_level(logging.DEBUG), HistoryStore.open(tmp_path) as store:
            outcomes = process_alerts(spec, "churn", drifting(make_result), store, now=NOW)
            stored = database_text(store)
    finally:
        pm.unregister(plugin)
    by_channel = {o.channel: o for o in outcomes}
    pager = by_channel["pager (https://pager.example.com/…)"]
    assert not pager.delivered and pager.pending
    assert pager.error == "RuntimeError: pager client crashed posting to *** (raised by the pager channel)"
    assert by_channel["log"].delivered
    for text in (caplog.text, stored, repr(outcomes)):
        assert "SUPERSECRET" not in text
