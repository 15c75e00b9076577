"""The report in a real headless Chromium: it renders, logs no errors, and shows what drifted."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from report_browser import Browser, missing_browser
from report_samples import PAYLOADS, hostile_result, make_result

from driftplane.local.report import write_report
from driftplane.result import RunResult

# The contrast of a text element against the first opaque background behind it (WCAG formula).
CONTRAST = """
function lum(c){var m=c.match(/[\\d.]+/g).map(Number);var v=m.slice(0,3).map(function(x){x/=255;
  return x<=0.03928?x/12.92:Math.pow((x+0.055)/1.055,2.4)});return 0.2126*v[0]+0.7152*v[1]+0.0722*v[2];}
function bg(el){for(;el;el=el.parentElement){var c=getComputedStyle(el).backgroundColor;
  var m=c.match(/[\\d.]+/g);if(m&&(m.length<4||Number(m[3])>0.99))return c;}return 'rgb(255,255,255)';}
var el=arguments[0];var a=lum(getComputedStyle(el).color),b=lum(bg(el));
return (Math.max(a,b)+0.05)/(Math.min(a,b)+0.05);
"""


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory, drift_result: RunResult, history: list[RunResult]) -> Path:
    return write_report(tmp_path_factory.mktemp("report") / "report.html", drift_result, history=history)


@pytest.fixture
def page(browser: Browser, report_file: Path) -> Browser:
    errors = browser.open(report_file.as_uri())
    assert errors == [], f"the report logged to the console: {errors}"
    return browser


def visible_text(browser: Browser, selector: str) -> str:
    return str(browser.run("var e=document.querySelector(arguments[0]);return e?e.innerText:null;", selector))


def test_loads_without_console_errors_and_shows_the_verdict_first(page: Browser) -> None:
    assert page.run("return document.title").startswith("Drift on 4 of 20 features")
    verdict = page.driver.find_element("css selector", "header.verdict h1")
    assert verdict.is_displayed()
    assert verdict.text.endswith("Drift on 4 of 20 features and 4 data-quality violations")
    top = page.run("return arguments[0].getBoundingClientRect().top", verdict)
    assert 0 <= top < 100, "the verdict is the first thing on screen"
    assert page.run("return document.querySelectorAll('h1').length") == 1


def test_drifted_features_are_visible_and_listed_first(page: Browser) -> None:
    cards = page.driver.find_elements("css selector", "#cards article")
    assert len(cards) == 20
    first = [c.get_attribute("data-name") for c in cards[:4]]
    assert first == ["support_calls", "monthly charges (€)", "age", "country"]
    for card in cards[:4]:
        assert "drifted" in card.get_attribute("class").split()
        page.run("arguments[0].scrollIntoView()", card)
        assert card.is_displayed()
        assert card.find_element("css selector", ".badge").text == "Drifted"
    assert all("drifted" not in c.get_attribute("class").split() for c in cards[4:])


def test_every_chart_is_laid_out_with_a_size_and_drawn_series(page: Browser) -> None:
    sizes = page.run(
        "return Array.prototype.map.call(document.querySelectorAll('svg.chart, svg.spark, svg.strip'), function(s){"
        "var r=s.getBoundingClientRect();"
        "var drawn=Array.prototype.map.call(s.querySelectorAll('.b,.t,.tb,.trend,circle,rect[class^=s-]'),"
        "function(e){var b=e.getBBox(); return b.width*b.height + b.width + b.height;});"
        "return [s.getAttribute('class'), r.width, r.height, "
        "drawn.length, Math.min.apply(null, drawn.concat([1e9]))];})"
    )
    assert len(sizes) >= 20 + 4 + 1 + 4
    for css, width, height, series, smallest in sizes:
        assert width > 100 and height > 30, f"an {css} chart is {width}x{height}"
        assert series >= 1 and smallest > 0, f"an {css} chart draws an empty series"
    # The baseline hatch pattern resolves: the baseline area is painted, not transparent.
    fill = page.run("return getComputedStyle(document.querySelector('path.b')).fill")
    assert "dp-hatch" in fill


def test_the_filter_shows_only_drifted_features_and_find_narrows_by_name(page: Browser) -> None:
    controls = page.driver.find_element("id", "controls")
    assert controls.is_displayed()
    page.driver.find_element("id", "only-drifted").click()
    shown = page.run(
        "return Array.prototype.filter.call(document.querySelectorAll('#cards article'), "
        "function(a){return !a.hidden}).map(function(a){return a.dataset.name})"
    )
    assert shown == ["support_calls", "monthly charges (€)", "age", "country"]
    assert visible_text(page, "#shown") == "4 shown"
    rows = page.run(
        "return Array.prototype.filter.call(document.querySelectorAll('#glance tbody tr'), "
        "function(r){return r.offsetParent!==null}).length"
    )
    assert rows == 4
    find = page.driver.find_element("id", "find")
    find.send_keys("CHARGES")
    shown = page.run(
        "return Array.prototype.filter.call(document.querySelectorAll('#cards article'), "
        "function(a){return !a.hidden}).map(function(a){return a.dataset.name})"
    )
    assert shown == ["monthly charges (€)"]


def test_sorting_by_name_reorders_cards_and_the_table(page: Browser) -> None:
    from selenium.webdriver.support.ui import Select

    Select(page.driver.find_element("id", "order")).select_by_value("name")
    names = page.run(
        "return Array.prototype.map.call(document.querySelectorAll('#cards article'), "
        "function(a){return a.dataset.name})"
    )
    assert names == sorted(names, key=str.lower)
    page.driver.find_element("css selector", "#glance th button[data-key=name]").click()
    rows = page.run(
        "return Array.prototype.map.call(document.querySelectorAll('#glance tbody tr'), "
        "function(r){return r.dataset.name})"
    )
    assert rows == sorted(rows, key=str.lower)
    value = page.driver.find_element("xpath", "//table[@id='glance']//th/button[text()='Value']")
    value.click()
    values = page.run(
        "return Array.prototype.map.call(document.querySelectorAll('#glance tbody tr'), "
        "function(r){return parseFloat(r.children[3].textContent)})"
    )
    assert values == sorted(values) and values[-1] == 1.25
    value.click()
    values = page.run(
        "return Array.prototype.map.call(document.querySelectorAll('#glance tbody tr'), "
        "function(r){return parseFloat(r.children[3].textContent)})"
    )
    assert values == sorted(values, reverse=True)


def test_text_has_enough_contrast(page: Browser) -> None:
    for selector in ("header.verdict h1", ".facts dt", ".facts .note", ".muted", ".badge.drifted", ".badge.stable",
                     ".badge.violated", "figcaption, .legend", ".detail", "a"):
        element = page.driver.find_element("css selector", selector)
        ratio = page.run(CONTRAST, element)
        assert ratio >= 4.5, f"{selector} has a contrast of {ratio:.2f}:1, below 4.5:1"


def test_prints_with_every_feature_and_without_the_controls(page: Browser) -> None:
    page.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert page.run("return getComputedStyle(document.getElementById('controls')).display") == "none"
        assert page.run("return getComputedStyle(document.querySelector('.feature')).breakInside") == "avoid"
        assert page.driver.find_element("css selector", "header.verdict h1").is_displayed()
    finally:
        page.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_injected_markup_is_shown_as_text_and_never_runs(browser: Browser, tmp_path: Path) -> None:
    path = write_report(tmp_path / "hostile.html", hostile_result(), title=PAYLOADS[2])
    errors = browser.open(path.as_uri())
    assert errors == [], f"the page logged: {errors}"
    assert browser.run("return window.__pwned === undefined")
    headings = browser.run(
        "return Array.prototype.map.call(document.querySelectorAll('article h3'), function(h){return h.textContent})"
    )
    assert PAYLOADS[0] + " naïve ünïcödé feature" in headings
    assert PAYLOADS[1] in headings
    assert browser.run("return document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert browser.run("return document.scripts.length") == 1
    assert PAYLOADS[2] in browser.run("return document.querySelector('.kicker').textContent")


class _QuietHandler(SimpleHTTPRequestHandler):
    requested: list[str] = []

    def log_message(self, format: str, *args: object) -> None:
        type(self).requested.append(self.path)


@pytest.fixture
def served(report_file: Path) -> Iterator[tuple[str, list[str]]]:
    handler = type("Handler", (_QuietHandler,), {"requested": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(report_file.parent)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{report_file.name}", handler.requested
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_served_over_http_it_requests_nothing_but_itself(browser: Browser, served: tuple[str, list[str]]) -> None:
    url, requested = served
    errors = browser.open(url)
    assert errors == []
    assert browser.driver.find_element("css selector", "header.verdict h1").is_displayed()
    browser.run("window.scrollTo(0, document.body.scrollHeight)")
    assert requested == ["/report.html"]


def test_readable_without_javascript(report_file: Path) -> None:
    problem = missing_browser()
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    plain = Browser(javascript=False)
    try:
        plain.open(report_file.as_uri())
        assert plain.driver.find_element("css selector", "header.verdict h1").text.endswith("4 data-quality violations")
        cards = plain.driver.find_elements("css selector", "#cards article")
        assert len(cards) == 20 and cards[0].get_attribute("data-name") == "support_calls"
        assert cards[0].find_element("css selector", "svg.chart").size["width"] > 100
        assert not plain.driver.find_element("id", "controls").is_displayed()
        assert plain.driver.find_element("css selector", "#violations li").is_displayed() is not None
    finally:
        plain.close()


@pytest.mark.slow
def test_five_hundred_features_render_without_errors(browser: Browser, tmp_path: Path) -> None:
    path = write_report(tmp_path / "big.html", make_result(extra_features=492, extra_drifted=40))
    assert browser.open(path.as_uri()) == []
    assert browser.run("return document.querySelectorAll('#cards article').length") == 500
    assert browser.run("return document.querySelectorAll('#cards article.drifted').length") == 44
    first_calm = browser.run(
        "return Array.prototype.findIndex.call(document.querySelectorAll('#cards article'), "
        "function(a){return !a.classList.contains('drifted')})"
    )
    assert first_calm == 44
