"""A plugin's drift metric on Azure: taken only as the Azure distance its registry entry names.

The Azure equivalent is read from driftplane's metric registry, so a metric a plugin
registers with ``equivalents={"azure": ...}`` is validated, sent to Azure under that
keyword and read back from Azure's rows under its own name; one without, or naming one
of Azure's p-value tests, is refused at the key that sets it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.providers.azure.conftest import CHURN
from tests.providers.azure.fake_arm import FakeARM
from tests.providers.azure.test_lifecycle import ML, breach_text

import driftplane as dp
from driftplane.drift_metrics import AZURE, DriftMetric
from driftplane.plugins import load_plugins, pm
from driftplane.spec import load_spec
from driftplane_azure.provider import AzureProvider

_C = "driftplane.engine.computations:"
# Jensen-Shannon under a plugin's name, declared as Azure's jensen_shannon_distance.
JSD = DriftMetric(
    "jsd",
    "JS distance",
    "Jensen-Shannon under another name.",
    numerical=_C + "JENSEN_SHANNON",
    categorical=_C + "JENSEN_SHANNON",
    equivalents={AZURE: "jensen_shannon_distance"},
)
# A distance that claims Azure's chi-squared p-value test as its equivalent: not a distance there.
CHI = DriftMetric(
    "chi_distance",
    "chi distance",
    "A distance named after a test.",
    categorical=_C + "CRAMERS_V",
    equivalents={AZURE: "pearsons_chi_squared_test"},
)


class Plugin:
    @dp.hookimpl
    def register_drift_metrics(self, register: Callable[[DriftMetric], None]) -> None:
        register(JSD)
        register(CHI)


@pytest.fixture
def plugin_metrics() -> Iterator[None]:
    load_plugins()
    plugin = Plugin()
    pm.register(plugin, name="test-azure-metrics")
    try:
        yield
    finally:
        pm.unregister(plugin)


def churn_with(write_spec: Callable[..., Path], categorical: str) -> dp.Spec:
    text = CHURN.replace(
        "drift: {noise_correction: false}",
        f"drift: {{noise_correction: false, categorical: {{metric: {categorical}, threshold: 0.2}}}}",
    )
    return load_spec(str(write_spec(text)))


def test_a_metric_with_an_azure_equivalent_is_sent_and_read_back_as_itself(
    write_spec: Callable[..., Path], plugin_metrics: None, connected: FakeARM
) -> None:
    spec = churn_with(write_spec, "jsd")
    provider = AzureProvider.from_spec(spec)
    assert provider.check(spec) == []
    (change,) = json.loads(provider.plan(spec, offline=True).model_dump_json())["changes"]
    signal: dict[str, Any] = change["request"]["body"]["properties"]["action"]["monitorDefinition"]["signals"][
        "data-drift-signal"
    ]
    assert {"metric": "jensenShannonDistance", "threshold": {"value": 0.2}, "dataType": "Categorical"} in signal[
        "metricThresholds"
    ]

    provider.apply(spec)
    rows = [
        {"group": "area_code", "metric_value": 0.42, "metric_name": "JensenShannonDistance", "threshold_value": 0.2}
    ]
    connected.jobs.append({
        "id": f"{ML}/jobs/run-1", "name": "run-1", "type": "Microsoft.MachineLearningServices/workspaces/jobs",
        "scheduleName": "churn", "systemData": {"createdAt": "2026-11-19T00:04:00Z"},
        "properties": {"jobType": "Pipeline", "status": "Failed", "properties": {}, "experimentName": "churn",
                       "tags": {"azureml_modelmonitor_threshold_breached": breach_text("data-drift-signal", rows)},
                       "jobs": {}, "inputs": {}, "outputs": {}, "settings": {}},
    })
    (run,) = provider.status(spec)[0].runs
    assert [(f.name, f.kind, f.drift.metric, f.drift.drifted) for f in run.features if f.drift] == [
        ("area_code", "categorical", "jsd", True)
    ]


def test_a_metric_naming_an_azure_p_value_test_is_refused_where_it_is_set(
    write_spec: Callable[..., Path], plugin_metrics: None
) -> None:
    spec = churn_with(write_spec, "chi_distance")
    [problem] = AzureProvider.from_spec(spec).check(spec)
    assert problem.key_path == "monitors.churn.checks.drift.categorical.metric" and problem.line is not None
    assert problem.message == (
        "Azure ML has no 'chi_distance' metric for categorical features; it offers jensen_shannon, psi, jsd"
    )
