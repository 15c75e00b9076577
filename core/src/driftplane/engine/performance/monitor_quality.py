"""A monitor run's model-quality part: prediction drift apart from input drift, and the judged window.

``run_monitor`` profiles the model's output columns with the inputs (one read of the target),
then ``split_prediction_drift`` moves them out of ``features`` into ``prediction_drift`` and
recomputes the input drift's share and status; ``add_performance`` judges the window's model
quality against the labelled baseline (its quality cached beside the baseline's profile).
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from driftplane.engine.performance.baseline import (
    BaselineQuality,
    baseline_quality,
    load_cached,
    quality_key,
    store_cached,
)
from driftplane.engine.performance.estimate import DleModel
from driftplane.engine.performance.judge import judge_window
from driftplane.engine.profile import Profile
from driftplane.errors import DataError
from driftplane.resolved import ResolvedMonitor
from driftplane.result import RunResult, Window

logger = logging.getLogger(__name__)


def split_prediction_drift(monitor: ResolvedMonitor, result: RunResult) -> RunResult:
    """The result with the model's output columns under ``prediction_drift``, not ``features``."""
    policy = monitor.performance
    if policy is None:
        return result
    outputs = set(policy.output_columns) - set(monitor.features.include or ())
    if not outputs:
        return result
    features = [f for f in result.features if f.name not in outputs]
    predictions = [f for f in result.features if f.name in outputs]
    checked = [f for f in features if f.drift is not None and f.drift.value is not None]
    drifted = [f for f in checked if f.drift is not None and f.drift.drifted]
    share = len(drifted) / len(checked) if checked else None
    dataset = dict(result.dataset_drift or {})
    dataset.update({"drifted_features": len(drifted), "checked_features": len(checked), "share": share})
    return result.model_copy(
        update={
            "features": features,
            "prediction_drift": predictions,
            "drift_share": share,
            "dataset_drift": dataset,
            "status": RunResult.status_for(bool(drifted), bool(result.violations)),
        }
    )


def monitor_baseline_quality(
    monitor: ResolvedMonitor, profile: Profile, cache_dir: Path | None
) -> BaselineQuality:
    """The labelled baseline's quality, from the cache beside the baseline profile when it is there."""
    policy = monitor.performance
    assert policy is not None
    features: list[str] = []
    if policy.estimate and policy.problem_type == "regression":
        features = [name for name in profile.columns if monitor.features.selected(name)]
    key = None
    baseline = monitor.baseline
    if cache_dir is not None and baseline.kind == "data" and baseline.source is not None and policy.baseline_label:
        from driftplane.engine.monitor import data_fingerprint

        try:
            fingerprint: list[str] | None = data_fingerprint(baseline.source, monitor.base_dir)
        except DataError:
            fingerprint = None
        key = quality_key(policy, fingerprint, features)
        if key is not None:
            cached = load_cached(cache_dir, monitor.name, key)
            if cached is not None:
                logger.debug("monitor %s: using the cached baseline quality %s", monitor.name, key)
                return cached
    if policy.baseline_label:
        logger.info("monitor %s: reading the labelled baseline for its model quality", monitor.name)
    quality = baseline_quality(monitor, features)
    if isinstance(quality.estimator, DleModel):
        quality.features = list(quality.estimator.features)
    if key is not None and cache_dir is not None:
        store_cached(cache_dir, monitor.name, key, quality)
    return quality


def add_performance(
    monitor: ResolvedMonitor,
    result: RunResult,
    window: Window | None,
    *,
    profile: Profile,
    cache_dir: Path | None,
    now: datetime,
) -> RunResult:
    """The result with the window's model quality judged as of ``now`` (``performance``)."""
    if monitor.performance is None:
        return result
    quality = monitor_baseline_quality(monitor, profile, cache_dir)
    performance = judge_window(monitor, window, baseline=quality, now=now, column_names=profile.layout)
    return result.model_copy(update={"performance": performance})
