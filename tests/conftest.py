"""Suite-wide settings: installed third-party plugins never leak into driftplane's tests."""

from __future__ import annotations

import sys

import pytest

pytest_plugins = ["pytester"]


# Set on import, not only in pytest_configure: a conftest given on the command line (pytest
# tests/equivalence) is imported before pytest_configure runs, and may load the plugins then.
sys._called_from_test = True  # type: ignore[attr-defined]


def pytest_configure(config: pytest.Config) -> None:
    sys._called_from_test = True  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    if hasattr(sys, "_called_from_test"):
        del sys._called_from_test


@pytest.fixture(autouse=True)
def _forget_s3_filesystems():
    """fsspec keeps one S3 filesystem per set of arguments, with the endpoint and credentials the
    environment had when it was made; a test's moto server is gone by the next test, so start clean."""
    yield
    import sys

    s3fs = sys.modules.get("s3fs")
    if s3fs is not None:
        s3fs.S3FileSystem.clear_instance_cache()


@pytest.fixture(autouse=True)
def _detach_cli_log_handlers():
    """The CLI attaches handlers to the streams of its run; drop them after each test."""
    yield
    import logging

    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_driftplane", False):
            root.removeHandler(handler)
            handler.close()
