"""Fixtures of the equivalence suite: the three cloud providers registered, the data, the workspace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.equivalence.harness import Workspace

ROWS = 400


def write_baseline(path: Path, rows: int = ROWS, seed: int = 7) -> None:
    """x and y numerical, plan and region categorical: the columns cases.COLUMNS names."""
    rng = np.random.default_rng(seed)
    table = pa.table(
        {
            "x": rng.normal(0, 1, rows),
            "y": rng.normal(50, 10, rows),
            "plan": rng.choice(["basic", "plus", "pro"], rows),
            "region": rng.choice(["north", "south"], rows),
        }
    )
    pq.write_table(table, path)


@pytest.fixture(scope="module", autouse=True)
def clouds() -> Iterator[None]:
    """The aws, azure and gcp plugins registered as their entry points register them (for this
    module only: tests elsewhere see driftplane without them)."""
    import driftplane_aws.plugin
    import driftplane_azure.plugin
    import driftplane_gcp.plugin
    from driftplane.cli import cli
    from driftplane.plugins import load_plugins, pm

    commands, plugins_added = dict(cli.commands), cli._plugins_added
    load_plugins()
    added = []
    for name, module in (
        ("aws", driftplane_aws.plugin),
        ("azure", driftplane_azure.plugin),
        ("gcp", driftplane_gcp.plugin),
    ):
        if pm.get_plugin(name) is None:
            pm.register(module, name=name)
            added.append(name)
    yield
    for name in added:
        pm.unregister(name=name)
    # The CLI adds plugin commands once; without the plugins, their commands go too.
    cli.commands.clear()
    cli.commands.update(commands)
    cli._plugins_added = plugins_added


@pytest.fixture(autouse=True)
def _no_cloud_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Nothing here may find real credentials: every answer comes from the offline plan."""
    for name in (
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "GOOGLE_APPLICATION_CREDENTIALS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    data = tmp_path_factory.mktemp("data")
    write_baseline(data / "train.parquet")
    return Workspace(tmp_path_factory.mktemp("specs"), data)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """azure-ai-ml's marshmallow schemas warn on import; that noise is theirs, not ours."""
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.filterwarnings(r"ignore::Warning:azure\..*"))
            item.add_marker(pytest.mark.filterwarnings(r"ignore::Warning:marshmallow\..*"))
