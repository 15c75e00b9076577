"""Paths, feature names and other user text are printed as they are: rich's markup ([bold], [/])
and emoji codes (:smile:) in them are text, never styles, in every command's output."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from click.testing import CliRunner

from driftplane.cli import cli

ODD = "[bold]draft[/bold] :smile: [x]"
COLUMN = "[red]income[/red]"


def _project(root: Path) -> Path:
    rng = np.random.default_rng(7)
    folder = root / "project"
    (folder / "data").mkdir(parents=True)
    pq.write_table(pa.table({COLUMN: rng.normal(0, 1, 2000), "plan": rng.choice(["a", "b"], 2000)}),
                   folder / "data" / "train.parquet")
    pq.write_table(pa.table({COLUMN: rng.normal(4, 1, 500), "plan": rng.choice(["a", "b"], 500)}),
                   folder / "data" / "target.parquet")
    spec = folder / "monitors.yaml"
    spec.write_text(
        textwrap.dedent(
            f"""\
            providers:
              local: {{reports_dir: "{ODD} reports"}}
            monitors:
              m:
                baseline: {{data: data/train.parquet}}
                target: {{data: data/target.parquet}}
            """
        )
    )
    return spec


def test_run_prints_report_paths_and_feature_names_as_they_are(tmp_path: Path) -> None:
    spec = _project(tmp_path)
    result = CliRunner().invoke(cli, ["run", str(spec)])
    assert result.exit_code == 1, result.output
    out = result.stdout
    report = next(line for line in out.splitlines() if "report:" in line)
    shown = Path(report.split("report: ", 1)[1])
    assert shown.is_file(), out  # the path as it is, so it can be opened
    assert f"{ODD} reports" in report
    assert COLUMN in out, out


def test_profile_prints_column_names_and_paths_as_they_are(tmp_path: Path) -> None:
    spec = _project(tmp_path)
    data = spec.parent / "data" / "train.parquet"
    result = CliRunner().invoke(cli, ["profile", str(data)])
    assert result.exit_code == 0, result.output
    assert f"{data}: 2,000 rows, 2 columns" in result.stdout
    assert COLUMN in result.stdout, result.stdout


def test_history_prints_feature_names_as_they_are(tmp_path: Path) -> None:
    spec = _project(tmp_path)
    assert CliRunner().invoke(cli, ["run", str(spec)]).exit_code == 1
    history = CliRunner().invoke(cli, ["history", "m", "--spec", str(spec)])
    assert history.exit_code == 0, history.output
    assert COLUMN in history.stdout, history.stdout
