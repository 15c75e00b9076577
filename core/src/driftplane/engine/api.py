"""The engine in two calls: ``profile(data)`` and ``compare(baseline, target)``.

    import driftplane as dp
    result = dp.compare("train.parquet", "today.parquet")       # a RunResult
    result = dp.compare("baseline/statistics.json", "today.parquet", out_dir="reports/")

``compare`` reads the baseline (a dataset, SageMaker's statistics.json with the
constraints.json beside it, a driftplane profile, or a Profile), profiles the target on the
baseline's bins and categories, decides drift and data quality, and optionally writes
statistics.json, constraints.json, constraint_violations.json and result.json.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from driftplane.engine.constraints import Constraints, suggest_constraints
from driftplane.engine.evaluate import evaluate
from driftplane.engine.jsonfiles import write_json_atomic
from driftplane.engine.profile import Profile, ProfileSettings
from driftplane.engine.profiler import profile_stream
from driftplane.engine.readers import read
from driftplane.engine.sagemaker import (
    read_constraints,
    read_statistics,
    write_constraints,
    write_statistics,
    write_violations,
)
from driftplane.errors import DataError
from driftplane.resolved import Rules, resolve_rules
from driftplane.result import RunResult, Window
from driftplane.spec.engines import ENGINES, Engine
from driftplane.spec.models import Checks, DataSource, FeatureSelection

if TYPE_CHECKING:
    from driftplane.engine.classifier import RowSample

logger = logging.getLogger(__name__)

Progress = Callable[[str, int], None]  # (phase: "baseline" | "target", rows so far)
DataLike = str | Path | DataSource
STATISTICS_FILE = "statistics.json"
CONSTRAINTS_FILE = "constraints.json"
VIOLATIONS_FILE = "constraint_violations.json"
RESULT_FILE = "result.json"
REPORT_FILE = "report.html"


def _source(data: DataLike) -> DataSource:
    if isinstance(data, DataSource):
        return data
    return DataSource(data=str(data))


def _json_kind(path: Path) -> str | None:
    """'statistics' or 'profile' for a SageMaker statistics.json or a saved driftplane profile, else None."""
    if path.suffix.lower() != ".json" or not path.is_file():
        return None
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8", errors="replace")
    if '"driftplane-profile"' in head:
        return "profile"
    if '"features"' in head or '"dataset"' in head or '"version"' in head:
        return "statistics"
    return None


def _stream(
    source: DataSource,
    *,
    base_dir: Path | None,
    window: Window | None,
    column_names: list[str] | None,
    sample: RowSample | None,
) -> tuple[Iterator[pa.RecordBatch], Any]:
    stream = read(source, base_dir=base_dir, window=window, column_names=column_names)
    if sample is None:
        return iter(stream), stream

    def sampled() -> Iterator[pa.RecordBatch]:
        for batch in stream:
            sample.update(batch)
            yield batch

    return sampled(), stream


def profile_source(
    source: DataSource,
    *,
    phase: str,
    reference: Profile | None,
    rules: Rules | None,
    settings: ProfileSettings | None,
    base_dir: Path | None,
    window: Window | None,
    progress: Progress | None,
    threads: int | None,
    sample: RowSample | None = None,
    engine: Engine = "local",
) -> Profile:
    """Profile one source on the chosen engine: ``local`` (this process) or ``spark``."""
    if engine != "local":
        return _profile_elsewhere(
            engine,
            source,
            phase=phase,
            reference=reference,
            rules=rules,
            settings=settings,
            base_dir=base_dir,
            window=window,
            progress=progress,
            sample=sample,
        )
    if source.data is not None and source.data.startswith("table:"):
        raise DataError(
            f"{source.data} names a table in Spark's catalog, which only the Spark engine reads; "
            "set engine: spark on the monitor or pass --engine spark"
        )
    # Headerless columns take the baseline's names by position: every column of its data,
    # including those the spec leaves out (features.exclude/include), so none slides.
    column_names = source.columns or (reference.layout if reference is not None else None)
    batches, stream = _stream(source, base_dir=base_dir, window=window, column_names=column_names, sample=sample)
    profile = profile_stream(
        batches,
        reference=reference,
        features=rules.features if rules is not None else None,
        settings=settings,
        categorical=rules.features.categorical if rules is not None else (),
        threads=threads,
        progress=(lambda rows: progress(phase, rows)) if progress is not None else None,
        source=getattr(stream, "description", None) or str(source.data),
    )
    profile.messages.extend(m for m in getattr(stream.stats, "messages", []) if m not in profile.messages)
    profile.skipped_records = stream.stats.bad_lines
    if stream.stats.text_format:
        profile.forget_text_counts()
    return profile


def _profile_elsewhere(engine: str, source: DataSource, **kwargs: Any) -> Profile:
    if engine not in ENGINES:
        raise DataError(f"unknown engine '{engine}'; use one of {', '.join(ENGINES)}")
    from driftplane.engine.spark import profile_source as spark_profile_source

    return spark_profile_source(source, **kwargs)


def profile(
    data: DataLike,
    *,
    features: FeatureSelection | None = None,
    settings: ProfileSettings | None = None,
    base_dir: Path | None = None,
    window: Window | None = None,
    progress: Progress | None = None,
    threads: int | None = None,
    engine: Engine = "local",
    rules: Rules | None = None,
) -> Profile:
    """Profile a dataset (a file, directory, glob or URI); ``Profile.to_statistics()`` gives statistics.json.

    engine: ``spark`` computes it on Apache Spark (see docs/scale-out.md).
    """
    return profile_source(
        _source(data),
        phase="baseline",
        reference=None,
        rules=rules or (resolve_rules(features=features) if features is not None else None),
        settings=settings,
        base_dir=base_dir,
        window=window,
        progress=progress,
        threads=threads,
        engine=engine,
    )


def load_baseline(
    baseline: DataLike | Profile,
    *,
    features: FeatureSelection | None = None,
    checks: Checks | None = None,
    settings: ProfileSettings | None = None,
    base_dir: Path | None = None,
    progress: Progress | None = None,
    threads: int | None = None,
    sample: RowSample | None = None,
    engine: Engine = "local",
    rules: Rules | None = None,
) -> tuple[Profile, Constraints | None]:
    """The baseline profile and, for a SageMaker statistics.json, the constraints.json beside it."""
    if isinstance(baseline, Profile):
        return baseline, None
    source = _source(baseline)
    path = Path(source.data) if source.data is not None else None
    if path is not None and base_dir is not None and not path.is_absolute():
        path = base_dir / path
    kind = _json_kind(path) if path is not None else None
    if kind == "profile":
        assert path is not None
        try:
            return Profile.from_dict(json.loads(path.read_text(encoding="utf-8"))), None
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{path}: not a usable driftplane profile: {exc}") from None
    if kind == "statistics":
        assert path is not None
        return load_statistics(str(path))
    return (
        profile_source(
            source,
            phase="baseline",
            reference=None,
            rules=rules or resolve_rules(checks, features),
            settings=settings,
            base_dir=base_dir,
            window=None,
            progress=progress,
            threads=threads,
            sample=sample,
            engine=engine,
        ),
        None,
    )


def load_statistics(location: str, storage_options: dict[str, Any] | None = None) -> tuple[Profile, Constraints | None]:
    """SageMaker's statistics.json (a path or a URI) and the constraints.json beside it, if any."""
    stats = read_statistics(location, storage_options)
    beside = _beside(location, CONSTRAINTS_FILE, storage_options)
    if beside is None:
        return stats, None
    constraints = read_constraints(beside, storage_options)
    stats.messages.append(f"data-quality checks use the constraints beside the baseline: {beside}")
    return stats, constraints


def _beside(location: str, name: str, storage_options: dict[str, Any] | None) -> str | None:
    """The file ``name`` in the same folder as ``location``, when it exists and is another file."""
    if "://" not in location:
        path = Path(location).with_name(name)
        return str(path) if path.is_file() and path != Path(location) else None
    from driftplane.engine.readers.datafiles import filesystem_for

    folder, _, current = location.rpartition("/")
    if current == name:
        return None
    candidate = f"{folder}/{name}"
    fs, remote = filesystem_for(candidate, storage_options or {})
    try:
        return candidate if fs.isfile(remote) else None
    except OSError:
        return None


def write_reports(
    out_dir: str | Path, result: RunResult, target: Profile, constraints: Constraints
) -> RunResult:
    """statistics.json (the target's), constraints.json, constraint_violations.json, report.html (the
    HTML report ``run`` writes) and result.json, each written to a temporary file and renamed."""
    from driftplane.local.report import write_report  # imported here: rendering is only for --out

    out = Path(out_dir)
    reports = {
        "statistics": str(write_statistics(target, out / STATISTICS_FILE)),
        "constraints": str(write_constraints(constraints, out / CONSTRAINTS_FILE)),
        "constraint_violations": str(write_violations(result.violations, out / VIOLATIONS_FILE)),
        "result": str(out / RESULT_FILE),
    }
    result = result.model_copy(update={"reports": {**result.reports, **reports}})
    html = write_report(out / REPORT_FILE, result)
    result = result.model_copy(update={"reports": {"html": str(html), **result.reports}})
    write_json_atomic(out / RESULT_FILE, result.model_dump(mode="json"))
    return result


def compare(
    baseline: DataLike | Profile,
    target: DataLike | Profile,
    *,
    checks: Checks | None = None,
    features: FeatureSelection | None = None,
    constraints: Constraints | str | Path | None = None,
    out_dir: str | Path | None = None,
    monitor: str = "compare",
    window: Window | None = None,
    base_dir: Path | None = None,
    settings: ProfileSettings | None = None,
    progress: Progress | None = None,
    threads: int | None = None,
    engine: Engine = "local",
    rules: Rules | None = None,
) -> RunResult:
    """Compare a target with a baseline: drift per feature, SageMaker's data-quality checks, a verdict.

    baseline: a dataset path (file, directory, glob, URI), a DataSource, SageMaker's
        statistics.json (the constraints.json beside it is used), a saved profile, or a Profile.
    target: a dataset path or DataSource (or a Profile computed against this baseline).
    constraints: a constraints.json path or Constraints; default: the one beside a
        statistics.json baseline, else suggested from the baseline as SageMaker does.
    out_dir: write statistics.json, constraints.json, constraint_violations.json, result.json.
    engine: ``local`` (default) or ``spark``: where the profiles are computed; the result is the same.
    """
    rules = rules or resolve_rules(checks, features)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    base_sample = target_sample = None
    if rules.drift.enabled and rules.drift.classifier and not isinstance(baseline, Profile):
        from driftplane.engine.classifier import RowSample  # imported only when the classifier runs

        base_sample, target_sample = RowSample(), RowSample(seed=1)
    base_profile, beside = load_baseline(
        baseline,
        rules=rules,
        settings=settings,
        base_dir=base_dir,
        progress=progress,
        threads=threads,
        sample=base_sample,
        engine=engine,
    )
    if base_profile.rows == 0:
        raise DataError(
            f"{base_profile.source or baseline}: the baseline has no rows; there is nothing to compare against"
        )
    if isinstance(constraints, str | Path):
        constraints = read_constraints(constraints)
    constraints = constraints or beside
    if isinstance(target, Profile):
        target_profile = target
    else:
        target_profile = profile_source(
            _source(target),
            phase="target",
            reference=base_profile,
            rules=rules,
            settings=settings,
            base_dir=base_dir,
            window=window,
            progress=progress,
            threads=threads,
            sample=target_sample,
            engine=engine,
        )
    if target_profile.rows == 0:
        raise DataError(f"{target_profile.source or target}: the target has no rows to compare")
    samples = (
        (base_sample.table(), target_sample.table()) if base_sample is not None and target_sample is not None else None
    )
    if constraints is None:
        constraints = suggest_constraints(base_profile, rules.quality)
    result = evaluate(
        base_profile,
        target_profile,
        constraints=constraints,
        rules=rules,
        monitor=monitor,
        window=window,
        samples=samples,
        started_at=started,
    )
    result = result.model_copy(update={"duration_seconds": round(time.perf_counter() - clock, 3)})
    if out_dir is not None:
        result = write_reports(out_dir, result, target_profile, constraints)
    return result
