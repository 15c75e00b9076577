"""The HTML report of a monitor run: one self-contained file a person understands in a minute.

The page opens with the verdict, then shows every feature (drifted ones first) with its
baseline and target distributions overlaid, the data-quality violations in plain words and
the trend of the last runs. Everything is inline (CSS, SVG charts, a few lines of script
for filtering and sorting) and a Content-Security-Policy forbids any network access, so the
file opens offline, as an email attachment or years later, and reads fully without script.

    from driftplane.local.report import write_report
    write_report("reports/churn/2024-05-01.html", result, history=last_runs, monitor=spec.monitors["churn"])
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import os
from collections.abc import Sequence
from functools import cache
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from driftplane.atomic import write_atomic
from driftplane.local.report_assets import charts
from driftplane.local.report_assets.features import (
    FeatureView,
    feature_card,
    glance_table,
    order_features,
)
from driftplane.local.report_assets.formats import plural
from driftplane.local.report_assets.markup import Html, join, tag
from driftplane.local.report_assets.paths import PortablePaths
from driftplane.local.report_assets.quality import (
    performance_section,
    prediction_drift_section,
    quality_verdict,
)
from driftplane.local.report_assets.sections import (
    about_section,
    banner,
    notes_section,
    toc,
    violations_section,
)
from driftplane.local.report_assets.trend import feature_sparkline, timeline, trend_section
from driftplane.local.report_assets.wording import verdict
from driftplane.result import RunResult
from driftplane.spec.models import Monitor

logger = logging.getLogger(__name__)

# Above this many features the at-a-glance table starts folded, so the cards are not far below.
GLANCE_OPEN_LIMIT = 40


@cache
def _asset(name: str) -> str:
    return resources.files("driftplane.local.report_assets").joinpath(name).read_text(encoding="utf-8")


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _driftplane_version() -> str:
    try:
        return version("driftplane")
    except PackageNotFoundError:
        return "(development)"


def render_report(
    result: RunResult,
    *,
    history: Sequence[RunResult] = (),
    monitor: Monitor | None = None,
    title: str | None = None,
    base_dir: str | os.PathLike[str] | None = None,
) -> str:
    """The report of one run as a complete HTML document.

    ``history`` is the last runs of the same monitor, newest first; it may include
    ``result`` itself. ``monitor`` adds the configured thresholds, data sources and
    schedule to the header. ``title`` replaces the default "<monitor>: driftplane report".
    ``base_dir`` is the spec's folder: paths under it are shown relative to it, and any
    other absolute path by its file name, so the page reads the same on any machine.
    """
    paths = PortablePaths.under(base_dir)
    result, history = paths.result(result), [paths.result(run) for run in history]
    page_title = title or f"{result.monitor}: driftplane report"
    said = quality_verdict(result, verdict(result))
    views = order_features(result.features, result.violations)
    runs = timeline(result, history)
    cards = []
    for view in views:
        spark = feature_sparkline(view, runs, f"spark-{view.index}", compact=view.status != "drifted")
        cards.append(feature_card(view, spark))
    notes = notes_section(result)
    script = _asset("report.js")
    policy = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src '{_script_hash(script)}'; base-uri 'none'; form-action 'none'"
    )
    features = _features_section(views, cards)
    body = join(
        tag("a", "Skip to the features", href="#features", class_="skip"),
        charts.PATTERN_DEFS,
        tag(
            "div",
            banner(result, said, views, monitor, page_title, shorten=paths.text),
            toc(views, result, notes is not None),
            tag(
                "main",
                notes,
                performance_section(result, runs),
                features,
                prediction_drift_section(result),
                violations_section(result, views),
                trend_section(views, runs, result),
                about_section(views),
            ),
            tag(
                "footer",
                f"Made by driftplane {_driftplane_version()}. "
                "Self-contained: this file loads nothing from the network.",
            ),
            class_="page",
        ),
    )
    head = join(
        Html('<meta charset="utf-8">'),
        tag("meta", name="viewport", content="width=device-width, initial-scale=1"),
        tag("meta", http_equiv="Content-Security-Policy", content=policy),
        tag("meta", name="generator", content=f"driftplane {_driftplane_version()}"),
        tag("link", rel="icon", href="data:,"),  # no favicon request: the page loads nothing
        tag("title", f"{said.headline} · {page_title}"),
        Html(f"<style>{_asset('report.css')}</style>"),
    )
    document = Html(
        "<!doctype html>\n"
        f'<html lang="en"><head>{head}</head>'
        f"<body>{body}<script>{script}</script></body></html>\n"
    )
    return str(document)


NOTEBOOK_HEIGHT = 720


def notebook_html(
    result: RunResult,
    *,
    history: Sequence[RunResult] = (),
    monitor: Monitor | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    height: int = NOTEBOOK_HEIGHT,
) -> str:
    """The report inline in a notebook: the whole page in a sandboxed ``<iframe srcdoc>``.

    The page keeps its own styles, ids and script apart from the notebook's (a report's
    ``#features`` or ``body`` rule must not restyle the notebook), and keeps its
    Content-Security-Policy: it loads nothing, so it shows the same offline and in a saved
    notebook. ``sandbox="allow-scripts"`` runs the page's filter and sort script and
    nothing else (no same-origin access to the notebook, no forms, no pop-ups).
    """
    page = render_report(result, history=history, monitor=monitor, base_dir=base_dir)
    label = f"driftplane report of monitor {result.monitor}"
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" title="{html.escape(label)}" '
        f'style="width:100%;height:{int(height)}px;border:1px solid #d9dee4;border-radius:6px"></iframe>'
    )


def _features_section(views: Sequence[FeatureView], cards: Sequence[Html]) -> Html:
    heading = tag("h2", "Features", id="features-heading")
    if not views:
        return tag("section", heading, tag("p", "No features were compared in this run."), id="features",
                   aria_labelledby="features-heading")
    drifted = sum(1 for v in views if v.status == "drifted")
    measured = sum(1 for v in views if v.feature.drift is not None and v.feature.drift.value is not None)
    unmeasured = len(views) - measured
    not_checked = f"; {plural(unmeasured, 'feature')} not checked for drift" if unmeasured else ""
    controls = tag(
        "div",
        tag("label", tag("input", type="checkbox", id="only-drifted"), " Show only drifted features"),
        tag("label", "Find a feature ", tag("input", type="search", id="find", placeholder="name")),
        tag(
            "label",
            "Order ",
            tag(
                "select",
                tag("option", "most drifted first", value="rank"),
                tag("option", "by name", value="name"),
                id="order",
            ),
        ),
        tag("span", "", id="shown", class_="muted", aria_live="polite"),
        id="controls",
        class_="controls",
        hidden=True,
    )
    glance = glance_table(views)
    summary = tag("summary", f"Table of all {len(views):,} features")
    return tag(
        "section",
        heading,
        tag(
            "p",
            f"{drifted:,} of {measured:,} drifted{not_checked}. Drifted features come first, the furthest above "
            "their threshold first; then the others, closest to their threshold first.",
        ),
        tag("details", summary, glance, open=len(views) <= GLANCE_OPEN_LIMIT),
        controls,
        tag("div", cards, id="cards"),
        id="features",
        aria_labelledby="features-heading",
    )


def write_report(
    path: str | os.PathLike[str],
    result: RunResult,
    *,
    history: Sequence[RunResult] = (),
    monitor: Monitor | None = None,
    title: str | None = None,
    base_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Render the report and write it atomically: a temporary file beside ``path``, then a rename.

    A reader (or a web server) never sees half a report, and a failed write leaves the
    previous report in place. Missing parent directories are created.
    """
    target = Path(path)
    text = render_report(result, history=history, monitor=monitor, title=title, base_dir=base_dir)
    data = text.encode("utf-8", errors="replace")
    write_atomic(target, data, what=f"the report of monitor '{result.monitor}'")  # StorageError says why not
    logger.debug("wrote the report of monitor '%s' to %s (%d KB).", result.monitor, target, len(data) // 1024)
    return target
