"""`driftplane plan` as a reviewer reads it: attributes of what is created, updates as old -> new,
unchanged resources as a count, large bodies by size and digest, and --detailed-exitcode for CI.

The provider is a test plugin registered through the real hook whose plan is whatever the test
puts in PLANNED, so the CLI, the Plan contract and the rendering run as for a cloud provider.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner, Result

import driftplane as dp
from driftplane.cli import cli
from driftplane.errors import ProviderError
from driftplane.plan_diff import attribute_changes
from driftplane.plugins import pm

PLANNED: list[dp.Change] = []
FAIL: list[str] = []  # a message here makes plan fail with it, as a cloud error would


class _ScriptedProvider(dp.Provider):
    name: ClassVar[str] = "scripted"
    description: ClassVar[str] = "a test provider whose plan the test sets"

    def plan(self, spec: dp.Spec, *, monitors: Sequence[str] | None = None, offline: bool = False) -> dp.Plan:
        if FAIL:
            raise ProviderError(FAIL[0])
        return dp.Plan(provider=self.name, backend=self.backend, changes=list(PLANNED))

    def apply(self, spec: dp.Spec, *, monitors: Sequence[str] | None = None) -> dp.Plan:
        return self.plan(spec, monitors=monitors)


class _Plugin:
    @dp.hookimpl
    def register_providers(self, register: Callable[[type[dp.Provider]], None]) -> None:
        register(_ScriptedProvider)


@pytest.fixture
def scripted(tmp_path: Path) -> Iterator[str]:
    PLANNED.clear()
    FAIL.clear()
    pm.register(_Plugin(), name="undo-scripted-plugin")
    path = tmp_path / "monitors.yaml"
    path.write_text(
        "provider: scripted\nmonitors:\n  churn:\n    baseline: {data: b.csv}\n    target: {data: t.csv}\n"
        "    schedule: daily\n"
    )
    try:
        yield str(path)
    finally:
        pm.unregister(name="undo-scripted-plugin")
        PLANNED.clear()
        FAIL.clear()


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def request(body: dict[str, object]) -> dp.Request:
    return dp.Request(api="test", operation="Put", body=body)


STATISTICS = json.dumps({"features": [{"name": f"f{i}", "values": list(range(60))} for i in range(100)]})


def a_plan_with_everything() -> None:
    PLANNED[:] = [
        dp.Change(
            action="create",
            kind="test:Object",
            name="s3://bucket/churn/statistics.json",
            monitor="churn",
            request=request({"Bucket": "bucket", "Body": STATISTICS, "Metadata": {"owner": "ml-platform"}}),
        ),
        dp.Change(
            action="create",
            kind="test:Schedule",
            name="churn-daily",
            monitor="churn",
            request=request(
                {
                    "Name": "churn-daily",
                    "Config": {"Cron": "cron(0 0 * * ? *)", "Retries": 3},
                    "Input": json.dumps({"Job": {"Image": "driftplane:0.1"}}),
                    "Script": "set -e\ndriftplane run\n",
                }
            ),
        ),
        dp.Change(
            action="update",
            kind="test:AlertPolicy",
            name="projects/p/alertPolicies/1234567",
            display_name="churn: inputs drifted",
            monitor="churn",
            request=request({"Threshold": 0.2, "Period": 86400, "Combiner": "OR"}),
            reason="thresholdValue: 0.1 -> 0.2",
            changed=[dp.AttributeChange(path="Threshold", old=0.1, new=0.2)],
        ),
        dp.Change(action="delete", kind="test:Topic", name="churn-old", monitor="churn", reason="no alarm uses it"),
        *(dp.Change(action="noop", kind="test:Alarm", name=f"alarm-{i}", monitor="churn") for i in range(12)),
    ]


def test_created_resources_show_their_attributes_nested_and_readable(scripted: str) -> None:
    a_plan_with_everything()
    result = invoke("plan", scripted)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index('  + test:Schedule "churn-daily" {')
    assert lines[start - 1] == '  # test:Schedule "churn-daily" will be created (monitor churn)'
    assert lines[start + 1 : start + 16] == [
        '      + Name   = "churn-daily"',
        "      + Config = {",
        '          + Cron    = "cron(0 0 * * ? *)"',
        "          + Retries = 3",
        "        }",
        "      + Input  = jsonencode({",
        "          + Job = {",
        '              + Image = "driftplane:0.1"',
        "            }",
        "        })",
        "      + Script = <<-EOT",
        "            set -e",
        "            driftplane run",
        "        EOT",
        "    }",
    ]


def test_an_update_shows_only_the_changed_attributes_old_to_new_by_display_name(scripted: str) -> None:
    a_plan_with_everything()
    lines = invoke("plan", scripted).stdout.splitlines()
    start = lines.index('  ~ test:AlertPolicy "churn: inputs drifted" {')
    assert lines[start - 2 : start] == [
        '  # test:AlertPolicy "churn: inputs drifted" will be updated in place (monitor churn)',
        "  #   id projects/p/alertPolicies/1234567",
    ]
    assert lines[start + 1 : start + 3] == ["      ~ Threshold = 0.1 -> 0.2", "    }"]
    assert not any("Period" in line or "Combiner" in line for line in lines), "unchanged attributes are not shown"


def test_deletes_say_why_unchanged_are_a_count_and_the_summary_is_terraforms(scripted: str) -> None:
    a_plan_with_everything()
    out = invoke("plan", scripted).stdout
    assert '  # test:Topic "churn-old" will be destroyed (monitor churn)\n  #   why: no alarm uses it\n' in out
    assert '  - test:Topic "churn-old"\n' in out
    assert "12 unchanged (12 test:Alarm)." in out
    assert "alarm-" not in out, "unchanged resources are a count, not a row each"
    assert out.rstrip().endswith("Plan: 2 to add, 1 to change, 1 to destroy.")


def test_large_bodies_are_shown_by_size_and_digest_unless_asked_for(scripted: str) -> None:
    a_plan_with_everything()
    digest = hashlib.sha256(STATISTICS.encode()).hexdigest()
    size = f"{len(STATISTICS.encode()) / 1024:.1f} KiB"
    short = invoke("plan", scripted).stdout
    assert f"      + Body     = ({size}, sha256 {digest}; --show-bodies shows it)" in short
    assert '"f99"' not in short
    full = invoke("plan", scripted, "--show-bodies").stdout
    assert "      + Body     = jsonencode({" in full and '+ name   = "f99"' in full and digest not in full
    as_json = json.loads(invoke("plan", scripted, "--json").stdout)
    assert as_json["changes"][0]["request"]["body"]["Body"] == STATISTICS, "the JSON plan holds every body whole"
    assert as_json["changes"][2]["changed"] == [{"path": "Threshold", "old": 0.1, "new": 0.2}]
    assert as_json["changes"][2]["display_name"] == "churn: inputs drifted"


def test_piped_output_keeps_every_line_whole(scripted: str) -> None:
    name = "driftplane/churn/" + "-".join(f"segment{i}" for i in range(30))
    PLANNED[:] = [
        dp.Change(
            action="create",
            kind="test:Alarm",
            name=name,
            monitor="churn",
            request=request({"AlarmDescription": "word " * 60}),
        )
    ]
    out = invoke("plan", scripted).stdout  # not a terminal: rich would wrap at 80 columns
    assert f'  + test:Alarm "{name}" {{' in out.splitlines()
    assert f'      + AlarmDescription = "{"word " * 60}"' in out.splitlines()


def test_detailed_exitcode_is_0_without_changes_2_with_changes_1_on_any_error(scripted: str, tmp_path: Path) -> None:
    PLANNED[:] = [dp.Change(action="noop", kind="test:Alarm", name="a", monitor="churn")]
    quiet = invoke("plan", scripted, "--detailed-exitcode")
    assert quiet.exit_code == 0 and "nothing to do" in quiet.stdout and "1 unchanged (1 test:Alarm)." in quiet.stdout
    assert invoke("plan", scripted).exit_code == 0

    a_plan_with_everything()
    assert invoke("plan", scripted, "--detailed-exitcode").exit_code == 2
    assert invoke("plan", scripted, "--detailed-exitcode", "--json").exit_code == 2
    assert invoke("plan", scripted).exit_code == 0, "without the flag, changes are not an error"

    bad = tmp_path / "bad.yaml"
    bad.write_text("provider: scripted\nmonitors:\n  churn:\n    schedule: sometimes\n")
    assert invoke("plan", str(bad)).exit_code == 2
    assert invoke("plan", str(bad), "--detailed-exitcode").exit_code == 1
    assert invoke("plan", scripted, "--no-such-option").exit_code == 2
    unknown = invoke("plan", scripted, "--no-such-option", "--detailed-exitcode")
    assert unknown.exit_code == 1 and "No such option" in unknown.stderr

    FAIL.append("the cloud refused: AccessDenied")
    assert invoke("plan", scripted).exit_code == 3
    failed = invoke("plan", scripted, "--detailed-exitcode")
    assert failed.exit_code == 1 and "error: the cloud refused: AccessDenied" in failed.stderr


def test_attribute_changes_report_paths_and_both_values() -> None:
    desired = {"a": 1, "b": {"c": [1, 2], "d": "x"}, "e": [], "f": [1]}
    existing = {"a": 1, "b": {"c": [1, 3], "d": "y"}, "g": "only there", "f": [1, 2]}
    found = [(c.path, c.old, c.new) for c in attribute_changes(desired, existing)]
    assert found == [("b.c[1]", 3, 2), ("b.d", "y", "x"), ("f", [1, 2], [1])]
    union = [(c.path, c.old, c.new) for c in attribute_changes(desired, existing, subset=False, per_item=False)]
    assert union == [("b.c", [1, 3], [1, 2]), ("b.d", "y", "x"), ("f", [1, 2], [1]), ("g", "only there", None)]
    numbers = attribute_changes({"n": 1}, {"n": "1.0"}, same=lambda a, b: float(a) == float(b))
    assert numbers == []


def test_apply_says_what_it_did_one_line_each_without_bodies(scripted: str) -> None:
    a_plan_with_everything()
    result = invoke("apply", scripted)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Done on scripted (default):",
        "",
        '  + test:Object "s3://bucket/churn/statistics.json" created (monitor churn)',
        "",
        '  + test:Schedule "churn-daily" created (monitor churn)',
        "",
        '  ~ test:AlertPolicy "churn: inputs drifted" updated (monitor churn)',
        "",
        '  - test:Topic "churn-old" destroyed (monitor churn)',
        "",
        "12 unchanged (12 test:Alarm).",
        "",
        "Done: 2 added, 1 changed, 1 destroyed.",
    ]
