"""s3:// for real: s3fs talking to moto's S3 server on 127.0.0.1, options from the DataSource."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from driftplane.engine.readers import TIMESTAMP_COLUMN, read
from driftplane.errors import DataError
from driftplane.result import Window
from driftplane.spec.models import DataSource, Target

s3fs = pytest.importorskip("s3fs")
moto_server = pytest.importorskip("moto.server")


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def storage_options(s3_endpoint: str) -> dict:
    return {
        "key": "testing",
        "secret": "testing",
        "client_kwargs": {"endpoint_url": s3_endpoint},
        "skip_instance_cache": True,
    }


@pytest.fixture
def bucket(storage_options: dict) -> tuple[str, s3fs.S3FileSystem]:
    fs = s3fs.S3FileSystem(**storage_options)
    name = f"driftplane-{uuid.uuid4().hex[:12]}"
    fs.mkdir(name)
    return name, fs


def rows(stream) -> list[dict]:
    return [row for batch in stream for row in batch.to_pylist()]


def test_parquet_and_csv_on_s3(bucket, storage_options: dict) -> None:
    name, fs = bucket
    buffer = io.BytesIO()
    pq.write_table(pa.table({"x": [1, 2, 3], "s": ["a", "b", "c"]}), buffer)
    fs.pipe(f"{name}/train/train.parquet", buffer.getvalue())
    fs.pipe(f"{name}/csv/day.csv", b"x,s\n4,d\n")
    stream = read(DataSource(data=f"s3://{name}/train/train.parquet", storage_options=storage_options))
    assert rows(stream) == [{"x": 1, "s": "a"}, {"x": 2, "s": "b"}, {"x": 3, "s": "c"}]
    assert stream.stats.opened == [f"s3://{name}/train/train.parquet"]
    assert rows(read(DataSource(data=f"s3://{name}/csv", storage_options=storage_options))) == [{"x": 4, "s": "d"}]


def test_partitioned_capture_on_s3_reads_only_the_window(bucket, storage_options: dict) -> None:
    name, fs = bucket
    for hour in range(4):
        line = {
            "captureData": {
                "endpointInput": {
                    "observedContentType": "text/csv",
                    "mode": "INPUT",
                    "data": f"{hour},7",
                    "encoding": "CSV",
                },
                "endpointOutput": {
                    "observedContentType": "text/csv",
                    "mode": "OUTPUT",
                    "data": "0.5",
                    "encoding": "CSV",
                },
            },
            "eventMetadata": {"eventId": "e", "inferenceTime": f"2022-04-18T{hour:02d}:30:00Z"},
            "eventVersion": "0",
        }
        fs.pipe(
            f"{name}/capture/ep/AllTraffic/2022/04/18/{hour:02d}/30-00-000-u.jsonl", (json.dumps(line) + "\n").encode()
        )
    fs.pipe(f"{name}/capture/ep/AllTraffic/2022/04/18/03/broken.jsonl", b"\x00\x01")
    source = Target(
        data=f"s3://{name}/capture/ep/AllTraffic/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/{{timestamp:HH}}/*.jsonl",
        format="sagemaker-capture",
        storage_options=storage_options,
    )
    window = Window(start=datetime(2022, 4, 18, 1, tzinfo=UTC), end=datetime(2022, 4, 18, 3, tzinfo=UTC))
    stream = read(source, window=window, column_names=["y", "hour", "seven"])
    got = rows(stream)
    assert [(r["y"], r["hour"]) for r in got] == [(0.5, 1), (0.5, 2)]
    assert got[0][TIMESTAMP_COLUMN] == datetime(2022, 4, 18, 1, 30, tzinfo=UTC)
    assert stream.stats.files == 2


def test_missing_object_on_s3_is_named(bucket, storage_options: dict) -> None:
    name, _fs = bucket
    with pytest.raises(DataError, match=f"data not found: s3://{name}/nope.parquet"):
        read(DataSource(data=f"s3://{name}/nope.parquet", storage_options=storage_options))
