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
from driftplane.engine.evaluate import identifier_distinct
from driftplane.engine.monitor import data_fingerprint, load_monitor_baseline
from driftplane.engine.profile import Profile
from driftplane.engine.sagemaker import profile_from_statistics, write_constraints, write_statistics
from driftplane.errors import ProviderError
from driftplane.resolved import DriftRule, ResolvedMonitor, resolve_monitor
from driftplane.result import Kind, Window
from driftplane.spec.models import DataSource, QualityChecks, Spec

logger = logging.getLogger(__name__)

# Bump when the files driftplane writes change meaning (2: endpoint baselines keep every column;
# 3: text values as written; 4: constraints.json carries the spec's quality checks: thresholds
# over a given file's, evaluate_constraints Disabled when quality is off, completeness 0 when
# completeness is off).
FORMAT = 4


@dataclass(frozen=True)
class FeatureInfo:
    """A feature that gets drift alarms, with its kind and drift rule when they are known.

    kind: None while only the feature's name is known (listed in the spec, no baseline file
        yet) and the spec declares no kind for it.
    rule: the drift rule; None when the kind is unknown and the two kinds' rules differ, so
        the threshold an alarm compares with cannot be chosen yet.
    """

    name: str
    kind: Kind | None
    rule: DriftRule | None

    @property
    def threshold(self) -> float:
        """The configured threshold (asked only of features whose rule is known)."""
        assert self.rule is not None
        return self.rule.threshold


@dataclass
class BaselineFiles:
    """statistics.json and constraints.json as text, their inputs' fingerprint, and the features."""

    fingerprint: str
    statistics: str
    constraints: str
    features: list[FeatureInfo]


def baseline_fingerprint(spec: Spec, name: str) -> str:
    """What the baseline files are computed from; equal fingerprints mean equal files.

    The resolved baseline source, which columns are features and of what kind (the profile
    keeps category counts of categorical ones), and the quality checks (constraints.json's
    settings); drift thresholds do not change the files.
    """
    monitor = resolve_monitor(spec, name)
    baseline = monitor.baseline
    source = baseline.source
    material: dict[str, object] = {
        "format": FORMAT,
        "baseline": {
            "kind": baseline.kind,
            "source": source.model_dump(mode="json") if source is not None else None,
            "statistics": baseline.statistics,
            "constraints": baseline.constraints,
            "window": baseline.window.model_dump(mode="json") if baseline.window is not None else None,
        },
        "features": monitor.features.to_dict(),
        "quality": monitor.quality.model_dump(mode="json"),
        "positional": positional(monitor),
    }
    options = source.storage_options if source is not None else {}
    for key, path in (
        ("data", source.data if source else None),
        ("statistics", baseline.statistics),
        ("constraints", baseline.constraints),
    ):
        if path is not None:
            material[f"{key}_files"] = data_fingerprint(DataSource(data=path, storage_options=options), spec.base_dir)
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()


def features_of(profile: Profile, monitor: ResolvedMonitor) -> list[FeatureInfo]:
    """The features a monitor checks for drift, in the baseline's column order, as a run decides them.

    A column the run does not measure gets no alarm: one without values, and a text column
    that looks like an identifier (unless the spec names it), which the engine leaves out
    and SageMaker keeps no category counts for.
    """
    out = []
    for column in profile.columns.values():
        if not monitor.features.selected(column.name):
            continue
        kind = monitor.features.kind(column.name, column.inferred_type)
        if kind is None:
            continue
        if (
            kind == "categorical"
            and identifier_distinct(column) is not None
            and not monitor.features.named(column.name)
        ):
            continue
        rule = monitor.drift.rule(column.name, kind)
        if rule.enabled:
            out.append(FeatureInfo(column.name, kind, rule))
    return out


def declared_features(monitor: ResolvedMonitor, names: list[str] | tuple[str, ...]) -> list[FeatureInfo]:
    """Features known by name only (``features.include``, an alert's ``features``), before any baseline file.

    Their kind is the declared one (a per-feature ``kind``, ``features.categorical`` or
    ``features.numerical``); without one, the rule is still known when both kinds' rules
    agree on metric and threshold, else it waits for the data's types.
    """
    out = []
    for name in dict.fromkeys(names):
        if not monitor.features.selected(name):
            continue
        kind = monitor.features.kind(name)
        if kind is not None:
            rule: DriftRule | None = monitor.drift.rule(name, kind)
        else:
            numerical, categorical = (monitor.drift.rule(name, k) for k in ("numerical", "categorical"))
            same = (numerical.metric, numerical.threshold) == (categorical.metric, categorical.threshold)
            rule = numerical if same else None
        if monitor.drift.rule(name, "numerical").enabled:  # a feature's switch does not depend on its kind
            out.append(FeatureInfo(name, kind, rule))
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
    loggers = [engine] + [
        logging.getLogger(n) for n in list(logging.root.manager.loggerDict) if n.startswith("driftplane.engine.")
    ]
    quiet = _AsDebug()
    for each in loggers:
        each.addFilter(quiet)
    try:
        yield
    finally:
        for each in loggers:
            each.removeFilter(quiet)


def positional(monitor: ResolvedMonitor) -> bool:
    """True when the target is an endpoint's capture, whose headerless columns match the baseline's BY POSITION.

    SageMaker puts the endpoint output first, then the request's fields, and pairs the n-th
    captured value with the n-th feature of statistics.json. A column left out of the files
    would shift every column after it onto the wrong baseline feature.
    """
    return monitor.target.endpoint is not None and monitor.target.data is None


def _profile_every_column(monitor: ResolvedMonitor) -> ResolvedMonitor:
    """The monitor profiling every column of its baseline, in the data's order (kinds as declared),
    less a labelled baseline's label (``labelled_last`` makes sure it is the last column): captured
    traffic carries the model's outputs and the request, never the true label."""
    label = monitor.performance.baseline_label if monitor.performance is not None else None
    every = replace(monitor.features, include=None, exclude=frozenset({label} if label else ()))
    return replace(monitor, rules=replace(monitor.rules, features=every))


def labelled_last(spec: Spec, monitor: ResolvedMonitor) -> None:
    """An endpoint's labelled baseline keeps its label as the last column, so leaving it out of the
    data-quality files shifts no captured column onto another's place; ProviderError otherwise."""
    from driftplane_aws.run import baseline_columns

    label = monitor.performance.baseline_label if monitor.performance is not None else None
    if label is None:
        return
    columns = baseline_columns(spec, monitor.name) or []
    if columns and columns[-1] != label:
        raise ProviderError(
            f"monitor {monitor.name}: SageMaker matches captured rows to the baseline's columns by position, and a "
            f"captured row has no true label, but baseline.label '{label}' is not the baseline's last column: "
            "move it last in baseline.data (after the model's outputs and the request's fields)"
        )


def _switch_off_unselected(constraints: Constraints, monitor: ResolvedMonitor) -> Constraints:
    """Columns the spec leaves out keep their place but are never checked (SageMaker's per-feature override)."""
    features = [
        feature
        if monitor.features.selected(feature.name)
        else replace(feature, overrides={**feature.overrides, "evaluate_constraints": "Disabled"})
        for feature in constraints.features
    ]
    return replace(constraints, features=features)


def with_quality_checks(constraints: Constraints, quality: QualityChecks) -> Constraints:
    """constraints.json saying what the spec's quality checks say, as SageMaker's analyzer reads it.

    Thresholds the spec sets explicitly override a given file's (as a local run does);
    ``quality.enabled: false`` is SageMaker's ``evaluate_constraints: Disabled`` (drift
    metrics are emitted all the same: ``emit_metrics`` stays Enabled); ``completeness:
    false`` writes each feature's completeness as 0, which no data falls below.
    ``columns: false`` has no form in the file (validate refuses it for model-monitor).
    """
    config = constraints.monitoring_config.overridden_by(quality)
    if not quality.enabled:
        config = replace(config, evaluate_constraints="Disabled")
    features = constraints.features
    if not quality.completeness:
        features = [replace(feature, completeness=0.0) for feature in features]
    return replace(constraints, monitoring_config=config, features=features)


def compute_baseline(spec: Spec, name: str, fingerprint: str | None = None) -> BaselineFiles:
    """Profile the monitor's baseline with the engine and render SageMaker's two files.

    For an endpoint target the files list every column of the baseline in its order (see
    ``positional``); features the spec excludes are written with evaluation switched off.
    """
    monitor = resolve_monitor(spec, name)
    now = datetime.now(UTC)
    by_position = positional(monitor)
    if by_position:
        labelled_last(spec, monitor)
    with engine_progress_as_debug():
        profiled = _profile_every_column(monitor) if by_position else monitor
        data = load_monitor_baseline(profiled, window=Window(start=now, end=now))
    constraints = with_quality_checks(
        data.constraints or suggest_constraints(data.profile, monitor.quality), monitor.quality
    )
    if by_position:
        constraints = _switch_off_unselected(constraints, monitor)
    with tempfile.TemporaryDirectory(prefix="driftplane-aws-") as folder:
        statistics = write_statistics(data.profile, Path(folder) / "statistics.json").read_text(encoding="utf-8")
        constraints_text = write_constraints(constraints, Path(folder) / "constraints.json").read_text(encoding="utf-8")
    logger.debug("monitor %s: baseline profiled from %s (%d rows)", name, data.description, data.profile.rows)
    return BaselineFiles(
        fingerprint=fingerprint or baseline_fingerprint(spec, name),
        statistics=statistics,
        constraints=constraints_text,
        features=features_of(data.profile, monitor),
    )
