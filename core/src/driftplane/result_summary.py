"""A run's result in one line of words: what `driftplane run` prints first and `serve` logs.

Both say the same thing the same way, so a person who read one can read the other.
"""

from __future__ import annotations

from pathlib import Path

from driftplane.result import RunResult, Window
from driftplane.windows import window_text

STATUS_WORDS = {
    "ok": "no drift, no violations",
    "drift": "DRIFT",
    "violations": "VIOLATIONS",
    "drift_and_violations": "DRIFT and VIOLATIONS",
    "failed": "FAILED",
}


def window_words(window: Window | None) -> str:
    """'2026-01-13 00:00 to 2026-01-14 00:00 UTC' (or 'no window')."""
    return "no window" if window is None else window_text(window)


# What a failed run's result line says in place of its reason, which is an error line's job.
SEE_THE_ERROR = "the reason is on stderr"


def verdict_words(result: RunResult, *, reason: bool = True) -> str:
    """'DRIFT on 2 of 11 features, 1 violation', or 'FAILED: <why>' for a failed run.

    reason=False: a failed run is 'FAILED; the reason is on stderr', for a result line
    on stdout beside the error line on stderr that gives the reason (said once).
    """
    verdict = STATUS_WORDS.get(result.status, result.status)
    if result.status == "failed":
        if not reason:
            return f"{verdict}; {SEE_THE_ERROR}"
        why = (result.error or "").removeprefix(f"monitor {result.monitor}: ")
        if result.window is not None:  # the line names the window already
            why = why.removeprefix(f"the run for {window_words(result.window)} failed: ")
        return f"{verdict}: {why}" if why else verdict
    if result.status in ("drift", "drift_and_violations"):
        verdict += f" on {len(result.drifted_features)} of {len(result.measured_features)} features"
    if result.violations:
        verdict += f", {len(result.violations)} violation{'s' if len(result.violations) != 1 else ''}"
    return verdict


def rows_words(result: RunResult) -> str:
    """'(2,000 target rows against 20,000 baseline rows)'; empty for a run that read nothing."""
    if result.status == "failed" and result.rows.target == 0:
        return ""  # the reason says what was (not) read; 0 rows would read like a count
    return f" ({result.rows.target:,} target rows against {result.rows.baseline:,} baseline rows)"


def summary_line(result: RunResult, *, reason: bool = True) -> str:
    """'churn [2026-01-13 00:00 to 2026-01-14 00:00 UTC]: DRIFT on 2 of 11 features (...)'.

    reason=False leaves a failed run's reason to its error line (see verdict_words).
    """
    window = f" [{window_words(result.window)}]" if result.window is not None else ""
    line = f"{result.monitor}{window}: {verdict_words(result, reason=reason)}{rows_words(result)}"
    performance = performance_words(result)
    return f"{line}; {performance}" if performance else line


def performance_words(result: RunResult) -> str:
    """'accuracy 0.81 < 0.85 (provisional, 62% labelled)': the window's model quality in words.

    The failed checks first (else the first checked metric, else the first metric), then how it
    was judged and the label coverage; estimates say so with their band. Empty without a model.
    """
    performance = result.performance
    if performance is None or result.status == "failed":
        return ""
    share = performance.coverage.share
    covered = f"{share:.0%} labelled" if share is not None else "no predictions"
    metrics = performance.realised if performance.judged in ("final", "provisional") else performance.estimates
    if not metrics:
        return f"no labels yet ({performance.judged}, {covered})"
    failed = [m for m in metrics if m.failed]
    checked = [m for m in metrics if m.threshold is not None]
    shown = failed or checked[:1] or metrics[:1]
    parts = []
    for metric in shown:
        value = "n/a" if metric.value is None else f"{metric.value:.3g}"
        text = f"{metric.name} {value}"
        if metric.failed and metric.threshold is not None:
            text += f" {'<' if metric.direction == 'min' else '>'} {metric.threshold:.3g}"
        if metric.estimated and metric.lower is not None and metric.upper is not None:
            text += f" [{metric.lower:.3g}, {metric.upper:.3g}]"
        parts.append(text)
    judged = "estimated" if performance.judged == "estimated" else performance.judged
    verdict = "PERFORMANCE " if failed and performance.judged == "final" else ""
    return f"{verdict}{', '.join(parts)} ({judged}, {covered})"


def drifted_words(result: RunResult) -> str:
    """'day_mins (normalized_wasserstein 0.513 > 0.1), state (...)', most drifted first."""
    parts = []
    for feature in sorted(result.drifted_features, key=lambda f: -(f.drift.value or 0) if f.drift else 0):
        drift = feature.drift
        if drift is None:
            continue
        applied = drift.threshold if drift.effective_threshold is None else drift.effective_threshold
        value = "n/a" if drift.value is None else f"{drift.value:.3g}"
        parts.append(f"{feature.name} ({drift.metric} {value} > {applied:.3g})")
    return ", ".join(parts)


def report_path(result: RunResult) -> str | None:
    """The HTML report's path, or the folder of the other reports, or None."""
    if "html" in result.reports:
        return result.reports["html"]
    if result.reports:
        return str(Path(next(iter(result.reports.values()))).parent)
    return None
