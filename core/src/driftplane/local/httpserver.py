"""The small HTTP server of ``driftplane serve``: Prometheus /metrics, /healthz, and the reports.

``/`` lists the monitors and ``/reports/<monitor>`` shows a monitor's latest report
(``report_pages``), when the server is given the pages.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import logging
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from driftplane.errors import UsageError

if TYPE_CHECKING:
    from driftplane.local.report_pages import ReportPages

logger = logging.getLogger(__name__)


def start_http_server(
    host: str,
    port: int,
    registry: CollectorRegistry,
    health: Callable[[], tuple[bool, dict[str, Any]]],
    pages: ReportPages | None = None,
) -> ThreadingHTTPServer:
    """Serve /metrics and /healthz (and with ``pages``, / and /reports/<monitor>) in a daemon thread.

    Returns the server (``server_port``).
    """
    from driftplane.local.report_pages import REPORTS_PREFIX

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._send(200, CONTENT_TYPE_LATEST, generate_latest(registry))
            elif path == "/healthz":
                ok, details = health()
                body = json.dumps({"status": "ok" if ok else "unhealthy", **details}, default=str, indent=2)
                self._send(200 if ok else 503, "application/json", body.encode())
            elif pages is not None and path in ("/", "/index.html"):
                page = pages.index()
                self._send(page.code, page.content_type, page.body)
            elif pages is not None and path.startswith(REPORTS_PREFIX):
                page = pages.report(unquote(path[len(REPORTS_PREFIX) :].strip("/")))
                self._send(page.code, page.content_type, page.body)
            else:
                hint = "/, /reports/<monitor>, /metrics or /healthz" if pages is not None else "/metrics or /healthz"
                self._send(404, "text/plain; charset=utf-8", f"not found: try {hint}\n".encode())

        def _send(self, code: int, content_type: str, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")  # the latest report changes with every run
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("http %s", format % args)

    try:
        server = ThreadingHTTPServer((host, port), Handler)
    except (OSError, OverflowError) as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {_bind_problem(exc)}") from None
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="driftplane-http", daemon=True)
    thread.start()
    shown = f"[{host}]" if ":" in host else host
    logger.info("serving /metrics and /healthz on http://%s:%d", shown, server.server_port)
    if pages is not None:
        logger.info("the latest report of each monitor: http://%s:%d/", shown, server.server_port)
    if not _loopback(str(server.server_address[0])):
        logger.warning(
            "/metrics and /healthz are open to the network on %s:%d (anyone who can reach this machine "
            "can read monitor names, statuses, drift values and reports); bind to 127.0.0.1 with --host or "
            "providers.local.serve.host unless that is intended",
            host,
            server.server_port,
        )
    return server


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _bind_problem(exc: OSError | OverflowError) -> str:
    """Why the server could not bind, and which setting to change."""
    port_fix = "choose another with --port or providers.local.serve.port"
    host_fix = (
        "set --host or providers.local.serve.host to an address of this machine "
        "(127.0.0.1 for this machine only, 0.0.0.0 for every network interface)"
    )
    if isinstance(exc, OverflowError):
        return f"the port must be between 0 and 65535; {port_fix}"
    if isinstance(exc, socket.gaierror):
        return f"the host name is not known ({exc.strerror or exc}); {host_fix}"
    if exc.errno == errno.EADDRINUSE:
        return f"the address is in use (another program, or another driftplane serve, listens there); {port_fix}"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"this machine has no such address; {host_fix}"
    if exc.errno == errno.EACCES:
        return f"permission denied (ports below 1024 need administrator rights); {port_fix}"
    return f"{exc.strerror or exc}; check --host and --port (providers.local.serve.host and port)"
