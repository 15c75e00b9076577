"""Fixtures of the report tests: realistic results, and one headless Chromium for the session."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The helpers beside this file (sample results, the browser driver) are plain modules;
# pytest's importlib mode does not put test directories on sys.path, so do it here.
sys.path.insert(0, str(Path(__file__).parent))

from report_browser import Browser, missing_browser
from report_samples import make_history, make_result

from driftplane.result import RunResult


@pytest.fixture(scope="session")
def drift_result() -> RunResult:
    """A churn-model run with drift on four features and four violations."""
    return make_result()


@pytest.fixture(scope="session")
def history() -> list[RunResult]:
    """Fourteen earlier runs, newest first."""
    return make_history(14)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """A real headless Chromium; the tests fail (never skip) when it is not installed."""
    problem = missing_browser()
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    session = Browser()
    try:
        yield session
    finally:
        session.close()
