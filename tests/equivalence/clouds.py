"""Each cloud's meaning, read back from the requests its ``plan --offline`` would send.

One small reader per cloud and backend, reading only what the cloud acts on:

- aws processing: the EventBridge Scheduler schedule (its cron, in UTC, started on time), the
  processing job it starts (the command the container runs, ``--at`` the scheduled time, the
  job's spec as uploaded), the CloudWatch alarms (metric, dimensions, comparison, threshold,
  actions) and the SNS subscriptions of the topics they notify;
- aws model-monitor: the monitoring schedule's cron, the job definition's input (no offsets:
  SageMaker reads the time since the previous execution), the alarms on SageMaker's own
  metric (their thresholds are the drift thresholds), the constraints.json uploaded (its
  comparison method names SageMaker's metric), and the subscriptions;
- azure: the MonitorSchedule's trigger, each signal's production and reference windows
  (size and offset), metric thresholds, features and type overrides, whether the signal
  alerts, and the notification emails;
- gcp: the Cloud Scheduler job's cron, the Cloud Run job's command (which spec it runs, with
  or without ``--at``), the alert policies' conditions (filters, comparisons, thresholds) and
  the notification channels they name.

Where a cloud runs driftplane itself (the aws processing job, the gcp job), what that run
decides is read from the spec and arguments the job is given, through the same run loop.
Anything a reader does not recognise raises ``Uninterpretable``: the suite learns every new
way of saying something, it never guesses.
"""

from __future__ import annotations

import json
import re
import shlex
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from tests.equivalence.cases import COLUMNS
from tests.equivalence.harness import Outcome
from tests.equivalence.meaning import (
    AS_CONFIGURED,
    FAILURE,
    TICK,
    Meaning,
    Route,
    Threshold,
    Uninterpretable,
    drift_condition,
    iso_duration,
    metric_condition,
    metrics_watched,
    previous_tick,
    producible,
    rules_of,
    run_windows_of,
    ticks_of,
    violation_condition,
)

from driftplane.resolved import ResolvedMonitor, resolve_monitor
from driftplane.result import Window
from driftplane.spec import load_spec
from driftplane.spec.models import CHECK_TYPES

# How long after its tick a scheduled job starts running (Cloud Scheduler, EventBridge): a
# run without --at must still read the tick's window.
START_DELAY = timedelta(seconds=20)


def only(items: list[Any], what: str) -> Any:
    if len(items) != 1:
        raise Uninterpretable(f"expected one {what}, found {len(items)}")
    return items[0]


def alert_of(monitor: ResolvedMonitor, match: Callable[[Any], bool], what: str) -> Any:
    """The spec's alert a cloud resource belongs to (by the identity core gives every alert)."""
    return only([rule for rule in monitor.alerts if match(rule)], f"alert for {what}")


# -- AWS --------------------------------------------------------------------------------------------

_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


def aws_cron(expression: str) -> str:
    """EventBridge's (and SageMaker's) cron(min hour day-of-month month day-of-week year) as a 5-field cron."""
    match = re.fullmatch(r"cron\((.+)\)", expression)
    if match is None:
        raise Uninterpretable(f"'{expression}' is not a cron expression")
    minute, hour, dom, month, dow, year = match.group(1).split()
    if year != "*":
        raise Uninterpretable(f"'{expression}' runs in some years only")
    dom, dow = ("*" if f == "?" else f for f in (dom, dow))
    # EventBridge numbers weekdays 1 (Sunday) to 7; a 5-field cron 0 (Sunday) to 6.
    dow = re.sub(r"\d", lambda m: _WEEKDAYS[int(m.group(0)) - 1], dow)
    return " ".join((minute, hour, dom, month, dow))


def job_spec_of(outcome: Outcome, path_in_job: str, inputs: list[dict[str, Any]], folder: Path) -> ResolvedMonitor:
    """The monitor a processing job runs: its spec file, mounted from S3 and uploaded by the plan."""
    mount = only(
        [i for i in inputs if path_in_job.startswith(i["S3Input"]["LocalPath"] + "/")], f"input mounting {path_in_job}"
    )
    uri = mount["S3Input"]["S3Uri"].rstrip("/") + path_in_job.removeprefix(mount["S3Input"]["LocalPath"])
    body = only(
        [c["request"]["body"]["Body"] for c in outcome.changes("s3:Object") if c["name"] == uri], f"upload of {uri}"
    )
    path = folder / "job-spec.yaml"
    path.write_text(body, encoding="utf-8")
    spec = load_spec(path)
    return resolve_monitor(spec, "m")


def run_arguments(argv: list[str]) -> tuple[str, str | None, str]:
    """(spec path, --at, monitor) of a ``driftplane run`` command line."""
    if not argv or argv[0] != "run":
        raise Uninterpretable(f"the job does not run driftplane run: {argv}")
    spec, at, monitor = None, None, None
    rest = iter(argv[1:])
    for arg in rest:
        if arg == "--at":
            at = next(rest)
        elif arg in ("--monitor", "-m"):
            monitor = next(rest)
        elif arg == "--provider":
            next(rest)
        elif arg in ("--from", "--to"):
            raise Uninterpretable("the scheduled job backfills a range")
        elif not arg.startswith("-") and spec is None:
            spec = arg
        else:
            raise Uninterpretable(f"unknown argument {arg} of the job's driftplane run")
    if spec is None or monitor != "m":
        raise Uninterpretable(f"the job runs {argv}, not monitor m of a spec")
    return spec, at, monitor


def subscriptions_by_topic(outcome: Outcome) -> dict[str, frozenset[tuple[str, str]]]:
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for change in outcome.changes("sns:Subscription"):
        body = change["request"]["body"]
        kind = {"email": "email", "https": "webhook", "http": "webhook"}.get(body["Protocol"], body["Protocol"])
        found[body["TopicArn"]].add((kind, body["Endpoint"]))
    return {arn: frozenset(s) for arn, s in found.items()}


def _dimension(metric: dict[str, Any], name: str) -> str | None:
    return next((d["Value"] for d in metric.get("Dimensions", []) if d["Name"] == name), None)


class AwsAlarms:
    """The conditions and thresholds CloudWatch alarms say, per alert."""

    def __init__(
        self, outcome: Outcome, monitor: ResolvedMonitor, run: ResolvedMonitor | None, sagemaker_metric: str | None
    ) -> None:
        self.monitor = monitor  # the spec's, to find each alarm's alert by its slug
        self.run = run  # the spec the processing job runs (None on model-monitor)
        self.sagemaker_metric = sagemaker_metric
        # set per alert: SageMaker's drift metric alarms a drift alert or bounds a metric alert
        self.drift_alarm = False
        self.thresholds: dict[str, Threshold] = {}
        self.topics = subscriptions_by_topic(outcome)
        self.by_alert: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for change in outcome.changes("cloudwatch:MetricAlarm"):
            body = change["request"]["body"]
            parts = body["AlarmName"].split("/")
            if parts[:2] != ["driftplane", "m"]:
                raise Uninterpretable(f"alarm {body['AlarmName']} is not monitor m's")
            rule = alert_of(monitor, lambda r, slug=parts[2]: r.slug == slug, body["AlarmName"])
            self.by_alert[rule.key].append(body)

    def routes(self) -> frozenset[Route]:
        routes = set()
        for key, alarms in self.by_alert.items():
            actions = {tuple(a["AlarmActions"]) for a in alarms} | {tuple(a["OKActions"]) for a in alarms}
            (arns,) = actions  # every alarm of an alert notifies the same topic, firing and resolved
            recipients = frozenset().union(*(self.topics.get(arn, frozenset()) for arn in arns))
            if any(arn not in self.topics for arn in arns):
                raise Uninterpretable(f"alarms of {key} notify {arns}, which has no subscriptions planned")
            self.drift_alarm = alert_of(self.monitor, lambda r, k=key: r.key == k, key).when == "drift"
            routes.add(Route(key, self.condition(alarms), recipients))
        return frozenset(routes)

    # -- conditions --------------------------------------------------------------------------

    def condition(self, alarms: list[dict[str, Any]]) -> tuple[Any, ...]:
        """One alert's condition, from its alarms (one per feature, per bound, or one in all)."""
        parts = [self._part(alarm) for alarm in alarms]
        kinds = {part[0] for part in parts}
        if kinds == {"drifted"}:
            return drift_condition(1, frozenset(part[1] for part in parts))
        if kinds == {"bound"}:
            feature, metrics = only(list({(p[1], p[2]) for p in parts}), "feature and metric of a metric alert")
            bounds = {p[3]: p[4] for p in parts}
            return metric_condition(feature, metrics, bounds.get("above"), bounds.get("below"))
        return tuple(only(parts, "alarm of an alert"))

    def _part(self, alarm: dict[str, Any]) -> tuple[Any, ...]:
        if "Metrics" in alarm:
            return self._math(alarm)
        name = alarm["MetricName"]
        operator = alarm["ComparisonOperator"]
        if name in ("feature_drifted",) or (name.startswith("feature_baseline_drift_") and self.drift_alarm):
            if operator != "GreaterThanThreshold":
                raise Uninterpretable(f"{name} {operator}")
            return ("drifted", self._drifted(alarm))
        if name == "feature_drift":
            metrics = frozenset({str(_dimension(alarm, "metric"))})
            return self._bound(str(_dimension(alarm, "feature")), metrics, alarm)
        if name.startswith("feature_baseline_drift_"):
            metrics = frozenset({str(self.sagemaker_metric)})
            return self._bound(name.removeprefix("feature_baseline_drift_"), metrics, alarm)
        if (
            name == "runs"
            and _dimension(alarm, "status") == "failed"
            and alarm["Threshold"] == 0
            and operator == "GreaterThanThreshold"
        ):
            return FAILURE
        raise Uninterpretable(f"alarm on {name}")

    @staticmethod
    def _bound(feature: str, metrics: frozenset[str], alarm: dict[str, Any]) -> tuple[Any, ...]:
        side = {"GreaterThanThreshold": "above", "LessThanThreshold": "below"}.get(alarm["ComparisonOperator"])
        if side is None:
            raise Uninterpretable(alarm["ComparisonOperator"])
        return ("bound", feature, metrics, side, float(alarm["Threshold"]))

    def _drifted(self, alarm: dict[str, Any]) -> str:
        """The feature an alarm says drifted: the run's decision, or SageMaker's distance over a threshold."""
        if alarm["MetricName"] == "feature_drifted":
            if alarm["Threshold"] != 0 or alarm["Namespace"] != "driftplane":
                raise Uninterpretable(f"feature_drifted above {alarm['Threshold']}")
            return str(_dimension(alarm, "feature"))
        feature = alarm["MetricName"].removeprefix("feature_baseline_drift_")
        self._threshold(feature, alarm["Threshold"])
        return feature

    def _threshold(self, feature: str, value: float) -> None:
        if self.sagemaker_metric is None:
            raise Uninterpretable("an alarm compares a drift value with a threshold where the run decides")
        found = Threshold(feature, self.sagemaker_metric, value, AS_CONFIGURED)
        if self.thresholds.setdefault(feature, found) != found:
            raise Uninterpretable(f"two thresholds for {feature}")

    def _math(self, alarm: dict[str, Any]) -> tuple[Any, ...]:
        queries = [q for q in alarm["Metrics"] if "MetricStat" in q]
        (result,) = [q for q in alarm["Metrics"] if q.get("ReturnData")]
        expression = result["Expression"]
        names = {q["MetricStat"]["Metric"]["MetricName"] for q in queries}
        operator = alarm["ComparisonOperator"]
        if names == {"feature_drifted"} and operator == "GreaterThanOrEqualToThreshold":
            if expression != " + ".join(q["Id"] for q in queries):
                raise Uninterpretable(expression)
            features = frozenset(str(_dimension(q["MetricStat"]["Metric"], "feature")) for q in queries)
            return drift_condition(int(alarm["Threshold"]), features)
        if (
            names
            and all(n.startswith("feature_baseline_drift_") for n in names)
            and operator == "GreaterThanOrEqualToThreshold"
        ):
            features = set()
            for query, term in zip(queries, expression.split(" + "), strict=True):
                term_match = re.fullmatch(rf"IF\({query['Id']} > ([0-9.e-]+), 1, 0\)", term)
                if term_match is None:
                    raise Uninterpretable(term)
                feature = query["MetricStat"]["Metric"]["MetricName"].removeprefix("feature_baseline_drift_")
                self._threshold(feature, float(term_match.group(1)))
                features.add(feature)
            return drift_condition(int(alarm["Threshold"]), frozenset(features))
        if names == {"violations"}:
            if expression != " + ".join(f"FILL({q['Id']}, 0)" for q in queries) or alarm["Threshold"] != 0:
                raise Uninterpretable(expression)
            types = frozenset(str(_dimension(q["MetricStat"]["Metric"], "check_type")) for q in queries)
            assert self.run is not None
            return violation_condition(types & producible(self.run.quality))
        if names == {"feature_drift"} and re.fullmatch(r"(MAX|MIN)\(\[[m0-9, ]+\]\)", expression):
            feature = only(list({_dimension(q["MetricStat"]["Metric"], "feature") for q in queries}), "feature")
            metrics = frozenset(str(_dimension(q["MetricStat"]["Metric"], "metric")) for q in queries)
            return self._bound(str(feature), metrics, alarm)
        raise Uninterpretable(f"metric-math alarm over {names}: {expression}")


def aws_processing(outcome: Outcome, spec_monitor: ResolvedMonitor) -> Meaning:
    schedule = only(outcome.changes("scheduler:Schedule"), "EventBridge schedule")["request"]["body"]
    if schedule["ScheduleExpressionTimezone"] != "UTC" or schedule["FlexibleTimeWindow"]["Mode"] != "OFF":
        raise Uninterpretable("the schedule does not start the job on time in UTC")
    ticks = ticks_of(aws_cron(schedule["ScheduleExpression"]))
    job = json.loads(schedule["Target"]["Input"])
    app = job["AppSpecification"]
    if app["ContainerEntrypoint"][:2] != ["sh", "-c"] or not app["ContainerEntrypoint"][2].startswith(
        'driftplane "$@"'
    ):
        raise Uninterpretable(f"the job's entry point is {app['ContainerEntrypoint']}")
    spec_file, at, _ = run_arguments(app["ContainerArguments"])
    if at == "<aws.scheduler.scheduled-time>":
        at = TICK
    run = job_spec_of(outcome, spec_file, job["ProcessingInputs"], outcome.spec_path.parent)
    windows, baseline = run_windows_of(run, ticks, at=at, delay=START_DELAY)
    alarms = AwsAlarms(outcome, spec_monitor, run, sagemaker_metric=None)
    routes = _metric_alerts_with_run_metrics(alarms.routes(), run)
    return Meaning(ticks, windows, baseline, frozenset(rules_of(run).values()), routes)


def _metric_alerts_with_run_metrics(routes: frozenset[Route], run: ResolvedMonitor) -> frozenset[Route]:
    """A metric alarm watching the metric(s) a feature may have: the one the run computes for it."""
    out = set()
    for route in routes:
        if route.condition[0] == "metric":
            _, feature, metrics, above, below = route.condition
            computed = metrics_watched(run, feature, None)
            watched = frozenset(metrics) & computed if len(metrics) > 1 else frozenset(metrics)
            route = Route(route.alert, metric_condition(feature, watched, above, below), route.recipients)
        out.add(route)
    return frozenset(out)


def aws_model_monitor(outcome: Outcome, spec_monitor: ResolvedMonitor) -> Meaning:
    schedule = only(outcome.changes("sagemaker:MonitoringSchedule"), "monitoring schedule")["request"]["body"]
    config = schedule["MonitoringScheduleConfig"]["ScheduleConfig"]
    if set(config) != {"ScheduleExpression"}:
        raise Uninterpretable(f"schedule config {config}")
    cron = aws_cron(config["ScheduleExpression"])
    ticks = ticks_of(cron)
    definition = only(outcome.changes("sagemaker:DataQualityJobDefinition"), "job definition")["request"]["body"]
    (job_input,) = definition["DataQualityJobInput"].values()
    if "StartTimeOffset" in job_input or "EndTimeOffset" in job_input:
        raise Uninterpretable("a data-quality job with offsets")
    # SageMaker reads what was captured since the previous execution.
    windows = tuple(Window(start=previous_tick(cron, tick), end=tick) for tick in ticks)
    constraints_uri = definition["DataQualityBaselineConfig"]["ConstraintsResource"]["S3Uri"]
    constraints = json.loads(
        only(
            [c["request"]["body"]["Body"] for c in outcome.changes("s3:Object") if c["name"] == constraints_uri],
            "constraints.json",
        )
    )
    method = constraints["monitoring_config"]["distribution_constraints"]["comparison_method"]
    metric = {"Robust": "linf_robust", "Simple": "linf"}[method]
    alarms = AwsAlarms(outcome, spec_monitor, None, sagemaker_metric=metric)
    routes = alarms.routes()
    return Meaning(
        ticks,
        windows,
        tuple(None for _ in ticks),
        frozenset(alarms.thresholds.values()),
        routes,
        thresholds_known_for=frozenset(alarms.thresholds),
    )


# -- Azure -------------------------------------------------------------------------------------------

AZURE_METRICS = {
    "normalizedWassersteinDistance": "normalized_wasserstein",
    "jensenShannonDistance": "jensen_shannon",
    "populationStabilityIndex": "psi",
}
AZURE_QUALITY = {
    "dataTypeErrorRate": "data_type_check",
    "outOfBoundsRate": "categorical_values_check",
    "nullValueRate": "null_value_rate (Azure's own)",
}
AZURE_DAYS = {
    "sunday": "SUN",
    "monday": "MON",
    "tuesday": "TUE",
    "wednesday": "WED",
    "thursday": "THU",
    "friday": "FRI",
    "saturday": "SAT",
}


def azure_cron(trigger: dict[str, Any]) -> str:
    if trigger.get("timeZone") != "UTC":
        raise Uninterpretable(f"trigger in {trigger.get('timeZone')}")
    if trigger["triggerType"] == "Cron":
        return str(trigger["expression"])
    if trigger["triggerType"] != "Recurrence" or trigger.get("interval", 1) != 1:
        raise Uninterpretable(f"trigger {trigger}")
    pattern = trigger["schedule"]
    minutes = ",".join(str(m) for m in pattern["minutes"])
    hours = ",".join(str(h) for h in pattern["hours"])
    days = "*"
    if trigger["frequency"].lower() == "week":
        days = ",".join(AZURE_DAYS[d.lower()] for d in pattern["weekDays"])
    elif trigger["frequency"].lower() != "day":
        raise Uninterpretable(f"a {trigger['frequency']} recurrence")
    return f"{minutes} {hours} * * {days}"


def _trailing(data: dict[str, Any], tick: datetime) -> Window:
    if data.get("inputDataType") != "Trailing":
        raise Uninterpretable(f"{data.get('inputDataType')} data where a trailing window is read")
    end = tick - iso_duration(data["windowOffset"])
    return Window(start=end - iso_duration(data["windowSize"]), end=end)


def azure(outcome: Outcome, spec_monitor: ResolvedMonitor) -> Meaning:
    body = only(outcome.changes("azureml:Schedule"), "MonitorSchedule")["request"]["body"]["properties"]
    ticks = ticks_of(azure_cron(body["trigger"]))
    definition = body["action"]["monitorDefinition"]
    signals = definition["signals"]
    kinds = {s["signalType"]: s for s in signals.values()}
    if set(kinds) - {"DataDrift", "DataQuality"} or len(kinds) != len(signals):
        raise Uninterpretable(f"signals {list(signals)}")
    windows = {tuple(_trailing(s["productionData"], t) for t in ticks) for s in signals.values()}
    baselines = set()
    for signal in signals.values():
        reference = signal["referenceData"]
        if reference["inputDataType"] == "Trailing":
            baselines.add(tuple(_trailing(reference, t) for t in ticks))
        elif reference["inputDataType"] == "Fixed" and not reference.get("windowStart"):
            baselines.add(tuple(None for _ in ticks))
        else:
            raise Uninterpretable(f"reference data {reference}")
    (target_windows,) = windows  # every signal reads the same window
    (baseline_windows,) = baselines

    thresholds: dict[str, Threshold] = {}
    drift = kinds.get("DataDrift")
    if drift is not None:
        per_kind = {}
        for entry in drift["metricThresholds"]:
            kind = entry["dataType"].lower()
            if kind in per_kind or entry["metric"] not in AZURE_METRICS:
                raise Uninterpretable(f"drift threshold {entry}")
            per_kind[kind] = (AZURE_METRICS[entry["metric"]], entry["threshold"]["value"])
        for feature in _azure_features(drift):
            kind = _azure_kind(drift, feature)
            metric, value = per_kind[kind]
            thresholds[feature] = Threshold(feature, metric, value, AS_CONFIGURED)

    routes = set()
    notification = definition.get("alertNotificationSetting")
    emails: frozenset[tuple[str, str]] = frozenset()
    if notification is not None:
        setting = notification["emailNotificationSetting"]
        emails = frozenset(("email", e) for e in setting["emails"])
        if "JobFailed" in setting.get("emailOn", []):
            routes.add(Route("", FAILURE, emails))
    if drift is not None and drift["mode"] == "Enabled":
        routes.add(Route("", drift_condition(1, frozenset(thresholds)), emails))
    quality = kinds.get("DataQuality")
    if quality is not None and quality["mode"] == "Enabled":
        types = frozenset(AZURE_QUALITY[t["metric"]] for t in quality["metricThresholds"])
        routes.add(Route("", violation_condition(types), emails))
    return Meaning(ticks, target_windows, baseline_windows, frozenset(thresholds.values()), frozenset(routes))


def _azure_features(signal: dict[str, Any]) -> list[str]:
    features = signal["features"]
    if features.get("filterType") == "AllFeatures":
        return list(COLUMNS)
    if features.get("filterType") == "FeatureSubset":
        return list(features["features"])
    raise Uninterpretable(f"features {features}")


def _azure_kind(signal: dict[str, Any], feature: str) -> str:
    override = (signal.get("featureDataTypeOverride") or {}).get(feature)
    if override is not None:
        return str(override).lower()
    return "categorical" if COLUMNS[feature] == "String" else "numerical"


# -- GCP ---------------------------------------------------------------------------------------------


def _filter_labels(text: str) -> dict[str, list[str]]:
    labels: dict[str, list[str]] = {}
    for part in text.split(" AND "):
        one = re.fullmatch(r'metric\.label\.(\w+) = "([^"]*)"', part)
        many = re.fullmatch(r"metric\.label\.(\w+) = one_of\((.*)\)", part)
        if one:
            labels[one.group(1)] = [one.group(2)]
        elif many:
            labels[many.group(1)] = re.findall(r'"([^"]*)"', many.group(2))
        elif not re.fullmatch(r'(metric|resource)\.type = "[^"]*"', part):
            raise Uninterpretable(f"filter part {part}")
    return labels


def _gcp_condition(conditions: list[dict[str, Any]], run: ResolvedMonitor) -> tuple[Any, ...]:
    measured = frozenset(rules_of(run))
    parsed = []
    for condition in conditions:
        threshold = condition["conditionThreshold"]
        metric_type = re.search(r'metric\.type = "[^"]*/([a-z_]+)"', threshold["filter"])
        if metric_type is None:
            raise Uninterpretable(threshold["filter"])
        labels = _filter_labels(threshold["filter"])
        if labels.pop("monitor", None) != ["m"]:
            raise Uninterpretable("a condition over another monitor")
        parsed.append(
            (
                metric_type.group(1),
                labels,
                threshold["comparison"],
                float(threshold.get("thresholdValue", 0.0)),
                threshold,
            )
        )
    kind, labels, comparison, value, threshold = parsed[0]
    if kind == "feature_drifted" and len(parsed) == 1 and comparison == "COMPARISON_GT":
        if threshold["aggregations"][0].get("crossSeriesReducer") != "REDUCE_SUM" or value != int(value):
            raise Uninterpretable("a drift count that is not a sum")
        features = frozenset(labels.pop("feature", measured)) & measured
        if labels:
            raise Uninterpretable(f"labels {labels}")
        return drift_condition(int(value) + 1, features)
    if kind == "violations" and len(parsed) == 1 and comparison == "COMPARISON_GT" and value == 0:
        types = frozenset(labels.pop("check_type", CHECK_TYPES))
        return violation_condition(types & producible(run.quality))
    if kind == "runs" and labels == {"status": ["failed"]} and comparison == "COMPARISON_GT" and value == 0:
        return FAILURE
    if kind == "feature_drift":
        above = below = None
        feature = only(list({tuple(p[1]["feature"]) for p in parsed}), "feature")[0]
        metrics = {tuple(p[1].get("metric", ())) for p in parsed}
        (metric,) = metrics
        for _, _, comparison, value, _ in parsed:
            if comparison == "COMPARISON_GT":
                above = value
            elif comparison == "COMPARISON_LT":
                below = value
            else:
                raise Uninterpretable(comparison)
        watched = frozenset(metric) if metric else metrics_watched(run, feature, None)
        return metric_condition(feature, watched, above, below)
    raise Uninterpretable(f"conditions on {[p[0] for p in parsed]}")


def gcp(outcome: Outcome, spec_monitor: ResolvedMonitor) -> Meaning:
    scheduler = only(outcome.changes("scheduler:Job"), "Cloud Scheduler job")["request"]["body"]["job"]
    if scheduler.get("timeZone") not in ("Etc/UTC", "UTC"):
        raise Uninterpretable(f"scheduled in {scheduler.get('timeZone')}")
    ticks = ticks_of(scheduler["schedule"])
    run_job = only(outcome.changes("run:Job"), "Cloud Run job")["request"]["body"]
    if not scheduler["httpTarget"]["uri"].endswith(f"/jobs/{run_job['jobId']}:run"):
        raise Uninterpretable("the scheduler starts another job")
    (container,) = run_job["job"]["template"]["template"]["containers"]
    command, args = container["command"], container["args"]
    if command[:2] != ["/bin/sh", "-c"]:
        raise Uninterpretable(f"the job runs {command}")
    first = shlex.split(command[2].split(";")[0])
    argv = [args[int(a[1:])] if re.fullmatch(r"\$\d", a) else a for a in first]
    if argv[0] != "driftplane":
        raise Uninterpretable(f"the job runs {argv}")
    spec_file, at, _ = run_arguments(argv[1:])
    run = resolve_monitor(load_spec(spec_file), "m")
    windows, baseline = run_windows_of(run, ticks, at=at, delay=START_DELAY)

    channels = {}
    for change in outcome.changes("monitoring:NotificationChannel"):
        channel = change["request"]["body"]["notificationChannel"]
        key = channel["userLabels"]["driftplane-key"]
        if channel["type"] == "email":
            channels[key] = frozenset({("email", channel["labels"]["email_address"])})
        elif channel["type"] == "webhook_tokenauth":
            channels[key] = frozenset({("webhook", channel["labels"]["url"])})
        elif channel["type"] == "slack":
            channels[key] = frozenset({("slack", _slack_channel(outcome, channel["labels"]["channel_name"]))})
        else:
            raise Uninterpretable(f"a {channel['type']} notification channel")
    routes = set()
    for change in outcome.changes("monitoring:AlertPolicy"):
        policy = change["request"]["body"]["alertPolicy"]
        rule = alert_of(
            spec_monitor, lambda r, p=policy: p["displayName"] == f"driftplane m: {r.name}", policy["displayName"]
        )
        recipients: frozenset[tuple[str, str]] = frozenset()
        for name in policy.get("notificationChannels", []):
            key = re.fullmatch(r"<known after apply: (.+)>", name)
            if key is None:
                raise Uninterpretable(name)
            recipients |= channels[key.group(1)]
        routes.add(Route(rule.key, _gcp_condition(policy["conditions"], run), recipients))
    return Meaning(ticks, windows, baseline, frozenset(rules_of(run).values()), frozenset(routes))


def _slack_channel(outcome: Outcome, channel_name: str) -> str:
    """The spec's Slack channel whose Slack app posts to ``channel_name`` (providers.gcp.slack)."""
    settings = yaml.safe_load(outcome.spec_path.read_text())["providers"]["gcp"].get("slack", {})
    return only(
        [name for name, app in settings.items() if app["channel_name"] == channel_name], f"slack app for {channel_name}"
    )


READERS: dict[str, Callable[[Outcome, ResolvedMonitor], Meaning]] = {
    "aws-processing": aws_processing,
    "aws-model-monitor": aws_model_monitor,
    "azure": azure,
    "gcp": gcp,
}


def cloud_meaning(outcome: Outcome) -> Meaning:
    """What ``outcome``'s provider makes of monitor m, from its plan."""
    spec_monitor = resolve_monitor(load_spec(outcome.spec_path), "m")
    return READERS[outcome.provider](outcome, spec_monitor)
