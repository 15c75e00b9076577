"""evaluate: a baseline profile and a target profile in, a RunResult out.

This is the one place drift and data quality are decided; the local provider, the CLI's
compare and the AWS processing backend all call it, so their verdicts agree.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa

from driftplane.engine.constraints import Constraints, suggest_constraints
from driftplane.engine.drift import feature_drift, numeric_bins
from driftplane.engine.profile import OTHER, ColumnProfile, Profile
from driftplane.engine.quality import check_quality
from driftplane.engine.summary import column_summary, infinite_values_note
from driftplane.engine.types import NUMERIC_TYPES
from driftplane.resolved import DriftRule, Rules, resolve_rules
from driftplane.result import Drift, FeatureResult, Kind, Rows, RunResult, Window

logger = logging.getLogger(__name__)


def _numbers_as_text(name: str, base: ColumnProfile, target: ColumnProfile) -> str | None:
    """A note when a column stored as numbers in the baseline arrives as text in the target.

    SageMaker types text value by value ("2.345" is Fractional), so such a column raises no
    data_type_check while its values look like numbers; the change of type is still worth a
    look (a schema change, a CSV export), so it is said.
    """
    if base.inferred_type not in NUMERIC_TYPES or base.text_values != 0 or not target.text_values:
        return None
    return (
        f"'{name}' is stored as numbers in the baseline ({base.inferred_type}) but {target.text_values:,} of its "
        f"{target.present:,} values in the target arrived as text (strings); text that looks like a number is "
        "read as one, as SageMaker does, so only text that is not a number is a data_type_check violation. "
        "Check what writes the target data (a schema change, a CSV export)"
    )


IDENTIFIER_SHARE = 0.9  # distinct values per present value above which a text column is an ID


def identifier_distinct(column: ColumnProfile) -> float | None:
    """The distinct count of a text column that looks like an identifier, else None.

    An identifier (customer ID, request ID, email) has about as many distinct values as rows,
    far more than are counted exactly (the category cap): its frequencies are a sketch's
    guesses and its drift is meaningless (new IDs every day). SageMaker likewise keeps no
    category histogram, hence no drift or domain check, for text columns of many values.
    """
    if column.inferred_type != "String" or column.present == 0:
        return None
    if column.categorical is not None and column.categorical.exact:
        return None
    distinct = column.distinct_count()
    if distinct is None or distinct <= column.settings.category_cap or distinct < IDENTIFIER_SHARE * column.present:
        return None
    return distinct


def _identifier_note(name: str, distinct: float, column: ColumnProfile, asked: bool) -> str:
    found = f"'{name}' looks like an identifier (≈{distinct:,.0f} distinct values in {column.present:,} rows)"
    if asked:
        return (
            f"{found}; the spec names it, so its drift is checked, but past {column.settings.category_cap:,} "
            "distinct values only values frequent enough to stand out of the frequent-items sketch are compared "
            "(estimated counts), so the distance says little"
        )
    return (
        f"{found}; drift on it means nothing, so it was not measured: exclude it (features.exclude in a spec, "
        f"--exclude {name} with driftplane compare)"
    )


def _domain_note(name: str, column: ColumnProfile) -> str:
    distinct = column.distinct_count()
    many = f"≈{distinct:,.0f}" if distinct is not None else "too many"
    return (
        f"'{name}': categorical_values_check could not be decided: the baseline has {many} distinct values, "
        f"more than the {column.settings.category_cap:,} counted exactly, so its domain is not known "
        "(SageMaker, too, suggests a domain only for text columns of at most 120 values). List the allowed "
        "values in a constraints.json to check them"
    )


def _rule_for(name: str, kind: Kind, rules: Rules, messages: list[str]) -> DriftRule:
    """The feature's drift rule, with a note when its own metric does not fit its kind."""
    note = rules.drift.note(name, kind)
    if note is not None and note not in messages:
        messages.append(note)
    return rules.drift.rule(name, kind)


def _not_measured(rule: DriftRule) -> Drift:
    return Drift(
        metric=rule.metric, value=None, threshold=rule.threshold, effective_threshold=rule.threshold, drifted=False
    )


def _drift_for(
    name: str, kind: Kind, base: ColumnProfile, target: ColumnProfile, rules: Rules, messages: list[str]
) -> Drift | None:
    rule = _rule_for(name, kind, rules, messages)
    if not rule.enabled:
        return None
    if target.present == 0:
        messages.append(
            f"'{name}' has no values in the target (all {target.rows:,} missing); its drift was not measured"
        )
        return _not_measured(rule)
    if kind == "categorical" and base.categorical is not None and set(base.categorical.frequencies()) <= {OTHER}:
        if base.categorical.exact:
            why = "the baseline has no category counts (too many distinct values for SageMaker's statistics.json)"
        else:
            distinct = base.distinct_count()
            many = f"≈{distinct:,.0f}" if distinct is not None else "its"
            why = (
                f"the baseline's {many} distinct values are all rare: past the first {base.settings.category_cap:,} "
                "counted exactly, none stands out of the frequent-items "
                "sketch's error, so there are no categories to compare"
            )
        messages.append(f"'{name}': {why}; its drift was not measured")
        return _not_measured(rule)
    result = feature_drift(
        kind, rule.metric, rule.threshold, base, target, bins=rules.drift.bins, noise_correction=rule.noise_correction
    )
    if result.value is None:
        if kind == "numerical":
            messages.append(
                f"'{name}' is numerical in the baseline but the target has no numbers in it; its drift was not measured"
            )
        else:
            messages.append(
                f"'{name}' is categorical in the baseline but the target "
                "has no categories for it; its drift was not measured"
            )
    return result


def _domain_unknown(column: ColumnProfile) -> bool:
    """True when a baseline column went past the category cap, so no domain could be suggested."""
    return column.categorical is not None and not column.categorical.exact


@dataclass
class _Judged:
    """One feature's result, its kind for the constraint checks (None: not checked) and its notes."""

    result: FeatureResult | None
    kind: Kind | None
    messages: list[str]


def _judge(name: str, baseline: Profile, target: Profile, rules: Rules, constraints: Constraints) -> _Judged:
    """Drift and summaries of one baseline column against the target's."""
    quality = rules.quality
    messages: list[str] = []
    base = baseline.columns[name]
    kind = rules.features.kind(name, base.inferred_type)
    if kind is None:
        messages.append(
            f"'{name}' has no values in the baseline (all {base.rows:,} missing); it is not checked for drift"
        )
        return _Judged(None, None, messages)
    checked_kind: Kind | None = kind
    identifier = identifier_distinct(base) if kind == "categorical" else None
    asked = rules.features.named(name)
    if identifier is not None:
        messages.append(_identifier_note(name, identifier, base, asked))
        if not asked:
            checked_kind = None
    elif (
        quality.enabled
        and kind == "categorical"
        and base.inferred_type == "String"
        and constraints.suggested
        and _domain_unknown(base)
    ):
        messages.append(_domain_note(name, base))
    target_column = target.columns.get(name)
    drift = None
    target_summary: dict[str, Any] = {}
    if target_column is not None:
        if identifier is not None and not asked:
            rule = _rule_for(name, kind, rules, messages)
            if rule.enabled:
                drift = _not_measured(rule)
        else:
            drift = _drift_for(name, kind, base, target_column, rules, messages)
        bins = numeric_bins(base, target_column, rules.drift.bins) if kind == "numerical" else None
        target_summary = column_summary(target_column, kind, bins=rules.drift.bins, target_bins=bins)
        note = _numbers_as_text(name, base, target_column) if baseline.origin == "driftplane" else None
        if note is not None:
            messages.append(note)
        for side, column in (("baseline", base), ("target", target_column)):
            infinite = infinite_values_note(column, side)
            if infinite is not None:
                messages.append(infinite)
    result = FeatureResult(
        name=name,
        kind=kind,
        drift=drift,
        baseline=column_summary(base, kind, bins=rules.drift.bins),
        target=target_summary,
    )
    return _Judged(result, checked_kind, messages)


def evaluate(
    baseline: Profile,
    target: Profile,
    *,
    constraints: Constraints | None = None,
    rules: Rules | None = None,
    monitor: str = "compare",
    window: Window | None = None,
    samples: tuple[pa.Table, pa.Table] | None = None,
    started_at: datetime | None = None,
) -> RunResult:
    """Drift per feature, data-quality violations and the verdict for target against baseline.

    constraints: the baseline's constraints.json (default: suggested from the baseline, as
        SageMaker does). Thresholds a spec sets explicitly override the file's monitoring_config.
    samples: rows of both sides, needed only for the domain classifier (checks.drift.classifier).
    """
    rules = rules or resolve_rules()
    quality = rules.quality
    if constraints is None:
        constraints = suggest_constraints(baseline, quality)
    config = constraints.monitoring_config.overridden_by(quality)
    messages: list[str] = list(dict.fromkeys(baseline.messages + target.messages))
    kinds: dict[str, Kind | None] = {}  # for baseline_drift_check: None where it is not run
    results: list[FeatureResult] = []
    selected = [name for name in baseline.columns if rules.features.selected(name)]

    def judge(name: str) -> _Judged:
        return _judge(name, baseline, target, rules, constraints)

    # Features are judged independently (the noise simulations are most of the time at small
    # sizes, and numpy releases the GIL while drawing), in column order in the result.
    workers = min(len(selected), os.cpu_count() or 1)
    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="driftplane-evaluate") as pool:
            judged = list(pool.map(judge, selected))
    else:
        judged = [judge(name) for name in selected]
    for name, one in zip(selected, judged, strict=True):
        kinds[name] = one.kind
        messages.extend(one.messages)
        if one.result is not None:
            results.append(one.result)
    violations = check_quality(baseline, target, constraints, config, quality, kinds, rules.features)
    checked = [r for r in results if r.drift is not None and r.drift.value is not None]
    drifted = [r for r in checked if r.drift is not None and r.drift.drifted]
    share = len(drifted) / len(checked) if checked else None
    dataset: dict[str, Any] = {"drifted_features": len(drifted), "checked_features": len(checked), "share": share}
    if rules.drift.enabled and rules.drift.classifier:
        from driftplane.engine.classifier import domain_classifier_drift

        if samples is None:
            messages.append(
                "the domain classifier needs rows of both sides; it runs with driftplane.compare or a monitor run"
            )
        else:
            dataset["classifier"] = domain_classifier_drift(samples[0], samples[1], [r.name for r in results], kinds)
    return RunResult(
        monitor=monitor,
        window=window,
        rows=Rows(baseline=baseline.rows, target=target.rows),
        status=RunResult.status_for(bool(drifted), bool(violations)),
        features=results,
        violations=violations,
        drift_share=share,
        dataset_drift=dataset,
        started_at=started_at,
        messages=messages,
    )
