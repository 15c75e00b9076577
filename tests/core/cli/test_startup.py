"""What starting the CLI loads: nothing of the engine, and nothing but click for --version.

Each case runs in a fresh interpreter, as a user's shell starts it, with the installed
plugins (aws, azure, gcp) loaded from their entry points. Which modules got imported is
what is asserted; how long that took is measured in benchmarks/startup.py, never here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Data libraries only a command that reads data needs.
ENGINE_MODULES = ("pyarrow", "numpy", "pandas", "fsspec", "datasketches", "scipy")
# What made `driftplane --version` take most of a second: the spec models, pydantic,
# ruamel.yaml, rich and the cloud SDKs.
STARTUP_MODULES = (
    *ENGINE_MODULES,
    "pydantic",
    "ruamel.yaml",
    "rich",
    "croniter",
    "driftplane.spec.models",
    "driftplane.provider",
    "boto3",
    "botocore",
    "azure.ai.ml",
    "google.cloud.monitoring_v3",
)

# Runs a piece of code, then prints which of the named modules it imported, as JSON.
PROBE = """
import json, sys
names = json.loads(sys.argv[1])
sys.argv = ["driftplane", *sys.argv[2:]]
try:
{code}
except SystemExit:
    pass
print("\\nLOADED " + json.dumps(sorted(n for n in names if n in sys.modules)))
"""


def loaded(code: str, *args: str, watch: tuple[str, ...] = STARTUP_MODULES) -> tuple[list[str], str]:
    """(the watched modules that ``code`` imported, its stdout) in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTPLANE_")}
    indented = "\n".join("    " + line for line in code.strip().splitlines())
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(code=indented), json.dumps(watch), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert "LOADED " in done.stdout, done.stderr
    output, _, names = done.stdout.rpartition("\nLOADED ")
    return json.loads(names), output


RUN_CLI = "from driftplane.cli import main\nmain()"


@pytest.mark.parametrize("option", ["--version", "--help"])
def test_version_and_help_load_neither_the_engine_nor_the_spec_models(option: str) -> None:
    imported, output = loaded(RUN_CLI, option)
    assert imported == []
    assert ("driftplane, version" in output) if option == "--version" else ("compare" in output)


def test_help_still_lists_every_installed_plugins_commands() -> None:
    imported, output = loaded(RUN_CLI, "--help")
    assert imported == []
    commands = output.split("Commands:", 1)[1]
    for name in ("aws", "azure", "gcp", "compare", "validate", "run", "history"):
        assert f"\n  {name} " in commands


def test_importing_the_cli_and_loading_the_plugins_does_not_import_the_engine() -> None:
    code = """
import driftplane.cli
from driftplane.plugins import get_channel_types, get_providers, load_plugins
load_plugins()
assert {"local", "aws", "azure", "gcp"} <= set(get_providers())
assert "webhook" in get_channel_types()
"""
    imported, _ = loaded(code, watch=ENGINE_MODULES)
    assert imported == []


def test_validate_reads_no_data_and_loads_no_engine(tmp_path: Path) -> None:
    spec = tmp_path / "monitors.yaml"
    spec.write_text(
        "monitors:\n  m:\n    baseline: {data: train.csv}\n    target: {data: today.csv}\n", encoding="utf-8"
    )
    imported, output = loaded(RUN_CLI, "validate", str(spec), watch=ENGINE_MODULES)
    assert "is valid" in output
    assert imported == []


def _write(table: object, path: Path) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.json  # noqa: F401 - only to be sure the module exists
    import pyarrow.parquet as pq

    if path.suffix == ".parquet":
        pq.write_table(table, path)
    elif path.suffix == ".csv":
        pacsv.write_csv(table, path)
    else:
        rows = table.to_pylist()  # type: ignore[attr-defined]
        path.write_text("".join(json.dumps(row, default=str) + "\n" for row in rows), encoding="utf-8")


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_compare_does_not_import_pandas(tmp_path: Path, suffix: str) -> None:
    """pyarrow imports pandas behind the scenes for some conversions (Array.to_numpy, pa.array
    of numpy values, pyarrow.dataset): most of a second that compare does not need."""
    import numpy as np
    import pyarrow as pa

    paths = []
    for seed, name in ((1, "train"), (2, "today")):
        rng = np.random.default_rng(seed)
        size = 500
        table = pa.table(
            {
                "amount": pa.array(rng.normal(10, 2, size), mask=rng.random(size) < 0.05),
                "count": pa.array(rng.poisson(3, size)),
                "flag": pa.array(rng.random(size) < 0.5),
                "country": pa.array(rng.choice(["de", "fr", "it", "es"], size)),
                "when": pa.array(np.arange(size).astype("datetime64[s]")),
            }
        )
        path = tmp_path / f"{name}{suffix}"
        _write(table, path)
        paths.append(str(path))
    imported, output = loaded(
        RUN_CLI, "compare", *paths, "--out", str(tmp_path / "out"), "--json", watch=("pandas", "pyarrow")
    )
    result = json.loads(output)
    assert result["rows"] == {"baseline": 500, "target": 500}
    assert {f["name"] for f in result["features"]} >= {"amount", "count", "country"}
    assert imported == ["pyarrow"]
