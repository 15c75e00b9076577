"""`driftplane serve` shows each monitor's latest report at /reports/<monitor>, linked from its index at /."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_browser import Browser
from report_dom import parse
from tests.core.local.test_serve import _get, _project

from driftplane.cli import cli
from driftplane.local.report_pages import ReportPages


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """serve on a project whose last three windows already ran (so serve has nothing to catch up)."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    spec = _project(tmp_path)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=3)
    result = CliRunner().invoke(cli, ["run", str(spec), "--from", f"{start:%Y-%m-%d}", "--to", f"{today:%Y-%m-%d}"])
    assert result.exit_code == 0, result.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "driftplane", "serve", str(spec)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        base, reports_line = None, ""
        deadline = time.monotonic() + 60
        while not reports_line and time.monotonic() < deadline:
            line = process.stdout.readline()
            found = re.search(r"serving /metrics and /healthz on (http://127\.0\.0\.1:\d+)", line)
            base = found.group(1) if found else base
            reports_line = line if "the latest report of each monitor" in line else ""
        assert base is not None and reports_line.rstrip().endswith(f"{base}/")
        yield base, tmp_path
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_the_index_links_each_monitors_latest_report_which_opens_in_a_browser(
    browser: Browser, served: tuple[str, Path]
) -> None:
    base, root = served
    code, index = _get(base + "/")
    assert code == 200 and 'href="/reports/daily"' in index
    assert browser.open(base + "/") == []
    browser.driver.find_element("link text", "daily").click()
    assert browser.driver.current_url == base + "/reports/daily"
    verdict = browser.driver.find_element("css selector", "header.verdict h1")
    assert verdict.is_displayed() and verdict.text.endswith("No drift, no violations")
    assert browser.console() == []
    assert browser.driver.find_element("id", "controls").is_displayed(), "its script runs when served"
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    cells = browser.run("return document.querySelectorAll('#trend svg.strip g').length")
    assert cells == 3, "the latest report carries the trend of the windows before it"
    assert f"{today:%Y-%m-%d} 00:00 UTC (1 day)" in browser.run("return document.querySelector('.facts').innerText")
    assert str(root) not in browser.driver.page_source


def test_the_latest_report_on_disk_is_served_and_unknown_monitors_are_refused(served: tuple[str, Path]) -> None:
    base, root = served
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    code, page = _get(base + "/reports/daily")
    assert code == 200
    assert "(this report)" in page and f"{today:%Y-%m-%d} 00:00 UTC (1 day)" in parse(page).find("dl").text
    # The newest window's report is gone: the one before it is the latest there is.
    shutil.rmtree(root / "reports" / "daily" / f"{today:%Y-%m-%dT0000Z}")
    code, page = _get(base + "/reports/daily")
    yesterday = today - timedelta(days=1)
    assert code == 200 and f"{yesterday:%Y-%m-%d} 00:00 UTC (1 day)" in parse(page).find("dl").text
    code, text = _get(base + "/reports/nope")
    assert code == 404 and text == "no monitor 'nope' is served here (served: daily); see /\n"
    code, text = _get(base + "/nope")
    assert code == 404 and "/reports/<monitor>" in text


def test_a_monitor_without_a_run_has_no_report_yet(tmp_path: Path) -> None:
    pages = ReportPages(tmp_path / ".driftplane", ["daily"])
    page = pages.report("daily")
    assert (page.code, page.body) == (404, b"monitor daily has no report yet: it appears here after its first run\n")
    index = pages.index().body.decode()
    assert 'href="/reports/daily"' in index and "not run yet" in index
