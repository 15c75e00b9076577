"""Realistic RunResults for report tests and the sample report, built from generated data.

The summaries follow the FeatureResult contract (histogram on the baseline's edges for both
sides, categories with "__other__", quantiles, mean/std/min/max, type, count, missing) and
the drift values are computed from the generated samples, so a drifted feature really looks
drifted in its chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from driftplane.result import Drift, FeatureResult, Rows, RunResult, Violation, Window

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
START = datetime(2024, 5, 1, tzinfo=UTC)


def numeric_summary(
    values: np.ndarray, edges: np.ndarray, missing: int = 0, kind: str = "Fractional"
) -> dict[str, Any]:
    """The summary the engine writes for a numerical column, on the given (baseline) edges."""
    if len(values) == 0:
        return {
            "type": kind,
            "count": 0,
            "missing": missing,
            "histogram": {"edges": edges.tolist(), "counts": [0] * (len(edges) - 1)},
        }
    clipped = np.clip(values, edges[0], edges[-1])
    counts, _ = np.histogram(clipped, bins=edges)
    return {
        "type": kind,
        "count": len(values),
        "missing": int(missing),
        "distinct": int(min(len(np.unique(values)), 10_000)),
        "min": float(values.min()),
        "max": float(values.max()),
        "mean": float(values.mean()),
        "std": float(values.std(ddof=1)) if len(values) > 1 else 0.0,
        "quantiles": {str(q): float(np.quantile(values, q)) for q in QUANTILES},
        "histogram": {"edges": edges.tolist(), "counts": counts.tolist()},
    }


def normalized_wasserstein(baseline: np.ndarray, target: np.ndarray) -> float:
    grid = np.linspace(0.005, 0.995, 199)
    distance = float(np.mean(np.abs(np.quantile(baseline, grid) - np.quantile(target, grid))))
    scale = float(baseline.std()) or 1.0
    return distance / scale


def numerical_feature(
    name: str,
    baseline: np.ndarray,
    target: np.ndarray,
    *,
    threshold: float = 0.1,
    effective: float | None = None,
    missing: tuple[int, int] = (0, 0),
    bins: int = 20,
    kind: str = "Fractional",
) -> FeatureResult:
    edges = np.histogram_bin_edges(baseline, bins=bins)
    value = normalized_wasserstein(baseline, target) if len(target) else None
    applied = max(threshold, effective or threshold)
    return FeatureResult(
        name=name,
        kind="numerical",
        drift=Drift(
            metric="normalized_wasserstein",
            value=value,
            threshold=threshold,
            effective_threshold=effective,
            drifted=value is not None and value > applied,
        ),
        baseline=numeric_summary(baseline, edges, missing[0], kind),
        target=numeric_summary(target, edges, missing[1], kind),
    )


def category_summary(counts: dict[str, int], missing: int = 0, top: int = 12) -> dict[str, Any]:
    ordered = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
    kept = dict(ordered[:top])
    rest = sum(n for _, n in ordered[top:])
    if rest:
        kept["__other__"] = rest
    return {
        "type": "String",
        "count": sum(counts.values()),
        "missing": missing,
        "distinct": len(counts),
        "categories": kept,
    }


def jensen_shannon(baseline: dict[str, int], target: dict[str, int]) -> float:
    keys = sorted(set(baseline) | set(target))
    p = np.array([baseline.get(k, 0) for k in keys], dtype=float)
    q = np.array([target.get(k, 0) for k in keys], dtype=float)
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2

    def kl(a: np.ndarray, b: np.ndarray) -> float:
        mask = a > 0
        return float(np.sum(a[mask] * np.log2(a[mask] / b[mask])))

    return float(np.sqrt((kl(p, m) + kl(q, m)) / 2))


def categorical_feature(
    name: str,
    baseline: dict[str, int],
    target: dict[str, int],
    *,
    threshold: float = 0.1,
    effective: float | None = None,
    missing: tuple[int, int] = (0, 0),
) -> FeatureResult:
    value = jensen_shannon(baseline, target) if sum(target.values()) else None
    applied = max(threshold, effective or threshold)
    return FeatureResult(
        name=name,
        kind="categorical",
        drift=Drift(
            metric="jensen_shannon",
            value=value,
            threshold=threshold,
            effective_threshold=effective,
            drifted=value is not None and value > applied,
        ),
        baseline=category_summary(baseline, missing[0]),
        target=category_summary(target, missing[1]),
    )


def _counts(rng: np.random.Generator, categories: Sequence[str], weights: Sequence[float], n: int) -> dict[str, int]:
    probabilities = np.array(weights, dtype=float) / sum(weights)
    drawn = rng.multinomial(n, probabilities)
    return {c: int(k) for c, k in zip(categories, drawn, strict=True) if k > 0}


COUNTRIES = ["US", "DE", "FR", "GB", "IN", "BR", "JP", "CA", "ES", "IT", "MX", "NL", "SE", "PL"]


def churn_features(rng: np.random.Generator, n_baseline: int, n_target: int, shift: float = 1.0) -> list[FeatureResult]:
    """Eight features of a churn model; three numerical and one categorical drift when shift > 0."""
    nb, nt = n_baseline, n_target
    return [
        numerical_feature(
            "age", rng.normal(41, 12, nb).clip(18, 95), rng.normal(41 + 9 * shift, 12, nt).clip(18, 95), kind="Integral"
        ),
        numerical_feature(
            "monthly charges (€)", rng.gamma(4, 16, nb), rng.gamma(4, 16, nt) * (1 + 0.45 * shift), missing=(12, 40)
        ),
        numerical_feature(
            "tenure_months", rng.exponential(28, nb), rng.exponential(28, nt), effective=0.13, kind="Integral"
        ),
        numerical_feature(
            "support_calls",
            rng.poisson(1.2, nb).astype(float),
            rng.poisson(1.2 + 1.4 * shift, nt).astype(float),
            kind="Integral",
        ),
        numerical_feature("total_charges", rng.lognormal(7, 0.8, nb), rng.lognormal(7, 0.8, nt), missing=(3, 2)),
        categorical_feature(
            "country",
            _counts(rng, COUNTRIES, [30, 12, 10, 9, 8, 6, 5, 5, 4, 3, 3, 2, 2, 1], nb),
            _counts(
                rng,
                [*COUNTRIES, "ZZ", "XK"],
                [30 - 8 * shift, 12, 10, 9, 8 + 10 * shift, 6, 5, 5, 4, 3, 3, 2, 2, 1, 3 * shift, 2 * shift],
                nt,
            ),
        ),
        categorical_feature(
            "plan",
            _counts(rng, ["basic", "standard", "premium"], [50, 35, 15], nb),
            _counts(rng, ["basic", "standard", "premium"], [49, 36, 15], nt),
            effective=0.12,
        ),
        categorical_feature(
            "payment method",
            _counts(rng, ["card", "bank transfer", "paypal", "invoice"], [45, 25, 20, 10], nb),
            _counts(rng, ["card", "bank transfer", "paypal", "invoice"], [44, 26, 21, 9], nt),
            missing=(0, 150),
        ),
    ]


def filler_features(
    rng: np.random.Generator, count: int, n_baseline: int, n_target: int, drifted: int = 0
) -> list[FeatureResult]:
    """``count`` more numerical features, the first ``drifted`` of them shifted."""
    out = []
    for i in range(count):
        shift = 0.6 if i < drifted else 0.0
        out.append(
            numerical_feature(f"sensor_{i:03d}", rng.normal(0, 1, n_baseline), rng.normal(shift, 1, n_target), bins=16)
        )
    return out


VIOLATIONS = [
    Violation(
        feature_name="age",
        constraint_check_type="data_type_check",
        description="Data type match requirement is not met. Expected data type: Integral, Expected "
        "match: 100.0%. Observed: Only 99.64592817400101% of data is Integral.",
    ),
    Violation(
        feature_name="monthly charges (€)",
        constraint_check_type="completeness_check",
        description="Data completeness requirement is not met. Expected completeness: 99.5%. Observed: 97.2%.",
    ),
    Violation(
        feature_name="country",
        constraint_check_type="categorical_values_check",
        description="Value: 0.95 does not meet the constraint requirement! ",
    ),
    Violation(
        feature_name="age",
        constraint_check_type="baseline_drift_check",
        description="Baseline drift distance: 0.3121 exceeds threshold: 0.1",
    ),
]


def make_result(
    *,
    monitor: str = "churn-model",
    extra_features: int = 12,
    extra_drifted: int = 0,
    shift: float = 1.0,
    violations: bool = True,
    seed: int = 7,
    n_baseline: int = 5000,
    n_target: int = 1500,
    started_at: datetime = START,
) -> RunResult:
    """A run over the churn features plus ``extra_features`` numerical ones."""
    rng = np.random.default_rng(seed)
    features = churn_features(rng, n_baseline, n_target, shift) + filler_features(
        rng, extra_features, n_baseline, n_target, extra_drifted
    )
    found = list(VIOLATIONS) if violations else []
    drifted = [f for f in features if f.drift is not None and f.drift.drifted]
    checked = [f for f in features if f.drift is not None]
    return RunResult(
        monitor=monitor,
        window=Window(start=started_at - timedelta(days=1), end=started_at),
        rows=Rows(baseline=n_baseline, target=n_target),
        status=RunResult.status_for(bool(drifted), bool(found)),
        features=features,
        violations=found,
        drift_share=len(drifted) / len(checked) if checked else None,
        started_at=started_at,
        duration_seconds=1.8,
        messages=[
            "12 lines of the target could not be parsed and were skipped (first: capture/2024/05/01/03.jsonl line 88)."
        ],
    )


def make_history(count: int, *, monitor: str = "churn-model", end: datetime = START) -> list[RunResult]:
    """``count`` earlier daily runs, newest first; drift creeps in over the last few."""
    runs = []
    for back in range(1, count + 1):
        shift = max(0.0, 1.0 - back * 0.25)
        runs.append(
            make_result(
                monitor=monitor,
                extra_features=4,
                shift=shift,
                violations=back % 4 == 0,
                seed=100 + back,
                started_at=end - timedelta(days=back),
            )
        )
    return runs


PAYLOADS = [
    "<script>window.__pwned = 1</script>",
    '"><img src=x onerror="window.__pwned=2">',
    "</textarea><svg onload=window.__pwned=3>",
    "a & b < c > d ' \"",
]


def hostile_result() -> RunResult:
    """Every text field a user's data reaches, filled with markup."""
    name = PAYLOADS[0] + " naïve ünïcödé feature"
    features = [
        categorical_feature(name, {"ok": 60, PAYLOADS[1]: 40}, {"ok": 30, PAYLOADS[1]: 20, PAYLOADS[2]: 50}),
        FeatureResult(
            name=PAYLOADS[1],
            kind="numerical",
            drift=Drift(metric=PAYLOADS[2], value=0.5, threshold=0.1, drifted=True),
            baseline={"type": PAYLOADS[3], "count": 3},
            target={"type": "String", "count": 3},
        ),
    ]
    violations = [
        Violation(feature_name=name, constraint_check_type="categorical_values_check", description=PAYLOADS[2]),
        Violation(feature_name=PAYLOADS[3], constraint_check_type=PAYLOADS[0], description=PAYLOADS[1]),
    ]
    return RunResult(
        monitor=PAYLOADS[3],
        window=Window(start=START - timedelta(hours=1), end=START),
        rows=Rows(baseline=100, target=100),
        status="drift_and_violations",
        features=features,
        violations=violations,
        messages=[PAYLOADS[0]],
        reports={"html": PAYLOADS[2]},
        dataset_drift={PAYLOADS[1]: PAYLOADS[0]},
    )
