"""validate, schema and the exit codes, as a user in a terminal or CI sees them."""

from __future__ import annotations

import json
import logging
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import jsonschema
import pytest
from click.testing import CliRunner

import driftplane as dp
from driftplane.cli import cli
from driftplane.plugins import pm
from driftplane.spec.yamlfile import read_yaml

REPO = Path(__file__).parents[3]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, text: str, name: str = "monitors.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


VALID = """\
    channels:
      oncall: {type: webhook, url: "https://hooks.example.com/x"}
    monitors:
      churn:
        baseline: {data: train.parquet}
        target: {data: "capture/{timestamp:yyyy}/{timestamp:MM}/{timestamp:dd}/*.jsonl", format: sagemaker-capture}
        schedule: daily
        alerts:
          - {when: drift, min_features: 2, notify: [oncall, "email:ml@example.com"]}
"""


def test_valid_spec_exits_0_and_says_so(tmp_path: Path) -> None:
    code, out, err = invoke("validate", str(write(tmp_path, VALID)))
    assert code == 0, err
    assert "is valid: 1 monitor (churn) for the local provider" in out
    assert err == ""


def test_broken_spec_exits_2_with_every_error_located(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        monitors:
          churn:
            baseline: {data: train.parquet, formt: csv}
            target: {data: x.csv}
            schedule: every hour
        """,
    )
    code, _, err = invoke("validate", str(path))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[0] == f"{path}:3:37: monitors.churn.baseline.formt: unknown key 'formt'; did you mean 'format'?"
    assert lines[1] == f"{path}:5:15: monitors.churn.schedule: 'every hour' is not hourly, daily, weekly or a cron expression"
    assert lines[2] == "2 problems; the spec is not valid."


def test_channel_settings_are_checked_with_locations(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        channels:
          oncall: {type: webhook, url: "ftp://x", retries: 99}
        monitors:
          churn:
            baseline: {data: a.csv}
            target: {data: b.csv}
            alerts: [{when: violation, notify: [oncall, "email:nobody"]}]
        """,
    )
    code, _, err = invoke("validate", str(path))
    assert code == 2
    assert f"{path}:2:32: channels.oncall.url: must be an http:// or https:// URL" in err
    assert f"{path}:2:52: channels.oncall.retries: must be at most 10, got 99" in err
    assert "'email:nobody': 'nobody' is not an email address" in err
    assert "3 problems; the spec is not valid." in err


def test_provider_settings_are_checked(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        providers:
          local: {state_dirr: /tmp/x}
        monitors:
          m: {baseline: {data: a.csv}, target: {data: b.csv}}
        """,
    )
    code, _, err = invoke("validate", str(path))
    assert code == 2
    assert f"{path}:2:11: providers.local.state_dirr: unknown key 'state_dirr'; did you mean 'state_dir'?" in err


def test_unknown_provider_in_spec(tmp_path: Path) -> None:
    path = write(tmp_path, "provider: gpc\nmonitors:\n  m: {baseline: {data: a.csv}, target: {data: b.csv}}\n")
    code, _, err = invoke("validate", str(path))
    assert code == 2
    assert f"{path}:1:11: provider: unknown provider 'gpc'; did you mean 'gcp'?" in err


def test_unknown_provider_is_reported_with_structural_errors(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        provider: kubeflow
        monitors:
          churn:
            baseline: {data: train.parquet, formt: csv}
            target: {data: x.csv}
            schedule: every hour
            alerts: [{when: drift, notify: [nochannel]}]
        """,
    )
    code, _, err = invoke("validate", str(path))
    assert code == 2
    lines = err.strip().splitlines()
    assert [line.split(": ")[0] for line in lines[:-1]] == [
        f"{path}:1:11",
        f"{path}:4:37",
        f"{path}:6:15",
        f"{path}:7:37",
    ]
    assert lines[0].startswith(f"{path}:1:11: provider: unknown provider 'kubeflow'")
    assert "monitors.churn.alerts[0].notify[0]: no channel named 'nochannel'" in lines[3]
    assert lines[-1] == "4 problems; the spec is not valid."


def test_unknown_provider_and_empty_monitors_are_both_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "provider: kubeflow\nmonitors: {}\n")
    code, _, err = invoke("validate", str(path))
    assert code == 2
    assert f"{path}:1:11: provider: unknown provider 'kubeflow'" in err
    assert f"{path}:2:11: monitors: must not be empty" in err


def test_other_commands_report_every_problem_and_say_nothing_ran(tmp_path: Path) -> None:
    path = write(tmp_path, "provider: kubeflow\nmonitors: {}\n")
    code, _, err = invoke("run", str(path))
    assert code == 2
    assert "unknown provider 'kubeflow'" in err and "must not be empty" in err
    assert err.strip().splitlines()[-1] == "2 problems; nothing was run."


def test_provider_option_overrides_the_spec_provider(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("    channels:", "    provider: kubeflow\n    channels:", 1))
    code, out, err = invoke("validate", str(path), "--provider", "local")
    assert code == 0, err
    assert "is valid" in out


def test_validate_finds_monitors_yaml_in_a_directory(tmp_path: Path) -> None:
    write(tmp_path, VALID)
    code, out, _ = invoke("validate", str(tmp_path))
    assert code == 0 and "is valid" in out


def test_missing_spec_exits_2(tmp_path: Path) -> None:
    code, _, err = invoke("validate", str(tmp_path / "missing.yaml"))
    assert code == 2
    assert "spec file not found" in err and "missing.yaml" in err


def test_quiet_hides_info_but_not_errors(tmp_path: Path) -> None:
    code, out, _ = invoke("-q", "validate", str(write(tmp_path, VALID)))
    assert code == 0 and out == ""


def test_log_file_gets_every_level_with_timestamps(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "driftplane.log"
    code, _, _ = invoke("-q", "--log-file", str(log), "validate", str(write(tmp_path, VALID)))
    assert code == 0
    text = log.read_text()
    assert "INFO    driftplane.cli.validate:" in text and "is valid" in text
    assert text[:4].isdigit()  # starts with a timestamp


def test_verbose_shows_driftplane_debug_but_not_sdk_chatter(tmp_path: Path) -> None:
    from driftplane.logging import configure

    configure(1)
    assert logging.getLogger("driftplane.engine").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("botocore.endpoint").isEnabledFor(logging.DEBUG)
    configure(2)
    assert logging.getLogger("botocore.endpoint").isEnabledFor(logging.DEBUG)


class _Unfinished(dp.Provider):
    name: ClassVar[str] = "unfinished"
    description: ClassVar[str] = "a provider that implements no verb yet"


class _UnfinishedPlugin:
    @dp.hookimpl
    def register_providers(self, register: Callable[[type[dp.Provider]], None]) -> None:
        register(_Unfinished)


def test_command_not_available_yet_exits_2_and_says_so(tmp_path: Path) -> None:
    pm.register(_UnfinishedPlugin(), name="undo-unfinished")
    try:
        code, _, err = invoke("plan", str(write(tmp_path, VALID)), "--provider", "unfinished", "--offline")
    finally:
        pm.unregister(name="undo-unfinished")
    assert code == 2
    assert "the unfinished provider cannot plan yet" in err


def test_schema_is_json_schema_that_validates_examples(tmp_path: Path) -> None:
    code, out, _ = invoke("schema")
    assert code == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    examples = sorted(REPO.glob("examples/**/monitors.yaml"))
    assert examples, "the repository ships example specs"
    for example in examples:
        data, _, problems = read_yaml(example, env={})
        assert not [p for p in problems if "not set" not in p.message]
        errors = list(validator.iter_errors(json.loads(json.dumps(data, default=str))))
        assert not errors, f"{example}: {[e.message for e in errors]}"
    # and it rejects what validate rejects
    bad = {"monitors": {"m": {"baseline": {"data": "a"}, "target": {"data": "b"}, "schedul": "daily"}}}
    assert list(validator.iter_errors(bad))


def test_schema_includes_provider_and_channel_settings() -> None:
    schema = json.loads(invoke("schema")[1])
    assert "state_dir" in schema["properties"]["providers"]["properties"]["local"]["properties"]
    channel_types = {v["properties"]["type"]["const"] for v in schema["$defs"]["ChannelSpec"]["oneOf"]}
    assert {"webhook", "slack", "email", "log"} <= channel_types


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["run", "--help"]])
def test_help_and_version(args: list[str]) -> None:
    code, out, _ = invoke(*args)
    assert code == 0 and out
