"""The Grafana dashboard in examples/ asks only for what `serve`'s /metrics exports.

The exported names and labels are read from a real scrape of the exporter `serve` uses,
after real runs (drift, violations, a failed window), so renaming a metric or a label in
the code fails this test until the dashboard follows.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from tests.core.local.test_runner import make_project

from driftplane.local.prometheus import PrometheusMetrics
from driftplane.plugins import get_provider
from driftplane.result import Status
from driftplane.spec import load_spec

DASHBOARD = Path(__file__).resolve().parents[3] / "examples" / "grafana" / "driftplane-dashboard.json"

# PromQL's functions and aggregations (and Grafana's label_values): any other call is a typo.
FUNCTIONS = {
    "abs", "absent", "absent_over_time", "avg", "avg_over_time", "bottomk", "ceil", "changes", "clamp", "clamp_max",
    "clamp_min", "count", "count_over_time", "count_values", "delta", "deriv", "exp", "floor", "group",
    "histogram_quantile", "idelta", "increase", "irate", "label_replace", "label_values", "last_over_time", "max",
    "max_over_time", "min", "min_over_time", "quantile", "quantile_over_time", "rate", "resets", "round", "scalar",
    "sort", "sort_desc", "stddev", "sum", "sum_over_time", "time", "timestamp", "topk", "vector",
}
GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}
KEYWORDS = {"and", "or", "unless", "bool", "offset", *GROUPING}
TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|=~|!~|!=|==|>=|<=|[A-Za-z_:][A-Za-z0-9_:]*|\d+(?:\.\d+)?(?:e[+-]?\d+)?|\S'
)


def exported() -> dict[str, set[str]]:
    """Sample name -> its label names, from /metrics after runs that drift, violate and fail."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        spec = load_spec(make_project(Path(folder)))
        metrics = PrometheusMetrics()
        runner = get_provider("local", spec.providers.get("local")).runner(spec, metrics=metrics)
        for day in (2, 4, 20):  # no drift; drift and violations; no data (failed)
            runner.run_window("churn", datetime(2026, 3, day, tzinfo=UTC))
        text = generate_latest(metrics.registry).decode()
    samples: dict[str, set[str]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, set()).update(sample.labels)
    return samples


@pytest.fixture(scope="module")
def scrape() -> dict[str, set[str]]:
    samples = exported()
    assert 'driftplane_runs_total' in samples and "driftplane_violations_total" in samples
    return samples


def dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def panels(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for panel in items:
        yield panel
        yield from panels(panel.get("panels", []))


def queries() -> list[tuple[str, str, str]]:
    """(where, PromQL, legend) of every panel target and every query variable."""
    found = []
    for panel in panels(dashboard()["panels"]):
        for target in panel.get("targets", []):
            found.append((f"panel '{panel['title']}'", target["expr"], target.get("legendFormat", "")))
    for variable in dashboard()["templating"]["list"]:
        if variable["type"] == "query":
            query = variable["query"]
            found.append((f"variable '{variable['name']}'", query["query"] if isinstance(query, dict) else query, ""))
    return found


class Parsed:
    """What a PromQL expression refers to: metric names, label matchers, grouping labels."""

    def __init__(self, expr: str) -> None:
        self.metrics: list[str] = []
        self.matchers: list[tuple[str, str, str, str]] = []  # metric, label, operator, value
        self.grouping: set[str] = set()
        self.calls: list[str] = []
        self.label_values: list[tuple[str, str]] = []
        text = re.sub(r"\$\{?\w+(?::\w+)?\}?", "VAR", expr)
        tokens = TOKEN.findall(text)
        i = 0
        while i < len(tokens):
            token = tokens[i]
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            if token in GROUPING and following == "(":
                close = tokens.index(")", i)
                self.grouping |= {t for t in tokens[i + 2 : close] if t != ","}
                i = close + 1
                continue
            if re.fullmatch(r"[A-Za-z_:][A-Za-z0-9_:]*", token) and token not in KEYWORDS:
                if following == "(" or following in GROUPING:  # f(...) or an aggregation: sum by (x) (...)
                    self.calls.append(token)
                    if token == "label_values":
                        close = tokens.index(")", i)
                        args = [t for t in tokens[i + 2 : close] if t != ","]
                        self.metrics.append(args[0])
                        self.label_values.append((args[0], args[-1]))
                        i = close + 1
                        continue
                elif token not in ("VAR", "e", "Inf", "NaN"):
                    self.metrics.append(token)
                    if following == "{":
                        close = tokens.index("}", i)
                        body = [t for t in tokens[i + 2 : close] if t != ","]
                        for label, operator, value in zip(body[::3], body[1::3], body[2::3], strict=True):
                            self.matchers.append((token, label, operator, json.loads(value)))
                        i = close + 1
                        continue
            i += 1


def test_every_query_names_only_exported_metrics_and_labels(scrape: dict[str, set[str]]) -> None:
    found = queries()
    assert len(found) >= 14
    statuses = set(typing.get_args(Status))
    for where, expr, legend in found:
        parsed = Parsed(expr)
        assert parsed.metrics, f"{where}: no metric in {expr!r}"
        for call in parsed.calls:
            assert call in FUNCTIONS, f"{where}: unknown function {call}() in {expr!r}"
        available: set[str] = set()
        for metric in parsed.metrics:
            assert metric in scrape, f"{where}: {metric} is not exported by /metrics (it has {sorted(scrape)})"
            available |= scrape[metric]
        for metric, label, _, value in parsed.matchers:
            assert label in scrape[metric], f"{where}: {metric} has no label {label!r} ({sorted(scrape[metric])})"
            if label == "status" and "$" not in value:
                assert value in statuses, f"{where}: no run has status {value!r}"
        for label in parsed.grouping:
            assert label in available, f"{where}: grouped by {label!r}, which {parsed.metrics} do not have"
        for metric, label in parsed.label_values:
            assert label in scrape[metric], f"{where}: {metric} has no label {label!r}"
        for label in re.findall(r"\{\{\s*(\w+)\s*\}\}", legend):
            assert label in available - {"le"}, f"{where}: the legend names {label!r}, which {parsed.metrics} lack"


def test_the_dashboard_shows_drift_violations_runs_durations_and_freshness(scrape: dict[str, set[str]]) -> None:
    used = {metric for _, expr, _ in queries() for metric in Parsed(expr).metrics}
    families = {re.sub(r"_(total|bucket|sum|count)$", "", name) for name in used}
    assert {
        "driftplane_feature_drift",
        "driftplane_feature_drifted",
        "driftplane_drift_share",
        "driftplane_violations",
        "driftplane_runs",
        "driftplane_rows_read",
        "driftplane_run_duration_seconds",
        "driftplane_read_duration_seconds",
        "driftplane_last_window_end_timestamp_seconds",
        "driftplane_last_run_finished_timestamp_seconds",
    } <= families


def test_the_dashboard_imports_into_any_prometheus_data_source() -> None:
    board = dashboard()
    assert board["uid"] and board["title"] == "driftplane" and board["schemaVersion"] >= 36
    [source] = [v for v in board["templating"]["list"] if v["type"] == "datasource"]
    assert source["query"] == "prometheus"
    for panel in panels(board["panels"]):
        if panel["type"] != "row":
            assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, panel["title"]
            assert panel["description"], f"panel '{panel['title']}' says nothing about what it shows"
    ids = [panel["id"] for panel in panels(board["panels"])]
    assert len(ids) == len(set(ids))


def test_the_checker_catches_a_renamed_metric_or_label(scrape: dict[str, set[str]]) -> None:
    """The test above fails on a dashboard that drifts from the code: checked on altered copies."""
    renamed = {k.replace("driftplane_feature_drift", "driftplane_feature_distance"): v for k, v in scrape.items()}
    parsed = Parsed('driftplane_feature_drift{monitor=~"$monitor"}')
    assert parsed.metrics == ["driftplane_feature_drift"] and parsed.metrics[0] not in renamed
    parsed = Parsed('sum by (monitor, check) (increase(driftplane_violations_total{kind="x"}[1h]))')
    assert parsed.grouping == {"monitor", "check"} and parsed.matchers == [
        ("driftplane_violations_total", "kind", "=", "x")
    ]
    assert "check" not in scrape["driftplane_violations_total"] and "kind" not in scrape["driftplane_violations_total"]
