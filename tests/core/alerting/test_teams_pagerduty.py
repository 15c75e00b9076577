"""Teams and PagerDuty channels deliver to a real HTTP server on 127.0.0.1, through the local outbox.

Teams gets an Adaptive Card; PagerDuty gets Events API v2 events, a trigger when an alert
fires and a resolve with the same dedup_key when it resolves. Retries, non-2xx answers and
timeouts behave as the webhook channel's do, and no URL signature or routing key reaches a
log, an outcome or the database. Each cloud refuses both types at validate, saying why.
"""

from __future__ import annotations

import json
import logging
import textwrap
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.core.alerting.test_delivery import (
    FAST,
    NOW,
    MakeResult,
    database_text,
    drifting,
    make_spec,
)
from tests.core.alerting.test_new_channel_type import CLOUD_SPECS, clouds  # noqa: F401  (a fixture)
from tests.core.conftest import HttpReceiver

from driftplane.alerting.channels.pagerduty import PagerDutySettings, dedup_key
from driftplane.cli import cli
from driftplane.local import alert_state
from driftplane.local.alerts import process_alerts
from driftplane.local.history import HistoryStore
from driftplane.resolved import resolve_monitor
from driftplane.spec import load_spec

ROUTING_KEY = "R0UT1NGKEY0123456789abcdefABCDEF"
SIGNATURE = "sig=Zm9vYmFyU2VjcmV0U2lnbmF0dXJl"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def fire_then_resolve(tmp_path: Path, make_result: MakeResult, channels: dict[str, Any]) -> list[Any]:
    spec = make_spec(channels, list(channels))
    outcomes = []
    with HistoryStore.open(tmp_path) as store:
        drifted = drifting(make_result, day=0)
        store.record_run(drifted)
        outcomes += process_alerts(spec, "churn", drifted, store, now=NOW)
        calm = make_result(day=1)
        store.record_run(calm)
        outcomes += process_alerts(spec, "churn", calm, store, now=NOW + timedelta(days=1))
    return outcomes


# --- Teams ---------------------------------------------------------------------------------------


def test_teams_gets_an_adaptive_card_when_the_alert_fires_and_when_it_resolves(
    tmp_path: Path, make_result: MakeResult, http_receiver: HttpReceiver
) -> None:
    url = http_receiver.url(f"/workflows/run?api-version=1&{SIGNATURE}")
    outcomes = fire_then_resolve(tmp_path, make_result, {"team": {"type": "teams", "url": url, **FAST}})
    assert [o.delivered for o in outcomes] == [True, True]
    assert outcomes[0].channel == "teams 'team'"
    fired, resolved = (r.json() for r in http_receiver.requests)
    assert http_receiver.requests[0].headers["Content-Type"] == "application/json"
    assert fired["type"] == "message"
    [attachment] = fired["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    title, reason, facts, *rest = card["body"]
    assert (text_of(title), title["inlines"][0]["color"]) == ("FIRING churn: drift", "Attention")
    assert text_of(reason) == "1 feature drifted: age (normalized_wasserstein 0.31 > 0.1)"
    assert {f["title"]: f["value"] for f in facts["facts"]} == {
        "Status": "drift",
        "Window": "2026-01-01 00:00 to 2026-01-02 00:00 UTC",
        "Rows": "500 target, 1,000 baseline",
    }
    texts = [text_of(block) for block in rest]
    assert texts[:2] == ["Drifted features", "• age: normalized_wasserstein 0.31 > 0.1"]
    assert texts[-1].startswith("report: reports/churn/2026-01-01/index.html · driftplane ")
    # Names from data are plain TextRuns, never Markdown: no TextBlock holds them.
    assert {block["type"] for block in card["body"]} == {"RichTextBlock", "FactSet"}
    ended = resolved["attachments"][0]["content"]["body"][0]
    assert (text_of(ended), ended["inlines"][0]["color"]) == ("RESOLVED churn: drift", "Good")


def text_of(block: dict[str, Any]) -> str:
    return "".join(run["text"] for run in block["inlines"])


def test_teams_retries_a_500_keeps_a_400_and_a_timeout_pending_and_never_shows_its_signature(
    tmp_path: Path, make_result: MakeResult, http_receiver: HttpReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    url = http_receiver.url(f"/workflows/run?{SIGNATURE}")
    http_receiver.script = [(500, 0.0), (202, 0.0)]
    spec = make_spec({"team": {"type": "teams", "url": url, **FAST}}, ["team"])
    with HistoryStore.open(tmp_path / "a") as store:
        [retried] = process_alerts(spec, "churn", drifting(make_result), store, now=NOW)
    assert retried.delivered and len(http_receiver.requests) == 2, "the 500 was retried within the run"

    http_receiver.script = [(400, 0.0)]
    with caplog.at_level(logging.DEBUG), HistoryStore.open(tmp_path / "b") as store:
        [refused] = process_alerts(spec, "churn", drifting(make_result), store, now=NOW)
        assert len(alert_state.pending(store, "churn")) == 1
        stored = database_text(store)
    assert len(http_receiver.requests) == 3, "a 400 cannot change: not retried within the run"
    assert refused.pending and "HTTP 400 Bad Request" in (refused.error or "")

    http_receiver.script = [(202, 1.5), (202, 1.5)]
    slow = make_spec({"team": {"type": "teams", "url": url, "timeout": 0.2, "retries": 1, "backoff": 0.01}}, ["team"])
    with caplog.at_level(logging.DEBUG), HistoryStore.open(tmp_path / "c") as store:
        [late] = process_alerts(slow, "churn", drifting(make_result), store, now=NOW)
    assert late.pending and "no answer within 0.2 s (timeout)" in (late.error or "")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"http://127.0.0.1:{http_receiver.port}/…" in logged
    for text in (logged, stored, repr([retried, refused, late])):
        assert SIGNATURE not in text and "/workflows/" not in text


# --- PagerDuty -----------------------------------------------------------------------------------


def test_pagerduty_triggers_on_firing_and_resolves_the_same_dedup_key(
    tmp_path: Path, make_result: MakeResult, http_receiver: HttpReceiver
) -> None:
    channel = {"type": "pagerduty", "routing_key": ROUTING_KEY, "url": http_receiver.url("/v2/enqueue"), **FAST}
    outcomes = fire_then_resolve(tmp_path, make_result, {"oncall": channel})
    assert [o.delivered for o in outcomes] == [True, True]
    trigger, resolve = (r.json() for r in http_receiver.requests)
    assert trigger["routing_key"] == ROUTING_KEY and trigger["event_action"] == "trigger"
    assert trigger["dedup_key"] == resolve["dedup_key"] == "driftplane/churn/name:drift"
    payload = trigger["payload"]
    assert payload["summary"] == "FIRING churn: drift: 1 feature drifted: age (normalized_wasserstein 0.31 > 0.1)"
    assert (payload["severity"], payload["source"], payload["component"]) == ("error", "driftplane/churn", "churn")
    assert (payload["class"], payload["group"], payload["timestamp"]) == ("drift", "driftplane", "2026-02-01T12:00:00Z")
    details = payload["custom_details"]
    assert details["drifted_features"] == ["age: normalized_wasserstein 0.31 > 0.1"]
    assert details["window"] == "2026-01-01 00:00 to 2026-01-02 00:00 UTC"
    assert details["event_id"] == outcomes[0].notification_id
    assert details["report"] == "reports/churn/2026-01-01/index.html"
    assert resolve == {"routing_key": ROUTING_KEY, "dedup_key": trigger["dedup_key"], "event_action": "resolve"}


def test_a_long_alert_key_still_gives_a_dedup_key_pagerduty_accepts(make_result: MakeResult) -> None:
    from driftplane.alerting.notification import build_notification

    def key_of(alert_key: str) -> str:
        notification = build_notification(
            monitor="churn", alert_name="a", alert_key=alert_key, condition="drift", event="firing",
            reason="r", result=drifting(make_result), now=NOW,
        )
        return dedup_key(notification)

    long_one = key_of("name:" + "x" * 400)
    assert len(long_one) <= 255 and long_one == key_of("name:" + "x" * 400) != key_of("name:" + "y" * 400)


class _EchoingPagerDuty:
    """A stand-in for the Events API that answers from a script and echoes the body on errors (as APIs do)."""

    def __init__(self, script: list[tuple[int, float]]) -> None:
        self.script = script
        self.bodies: list[dict[str, Any]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                owner.bodies.append(json.loads(body))
                status, delay = owner.script.pop(0) if owner.script else (202, 0.0)
                if delay:
                    threading.Event().wait(delay)
                answer = b'{"status":"success","message":"Event processed"}' if status == 202 else (
                    b'{"status":"invalid event","message":"Event object is invalid","errors":["' + body[:120] + b'"]}'
                )
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    if status == 429:
                        self.send_header("Retry-After", "0")
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v2/enqueue"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def pagerduty(no_proxy: None) -> Iterator[_EchoingPagerDuty]:
    server = _EchoingPagerDuty([])
    try:
        yield server
    finally:
        server.close()


def test_pagerduty_retries_a_429_keeps_a_400_and_a_timeout_and_never_shows_the_routing_key(
    tmp_path: Path, make_result: MakeResult, pagerduty: _EchoingPagerDuty, caplog: pytest.LogCaptureFixture
) -> None:
    channel = {"type": "pagerduty", "routing_key": ROUTING_KEY, "url": pagerduty.url, **FAST}
    spec = make_spec({"oncall": channel}, ["oncall"])
    pagerduty.script = [(429, 0.0), (202, 0.0)]
    with HistoryStore.open(tmp_path / "a") as store:
        [retried] = process_alerts(spec, "churn", drifting(make_result), store, now=NOW)
    assert retried.delivered and len(pagerduty.bodies) == 2, "the 429 was retried within the run"
    assert pagerduty.bodies[0] == pagerduty.bodies[1], "the retry sends the same event"

    pagerduty.script = [(400, 0.0)]
    with caplog.at_level(logging.DEBUG), HistoryStore.open(tmp_path / "b") as store:
        [refused] = process_alerts(spec, "churn", drifting(make_result), store, now=NOW)
        assert len(alert_state.pending(store, "churn")) == 1
        stored = database_text(store)
    assert len(pagerduty.bodies) == 3 and refused.pending
    assert "HTTP 400 Bad Request" in (refused.error or "") and "Event object is invalid" in (refused.error or "")

    pagerduty.script = [(202, 1.5), (202, 1.5)]
    slow = make_spec({"oncall": {**channel, "timeout": 0.2, "retries": 1, "backoff": 0.01}}, ["oncall"])
    with caplog.at_level(logging.DEBUG), HistoryStore.open(tmp_path / "c") as store:
        [late] = process_alerts(slow, "churn", drifting(make_result), store, now=NOW)
    assert late.pending and "no answer within 0.2 s (timeout)" in (late.error or "")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Event object is invalid" in logged
    for text in (logged, stored, repr([retried, refused, late])):
        assert ROUTING_KEY not in text


def test_a_routing_key_of_the_wrong_shape_is_refused_located_without_showing_it(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    wrong = "not-a-routing-key-SECRET"
    spec.write_text(
        textwrap.dedent(
            f"""\
            channels:
              oncall: {{type: pagerduty, routing_key: "{wrong}"}}
            monitors:
              churn:
                baseline: {{data: train.parquet}}
                target: {{data: "scores/*.parquet"}}
                alerts: [{{when: drift, notify: [oncall]}}]
            """
        )
    )
    code, _, err = invoke("validate", str(spec))
    assert code == 2
    assert f"{spec}:2:" in err and "channels.oncall.routing_key" in err
    assert "32-character Integration Key of an Events API v2 integration" in err
    assert wrong not in err


def test_the_pagerduty_shorthand_names_the_channel_without_its_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGERDUTY_ROUTING_KEY", ROUTING_KEY)
    path = tmp_path / "monitors.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            monitors:
              churn:
                baseline: {data: train.parquet}
                target: {data: "scores/*.parquet"}
                alerts:
                  - when: drift
                    notify: ["pagerduty:${PAGERDUTY_ROUTING_KEY}", "teams:https://example.com/hook?sig=x"]
            """
        )
    )
    [rule] = resolve_monitor(load_spec(path), "churn").alerts
    [oncall, team] = rule.channels
    assert (oncall.type, oncall.name) == ("pagerduty", "pagerduty (key hidden)")
    assert isinstance(oncall.settings, PagerDutySettings) and oncall.value("routing_key") == ROUTING_KEY
    assert (team.type, team.name) == ("teams", "teams (https://example.com/…)")


# --- each cloud refuses both types at validate, saying why and what instead ----------------------


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
@pytest.mark.parametrize("kind", ["teams", "pagerduty"])
def test_every_cloud_refuses_teams_and_pagerduty_at_the_notify_entry(
    tmp_path: Path, clouds: None, cloud: str, kind: str  # noqa: F811  (the fixture imported above)
) -> None:
    channel = (
        '{type: teams, url: "https://example.webhook.office.com/hook/s3cret"}'
        if kind == "teams"
        else f'{{type: pagerduty, routing_key: "{ROUTING_KEY}"}}'
    )
    text = CLOUD_SPECS[cloud].replace('{type: mattermost, url: "https://mattermost.example.com/hook/s3cret"}', channel)
    assert channel in text
    path = tmp_path / "monitors.yaml"
    path.write_text(text)
    code, _, err = invoke("validate", str(path), "--provider", cloud)
    assert code == 2, err
    lines = text.splitlines()
    line = next(i for i, t in enumerate(lines, 1) if "notify:" in t)
    column = lines[line - 1].index("team]") + 1
    name = "teams 'team'" if kind == "teams" else "pagerduty 'team'"
    assert (
        f"{path}:{line}:{column}: monitors.churn.alerts[0].notify[1]: {name}: "
        f"the {cloud} provider cannot deliver '{kind}' channels: "
    ) in err
    assert err.count("cannot deliver") == 1, "the email entry beside it is delivered"
    assert "s3cret" not in err and ROUTING_KEY not in err
    instead = {"aws": "sns_topic_arn", "azure": "email channel", "gcp": "email channel"}[cloud]
    assert instead in err


def test_a_wrong_shorthand_is_refused_without_quoting_its_secret(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text(
        textwrap.dedent(
            """\
            monitors:
              churn:
                baseline: {data: train.parquet}
                target: {data: "scores/*.parquet"}
                alerts:
                  - {when: drift, notify: ["pagerduty:not-a-key-SECRET1", "teams:ftp://host/SECRET2"]}
                  - {when: failure, notify: ["webhook:ftp://host/SECRET3"]}
            """
        )
    )
    code, _, err = invoke("validate", str(spec))
    assert code == 2
    assert f"{spec}:6:32: monitors.churn.alerts[0].notify[0]: 'pagerduty:…': must be the 32-character" in err
    assert f"{spec}:6:63: monitors.churn.alerts[0].notify[1]: 'teams:…': must be an http:// or https:// URL" in err
    assert "monitors.churn.alerts[1].notify[0]: 'webhook:…': must be an http:// or https:// URL" in err
    assert "SECRET1" not in err and "SECRET2" not in err and "SECRET3" not in err


def test_a_backfill_opens_and_closes_one_pagerduty_incident_and_posts_two_teams_cards(
    tmp_path: Path, http_receiver: HttpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`driftplane run` over days that start and stop drifting, as a user runs it."""
    from tests.core.local.test_runner import make_project

    monkeypatch.setenv("PAGERDUTY_ROUTING_KEY", ROUTING_KEY)
    spec = make_project(tmp_path)
    pd, teams = http_receiver.url("/pd"), http_receiver.url("/teams")
    channels = (
        "channels:\n"
        f"  oncall: {{type: pagerduty, routing_key: '${{PAGERDUTY_ROUTING_KEY}}', url: '{pd}'}}\n"
        f"  team: {{type: teams, url: '{teams}'}}\n"
        "monitors:"
    )
    text = spec.read_text().replace("monitors:", channels, 1).replace("notify: [log]}", "notify: [oncall, team]}", 1)
    spec.write_text(text)
    code, _, err = invoke("run", str(spec), "--from", "2026-03-01", "--to", "2026-03-07")
    assert code == 1, err  # drift was found
    assert ROUTING_KEY not in err
    sent = [(r.path, r.json()) for r in http_receiver.requests]
    events = [body["event_action"] for path, body in sent if path == "/pd"]
    assert events == ["trigger", "resolve"]
    keys = {body["dedup_key"] for path, body in sent if path == "/pd"}
    assert keys == {"driftplane/churn/name:inputs drifted"}
    cards = [text_of(body["attachments"][0]["content"]["body"][0]) for path, body in sent if path == "/teams"]
    assert cards == ["FIRING churn: inputs drifted", "RESOLVED churn: inputs drifted"]
