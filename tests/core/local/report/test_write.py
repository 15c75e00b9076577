"""write_report: the file appears whole or not at all, and failures say which file and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftplane.errors import DataError
from driftplane.local.report import render_report, write_report
from driftplane.result import RunResult


def test_writes_the_rendered_report_and_returns_its_path(tmp_path: Path, drift_result: RunResult) -> None:
    target = tmp_path / "reports" / "churn" / "2024-05-01.html"
    written = write_report(target, drift_result, title="Churn")
    assert written == target
    assert target.read_text(encoding="utf-8") == render_report(drift_result, title="Churn")
    assert sorted(p.name for p in target.parent.iterdir()) == ["2024-05-01.html"]


def test_replaces_an_older_report_without_leaving_temporary_files(tmp_path: Path, drift_result: RunResult) -> None:
    target = tmp_path / "report.html"
    target.write_text("old report")
    write_report(str(target), drift_result)
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    assert target.stat().st_mode & 0o644 == 0o644


def test_a_path_that_cannot_be_written_is_a_clear_error(tmp_path: Path, drift_result: RunResult) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("a file where a directory should be")
    with pytest.raises(DataError) as caught:
        write_report(blocker / "report.html", drift_result)
    message = str(caught.value)
    assert "could not write the report of monitor 'churn-model'" in message
    assert str(blocker / "report.html") in message
    assert f"A file stands where a folder is needed on the way to {blocker}" in message


def test_a_failed_rename_keeps_what_was_there_and_cleans_up(tmp_path: Path, drift_result: RunResult) -> None:
    occupied = tmp_path / "report.html"
    occupied.mkdir()
    (occupied / "keep.txt").write_text("still here")
    with pytest.raises(DataError, match=r"report\.html"):
        write_report(occupied, drift_result)
    assert (occupied / "keep.txt").read_text() == "still here"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
