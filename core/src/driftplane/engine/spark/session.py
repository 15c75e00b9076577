"""The SparkSession the Spark engine runs on: the one already running, or a local one.

Under ``spark-submit``, on Databricks or in a notebook a session already exists and is used
as it is. Otherwise (``driftplane run --engine spark`` on a laptop or CI machine) a local
session is started: ``local[*]`` unless ``DRIFTPLANE_SPARK_MASTER`` names another master,
quiet logs (the JVM's log4j2 at ERROR, from log4j2.properties here, unless -vv), UTC session
time, and the Python workers running this same interpreter, so they import the same driftplane.

With ``SPARK_REMOTE`` set (``sc://host:15002``, or ``local`` for a Connect server in this
process), the session is a Spark Connect client instead, as Databricks serverless and
shared-access clusters require; the cluster's own settings are then left alone.

pyspark is an optional dependency (``driftplane[spark]``, ``driftplane[spark-connect]`` for
a Connect client), and a local session needs Java; both are checked here so that a missing
one is a message saying what to install, never a Py4J traceback.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driftplane.errors import DataError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

logger = logging.getLogger(__name__)

MASTER_ENV = "DRIFTPLANE_SPARK_MASTER"
REMOTE_ENV = "SPARK_REMOTE"  # pyspark's own: the Spark Connect server to use
INSTALL_HINT = "pip install 'driftplane[spark]'"
CONNECT_INSTALL_HINT = "pip install 'driftplane[spark-connect]'"
# Settings of sessions driftplane starts itself; a session that already exists is left alone.
LOCAL_CONF: dict[str, str] = {
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # mapInArrow hands Python batches of this many rows; the profiler works in batches of 131,072
    # (the default 10,000 costs a fifth more time in batch overhead, measured at 10M rows).
    "spark.sql.execution.arrow.maxRecordsPerBatch": "131072",
}
# The JVM's log4j2 settings for sessions started here: errors only (no banners on stderr).
LOG4J_CONFIG = Path(__file__).with_name("log4j2.properties")
JAVA_OPTIONS = "spark.driver.extraJavaOptions"
# The log4j2 profile Spark falls back to when it is given none: INFO lines on the console.
SPARK_DEFAULT_LOG4J = "log4j2-defaults.properties"
LOG_LEVEL_CONF = "spark.log.level"  # Spark 3.5+: the level set as the SparkContext starts
# pyspark warns on import and on Arrow use that it "does not yet fully support pandas >= 3";
# driftplane does not use pandas through pyspark, so the warning says nothing to its users.
PANDAS_WARNING = "PySpark does not yet fully support pandas"
_lock = threading.Lock()


def _debugging_spark() -> bool:
    """True under -vv, where every library's own output is wanted (Spark's banners included)."""
    return logging.getLogger("pyspark").isEnabledFor(logging.DEBUG)


def _quiet_pandas_warning() -> None:
    if not _debugging_spark():
        warnings.filterwarnings("ignore", message=PANDAS_WARNING, category=FutureWarning)


def _local_conf(conf: dict[str, str] | None) -> dict[str, str]:
    """LOCAL_CONF, the caller's ``conf`` over it, and the quiet log4j2 settings (unless -vv)."""
    merged = {**LOCAL_CONF, **(conf or {})}
    if not _debugging_spark():
        quiet = f"-Dlog4j2.configurationFile={LOG4J_CONFIG.as_uri()}"
        merged[JAVA_OPTIONS] = f"{quiet} {merged[JAVA_OPTIONS]}" if merged.get(JAVA_OPTIONS) else quiet
    return merged


def require_pyspark() -> Any:
    """The pyspark.sql module, or a DataError that says how to install it."""
    _quiet_pandas_warning()
    try:
        import pyspark.sql
    except ImportError as exc:
        raise DataError(
            f"the Spark engine needs pyspark, which is not installed ({exc}); install it with: "
            f"{INSTALL_HINT} (or run with --engine local / engine: local)"
        ) from None
    return pyspark.sql


def java_problem() -> str | None:
    """Why a local Spark could not start for lack of Java, or None when Java is there."""
    home = os.environ.get("JAVA_HOME")
    if home:
        java = os.path.join(home, "bin", "java")
        if os.path.exists(java):
            return None
        return (
            f"JAVA_HOME is {home}, but {java} does not exist; point JAVA_HOME at a Java 17 "
            "installation (or unset it to use the java on PATH)"
        )
    if shutil.which("java") is None:
        return (
            "Spark needs Java (17 or newer) and none was found: 'java' is not on PATH and JAVA_HOME "
            "is not set. Install a JDK (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
        )
    return None


def active_session() -> SparkSession | None:
    """The session this process already runs (spark-submit, Databricks, a notebook), if any."""
    sql = require_pyspark()
    session = sql.SparkSession.getActiveSession()
    return session


def get_session(conf: dict[str, str] | None = None) -> SparkSession:
    """The active SparkSession, else a new local one configured for driftplane.

    conf: extra settings for a session started here (tests use it to keep Spark small).
    """
    sql = require_pyspark()
    with _lock:
        session = sql.SparkSession.getActiveSession()
        if session is not None:
            return session
        remote = os.environ.get(REMOTE_ENV)
        if remote:
            return _connect_session(sql, remote)
        from pyspark import SparkContext

        if SparkContext._active_spark_context is not None:  # running, but not active in this thread
            return sql.SparkSession.builder.getOrCreate()
        launched = "PYSPARK_GATEWAY_PORT" in os.environ  # started by spark-submit: it brings Java
        if not launched:
            problem = java_problem()
            if problem is not None:
                raise DataError(problem)
        builder = sql.SparkSession.builder.appName("driftplane")
        master = os.environ.get(MASTER_ENV)
        if master:
            builder = builder.master(master)
        elif not launched and "MASTER" not in os.environ:
            builder = builder.master("local[*]")
        local = not launched and (master is None or master.startswith("local"))
        if local and "PYSPARK_PYTHON" not in os.environ:
            # Workers must import the same driftplane and pyarrow as this process.
            os.environ["PYSPARK_PYTHON"] = sys.executable
        # spark-submit's --conf settings are the user's: only a session of our own gets ours.
        for key, value in (_local_conf(conf) if not launched else (conf or {})).items():
            builder = builder.config(key, value)
        logger.info("starting a Spark session (%s)", master or ("local[*]" if local else "from spark-submit"))
        quieted = launched and not _debugging_spark() and _sparks_default_logging()
        if quieted:  # errors only, as for a session started here; -vv keeps Spark's INFO lines
            logger.debug("Spark's own log lines below ERROR are off while driftplane runs (-vv keeps them)")
            builder = builder.config(LOG_LEVEL_CONF, "ERROR")
        try:
            session = builder.getOrCreate()
        except spark_errors() as exc:
            raise DataError(
                f"Spark could not start: {_first_line(exc)}. Check that Java 17+ is installed "
                f"(java -version) and that {MASTER_ENV}, if set, names a reachable master"
            ) from exc
        if local or quieted:
            session.sparkContext.setLogLevel("ERROR")
        return session


def _sparks_default_logging() -> bool:
    """Whether the JVM spark-submit started logs with Spark's built-in profile (INFO lines on the
    console, WARN traces such as FileStreamSink's FileNotFoundException for a missing _delta_log),
    rather than with settings the user gave spark-submit (a log4j2 file, spark.log.level), which
    are theirs and left alone."""
    from pyspark import SparkConf, SparkContext

    try:
        SparkContext._ensure_initialized()
        if SparkConf().contains(LOG_LEVEL_CONF):
            return False
        jvm = SparkContext._jvm
        assert jvm is not None
        context = jvm.org.apache.logging.log4j.LogManager.getContext(False)
        location = context.getConfiguration().getConfigurationSource().getLocation()
    except spark_errors() as exc:
        logger.debug("could not read the JVM's logging settings (%s); Spark logs as it is configured", exc)
        return False
    if location is not None and not str(location).endswith(SPARK_DEFAULT_LOG4J):
        logger.debug("Spark logs as configured in %s (given to spark-submit); leaving it", location)
        return False
    return True


def _connect_session(sql: Any, remote: str) -> SparkSession:
    """A Spark Connect client session for ``SPARK_REMOTE``; the server's settings are its own."""
    if remote.startswith("local"):
        problem = java_problem()  # a local Connect server runs in a JVM of this machine
        if problem is not None:
            raise DataError(problem)
    logger.info("connecting to Spark Connect at %s (from %s)", remote, REMOTE_ENV)
    try:
        return sql.SparkSession.builder.getOrCreate()
    except ImportError as exc:
        raise DataError(
            f"{REMOTE_ENV} is set ({remote}), but the Spark Connect client is missing a package ({exc}); "
            f"install it with: {CONNECT_INSTALL_HINT}, or unset {REMOTE_ENV} to start a local session"
        ) from None
    except spark_errors() as exc:
        if "PACKAGE_NOT_INSTALLED" in str(exc):
            raise DataError(
                f"{REMOTE_ENV} is set ({remote}), but the Spark Connect client is missing a package: "
                f"{_first_line(exc)}; install it with: {CONNECT_INSTALL_HINT}"
            ) from None
        raise DataError(
            f"could not connect to Spark Connect at {remote} ({REMOTE_ENV}): {_first_line(exc)}; check "
            "that the server is running and reachable, or unset SPARK_REMOTE to start a local session"
        ) from exc


def spark_errors() -> tuple[type[BaseException], ...]:
    """What Spark raises for a failed query or start: pyspark's errors and py4j's."""
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    return (PySparkException, Py4JError)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
