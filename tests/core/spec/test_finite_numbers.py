"""A number a user writes in a spec must be finite: .inf, -.inf and .nan are refused at their key.

YAML reads `.inf` and `.nan` as floats. A threshold of .inf never fires and a bound of .nan
compares false with everything, so each would silently turn a check off."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from driftplane.cli import cli
from driftplane.errors import SpecError
from driftplane.spec import load_spec_text

HEAD = """\
monitors:
  churn:
    baseline: {data: train.parquet, label: churned}
    target: {data: capture/*.parquet}
"""
MODEL = """\
    model: {problem_type: binary, probability: score, id: request_id}
    labels: {data: labels/*.jsonl, format: jsonl, id: request_id, label: churned}
"""

CASES = [
    ("checks: {drift: {numerical: {metric: wasserstein, threshold: VALUE}}}", "checks.drift.numerical.threshold"),
    ("checks: {drift: {features: {age: {threshold: VALUE}}}}", "checks.drift.features.age.threshold"),
    ("checks: {quality: {comparison_threshold: VALUE}}", "checks.quality.comparison_threshold"),
    ("checks: {quality: {data_type_threshold: VALUE}}", "checks.quality.data_type_threshold"),
    ("checks: {performance: {metrics: {accuracy: {min: VALUE}}}}", "checks.performance.metrics.accuracy.min"),
    ("checks: {performance: {metrics: {rmse: {max: VALUE}}}}", "checks.performance.metrics.rmse.max"),
    ("checks: {performance: {metrics: {auc: {below_baseline_by: VALUE}}}}",
     "checks.performance.metrics.auc.below_baseline_by"),
    ("alerts: [{name: a, when: metric, feature: age, above: VALUE, notify: [log]}]", "alerts[0].above"),
    ("alerts: [{name: a, when: metric, feature: age, below: VALUE, notify: [log]}]", "alerts[0].below"),
]


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", ".NaN", "+.Inf"])
@pytest.mark.parametrize(("line", "key"), CASES, ids=[key for _, key in CASES])
def test_a_non_finite_number_is_refused_at_its_key(line: str, key: str, value: str) -> None:
    model = MODEL if "performance" in line else ""
    text = HEAD + model + "    " + line.replace("VALUE", value) + "\n"
    with pytest.raises(SpecError) as info:
        load_spec_text(text, file="monitors.yaml", env={})
    messages = [str(p) for p in info.value.problems]
    located = [m for m in messages if f"monitors.churn.{key}:" in m]
    assert located, messages
    assert "a finite number" in located[0], located[0]
    line_number = len((HEAD + model).splitlines()) + 1
    assert located[0].startswith(f"monitors.yaml:{line_number}:"), located[0]


@pytest.mark.parametrize("value", [".inf", ".nan"])
def test_a_model_threshold_and_coverage_must_be_finite_too(value: str) -> None:
    text = HEAD + textwrap.indent(
        f"model: {{problem_type: binary, probability: score, id: request_id, threshold: {value}}}\n"
        f"labels: {{data: labels/*.jsonl, format: jsonl, id: request_id, label: churned, min_coverage: {value}}}\n",
        "    ",
    )
    with pytest.raises(SpecError) as info:
        load_spec_text(text, file="monitors.yaml", env={})
    messages = "\n".join(str(p) for p in info.value.problems)
    assert "monitors.churn.model.threshold: expected a finite number" in messages, messages
    assert "monitors.churn.labels.min_coverage: expected a finite number" in messages, messages


def test_finite_numbers_still_load() -> None:
    text = HEAD + MODEL + "    checks: {drift: {numerical: {metric: wasserstein, threshold: 1e300}}}\n"
    spec = load_spec_text(text, file="monitors.yaml", env={})
    assert spec.monitors["churn"].checks.drift.numerical.threshold == 1e300


@pytest.mark.parametrize(
    ("spec", "where"),
    [
        (
            "channels:\n  hook: {type: webhook, url: 'http://127.0.0.1:1/x', timeout: .inf}\n",
            "monitors.yaml:2:63: channels.hook.timeout: expected a finite number, got inf",
        ),
        (
            "channels:\n  hook: {type: slack, url: 'https://hooks.slack.com/services/x', backoff: .nan}\n",
            "channels.hook.backoff: expected a finite number, got nan",
        ),
    ],
)
def test_channel_settings_must_be_finite(tmp_path: Path, spec: str, where: str) -> None:
    path = tmp_path / "monitors.yaml"
    plain = HEAD.replace(", label: churned", "")
    path.write_text(spec + plain + "    alerts: [{name: a, when: drift, notify: [hook]}]\n")
    done = CliRunner().invoke(cli, ["validate", str(path)])
    assert done.exit_code == 2, done.output
    assert where in done.stderr, done.stderr


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan"])
def test_a_duration_must_be_finite(value: str) -> None:
    text = HEAD.replace("target: {data: capture/*.parquet}", f"target: {{data: capture/*.parquet, window: {value}}}")
    with pytest.raises(SpecError) as info:
        load_spec_text(text, file="monitors.yaml", env={})
    (problem,) = info.value.problems
    assert str(problem).startswith("monitors.yaml:4:")
    assert "monitors.churn.target.window:" in str(problem)
    assert "cannot convert" not in str(problem) and "longer than 100 years" not in str(problem)
