"""Local baselines become mltable data assets: the data files plus the MLTable file that reads them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.providers.azure.conftest import AZURE_CHECKS, SETTINGS
from tests.providers.azure.fake_arm import FakeARM

from driftplane.errors import DataError
from driftplane.spec import load_spec
from driftplane_azure.provider import AzureProvider


def spec_with_baseline(write_spec: Callable[..., Path], baseline: str, extra: str = "") -> Path:
    return write_spec(
        SETTINGS.replace("data: as-is", "data: upload")
        + extra
        + f"""\
monitors:
  m:
    baseline: {{data: {baseline}}}
    target: {{data: "azureml:churn-scoring:1", window: 1d}}
    schedule: daily
"""
        + AZURE_CHECKS
    )


def uploaded(fake: FakeARM) -> dict[str, bytes]:
    """Blobs under the monitor's upload folder, by their path inside it."""
    return {path.split("/", 5)[5]: body for path, body in fake.blobs.items()}


def test_a_folder_of_csv_files_is_uploaded_with_an_mltable_naming_each(
    write_spec: Callable[..., Path], connected: FakeARM, tmp_path: Path
) -> None:
    (tmp_path / "train" / "2026").mkdir(parents=True)
    (tmp_path / "train" / "a.csv").write_text("x,y\n1,a\n", encoding="utf-8")
    (tmp_path / "train" / "2026" / "b.csv").write_text("x,y\n2,b\n", encoding="utf-8")
    (tmp_path / "train" / ".DS_Store").write_bytes(b"\0")
    connected.add_datastore()
    spec = load_spec(str(spec_with_baseline(write_spec, "train")))
    AzureProvider.from_spec(spec).apply(spec)
    blobs = uploaded(connected)
    assert set(blobs) == {"a.csv", "2026/b.csv", "MLTable"}
    assert blobs["MLTable"].decode() == (
        "paths:\n"
        '  - file: "./2026/b.csv"\n'
        '  - file: "./a.csv"\n'
        "transformations:\n"
        "  - read_delimited:\n"
        '      delimiter: ","\n'
        "      header: all_files_same_headers\n"
        "      encoding: utf8\n"
    )
    (registered,) = [s for s in connected.sent if s.method == "PUT" and "/data/driftplane-m-baseline/" in s.path]
    assert registered.body["properties"]["dataType"] == "mltable"


def test_a_folder_with_its_own_mltable_is_uploaded_as_it_is(
    write_spec: Callable[..., Path], connected: FakeARM, tmp_path: Path
) -> None:
    (tmp_path / "train").mkdir()
    (tmp_path / "train" / "part.parquet").write_bytes(b"PAR1")
    own = b"paths:\n  - pattern: ./*.parquet\ntransformations:\n  - read_parquet\n"
    (tmp_path / "train" / "MLTable").write_bytes(own)
    connected.add_datastore()
    spec = load_spec(str(spec_with_baseline(write_spec, "train")))
    AzureProvider.from_spec(spec).apply(spec)
    assert uploaded(connected) == {"MLTable": own, "part.parquet": b"PAR1"}


def test_a_baseline_folder_of_mixed_formats_says_what_to_do(write_spec: Callable[..., Path], tmp_path: Path) -> None:
    (tmp_path / "train").mkdir()
    (tmp_path / "train" / "a.csv").write_text("x\n1\n", encoding="utf-8")
    (tmp_path / "train" / "b.parquet").write_bytes(b"PAR1")
    spec = load_spec(str(spec_with_baseline(write_spec, "train")))
    with pytest.raises(
        DataError, match=r"monitors\.m\.baseline\.data: cannot tell how Azure ML should read .*\.csv, \.parquet"
    ):
        AzureProvider.from_spec(spec).plan(spec, offline=True)


def test_an_uploaded_baseline_cannot_be_declared_uri_file(write_spec: Callable[..., Path], tmp_path: Path) -> None:
    (tmp_path / "train.csv").write_text("x\n1\n", encoding="utf-8")
    path = spec_with_baseline(write_spec, "train.csv", extra="    monitors:\n      m: {baseline_type: uri_file}\n")
    spec = load_spec(str(path))
    (problem,) = AzureProvider.from_spec(spec).check(spec)
    assert problem.key_path == "providers.azure.monitors.m.baseline_type"
    assert "registered as an mltable" in problem.message and problem.line
