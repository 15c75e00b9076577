"""One small local Spark for every Spark test: local[2], no UI, few shuffle partitions.

Starting Spark costs seconds, so the session is shared by the whole test session; tests
that change a runtime setting (split sizes) put it back. Java must be on the machine: a
missing Java fails these tests with the engine's own message rather than skipping them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from driftplane.engine.spark.session import get_session

SPARK_TEST_CONF = {
    "spark.master": "local[2]",
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.driver.memory": "1g",
    "spark.sql.execution.arrow.maxRecordsPerBatch": "20000",
}


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    session = get_session({**SPARK_TEST_CONF, "spark.sql.warehouse.dir": str(warehouse)})
    yield session
    session.stop()


@pytest.fixture
def small_splits(spark) -> Iterator[None]:
    """Split files into 64 KB parts, so one file spans several partitions (and splits start mid-file)."""
    key = "spark.sql.files.maxPartitionBytes"
    before = spark.conf.get(key)
    spark.conf.set(key, "65536")
    spark.conf.set("spark.sql.files.openCostInBytes", "1")
    yield
    spark.conf.set(key, before)
    spark.conf.unset("spark.sql.files.openCostInBytes")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.spark)
