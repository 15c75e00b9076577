"""An alert as CloudWatch alarms: what each backend can watch, compared as the run compares it.

processing: the job runs driftplane itself, so the alarms watch what the run decided, in
driftplane's namespace: ``feature_drifted`` (1 when a feature's drift is above its applied
threshold, the configured one raised for small samples), ``feature_drift`` with its
``metric`` dimension for ``when: metric``, ``violations`` per check type and ``runs`` by
status. No alarm re-decides drift with another threshold.

model-monitor: SageMaker's analyzer publishes its own L-infinity distance as
``feature_baseline_drift_<feature>``; validate makes sure that is the spec's drift metric
(``translate.sagemaker_metric``) and that the configured threshold is the applied one (no
noise correction), so an alarm comparing the distance with the feature's configured
threshold decides as a local run does. Violations and failed runs have no metric there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from driftplane.provider import Request
from driftplane.resolved import AlertRule, MetricCheck, ResolvedMonitor
from driftplane.run_metrics import PERFORMANCE_FAILED
from driftplane.spec.models import CHECK_TYPES
from driftplane_aws import names
from driftplane_aws.baseline import FeatureInfo, declared_features
from driftplane_aws.quality import OPERATORS, QualityTranslator
from driftplane_aws.translate import (
    DRIFT_METRIC,
    DRIFTPLANE_NAMESPACE,
    AlertTopic,
    Translation,
    Translator,
    alarm_period,
)

MAX_ALARM_METRICS = 10
# The judgements a performance alert hears, by its judged: final alone, or with the less settled ones.
JUDGEMENTS = {
    "final": ("final",),
    "provisional": ("final", "provisional"),
    "estimate": ("final", "provisional", "estimated"),
}  # CloudWatch: at most 10 metrics in a metric-math alarm


class AlarmNotExpressible(ValueError):
    """An alert that no CloudWatch alarm can express."""


def violation_not_alarmable(alert: str) -> str:
    return (
        f"alert '{alert}': SageMaker Model Monitor publishes CloudWatch "
        "metrics for drift (feature_baseline_drift_<feature>) "
        "and value counts (feature_data_<feature>, "
        "feature_non_null_<feature>), but none for violations, so a violation "
        "alert has no alarm there. Use `when: drift` for drift (SageMaker's baseline_drift_check), `driftplane status` "
        "to see completeness, data-type and other violations, or backend: processing, whose jobs publish a violations "
        "metric per check type"
    )


def failure_not_alarmable(alert: str) -> str:
    return (
        f"alert '{alert}': SageMaker Model Monitor publishes no CloudWatch metric for failed runs, so no alarm can "
        "notify this alert (and no SNS topic would ever be used). `driftplane status` shows failed runs with "
        "SageMaker's reason; backend: processing publishes runs{status=failed}, which an alarm watches"
    )


@dataclass(frozen=True)
class _Alert:
    """One alert's common alarm fields."""

    rule: AlertRule
    base: dict[str, Any]
    period: int


class Alarms:
    """PutMetricAlarm requests of one monitor's alerts."""

    def __init__(self, translator: Translator, monitor: str, translation: Translation) -> None:
        self.t = translator
        self.name = monitor
        self.monitor: ResolvedMonitor = translator.monitor(monitor)
        self.translation = translation
        self.processing = translator.settings.backend == "processing"
        self.sagemaker = translator.dimensions(monitor)  # model-monitor: where SageMaker publishes drift

    def build(
        self,
        features: list[FeatureInfo] | None,
        *,
        topics: list[AlertTopic] | None = None,
        dimensions: tuple[str, list[dict[str, str]]] | None = None,
    ) -> list[Request]:
        """Every alert's alarms; ``features`` None when the baseline's features are not known yet.

        An alert whose features (or their kinds, on model-monitor) are not known yet is noted in
        ``translation.pending`` and planned once they are.
        """
        by_key = {
            topic.key: topic for topic in (topics if topics is not None else self.t.topics(self.name, self.translation))
        }
        if dimensions is not None:
            self.sagemaker = dimensions
        period = alarm_period(self.monitor)
        requests: list[Request] = []
        for rule in self.monitor.alerts:
            topic = by_key.get(rule.key)
            actions = [topic.arn] if topic else []
            base = {
                "ActionsEnabled": True,
                "AlarmActions": actions,
                "OKActions": actions,
                "Tags": names.tag_list(self.t.tags(self.name)),
            }
            alert = _Alert(rule, base, period)
            if rule.when == "metric":
                requests += self._metric(alert, features)
            elif rule.when == "failure":
                if not self.processing:
                    continue  # validate refuses it; topics() noted it
                requests.append(self._runs_failed(alert))
            elif rule.when == "performance":
                requests += self._performance(alert)
            elif rule.when == "prediction_drift":
                if not self.processing:
                    continue  # validate refuses it: SageMaker publishes no prediction-drift metric of its own
                requests += self._prediction_drift(alert)
            elif rule.when == "violation":
                if not self.processing:
                    raise AlarmNotExpressible(violation_not_alarmable(rule.name))
                requests.append(self._violations(alert))
            else:
                requests += self._drift(alert, features)
        return requests

    # --- drift ------------------------------------------------------------------------------

    def _watched(self, rule: AlertRule, features: list[FeatureInfo] | None) -> list[FeatureInfo] | None:
        """The features a drift alert counts: the baseline's (or the spec's list), within the alert's own."""
        if features is None:
            if rule.features is None:
                return None
            return declared_features(self.monitor, rule.features)
        return [f for f in features if rule.features is None or f.name in rule.features]

    def _drift(self, alert: _Alert, features: list[FeatureInfo] | None) -> list[Request]:
        rule = alert.rule
        watched = self._watched(rule, features)
        if watched is None:
            self.translation.pending.append(
                f"alert '{rule.name}': one alarm per feature of the baseline, planned once its statistics.json "
                "exists (after SageMaker's baselining job; plan without --offline reads files on S3), or list the "
                "features in features.include or the alert's features"
            )
            return []
        unknown = [f.name for f in watched if f.rule is None]
        if unknown and not self.processing:
            self.translation.pending.append(
                f"alert '{rule.name}': {', '.join(unknown)} "
                f"{'has' if len(unknown) == 1 else 'have'} no declared kind, and "
                "numerical and categorical features have different thresholds: the alarms wait for the baseline's "
                "statistics.json to tell, or declare the kind in features.categorical, features.numerical or "
                "checks.drift.features.<name>.kind"
            )
            if rule.min_features > 1:
                return []
            watched = [f for f in watched if f.rule is not None]
        if rule.min_features > 1:
            return [self._count(alert, watched)]
        return [self._feature_drifted(alert, feature) for feature in watched]

    def _feature_drifted(self, alert: _Alert, feature: FeatureInfo) -> Request:
        rule = alert.rule
        common = {
            **alert.base,
            "AlarmName": names.alarm_name(self.t.prefix, self.name, rule.slug, feature.name),
            "Statistic": "Maximum",
            "Period": alert.period,
            "EvaluationPeriods": 1,
            "DatapointsToAlarm": 1,
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "ignore",
        }
        if self.processing:
            return _alarm(
                {
                    **common,
                    "AlarmDescription": f"driftplane monitor {self.name}, alert "
                    f"'{rule.name}': {feature.name} drifted, as the run "
                    "decided it (its drift above the applied threshold: the configured one, raised for small samples)",
                    "Namespace": DRIFTPLANE_NAMESPACE,
                    "MetricName": "feature_drifted",
                    "Dimensions": _dimensions(monitor=self.name, feature=feature.name),
                    "Threshold": 0.0,
                }
            )
        namespace, dims = self.sagemaker
        return _alarm(
            {
                **common,
                "AlarmDescription": f"driftplane monitor {self.name}, alert '{rule.name}': {feature.name}'s "
                f"{feature.rule.metric if feature.rule else 'drift'} above {feature.threshold:g}",
                "Namespace": namespace,
                "MetricName": DRIFT_METRIC.format(feature=feature.name),
                "Dimensions": dims,
                "Threshold": float(feature.threshold),
            }
        )

    def _count(self, alert: _Alert, features: list[FeatureInfo]) -> Request:
        rule = alert.rule
        if len(features) > MAX_ALARM_METRICS:
            raise AlarmNotExpressible(
                f"alert '{rule.name}' counts drifted features among {len(features)}; a CloudWatch alarm "
                f"can combine at most {MAX_ALARM_METRICS}: list at most {MAX_ALARM_METRICS} in the alert's 'features'"
            )
        metrics: list[dict[str, Any]] = []
        for i, feature in enumerate(features):
            if self.processing:
                metric = {
                    "Namespace": DRIFTPLANE_NAMESPACE,
                    "MetricName": "feature_drifted",
                    "Dimensions": _dimensions(monitor=self.name, feature=feature.name),
                }
            else:
                namespace, dims = self.sagemaker
                metric = {
                    "Namespace": namespace,
                    "MetricName": DRIFT_METRIC.format(feature=feature.name),
                    "Dimensions": dims,
                }
            metrics.append(
                {
                    "Id": f"m{i}",
                    "Label": feature.name,
                    "MetricStat": {"Metric": metric, "Period": alert.period, "Stat": "Maximum"},
                    "ReturnData": False,
                }
            )
        if self.processing:
            expression = " + ".join(f"m{i}" for i in range(len(features)))
        else:
            expression = " + ".join(f"IF(m{i} > {f.threshold:g}, 1, 0)" for i, f in enumerate(features))
        metrics.append({"Id": "drifted", "Expression": expression, "Label": "drifted features", "ReturnData": True})
        return _alarm(
            {
                **alert.base,
                "AlarmName": names.alarm_name(self.t.prefix, self.name, rule.slug),
                "AlarmDescription": f"driftplane monitor {self.name}, alert '{rule.name}'",
                "Metrics": metrics,
                "EvaluationPeriods": 1,
                "DatapointsToAlarm": 1,
                "Threshold": float(rule.min_features),
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "TreatMissingData": "ignore",
            }
        )

    # --- metric ---------------------------------------------------------------------------------

    def _metric(self, alert: _Alert, features: list[FeatureInfo] | None) -> list[Request]:
        rule = alert.rule
        assert rule.feature is not None
        out = []
        for bound, operator, part in (
            (rule.above, "GreaterThanThreshold", "above"),
            (rule.below, "LessThanThreshold", "below"),
        ):
            if bound is None:
                continue
            common = {
                **alert.base,
                "AlarmName": names.alarm_name(self.t.prefix, self.name, rule.slug, part),
                "AlarmDescription": f"driftplane monitor {self.name}, alert '{rule.name}': {rule.feature}'s "
                f"{rule.metric or 'drift'} {part} {bound:g}",
                "EvaluationPeriods": 1,
                "DatapointsToAlarm": 1,
                "Threshold": float(bound),
                "ComparisonOperator": operator,
                "TreatMissingData": "ignore",
            }
            if not self.processing:
                namespace, dims = self.sagemaker
                out.append(
                    _alarm(
                        {
                            **common,
                            "Namespace": namespace,
                            "MetricName": DRIFT_METRIC.format(feature=rule.feature),
                            "Dimensions": dims,
                            "Statistic": "Maximum",
                            "Period": alert.period,
                        }
                    )
                )
                continue
            metrics = self._metric_names(rule, features)
            stat = "Maximum" if part == "above" else "Minimum"
            if len(metrics) == 1:
                out.append(
                    _alarm(
                        {
                            **common,
                            "Namespace": DRIFTPLANE_NAMESPACE,
                            "MetricName": "feature_drift",
                            "Dimensions": _dimensions(monitor=self.name, feature=rule.feature, metric=metrics[0]),
                            "Statistic": stat,
                            "Period": alert.period,
                        }
                    )
                )
                continue
            # The feature's kind (so its metric) is known only once a run has read it: watch
            # both metrics it may have; only the one it has carries values.
            queries: list[dict[str, Any]] = [
                {
                    "Id": f"m{i}",
                    "Label": metric,
                    "MetricStat": {
                        "Metric": {
                            "Namespace": DRIFTPLANE_NAMESPACE,
                            "MetricName": "feature_drift",
                            "Dimensions": _dimensions(monitor=self.name, feature=rule.feature, metric=metric),
                        },
                        "Period": alert.period,
                        "Stat": stat,
                    },
                    "ReturnData": False,
                }
                for i, metric in enumerate(metrics)
            ]
            function = "MAX" if part == "above" else "MIN"
            ids = ", ".join(q["Id"] for q in queries)
            queries.append(
                {
                    "Id": "drift",
                    "Expression": f"{function}([{ids}])",
                    "Label": f"{rule.feature} drift",
                    "ReturnData": True,
                }
            )
            out.append(_alarm({**common, "Metrics": queries}))
        return out

    def _metric_names(self, rule: AlertRule, features: list[FeatureInfo] | None) -> list[str]:
        """The feature_drift metric(s) a metric alert watches: its own, else the feature's drift metric."""
        assert rule.feature is not None
        if rule.metric is not None:
            return [rule.metric]
        known = next((f for f in features or [] if f.name == rule.feature and f.kind is not None), None)
        kind = known.kind if known is not None else self.monitor.features.kind(rule.feature)
        return self.monitor.drift.metrics_possible(rule.feature, kind)

    # --- model quality ------------------------------------------------------------------------

    def _performance(self, alert: _Alert) -> list[Request]:
        """One alarm per checked metric the alert watches, past the threshold core resolved for it.

        model-monitor: SageMaker's published metric of the same name; a relative bound needs the
        labelled baseline's value (known once its model-quality statistics are computed).
        """
        rule = alert.rule
        policy = self.monitor.performance
        if policy is None or not policy.enabled:
            return []
        baseline = self.translation.quality_baseline
        out = []
        for check in policy.checks:
            if rule.metrics is not None and check.metric not in rule.metrics:
                continue
            if self.processing:
                out.append(self._failed(alert, check))
                continue
            threshold = check.threshold(baseline.get(check.metric) if baseline is not None else None)
            if threshold is None:
                self.translation.pending.append(
                    f"alert '{rule.name}': {check.metric}'s threshold is relative to the labelled baseline's value, "
                    "known once the baseline's model-quality statistics are computed (plan reads the baseline)"
                )
                continue
            namespace, dims = QualityTranslator(self.t).dimensions(self.name)
            out.append(
                _alarm(
                    {
                        **alert.base,
                        "AlarmName": names.alarm_name(self.t.prefix, self.name, rule.slug, check.metric),
                        "AlarmDescription": f"driftplane monitor {self.name}, alert '{rule.name}': {check.metric} "
                        f"{'below' if check.direction == 'min' else 'above'} {threshold:g}",
                        "Namespace": namespace,
                        "MetricName": check.metric,
                        "Dimensions": dims,
                        "Statistic": "Minimum" if check.direction == "min" else "Maximum",
                        "Period": alert.period,
                        "EvaluationPeriods": 1,
                        "DatapointsToAlarm": 1,
                        "Threshold": float(threshold),
                        "ComparisonOperator": OPERATORS[check.direction],
                        "TreatMissingData": "ignore",
                    }
                )
            )
        return out

    def _failed(self, alert: _Alert, check: MetricCheck) -> Request:
        """processing: the run decided whether the metric failed (its threshold resolved in core); the alarm
        hears ``performance_failed`` of every judgement the alert accepts (final; provisional adds provisional;
        estimate adds estimated too)."""
        rule = alert.rule
        judged = JUDGEMENTS[rule.judged]
        common = {
            **alert.base,
            "AlarmName": names.alarm_name(self.t.prefix, self.name, rule.slug, check.metric),
            "AlarmDescription": f"driftplane monitor {self.name}, alert '{rule.name}': {check.metric} past its "
            f"threshold, as the run judged it ({', '.join(judged)})",
            "EvaluationPeriods": 1,
            "DatapointsToAlarm": 1,
            "Threshold": 0.0,
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "ignore",
        }
        if len(judged) == 1:
            return _alarm(
                {
                    **common,
                    "Namespace": DRIFTPLANE_NAMESPACE,
                    "MetricName": PERFORMANCE_FAILED,
                    "Dimensions": _dimensions(monitor=self.name, metric=check.metric, judged=judged[0]),
                    "Statistic": "Maximum",
                    "Period": alert.period,
                }
            )
        queries: list[dict[str, Any]] = [
            {
                "Id": f"j{i}",
                "Label": judgement,
                "MetricStat": {
                    "Metric": {
                        "Namespace": DRIFTPLANE_NAMESPACE,
                        "MetricName": PERFORMANCE_FAILED,
                        "Dimensions": _dimensions(monitor=self.name, metric=check.metric, judged=judgement),
                    },
                    "Period": alert.period,
                    "Stat": "Maximum",
                },
                "ReturnData": False,
            }
            for i, judgement in enumerate(judged)
        ]
        ids = ", ".join(q["Id"] for q in queries)
        queries.append(
            {"Id": "failed", "Expression": f"MAX([{ids}])", "Label": f"{check.metric} failed", "ReturnData": True}
        )
        return _alarm({**common, "Metrics": queries})

    def _prediction_drift(self, alert: _Alert) -> list[Request]:
        """processing: one alarm per model output column, on ``prediction_drifted`` as the run decided it."""
        policy = self.monitor.performance
        rule = alert.rule
        out = []
        for output in self.monitor.prediction_drift_rules():
            out.append(
                _alarm(
                    {
                        **alert.base,
                        "AlarmName": names.alarm_name(self.t.prefix, self.name, rule.slug, output.feature),
                        "AlarmDescription": f"driftplane monitor {self.name}, alert '{rule.name}': the model's "
                        f"output {output.feature} drifted, as the run decided it",
                        "Namespace": DRIFTPLANE_NAMESPACE,
                        "MetricName": "prediction_drifted",
                        "Dimensions": _dimensions(monitor=self.name, output=output.feature),
                        "Statistic": "Maximum",
                        "Period": alert.period,
                        "EvaluationPeriods": 1,
                        "DatapointsToAlarm": 1,
                        "Threshold": 0.0,
                        "ComparisonOperator": "GreaterThanThreshold",
                        "TreatMissingData": "ignore",
                    }
                )
            )
        assert policy is not None or not out
        return out

    # --- runs and violations (processing) ----------------------------------------------------

    def _own(self, alert: _Alert) -> dict[str, Any]:
        return {
            **alert.base,
            "AlarmName": names.alarm_name(self.t.prefix, self.name, alert.rule.slug),
            "AlarmDescription": f"driftplane monitor {self.name}, alert '{alert.rule.name}'",
            "EvaluationPeriods": 1,
            "DatapointsToAlarm": 1,
            "Threshold": 0.0,
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
        }

    def _runs_failed(self, alert: _Alert) -> Request:
        return _alarm(
            {
                **self._own(alert),
                "Namespace": DRIFTPLANE_NAMESPACE,
                "MetricName": "runs",
                "Dimensions": _dimensions(monitor=self.name, status="failed"),
                "Statistic": "Sum",
                "Period": alert.period,
            }
        )

    def _violations(self, alert: _Alert) -> Request:
        types = list(alert.rule.check_types or CHECK_TYPES)
        metrics: list[dict[str, Any]] = [
            {
                "Id": f"v{i}",
                "Label": check_type,
                "MetricStat": {
                    "Metric": {
                        "Namespace": DRIFTPLANE_NAMESPACE,
                        "MetricName": "violations",
                        "Dimensions": _dimensions(monitor=self.name, check_type=check_type),
                    },
                    "Period": alert.period,
                    "Stat": "Sum",
                },
                "ReturnData": False,
            }
            for i, check_type in enumerate(types)
        ]
        expression = " + ".join(f"FILL(v{i}, 0)" for i in range(len(types)))
        metrics.append({"Id": "violations", "Expression": expression, "Label": "violations", "ReturnData": True})
        return _alarm({**self._own(alert), "Metrics": metrics})


def _dimensions(**labels: str) -> list[dict[str, str]]:
    """CloudWatch dimensions as the processing job publishes driftplane's metric labels (sorted by name)."""
    return [{"Name": k, "Value": v} for k, v in sorted(labels.items())]


def _alarm(body: dict[str, Any]) -> Request:
    return Request(api="cloudwatch", operation="PutMetricAlarm", body=body)


def alarms(
    translator: Translator,
    monitor: str,
    features: list[FeatureInfo] | None,
    translation: Translation,
    *,
    dimensions: tuple[str, list[dict[str, str]]] | None = None,
) -> list[Request]:
    """PutMetricAlarm requests for every alert of ``monitor`` (see ``Alarms.build``)."""
    return Alarms(translator, monitor, translation).build(features, dimensions=dimensions)


__all__ = [
    "MAX_ALARM_METRICS",
    "AlarmNotExpressible",
    "Alarms",
    "alarms",
    "failure_not_alarmable",
    "violation_not_alarmable",
]
