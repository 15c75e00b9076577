"""Monitors removed from the spec: plan and apply list what is left over, --prune removes it.

The provider here is a test plugin over an in-memory "cloud" of tagged resources, registered
through the real hook, so the CLI, the Plan contract and the rendering are exercised as a
cloud provider would exercise them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

import driftplane as dp
from driftplane.cli import cli
from driftplane.plugins import pm
from driftplane.provider import leftover_reason, monitors_to_destroy, selected_monitors

CLOUD: dict[str, str] = {}  # resource name -> the monitor it is tagged with


class _TaggingProvider(dp.Provider):
    """Creates one schedule per monitor, tagged with the monitor's name, like the clouds do."""

    name: ClassVar[str] = "tagging"
    description: ClassVar[str] = "a test provider that tags what it creates"

    def plan(self, spec: dp.Spec, *, monitors: Sequence[str] | None = None, offline: bool = False) -> dp.Plan:
        changes = [
            dp.Change(
                action="noop" if f"sched-{m}" in CLOUD else "create", kind="test:Schedule", name=f"sched-{m}", monitor=m
            )
            for m in selected_monitors(spec, monitors)
        ]
        leftovers = [
            dp.Leftover(monitor=m, kind="test:Schedule", name=name, reason=reason)
            for name, m in sorted(CLOUD.items())
            if (reason := leftover_reason(spec, m)) is not None
        ]
        return dp.Plan(provider=self.name, backend=self.backend, changes=changes, leftovers=leftovers)

    def apply(self, spec: dp.Spec, *, monitors: Sequence[str] | None = None) -> dp.Plan:
        plan = self.plan(spec, monitors=monitors)
        for change in plan.changes:
            CLOUD[change.name] = change.monitor
        return plan

    def destroy(self, spec: dp.Spec, *, monitors: Sequence[str] | None = None) -> dp.Plan:
        names = monitors_to_destroy(spec, monitors)
        gone = [(name, m) for name, m in sorted(CLOUD.items()) if m in names]
        for name, _ in gone:
            del CLOUD[name]
        changes = [dp.Change(action="delete", kind="test:Schedule", name=name, monitor=m) for name, m in gone]
        return dp.Plan(provider=self.name, backend=self.backend, changes=changes)


class _Plugin:
    @dp.hookimpl
    def register_providers(self, register: Callable[[type[dp.Provider]], None]) -> None:
        register(_TaggingProvider)


@pytest.fixture
def tagging() -> Iterator[None]:
    CLOUD.clear()
    pm.register(_Plugin(), name="undo-tagging-plugin")
    try:
        yield
    finally:
        pm.unregister(name="undo-tagging-plugin")
        CLOUD.clear()


def write_spec(path: Path, monitors: dict[str, bool]) -> str:
    body = "provider: tagging\nmonitors:\n" + "".join(
        f"  {name}:\n    enabled: {str(enabled).lower()}\n    baseline: {{data: b.csv}}\n"
        f"    target: {{data: t.csv}}\n    schedule: daily\n"
        for name, enabled in monitors.items()
    )
    path.write_text(body)
    return str(path)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_removed_and_disabled_monitors_are_listed_not_deleted(tagging: None, tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "monitors.yaml", {"churn": True, "fraud": True, "legacy": True})
    assert invoke("apply", spec).exit_code == 0
    write_spec(tmp_path / "monitors.yaml", {"churn": True, "legacy": False})

    shown = invoke("apply", spec)
    assert shown.exit_code == 0
    assert "fraud (no longer in the spec)" in shown.output
    assert "legacy (disabled in the spec (enabled: false))" in shown.output
    assert f"driftplane apply {spec} --provider tagging --prune" in shown.output
    assert f"driftplane destroy {spec} --provider tagging --monitor fraud --monitor legacy" in shown.output
    assert set(CLOUD) == {"sched-churn", "sched-fraud", "sched-legacy"}, "apply never deletes without --prune"

    as_json = json.loads(invoke("plan", spec, "--json").stdout)
    assert [(item["monitor"], item["name"]) for item in as_json["leftovers"]] == [
        ("fraud", "sched-fraud"),
        ("legacy", "sched-legacy"),
    ]


def test_prune_removes_only_the_leftovers(tagging: None, tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "monitors.yaml", {"churn": True, "fraud": True})
    invoke("apply", spec)
    write_spec(tmp_path / "monitors.yaml", {"churn": True})

    pruned = json.loads(invoke("apply", spec, "--prune", "--json").stdout)
    assert [(c["action"], c["name"]) for c in pruned["changes"]] == [("noop", "sched-churn"), ("delete", "sched-fraud")]
    assert pruned["leftovers"] == []
    assert set(CLOUD) == {"sched-churn"}
    assert "Left in place" not in invoke("apply", spec).output


def test_destroy_names_a_monitor_no_longer_in_the_spec(tagging: None, tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "monitors.yaml", {"churn": True, "fraud": True})
    invoke("apply", spec)
    write_spec(tmp_path / "monitors.yaml", {"churn": True})

    done = invoke("destroy", spec, "--monitor", "fraud", "--yes")
    assert done.exit_code == 0
    assert set(CLOUD) == {"sched-churn"}


def test_destroy_refuses_a_name_no_monitor_could_have(tagging: None, tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "monitors.yaml", {"churn": True})
    done = CliRunner().invoke(cli, ["destroy", spec, "--monitor", "../etc", "--yes"])
    assert done.exit_code == 2
    assert "'../etc' cannot be a monitor name" in done.output
