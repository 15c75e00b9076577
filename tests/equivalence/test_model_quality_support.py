"""Model quality on a cloud that does not translate it yet: refused at validate, at each key, never dropped."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from driftplane.cli import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "model-quality" / "monitors.yaml"


@pytest.mark.parametrize("provider", ["azure", "gcp"])  # aws: tests/providers/aws/test_model_quality.py
def test_each_model_quality_key_is_refused_where_it_is_written(tmp_path: Path, provider: str) -> None:
    spec = tmp_path / "monitors.yaml"
    shutil.copy(EXAMPLE, spec)
    result = CliRunner().invoke(cli, ["validate", str(spec), "--provider", provider])
    assert result.exit_code == 2, result.output
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "This is a bug" not in text
    lines = text.splitlines()
    refused = [line for line in lines if f"which the {provider} provider does not translate yet" in line]
    keys = {re.search(r"monitors\.churn-quality\.([\w.\[\]]+):", line).group(1) for line in refused}  # type: ignore[union-attr]
    assert {"model", "labels", "checks.performance", "alerts[0].when", "alerts[1].when", "alerts[2].when"} <= keys
    source = spec.read_text().splitlines()
    for line in refused:  # FILE:LINE:COL points at the key itself
        match = re.match(r".*monitors\.yaml:(\d+):(\d+): monitors\.churn-quality\.([\w.\[\]]+):", line)
        assert match, line
        row, column, key = int(match.group(1)), int(match.group(2)), match.group(3)
        last = key.rsplit(".", 1)[-1]
        assert source[row - 1][column - 1 :].startswith(last.split("[")[0]), (line, source[row - 1])
    assert "--provider local" in refused[0]
