"""The Spark engine: profiles computed on Apache Spark when data outgrows one machine.

Each partition is profiled by the local engine's own code inside ``DataFrame.mapInArrow``;
the partial profiles are merged on the driver with ``Profile.merge_in``; drift, checks,
reports and alerts are then exactly the local ones. Selected per monitor (``engine: spark``)
or per run (``--engine spark``). Needs ``pip install 'driftplane[spark]'`` and Java.
"""

from __future__ import annotations

from driftplane.engine.spark.locations import TABLE_PREFIX, is_table_name
from driftplane.engine.spark.profiler import profile_source
from driftplane.engine.spark.session import get_session, require_pyspark

__all__ = ["TABLE_PREFIX", "get_session", "is_table_name", "profile_source", "require_pyspark"]
