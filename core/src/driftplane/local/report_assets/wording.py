"""What the report says in words: the verdict, metric names, and violations as sentences.

Monitoring must tell a story a person understands: ``categorical_values_check`` means
nothing to most readers, "“country” has values the baseline never had: “XX”" does. The
original SageMaker description is still shown beside each sentence as the detail. A drift
metric's words (its label and hint) are its entry in driftplane.drift_metrics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from driftplane import drift_metrics
from driftplane.local.report_assets.formats import number, percent, plural
from driftplane.result import FeatureResult, RunResult, Violation

CHECK_TITLES = {
    "data_type_check": "Values of the wrong type",
    "completeness_check": "More missing values than the baseline",
    "baseline_drift_check": "Distribution moved away from the baseline",
    "missing_column_check": "Columns missing from the target",
    "extra_column_check": "Columns the baseline does not have",
    "categorical_values_check": "Categories the baseline never had",
}

CHECK_EXPLANATIONS = {
    "data_type_check": "Each value's type (whole number, decimal, text, true/false) "
    "is compared with the type learned from the baseline.",
    "completeness_check": "The share of present values must not fall below the baseline's.",
    "baseline_drift_check": "SageMaker's own drift check: the largest gap between the baseline and "
    "target distributions (L-infinity distance) against its threshold.",
    "missing_column_check": "The target must have every column the baseline has.",
    "extra_column_check": "The target must not have columns the baseline does not know.",
    "categorical_values_check": "Values of a categorical column must be among the categories seen in the baseline.",
}

TYPE_WORDS = {
    "Integral": "whole numbers",
    "Fractional": "decimal numbers",
    "String": "text",
    "Boolean": "true/false values",
    "Unknown": "empty values",
}

OTHER = "__other__"


def metric_name(metric: str) -> str:
    """The metric in words (its registry label); unknown metrics keep their own name, made readable."""
    found = drift_metrics.find(metric)
    return found.label if found is not None else metric.replace("_", " ")


def metric_hint(metric: str) -> str:
    """One sentence on what the metric's value means (its registry hint)."""
    found = drift_metrics.find(metric)
    return found.hint if found is not None else "a distance between the baseline and target distributions."


def check_title(check_type: str) -> str:
    """A short heading for a kind of violation."""
    return CHECK_TITLES.get(check_type, check_type.replace("_", " ").capitalize())


def quoted(name: str) -> str:
    """A feature or category name in typographic quotes, so spaces and punctuation stay visible."""
    return f"“{name}”"


@dataclass(frozen=True)
class Verdict:
    """The banner's headline, the line below it, and the tone the banner is drawn in."""

    headline: str
    detail: str
    tone: str  # ok | drift | violations | failed


def verdict(result: RunResult) -> Verdict:
    """The status in words, with the counts a reader wants first."""
    checked = result.measured_features  # 'of N' as run's and compare's summary line say it
    drifted = result.drifted_features
    violated = {v.feature_name for v in result.violations}
    violations_text = (
        f"{plural(len(result.violations), 'data-quality violation')} on "
        f"{plural(len(violated), 'feature')}"
    )
    drift_text = (
        f"Drift on {len(drifted):,} of {plural(len(checked), 'feature')}" if drifted else "Drift found"
    )
    if result.status == "failed":
        return Verdict(
            f"Failed: {failure_reason(result)}",
            "The run stopped before it could compare the data; nothing below is a complete result.",
            "failed",
        )
    if result.status == "drift":
        return Verdict(drift_text, "No data-quality violations.", "drift")
    if result.status == "violations":
        return Verdict(f"No drift; {violations_text}", _checked_text(checked, result), "violations")
    if result.status == "drift_and_violations":
        count_text = plural(len(result.violations), "data-quality violation")
        return Verdict(
            f"{drift_text} and {count_text}", f"The violations concern {plural(len(violated), 'feature')}.", "drift"
        )
    if not result.features:
        return Verdict("No drift, no violations", "No features were compared.", "ok")
    return Verdict("No drift, no violations", _checked_text(checked, result), "ok")


HEADLINE_LIMIT = 120


def failure_reason(result: RunResult) -> str:
    """Why a run failed, in the words of its error's first clause: 'no data for the window ...'.

    The monitor's name and window are in the banner already, and the advice and the places
    looked at (after the first ';') are in the Notes: the headline keeps the reason. A long
    reason is cut between words, never inside a path.
    """
    lines = (result.error or "").strip().splitlines()
    text = lines[0].strip() if lines else ""
    text = text.removeprefix(f"monitor {result.monitor}: ")
    text = re.sub(r"^the run for .+? failed: ", "", text)
    reason = text.split("; ", 1)[0].strip().rstrip(".:") or "the run did not finish"
    if len(reason) > HEADLINE_LIMIT:
        cut = reason.rfind(" ", 0, HEADLINE_LIMIT)
        reason = reason[: cut if cut > 0 else HEADLINE_LIMIT].rstrip(" ,:;") + " …"
    return reason


def _checked_text(checked: list[FeatureResult], result: RunResult) -> str:
    unchecked = len(result.features) - len(checked)
    text = f"{plural(len(checked), 'feature')} checked for drift"
    if unchecked:
        text += f"; {plural(unchecked, 'feature')} not checked"
    return text + "."


def _share_missing(summary: dict[str, Any]) -> float | None:
    present, missing = summary.get("count"), summary.get("missing")
    if not isinstance(present, int | float) or not isinstance(missing, int | float):
        return None
    total = present + missing
    return missing / total if total else None


def new_categories(feature: FeatureResult) -> list[str]:
    """Categories among the target's values that the baseline's summary does not list."""
    baseline = feature.baseline.get("categories") or {}
    target = feature.target.get("categories") or {}
    return [str(c) for c, n in target.items() if c != OTHER and c not in baseline and _positive(n)]


def absent_categories(feature: FeatureResult) -> list[str]:
    """Categories the baseline lists that the target's summary does not."""
    baseline = feature.baseline.get("categories") or {}
    target = feature.target.get("categories") or {}
    return [str(c) for c, n in baseline.items() if c != OTHER and c not in target and _positive(n)]


def _positive(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


_DATA_TYPE = re.compile(
    r"Expected data type:\s*(?P<expected>\w+),\s*Expected match:\s*(?P<want>[\d.]+)%.*?"
    r"Only\s*(?P<got>[\d.]+)%\s*of data is\s*(?P<observed>\w+)",
    re.S,
)
_DISTANCE = re.compile(r"distance:\s*(?P<distance>[-+\d.eE]+)\s*exceeds threshold:\s*(?P<threshold>[-+\d.eE]+)")


def _pct_text(text: str) -> str:
    try:
        return percent(float(text) / 100)
    except ValueError:
        return text + "%"


def explain_violation(violation: Violation, feature: FeatureResult | None) -> str:
    """One violation as a sentence a person understands without knowing SageMaker."""
    name = quoted(violation.feature_name) if violation.feature_name else "a column"
    kind = violation.constraint_check_type
    description = violation.description or ""
    if kind == "data_type_check":
        match = _DATA_TYPE.search(description)
        if match:
            expected = match["expected"]
            return (
                f"Only {_pct_text(match['got'])} of the values of {name} are "
                f"{TYPE_WORDS.get(expected, expected)} ({expected}) as in the baseline; "
                + (
                    "all of them should be."
                    if float(match["want"]) >= 100
                    else f"at least {_pct_text(match['want'])} should be."
                )
            )
        expected = feature.baseline.get("type") if feature else None
        if expected:
            return (
                f"Some values of {name} are not {TYPE_WORDS.get(expected, expected)} ({expected}) as in the baseline."
            )
        return f"Some values of {name} do not have the baseline's data type."
    if kind == "completeness_check":
        if feature is not None:
            now, before = _share_missing(feature.target), _share_missing(feature.baseline)
            if now is not None and before is not None:
                return (
                    f"{name} has more missing values than the baseline: {percent(now)} missing "
                    f"now against {percent(before)} in the baseline."
                )
        return f"{name} has more missing values than the baseline allows."
    if kind == "baseline_drift_check":
        match = _DISTANCE.search(description)
        if match:
            return (
                f"The distribution of {name} moved away from the baseline: SageMaker's L-infinity "
                f"distance {number(float(match['distance']))} is above its threshold "
                f"{number(float(match['threshold']))}."
            )
        return f"The distribution of {name} moved away from the baseline (SageMaker's drift check)."
    if kind == "missing_column_check":
        if violation.feature_name:
            return f"The target data has fewer columns than the baseline; {name} is missing."
        return "The target data has fewer columns than the baseline."
    if kind == "extra_column_check":
        if violation.feature_name:
            return f"The target data has columns the baseline does not have, such as {name}."
        return "The target data has more columns than the baseline."
    if kind == "categorical_values_check":
        new = new_categories(feature) if feature is not None else []
        if new:
            shown = ", ".join(quoted(c) for c in new[:5])
            more = f" and {len(new) - 5:,} more" if len(new) > 5 else ""
            return f"{name} has values the baseline never had: {shown}{more}."
        return f"{name} has values that are not among the baseline's categories."
    return f"{name} failed the check “{kind.replace('_', ' ')}”."


def describe_threshold_rule(kind: str, metric: str, threshold: float) -> str:
    """``numerical features: normalized Wasserstein distance above 0.1``."""
    return f"{kind} features drift when their {metric_name(metric)} is above {number(threshold)}"
