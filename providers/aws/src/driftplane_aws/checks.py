"""What ``validate --provider aws`` finds: every spec part AWS cannot take, located in the file.

Nothing is called and no data is read (only the column names of a local baseline, to count
the features an alarm must combine): settings and monitors are checked against what each
service accepts, then every request the spec becomes is checked strictly against botocore's
service model (enums, patterns, lengths, ranges), so a spec that validates also applies.
"""

from __future__ import annotations

import json
import re
from typing import Any

from driftplane.errors import Problem
from driftplane.provider import Request
from driftplane.spec.models import FixedWindow, Spec
from driftplane_aws import names
from driftplane_aws.analyzer import ANALYZER_ACCOUNTS
from driftplane_aws.baseline import FeatureInfo
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
    MAX_ALARM_METRICS,
    SAGEMAKER_METRICS,
    SCHEDULED_TIME,
    Account,
    AlarmNotExpressible,
    Translation,
    Translator,
    batch_dataset_format,
    violation_not_alarmable,
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

    def add(self, path: tuple[str | int, ...], message: str) -> None:
        source = self.spec.source
        self.problems.append(source.problem(path, message) if source is not None else Problem(path, message))


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
        found.add(SETTINGS, "role_arn is needed: the IAM role SageMaker assumes to run the jobs (e.g. ${SAGEMAKER_ROLE_ARN})")
    if not settings.output_s3_uri:
        found.add(SETTINGS, "output_s3_uri is needed: an s3://bucket/prefix for baselines and reports")
    if region is None:
        found.add(SETTINGS, "no region: set region (or AWS_REGION, or a region in ~/.aws/config)")
    elif not REGION.match(region):
        found.add((*SETTINGS, "region") if settings.region else SETTINGS, _region_problem(region))
        region = None  # every ARN and image would be built from it: stop at this problem
    if backend == "processing":
        if not settings.image_uri:
            found.add(SETTINGS, "image_uri is needed with backend: processing: the driftplane image the jobs run (see docs/providers/aws.md)")
        elif not IMAGE_URI.match(settings.image_uri):
            found.add(
                (*SETTINGS, "image_uri"),
                f"'{settings.image_uri}' is not a container image reference: expected [registry/]repository[:tag or @sha256:digest], "
                "e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/driftplane:0.1.0 (the image pushed as docs/providers/aws.md shows)",
            )
        if settings.instance_count != 1:
            found.add((*SETTINGS, "instance_count"), "driftplane runs in one instance per job: set instance_count to 1 with backend: processing")
    uses_analyzer = backend == "model-monitor" or any(m.baseline.job == "sagemaker" for m in spec.monitors.values())
    if region is not None and uses_analyzer and region not in ANALYZER_ACCOUNTS:
        found.add(
            (*SETTINGS, "region") if settings.region else SETTINGS,
            f"SageMaker's model-monitor analyzer is not offered in {region} (it is in {', '.join(sorted(ANALYZER_ACCOUNTS))})",
        )
    if backend == "model-monitor" and settings.max_runtime_seconds > MAX_RUNTIME_MONITORING:
        found.add(
            (*SETTINGS, "max_runtime_seconds"),
            f"a Model Monitor job runs at most {MAX_RUNTIME_MONITORING} seconds (1 day), not {settings.max_runtime_seconds}; "
            f"backend: processing allows up to {MAX_RUNTIME_PROCESSING}",
        )
    instance_types = service_model("sagemaker").shape_for("ProcessingInstanceType").enum
    if settings.instance_type not in instance_types:
        found.add((*SETTINGS, "instance_type"), f"'{settings.instance_type}' is not a SageMaker processing instance type (e.g. ml.m5.xlarge, ml.m5.large, ml.c5.xlarge)")
    _check_tags(found, spec, settings)
    for name, monitor in spec.monitors.items():
        _check_monitor(found, spec, settings, name)
        del monitor
    if found.problems or region is None or not settings.role_arn or not settings.output_s3_uri:
        return found.problems
    _check_requests(found, spec, settings, Account(region, settings.role_arn.split(":")[4]))
    return found.problems


def _check_tags(found: _Located, spec: Spec, settings: AwsSettings) -> None:
    groups: list[tuple[tuple[str | int, ...], dict[str, str]]] = [((*SETTINGS, "tags"), settings.tags), (("tags",), spec.tags)]
    groups += [(("monitors", n, "tags"), m.tags) for n, m in spec.monitors.items()]
    for path, tags in groups:
        for key, value in tags.items():
            if key.lower().startswith("aws:"):
                found.add((*path, key), "tag keys starting with 'aws:' are reserved by AWS")
            elif key.startswith("driftplane:"):
                found.add((*path, key), "tag keys starting with 'driftplane:' are driftplane's own (monitor, managed-by)")
            if len(key) > 128:
                found.add((*path, key), f"a tag key has at most 128 characters, this one {len(key)}")
            if len(str(value)) > 256:
                found.add((*path, key), f"a tag value has at most 256 characters, this one {len(str(value))}")
    for name, monitor in spec.monitors.items():
        total = len({**settings.tags, **spec.tags, **monitor.tags}) + 2
        if total > 50:
            found.add(("monitors", name, "tags"), f"{total} tags with driftplane's two; AWS allows 50 per resource")


def _check_monitor(found: _Located, spec: Spec, settings: AwsSettings, name: str) -> None:
    monitor = spec.monitors[name]
    at = ("monitors", name)
    backend = settings.backend
    try:
        sagemaker_cron(monitor.schedule) if backend == "model-monitor" else scheduler_cron(monitor.schedule)
    except ScheduleNotExpressible as exc:
        found.add((*at, "schedule"), str(exc))
    target = monitor.target
    if isinstance(target.window, FixedWindow):
        found.add((*at, "target", "window"), "a scheduled cloud monitor reads a moving window: give a duration such as 1h or 1d")
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
            found.add((*at, "target", "endpoint"), f"'{target.endpoint}' is not a SageMaker endpoint name ({names.SAGEMAKER_NAME_RULE})")
        if backend == "model-monitor" and target.capture_output != "start":
            found.add(
                (*at, "target", "capture_output"),
                f"SageMaker Model Monitor always puts the endpoint's output first when it matches captured columns to the "
                f"baseline's by position; capture_output: {target.capture_output} needs backend: processing (or remove it "
                "and lay the baseline out as output columns, then the request's)",
            )
    elif target.data is not None:
        if not target.data.startswith("s3://"):
            found.add((*at, "target", "data"), "SageMaker jobs read the target from S3: give an s3:// URI (or target.endpoint for captured traffic)")
        elif s3_uri_problem(target.data):
            found.add((*at, "target", "data"), str(s3_uri_problem(target.data)))
        elif backend == "model-monitor":
            try:
                batch_dataset_format(target.data, target.format, target.header)
            except ValueError as exc:
                found.add((*at, "target", "format"), str(exc))
    baseline = monitor.baseline
    for key in ("data", "statistics", "constraints"):
        value = getattr(baseline, key)
        if value and value.startswith("s3://") and s3_uri_problem(value):
            found.add((*at, "baseline", key), str(s3_uri_problem(value)))
    if baseline.lag is not None and backend == "model-monitor":
        found.add((*at, "baseline", "lag"), "SageMaker Model Monitor compares with fixed baseline files; a lagged baseline needs backend: processing")
    if baseline.job == "sagemaker":
        if baseline.data is None or not baseline.data.startswith("s3://"):
            found.add((*at, "baseline", "data" if baseline.data else "job"), "SageMaker's baselining job reads the baseline from S3: give baseline.data as an s3:// URI")
        elif baseline.format not in ("auto", "csv", "jsonl"):
            found.add((*at, "baseline", "format"), "SageMaker's baselining job reads CSV or JSON Lines")
    if baseline.statistics and baseline.statistics.startswith("s3://") and not (baseline.constraints or "").startswith("s3://"):
        found.add((*at, "baseline", "constraints"), "with statistics on S3, give constraints as an s3:// URI too (SageMaker reads both from S3)")
    drift = monitor.checks.drift
    if backend == "model-monitor" and drift.enabled:
        for kind in ("numerical", "categorical"):
            rule = getattr(drift, kind)
            if kind in drift.model_fields_set and rule.metric not in SAGEMAKER_METRICS:
                found.add(
                    (*at, "checks", "drift", kind, "metric"),
                    f"SageMaker Model Monitor measures drift as L-infinity distance; {rule.metric} needs backend: processing "
                    "(or use linf or linf_robust)",
                )
        for feature, rule in drift.features.items():
            if rule.metric is not None and rule.metric not in SAGEMAKER_METRICS:
                found.add((*at, "checks", "drift", "features", feature, "metric"), f"SageMaker Model Monitor cannot compute {rule.metric}: use linf or linf_robust, or backend: processing")
    for index, alert in enumerate(monitor.alerts):
        where = (*at, "alerts", index)
        if alert.when == "metric" and alert.metric is not None and backend == "model-monitor" and alert.metric not in SAGEMAKER_METRICS:
            found.add((*where, "metric"), f"SageMaker publishes the L-infinity drift of each feature; {alert.metric} has no CloudWatch metric there")
        if alert.when == "violation" and backend == "model-monitor":
            found.add((*where, "when"), violation_not_alarmable(alert.describe()))
        if alert.when == "drift" and alert.min_features > 1 and alert.features and len(alert.features) > MAX_ALARM_METRICS:
            found.add((*where, "features"), f"a CloudWatch alarm combines at most {MAX_ALARM_METRICS} metrics; this alert counts among {len(alert.features)}")
        elif alert.when == "drift" and alert.min_features > 1 and not alert.features:
            counted = _drift_features(spec, name)
            if counted is not None and len(counted) > MAX_ALARM_METRICS:
                found.add(
                    (*where, "min_features"),
                    f"alert '{alert.describe()}' counts drifted features among {len(counted)} (every feature the baseline has); "
                    f"a CloudWatch alarm combines at most {MAX_ALARM_METRICS} metrics: list at most {MAX_ALARM_METRICS} in the "
                    "alert's 'features', or leave features out with features.exclude",
                )


def _drift_features(spec: Spec, name: str) -> list[str] | None:
    """The features a monitor checks for drift, when the spec or a local baseline's header tells.

    None when only data on S3 (or SageMaker's baselining job) knows them: plan finds out then.
    A local baseline is asked for its columns with a batch of a few rows, not read whole.
    """
    from driftplane.errors import DataError
    from driftplane.resolved import resolve_monitor
    from driftplane_aws.run import baseline_columns

    monitor = spec.monitors[name]
    baseline = monitor.baseline
    columns: list[str] | None = list(monitor.features.include) if monitor.features.include else None
    if columns is None and baseline.job != "sagemaker":
        try:
            if baseline.data and "://" not in baseline.data:
                columns = baseline_columns(spec, name)
            elif baseline.statistics and "://" not in baseline.statistics:
                path = spec.base_dir / baseline.statistics
                columns = [str(f["name"]) for f in json.loads(path.read_text(encoding="utf-8")).get("features", [])]
        except (DataError, OSError, ValueError, KeyError, TypeError):
            return None  # unreadable here: validate says nothing, plan reports the data problem
    if columns is None:
        return None
    resolved = resolve_monitor(spec, name)
    return [c for c in columns if resolved.features.selected(c) and resolved.drift.rule(c, "numerical").enabled]


def _sample_features(spec: Spec, name: str) -> list[FeatureInfo]:
    monitor = spec.monitors[name]
    picked = list(monitor.features.include or [])
    for alert in monitor.alerts:
        picked += list(alert.features or [])
        if alert.feature:
            picked.append(alert.feature)
    picked = list(dict.fromkeys(picked)) or ["feature"]
    return [FeatureInfo(f, "numerical", monitor.checks.drift.numerical.metric, monitor.checks.drift.numerical.threshold) for f in picked[:MAX_ALARM_METRICS]]


def _check_requests(found: _Located, spec: Spec, settings: AwsSettings, account: Account) -> None:
    translator = Translator(spec, settings, account)
    for name, monitor in spec.monitors.items():
        at: tuple[str | int, ...] = ("monitors", name)
        requests: list[Request] = []
        sample = '{"sample": true}'
        if monitor.baseline.job == "sagemaker":
            requests.append(translator.baselining_job(name)[1])
        else:
            requests.append(translator.put_object(name, translator.baseline_uri(name, "statistics.json"), sample, {"driftplane-baseline": "0" * 64}))
        translation = Translation(name)
        try:
            requests += [translator.create_topic(name, t) for t in translator.topics(name, translation) if t.name]
            requests += translator.alarms(name, _sample_features(spec, name), translation)
        except AlarmNotExpressible as exc:
            found.add((*at, "alerts"), str(exc))
        if settings.backend == "model-monitor":
            definition, create = translator.job_definition(name)
            requests += [create, translator.create_schedule(name, definition), translator.update_schedule(name, definition)]
        else:
            requests += [translator.schedule_group(name), translator.scheduler_schedule(name), translator.put_object(name, translator.output_uri(name, "job", "monitors.yaml"), sample, {})]
            job = json.loads(json.dumps(translator.processing_job(name)).replace(EXECUTION_ID, "0123456789abcdef").replace(SCHEDULED_TIME, "2026-01-01T00:00:00Z"))
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
