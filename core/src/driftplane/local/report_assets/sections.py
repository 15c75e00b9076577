"""The page's sections other than the feature cards: the verdict banner, notes, violations, glossary.

The banner answers the question the report is opened for (did anything happen?) before any
chart: the status in words, what was compared, how many rows, when, and by which rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import PurePath
from typing import Any

from driftplane.local.report_assets.features import FeatureView
from driftplane.local.report_assets.formats import (
    count,
    number,
    percent,
    plural,
    seconds,
    span,
    times,
    timestamp,
)
from driftplane.local.report_assets.markup import Html, join, tag
from driftplane.local.report_assets.quality import toc_links
from driftplane.local.report_assets.wording import (
    CHECK_EXPLANATIONS,
    CHECK_TITLES,
    Verdict,
    check_title,
    describe_threshold_rule,
    explain_violation,
    metric_hint,
    metric_name,
)
from driftplane.result import RunResult, Violation
from driftplane.spec.models import FixedWindow, Monitor

ICONS = {"ok": "✓", "drift": "▲", "violations": "!", "failed": "✗"}
QUICK_LIMIT = 12


def banner(
    result: RunResult,
    said: Verdict,
    views: Sequence[FeatureView],
    monitor: Monitor | None,
    title: str,
    *,
    shorten: Callable[[str], str] = str,
) -> Html:
    """The verdict first, then the facts that frame it; ``shorten`` makes the data sources' paths portable."""
    facts: list[tuple[str, Any]] = [("Monitor", _monitor_text(result, monitor))]
    facts.append(("Window", _window_text(result, monitor)))
    facts.append(
        (
            "Rows",
            join(
                "baseline ",
                tag("strong", count(result.rows.baseline)),
                ", target ",
                tag("strong", count(result.rows.target)),
            ),
        )
    )
    ran = timestamp(result.started_at) if result.started_at else "time not recorded"
    if result.duration_seconds is not None:
        ran += f", took {seconds(result.duration_seconds)}"
    facts.append(("Ran", f"{ran} (provider {result.provider})"))
    if monitor is not None:
        facts.append(("Data", _sources_text(monitor, shorten)))
    thresholds = _thresholds(views, monitor)
    if thresholds is not None:
        facts.append(("Thresholds", thresholds))
    dataset = _dataset_text(result)
    if dataset is not None:
        facts.append(("Whole dataset", dataset))
    detail = [said.detail] if said.detail else []
    return tag(
        "header",
        tag("p", title, class_="kicker"),
        tag("h1", tag("span", ICONS.get(said.tone, ""), class_="icon", aria_hidden="true"), said.headline),
        tag("p", *detail, class_="lede") if detail else None,
        _quick_links(views, result.violations),
        tag("dl", [join(tag("dt", k), tag("dd", v)) for k, v in facts], class_="facts"),
        class_=f"verdict tone-{said.tone}",
        id="verdict",
    )


def _monitor_text(result: RunResult, monitor: Monitor | None) -> Html:
    parts: list[Any] = [tag("strong", result.monitor)]
    if monitor is not None and monitor.description:
        parts += [": ", monitor.description]
    if monitor is not None:
        schedule = monitor.schedule
        parts += [tag("span", f" · runs {schedule.keyword or 'on cron ' + schedule.cron}", class_="note")]
    return join(*parts)


def _window_text(result: RunResult, monitor: Monitor | None) -> Html:
    configured = monitor.target.window if monitor is not None else None
    if result.window is None:
        if result.status == "failed":
            return join("not recorded (the run failed)")
        return join("all of the target data (no time window)")
    length = span(result.window.end - result.window.start)
    text = f"{timestamp(result.window.start)} → {timestamp(result.window.end)} ({length})"
    note = None
    if configured is not None and not isinstance(configured, FixedWindow):
        note = tag("span", f" · each run reads the last {configured.text or configured}", class_="note")
    return join(text, note)


def _source(data: Any) -> str:
    return str(data) if data is not None else "—"


def _sources_text(monitor: Monitor, shorten: Callable[[str], str] = str) -> Html:
    baseline = monitor.baseline
    if baseline.statistics:
        base = f"SageMaker statistics {shorten(str(baseline.statistics))}"
    elif baseline.lag is not None:
        base = f"the target itself, {baseline.lag.text or baseline.lag} earlier"
    else:
        base = shorten(_source(baseline.data))
    target = shorten(_source(monitor.target.data or monitor.target.endpoint))
    return join("baseline ", tag("code", base), ", target ", tag("code", target))


def _thresholds(views: Sequence[FeatureView], monitor: Monitor | None) -> Html | None:
    checked = [v for v in views if v.feature.drift is not None and v.feature.drift.value is not None]
    rules: list[str] = []
    if monitor is not None:
        drift_checks = monitor.checks.drift
        if not drift_checks.enabled:
            return join("drift checks are off for this monitor")
        rules = [
            describe_threshold_rule("numerical", drift_checks.numerical.metric, drift_checks.numerical.threshold),
            describe_threshold_rule("categorical", drift_checks.categorical.metric, drift_checks.categorical.threshold),
        ]
        if drift_checks.features:
            rules.append(f"{plural(len(drift_checks.features), 'feature')} with their own settings")
    else:
        seen = Counter(
            (v.feature.kind, v.feature.drift.metric, v.feature.drift.threshold) for v in checked if v.feature.drift
        )
        rules = [
            describe_threshold_rule(kind, metric, threshold) + f" ({plural(n, 'feature')})"
            for (kind, metric, threshold), n in seen.most_common()
        ]
    if not rules:
        return None
    parts: list[Any] = ["; ".join(rules) + "."]
    raised = [v for v in checked if v.raised]
    if raised:
        highest = max(v.applied_threshold or 0.0 for v in raised)
        parts.append(
            tag(
                "span",
                tag("br"),
                f"Effective threshold raised on {len(raised):,} of {plural(len(checked), 'feature')} "
                f"(up to {number(highest)}): two samples of the same data differ by chance, the more so the "
                "fewer rows they have, so small samples get a higher threshold and noise raises no alarm. "
                "It is never lowered.",
                class_="note",
            )
        )
    elif monitor is not None and not monitor.checks.drift.noise_correction:
        parts.append(
            tag(
                "span",
                tag("br"),
                "Noise correction is off: the configured thresholds apply as they are.",
                class_="note",
            )
        )
    return join(*parts)


def _dataset_text(result: RunResult) -> Html | None:
    parts: list[str] = []
    if result.drift_share is not None:
        parts.append(f"{percent(result.drift_share)} of the checked features drifted")
    for key, value in (result.dataset_drift or {}).items():
        label = str(key).replace("_", " ")
        parts.append(f"{label}: {number(value) if isinstance(value, int | float) else value}")
    return join("; ".join(parts)) if parts else None


def _quick_links(views: Sequence[FeatureView], violations: Sequence[Violation]) -> Html | None:
    """Links to the drifted features (with how far above the threshold) and to each kind of violation."""
    drifted = [v for v in views if v.status == "drifted"]
    lines: list[Html] = []
    if drifted:
        chips = []
        for view in drifted[:QUICK_LIMIT]:
            ratio = view.ratio
            suffix = f" {times(ratio)}" if ratio is not None else ""
            chips.append(
                tag("li", tag("a", view.feature.name, href=f"#{view.anchor}"), tag("span", suffix, class_="muted"))
            )
        if len(drifted) > QUICK_LIMIT:
            chips.append(tag("li", tag("a", f"and {len(drifted) - QUICK_LIMIT:,} more", href="#features")))
        lines.append(
            tag("div", tag("span", "Drifted:", class_="what", title="the metric as a multiple of its threshold"),
                tag("ul", chips), class_="quick")
        )
    kinds = Counter(v.constraint_check_type for v in violations)
    if kinds:
        chips = [
            tag("li", tag("a", f"{check_title(kind)} ({amount:,})", href=f"#check-{_slug(kind)}"))
            for kind, amount in kinds.most_common()
        ]
        lines.append(tag("div", tag("span", "Violations:", class_="what"), tag("ul", chips), class_="quick"))
    return join(lines) if lines else None


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower())[:60] or "check"


def toc(views: Sequence[FeatureView], result: RunResult, has_notes: bool) -> Html:
    quality, prediction = toc_links(result)
    links = [
        tag("a", "Notes", href="#notes") if has_notes else None,
        quality,
        tag("a", f"Features ({len(views):,})", href="#features"),
        prediction,
        tag("a", f"Violations ({len(result.violations):,})", href="#violations"),
        tag("a", "Trend", href="#trend"),
        tag("a", "How to read this report", href="#about"),
    ]
    return tag("nav", links, class_="toc", aria_label="Sections")


def notes_section(result: RunResult) -> Html | None:
    """Why a run failed, and the notes a person should read (skipped lines, empty columns)."""
    if not result.error and not result.messages and not result.reports:
        return None
    parts: list[Any] = [tag("h2", "Notes", id="notes-heading")]
    if result.error:
        parts += [tag("p", "The run failed with this error:"), tag("pre", result.error, class_="error")]
    if result.messages:
        parts.append(tag("ul", [tag("li", m) for m in result.messages], class_="notes"))
    if result.reports:
        parts += files_written(result.reports)
    return tag("section", *parts, id="notes", aria_labelledby="notes-heading")


def files_written(reports: dict[str, str]) -> list[Html]:
    """The run's files by name, and the folder they are in (relative to the spec when known).

    The paths come portable (see ``paths.py``): relative to the spec's folder, or a bare name.
    """
    folders = {str(PurePath(path).parent) for path in reports.values()}
    where = ""
    if len(folders) == 1 and (folder := folders.pop()) not in ("", "."):
        where = f" (in {folder}, beside this report)" if "html" in reports else f" (in {folder})"
    files = [
        tag("li", f"{kind.replace('_', ' ')}: ", tag("code", PurePath(path).name if where else path))
        for kind, path in reports.items()
    ]
    return [tag("p", f"Files written by this run{where}:"), tag("ul", files)]


def violations_section(result: RunResult, views: Sequence[FeatureView]) -> Html:
    """Each violation as a sentence, grouped by kind, with SageMaker's own wording as detail."""
    heading = tag("h2", "Data-quality violations", id="violations-heading")
    if not result.violations:
        if result.status == "failed":
            text = "Not known: the run failed before its data-quality checks finished."
        else:
            text = "None: the target passed every data-quality check."
        return tag("section", heading, tag("p", text), id="violations", aria_labelledby="violations-heading")
    by_name = {v.feature.name: v for v in views}
    groups: dict[str, list[Violation]] = {}
    for violation in result.violations:
        groups.setdefault(violation.constraint_check_type, []).append(violation)
    order = [k for k in CHECK_TITLES if k in groups] + [k for k in groups if k not in CHECK_TITLES]
    anchored: set[str] = set()
    blocks = []
    for kind in order:
        items = []
        for violation in groups[kind]:
            view = by_name.get(violation.feature_name)
            anchor = None
            if view is not None and view.feature.name not in anchored:
                anchored.add(view.feature.name)
                anchor = f"violations-{view.index}"
            sentence = explain_violation(violation, view.feature if view else None)
            link = tag("a", f"see {violation.feature_name}", href=f"#{view.anchor}") if view is not None else None
            items.append(
                tag(
                    "li",
                    sentence,
                    " (" if link else None, link, ")" if link else None,
                    tag("span", tag("code", kind), ": ", violation.readable_description, class_="detail"),
                    id=anchor,
                )
            )
        blocks.append(
            join(
                tag("h3", f"{check_title(kind)} ({len(groups[kind]):,})", id=f"check-{_slug(kind)}"),
                tag("p", CHECK_EXPLANATIONS[kind], class_="muted") if kind in CHECK_EXPLANATIONS else None,
                tag("ul", items, class_="violations"),
            )
        )
    affected = len({v.feature_name for v in result.violations})
    return tag(
        "section",
        heading,
        tag("p", f"{plural(len(result.violations), 'violation')} on {plural(affected, 'feature')}."),
        blocks,
        id="violations",
        aria_labelledby="violations-heading",
    )


def about_section(views: Sequence[FeatureView]) -> Html:
    """A short key: what the metrics mean and how the charts are drawn."""
    metrics = sorted({v.feature.drift.metric for v in views if v.feature.drift is not None})
    items = [
        tag("li", tag("strong", metric_name(m)), ": ", metric_hint(m))
        for m in metrics
    ]
    return tag(
        "section",
        tag("h2", "How to read this report", id="about-heading"),
        tag(
            "p",
            "A feature has drifted when its drift metric is above its threshold. Charts show each side as "
            "shares of its rows, so a baseline and a target of different sizes compare directly: the baseline "
            "hatched grey, the target outlined in blue. Numerical features are binned on the baseline's bins.",
        ),
        tag("ul", items) if items else None,
        id="about",
        aria_labelledby="about-heading",
    )
