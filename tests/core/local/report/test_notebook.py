"""A RunResult shows its report inline in a notebook: checked in a real Chromium, as a notebook shows it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from report_browser import Browser

import driftplane as dp
from driftplane.local.report import render_report
from driftplane.result import RunResult

# A notebook output cell, as Jupyter inserts a text/html output: the markup inside the notebook's page.
HOST = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>notebook</title>
<style>body{{font-family:serif;background:rgb(250, 250, 250)}}</style></head>
<body><div class="output_html" id="out">{output}</div></body></html>
"""


class _Recorder(SimpleHTTPRequestHandler):
    requested: list[str] = []

    def log_message(self, format: str, *args: object) -> None:
        type(self).requested.append(self.path)


@pytest.fixture
def notebook(tmp_path: Path, drift_result: RunResult, history: list[RunResult]) -> Iterator[tuple[str, list[str]]]:
    (tmp_path / "notebook.html").write_text(HOST.format(output=drift_result._repr_html_()), encoding="utf-8")
    handler = type("Handler", (_Recorder,), {"requested": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/notebook.html", handler.requested
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_report_shows_inline_runs_its_script_and_fetches_nothing(
    browser: Browser, notebook: tuple[str, list[str]]
) -> None:
    url, requested = notebook
    assert browser.open(url) == []
    frame = browser.driver.find_element("css selector", "#out iframe")
    assert frame.size["height"] >= 600 and frame.size["width"] > 600
    browser.driver.switch_to.frame(frame)
    try:
        verdict = browser.driver.find_element("css selector", "header.verdict h1")
        assert verdict.is_displayed()
        assert verdict.text.endswith("Drift on 4 of 20 features and 4 data-quality violations")
        assert browser.run("return document.querySelectorAll('#cards article').length") == 20
        assert browser.driver.find_element("id", "controls").is_displayed(), "the page's own script ran"
        browser.driver.find_element("id", "only-drifted").click()
        shown = browser.run(
            "return Array.prototype.filter.call(document.querySelectorAll('#cards article'),"
            "function(a){return !a.hidden}).length"
        )
        assert shown == 4
        assert "dp-hatch" in browser.run("return getComputedStyle(document.querySelector('path.b')).fill")
        browser.run("window.scrollTo(0, document.body.scrollHeight)")
    finally:
        browser.driver.switch_to.default_content()
    assert browser.console() == []
    # The notebook's page keeps its own look; the report's ids and styles stay inside the frame.
    assert browser.run("return getComputedStyle(document.body).backgroundColor") == "rgb(250, 250, 250)"
    assert browser.run("return document.getElementById('features')") is None
    assert browser.run("return document.querySelector('#out iframe').contentDocument") is None, "sandboxed"
    assert requested == ["/notebook.html"], "the report loads nothing from the network"


def test_render_report_is_public_and_renders_a_result_alone(drift_result: RunResult) -> None:
    assert dp.render_report is render_report
    page = dp.render_report(drift_result)
    assert page.startswith("<!doctype html>") and "Drift on 4 of 20 features" in page
    assert "render_report" in dp.__all__ and "write_report" in dp.__all__
