"""The plugin path: built-ins, installed distributions, install hints, hook validation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import click
import pluggy
import pytest
from click.testing import CliRunner

import driftplane as dp
from driftplane.errors import UnknownProviderError
from driftplane.plugins import get_provider, get_providers, pm, provider_for_spec
from driftplane.spec import load_spec_text


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a fresh process, where installed plugins load as for a user."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTPLANE_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "driftplane", *args], capture_output=True, text=True, env=full_env, timeout=120
    )


def test_local_provider_is_built_in() -> None:
    assert "local" in get_providers()
    provider = get_provider("local")
    assert provider.backend == "local"


def test_missing_known_provider_gives_the_install_command() -> None:
    with pytest.raises(UnknownProviderError) as info:
        get_provider("azure")
    assert str(info.value).startswith(
        "provider 'azure' is not installed. Install it with: pip install 'driftplane[azure]' (installed: local"
    )


def test_unknown_provider_suggests_a_name() -> None:
    with pytest.raises(UnknownProviderError, match="unknown provider 'gpc'; did you mean 'gcp'?"):
        get_provider("gpc")


def test_spec_naming_a_missing_provider_points_at_its_line() -> None:
    spec = load_spec_text(
        "provider: azure\nmonitors:\n  m:\n    baseline: {data: a.csv}\n    target: {data: b.csv}\n",
        file="monitors.yaml",
    )
    with pytest.raises(dp.SpecError) as info:
        provider_for_spec(spec)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.column) == ("monitors.yaml", 1, 11)
    assert "pip install 'driftplane[azure]'" in problem.message
    # CI runs the same spec on the local provider without the cloud installed
    assert provider_for_spec(spec, "local").name == "local"


class _DummyProvider(dp.Provider):
    name: ClassVar[str] = "dummy"
    description: ClassVar[str] = "a provider registered by a test"
    backends: ClassVar[tuple[str, ...]] = ("one", "two")


class _DummyPlugin:
    @dp.hookimpl
    def register_providers(self, register: Callable[[type[dp.Provider]], None]) -> None:
        register(_DummyProvider)

    @dp.hookimpl
    def register_commands(self, cli: click.Group) -> None:
        @cli.command("dummy-hello")
        def hello() -> None:
            """Say hello from a plugin."""
            click.echo("hello from a plugin")


@pytest.fixture
def dummy_plugin() -> Iterator[None]:
    pm.register(_DummyPlugin(), name="undo-dummy-plugin")
    try:
        yield
    finally:
        pm.unregister(name="undo-dummy-plugin")


def test_hook_register_providers(dummy_plugin: None) -> None:
    assert get_providers()["dummy"] is _DummyProvider


def test_hook_register_commands(dummy_plugin: None) -> None:
    from driftplane.cli import cli

    pm.hook.register_commands(cli=cli)
    try:
        result = CliRunner().invoke(cli, ["dummy-hello"])
        assert result.exit_code == 0 and result.output == "hello from a plugin\n"
    finally:
        cli.commands.pop("dummy-hello", None)


def test_hook_register_alert_channels() -> None:
    from driftplane.plugins import get_channel_types

    assert {"webhook", "slack", "email", "log"} <= set(get_channel_types())


def test_hook_register_drift_metrics() -> None:
    from driftplane import drift_metrics
    from driftplane.drift_metrics import DriftMetric

    metric = DriftMetric(
        "share_gap",
        "largest share gap",
        "The largest difference of one category's share.",
        categorical="driftplane.engine.computations:LARGEST_SHARE_GAP",
    )

    class MetricPlugin:
        @dp.hookimpl
        def register_drift_metrics(self, register: Callable[[DriftMetric], None]) -> None:
            register(metric)

    assert drift_metrics.find("share_gap") is None
    pm.register(MetricPlugin(), name="undo-metric-plugin")
    try:
        assert drift_metrics.registered()["share_gap"] is metric
        assert drift_metrics.names("categorical")[-1] == "share_gap"
        assert "share_gap" not in drift_metrics.names("numerical")
    finally:
        pm.unregister(name="undo-metric-plugin")
    assert drift_metrics.find("share_gap") is None


def test_misspelled_hook_is_caught_by_check_pending() -> None:
    class Typo:
        @dp.hookimpl
        def register_provider(self, register: object) -> None:  # missing 's'
            pass

    pm.register(Typo(), name="undo-typo")
    try:
        with pytest.raises(pluggy.PluginValidationError, match="register_provider"):
            pm.check_pending()
    finally:
        pm.unregister(name="undo-typo")


def test_every_hook_has_a_test() -> None:
    """Meta-test in datasette's style: a new hook needs a test named after it."""
    from driftplane import hookspecs

    hooks = [n for n in dir(hookspecs) if n.startswith("register_")]
    here = Path(__file__).read_text(encoding="utf-8")
    for hook in hooks:
        assert f"def test_hook_{hook}" in here, f"hook {hook} has no test_hook_{hook}"


def test_every_hook_is_documented() -> None:
    from pathlib import Path

    from driftplane import hookspecs

    docs = (Path(__file__).parents[3] / "docs" / "plugins.md").read_text(encoding="utf-8")
    for hook in [n for n in dir(hookspecs) if n.startswith("register_")]:
        assert f"### {hook}(" in docs, f"docs/plugins.md has no heading for {hook}"


def test_installed_providers_are_listed_with_distribution_and_backends() -> None:
    result = run_cli("providers", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)["providers"]}
    assert set(rows) >= {"local", "aws", "azure", "gcp"}
    assert rows["aws"]["distribution"] == "driftplane-aws"
    assert rows["aws"]["backends"] == ["model-monitor", "processing"]
    assert rows["azure"]["backends"] == ["model-monitor", "dataset-monitor"]
    assert rows["gcp"]["backends"] == ["cloud-monitoring"]
    assert rows["local"]["distribution"] == "driftplane" and rows["local"]["version"] == dp.__version__


def test_load_plugins_env_var_restricts_loading() -> None:
    only_aws = run_cli("providers", "--json", env={"DRIFTPLANE_LOAD_PLUGINS": "driftplane-aws"})
    assert [r["name"] for r in json.loads(only_aws.stdout)["providers"]] == ["local", "aws"]
    none = run_cli("providers", "--json", env={"DRIFTPLANE_LOAD_PLUGINS": ""})
    assert [r["name"] for r in json.loads(none.stdout)["providers"]] == ["local"]
    unknown = run_cli("providers", "--json", env={"DRIFTPLANE_LOAD_PLUGINS": "driftplane-nope"})
    assert "Plugin driftplane-nope could not be found" in unknown.stderr


def test_trace_plugins_prints_hook_calls() -> None:
    result = run_cli("providers", "--json", env={"DRIFTPLANE_TRACE_PLUGINS": "1"})
    assert "driftplane hook register_providers" in result.stderr
