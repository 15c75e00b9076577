"""A monitor's model quality as SageMaker Model Monitor's model-quality job, and its baseline files.

SageMaker judges model quality in its own job (a ground-truth merge, then the analysis): a
``ModelQuality`` monitoring schedule running a model-quality job definition that reads the
captured inferences (or batch transform output) of a span set by ``StartTimeOffset`` and
``EndTimeOffset``, joins them to the ground-truth JSONL under ``GroundTruthS3Input`` by
``eventId``, and publishes each metric under its statistics.json name. driftplane writes the
model-quality statistics.json and constraints.json from the labelled baseline (the thresholds
are the checks' own, relative bounds resolved against the baseline's value by core's
``MetricCheck.threshold``), and the offsets say driftplane's judgement rule: a window is judged
once ``labels.wait`` has passed since its end.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from driftplane.engine.performance.sagemaker_quality import (
    QualityConstraint,
    QualityConstraints,
    constraints_document,
    statistics_document,
    statistics_from_accumulator,
)
from driftplane.provider import Request
from driftplane.resolved import ResolvedMonitor
from driftplane_aws import names
from driftplane_aws.analyzer import analyzer_image
from driftplane_aws.translate import OUTPUT, Translator, fixed_prefix

ENDPOINT_NAMESPACE = "aws/sagemaker/Endpoints/model-metrics"
BATCH_NAMESPACE = "aws/sagemaker/ModelMonitoring/model-metrics"
PROBLEM_TYPES = {"binary": "BinaryClassification", "multiclass": "MulticlassClassification", "regression": "Regression"}
# driftplane's metrics that SageMaker's analyzer computes and publishes under the same name (its statistics keys).
SAGEMAKER_METRICS: dict[str, tuple[str, ...]] = {
    "binary": (
        "accuracy",
        "precision",
        "recall",
        "f1",
        "f0_5",
        "f2",
        "auc",
        "true_positive_rate",
        "true_negative_rate",
        "false_positive_rate",
        "false_negative_rate",
    ),
    "multiclass": ("accuracy", "weighted_precision", "weighted_recall", "weighted_f1"),
    "regression": ("mae", "mse", "rmse", "r2"),
}
# What a check's direction becomes in constraints.json and in an alarm: the value fails below a min, above a max.
OPERATORS = {"min": "LessThanThreshold", "max": "GreaterThanThreshold"}


def has_model_quality(monitor: ResolvedMonitor) -> bool:
    """Whether the monitor's model quality becomes SageMaker's model-quality job: a model whose labels land
    (with checks or not: SageMaker publishes every metric it computes, as a local run reports them)."""
    policy = monitor.performance
    return policy is not None and policy.enabled and policy.labels is not None


def iso_offset(span: timedelta) -> str:
    """A negative ISO 8601 duration SageMaker takes as an offset (``-P8D``, ``-PT36H``); ValueError past hours."""
    seconds = int(span.total_seconds())
    if span < timedelta(0) or seconds != span.total_seconds() or seconds % 3600:
        raise ValueError(f"{span} is not a whole number of hours")
    if seconds % 86400 == 0:
        return f"-P{seconds // 86400}D"
    return f"-PT{seconds // 3600}H"


def offsets(monitor: ResolvedMonitor) -> tuple[str, str]:
    """StartTimeOffset and EndTimeOffset: the schedule's period that ended ``wait`` ago.

    A run at tick T judges [T - wait - period, T - wait): the window driftplane would judge
    final at T whatever its coverage. ValueError when wait or the period is not whole hours.
    """
    policy = monitor.performance
    assert policy is not None
    wait, period = policy.wait.fixed, monitor.windows.period
    if policy.wait.months or wait.total_seconds() % 3600:
        raise ValueError(f"labels.wait is {policy.wait.text or wait}")
    if period.total_seconds() % 3600:
        raise ValueError(f"the schedule's period is {period}")
    return iso_offset(wait + period), iso_offset(wait)


def attribute(column: str, columns: list[str] | None) -> str:
    """Where SageMaker finds a model output: its position in the captured CSV row (the baseline's columns
    by position, the endpoint output first), or its name (a JSON key) when the columns are not positional."""
    if columns is None:
        return column
    if column not in columns:
        raise ValueError(f"the baseline has no column '{column}' (its columns: {', '.join(columns)})")
    return str(columns.index(column))


@dataclass
class QualityFiles:
    """The model-quality statistics.json (None without a labelled baseline) and constraints.json, as text,
    and the baseline's metric values (what relative bounds are resolved against)."""

    statistics: str | None
    constraints: str
    baseline: dict[str, float | None] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)  # checks whose relative threshold has no baseline value


def quality_files(monitor: ResolvedMonitor) -> QualityFiles:
    """Render the model-quality files from the labelled baseline's rows (read with driftplane's engine)."""
    from driftplane.engine.performance.baseline import labelled_baseline_accumulator

    policy = monitor.performance
    assert policy is not None
    accumulator, _ = labelled_baseline_accumulator(monitor) if policy.baseline_label else (None, [])
    statistics = statistics_from_accumulator(accumulator) if accumulator is not None else None
    baseline = statistics.values() if statistics is not None else {}
    constraints: dict[str, QualityConstraint] = {}
    unresolved = []
    for check in policy.checks:
        threshold = check.threshold(baseline.get(check.metric))
        if threshold is None:
            unresolved.append(check.metric)
            continue
        constraints[check.metric] = QualityConstraint(threshold, OPERATORS[check.direction])
    document = constraints_document(QualityConstraints(policy.problem_type, constraints))
    return QualityFiles(
        statistics=_text(statistics_document(statistics)) if statistics is not None else None,
        constraints=_text(document),
        baseline=baseline,
        unresolved=unresolved,
    )


def _text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2) + "\n"


class QualityTranslator:
    """The model-quality requests of one monitor (model-monitor backend)."""

    def __init__(self, translator: Translator) -> None:
        self.t = translator

    def statistics_uri(self, monitor: str) -> str:
        return self.t.baseline_uri(monitor, "model-quality/statistics.json")

    def constraints_uri(self, monitor: str) -> str:
        return self.t.baseline_uri(monitor, "model-quality/constraints.json")

    def reports_uri(self, monitor: str) -> str:
        return self.t.output_uri(monitor, "model-quality-reports")

    def schedule_name(self, monitor: str) -> str:
        return names.quality_schedule_name(self.t.prefix, monitor)

    def job_input(self, monitor: str, columns: list[str] | None) -> dict[str, Any]:
        """EndpointInput or BatchTransformInput with the model's attributes and the judged span's offsets.

        columns: the baseline's columns when the captured rows are matched to them by position
        (an endpoint's CSV capture); None when outputs are found by name.
        """
        resolved = self.t.monitor(monitor)
        policy = resolved.performance
        assert policy is not None
        base = self.t.job_input(monitor)
        kind, body = next(iter(base.items()))
        body = dict(body)
        if policy.prediction is not None:
            body["InferenceAttribute"] = attribute(policy.prediction, columns)
        if isinstance(policy.probability, str):
            body["ProbabilityAttribute"] = attribute(policy.probability, columns)
            if policy.problem_type == "binary":
                body["ProbabilityThresholdAttribute"] = float(policy.threshold)
        start, end = offsets(resolved)
        body["StartTimeOffset"] = start
        body["EndTimeOffset"] = end
        labels = policy.labels
        assert labels is not None and labels.data is not None
        return {kind: body, "GroundTruthS3Input": {"S3Uri": fixed_prefix(labels.data)}}

    def job_definition(self, monitor: str, columns: list[str] | None) -> tuple[str, Request]:
        """CreateModelQualityJobDefinition (immutable: its name carries a hash of its content)."""
        policy = self.t.monitor(monitor).performance
        assert policy is not None
        output: dict[str, Any] = {
            "MonitoringOutputs": [
                {"S3Output": {"S3Uri": self.reports_uri(monitor), "LocalPath": OUTPUT, "S3UploadMode": "Continuous"}}
            ]
        }
        if self.t.settings.output_kms_key_id:
            output["KmsKeyId"] = self.t.settings.output_kms_key_id
        body: dict[str, Any] = {
            "ModelQualityBaselineConfig": {"ConstraintsResource": {"S3Uri": self.constraints_uri(monitor)}},
            "ModelQualityAppSpecification": {
                "ImageUri": analyzer_image(self.t.account.region),
                "ProblemType": PROBLEM_TYPES[policy.problem_type],
                "Environment": {"publish_cloudwatch_metrics": "Enabled"},
            },
            "ModelQualityJobInput": self.job_input(monitor, columns),
            "ModelQualityJobOutputConfig": output,
            "JobResources": self.t.cluster(),
            "RoleArn": self.t.role(),
            "StoppingCondition": self.t.stopping(),
        }
        network = self.t.network()
        if network:
            body["NetworkConfig"] = network
        name = names.quality_job_definition_name(self.t.prefix, monitor, json.dumps(body, sort_keys=True))
        return name, Request(
            api="sagemaker",
            operation="CreateModelQualityJobDefinition",
            body={"JobDefinitionName": name, **body, "Tags": names.tag_list(self.t.tags(monitor))},
        )

    def schedule_config(self, monitor: str, job_definition: str) -> dict[str, Any]:
        config = self.t.schedule_config(monitor, job_definition)
        return {**config, "MonitoringType": "ModelQuality"}

    def create_schedule(self, monitor: str, job_definition: str) -> Request:
        return Request(
            api="sagemaker",
            operation="CreateMonitoringSchedule",
            body={
                "MonitoringScheduleName": self.schedule_name(monitor),
                "MonitoringScheduleConfig": self.schedule_config(monitor, job_definition),
                "Tags": names.tag_list(self.t.tags(monitor)),
            },
        )

    def update_schedule(self, monitor: str, job_definition: str) -> Request:
        return Request(
            api="sagemaker",
            operation="UpdateMonitoringSchedule",
            body={
                "MonitoringScheduleName": self.schedule_name(monitor),
                "MonitoringScheduleConfig": self.schedule_config(monitor, job_definition),
            },
        )

    def dimensions(self, monitor: str) -> tuple[str, list[dict[str, str]]]:
        """Namespace and dimensions SageMaker publishes the model-quality metrics under."""
        target = self.t.monitor(monitor).target
        schedule = {"Name": "MonitoringSchedule", "Value": self.schedule_name(monitor)}
        if target.endpoint:
            return ENDPOINT_NAMESPACE, [{"Name": "Endpoint", "Value": target.endpoint}, schedule]
        return BATCH_NAMESPACE, [schedule]
