"""The baseline files a monitor needs on S3, computed by driftplane's engine.

SageMaker's analyzer compares each window with a statistics.json and constraints.json; the
processing backend reads the same two files. driftplane profiles the baseline itself (no
baselining job) and writes them in SageMaker's format. Profiles use randomised sketches, so
the files are never byte-identical twice: what decides whether they must be uploaded again
is a fingerprint of their inputs (the data files' paths, sizes and ETags, and the spec's
settings that shape the profile), kept in the objects' metadata.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from driftplane.engine.constraints import Constraints, suggest_constraints
from driftplane.engine.monitor import data_fingerprint, load_monitor_baseline
from driftplane.engine.profile import Profile
from driftplane.engine.sagemaker import profile_from_statistics, write_constraints, write_statistics
from driftplane.resolved import ResolvedMonitor, resolve_monitor
from driftplane.result import Kind, Window
from driftplane.spec.models import DataSource, FeatureSelection, Monitor, Spec

logger = logging.getLogger(__name__)

FORMAT = 3  # bump when the files driftplane writes change meaning (2: endpoint baselines keep every column; 3: text values as written)


@dataclass(frozen=True)
class FeatureInfo:
    """A feature that gets drift alarms: its kind, drift metric and threshold."""

    name: str
    kind: Kind
    metric: str
    threshold: float


@dataclass
class BaselineFiles:
    """statistics.json and constraints.json as text, their inputs' fingerprint, and the features."""

    fingerprint: str
    statistics: str
    constraints: str
    features: list[FeatureInfo]


def baseline_fingerprint(spec: Spec, name: str) -> str:
    """What the baseline files are computed from; equal fingerprints mean equal files."""
    monitor = spec.monitor(name)
    baseline = monitor.baseline
    material: dict[str, object] = {
        "format": FORMAT,
        "baseline": baseline.model_dump(mode="json", exclude={"job"}),
        "features": monitor.features.model_dump(mode="json"),
        "checks": monitor.checks.model_dump(mode="json"),
    }
    for key, path in (("data", baseline.data), ("statistics", baseline.statistics), ("constraints", baseline.constraints)):
        if path is not None:
            material[f"{key}_files"] = data_fingerprint(DataSource(data=path, storage_options=baseline.storage_options), spec.base_dir)
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()


def features_of(profile: Profile, monitor: ResolvedMonitor) -> list[FeatureInfo]:
    """The features a monitor checks for drift, in the baseline's column order."""
    out = []
    for column in profile.columns.values():
        if not monitor.features.selected(column.name):
            continue
        kind = monitor.features.kind(column.name, column.inferred_type)
        if kind is None:
            continue
        rule = monitor.drift.rule(column.name, kind)
        if rule.enabled:
            out.append(FeatureInfo(column.name, kind, rule.metric, rule.threshold))
    return out


def features_from_statistics(monitor: ResolvedMonitor, text: str) -> list[FeatureInfo]:
    """The features of a statistics.json already on S3."""
    return features_of(profile_from_statistics(json.loads(text)), monitor)


class _AsDebug(logging.Filter):
    """Turns the engine's progress lines into debug lines while a plan is built.

    The CLI prints info lines on stdout, where ``plan --json`` prints the plan; the engine's
    "profiling the baseline" must not end up inside the JSON.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


@contextmanager
def engine_progress_as_debug() -> Iterator[None]:
    engine = logging.getLogger("driftplane.engine")
    loggers = [engine] + [logging.getLogger(n) for n in list(logging.root.manager.loggerDict) if n.startswith("driftplane.engine.")]
    quiet = _AsDebug()
    for each in loggers:
        each.addFilter(quiet)
    try:
        yield
    finally:
        for each in loggers:
            each.removeFilter(quiet)


def positional(monitor: Monitor) -> bool:
    """True when the target is an endpoint's capture, whose headerless columns match the baseline's BY POSITION.

    SageMaker puts the endpoint output first, then the request's fields, and pairs the n-th
    captured value with the n-th feature of statistics.json. A column left out of the files
    would shift every column after it onto the wrong baseline feature.
    """
    return monitor.target.endpoint is not None and monitor.target.data is None


def _profile_every_column(spec: Spec, name: str) -> Spec:
    """The spec with the monitor profiling every column of its baseline, in the data's order."""
    monitor = spec.monitor(name)
    selection = FeatureSelection(categorical=list(monitor.features.categorical), numerical=list(monitor.features.numerical))
    changed = monitor.model_copy(update={"features": selection})
    return spec.model_copy(update={"monitors": {**spec.monitors, name: changed}})


def _switch_off_unselected(constraints: Constraints, monitor: ResolvedMonitor) -> Constraints:
    """Columns the spec leaves out keep their place but are never checked (SageMaker's per-feature override)."""
    features = [
        feature if monitor.features.selected(feature.name) else replace(feature, overrides={**feature.overrides, "evaluate_constraints": "Disabled"})
        for feature in constraints.features
    ]
    return replace(constraints, features=features)


def compute_baseline(spec: Spec, name: str, fingerprint: str | None = None) -> BaselineFiles:
    """Profile the monitor's baseline with the engine and render SageMaker's two files.

    For an endpoint target the files list every column of the baseline in its order (see
    ``positional``); features the spec excludes are written with evaluation switched off.
    """
    monitor = spec.monitor(name)
    now = datetime.now(UTC)
    by_position = positional(monitor)
    with engine_progress_as_debug():
        profiled = _profile_every_column(spec, name) if by_position else spec
        data = load_monitor_baseline(resolve_monitor(profiled, name), window=Window(start=now, end=now))
    constraints = data.constraints or suggest_constraints(data.profile, monitor.checks.quality)
    if by_position:
        constraints = _switch_off_unselected(constraints, resolve_monitor(spec, name))
    with tempfile.TemporaryDirectory(prefix="driftplane-aws-") as folder:
        statistics = write_statistics(data.profile, Path(folder) / "statistics.json").read_text(encoding="utf-8")
        constraints_text = write_constraints(constraints, Path(folder) / "constraints.json").read_text(encoding="utf-8")
    logger.debug("monitor %s: baseline profiled from %s (%d rows)", name, data.description, data.profile.rows)
    return BaselineFiles(
        fingerprint=fingerprint or baseline_fingerprint(spec, name),
        statistics=statistics,
        constraints=constraints_text,
        features=features_of(data.profile, resolve_monitor(spec, name)),
    )
