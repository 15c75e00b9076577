"""What ``validate --provider aws`` finds: every spec part AWS cannot take, located in the file.

Nothing is called and no data is read (only the column names of a local baseline, to count
the features an alarm must combine): settings and monitors are checked against what each
service accepts, every decision of the resolved monitor that AWS cannot express as driftplane
means it is refused with the reason and the alternative (drift metrics SageMaker does not
compute, channels SNS cannot deliver, quality checks constraints.json cannot say), then every
request the spec becomes is checked strictly against botocore's service model (enums,
patterns, lengths, ranges), so a spec that validates also applies.
"""

from __future__ import annotations

import json
import re
from typing import Any

from driftplane import drift_metrics
from driftplane.alerting.delivery import channel_problems
from driftplane.errors import Problem
from driftplane.provider import Request
from driftplane.resolved import AlertRule, ResolvedMonitor, resolve_monitor
from driftplane.result import Kind
from driftplane.spec.models import QualityChecks, Spec
from driftplane_aws import names, quality
from driftplane_aws.alarms import (
    MAX_ALARM_METRICS,
    AlarmNotExpressible,
    alarms,
    failure_not_alarmable,
    violation_not_alarmable,
)
from driftplane_aws.analyzer import ANALYZER_ACCOUNTS
from driftplane_aws.baseline import FeatureInfo, declared_features
from driftplane_aws.channels import DELIVERY, OTHERWISE
from driftplane_aws.schedules import ScheduleNotExpressible, sagemaker_cron, scheduler_cron
from driftplane_aws.servicemodel import request_problems, service_model
from driftplane_aws.settings import (
    MAX_RUNTIME_MONITORING,
    MAX_RUNTIME_PROCESSING,
    AwsSettings,
    s3_uri_problem,
)
from driftplane_aws.translate import (
    EXECUTION_ID,
    SCHEDULED_TIME,
    Account,
    Translation,
    Translator,
    batch_dataset_format,
    data_format,
    metric_for_comparison,
    remote_baseline,
    sagemaker_metric,
    window_differs_from_period,
)

SETTINGS = ("providers", "aws")
# Region names: two letters, one or more words, a number (eu-west-1, us-gov-west-1, us-isof-south-1).
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
# A container image reference: [registry[:port]/]path[:tag | @sha256:digest] (Docker's grammar, lower-case paths).
IMAGE_URI = re.compile(
    r"^(?:[a-zA-Z0-9][a-zA-Z0-9.-]*(?::\d+)?/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})?$"
)


def _region_problem(region: str) -> str:
    guess = region.strip().lower().replace("_", "-").replace(" ", "-")
    hint = f"; did you mean {guess}?" if REGION.match(guess) else ""
    return f"'{region}' is not an AWS region name (like eu-west-1 or us-east-1){hint}"


class _Located:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.problems: list[Problem] = []

    def add(self, path: tuple[str | int, ...], message: str, *, key: bool = False) -> None:
        source = self.spec.source
        self.problems.append(source.problem(path, message, key=key) if source is not None else Problem(path, message))


def _region(settings: AwsSettings) -> str | None:
    if settings.region:
        return settings.region
    import botocore.session

    value = botocore.session.get_session().get_config_variable("region")
    return str(value) if value else None


def check_spec(spec: Spec, settings: AwsSettings) -> list[Problem]:
    found = _Located(spec)
    backend = settings.backend
    region = _region(settings)
    if not settings.role_arn:
        found.add(
            SETTINGS, "role_arn is needed: the IAM role SageMaker assumes to run the jobs (e.g. ${SAGEMAKER_ROLE_ARN})"
        )
    if not settings.output_s3_uri:
        found.add(SETTINGS, "output_s3_uri is needed: an s3://bucket/prefix for baselines and reports")
    if region is None:
        found.add(SETTINGS, "no region: set region (or AWS_REGION, or a region in ~/.aws/config)")
    elif not REGION.match(region):
        found.add((*SETTINGS, "region") if settings.region else SETTINGS, _region_problem(region))
        region = None  # every ARN and image would be built from it: stop at this problem
    if backend == "processing":
        if not settings.image_uri:
            found.add(
                SETTINGS,
                "image_uri is needed with backend: processing: the "
                "driftplane image the jobs run (see docs/providers/aws.md)",
            )
        elif not IMAGE_URI.match(settings.image_uri):
            found.add(
                (*SETTINGS, "image_uri"),
                f"'{settings.image_uri}' is not a container image reference: "
                "expected [registry/]repository[:tag or @sha256:digest], "
                "e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/driftplane:0.1.0 "
                "(the image pushed as docs/providers/aws.md shows)",
            )
        if settings.instance_count != 1:
            found.add(
                (*SETTINGS, "instance_count"),
                "driftplane runs in one instance per job: set instance_count to 1 with backend: processing",
            )
    uses_analyzer = backend == "model-monitor" or any(m.baseline.job == "sagemaker" for m in spec.monitors.values())
    if region is not None and uses_analyzer and region not in ANALYZER_ACCOUNTS:
        found.add(
            (*SETTINGS, "region") if settings.region else SETTINGS,
            "SageMaker's model-monitor analyzer is not offered in "
            f"{region} (it is in {', '.join(sorted(ANALYZER_ACCOUNTS))})",
        )
    if backend == "model-monitor" and settings.max_runtime_seconds > MAX_RUNTIME_MONITORING:
        found.add(
            (*SETTINGS, "max_runtime_seconds"),
            f"a Model Monitor job runs at most {MAX_RUNTIME_MONITORING} "
            f"seconds (1 day), not {settings.max_runtime_seconds}; "
            f"backend: processing allows up to {MAX_RUNTIME_PROCESSING}",
        )
    instance_types = service_model("sagemaker").shape_for("ProcessingInstanceType").enum
    if settings.instance_type not in instance_types:
        found.add(
            (*SETTINGS, "instance_type"),
            f"'{settings.instance_type}' is not a SageMaker processing "
            "instance type (e.g. ml.m5.xlarge, ml.m5.large, ml.c5.xlarge)",
        )
    _check_tags(found, spec, settings)
    for name in spec.monitors:
        _check_monitor(found, spec, settings, name)
    if found.problems or region is None or not settings.role_arn or not settings.output_s3_uri:
        return found.problems
    _check_requests(found, spec, settings, Account(region, settings.role_arn.split(":")[4]))
    return found.problems


def _check_tags(found: _Located, spec: Spec, settings: AwsSettings) -> None:
    groups: list[tuple[tuple[str | int, ...], dict[str, str]]] = [
        ((*SETTINGS, "tags"), settings.tags),
        (("tags",), spec.tags),
    ]
    groups += [(("monitors", n, "tags"), m.tags) for n, m in spec.monitors.items()]
    for path, tags in groups:
        for key, value in tags.items():
            if key.lower().startswith("aws:"):
                found.add((*path, key), "tag keys starting with 'aws:' are reserved by AWS")
            elif key.startswith("driftplane:"):
                found.add(
                    (*path, key), "tag keys starting with 'driftplane:' are driftplane's own (monitor, managed-by)"
                )
            if len(key) > 128:
                found.add((*path, key), f"a tag key has at most 128 characters, this one {len(key)}")
            if len(str(value)) > 256:
                found.add((*path, key), f"a tag value has at most 256 characters, this one {len(str(value))}")
    for name in spec.monitors:
        total = len(names.standard_tags(name, resolve_monitor(spec, name).tags_over(settings.tags)))
        if total > 50:
            found.add(("monitors", name, "tags"), f"{total} tags with driftplane's two; AWS allows 50 per resource")


def _check_monitor(found: _Located, spec: Spec, settings: AwsSettings, name: str) -> None:
    monitor = resolve_monitor(spec, name)
    at: tuple[str | int, ...] = ("monitors", name)
    if settings.backend == "model-monitor":
        _check_model_quality(found, monitor, at)
    else:
        _check_processing_model_quality(found, monitor, at)
    _check_schedule_and_target(found, monitor, settings, at)
    _check_baseline(found, monitor, settings, at)
    if settings.backend == "model-monitor":
        _check_sagemaker_drift(found, monitor, at)
        _check_sagemaker_quality(found, spec, monitor, at)
    elif monitor.engine == "spark":
        found.add(
            (*at, "engine"),
            "the processing job runs driftplane in the image built from providers/aws/Dockerfile, which has neither "
            "the Spark extra nor Java: use engine: local (the job streams the data in bounded memory; give the job a "
            "larger instance_type or volume_size_gb for more data), or profile with Spark outside AWS's job",
        )
    _check_alerts(found, spec, monitor, settings, at)


PROCESSING = "or use backend: processing, whose jobs run driftplane's own model quality"


def _check_model_quality(found: _Located, monitor: ResolvedMonitor, at: tuple[str | int, ...]) -> None:
    """model-monitor: what SageMaker's model-quality job cannot say as driftplane means it, refused at its key."""
    policy = monitor.performance
    for alert in monitor.alerts:
        where = (*at, "alerts", alert.index)
        if alert.when == "prediction_drift":
            found.add(
                (*where, "when"),
                f"alert '{alert.name}': SageMaker Model Monitor publishes no prediction-drift metric apart from the "
                "inputs' drift: use `when: drift` with the model's output columns in the alert's features (a "
                f"data-quality job measures captured outputs as columns), {PROCESSING}",
                key=True,
            )
        elif alert.when == "performance" and alert.judged != "final":
            found.add(
                (*where, "judged"),
                f"alert '{alert.name}': SageMaker judges a window once, after labels.wait, on the labels that have "
                f"landed; it has no {alert.judged} judgement to alarm on: remove judged (final), {PROCESSING}",
                key=True,
            )
    if policy is None or not policy.enabled or (policy.labels is None and not policy.checks):
        return  # nothing judged: a model declared for its outputs' drift only
    model = (*at, "model")
    checks = (*at, "checks", "performance")
    offered = quality.SAGEMAKER_METRICS[policy.problem_type]
    for check in policy.checks:
        if check.metric not in offered:
            found.add(
                (*checks, "metrics", check.metric),
                f"SageMaker's model-quality job computes no {check.metric} for a {policy.problem_type} model (it "
                f"publishes {', '.join(offered)}): check one of those, {PROCESSING}",
                key=True,
            )
    if policy.estimate:
        found.add(
            (*checks, "estimate"),
            "SageMaker judges model quality only on labels that have landed; it estimates nothing before they do: "
            f"remove estimate, {PROCESSING}",
            key=True,
        )
    if policy.problem_type == "multiclass" and isinstance(policy.probability, dict):
        found.add(
            (*model, "probability"),
            "SageMaker's model-quality job reads one probability attribute (a binary model's positive class), not "
            f"one column per class: remove model.probability (the prediction is enough), {PROCESSING}",
            key=True,
        )
    if policy.id is not None and monitor.target.endpoint is not None and monitor.target.data is None:
        found.add(
            (*model, "id"),
            "SageMaker joins captured inferences to ground truth by the capture's inferenceId (else eventId), not "
            "by a column: remove model.id and send InferenceId with each request (or turn on GenerateInferenceId "
            f"for batch transform), {PROCESSING}",
            key=True,
        )
    labels = policy.labels
    if labels is None:
        found.add(
            model,
            "SageMaker's model-quality job needs ground truth: add labels with format: sagemaker-ground-truth and "
            "data on S3",
            key=True,
        )
        return
    where = (*at, "labels")
    if labels.format != "sagemaker-ground-truth":
        found.add(
            (*where, "format"),
            f"SageMaker's model-quality job reads ground truth only as its own JSONL records (groundTruthData, "
            f"eventMetadata.eventId) under yyyy/MM/dd/HH folders; labels are {labels.format}: write them in that "
            f"form and set format: sagemaker-ground-truth, {PROCESSING}",
            key=True,
        )
    if labels.data is None or not labels.data.startswith("s3://"):
        found.add(
            (*where, "data"),
            "SageMaker's model-quality job reads ground truth from S3: give labels.data as an s3:// URI (the folder "
            "SageMaker reads is the part before the first partition field or wildcard)",
            key=True,
        )
    elif s3_uri_problem(labels.data):
        found.add((*where, "data"), str(s3_uri_problem(labels.data)), key=True)
    if labels.id is not None:
        found.add(
            (*where, "id"),
            "SageMaker reads each ground-truth record's eventMetadata.eventId as its id: remove labels.id, "
            + PROCESSING,
            key=True,
        )
    if policy.min_coverage < 1:
        found.add(
            (*where, "min_coverage"),
            f"SageMaker judges a window once, labels.wait after its end; it cannot judge earlier when "
            f"{policy.min_coverage:g} of the predictions are labelled: remove min_coverage, {PROCESSING}",
            key=True,
        )
    if labels.search is not None:
        found.add(
            (*where, "search"),
            "SageMaker decides which ground-truth folders its merge job reads; how far past a window it looks cannot "
            f"be set: remove search, {PROCESSING}",
            key=True,
        )
    try:
        quality.offsets(monitor)
    except ValueError as exc:
        found.add(
            (*where, "wait"),
            f"SageMaker's StartTimeOffset and EndTimeOffset are whole hours or days, and {exc}: give labels.wait "
            f"(and the schedule's period) in whole hours or days, {PROCESSING}",
            key=True,
        )


def _check_processing_model_quality(found: _Located, monitor: ResolvedMonitor, at: tuple[str | int, ...]) -> None:
    """processing: the job runs driftplane's own model quality; it reads labels and a labelled baseline from S3."""
    policy = monitor.performance
    if policy is None:
        return
    labels = policy.labels
    if labels is not None and labels.data is not None:
        if not labels.data.startswith("s3://"):
            found.add(
                (*at, "labels", "data"),
                "the processing job reads labels from S3: give labels.data as an s3:// URI",
                key=True,
            )
        elif s3_uri_problem(labels.data):
            found.add((*at, "labels", "data"), str(s3_uri_problem(labels.data)), key=True)
    source = monitor.baseline.source
    labelled = policy.baseline_label is not None and source is not None and source.data is not None
    if labelled and source is not None and not str(source.data).startswith("s3://"):
        found.add(
            (*at, "baseline", "label"),
            "with baseline.label the processing job computes the model's quality on the baseline's rows, so "
            "it reads them where they are: give baseline.data as an s3:// URI (or remove baseline.label and "
            "check with min/max only)",
            key=True,
        )


def _check_schedule_and_target(
    found: _Located, monitor: ResolvedMonitor, settings: AwsSettings, at: tuple[str | int, ...]
) -> None:
    backend = settings.backend
    try:
        sagemaker_cron(monitor.schedule) if backend == "model-monitor" else scheduler_cron(monitor.schedule)
    except ScheduleNotExpressible as exc:
        found.add((*at, "schedule"), str(exc))
    target = monitor.target
    if monitor.windows.fixed is not None:
        found.add(
            (*at, "target", "window"),
            "a scheduled cloud monitor reads a moving window: give a duration such as 1h or 1d",
        )
    elif backend == "model-monitor" and window_differs_from_period(monitor):
        key = "latency" if target.latency is not None else "window"
        found.add(
            (*at, "target", key),
            "SageMaker Model Monitor decides which captured data each data-quality run reads (the offsets that would "
            "set it, StartTimeOffset and EndTimeOffset, are for model-quality jobs only), so target.window must equal "
            "the schedule's period and target.latency cannot be set: remove them, or use backend: processing",
        )
    if target.endpoint is not None:
        if not names.ENDPOINT_NAME.match(target.endpoint):
            found.add(
                (*at, "target", "endpoint"),
                f"'{target.endpoint}' is not a SageMaker endpoint name ({names.SAGEMAKER_NAME_RULE})",
            )
        if backend == "model-monitor" and target.capture_output != "start":
            found.add(
                (*at, "target", "capture_output"),
                "SageMaker Model Monitor always puts the endpoint's "
                "output first when it matches captured columns to the "
                f"baseline's by position; capture_output: {target.capture_output} "
                "needs backend: processing (or remove it "
                "and lay the baseline out as output columns, then the request's)",
            )
    elif target.data is not None:
        if not target.data.startswith("s3://"):
            found.add(
                (*at, "target", "data"),
                "SageMaker jobs read the target from S3: give an s3:// URI (or target.endpoint for captured traffic)",
            )
        elif s3_uri_problem(target.data):
            found.add((*at, "target", "data"), str(s3_uri_problem(target.data)))
        elif backend == "model-monitor":
            try:
                batch_dataset_format(target.data, target.format, target.header)
            except ValueError as exc:
                found.add((*at, "target", "format"), str(exc))


def _check_baseline(
    found: _Located, monitor: ResolvedMonitor, settings: AwsSettings, at: tuple[str | int, ...]
) -> None:
    baseline = monitor.baseline
    source = baseline.source
    where = (*at, "baseline")
    for key, value in (
        ("data", source.data if source else None),
        ("statistics", baseline.statistics),
        ("constraints", baseline.constraints),
    ):
        if value and value.startswith("s3://") and s3_uri_problem(value):
            found.add((*where, key), str(s3_uri_problem(value)))
    if baseline.kind == "lag" and settings.backend == "model-monitor":
        found.add(
            (*where, "lag"),
            "SageMaker Model Monitor compares with fixed baseline files; a lagged baseline needs backend: processing",
        )
    if baseline.job == "sagemaker":
        _check_baselining_job(found, monitor, where)
    statistics = baseline.statistics or ""
    if statistics.startswith("s3://") and not (baseline.constraints or "").startswith("s3://"):
        found.add(
            (*where, "constraints"),
            "with statistics on S3, give constraints as an s3:// URI too (SageMaker reads both from S3)",
        )


def _check_baselining_job(found: _Located, monitor: ResolvedMonitor, where: tuple[str | int, ...]) -> None:
    """SageMaker's baselining job reads one S3 prefix of CSV or JSON Lines, every row of it."""
    source = monitor.baseline.source
    if source is None or source.data is None or not source.data.startswith("s3://"):
        key = "data" if source is not None and source.data else "job"
        found.add(
            (*where, key), "SageMaker's baselining job reads the baseline from S3: give baseline.data as an s3:// URI"
        )
        return
    if any(marker in source.data for marker in ("{", "*", "?", "[")):
        found.add(
            (*where, "data"),
            "SageMaker's baselining job reads every object under one S3 prefix; it cannot pick files by a wildcard or "
            "partition fields: give the folder (or file) it should "
            "read, or let driftplane profile the baseline (remove job)",
        )
    fmt = data_format(source.data, source.format)
    if fmt not in ("csv", "jsonl"):
        key = "format" if source.format != "auto" else "data"
        said = f"'{fmt}'" if fmt else "not told by the path (set baseline.format)"
        found.add(
            (*where, key),
            "SageMaker's baselining job reads CSV or JSON Lines; "
            f"this baseline's format is {said}: set baseline.format "
            "to csv or jsonl, or let driftplane profile it (remove job; driftplane reads Parquet too)",
        )
    if monitor.baseline.window is not None:
        found.add(
            (*where, "window"),
            "SageMaker's baselining job profiles every row under its prefix; it cannot keep only the rows of "
            "baseline.window: remove the window, or let driftplane profile the baseline (remove job)",
        )


def _check_sagemaker_drift(found: _Located, monitor: ResolvedMonitor, at: tuple[str | int, ...]) -> None:
    """model-monitor: SageMaker's analyzer computes one drift metric, which must be the spec's.

    A metric is SageMaker's when its registry entry names the comparison method under which
    SageMaker publishes that distance (driftplane.drift_metrics equivalents); every other
    metric, a plugin's included, is refused where the spec sets it.
    """
    drift = monitor.drift
    if not drift.enabled:
        return
    where = (*at, "checks", "drift")
    computed = sagemaker_metric(monitor)
    method = monitor.quality.comparison_method
    why = (
        f"SageMaker Model Monitor measures drift as its L-infinity distance ({computed} with checks.quality."
        f"comparison_method: {method}) and publishes only that"
    )
    other_method = "simple" if method == "robust" else "robust"
    other = metric_for_comparison(other_method)
    also = f" (or comparison_method: {other_method} for {other}), or use backend: processing"

    def published(metric: str) -> bool:
        entry = drift_metrics.find(metric)
        return entry is not None and entry.equivalent(drift_metrics.SAGEMAKER) == method.capitalize()

    kinds: tuple[Kind, ...] = ("numerical", "categorical")
    for kind in kinds:
        metric = drift.defaults[kind][0]
        if not published(metric):
            default = "" if _explicit(monitor, kind) else " (the default)"
            found.add(
                (*where, kind, "metric"),
                f"{why}; the {kind} metric is {metric}{default}: set checks.drift.{kind}.metric: {computed}{also}",
            )
    for feature, (_, own, _) in drift.overrides.items():
        if own is not None and not published(own):
            found.add(
                (*where, "features", feature, "metric"),
                f"{why}; {feature}'s metric is {own}: set checks.drift.features.{feature}.metric: {computed}{also}",
            )
    drift_alerts = [a for a in monitor.alerts if a.when == "drift"]
    if drift.noise_correction and drift_alerts:
        found.add(
            (*where, "noise_correction"),
            f"alert '{drift_alerts[0].name}' becomes CloudWatch alarms "
            "comparing SageMaker's published distance with the "
            "configured threshold, and SageMaker cannot raise a threshold for small samples as noise_correction does "
            "(on by default): set checks.drift.noise_correction: false (linf_robust already allows for sample size), "
            "or use backend: processing",
        )
    if drift.classifier:
        found.add(
            (*where, "classifier"),
            "SageMaker Model Monitor computes no domain-classifier "
            "drift: remove classifier, or use backend: processing",
        )


def _explicit(monitor: ResolvedMonitor, kind: Kind) -> bool:
    """Whether the spec sets this kind's drift metric to something other than driftplane's default.

    For wording only.
    """
    return monitor.drift.defaults[kind][0] != drift_metrics.DEFAULTS[kind]


def _check_sagemaker_quality(found: _Located, spec: Spec, monitor: ResolvedMonitor, at: tuple[str | int, ...]) -> None:
    """model-monitor: SageMaker checks data quality with the constraints.json it is given."""
    quality = monitor.quality
    where = (*at, "checks", "quality")
    if not quality.columns:
        found.add(
            (*where, "columns"),
            "SageMaker Model Monitor always checks for missing and extra columns (missing_column_check, "
            "extra_column_check); constraints.json has no setting that turns them off: remove columns: false, or use "
            "backend: processing",
        )
    changed = [
        key
        for key, value in quality.model_dump().items()
        if value != getattr(DEFAULT_QUALITY, key) and key != "columns"
    ]
    if remote_baseline(monitor) is not None:
        # The file's comparison method decides SageMaker's metric: the spec says which it is (plan checks it).
        changed = [key for key in changed if key != "comparison_method"]
    if not changed:
        return
    if monitor.baseline.job == "sagemaker":
        found.add(
            (*where, changed[0]),
            "SageMaker's baselining job writes its own constraints.json (thresholds 1.0 and 0.1, Robust comparison), "
            f"which checks.quality ({', '.join(changed)}) would not reach: remove them, or let driftplane profile "
            "the baseline (remove baseline.job), or use backend: processing",
        )
    elif remote_baseline(monitor) is not None:
        found.add(
            (*where, changed[0]),
            f"SageMaker reads {monitor.baseline.constraints} as it is, so checks.quality ({', '.join(changed)}) would "
            "not reach it: write them into that file and remove them "
            "here, or give the files as local paths (driftplane "
            "uploads them with these settings applied)",
        )


DEFAULT_QUALITY = QualityChecks()


def _check_alerts(
    found: _Located, spec: Spec, monitor: ResolvedMonitor, settings: AwsSettings, at: tuple[str | int, ...]
) -> None:
    backend = settings.backend
    seen: dict[str, AlertRule] = {}
    for alert in monitor.alerts:
        where = (*at, "alerts", alert.index)
        first = seen.setdefault(alert.slug, alert)
        if first is not alert:
            same = (
                "the same condition and no name"
                if not alert.named
                else f"names that give the same resource name ('{alert.slug}')"
            )
            found.add(
                (*where, "name") if alert.named else where,
                f"alerts[{first.index}] and alerts[{alert.index}] have "
                f"{same}; their CloudWatch alarms and SNS topics are "
                "named after it and would be one: give each alert its own name",
            )
        # A metric alert's metric is the feature's (core checks that), and that is SageMaker's (above).
        if backend == "model-monitor":
            if alert.when == "violation":
                found.add((*where, "when"), violation_not_alarmable(alert.name))
            if alert.when == "failure":
                found.add((*where, "when"), failure_not_alarmable(alert.name))
        if alert.when == "drift":
            _check_drift_alert(found, spec, monitor, alert, where)
    if not settings.sns_topic_arn:
        # Each channel must be one AWS delivers (channels.DELIVERY), located at its notify entry. With
        # providers.aws.sns_topic_arn the topic's own subscriptions deliver, so nothing is checked.
        found.problems += channel_problems(monitor, DELIVERY, provider="aws", source=spec.source, otherwise=OTHERWISE)


def _check_drift_alert(
    found: _Located, spec: Spec, monitor: ResolvedMonitor, alert: AlertRule, where: tuple[str | int, ...]
) -> None:
    if alert.min_features > 1 and alert.features and len(alert.features) > MAX_ALARM_METRICS:
        found.add(
            (*where, "features"),
            f"a CloudWatch alarm combines at most {MAX_ALARM_METRICS} "
            f"metrics; this alert counts among {len(alert.features)}",
        )
        return
    if monitor.baseline.kind == "lag" and alert.features is None and monitor.features.include is None:
        found.add(
            (*where, "features"),
            f"alert '{alert.name}': a seasonal baseline (baseline.lag) has no baseline file to learn the features from "
            "before runs, and CloudWatch alarms watch named metrics: list the features in features.include (or in the "
            "alert's features)",
        )
        return
    if alert.min_features > 1 and not alert.features:
        counted = _drift_features(spec, monitor)
        if counted is not None and len(counted) > MAX_ALARM_METRICS:
            found.add(
                (*where, "min_features"),
                f"alert '{alert.name}' counts drifted features among {len(counted)} (every feature the baseline has); "
                f"a CloudWatch alarm combines at most {MAX_ALARM_METRICS} "
                f"metrics: list at most {MAX_ALARM_METRICS} in the "
                "alert's 'features', or leave features out with features.exclude",
            )


def _drift_features(spec: Spec, monitor: ResolvedMonitor) -> list[str] | None:
    """The features a monitor checks for drift, when the spec or a local baseline's header tells.

    None when only data on S3 (or SageMaker's baselining job) knows them: plan finds out then.
    A local baseline is asked for its columns with a batch of a few rows, not read whole.
    """
    from driftplane.errors import DataError
    from driftplane_aws.run import baseline_columns

    baseline = monitor.baseline
    columns: list[str] | None = list(monitor.features.include) if monitor.features.include else None
    if columns is None and baseline.job != "sagemaker":
        try:
            if baseline.source is not None and baseline.source.data and "://" not in baseline.source.data:
                columns = baseline_columns(spec, monitor.name)
            elif baseline.statistics and "://" not in baseline.statistics:
                with open(baseline.statistics, encoding="utf-8") as file:
                    columns = [str(f["name"]) for f in json.load(file).get("features", [])]
        except (DataError, OSError, ValueError, KeyError, TypeError):
            return None  # unreadable here: validate says nothing, plan reports the data problem
    if columns is None:
        return None
    return [f.name for f in declared_features(monitor, columns)]


def _sample_features(monitor: ResolvedMonitor) -> list[FeatureInfo]:
    """Features to build sample alarms with, only to check the requests (kinds as declared, else numerical)."""
    picked = list(monitor.features.include or [])
    for alert in monitor.alerts:
        picked += list(alert.features or [])
        if alert.feature:
            picked.append(alert.feature)
    picked = list(dict.fromkeys(picked)) or ["feature"]
    out = []
    for name in picked[:MAX_ALARM_METRICS]:
        kind = monitor.features.kind(name) or "numerical"
        out.append(FeatureInfo(name, kind, monitor.drift.rule(name, kind)))
    return out


def _check_requests(found: _Located, spec: Spec, settings: AwsSettings, account: Account) -> None:
    translator = Translator(spec, settings, account)
    for name in spec.monitors:
        monitor = resolve_monitor(spec, name)
        at: tuple[str | int, ...] = ("monitors", name)
        requests: list[Request] = []
        sample = '{"sample": true}'
        if monitor.baseline.job == "sagemaker":
            requests.append(translator.baselining_job(name)[1])
        else:
            requests.append(
                translator.put_object(
                    name, translator.baseline_uri(name, "statistics.json"), sample, {"driftplane-baseline": "0" * 64}
                )
            )
        translation = Translation(name)
        if monitor.performance is not None:  # sample baseline values, so relative checks' alarms are checked too
            translation.quality_baseline = {check.metric: 0.5 for check in monitor.performance.checks}
        try:
            requests += [translator.create_topic(name, t) for t in translator.topics(name, translation) if t.name]
            requests += alarms(translator, name, _sample_features(monitor), translation)
        except AlarmNotExpressible as exc:
            found.add((*at, "alerts"), str(exc))
        if settings.backend == "model-monitor":
            definition, create = translator.job_definition(name)
            requests += [
                create,
                translator.create_schedule(name, definition),
                translator.update_schedule(name, definition),
            ]
            if quality.has_model_quality(monitor):
                q = quality.QualityTranslator(translator)
                definition, create = q.job_definition(name, None)
                requests += [
                    translator.put_object(name, q.constraints_uri(name), sample, {}),
                    create,
                    q.create_schedule(name, definition),
                    q.update_schedule(name, definition),
                ]
        else:
            requests += [
                translator.schedule_group(name),
                translator.scheduler_schedule(name),
                translator.put_object(name, translator.output_uri(name, "job", "monitors.yaml"), sample, {}),
            ]
            job = json.loads(
                json.dumps(translator.processing_job(name))
                .replace(EXECUTION_ID, "0123456789abcdef")
                .replace(SCHEDULED_TIME, "2026-01-01T00:00:00Z")
            )
            requests.append(Request(api="sagemaker", operation="CreateProcessingJob", body=job))
        for request in requests:
            for problem in request_problems(request.api, request.operation, _wire(request.body)):
                found.add(at, f"{request.api}:{request.operation} would be refused: {problem}")


def _wire(body: dict[str, Any]) -> dict[str, Any]:
    """The body with the scheduler placeholders replaced by sample values, as they are at run time."""
    text = json.dumps(body)
    if EXECUTION_ID not in text:
        return body
    return json.loads(text.replace(EXECUTION_ID, "0123456789abcdef"))
