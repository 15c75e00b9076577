"""Adding a drift metric is one registry entry and its computation, here in a test plugin.

The plugin registers ``mean_shift`` (numbers, on the values: how far the mean moved in
baseline standard deviations) and ``total_variation`` (numbers on the baseline's bins and
categories: half the sum of the share differences). Without anything else: validate accepts
them (and their kind), ``compare`` computes them with the noise correction, a run's report
words them, and the clouds that compute drift themselves refuse them at validate, located,
unless an equivalent is declared; the clouds that run driftplane itself accept them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import driftplane as dp
from driftplane import drift_metrics
from driftplane.cli import cli
from driftplane.drift_metrics import SAGEMAKER, DriftMetric
from driftplane.engine.computations import OnCounts, OnValues, Sizes
from driftplane.engine.sketches import WeightedValues
from driftplane.errors import UsageError
from driftplane.plugins import load_plugins, pm
from driftplane.resolved import resolve_monitor
from driftplane.spec import load_spec
from driftplane.spec.jsonschema import spec_json_schema

# -- the plugin: what a third party writes ----------------------------------------------------


def _mean(values: np.ndarray, weights: np.ndarray) -> float:
    return float(np.average(values, weights=weights))


def _mean_shift(u: WeightedValues, v: WeightedValues, sizes: Sizes) -> float:
    return abs(_mean(v.values, v.weights) - _mean(u.values, u.weights)) / sizes.scale


def _mean_shift_simulated(
    values: np.ndarray, sizes: Sizes
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    def score(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.abs(b @ values / b.sum(axis=1) - a @ values / a.sum(axis=1)) / sizes.scale

    return score


def _total_variation(p: np.ndarray, q: np.ndarray, sizes: Sizes) -> np.ndarray | float:
    p = p / p.sum(axis=-1, keepdims=True)
    q = q / q.sum(axis=-1, keepdims=True)
    return np.abs(p - q).sum(axis=-1) / 2


MEAN_SHIFT = DriftMetric(
    "mean_shift",
    "mean shift",
    "How far the mean moved, in standard deviations of the baseline; 0 means the same mean.",
    numerical=OnValues(_mean_shift, _mean_shift_simulated, rare_value_allowance=True),
    aliases=("mean_difference",),
)
TOTAL_VARIATION = DriftMetric(
    "total_variation",
    "total variation distance",
    "The share of values that would have to move for the two distributions to match, from 0 to 1.",
    numerical=OnCounts(_total_variation),
    categorical=OnCounts(_total_variation),
)
# SageMaker's Simple L-infinity under a plugin's own name, declared as SageMaker's equivalent.
SAGEMAKER_LINF = DriftMetric(
    "sagemaker_linf",
    "SageMaker's L-infinity distance",
    "The largest gap between the two distributions, as SageMaker's analyzer computes it without correction.",
    numerical="driftplane.engine.computations:CDF_GAP",
    categorical="driftplane.engine.computations:LARGEST_SHARE_GAP",
    equivalents={SAGEMAKER: "Simple"},
)


class MetricsPlugin:
    def __init__(self, *metrics: DriftMetric) -> None:
        self.metrics = metrics

    @dp.hookimpl
    def register_drift_metrics(self, register: Callable[[DriftMetric], None]) -> None:
        for metric in self.metrics:
            register(metric)


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def registered(request: pytest.FixtureRequest) -> Iterator[MetricsPlugin]:
    load_plugins()
    metrics = getattr(request, "param", (MEAN_SHIFT, TOTAL_VARIATION, SAGEMAKER_LINF))
    plugin = MetricsPlugin(*metrics)
    pm.register(plugin, name="test-drift-metrics")
    try:
        yield plugin
    finally:
        pm.unregister(plugin)


@pytest.fixture
def clouds() -> Iterator[None]:
    """The three cloud providers registered, as their entry points would."""
    import driftplane_aws.plugin
    import driftplane_azure.plugin
    import driftplane_gcp.plugin

    load_plugins()
    added = []
    for name, module in (
        ("aws", driftplane_aws.plugin),
        ("azure", driftplane_azure.plugin),
        ("gcp", driftplane_gcp.plugin),
    ):
        if pm.get_plugin(name) is None:
            pm.register(module, name=name)
            added.append(name)
    try:
        yield
    finally:
        for name in added:
            pm.unregister(name=name)


def _data(root: Path) -> tuple[Path, Path, Path]:
    """A baseline, a target of the same distribution (1,000 rows each) and a shifted one."""
    rng = np.random.default_rng(11)
    plans = ["basic", "gold", "pro", "trial"]

    def table(n: int, shift: float, weights: list[float]) -> pa.Table:
        return pa.table(
            {"amount": rng.normal(50 + shift, 10, n), "plan": rng.choice(plans, n, p=weights)}
        )

    root.mkdir(parents=True, exist_ok=True)
    paths = (root / "train.parquet", root / "same.parquet", root / "shifted.parquet")
    pq.write_table(table(1000, 0, [0.4, 0.3, 0.2, 0.1]), paths[0])
    pq.write_table(table(1000, 0, [0.4, 0.3, 0.2, 0.1]), paths[1])
    pq.write_table(table(1000, 6, [0.2, 0.2, 0.2, 0.4]), paths[2])
    return paths


SPEC = """\
{settings}monitors:
  churn:
    baseline: {{data: train.parquet}}
    target: {target}
    checks:
      drift:
        numerical: {{metric: {numerical}, threshold: 0.1}}
        categorical: {{metric: {categorical}, threshold: 0.1}}{more}
    alerts:
      - {{when: metric, feature: amount, metric: {numerical}, above: 0.5, notify: [log]}}
"""


def write_spec(
    root: Path,
    numerical: str = "mean_shift",
    categorical: str = "total_variation",
    settings: str = "",
    more: str = "",
    target: str = "{data: shifted.parquet}",
) -> Path:
    _data(root)
    path = root / "monitors.yaml"
    text = SPEC.format(
        settings=settings, numerical=numerical, categorical=categorical, more=more, target=target
    )
    path.write_text(text)
    return path


def validate(path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", str(path), *args])
    return result.exit_code, result.stderr.replace(str(path), "F")


# -- the spec ---------------------------------------------------------------------------------


def test_without_its_plugin_the_metric_is_unknown_at_its_key(tmp_path: Path) -> None:
    code, err = validate(write_spec(tmp_path))
    assert code == 2
    assert (
        "F:7:29: monitors.churn.checks.drift.numerical.metric: 'mean_shift' is not one of normalized_wasserstein"
        in err
    )


def test_validate_accepts_a_registered_metric_its_aliases_and_its_kinds(
    tmp_path: Path, registered: MetricsPlugin
) -> None:
    path = write_spec(
        tmp_path,
        numerical="Mean-Difference",
        more="\n        features:\n          plan: {metric: total_variation}",
    )
    code, err = validate(path)
    assert code == 0, err
    monitor = resolve_monitor(load_spec(path), "churn")
    assert (
        monitor.drift.rule("amount", "numerical").metric == "mean_shift"
    )  # the alias, as driftplane names it
    assert monitor.drift.rule("plan", "categorical").metric == "total_variation"
    assert monitor.alerts[0].metric == "mean_shift"
    # a metric for numbers only is refused for categories, naming the ones that apply
    code, err = validate(write_spec(tmp_path / "kind", categorical="mean_shift"))
    assert code == 2
    assert (
        "F:7:9: monitors.churn.checks.drift: categorical.metric "
        "'mean_shift' applies to numbers only; categorical metrics are" in err
    )
    assert "cramers_v, total_variation, sagemaker_linf" in err


def test_the_json_schema_lists_registered_metrics(registered: MetricsPlugin) -> None:
    schema = spec_json_schema()
    metric = schema["$defs"]["MetricRule"]["properties"]["metric"]["anyOf"][0]
    assert metric["enum"][:8] == [
        "normalized_wasserstein",
        "jensen_shannon",
        "psi",
        "hellinger",
        "ks_statistic",
        "linf",
        "linf_robust",
        "cramers_v",
    ]
    assert metric["enum"][8:] == ["mean_shift", "total_variation", "sagemaker_linf"]


@pytest.mark.parametrize(
    ("registered", "message"),
    [
        (
            (replace(MEAN_SHIFT, name="psi"),),
            "metric 'psi': 'psi' is already driftplane's name for psi; choose another name",
        ),
        (
            (replace(MEAN_SHIFT, aliases=("js",)),),
            "metric 'mean_shift': 'js' is already driftplane's name for jensen_shannon",
        ),
        (
            (replace(MEAN_SHIFT, aliases=("chi2",)),),
            "'chi2' means a p-value elsewhere, which driftplane refuses",
        ),
        ((replace(MEAN_SHIFT, name="Mean Shift"),), "'Mean Shift' is not a metric name"),
        (
            (replace(MEAN_SHIFT, numerical=None),),
            "metric 'mean_shift' has no computation for numerical or categorical features",
        ),
        (
            (replace(MEAN_SHIFT, equivalents={"gcp": "x"}),),
            "equivalents for gcp: the clouds that compute drift themselves are azure, sagemaker",
        ),
        (
            (MEAN_SHIFT, replace(TOTAL_VARIATION, aliases=("mean_shift",))),
            "'mean_shift' is already driftplane's name for mean_shift",
        ),
    ],
    indirect=["registered"],
)
def test_a_metric_that_clashes_is_refused_with_what_to_do(
    registered: MetricsPlugin, message: str
) -> None:
    with pytest.raises(UsageError, match="register_drift_metrics") as info:
        drift_metrics.registered()
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("registered", "message"),
    [
        (
            (replace(TOTAL_VARIATION, categorical="no_such_plugin.metrics:TOTAL_VARIATION"),),
            "metric total_variation: its categorical computation 'no_such_plugin.metrics:TOTAL_VARIATION' "
            "cannot be imported",
        ),
        (
            (replace(TOTAL_VARIATION, categorical=MEAN_SHIFT.numerical),),
            "not one of driftplane.engine.computations.OnCounts",
        ),
    ],
    indirect=["registered"],
)
def test_a_computation_the_engine_cannot_use_names_its_metric(
    tmp_path: Path, registered: MetricsPlugin, message: str
) -> None:
    train, same, _ = _data(tmp_path)
    with pytest.raises(UsageError) as info:
        dp.compare(str(train), str(same), checks=_checks(numerical="normalized_wasserstein"))
    assert message in str(info.value)


# -- the engine -------------------------------------------------------------------------------


def _checks(
    numerical: str = "mean_shift", categorical: str = "total_variation", threshold: float = 0.02
) -> dp.Checks:
    return dp.Checks(
        drift=dp.DriftChecks(
            numerical=dp.MetricRule(metric=numerical, threshold=threshold),
            categorical=dp.MetricRule(metric=categorical, threshold=threshold),
        )
    )


def test_compare_computes_a_registered_metric_with_the_noise_correction(
    tmp_path: Path, registered: MetricsPlugin
) -> None:
    train, same, shifted = _data(tmp_path)
    base, moved = pq.read_table(train).to_pydict(), pq.read_table(shifted).to_pydict()

    calm = {f.name: f.drift for f in dp.compare(str(train), str(same), checks=_checks()).features}
    for name in ("amount", "plan"):
        drift = calm[name]
        assert (
            drift is not None and drift.value is not None and drift.effective_threshold is not None
        )
        # two samples of 1,000 rows differ by more than 0.02 by chance: the threshold is raised above the value
        assert (
            drift.threshold == 0.02
            and drift.effective_threshold > drift.value > 0.02
            and not drift.drifted
        )

    found = {
        f.name: f.drift for f in dp.compare(str(train), str(shifted), checks=_checks()).features
    }
    amount, plan = found["amount"], found["plan"]
    assert amount is not None and plan is not None and amount.drifted and plan.drifted
    expected = abs(np.mean(moved["amount"]) - np.mean(base["amount"])) / np.std(base["amount"])
    assert amount.metric == "mean_shift" and amount.value == pytest.approx(expected, rel=1e-9)
    shares = {
        k: (base["plan"].count(k) / 1000, moved["plan"].count(k) / 1000) for k in set(base["plan"])
    }
    assert plan.metric == "total_variation"
    assert plan.value == pytest.approx(sum(abs(a - b) for a, b in shares.values()) / 2, rel=1e-9)

    without = {
        f.name: f.drift
        for f in dp.compare(
            str(train),
            str(same),
            checks=_checks().model_copy(
                update={"drift": _checks().drift.model_copy(update={"noise_correction": False})}
            ),
        ).features
    }
    assert all(
        d is not None and d.effective_threshold in (None, 0.02) and d.drifted
        for d in without.values()
    )


def test_a_run_reports_a_registered_metric_in_its_words(
    tmp_path: Path, registered: MetricsPlugin
) -> None:
    path = write_spec(tmp_path)
    result = CliRunner().invoke(cli, ["run", str(path), "--json"])
    assert result.exit_code == 1, result.stderr  # drift found
    [run] = (
        json.loads(result.stdout)
        if result.stdout.lstrip().startswith("[")
        else [json.loads(result.stdout)]
    )
    assert {f["name"]: f["drift"]["metric"] for f in run["features"]} == {
        "amount": "mean_shift",
        "plan": "total_variation",
    }
    html = Path(run["reports"]["html"]).read_text(encoding="utf-8")
    assert (
        "Mean shift" in html
        and "How far the mean moved, in standard deviations of the baseline" in html
    )
    assert (
        "Total variation distance" in html and "The share of values that would have to move" in html
    )


# -- the clouds -------------------------------------------------------------------------------

AWS = """\
provider: aws
providers:
  aws:
    region: eu-west-1
    role_arn: arn:aws:iam::123456789012:role/SageMaker
    output_s3_uri: s3://bucket/driftplane
    backend: {backend}
    image_uri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/driftplane:1.0
"""
# Where each AWS backend reads the target.
S3_TARGET = "{data: 's3://bucket/scores/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.parquet', window: 1d}"
ENDPOINT_TARGET = "{endpoint: churn-prod}"
AZURE = """\
provider: azure
providers:
  azure: {subscription_id: 00000000-0000-0000-0000-000000000000, resource_group: rg, workspace: ws, data: as-is}
"""
GCP = """\
provider: gcp
providers:
  gcp: {project: my-project, scheduled_runs: false}
"""


def test_clouds_running_driftplane_accept_a_registered_metric(
    tmp_path: Path, registered: MetricsPlugin, clouds: None
) -> None:
    for name, settings, target in (
        ("aws", AWS.format(backend="processing"), S3_TARGET),
        ("gcp", GCP, "{data: shifted.parquet}"),
    ):
        code, err = validate(
            write_spec(tmp_path / name, settings=settings, target=target), "--provider", name
        )
        assert code == 0, f"{name}: {err}"


def test_clouds_computing_drift_refuse_a_metric_without_an_equivalent_where_it_is_set(
    tmp_path: Path, registered: MetricsPlugin, clouds: None
) -> None:
    sagemaker = AWS.format(backend="model-monitor")
    monitor_monitor = "\n        noise_correction: false"
    path = write_spec(
        tmp_path / "aws", settings=sagemaker, more=monitor_monitor, target=ENDPOINT_TARGET
    )
    code, err = validate(path, "--provider", "aws")
    assert code == 2
    assert (
        "F:15:29: monitors.churn.checks.drift.numerical.metric: "
        "SageMaker Model Monitor measures drift as its L-infinity "
        "distance (linf_robust with checks.quality.comparison_method: robust) and publishes only that; the numerical "
        "metric is mean_shift: set checks.drift.numerical.metric: linf_robust (or comparison_method: simple for linf), "
        "or use backend: processing"
    ) in err
    assert "F:16:31: monitors.churn.checks.drift.categorical.metric: SageMaker Model Monitor" in err
    assert "the categorical metric is total_variation" in err

    code, err = validate(write_spec(tmp_path / "azure", settings=AZURE), "--provider", "azure")
    assert code == 2
    assert (
        "F:10:29: monitors.churn.checks.drift.numerical.metric: "
        "Azure ML has no 'mean_shift' metric for numerical features" in err
    )
    assert (
        "F:11:31: monitors.churn.checks.drift.categorical.metric: Azure ML has no 'total_variation' metric"
        in err
    )


def test_sagemaker_takes_a_metric_that_declares_its_equivalent(
    tmp_path: Path, registered: MetricsPlugin, clouds: None
) -> None:
    settings = AWS.format(backend="model-monitor")
    quality = "\n        noise_correction: false\n      quality: {comparison_method: simple}"
    path = write_spec(
        tmp_path, "sagemaker_linf", "sagemaker_linf", settings, quality, ENDPOINT_TARGET
    )
    code, err = validate(path, "--provider", "aws")
    assert code == 0, err
    # under Robust comparison SageMaker publishes linf_robust, which this metric is not
    robust = write_spec(
        tmp_path / "robust",
        "sagemaker_linf",
        "sagemaker_linf",
        settings,
        "\n        noise_correction: false",
        ENDPOINT_TARGET,
    )
    code, err = validate(robust, "--provider", "aws")
    assert (
        code == 2
        and "the numerical metric is sagemaker_linf: set checks.drift.numerical.metric: linf_robust"
        in err
    )
