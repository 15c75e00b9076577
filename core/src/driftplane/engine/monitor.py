"""Run one monitor of a spec over one window: the pipeline every provider shares.

The local provider wraps it with history, locks, reports and alerts; the gcp provider
publishes what it returns as time series; the aws processing backend runs it inside a
SageMaker Processing job. Keeping the pipeline here means every provider decides drift the
same way, so a SageMaker run and a local run of one spec agree field for field.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from driftplane.atomic import ELSEWHERE, writing
from driftplane.engine.api import load_statistics, profile_source
from driftplane.engine.constraints import Constraints, suggest_constraints
from driftplane.engine.evaluate import evaluate
from driftplane.engine.jsonfiles import write_json_atomic
from driftplane.engine.profile import Profile, ProfileSettings
from driftplane.engine.readers.datafiles import absolute_location, filesystem_for, list_files
from driftplane.engine.readers.windows import NO_DATA
from driftplane.engine.sagemaker import read_constraints
from driftplane.errors import DataError, StorageError
from driftplane.resolved import ResolvedMonitor
from driftplane.result import RunResult, Window
from driftplane.result_summary import summary_line
from driftplane.spec.engines import Engine
from driftplane.spec.models import DataSource
from driftplane.windows import window_text

logger = logging.getLogger(__name__)

# Bump when the cached profile's meaning changes, so stale caches are recomputed.
CACHE_FORMAT = 2  # 2: profiles carry the data's full column layout; CSV text is kept as written
Progress = Callable[[str, int], None]


# --- the baseline ------------------------------------------------------------------------


def data_fingerprint(source: DataSource, base_dir: Path | None) -> list[str]:
    """What identifies the data's content: each file's path and fsspec's unique key.

    fsspec's ukey changes when a file is rewritten (size and modification time locally,
    the ETag on S3), so a changed baseline is profiled again without hashing all of it.
    """
    assert source.data is not None
    location = absolute_location(source.data, base_dir)
    fs, path = filesystem_for(location, source.storage_options)
    if "{" in path:  # partitioned data: list what exists under the fixed prefix
        path = path.split("{", 1)[0].rstrip("/") or "/"
    files, _ = list_files(fs, path, data=source.data, base_dir=base_dir)
    keys = []
    for file in files:
        try:
            keys.append(f"{file.path}:{file.size}:{fs.ukey(file.path)}")
        except (OSError, NotImplementedError):
            keys.append(f"{file.path}:{file.size}")
    return keys


def _cache_key(
    monitor: ResolvedMonitor, source: DataSource, settings: ProfileSettings, fingerprint: list[str], extra: Any = None
) -> str:
    baseline = monitor.baseline
    material = {
        "format": CACHE_FORMAT,
        "source": source.model_dump(mode="json"),
        "window": baseline.window.model_dump(mode="json") if baseline.window is not None else None,
        "lag": str(baseline.lag) if baseline.lag is not None else None,
        "features": monitor.features.to_dict(),
        "settings": settings.__dict__,
        "files": fingerprint,
        "extra": extra,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()[:32]


@dataclass
class BaselineCache:
    """Baseline profiles kept under a state directory, keyed by the data and the settings."""

    directory: Path
    # The other way out, in a message, when the directory cannot be written.
    instead: str = ELSEWHERE

    def path(self, monitor: str, key: str) -> Path:
        return self.directory / monitor / f"{key}.json"

    def load(self, monitor: str, key: str) -> Profile | None:
        path = self.path(monitor, key)
        if not path.is_file():
            return None
        try:
            return Profile.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("the cached baseline %s could not be read (%s); profiling the baseline again", path, exc)
            return None

    def store(self, monitor: str, key: str, profile: Profile) -> None:
        """Keep ``profile`` as the monitor's one cached baseline.

        Raises StorageError (a DataError) naming the cache file when the disk, a quota or the
        permissions refuse it; the write is atomic, so no half-written cache is ever read.
        """
        folder = self.directory / monitor
        what = f"the cached baseline profile of monitor {monitor}"
        write_json_atomic(self.path(monitor, key), profile.to_dict(), what=what, instead=self.instead)
        for old in folder.glob("*.json"):  # keep only the current baseline of each monitor
            if old.stem != key:
                with writing(f"{what} (removing an outdated one)", old, instead=self.instead):
                    old.unlink(missing_ok=True)


@dataclass
class BaselineData:
    """The baseline profile a run compares with, the constraints, and where they came from."""

    profile: Profile
    constraints: Constraints
    cached: bool = False
    description: str = ""
    # Why the fresh profile could not be cached (a full disk): the run goes on with it, and
    # the caller reports this once the run is safely recorded.
    cache_error: StorageError | None = None


def load_monitor_baseline(
    monitor: ResolvedMonitor,
    *,
    window: Window,
    cache: BaselineCache | None = None,
    settings: ProfileSettings | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> BaselineData:
    """The baseline of a monitor: from the cache, SageMaker files, data, or the target earlier.

    engine: where to profile it (default: the monitor's ``engine``).
    """
    name = monitor.name
    engine = engine or monitor.engine
    baseline = monitor.baseline
    base_dir = monitor.base_dir
    settings = settings or ProfileSettings()
    quality = monitor.quality
    options = baseline.source.storage_options if baseline.source is not None else {}
    constraints: Constraints | None = None
    if baseline.constraints is not None:
        constraints = read_constraints(baseline.constraints, options)
    if baseline.kind == "statistics":
        assert baseline.statistics is not None
        profile, beside = load_statistics(baseline.statistics, options)
        return BaselineData(
            profile, constraints or beside or suggest_constraints(profile, quality), description=baseline.statistics
        )
    if baseline.kind == "lag":
        assert baseline.lag is not None
        lag = baseline.lag
        earlier = Window(start=lag.before(window.start), end=lag.before(window.end))
        source: DataSource = monitor.target
        description = f"the target {lag} earlier"
        read_window: Window | None = earlier
        extra: Any = [earlier.start.isoformat(), earlier.end.isoformat()]
    else:
        assert baseline.source is not None
        source = baseline.source
        description = str(source.data)
        read_window = Window(start=baseline.window.start, end=baseline.window.end) if baseline.window else None
        extra = None
    key = None
    fingerprint = _cache_fingerprint(source, base_dir, engine) if cache is not None else None
    if cache is not None and fingerprint is not None:
        key = _cache_key(monitor, source, settings, fingerprint, extra if engine == "local" else [extra, engine])
        cached = cache.load(name, key)
        if cached is not None:
            logger.debug("monitor %s: using the cached baseline profile %s", name, cache.path(name, key))
            return BaselineData(
                cached, constraints or suggest_constraints(cached, quality), cached=True, description=description
            )
    logger.info("monitor %s: profiling the baseline (%s)", name, description)
    profile = profile_source(
        source,
        phase="baseline",
        reference=None,
        rules=monitor.rules,
        settings=settings,
        base_dir=base_dir,
        window=read_window,
        progress=progress,
        threads=None,
        engine=engine,
    )
    if profile.rows == 0:
        where = f" in the window {window_text(read_window)}" if read_window is not None else ""
        raise DataError(
            f"monitor {name}: the baseline ({description}) has no rows{where}; there is nothing to compare against"
        )
    cache_error = None
    if cache is not None and key is not None:
        try:
            cache.store(name, key, profile)
        except StorageError as exc:  # the profile is in hand: the run needs no cache to go on
            cache_error = exc
    return BaselineData(
        profile, constraints or suggest_constraints(profile, quality), description=description, cache_error=cache_error
    )


def _cache_fingerprint(source: DataSource, base_dir: Path, engine: Engine) -> list[str] | None:
    """What identifies the baseline's content, or None when it cannot be told (no cache then).

    The Spark engine reads places fsspec may not (a catalog table, a store only Spark has a
    connector for); such a baseline is profiled at every run rather than cached on a guess.
    """
    if source.data is None:
        return None
    if engine == "local":
        return data_fingerprint(source, base_dir)
    if source.data.startswith("table:"):
        logger.debug("the baseline %s is a table: its profile is not cached", source.data)
        return None
    try:
        return data_fingerprint(source, base_dir)
    except DataError as exc:
        logger.debug("the baseline %s cannot be fingerprinted here (%s): its profile is not cached", source.data, exc)
        return None


# --- one run -------------------------------------------------------------------------------


@dataclass
class MonitorRun:
    """Everything one run produced; providers write the parts they publish."""

    result: RunResult
    target: Profile | None = None
    baseline: BaselineData | None = None
    read_seconds: dict[str, float] = field(default_factory=dict)
    # Why a failed run failed, with its traceback, for whoever reports it (see run_monitor).
    failure: DataError | None = None


def run_monitor(
    monitor: ResolvedMonitor,
    window: Window,
    *,
    cache: BaselineCache | None = None,
    provider: str = "local",
    settings: ProfileSettings | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
    report_failure: bool = True,
    now: datetime | None = None,
) -> MonitorRun:
    """Profile the baseline (or reuse it), profile the target window, decide drift and quality.

    Data problems do not raise: they give a RunResult with status ``failed`` and the reason
    in ``error``, so the run is recorded and ``failure`` alerts can fire. The failure is
    logged as an error with its traceback (a failed run must be seen by log-based alerting),
    unless ``report_failure`` is False: then the caller logs ``MonitorRun.failure`` itself,
    once, with what it adds (the local runner adds where the report is).
    engine: where to compute the profiles (default: the monitor's ``engine``).
    now: the time the window's model quality is judged at (labels landed by then; default: now).
    """
    name = monitor.name
    engine = engine or monitor.engine
    started = datetime.now(UTC)
    quality_monitor = monitor
    monitor = profiling_monitor(monitor)
    clock = time.perf_counter()
    read_seconds: dict[str, float] = {}
    baseline: BaselineData | None = None
    try:
        tick = time.perf_counter()
        baseline = load_monitor_baseline(
            monitor, window=window, cache=cache, settings=settings, progress=progress, engine=engine
        )
        read_seconds["baseline"] = time.perf_counter() - tick
        monitor, unmeasured = _outputs_the_baseline_has(quality_monitor, monitor, baseline.profile)
        tick = time.perf_counter()
        target = _profile_target(monitor, monitor.target, window, baseline.profile, settings, progress, engine)
        read_seconds["target"] = time.perf_counter() - tick
        result = evaluate(
            baseline.profile,
            target,
            constraints=baseline.constraints,
            rules=monitor.rules,
            monitor=name,
            window=window,
            started_at=started,
        )
        result = _with_model_quality(quality_monitor, result, window, baseline.profile, cache, now or started)
        if unmeasured:
            result = result.model_copy(update={"messages": [*result.messages, unmeasured]})
    except DataError as exc:
        error = run_error(name, window, exc)
        rows = baseline.profile.rows if baseline is not None else 0
        messages = [] if baseline is not None else [TARGET_NOT_READ]
        failed = RunResult.model_validate(
            {
                "monitor": name,
                "window": window,
                "rows": {"baseline": rows, "target": 0},
                "status": "failed",
                "error": error,
                "messages": messages,
                "provider": provider,
                "started_at": started,
                "duration_seconds": round(time.perf_counter() - clock, 3),
            }
        )
        if report_failure:
            logger.error("%s", summary_line(failed), exc_info=exc)
        return MonitorRun(failed, None, baseline, read_seconds, failure=exc)
    result = result.model_copy(
        update={"provider": provider, "duration_seconds": round(time.perf_counter() - clock, 3)}
    )
    return MonitorRun(result, target, baseline, read_seconds)


def profiling_monitor(monitor: ResolvedMonitor) -> ResolvedMonitor:
    """The monitor as the engine profiles it: with a model, its output columns are measured too
    (``ResolvedMonitor.output_rules``), to be reported as prediction drift."""
    if monitor.output_rules is None:
        return monitor
    return replace(monitor, rules=monitor.output_rules)


def _outputs_the_baseline_has(
    declared: ResolvedMonitor, profiling: ResolvedMonitor, baseline: Profile
) -> tuple[ResolvedMonitor, str | None]:
    """The profiling monitor without the model's output columns the baseline lacks (a training set
    without predictions): they are the model's output, not extra columns, and their drift cannot
    be measured; the note says so."""
    policy = declared.performance
    if policy is None or baseline.origin != "driftplane":
        return profiling, None
    absent = [c for c in policy.output_columns if c not in baseline.columns and c not in baseline.layout]
    if not absent:
        return profiling, None
    features = profiling.features
    rules = replace(profiling.rules, features=replace(features, exclude=features.exclude | set(absent)))
    note = (
        f"prediction drift of {', '.join(absent)} is not measured: the baseline has no such column "
        "(a labelled validation set with the model's predictions gives it)"
    )
    return replace(profiling, rules=rules), note


def _with_model_quality(
    monitor: ResolvedMonitor,
    result: RunResult,
    window: Window | None,
    profile: Profile,
    cache: BaselineCache | None,
    now: datetime,
) -> RunResult:
    """Prediction drift apart from input drift, and the window's judged model quality."""
    if monitor.performance is None:
        return result
    from driftplane.engine.performance.monitor_quality import (
        add_performance,
        split_prediction_drift,
    )

    result = split_prediction_drift(monitor, result)
    return add_performance(
        monitor, result, window, profile=profile, cache_dir=cache.directory if cache is not None else None, now=now
    )


TARGET_NOT_READ = "the target was not read: the baseline failed first, so the run has no target row count"


def run_error(name: str, window: Window, exc: DataError) -> str:
    """The failed run's error, one sentence naming the monitor (and the window, unless it is said)."""
    text = str(exc)
    if text.startswith(f"monitor {name}: "):
        return text
    return f"monitor {name}: the run for {window_text(window)} failed: {text}"


def _profile_target(
    monitor: ResolvedMonitor,
    source: DataSource,
    window: Window | None,
    reference: Profile,
    settings: ProfileSettings | None,
    progress: Progress | None,
    engine: Engine = "local",
) -> Profile:
    """The target's profile on the baseline's bins; DataError when it has no rows."""
    name = monitor.name
    if source.data is None:
        endpoint = getattr(source, "endpoint", None)
        raise DataError(
            f"monitor {name}: the target names endpoint '{endpoint}' but no 'data' path; "
            "the local provider reads data, so add target.data (e.g. the capture S3 URI)"
        )
    profile = profile_source(
        source,
        phase="target",
        reference=reference,
        rules=monitor.rules,
        settings=settings,
        base_dir=monitor.base_dir,
        window=window,
        progress=progress,
        threads=None,
        engine=engine,
    )
    if profile.rows == 0:
        if window is None:
            raise DataError(f"monitor {name}: {source.data} has no rows to check")
        notes = [m for m in profile.messages if m.startswith(NO_DATA)]
        others = [m for m in profile.messages if not m.startswith(NO_DATA)]
        said = notes[-1] if notes else f"{NO_DATA} {window_text(window)} in {source.data}"
        raise DataError("; ".join([f"monitor {name}: {said}", *others]))
    return profile


def check_data(
    monitor: ResolvedMonitor,
    data: str | Path | DataSource,
    *,
    window: Window | None = None,
    settings: ProfileSettings | None = None,
    engine: Engine | None = None,
    now: datetime | None = None,
) -> RunResult:
    """Run monitor ``name``'s checks, with its baseline, against ``data`` instead of its target.

    For tests of monitors (the pytest plugin) and one-off checks: no history, no alerts. With a
    model, data that holds the label column (labels.label, else baseline.label) beside the
    model's outputs is judged on its own labels (``RunResult.performance``, final); data without
    it is judged as a local run judges a window: its predictions joined by id to the monitor's
    ``labels:`` that landed by ``now`` (default: now), final, provisional or estimated.
    ``data`` is read whole unless ``window`` is given; it keeps the target's format options.
    engine: where to compute the profiles (default: the monitor's ``engine``).
    """
    engine = engine or monitor.engine
    quality_monitor = monitor
    monitor = profiling_monitor(monitor)
    if isinstance(data, DataSource):
        source: DataSource = data
    else:
        fields = monitor.target.model_dump(include=set(DataSource.model_fields) - {"data"})
        source = DataSource(data=str(data), **fields)
    reference_window = window or Window(start=datetime(1970, 1, 1, tzinfo=UTC), end=datetime.now(UTC))
    baseline = load_monitor_baseline(monitor, window=reference_window, settings=settings, engine=engine)
    started = datetime.now(UTC)
    target = _profile_target(monitor, source, window, baseline.profile, settings, None, engine)
    result = evaluate(
        baseline.profile,
        target,
        constraints=baseline.constraints,
        rules=monitor.rules,
        monitor=monitor.name,
        window=window,
        started_at=started,
    )
    if quality_monitor.performance is None:
        return result
    from driftplane.engine.performance.judge import judge_labelled_rows, judge_window
    from driftplane.engine.performance.monitor_quality import (
        monitor_baseline_quality,
        split_prediction_drift,
    )

    result = split_prediction_drift(quality_monitor, result)
    quality = monitor_baseline_quality(quality_monitor, baseline.profile, None)
    # Data that carries its own labels (a scored validation set in CI) is judged on them.
    performance = judge_labelled_rows(
        quality_monitor, source, baseline=quality, window=window, column_names=baseline.profile.layout
    )
    if performance is None and quality_monitor.performance.labels is not None:
        # Else its predictions meet the labels that landed, as a run of a window meets them.
        performance = judge_window(
            quality_monitor,
            reference_window,
            baseline=quality,
            now=now or datetime.now(UTC),
            column_names=baseline.profile.layout,
            predictions_from=source,
        )
    return result if performance is None else result.model_copy(update={"performance": performance})


__all__ = [
    "BaselineCache",
    "BaselineData",
    "MonitorRun",
    "check_data",
    "data_fingerprint",
    "load_monitor_baseline",
    "run_monitor",
]
