"""Fixtures for reader tests: real files under tmp_path, read relative to it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from driftplane.engine.readers import DataStream, read
from driftplane.spec.models import DataSource


@pytest.fixture
def read_path(tmp_path: Path) -> Callable[..., DataStream]:
    """``read(DataSource(data=data, **source_fields), base_dir=tmp_path, **read_kwargs)``."""

    read_keys = {"window", "column_names", "batch_rows", "capture_output"}

    def _read(data: str, **kwargs: Any) -> DataStream:
        read_kwargs = {k: v for k, v in kwargs.items() if k in read_keys}
        source_fields = {k: v for k, v in kwargs.items() if k not in read_keys}
        return read(DataSource(data=data, **source_fields), base_dir=tmp_path, **read_kwargs)

    return _read
