"""The pages ``driftplane serve`` shows besides its metrics: an index, and each monitor's latest report.

A person who runs ``serve`` on a shared machine wants to open the latest report from a
browser, not log in and find ``reports/<monitor>/<window>/report.html``. ``/`` lists the
monitors with their last status and links; ``/reports/<monitor>`` is the report of the
monitor's newest window that has one (a later run whose report could not be written does
not hide the previous one). The reports are the files on disk, served as they are: they
are self-contained and load nothing, so they read the same here as opened from disk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from driftplane.errors import DataError
from driftplane.local.history import HistoryStore
from driftplane.local.report_assets.markup import Html, join, tag

logger = logging.getLogger(__name__)

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
REPORTS_PREFIX = "/reports/"
# How many of a monitor's newest runs are looked through for one whose report is on disk.
LOOK_BACK = 20
_INDEX_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
_STYLE = (
    "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1f2933;margin:32px auto;"
    "max-width:860px;padding:0 16px}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 10px;"
    "border-bottom:1px solid #d9dee4}th{color:#52606d;font-weight:600}.muted{color:#52606d}a{color:#1d4ed8}"
)


@dataclass(frozen=True)
class Page:
    """An HTTP answer: status code, content type and body."""

    code: int
    content_type: str
    body: bytes


def report_url(monitor: str) -> str:
    """'/reports/churn': where serve shows the monitor's latest report."""
    return REPORTS_PREFIX + quote(monitor, safe="")


@dataclass
class ReportPages:
    """The index and the latest reports of the monitors ``serve`` runs.

    state_dir: where the history is (the reports' paths are recorded with each run).
    monitors: the monitors served, in the spec's order.
    status: a monitor's last status as serve knows it (None before its first run).
    """

    state_dir: Path
    monitors: Sequence[str]
    status: Callable[[str], str | None] = field(default=lambda name: None)

    def latest_report(self, monitor: str) -> Path | None:
        """The newest window's report of ``monitor`` that exists on disk; None when there is none."""
        if not HistoryStore.exists(self.state_dir):
            return None
        with HistoryStore.open(self.state_dir, create=False) as store:
            runs = store.list_runs(monitor, limit=LOOK_BACK)
        for run in runs:
            path = run.reports.get("html")
            if path and Path(path).is_file():
                return Path(path)
        return None

    def report(self, monitor: str) -> Page:
        """The latest report of ``monitor``, or a 404 that says why and where to look."""
        if monitor not in self.monitors:
            served = ", ".join(self.monitors) or "none"
            return Page(404, TEXT, f"no monitor '{monitor}' is served here (served: {served}); see /\n".encode())
        try:
            path = self.latest_report(monitor)
            body = path.read_bytes() if path is not None else None
        except (OSError, DataError) as exc:
            logger.warning("could not read the latest report of monitor %s for /reports: %s", monitor, exc)
            return Page(503, TEXT, f"the latest report of monitor {monitor} could not be read: {exc}\n".encode())
        if body is None:
            return Page(
                404,
                TEXT,
                f"monitor {monitor} has no report yet: it appears here after its first run\n".encode(),
            )
        return Page(200, HTML, body)

    def index(self) -> Page:
        """Every served monitor with its last status and a link to its latest report."""
        rows = [
            tag(
                "tr",
                tag("td", tag("a", name, href=report_url(name))),
                tag("td", self.status(name) or "not run yet", class_="muted" if self.status(name) is None else None),
            )
            for name in self.monitors
        ]
        body = join(
            tag("h1", "driftplane serve"),
            tag("p", "The latest report of each monitor (its newest window):"),
            tag("table", tag("thead", tag("tr", tag("th", "Monitor"), tag("th", "Last status"))), tag("tbody", rows)),
            tag(
                "p",
                "Also: ",
                tag("a", "/metrics", href="/metrics"),
                " (Prometheus) and ",
                tag("a", "/healthz", href="/healthz"),
                " (the scheduler's state, JSON).",
                class_="muted",
            ),
        )
        page = (
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'{tag("meta", http_equiv="Content-Security-Policy", content=_INDEX_POLICY)}'
            '<link rel="icon" href="data:,"><title>driftplane serve</title>'
            f"<style>{_STYLE}</style></head><body>{body}</body></html>\n"
        )
        return Page(200, HTML, Html(page).encode("utf-8"))
