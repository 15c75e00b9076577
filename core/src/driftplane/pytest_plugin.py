"""driftplane's pytest plugin (``pytest11`` entry point): test monitors in a team's CI.

Two ways to use it:

- the ``driftplane`` fixture runs a monitor of a spec against a file, an Arrow table or a
  pandas DataFrame and returns the RunResult, with assertions that explain themselves::

      def test_a_normal_day(driftplane):
          result = driftplane.run("monitors.yaml", "churn", "data/2026-01-05.parquet")
          driftplane.assert_no_drift(result)

- files named ``test_*.driftplane.yaml`` are collected as tests; each case names a monitor,
  some data and the expected verdict::

      spec: monitors.yaml
      cases:
        - name: a normal day passes
          monitor: churn
          data: data/daily/2026/01/05/scores.parquet
          expect: ok
        - name: the price change is caught
          monitor: churn
          data: data/daily/2026/01/12/scores.parquet
          expect: drift_and_violations
          drifted: [day_mins]

A monitor with a model can assert a performance floor in CI, on the fixture's result
(``driftplane.assert_performance(result, accuracy__min=0.85, judged="final")``) or in a
case (``performance: {accuracy: {min: 0.85}}``, ``judged: final``); a failure names the
metric, its value, the bound and how the window was judged (final, provisional, estimated).

Heavy modules (the engine, pyarrow) are imported inside the fixture and the items, so
loading the plugin costs nothing for suites that do not use it. Turn it off with
``-p no:driftplane``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

if TYPE_CHECKING:
    from driftplane.result import Performance, PerformanceMetric, RunResult
    from driftplane.spec.models import Spec

YAML_SUFFIX = ".driftplane.yaml"
Status = Literal["ok", "drift", "violations", "drift_and_violations", "failed"]
JudgedWord = Literal["final", "provisional", "estimated"]
BOUND_SUFFIXES = {"__min": "min", "__max": "max"}


class MonitorCheckFailed(AssertionError):
    """A monitor's result was not what the test expected; the message says how it differs."""


def _feature_table(result: RunResult, names: Sequence[str] | None = None) -> str:
    lines = []
    for feature in result.features:
        if names is not None and feature.name not in names:
            continue
        drift = feature.drift
        if drift is None or drift.value is None:
            lines.append(f"    {feature.name}: not measured")
            continue
        applied = drift.effective_threshold if drift.effective_threshold is not None else drift.threshold
        mark = "DRIFTED" if drift.drifted else "ok"
        lines.append(f"    {feature.name}: {drift.metric} {drift.value:.4g} vs threshold {applied:.4g} -> {mark}")
    return "\n".join(lines)


def describe_result(result: RunResult) -> str:
    """A few lines a person can read in a test failure: verdict, drifted features, violations."""
    lines = [
        f"monitor {result.monitor}: status {result.status} "
        f"({result.rows.target:,} rows against {result.rows.baseline:,})"
    ]
    if result.error:
        lines.append(f"  error: {result.error}")
    drifted = [f.name for f in result.drifted_features]
    if drifted:
        lines.append("  drifted features:")
        lines.append(_feature_table(result, drifted))
    for violation in result.violations:
        lines.append(
            f"  {violation.constraint_check_type} on {violation.feature_name}: {violation.readable_description}"
        )
    if result.performance is not None:
        lines.append(f"  model quality: {_judgement_text(result.performance)}")
        for metric in result.performance.metrics:
            lines.append(f"    {_metric_text(metric)}")
    return "\n".join(lines)


def _judgement_text(performance: Performance) -> str:
    """'judged provisional, 400 of 800 predictions labelled (50%)'."""
    coverage = performance.coverage
    share = f" ({coverage.share:.0%})" if coverage.share is not None else ""
    return f"judged {performance.judged}, {coverage.labelled:,} of {coverage.predictions:,} predictions labelled{share}"


def _metric_text(metric: PerformanceMetric) -> str:
    """'accuracy 0.647 (spec: min 0.85) -> FAILED' or 'accuracy ~0.917 [0.888, 0.947] (estimate)'."""
    value = "not computable" if metric.value is None else f"{metric.value:.4g}"
    text = f"{metric.name} {'~' if metric.estimated else ''}{value}"
    if metric.estimated and metric.lower is not None and metric.upper is not None:
        text += f" [{metric.lower:.4g}, {metric.upper:.4g}]"
    if metric.estimated:
        text += " (estimate)"
    if metric.threshold is not None:
        text += f" (spec: {metric.direction} {metric.threshold:.4g}) -> {'FAILED' if metric.failed else 'ok'}"
    return text


def check_performance(
    result: RunResult,
    bounds: Mapping[str, Mapping[str, float]] | None = None,
    *,
    judged: JudgedWord | Sequence[JudgedWord] | None = None,
    estimates: bool = False,
) -> list[str]:
    """What breaks the performance expectations, one sentence each (empty when all hold).

    ``bounds`` maps a metric to ``{"min": x}`` and/or ``{"max": y}``; without bounds, every
    check the spec configured must pass. Realised values are used; an estimate only when
    ``estimates`` is true and the metric has no realised value yet. ``judged`` requires the
    window's judgement (e.g. ``final``: a provisional value is not enough).
    """
    performance = result.performance
    if performance is None:
        return [
            f"the result of monitor '{result.monitor}' has no model quality: the monitor declares no model "
            "(add model:, labels: and checks.performance to it), or the run did not judge it"
            + (f" (the run failed: {result.error})" if result.error else "")
        ]
    judgement = _judgement_text(performance)
    problems: list[str] = []
    wanted = [judged] if isinstance(judged, str) else list(judged or [])
    if wanted and performance.judged not in wanted:
        problems.append(f"expected the window to be judged {' or '.join(wanted)}, but it was {judgement}")
    if not bounds:
        for failed in performance.failed_metrics:
            problems.append(f"{_metric_text(failed)}; {judgement}")
        return problems
    names = sorted({m.name for m in performance.metrics})
    for name, limits in bounds.items():
        unknown = sorted(set(limits) - {"min", "max"})
        if unknown or not limits:
            problems.append(f"the bound of '{name}' must be min and/or max, got {', '.join(unknown) or 'nothing'}")
            continue
        realised = next((m for m in performance.metrics if m.name == name and not m.estimated), None)
        estimate = next((m for m in performance.metrics if m.name == name and m.estimated), None)
        metric = realised if realised is not None or not estimates else estimate
        if metric is None:
            known = ", ".join(names) or "none"
            hint = (
                " (only an estimate so far; pass estimates=True to accept it, or wait for the labels)"
                if estimate is not None
                else ""
            )
            problems.append(f"the result has no realised '{name}'{hint}; its metrics: {known}")
            continue
        kind = "estimated " if metric.estimated else ""
        if metric.value is None:
            problems.append(f"{kind}{name} could not be computed (no labelled rows, or one class only); {judgement}")
            continue
        for side, bound in sorted(limits.items(), reverse=True):
            if side == "min" and metric.value < bound:
                problems.append(f"{kind}{name} is {metric.value:.4g}, below the floor of {bound:g}; {judgement}")
            elif side == "max" and metric.value > bound:
                problems.append(f"{kind}{name} is {metric.value:.4g}, above the ceiling of {bound:g}; {judgement}")
    return problems


def _bounds_from_keywords(keywords: Mapping[str, float]) -> dict[str, dict[str, float]]:
    """{"accuracy__min": 0.85, "rmse__max": 3} -> {"accuracy": {"min": 0.85}, "rmse": {"max": 3}}."""
    bounds: dict[str, dict[str, float]] = {}
    for key, bound in keywords.items():
        suffix = next((s for s in BOUND_SUFFIXES if key.endswith(s)), None)
        if suffix is None or key == suffix:
            raise TypeError(
                f"assert_performance() takes bounds as <metric>__min or <metric>__max "
                f"(e.g. accuracy__min=0.85, rmse__max=2.5), got '{key}'"
            )
        if isinstance(bound, bool) or not isinstance(bound, int | float):
            raise TypeError(f"assert_performance(): the bound {key} must be a number, got {bound!r}")
        bounds.setdefault(key[: -len(suffix)], {})[BOUND_SUFFIXES[suffix]] = float(bound)
    return bounds


def check_expectations(
    result: RunResult,
    *,
    expect: str | None = None,
    drifted: Sequence[str] | None = None,
    not_drifted: Sequence[str] | None = None,
    violations: Sequence[str] | None = None,
) -> list[str]:
    """What differs from the expectations, one sentence each (empty when all hold)."""
    problems: list[str] = []
    if expect is not None and result.status != expect:
        problems.append(f"expected status {expect}, got {result.status}")
    actual = {f.name for f in result.drifted_features}
    names = {f.name for f in result.features}
    for feature in drifted or ():
        if feature not in names:
            problems.append(
                f"expected '{feature}' to drift, but the result has no "
                f"such feature (features: {', '.join(sorted(names))})"
            )
        elif feature not in actual:
            problems.append(f"expected '{feature}' to drift, but it did not:\n{_feature_table(result, [feature])}")
    for feature in not_drifted or ():
        if feature in actual:
            problems.append(f"expected '{feature}' not to drift, but it did:\n{_feature_table(result, [feature])}")
    found_types = {v.constraint_check_type for v in result.violations}
    for check in violations or ():
        if check not in found_types:
            problems.append(f"expected a {check} violation, found {', '.join(sorted(found_types)) or 'none'}")
    return problems


class DriftplaneFixture:
    """What the ``driftplane`` fixture gives a test: run monitors and assert on results."""

    def __init__(self, workdir: Path, rootdir: Path) -> None:
        self.workdir = workdir
        self.rootdir = rootdir

    def load(self, spec: str | Path | Spec) -> Spec:
        """A spec from a path (relative to the test run's root directory) or as given."""
        from driftplane.spec import Spec, load_spec

        if isinstance(spec, Spec):
            return spec
        path = Path(spec)
        return load_spec(path if path.is_absolute() else self.rootdir / path)

    def _data_path(self, data: Any) -> str:
        """A path for files (relative ones from the root directory, as specs), and a Parquet
        file in the test's temp dir for tables and frames."""
        if isinstance(data, str | Path):
            path = Path(data)
            return str(path if path.is_absolute() else self.rootdir / path)
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not isinstance(data, pa.Table):
            # a polars frame converts itself; a pandas frame goes through pyarrow
            data = data.to_arrow() if hasattr(data, "to_arrow") else pa.Table.from_pandas(data, preserve_index=False)
        path = self.workdir / f"data-{len(list(self.workdir.glob('data-*.parquet')))}.parquet"
        pq.write_table(data, path)
        return str(path)

    def run(self, spec: str | Path | Spec, monitor: str, data: Any) -> RunResult:
        """Run ``monitor``'s checks, with its baseline, against ``data`` (path, Arrow table, DataFrame).

        Relative paths of the spec and the data are both taken from pytest's root directory
        (where pytest.ini / pyproject.toml is), whatever the current directory.
        """
        from driftplane.engine.monitor import check_data
        from driftplane.resolved import resolve_monitor

        return check_data(resolve_monitor(self.load(spec), monitor), self._data_path(data))

    def assert_result(
        self,
        result: RunResult,
        *,
        expect: str | None = None,
        drifted: Sequence[str] | None = None,
        not_drifted: Sequence[str] | None = None,
        violations: Sequence[str] | None = None,
    ) -> None:
        """Fail with what differs (and the metrics behind it) unless every expectation holds."""
        __tracebackhide__ = True
        problems = check_expectations(
            result, expect=expect, drifted=drifted, not_drifted=not_drifted, violations=violations
        )
        if problems:
            raise MonitorCheckFailed(
                "\n".join(
                    ["the monitor's result is not as expected:", *(f"- {p}" for p in problems), describe_result(result)]
                )
            )

    def assert_no_drift(self, result: RunResult) -> None:
        """Fail, listing the drifted features and their metrics, if anything drifted."""
        __tracebackhide__ = True
        self.assert_result(result, drifted=None, not_drifted=[f.name for f in result.features])

    def assert_ok(self, result: RunResult) -> None:
        """Fail unless the run found neither drift nor violations."""
        __tracebackhide__ = True
        self.assert_result(result, expect="ok")

    def assert_performance(
        self,
        result: RunResult,
        *,
        judged: JudgedWord | Sequence[JudgedWord] | None = None,
        estimates: bool = False,
        **bounds: float,
    ) -> None:
        """Fail unless the model's quality holds: a performance floor (or ceiling) in CI.

        Bounds are keywords ``<metric>__min`` / ``<metric>__max`` (``accuracy__min=0.85``,
        ``rmse__max=2.5``); without any, every performance check of the spec must pass.
        ``judged="final"`` refuses provisional values; ``estimates=True`` accepts an estimate
        where no label has landed yet. The failure says the metric, its value, the bound and
        how the window was judged.
        """
        __tracebackhide__ = True
        problems = check_performance(result, _bounds_from_keywords(bounds), judged=judged, estimates=estimates)
        if problems:
            heading = "the model's quality is not as expected:"
            raise MonitorCheckFailed("\n".join([heading, *(f"- {p}" for p in problems), describe_result(result)]))


@pytest.fixture
def driftplane(tmp_path: Path, request: pytest.FixtureRequest) -> DriftplaneFixture:
    """Run a monitor of a spec against a file or a DataFrame and assert on the result."""
    return DriftplaneFixture(tmp_path, Path(str(request.config.rootpath)))


# --- test_*.driftplane.yaml files ------------------------------------------------------------


EXPECTATION_KEYS = ("expect", "drifted", "not_drifted", "violations", "performance")


class _Bound(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    min: float | None = Field(default=None, description="The metric must be at least this.")
    max: float | None = Field(default=None, description="The metric must be at most this.")


class _Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    monitor: str
    data: str = Field(description="The data to check, relative to the test file.")
    expect: Status | None = None
    drifted: list[str] = Field(default_factory=list)
    not_drifted: list[str] = Field(default_factory=list)
    violations: list[str] = Field(default_factory=list)
    performance: dict[str, _Bound] | None = Field(
        default=None,
        description="Per metric, min and/or max; {} asks that every performance check of the spec passes.",
    )
    judged: JudgedWord | None = Field(default=None, description="The judgement the window must have (final...).")
    estimates: bool = Field(default=False, description="Accept an estimate where no label has landed yet.")

    @property
    def has_expectations(self) -> bool:
        """A case without any can never fail, so it is refused rather than passed."""
        return (
            self.expect is not None
            or bool(self.drifted or self.not_drifted or self.violations)
            or self.performance is not None
            or self.judged is not None
        )

    @property
    def bounds(self) -> dict[str, dict[str, float]]:
        return {
            name: {side: value for side, value in (("min", b.min), ("max", b.max)) if value is not None}
            for name, b in (self.performance or {}).items()
        }


class _CaseFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    spec: str = Field(description="The spec whose monitors are tested, relative to the test file.")
    cases: list[_Case] = Field(min_length=1)


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.name.startswith("test_") and file_path.name.endswith(YAML_SUFFIX):
        return MonitorTestFile.from_parent(parent, path=file_path)
    return None


class CaseFileError(Exception):
    """The test file itself is wrong (a typo, a missing key): shown with its line."""


class CaseWithoutExpectations(CaseFileError):
    """A case that names no expectation: it would pass whatever the monitor found."""


class MonitorTestFile(pytest.File):
    """A test_*.driftplane.yaml file: one test item per case."""

    def collect(self) -> Iterator[pytest.Item]:
        from driftplane.spec.problems import problems_from_validation_error
        from driftplane.spec.yamlfile import read_yaml

        data, source, problems = read_yaml(self.path)
        if problems:
            raise self.CollectError("\n".join(str(p) for p in problems))
        try:
            parsed = _CaseFile.model_validate(data)
        except ValidationError as exc:
            found = problems_from_validation_error(exc, model=_CaseFile, data=data, source=source)
            raise self.CollectError("\n".join(str(p) for p in found)) from None
        for index, case in enumerate(parsed.cases):
            line = source.locate(("cases", index)) or (1, 1)
            yield MonitorCase.from_parent(self, name=case.name, case=case, spec_path=parsed.spec, line=line[0])

    class CollectError(Exception):
        pass

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, self.CollectError):
            return f"invalid driftplane test file:\n{excinfo.value}"
        return str(super().repr_failure(excinfo))


class MonitorCase(pytest.Item):
    """One case: run a monitor on some data and compare with the expected verdict."""

    def __init__(self, *, case: _Case, spec_path: str, line: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.spec_path = spec_path
        self.line = line

    def runtest(self) -> None:
        from driftplane.engine.monitor import check_data
        from driftplane.resolved import resolve_monitor
        from driftplane.spec import load_spec

        if not self.case.has_expectations:
            raise CaseWithoutExpectations(
                "the case has no expectation, so it would pass whatever the monitor finds; add at least "
                f"one of {', '.join(EXPECTATION_KEYS)} (e.g. 'expect: ok', or 'drifted: [a_feature]')"
            )
        folder = self.path.parent
        spec = load_spec(folder / self.spec_path)
        data = Path(self.case.data)
        result = check_data(resolve_monitor(spec, self.case.monitor), data if data.is_absolute() else folder / data)
        problems = check_expectations(
            result,
            expect=self.case.expect,
            drifted=self.case.drifted,
            not_drifted=self.case.not_drifted,
            violations=self.case.violations,
        )
        if self.case.performance is not None or self.case.judged is not None:
            problems += check_performance(
                result, self.case.bounds, judged=self.case.judged, estimates=self.case.estimates
            )
        if problems:
            raise MonitorCheckFailed("\n".join([*(f"- {p}" for p in problems), describe_result(result)]))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        from driftplane.errors import DriftplaneError

        where = f"{self.path}:{self.line}: case '{self.case.name}'"
        if isinstance(excinfo.value, MonitorCheckFailed):
            return f"{where}: the monitor's result is not as expected\n{excinfo.value}"
        if isinstance(excinfo.value, DriftplaneError | CaseFileError):
            return f"{where}: {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.line - 1, f"{self.case.monitor}: {self.case.name}"
