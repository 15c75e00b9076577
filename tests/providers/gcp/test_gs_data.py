"""`run --provider gcp` reads gs:// data through fsspec (gcsfs) and writes what it found."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from driftplane.spec import Spec
from driftplane_gcp.clients import GcpClients
from driftplane_gcp.emulator import GoogleCloudEmulator

from .conftest import REPO, SETTINGS, provider_for
from .gcs_server import GcsServer


@pytest.fixture
def gcs(monkeypatch: pytest.MonkeyPatch) -> Iterator[GcsServer]:
    # gcsfs's default (experimental) file system asks the Storage Control gRPC API, over TLS,
    # for each bucket's type, which a plain JSON API server cannot answer; the classic one
    # needs only the JSON API.
    import gcsfs.core

    registry = sys.modules["fsspec.registry"]._registry
    for protocol in ("gs", "gcs"):
        monkeypatch.setitem(registry, protocol, gcsfs.core.GCSFileSystem)
    server = GcsServer()
    data = REPO / "examples" / "quickstart" / "data"
    for path in sorted(data.rglob("*.parquet")):
        server.put("ml-data", "churn/" + path.relative_to(data).as_posix(), path.read_bytes())
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", server.start())
    yield server
    server.stop()


def test_run_reads_gs_data_and_writes_the_result(
    gcs: GcsServer, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    anonymous = {"token": "anon"}  # no Google credentials on this machine
    spec = Spec.model_validate(
        {
            "provider": "gcp",
            "providers": {"gcp": SETTINGS},
            "monitors": {
                "churn": {
                    "baseline": {"data": "gs://ml-data/churn/train.parquet", "storage_options": anonymous},
                    "target": {
                        "data": "gs://ml-data/churn/daily/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.parquet",
                        "window": "1d",
                        "storage_options": anonymous,
                    },
                    "features": {"exclude": ["customer_id"]},
                }
            },
        }
    )
    provider = provider_for(spec, clients)
    (result,) = provider.run(spec, at=datetime(2026, 1, 12, tzinfo=UTC))
    assert result.status != "failed", result.error
    assert result.rows.baseline == 20000 and result.rows.target == 2000
    assert "day_mins" in {f.name for f in result.drifted_features}
    assert any("/download/storage/v1/b/ml-data/o/churn%2Fdaily%2F2026%2F01%2F11" in r for r in gcs.requests)
    (status,) = provider.status(spec)
    assert status.runs[0].rows.target == 2000
