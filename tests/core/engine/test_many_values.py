"""Text columns with more distinct values than are counted exactly (the category cap, 1,000).

Past the cap a frequent-items sketch takes over: its counts are estimates, and a column of
mostly unique values (an ID) has no frequencies worth comparing. Results must say so rather
than present made-up counts or a reassuring "no drift".
"""

from __future__ import annotations

import pyarrow as pa

from driftplane.engine.evaluate import evaluate
from driftplane.engine.profiler import profile_stream
from driftplane.resolved import resolve_rules
from driftplane.result import RunResult
from driftplane.spec.models import Checks, FeatureSelection


def _ids(start: int, count: int) -> list[str]:
    return [f"C{i:07d}" for i in range(start, start + count)]


def run(
    base: dict, target: dict, *, features: FeatureSelection | None = None, checks: Checks | None = None
) -> RunResult:
    rules = resolve_rules(checks, features)
    baseline = profile_stream([pa.record_batch(base)], threads=1, features=rules.features)
    current = profile_stream([pa.record_batch(target)], reference=baseline, threads=1, features=rules.features)
    return evaluate(baseline, current, rules=rules)


def _feature(result: RunResult, name: str):
    return next(f for f in result.features if f.name == name)


def test_sketched_counts_list_only_values_that_stand_out_and_are_marked_as_estimates() -> None:
    base = _ids(0, 15_000) + ["HOT"] * 5_000
    result = run(
        {"code": base, "n": list(range(20_000))}, {"code": ["HOT"] * 100 + _ids(0, 100), "n": list(range(200))}
    )
    categories = _feature(result, "code").baseline["categories"]
    # Only the value seen 5,000 times is listed; none of the IDs seen once (the sketch's
    # candidates it would have listed with counts of ~27)
    assert set(categories) == {"HOT", "__other__"}
    assert 5_000 <= categories["HOT"] <= 5_000 + 0.004 * 20_000
    assert _feature(result, "code").baseline["categories_estimated"] is True
    # exact counts (under the cap) are not marked
    small = run({"c": ["a", "b"] * 50}, {"c": ["a"] * 10})
    assert "categories_estimated" not in _feature(small, "c").baseline


def test_an_identifier_column_gets_a_note_and_no_drift_verdict() -> None:
    result = run({"customer_id": _ids(0, 20_000)}, {"customer_id": _ids(1_000_000, 2_000)})
    feature = _feature(result, "customer_id")
    assert feature.drift is not None and feature.drift.value is None and not feature.drift.drifted
    notes = [m for m in result.messages if m.startswith("'customer_id' looks like an identifier")]
    assert len(notes) == 1
    assert "distinct values in 20,000 rows" in notes[0] and "exclude it (features.exclude in a spec" in notes[0]
    assert result.status == "ok" and not result.violations
    assert result.dataset_drift["checked_features"] == 0


def test_an_identifier_column_the_spec_names_is_still_checked() -> None:
    # 18,500 unique values and one value 1,500 times: ~18,501 distinct in 20,000 rows
    base = _ids(0, 18_500) + ["GUEST"] * 1_500
    target = _ids(2_000_000, 1_000) + ["GUEST"] * 1_000
    quiet = run({"user": base}, {"user": target})
    assert _feature(quiet, "user").drift.value is None

    named = run({"user": base}, {"user": target}, features=FeatureSelection(include=["user"]))
    drift = _feature(named, "user").drift
    assert drift.value is not None and drift.drifted  # GUEST: 7.5% of the baseline, 50% of the target
    assert any("the spec names it" in m for m in named.messages)


def test_categorical_values_check_past_the_cap_is_said_not_skipped_silently() -> None:
    # 3,000 values, ten rows each: many values, but not an identifier
    base = [f"shop-{i % 3_000}" for i in range(30_000)]
    target = [f"shop-{i % 3_000}" for i in range(3_000)] + ["new-shop"] * 500
    result = run({"shop": base}, {"shop": target})
    notes = [m for m in result.messages if m.startswith("'shop': categorical_values_check could not be decided")]
    assert len(notes) == 1 and "≈3,0" in notes[0] and "1,000" in notes[0]
    assert not any("looks like an identifier" in m for m in result.messages)
    assert not any(v.constraint_check_type == "categorical_values_check" for v in result.violations)


def test_no_baseline_drift_check_on_text_past_the_cap_as_sagemaker_keeps_no_histogram() -> None:
    # A frequent value's share changes from 25% to 90%: driftplane's own drift flags it;
    # SageMaker's baseline_drift_check has no category histogram past 120 values, so none.
    base = [f"v{i % 3_000}" for i in range(30_000)] + ["HOT"] * 10_000
    target = [f"v{i}" for i in range(300)] + ["HOT"] * 2_700
    result = run({"v": base}, {"v": target})
    assert _feature(result, "v").drift.drifted
    assert not any(v.constraint_check_type == "baseline_drift_check" for v in result.violations)
