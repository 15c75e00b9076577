"""RunResult: what one execution of a monitor found, the same shape from every provider.

``run --json`` and ``compare --json`` print exactly ``RunResult.to_json()``; the cloud
providers read their service's results back into the same model, so a team can compare a
SageMaker run with a local run field for field.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

Status = Literal["ok", "drift", "violations", "drift_and_violations", "failed"]
Kind = Literal["numerical", "categorical"]
ProblemType = Literal["binary", "multiclass", "regression"]
Judged = Literal["final", "provisional", "estimated", "none"]

# Exit codes the CLI uses for a result's status.
STATUS_FOUND_NOTHING = "ok"


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Window(_Result):
    """The half-open time range [start, end) a run read."""

    start: datetime
    end: datetime


class Rows(_Result):
    """How many rows each side of the comparison had."""

    baseline: int
    target: int


class Drift(_Result):
    """One feature's drift: the metric, its value, the configured and the effective threshold."""

    metric: str
    value: float | None = Field(description="None when the metric could not be computed (e.g. no rows).")
    threshold: float = Field(description="The threshold the spec configured.")
    effective_threshold: float | None = Field(
        default=None,
        description="The threshold actually applied after correcting for sampling noise; never below threshold.",
    )
    drifted: bool


class FeatureResult(_Result):
    """Per-feature drift and summaries of both sides.

    ``baseline`` and ``target`` summaries share these keys (absent when not applicable):
    ``type`` (SageMaker inferred type: Integral, Fractional, String, Boolean, Unknown),
    ``count`` (present values), ``missing``, ``distinct`` (estimate);
    numerical: ``min``, ``max``, ``mean``, ``std``, ``quantiles`` ({"0.05": v, "0.25": v,
    "0.5": v, "0.75": v, "0.95": v}), ``histogram`` ({"edges": [k+1 floats], "counts": [k
    numbers]}, the same edges on both sides: the baseline's); categorical: ``categories``
    ({value: count} for the most frequent values, the rest summed under "__other__"), and
    ``categories_estimated`` (true when some of those counts are a sketch's estimates: the
    column has more distinct values than are counted exactly).
    """

    name: str
    kind: Kind
    drift: Drift | None = None
    baseline: dict[str, Any] = Field(default_factory=dict)
    target: dict[str, Any] = Field(default_factory=dict)


# A float printed by repr: five or more decimals ("94.69999999999999", "1.2345678e-05").
_REPR_FLOAT = re.compile(r"(?<![\w.'\"])-?\d+\.\d{5,}(?:e[-+]?\d+)?(?![\w.'\"])")


def _rounded(number: float) -> str:
    """Four significant digits, at least one decimal place kept when needed: 94.7, 0.9185, 12345.7."""
    if number == 0 or not math.isfinite(number):
        return repr(number)
    decimals = max(1, 3 - math.floor(math.log10(abs(number))))
    return f"{number:.{decimals}f}".rstrip("0").rstrip(".")


def readable_numbers(text: str) -> str:
    """``text`` with float-repr numbers rounded, for people; machine files keep the raw text."""
    return _REPR_FLOAT.sub(lambda match: _rounded(float(match.group(0))), text)


class Violation(_Result):
    """A data-quality violation, field for field as SageMaker's constraint_violations.json."""

    feature_name: str
    constraint_check_type: str
    description: str

    @property
    def readable_description(self) -> str:
        """The description for people: SageMaker's text prints raw floats (94.69999999999999%)."""
        return readable_numbers(self.description)


class PerformanceMetric(_Result):
    """One model-quality metric of a window: realised from labels, or estimated before they land."""

    name: str = Field(description="driftplane's metric name (accuracy, auc, rmse, ...; docs/model-quality.md).")
    value: float | None = Field(description="None when undefined (no rows, one class for auc).")
    baseline: float | None = Field(default=None, description="The same metric on the labelled baseline.")
    lower: float | None = Field(
        default=None,
        description="Estimates: the band's lower end (value - 3 sampling errors, clipped to the metric's range).",
    )
    upper: float | None = Field(default=None, description="Estimates: the band's upper end.")
    estimated: bool = Field(default=False, description="True for CBPE/DLE estimates, false for values from labels.")
    threshold: float | None = Field(
        default=None,
        description="The absolute threshold the check applied (relative checks resolved against the baseline).",
    )
    direction: Literal["min", "max"] | None = Field(
        default=None, description="min: the value must stay at or above threshold; max: at or below."
    )
    failed: bool = Field(default=False, description="The value is past the threshold.")
    error_bound: float | None = Field(
        default=None,
        description="Approximate metrics (auc, pr_auc from the score histogram): "
        "the largest possible difference from the exact value.",
    )


class LabelCoverage(_Result):
    """How many of the window's predictions have a label so far."""

    predictions: int
    labelled: int
    share: float | None = Field(default=None, description="labelled / predictions; None without predictions.")


class CalibrationBin(_Result):
    """One reliability bin of a binary classifier's probabilities."""

    lower: float
    upper: float
    count: int
    mean_probability: float
    fraction_positive: float


class Performance(_Result):
    """A window's model quality: metrics, how they were judged, label coverage, confusion matrix."""

    problem_type: ProblemType
    judged: Judged = Field(
        description="final: labels complete (or the wait passed); provisional: more labels may land; "
        "estimated: no labels yet, CBPE/DLE values; none: nothing to judge."
    )
    coverage: LabelCoverage
    metrics: list[PerformanceMetric] = Field(default_factory=list)
    confusion_matrix: dict[str, dict[str, int | float]] | None = Field(
        default=None, description="Counts [actual][predicted], labels as text (expected counts when estimated)."
    )
    calibration: list[CalibrationBin] | None = None
    messages: list[str] = Field(default_factory=list)
    judged_at: datetime | None = Field(
        default=None,
        description=(
            "When the window was judged (labels landed by then): re-judged while this is before its end + wait."
        ),
    )

    @property
    def failed_metrics(self) -> list[PerformanceMetric]:
        return [m for m in self.metrics if m.failed]

    @property
    def realised(self) -> list[PerformanceMetric]:
        """The metrics computed from labels (not estimates)."""
        return [m for m in self.metrics if not m.estimated]

    @property
    def estimates(self) -> list[PerformanceMetric]:
        """The CBPE/DLE estimates."""
        return [m for m in self.metrics if m.estimated]

    @property
    def failed_final(self) -> bool:
        """A check failed on a final judgement: what a run's exit code counts (provisional and
        estimated failures are reported and alertable, but labels may still change them)."""
        return self.judged == "final" and any(m.failed for m in self.realised)


class RunResult(_Result):
    """One execution of a monitor: drift per feature, violations, a verdict."""

    monitor: str
    window: Window | None = None
    rows: Rows
    status: Status
    features: list[FeatureResult] = Field(default_factory=list)
    violations: list[Violation] = Field(default_factory=list)
    reports: dict[str, str] = Field(default_factory=dict)
    drift_share: float | None = Field(default=None, description="Share of checked features that drifted.")
    dataset_drift: dict[str, Any] | None = Field(
        default=None, description="Dataset-level measures such as the domain-classifier magnitude."
    )
    provider: str = "local"
    started_at: datetime | None = None
    duration_seconds: float | None = None
    messages: list[str] = Field(
        default_factory=list, description="Notes a person should read (skipped lines, empty columns)."
    )
    error: str | None = Field(default=None, description="Why the run failed, when status is failed.")
    performance: Performance | None = Field(
        default=None,
        description="Model quality of the window, for monitors that declare a model; left out of the JSON when unset.",
    )
    prediction_drift: list[FeatureResult] = Field(
        default_factory=list,
        description="Drift of the model's output columns, apart from the "
        "input features; left out of the JSON when empty.",
    )

    @model_serializer(mode="wrap")
    def _leave_out_unset(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Results of monitors without a model read exactly as before these fields existed."""
        data = handler(self)
        if isinstance(data, dict):
            if data.get("performance", 0) is None:
                del data["performance"]
            if data.get("prediction_drift", None) == []:
                del data["prediction_drift"]
        return data

    @property
    def drifted_features(self) -> list[FeatureResult]:
        """The features whose drift exceeded the effective threshold."""
        return [f for f in self.features if f.drift is not None and f.drift.drifted]

    @property
    def measured_features(self) -> list[FeatureResult]:
        """The features whose drift was measured: 'N of these' in every summary. A feature with
        no drift value (an identifier, a column without data) was not compared, so it does not
        count, and compare and run say the same count for the same data."""
        return [f for f in self.features if f.drift is not None and f.drift.value is not None]

    @property
    def found_something(self) -> bool:
        """True when the run found drift or violations, or a performance check failed on a final
        judgement (exit code 1)."""
        if self.performance is not None and self.status != "failed" and self.performance.failed_final:
            return True
        return self.status in ("drift", "violations", "drift_and_violations")

    @staticmethod
    def status_for(drift: bool, violations: bool) -> Status:
        """The status word for a combination of findings."""
        if drift and violations:
            return "drift_and_violations"
        if drift:
            return "drift"
        if violations:
            return "violations"
        return "ok"

    def to_json(self, **kwargs: Any) -> str:
        """The result JSON of DESIGN.md (``run --json``)."""
        return self.model_dump_json(indent=kwargs.pop("indent", 2), **kwargs)

    def _repr_html_(self) -> str:
        """Jupyter shows a result as its report, inline and self-contained (``driftplane.render_report``)."""
        from driftplane.local.report import notebook_html

        return notebook_html(self)
