"""A column declared both categorical and numerical is refused when the spec is read."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from driftplane.cli import cli
from driftplane.errors import SpecError
from driftplane.spec import load_spec

SPEC = """\
monitors:
  churn:
    baseline: {data: train.csv}
    target: {data: daily/*.csv}
    features:
      categorical: [area_code, plan]
      numerical:
        - day_mins
        - area_code
"""


def test_a_column_in_both_kind_lists_is_refused_at_its_numerical_entry(tmp_path: Path) -> None:
    path = tmp_path / "monitors.yaml"
    path.write_text(SPEC)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (9, 11)
    assert problem.key_path == "monitors.churn.features.numerical[1]"
    assert "'area_code' is in both features.categorical (line 6) and features.numerical" in problem.message
    assert "remove it from one of the lists" in problem.message


def test_validate_reports_it_with_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "monitors.yaml"
    path.write_text(SPEC)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}:9:11: monitors.churn.features.numerical[1]: 'area_code' is in both" in result.stderr


def test_every_overlap_of_every_monitor_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "monitors.yaml"
    body = textwrap.dedent(
        """\
        monitors:
          a:
            baseline: {data: train.csv}
            target: {data: daily/*.csv}
            features: {categorical: [x, y], numerical: [y, x]}
          b:
            baseline: {data: train.csv}
            target: {data: daily/*.csv}
            features: {categorical: [z], numerical: [z]}
        """
    )
    path.write_text(body)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert [p.key_path for p in info.value.problems] == [
        "monitors.a.features.numerical[0]",
        "monitors.a.features.numerical[1]",
        "monitors.b.features.numerical[0]",
    ]


def test_separate_lists_and_a_per_feature_kind_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "monitors.yaml"
    path.write_text(
        SPEC.replace("        - area_code\n", "")
        + "    checks: {drift: {features: {plan: {kind: numerical}}}}\n"
    )
    assert load_spec(path).monitors["churn"].features.numerical == ["day_mins"]
