"""The pytest plugin as a team uses it: the fixture, and test_*.driftplane.yaml files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

# Loaded here, outside pytester's module snapshot: numpy cannot be imported twice in a process.
import driftplane.engine.monitor  # noqa: F401

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart"
SPEC = QUICKSTART / "monitors.yaml"
CLEAN_DAY = QUICKSTART / "data" / "daily" / "2026" / "01" / "05" / "scores.parquet"
DRIFTED_DAY = QUICKSTART / "data" / "daily" / "2026" / "01" / "12" / "scores.parquet"


def test_fixture_runs_a_monitor_against_files_and_tables(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import pyarrow.parquet as pq

        def test_clean_day(driftplane):
            result = driftplane.run({str(SPEC)!r}, "churn", {str(CLEAN_DAY)!r})
            driftplane.assert_ok(result)

        def test_a_table_works_too(driftplane):
            table = pq.read_table({str(CLEAN_DAY)!r})
            driftplane.assert_no_drift(driftplane.run({str(SPEC)!r}, "churn", table))

        def test_drift_is_explained(driftplane):
            result = driftplane.run({str(SPEC)!r}, "churn", {str(DRIFTED_DAY)!r})
            driftplane.assert_no_drift(result)
        """
    )
    outcome = pytester.runpytest("-p", "no:cacheprovider")
    outcome.assert_outcomes(passed=2, failed=1)
    text = outcome.stdout.str()
    assert "expected 'day_mins' not to drift, but it did" in text
    assert "day_mins: normalized_wasserstein 0.5" in text and "vs threshold 0.1 -> DRIFTED" in text


def test_yaml_cases_are_collected_and_failures_name_the_case(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("test_churn.driftplane.yaml").write_text(
        textwrap.dedent(
            f"""\
            spec: {SPEC}
            cases:
              - name: a normal day passes
                monitor: churn
                data: {CLEAN_DAY}
                expect: ok
              - name: the price change is caught
                monitor: churn
                data: {DRIFTED_DAY}
                expect: drift_and_violations
                drifted: [day_mins, intl_plan]
                not_drifted: [eve_mins]
              - name: a wrong expectation
                monitor: churn
                data: {DRIFTED_DAY}
                expect: ok
            """
        )
    )
    outcome = pytester.runpytest("-v", "-p", "no:cacheprovider")
    outcome.assert_outcomes(passed=2, failed=1)
    text = outcome.stdout.str()
    assert "test_churn.driftplane.yaml:13: case 'a wrong expectation'" in text
    assert "expected status ok, got drift_and_violations" in text
    assert "test_churn.driftplane.yaml::a normal day passes PASSED" in text


def test_a_broken_case_file_points_at_the_line(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("test_bad.driftplane.yaml").write_text(
        f"spec: {SPEC}\ncases:\n  - name: typo\n    monitr: churn\n    data: x.parquet\n"
    )
    outcome = pytester.runpytest("-p", "no:cacheprovider")
    outcome.assert_outcomes(errors=1)
    assert (
        "test_bad.driftplane.yaml:4:5: cases[0].monitr: unknown key 'monitr'; did you mean 'monitor'?"
        in outcome.stdout.str()
    )


def test_other_yaml_files_are_not_collected(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("monitors.yaml").write_text("monitors: {}\n")
    pytester.path.joinpath("test_notes.yaml").write_text("a: 1\n")
    outcome = pytester.runpytest("-p", "no:cacheprovider")
    assert outcome.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_a_case_without_expectations_fails_and_says_which_keys_to_use(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("test_empty.driftplane.yaml").write_text(
        textwrap.dedent(
            f"""\
            spec: {SPEC}
            cases:
              - name: a normal day passes
                monitor: churn
                data: {CLEAN_DAY}
                expect: ok
              - name: forgot to say what to expect
                monitor: churn
                data: {DRIFTED_DAY}
            """
        )
    )
    outcome = pytester.runpytest("-p", "no:cacheprovider")
    outcome.assert_outcomes(passed=1, failed=1)
    text = outcome.stdout.str()
    assert "test_empty.driftplane.yaml:7: case 'forgot to say what to expect': the case has no expectation" in text
    assert "add at least one of expect, drifted, not_drifted, violations" in text


def test_fixture_takes_relative_data_paths_from_the_root_directory_like_the_spec(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = pytester.path
    (project / "pytest.ini").write_text("[pytest]\n")
    (project / "monitoring" / "data").mkdir(parents=True)
    (project / "monitoring" / "monitors.yaml").write_text(SPEC.read_text())
    for source in (QUICKSTART / "data").glob("train.*"):
        (project / "monitoring" / "data" / source.name).write_bytes(source.read_bytes())
    (project / "days").mkdir()
    (project / "days" / "clean.parquet").write_bytes(CLEAN_DAY.read_bytes())
    (project / "tests").mkdir()
    (project / "tests" / "test_days.py").write_text(
        textwrap.dedent(
            """\
            def test_clean_day(driftplane):
                driftplane.assert_ok(driftplane.run("monitoring/monitors.yaml", "churn", "days/clean.parquet"))
            """
        )
    )
    # run from inside tests/: the data path must not depend on the current directory
    monkeypatch.chdir(project / "tests")
    outcome = pytester.runpytest("-p", "no:cacheprovider", str(project / "tests"), "--rootdir", str(project))
    outcome.assert_outcomes(passed=1)
