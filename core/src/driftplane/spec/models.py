"""The spec as pydantic models: what a monitors.yaml file may say, and its defaults.

These are the objects ``load_spec`` returns and the objects teams build in code
(``dp.Monitor(...)``). Every model is frozen and rejects unknown keys, so a typo is an
error with a suggestion, never a silently ignored setting. Building a model in code raises
the same ``SpecError`` (with key paths) that loading a file does (with lines and columns).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path as FilePath
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic._internal._model_construction import ModelMetaclass
from pydantic.config import JsonDict
from pydantic.json_schema import JsonSchemaValue

from driftplane import drift_metrics
from driftplane.result import Kind
from driftplane.spec.durations import Duration
from driftplane.spec.engines import Engine
from driftplane.spec.names import MAX_NAME_LENGTH, NAME_JSON_PATTERN, check_name
from driftplane.spec.names import (
    NAME_PATTERN as NAME_PATTERN,  # re-exported: providers check names with it
)
from driftplane.spec.names import NAME_RULE as NAME_RULE
from driftplane.spec.performance_metrics import ALL_PERFORMANCE_METRICS
from driftplane.spec.schedules import Schedule

FORMATS = ("auto", "csv", "parquet", "jsonl", "sagemaker-capture")
Format = Literal["auto", "csv", "parquet", "jsonl", "sagemaker-capture"]
LabelFormat = Literal["auto", "csv", "parquet", "jsonl", "sagemaker-ground-truth"]
ProblemType = Literal["binary", "multiclass", "regression"]
Judgement = Literal["final", "provisional", "estimate"]

CHECK_TYPES = (
    "data_type_check",
    "completeness_check",
    "baseline_drift_check",
    "missing_column_check",
    "extra_column_check",
    "categorical_values_check",
)
CheckType = Literal[
    "data_type_check",
    "completeness_check",
    "baseline_drift_check",
    "missing_column_check",
    "extra_column_check",
    "categorical_values_check",
]


# Monitor and channel names as mapping keys, checked by the one rule in spec.names.
MonitorName = Annotated[str, AfterValidator(lambda name: check_name(name, "monitor"))]
ChannelName = Annotated[str, AfterValidator(lambda name: check_name(name, "channel"))]
# In JSON Schema the rule goes on the mapping's keys (a key pattern alone would let others pass).
_NAMES_SCHEMA: JsonDict = {"propertyNames": {"pattern": NAME_JSON_PATTERN, "maxLength": MAX_NAME_LENGTH}}


class _SpecModelMeta(ModelMetaclass):
    """Turns pydantic's ValidationError into SpecError when a model is built in code.

    Done in the metaclass rather than ``__init__`` because pydantic calls an overridden
    ``__init__`` for every nested model too, which would nest errors inside errors.
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        from driftplane.errors import SpecError
        from driftplane.spec.problems import problems_from_validation_error

        try:
            instance = super().__call__(*args, **kwargs)
        except ValidationError as exc:
            raise SpecError(problems_from_validation_error(exc, model=cls, data=kwargs)) from None  # type: ignore[arg-type]
        instance._check_built()
        return instance


class SpecModel(BaseModel, metaclass=_SpecModelMeta):
    """Base of every spec model: frozen, strict about keys, SpecError on bad input.

    Numbers must be finite: YAML reads .inf and .nan as floats, and a threshold of .inf never
    fires while a bound of .nan compares false with everything, so either would turn a check off.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=False, allow_inf_nan=False)

    def _check_built(self) -> None:
        """Checks that need the whole object, run after building in code (none by default)."""


def normalize_metric(value: Any) -> Any:
    """driftplane's name for a metric name, checked against the registered metrics (driftplane.drift_metrics);
    names that mean a p-value elsewhere are refused with the name to use."""
    return drift_metrics.known_metric(drift_metrics.canonical_metric(value))


class _RegisteredMetrics:
    """A metric name's JSON Schema: every metric registered when the schema is made, plugins' too."""

    documented = tuple(metric.name for metric in drift_metrics.BUILT_IN)  # what the YAML reference lists

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"enum": list(drift_metrics.names()), "type": "string"}


# A metric's name (checked by ``normalize_metric``, which every model with one applies first).
Metric = Annotated[str, _RegisteredMetrics()]


def _utc(value: datetime) -> datetime:
    """Times without an offset are UTC; everything is compared in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _date_to_datetime(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value


UtcDatetime = Annotated[datetime, BeforeValidator(_date_to_datetime), AfterValidator(_utc)]


class FixedWindow(SpecModel):
    """An explicit time range, for one-off comparisons or a fixed reference period."""

    start: UtcDatetime = Field(description="Inclusive start (ISO 8601; UTC when no offset is given).")
    end: UtcDatetime = Field(description="Exclusive end.")

    @model_validator(mode="after")
    def _ordered(self) -> FixedWindow:
        if self.end <= self.start:
            raise ValueError(f"end {self.end.isoformat()} is not after start {self.start.isoformat()}")
        return self


BAD_RECORDS_SHARE = re.compile(r"^(\d+(?:\.\d+)?)\s*%$")
BAD_RECORDS_HELP = "a count of records (100) or a share of the records read ('0.5%')"
DEFAULT_MAX_BAD_RECORDS = 100


def _bad_record_limit(value: Any) -> Any:
    """``max_bad_records``: a count (``100``, BigQuery's maxBadRecords) or a share (``'0.5%'``)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"must be {BAD_RECORDS_HELP}, not {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"must be 0 or more, not {value}; 0 fails a read at its first malformed record")
        return value
    text = value.strip()
    if text.isdigit():
        return int(text)
    share = BAD_RECORDS_SHARE.match(text)
    if share is None:
        raise ValueError(f"must be {BAD_RECORDS_HELP}, not {value!r}")
    if float(share.group(1)) > 100:
        raise ValueError(f"a share is at most 100%, not {text}")
    return f"{share.group(1)}%"


BadRecordLimit = Annotated[int | str, BeforeValidator(_bad_record_limit)]


class DataSource(SpecModel):
    """Where data is and how to read it; shared by Baseline and Target."""

    data: str | None = Field(
        default=None,
        description=(
            "A file, directory or glob, local or remote (s3://, gs://, az://). May contain "
            "partition fields such as {timestamp:yyyy}/{timestamp:MM}/{timestamp:dd} that give "
            "a virtual timestamp column."
        ),
        examples=["data/train.parquet", "capture/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.jsonl"],
    )
    format: Format = Field(
        default="auto",
        description="csv, parquet, jsonl or sagemaker-capture; auto decides from the file extension.",
    )
    header: bool = Field(
        default=True,
        description=(
            "CSV only: whether the first row names the columns. Headerless columns take the names of the "
            "baseline's columns by position, every one counted (those the monitor leaves out keep their place)."
        ),
    )
    delimiter: str = Field(default=",", min_length=1, max_length=1, description="CSV only: the field separator.")
    columns: list[str] | None = Field(
        default=None,
        description="Column names for headerless data, in order; default: the baseline's names.",
    )
    timestamp_column: str | None = Field(
        default=None,
        description="A column holding each row's time, used to select windows (instead of partition fields).",
    )
    storage_options: dict[str, Any] = Field(
        default_factory=dict,
        description="Options passed to fsspec for remote data, e.g. {anon: true} or a profile name.",
    )
    max_bad_records: BadRecordLimit = Field(
        default=DEFAULT_MAX_BAD_RECORDS,
        description=(
            "Malformed records (a CSV row with the wrong number of fields, a line that is not JSON, "
            "an unreadable capture record) are skipped, counted and named by file and line in the "
            "result's notes; past this many the read fails. A count (0: fail at the first) or a share "
            "of the records read ('0.5%')."
        ),
    )


class Baseline(DataSource):
    """The reference a target is compared with: a dataset, SageMaker files, or the target itself earlier."""

    lag: Duration | None = Field(
        default=None,
        description="Seasonal comparison: use the target's own data this long before the window (1y, 7d).",
    )
    statistics: str | None = Field(
        default=None,
        description="A SageMaker statistics.json to use as the baseline instead of data.",
    )
    constraints: str | None = Field(
        default=None,
        description="A SageMaker constraints.json; default: suggested from the baseline, as SageMaker does.",
    )
    window: FixedWindow | None = Field(
        default=None, description="Only use baseline rows in this time range (needs a timestamp)."
    )
    job: Literal["driftplane", "sagemaker"] = Field(
        default="driftplane",
        description="aws provider: who computes the baseline files. sagemaker runs SageMaker's own baselining job.",
    )
    label: str | None = Field(
        default=None,
        description=(
            "Model quality: the baseline's column of true labels (values); its rows also carry the model's "
            "prediction and probability columns. Gives the baseline's metrics and fits the estimates."
        ),
    )

    @model_validator(mode="after")
    def _one_source(self) -> Baseline:
        given = [k for k in ("data", "lag", "statistics") if getattr(self, k) is not None]
        if not given:
            raise ValueError(
                "needs one of 'data' (a dataset), 'statistics' (a SageMaker statistics.json) "
                "or 'lag' (the target itself, earlier)"
            )
        if len(given) > 1:
            raise ValueError(f"takes one of 'data', 'statistics' or 'lag', not {' and '.join(repr(g) for g in given)}")
        return self


class Target(DataSource):
    """The data being watched, read one window at a time."""

    window: Duration | FixedWindow | None = Field(
        default=None,
        description="How much recent data each run reads (1h, 1d, 7d) or a "
        "fixed {start, end}; default: the schedule's period.",
    )
    latency: Duration | None = Field(
        default=None,
        description="How late data arrives; a run at time T reads the window ending at T minus this.",
    )
    endpoint: str | None = Field(
        default=None,
        description="Cloud providers: watch this model endpoint's captured traffic instead of a path.",
    )
    capture_output: Literal["start", "end", "ignore"] = Field(
        default="start",
        description=(
            "sagemaker-capture only: where the endpoint's output columns go when matching the "
            "baseline's columns by position (SageMaker puts them first)."
        ),
    )

    @model_validator(mode="after")
    def _has_data(self) -> Target:
        if self.data is None and self.endpoint is None:
            raise ValueError("needs 'data' (a path, glob or URI) or 'endpoint' (a model endpoint)")
        return self


class Model(SpecModel):
    """What a monitor knows of the model whose quality it watches (docs/model-quality.md)."""

    problem_type: ProblemType = Field(description="binary, multiclass or regression.")
    prediction: str | None = Field(
        default=None,
        description=(
            "The column holding the predicted label (or value). Optional for binary when probability is "
            "given: the prediction is then probability >= threshold."
        ),
    )
    probability: str | dict[str, str] | None = Field(
        default=None,
        description=(
            "binary: the column with the positive class's probability; multiclass: a mapping "
            "{class: column}. Not for regression."
        ),
    )
    positive_label: str | int | float | bool = Field(
        default=1, description="binary: the positive class, compared as text with the labels as written."
    )
    threshold: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description=(
            "binary: the probability at or above which the prediction is positive (when prediction is not given)."
        ),
    )
    id: str | None = Field(
        default=None,
        description=(
            "The column joining predictions to labels; sagemaker-capture targets use eventMetadata.inferenceId, "
            "else eventMetadata.eventId."
        ),
    )


class Labels(DataSource):
    """Ground truth that arrives after the predictions, joined to them by id."""

    format: LabelFormat = Field(  # type: ignore[assignment]
        default="auto",
        description=(
            "csv, parquet, jsonl or sagemaker-ground-truth (SageMaker's groundTruthData records); auto decides "
            "from the file extension and detects ground-truth records."
        ),
    )
    id: str | None = Field(
        default=None,
        description="The labels' id column; default: model.id (sagemaker-ground-truth: eventMetadata.eventId).",
    )
    label: str | None = Field(
        default=None,
        description="The column with the true label or value (sagemaker-ground-truth: groundTruthData.data).",
    )
    wait: Duration = Field(
        default=Duration.parse("1d"),
        description=(
            "How long labels may take: a window's judgement is final once this has passed since its end "
            "(or once min_coverage is reached); until then it is provisional and re-judged as labels land."
        ),
    )
    min_coverage: float = Field(
        default=1.0,
        gt=0,
        le=1,
        description="A window is final once this share of its predictions is labelled (0 < share <= 1).",
    )
    search: Duration | None = Field(
        default=None,
        description=(
            "How far past a window's end label files are read (labels are dated by arrival); default: wait."
        ),
    )


class PerformanceBound(SpecModel):
    """One metric's bound: absolute (min, max) or relative to the labelled baseline."""

    min: float | None = Field(default=None, description="Fail when the metric is below this.")
    max: float | None = Field(default=None, description="Fail when the metric is above this.")
    below_baseline_by: float | None = Field(
        default=None, ge=0, description="Fail when the metric is more than this below the baseline's value."
    )
    above_baseline_by: float | None = Field(
        default=None, ge=0, description="Fail when the metric is more than this above the baseline's value."
    )

    @model_validator(mode="after")
    def _one_bound(self) -> PerformanceBound:
        given = [k for k in ("min", "max", "below_baseline_by", "above_baseline_by") if getattr(self, k) is not None]
        if len(given) != 1:
            found = f"not {' and '.join(repr(g) for g in given)}" if given else "none is given"
            raise ValueError(f"takes exactly one of 'min', 'max', 'below_baseline_by' or 'above_baseline_by'; {found}")
        return self


class PerformanceChecks(SpecModel):
    """Model-quality checks: a bound per metric, and whether to estimate before labels land."""

    enabled: bool = True
    metrics: dict[str, PerformanceBound] = Field(
        default_factory=dict,
        description=(
            "Per metric name (accuracy, auc, rmse, ...; docs/model-quality.md): min / max, or below_baseline_by / "
            "above_baseline_by relative to the labelled baseline."
        ),
        json_schema_extra={"propertyNames": {"enum": list(ALL_PERFORMANCE_METRICS)}},
    )
    estimate: bool = Field(
        default=False,
        description=(
            "Estimate the metrics before labels land: CBPE for classification with probabilities, DLE for "
            "regression (needs driftplane[estimate]). Fitted on the labelled baseline."
        ),
    )


class MetricRule(SpecModel):
    """A drift metric and the distance above which a feature counts as drifted."""

    metric: Metric
    threshold: float = Field(gt=0, description="Distance above which the feature has drifted.")

    _normalize = field_validator("metric", mode="before")(normalize_metric)


class FeatureRule(SpecModel):
    """Per-feature overrides of the drift check."""

    enabled: bool = True
    metric: Metric | None = None
    threshold: float | None = Field(default=None, gt=0)
    kind: Literal["numerical", "categorical"] | None = Field(
        default=None, description="Treat the column as this kind (e.g. integer codes as categorical)."
    )

    _normalize = field_validator("metric", mode="before")(normalize_metric)


class DriftChecks(SpecModel):
    """Distribution drift per feature, decided by distance metrics and fixed thresholds."""

    enabled: bool = True
    numerical: MetricRule = Field(
        default_factory=lambda: MetricRule(metric=drift_metrics.DEFAULTS["numerical"], threshold=0.1),
        description="Metric and threshold for numerical features (default normalized Wasserstein, 0.1).",
    )
    categorical: MetricRule = Field(
        default_factory=lambda: MetricRule(metric=drift_metrics.DEFAULTS["categorical"], threshold=0.1),
        description="Metric and threshold for categorical features (default Jensen-Shannon distance, 0.1).",
    )
    features: dict[str, FeatureRule] = Field(default_factory=dict, description="Per-feature overrides.")
    noise_correction: bool = Field(
        default=True,
        description=(
            "Raise a feature's effective threshold above the configured one when the samples are "
            "too small to tell drift from noise; never lowers it. Both are reported."
        ),
    )
    classifier: bool = Field(
        default=False,
        description="Also compute a dataset-level domain-classifier drift magnitude (needs driftplane[classifier]).",
    )
    bins: int = Field(
        default=20,
        ge=2,
        le=1000,
        description=(
            "Equal-width bins over the baseline's range for numerical features: used by the histogram "
            "metrics (jensen_shannon, psi, hellinger) and the reported histograms. The target is counted "
            "on the baseline's bins."
        ),
    )

    @model_validator(mode="after")
    def _metric_kinds(self) -> DriftChecks:
        rules: tuple[tuple[Kind, MetricRule], ...] = (("numerical", self.numerical), ("categorical", self.categorical))
        for kind, rule in rules:
            metric = drift_metrics.get(rule.metric)
            if not metric.applies_to(kind):
                other = "categories" if kind == "numerical" else "numbers"
                raise ValueError(
                    f"{kind}.metric '{rule.metric}' applies to {other} only; "
                    f"{kind} metrics are {', '.join(drift_metrics.names(kind))}"
                )
        return self


class QualityChecks(SpecModel):
    """SageMaker-compatible data-quality checks; thresholds as SageMaker's monitoring_config."""

    enabled: bool = True
    data_type_threshold: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="data_type_check: the share of values that must have the "
        "baseline's type (SageMaker datatype_check_threshold).",
    )
    domain_content_threshold: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="categorical_values_check: the share of values that must be among the baseline's categories.",
    )
    completeness: bool = Field(default=True, description="completeness_check: flag a rise in missing values.")
    columns: bool = Field(default=True, description="missing_column_check and extra_column_check.")
    comparison_method: Literal["robust", "simple"] = Field(
        default="robust",
        description="baseline_drift_check (SageMaker's L-infinity check): "
        "Robust corrects for sample size, Simple does not.",
    )
    comparison_threshold: float = Field(
        default=0.1, gt=0, le=1, description="baseline_drift_check threshold for numerical features."
    )
    categorical_comparison_threshold: float = Field(
        default=0.1, gt=0, le=1, description="baseline_drift_check threshold for categorical features."
    )


class Checks(SpecModel):
    """What a monitor checks."""

    drift: DriftChecks = Field(default_factory=DriftChecks)
    quality: QualityChecks = Field(default_factory=QualityChecks)
    performance: PerformanceChecks | None = Field(
        default=None, description="Model quality (needs model and labels, or estimate)."
    )


class FeatureSelection(SpecModel):
    """Which columns a monitor looks at and how to treat them."""

    include: list[str] | None = Field(default=None, description="Only these columns (default: all).")
    exclude: list[str] = Field(
        default_factory=list,
        description="Never these columns (ids, labels, timestamps). Headerless "
        "data matched by position still counts their place.",
    )
    categorical: list[str] = Field(
        default_factory=list,
        description="Treat these as categorical whatever their type (a column may not also be in numerical).",
    )
    numerical: list[str] = Field(
        default_factory=list,
        description="Treat these as numerical (a column may not also be in categorical).",
    )


class ChannelSpec(BaseModel):
    """An alert channel: a type (webhook, slack, email, log, or a plugin's) and its settings.

    The settings are checked by the channel type's own model once plugins are loaded.
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    type: str = Field(description="webhook, slack, email, log, or a channel type a plugin registers.")

    @property
    def settings(self) -> dict[str, Any]:
        """The channel's settings without ``type``."""
        return dict(self.model_extra or {})


ChannelRef = Annotated[
    str | ChannelSpec,
    Field(
        description=(
            "A channel named under 'channels', a shorthand such as email:ml@example.com, "
            "webhook:https://..., slack:https://... or log, or an inline {type: ..., ...}."
        )
    ),
]

AlertCondition = Literal["drift", "violation", "metric", "failure", "performance", "prediction_drift"]


class Alert(SpecModel):
    """A condition over a monitor's result and the channels to notify when it starts and resolves."""

    name: str | None = Field(default=None, description="Shown in notifications; default: derived from the condition.")
    when: AlertCondition = Field(
        description=(
            "drift: features drifted; violation: data-quality violations; "
            "metric: a feature's metric above or below a value; failure: the run itself failed; "
            "performance: a model-quality check failed; prediction_drift: the model's output drifted."
        )
    )
    min_features: int = Field(default=1, ge=1, description="drift: at least this many drifted features.")
    features: list[str] | None = Field(
        default=None, description="drift: only count these features (any of them drifting fires)."
    )
    check_types: list[CheckType] | None = Field(
        default=None, description="violation: only these constraint_check_types (default: any)."
    )
    feature: str | None = Field(default=None, description="metric: the feature whose metric is watched.")
    metric: Metric | None = Field(
        default=None, description="metric: which metric (default: the feature's drift metric)."
    )
    above: float | None = Field(default=None, description="metric: fire when the value is above this.")
    below: float | None = Field(default=None, description="metric: fire when the value is below this.")
    metrics: list[str] | None = Field(
        default=None, description="performance: only these metrics' checks (default: any)."
    )
    judged: Judgement | None = Field(
        default=None,
        description=(
            "performance: the least settled judgement that fires: final (default: labels complete), provisional "
            "(also while labels land) or estimate (also on estimates before labels)."
        ),
    )
    notify: list[ChannelRef] = Field(min_length=1, description="Where to send it.")

    _normalize = field_validator("metric", mode="before")(normalize_metric)

    @model_validator(mode="after")
    def _condition_fields(self) -> Alert:
        used = {
            "drift": {"min_features", "features"},
            "violation": {"check_types"},
            "metric": {"feature", "metric", "above", "below"},
            "failure": set(),
            "performance": {"metrics", "judged"},
            "prediction_drift": set(),
        }
        allowed = used[self.when]
        fields = type(self).model_fields
        foreign = sorted(
            key
            for key in set().union(*used.values())
            if key not in allowed and getattr(self, key) != fields[key].get_default(call_default_factory=True)
        )
        if foreign:
            raise ValueError(
                f"{', '.join(repr(k) for k in foreign)} does not apply when 'when' is {self.when}"
            )
        if self.when == "metric":
            if self.feature is None:
                raise ValueError("'feature' is needed when 'when' is metric")
            if self.above is None and self.below is None:
                raise ValueError("'above' or 'below' is needed when 'when' is metric")
        return self

    def describe(self) -> str:
        """A short human name for the condition, used when ``name`` is not given."""
        if self.name:
            return self.name
        if self.when == "drift":
            scope = f" among {', '.join(self.features)}" if self.features else ""
            return f"drift on at least {self.min_features} feature{'s' if self.min_features > 1 else ''}{scope}"
        if self.when == "violation":
            return "violations" + (f" ({', '.join(self.check_types)})" if self.check_types else "")
        if self.when == "metric":
            bounds = []
            if self.above is not None:
                bounds.append(f"above {self.above:g}")
            if self.below is not None:
                bounds.append(f"below {self.below:g}")
            return f"{self.feature} {self.metric or 'drift'} {' or '.join(bounds)}"
        if self.when == "performance":
            scope = f" ({', '.join(self.metrics)})" if self.metrics else ""
            return f"performance check failed{scope}"
        if self.when == "prediction_drift":
            return "prediction drift"
        return "run failed"


class Monitor(SpecModel):
    """A Baseline, a Target, the checks to run, a schedule and the alerts."""

    description: str | None = None
    baseline: Baseline
    target: Target
    features: FeatureSelection = Field(default_factory=FeatureSelection)
    model: Model | None = Field(default=None, description="The model whose quality is watched (docs/model-quality.md).")
    labels: Labels | None = Field(
        default=None, description="Ground truth arriving later, joined to the predictions by id (needs model)."
    )
    checks: Checks = Field(default_factory=Checks)
    schedule: Schedule = Field(
        default=Schedule.parse("daily"), description="hourly, daily, weekly or a 5-field cron expression (UTC)."
    )
    alerts: list[Alert] = Field(default_factory=list)
    tags: dict[str, str] = Field(
        default_factory=dict, description="Added to everything a provider creates for this monitor."
    )
    enabled: bool = True
    engine: Engine = Field(
        default="local",
        description=(
            "Where profiles are computed: local (this process, streaming with pyarrow) or spark "
            "(Apache Spark: the active session under spark-submit or on Databricks, else a local one; "
            "needs driftplane[spark] and Java). Results are the same; spark is for data that outgrows "
            "one machine, and also reads Delta tables and catalog tables (data: table:db.name)."
        ),
    )

    REQUIRED_HINTS: ClassVar[dict[str, str]] = {
        "baseline": "the reference data, e.g. baseline: {data: data/train.parquet}",
        "target": "the data to watch, e.g. target: {data: 'capture/*.jsonl', window: 1d}",
    }


class Spec(SpecModel):
    """A whole monitors.yaml: the provider, its settings, shared channels and the monitors."""

    version: Literal[1] = Field(default=1, description="Spec format version.")
    provider: str = Field(default="local", description="Which provider runs the monitors: local, aws, azure, gcp.")
    providers: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Settings per provider, checked by the provider's own model (see `driftplane schema`).",
    )
    channels: dict[ChannelName, ChannelSpec] = Field(
        default_factory=dict, description="Named alert channels that alerts refer to.", json_schema_extra=_NAMES_SCHEMA
    )
    monitors: dict[MonitorName, Monitor] = Field(
        min_length=1, description="The monitors, by name.", json_schema_extra=_NAMES_SCHEMA
    )
    tags: dict[str, str] = Field(default_factory=dict, description="Added to everything any monitor creates.")

    _source: Any = PrivateAttr(default=None)
    _resolved: dict[Any, Any] = PrivateAttr(default_factory=dict)

    @property
    def source(self) -> Any:
        """The SourceMap of the file this spec was loaded from (None when built in code)."""
        return self._source

    @property
    def resolved_cache(self) -> dict[Any, Any]:
        """Where ``driftplane.resolved.resolve_monitor`` keeps what it decided for this spec.

        ``model_copy`` shares private attributes, so a copy (``--engine``, a changed monitor)
        finds its original's cache here and starts its own.
        """
        if self._resolved.get("__owner__") is not self:
            self._resolved = {"__owner__": self}
        return self._resolved

    @property
    def base_dir(self) -> FilePath:
        """The directory relative data paths are resolved against: the spec file's, else cwd."""
        if self._source is not None and self._source.file:
            return FilePath(self._source.file).resolve().parent
        return FilePath.cwd()

    def _check_built(self) -> None:
        from driftplane.errors import SpecError
        from driftplane.spec.alert_checks import alert_problems
        from driftplane.spec.names import case_problems_in_data
        from driftplane.spec.references import reference_problems

        names = {"monitors": dict(self.monitors), "channels": dict(self.channels)}
        from driftplane.spec.performance_checks import performance_problems

        problems = (
            case_problems_in_data(names) + reference_problems(self) + alert_problems(self) + performance_problems(self)
        )
        if problems:
            raise SpecError(problems)

    def monitor(self, name: str) -> Monitor:
        """The named monitor, or a UsageError listing the names there are."""
        from driftplane.errors import UsageError
        from driftplane.spec.names import require_name, shown
        from driftplane.spec.problems import suggest_then

        try:
            return self.monitors[name]
        except KeyError:
            require_name(name, "monitor", known=self.monitors)
            raise UsageError(
                suggest_then(
                    f"no monitor named {shown(name)}", name, self.monitors, f"the spec has: {', '.join(self.monitors)}"
                )
            ) from None
