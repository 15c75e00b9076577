"""Fixtures shared by the core tests: RunResults built from the real models, and real HTTP and SMTP receivers."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from driftplane.result import Drift, FeatureResult, Rows, RunResult, Violation, Window

DAY0 = datetime(2026, 1, 1, tzinfo=UTC)

MakeResult = Callable[..., RunResult]


def build_result(
    monitor: str = "churn",
    *,
    day: int = 0,
    values: Mapping[str, float | None] | None = None,
    threshold: float = 0.1,
    violations: list[tuple[str, str]] | None = None,
    failed: str | None = None,
    reports: dict[str, str] | None = None,
) -> RunResult:
    """A daily window's result; a feature drifts when its value is above ``threshold``."""
    values = {"age": 0.02, "income": 0.03, "plan": 0.01} if values is None else values
    window = Window(start=DAY0 + timedelta(days=day), end=DAY0 + timedelta(days=day + 1))
    if failed is not None:
        return RunResult(
            monitor=monitor, window=window, rows=Rows(baseline=1000, target=0), status="failed", error=failed
        )
    features = [
        FeatureResult(
            name=name,
            kind="categorical" if name == "plan" else "numerical",
            drift=Drift(
                metric="jensen_shannon" if name == "plan" else "normalized_wasserstein",
                value=value,
                threshold=threshold,
                effective_threshold=threshold,
                drifted=value is not None and value > threshold,
            ),
        )
        for name, value in values.items()
    ]
    found = [
        Violation(feature_name=feature, constraint_check_type=check, description=f"{check} failed for {feature}")
        for feature, check in (violations or [])
    ]
    drift = any(f.drift is not None and f.drift.drifted for f in features)
    return RunResult(
        monitor=monitor,
        window=window,
        rows=Rows(baseline=1000, target=500 + day),
        status=RunResult.status_for(drift, bool(found)),
        features=features,
        violations=found,
        reports=reports or {},
        started_at=window.end,
        duration_seconds=1.5,
    )


@pytest.fixture
def make_result() -> MakeResult:
    return build_result


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests to 127.0.0.1 must not go through a proxy configured on the machine."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


# --- a real HTTP receiver for webhooks and Slack ----------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpReceiver:
    """An HTTP server on 127.0.0.1 that records every POST and answers from a script."""

    port: int
    requests: list[Received] = field(default_factory=list)
    # Each request pops the next (status, delay seconds); when empty: (200, 0).
    script: list[tuple[int, float]] = field(default_factory=list)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def start_receiver(port: int = 0) -> tuple[ThreadingHTTPServer, HttpReceiver]:
    receiver = HttpReceiver(port=0)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
                status, delay = receiver.script.pop(0) if receiver.script else (200, 0.0)
            if delay:
                time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 400 else b"something broke")
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    receiver.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, receiver


@pytest.fixture
def http_receiver(no_proxy: None) -> Iterator[HttpReceiver]:
    server, receiver = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


def free_port() -> int:
    """A port nothing listens on (connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- a real SMTP server with STARTTLS and AUTH --------------------------------------------------

SMTP_USER = "alerts"
SMTP_PASSWORD = "pw-7Hq2-never-log-me"


@dataclass
class SmtpServer:
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    tls_sessions: int = 0


@pytest.fixture
def smtp_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """aiosmtpd on 127.0.0.1 that requires STARTTLS before anything and accepts one login.

    Its certificate comes from a throwaway CA; SSL_CERT_FILE makes this process trust it,
    as a user would for a private CA.
    """
    import ssl

    import trustme
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ca = trustme.CA()
    certificate = ca.issue_cert("127.0.0.1", "localhost")
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(tls)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))

    server = SmtpServer(port=free_port())

    class Handler:
        async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:
            server.messages.append(message_from_bytes(envelope.content, policy=default_policy))  # type: ignore[arg-type]
            if session.ssl is not None:
                server.tls_sessions += 1
            return "250 OK"

    def authenticator(smtp: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == SMTP_USER
            and data.password.decode() == SMTP_PASSWORD
        )
        if ok:
            server.logins.append(data.login.decode())
        return AuthResult(success=ok, handled=False)

    controller = Controller(
        Handler(),
        hostname="127.0.0.1",
        port=server.port,
        tls_context=tls,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
    )
    controller.start()
    yield server
    controller.stop()
