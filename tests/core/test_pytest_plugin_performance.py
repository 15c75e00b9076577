"""The pytest plugin's performance floor: assert_performance and the cases' performance key.

Results come from the engine's accumulators on scikit-learn-made data (tests/core/performance_results.py):
accuracy about 0.92 on days 0-2 and about 0.69 from day 3, when 30% of the labels are wrong.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from tests.core.conftest import build_result
from tests.core.performance_results import quality_result

# Loaded here, outside pytester's module snapshot: numpy cannot be imported twice in a process.
import driftplane.engine.monitor  # noqa: F401
from driftplane.pytest_plugin import DriftplaneFixture, MonitorCheckFailed
from driftplane.result import RunResult

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart"


@pytest.fixture
def fixture(tmp_path: Path) -> DriftplaneFixture:
    return DriftplaneFixture(tmp_path, tmp_path)


def _value(result: RunResult, name: str, estimated: bool = False) -> float:
    assert result.performance is not None
    [metric] = [m for m in result.performance.metrics if m.name == name and m.estimated == estimated]
    assert metric.value is not None
    return metric.value


def test_a_floor_that_holds_passes(fixture: DriftplaneFixture) -> None:
    fixture.assert_performance(quality_result(0), accuracy__min=0.85, auc__min=0.9, judged="final")
    fixture.assert_performance(quality_result(0))  # the spec's own checks pass


def test_a_broken_floor_says_the_metric_value_bound_and_judgement(fixture: DriftplaneFixture) -> None:
    result = quality_result(3)
    accuracy = _value(result, "accuracy")
    with pytest.raises(MonitorCheckFailed) as caught:
        fixture.assert_performance(result, accuracy__min=0.85, f1__min=0.5)
    message = str(caught.value)
    assert (
        f"- accuracy is {accuracy:.4g}, below the floor of 0.85; judged final, 800 of 800 predictions labelled (100%)"
        in message
    )
    assert "f1 is" not in message  # 0.7 holds its floor of 0.5
    assert f"accuracy {accuracy:.4g} (spec: min 0.85) -> FAILED" in message


def test_a_ceiling_is_checked_too(fixture: DriftplaneFixture) -> None:
    result = quality_result(0)
    with pytest.raises(MonitorCheckFailed, match=r"accuracy is 0\.9\d+, above the ceiling of 0\.9; judged final"):
        fixture.assert_performance(result, accuracy__max=0.9)


def test_without_bounds_the_specs_failed_checks_are_listed(fixture: DriftplaneFixture) -> None:
    result = quality_result(4)
    with pytest.raises(MonitorCheckFailed) as caught:
        fixture.assert_performance(result)
    message = str(caught.value)
    assert f"- accuracy {_value(result, 'accuracy'):.4g} (spec: min 0.85) -> FAILED; judged final" in message
    assert f"- auc {_value(result, 'auc'):.4g} (spec: min 0.8) -> FAILED; judged final" in message


def test_a_provisional_value_is_refused_when_a_final_one_is_required(fixture: DriftplaneFixture) -> None:
    provisional = quality_result(1, judged="provisional", labelled_share=0.5)
    fixture.assert_performance(provisional, accuracy__min=0.85)  # provisional values count unless told
    with pytest.raises(MonitorCheckFailed) as caught:
        fixture.assert_performance(provisional, accuracy__min=0.85, judged="final")
    assert (
        "expected the window to be judged final, but it was judged provisional, 400 of 800 predictions labelled (50%)"
        in str(caught.value)
    )


def test_an_estimate_counts_only_when_asked(fixture: DriftplaneFixture) -> None:
    estimated = quality_result(0, judged="estimated", labelled_share=0.0)
    only_estimate = r"no realised 'accuracy' \(only an estimate so far; pass estimates=True"
    with pytest.raises(MonitorCheckFailed, match=only_estimate):
        fixture.assert_performance(estimated, accuracy__min=0.85)
    fixture.assert_performance(estimated, accuracy__min=0.85, estimates=True)
    estimate = _value(estimated, "accuracy", estimated=True)
    with pytest.raises(MonitorCheckFailed, match=rf"estimated accuracy is {estimate:.4g}, below the floor of 0\.99"):
        fixture.assert_performance(estimated, accuracy__min=0.99, estimates=True)


def test_a_metric_the_model_does_not_have_is_named_with_those_it_has(fixture: DriftplaneFixture) -> None:
    with pytest.raises(MonitorCheckFailed, match=r"no realised 'rmse'; its metrics: accuracy, auc, f1, precision"):
        fixture.assert_performance(quality_result(0), rmse__max=2.0)


def test_a_result_without_model_quality_says_why(fixture: DriftplaneFixture) -> None:
    with pytest.raises(MonitorCheckFailed, match="has no model quality: the monitor declares no model"):
        fixture.assert_performance(build_result(), accuracy__min=0.85)


def test_a_malformed_bound_is_a_type_error_that_shows_the_form(fixture: DriftplaneFixture) -> None:
    with pytest.raises(TypeError, match=r"<metric>__min or <metric>__max \(e\.g\. accuracy__min=0\.85"):
        fixture.assert_performance(quality_result(0), accuracy=0.85)
    with pytest.raises(TypeError, match="must be a number"):
        fixture.assert_performance(quality_result(0), accuracy__min="high")  # type: ignore[arg-type]


def test_in_a_teams_test_suite_the_failure_reads_well(pytester: pytest.Pytester) -> None:
    results = pytester.path / "results"
    results.mkdir()
    (results / "good.json").write_text(quality_result(0).to_json())
    (results / "bad.json").write_text(quality_result(3).to_json())
    pytester.makepyfile(
        """
        from pathlib import Path
        from driftplane.result import RunResult

        def load(name):
            return RunResult.model_validate_json(Path("results", name + ".json").read_text())

        def test_the_good_day(driftplane):
            driftplane.assert_performance(load("good"), accuracy__min=0.85, judged="final")

        def test_the_bad_day(driftplane):
            driftplane.assert_performance(load("bad"), accuracy__min=0.85, judged="final")
        """
    )
    outcome = pytester.runpytest("-p", "no:cacheprovider")
    outcome.assert_outcomes(passed=1, failed=1)
    text = outcome.stdout.str()
    assert "MonitorCheckFailed: the model's quality is not as expected:" in text
    assert "below the floor of 0.85; judged final, 800 of 800 predictions labelled (100%)" in text


def test_a_case_file_can_ask_for_model_quality(pytester: pytest.Pytester) -> None:
    spec = QUICKSTART / "monitors.yaml"
    day = QUICKSTART / "data" / "daily" / "2026" / "01" / "05" / "scores.parquet"
    pytester.path.joinpath("test_quality.driftplane.yaml").write_text(
        textwrap.dedent(
            f"""\
            spec: {spec}
            cases:
              - name: accuracy holds its floor
                monitor: churn
                data: {day}
                judged: final
                performance:
                  accuracy: {{min: 0.85}}
            """
        )
    )
    outcome = pytester.runpytest("-p", "no:cacheprovider")
    outcome.assert_outcomes(failed=1)
    text = outcome.stdout.str()
    assert "case 'accuracy holds its floor'" in text
    assert "has no model quality: the monitor declares no model (add model:, labels: and checks.performance" in text


def test_a_misspelt_bound_in_a_case_file_points_at_its_line(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("test_typo.driftplane.yaml").write_text(
        textwrap.dedent(
            """\
            spec: monitors.yaml
            cases:
              - name: a typo
                monitor: churn
                data: day.parquet
                performance:
                  accuracy: {minimum: 0.85}
            """
        )
    )
    outcome = pytester.runpytest("-p", "no:cacheprovider")
    text = outcome.stdout.str()
    assert "invalid driftplane test file" in text
    assert ":7:" in text and "minimum" in text


MODEL_QUALITY = Path(__file__).resolve().parents[2] / "examples" / "model-quality"


def test_the_fixture_judges_a_monitors_model_quality_with_its_labels(pytester: pytest.Pytester) -> None:
    """A monitor whose labels land apart from the predictions (model:, labels:) is judged as a
    local run judges it: the predictions joined to the labels that have landed, so a floor on the
    fixture's result passes on a good day and fails, naming the metric, on the day accuracy fell."""
    spec = MODEL_QUALITY / "monitors.yaml"
    days = MODEL_QUALITY / "data" / "predictions" / "2026" / "02"
    pytester.makepyfile(
        f"""
        from datetime import datetime, UTC

        SPEC = {str(spec)!r}
        DAYS = {str(days)!r}

        def test_a_good_day(driftplane):
            result = driftplane.run(SPEC, "churn-quality", DAYS + "/05/predictions.parquet")
            assert result.performance is not None and result.performance.judged == "final"
            assert result.performance.coverage.labelled == result.performance.coverage.predictions > 0
            driftplane.assert_performance(result, accuracy__min=0.8, judged="final")

        def test_the_day_accuracy_fell(driftplane):
            result = driftplane.run(SPEC, "churn-quality", DAYS + "/14/predictions.parquet")
            driftplane.assert_performance(result, accuracy__min=0.8, judged="final")
        """
    )
    pytester.path.joinpath("test_quality.driftplane.yaml").write_text(
        textwrap.dedent(
            f"""\
            spec: {spec}
            cases:
              - name: a good day holds the floor
                monitor: churn-quality
                data: {days / "05" / "predictions.parquet"}
                judged: final
                performance:
                  accuracy: {{min: 0.8}}
              - name: the spec's own checks fail once accuracy fell
                monitor: churn-quality
                data: {days / "14" / "predictions.parquet"}
                performance: {{}}
            """
        )
    )
    outcome = pytester.runpytest("-p", "no:cacheprovider")
    outcome.assert_outcomes(passed=2, failed=2)
    text = outcome.stdout.str()
    assert "test_the_day_accuracy_fell" in text
    assert "MonitorCheckFailed: the model's quality is not as expected:" in text
    assert "- accuracy is 0." in text and "below the floor of 0.8; judged final" in text
    assert "case 'the spec's own checks fail once accuracy fell'" in text
    assert "has no model quality" not in text
