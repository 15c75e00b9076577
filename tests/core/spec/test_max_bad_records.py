"""max_bad_records: a count or a share, checked by the spec models with located errors."""

from __future__ import annotations

import pytest

from driftplane.errors import SpecError
from driftplane.spec import load_spec_text
from driftplane.spec.models import DataSource, Target

SPEC = """\
monitors:
  churn:
    baseline:
      data: train.parquet
    target:
      data: capture/*.jsonl
      max_bad_records: {value}
"""


def problems_of(value: str) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec_text(SPEC.format(value=value), file="monitors.yaml", env={})
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("-1", "must be 0 or more, not -1"),
        ("abc", "a count of records (100) or a share of the records read ('0.5%')"),
        ("'150%'", "a share is at most 100%, not 150%"),
        ("true", "not True"),
        ("2.5", "not 2.5"),
    ],
)
def test_bad_values_are_located_errors(value: str, said: str) -> None:
    [problem] = problems_of(value)
    assert problem.startswith("monitors.yaml:7:")
    assert "monitors.churn.target.max_bad_records" in problem
    assert said in problem


@pytest.mark.parametrize(("value", "kept"), [("0", 0), ("250", 250), ("'1%'", "1%"), ("'0.5 %'", "0.5%"), ("'12'", 12)])
def test_good_values(value: str, kept: int | str) -> None:
    spec = load_spec_text(SPEC.format(value=value), file="monitors.yaml", env={})
    assert spec.monitors["churn"].target.max_bad_records == kept


def test_the_default_and_building_in_code() -> None:
    assert DataSource(data="x.csv").max_bad_records == 100
    assert Target(data="x.csv", max_bad_records="2%").max_bad_records == "2%"
    with pytest.raises(SpecError, match="max_bad_records"):
        DataSource(data="x.csv", max_bad_records=-3)
