"""Fixtures for the local provider's history and alerts: RunResults built from the real models."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

import pytest

from driftplane.result import Drift, FeatureResult, Rows, RunResult, Violation, Window

DAY0 = datetime(2026, 1, 1, tzinfo=UTC)

MakeResult = Callable[..., RunResult]


def build_result(
    monitor: str = "churn",
    *,
    day: int = 0,
    values: Mapping[str, float | None] | None = None,
    threshold: float = 0.1,
    violations: list[tuple[str, str]] | None = None,
    failed: str | None = None,
    reports: dict[str, str] | None = None,
) -> RunResult:
    """A daily window's result; a feature drifts when its value is above ``threshold``."""
    values = {"age": 0.02, "income": 0.03, "plan": 0.01} if values is None else values
    window = Window(start=DAY0 + timedelta(days=day), end=DAY0 + timedelta(days=day + 1))
    if failed is not None:
        return RunResult(
            monitor=monitor, window=window, rows=Rows(baseline=1000, target=0), status="failed", error=failed
        )
    features = [
        FeatureResult(
            name=name,
            kind="categorical" if name == "plan" else "numerical",
            drift=Drift(
                metric="jensen_shannon" if name == "plan" else "normalized_wasserstein",
                value=value,
                threshold=threshold,
                effective_threshold=threshold,
                drifted=value is not None and value > threshold,
            ),
        )
        for name, value in values.items()
    ]
    found = [
        Violation(feature_name=feature, constraint_check_type=check, description=f"{check} failed for {feature}")
        for feature, check in (violations or [])
    ]
    drift = any(f.drift is not None and f.drift.drifted for f in features)
    return RunResult(
        monitor=monitor,
        window=window,
        rows=Rows(baseline=1000, target=500 + day),
        status=RunResult.status_for(drift, bool(found)),
        features=features,
        violations=found,
        reports=reports or {},
        started_at=window.end,
        duration_seconds=1.5,
    )


@pytest.fixture
def make_result() -> MakeResult:
    return build_result


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests to 127.0.0.1 must not go through a proxy configured on the machine."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
