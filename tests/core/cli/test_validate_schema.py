"""validate, schema and the exit codes, as a user in a terminal or CI sees them."""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import logging
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import jsonschema
import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

import driftplane as dp
from driftplane.cli import cli
from driftplane.plugins import pm

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
    assert (
        lines[1]
        == f"{path}:5:15: monitors.churn.schedule: 'every hour' is not hourly, daily, weekly or a cron expression"
    )
    assert lines[2] == "error: 2 problems; the spec is not valid."


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
    assert lines[-1] == "error: 4 problems; the spec is not valid."


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
    assert err.strip().splitlines()[-1] == "error: 2 problems; nothing was run."


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
    from driftplane.log_setup import configure

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


@contextlib.contextmanager
def installed_plugins() -> Iterator[None]:
    """Every installed driftplane plugin (the suite loads none), taken away again after."""
    from driftplane.plugins import load_plugins

    load_plugins()
    added = []
    for entry_point in importlib.metadata.entry_points(group="driftplane"):
        if pm.get_plugin(entry_point.name) is None:
            pm.register(entry_point.load(), name=entry_point.name)
            added.append(entry_point.name)
    try:
        yield
    finally:
        for name in added:
            pm.unregister(name=name)


def _schema_validator() -> jsonschema.Draft202012Validator:
    code, out, _ = invoke("schema")
    assert code == 0
    schema = json.loads(out)
    # the provider settings this test is about come from the provider plugins
    assert {"aws", "azure", "gcp"} <= set(schema["properties"]["providers"]["properties"])
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_schema_is_json_schema_that_validates_examples(repo: Path = REPO) -> None:
    """An editor validates the file as it is, ${VAR} references and all, before interpolation.

    (Also called by the azure provider's tests, hence the name and the ``repo`` argument.)
    """
    with installed_plugins():
        validator = _schema_validator()
    examples = sorted(
        p for p in repo.glob("examples/**/*.y*ml") if "monitors" in (YAML(typ="safe").load(p.read_text()) or {})
    )
    assert {"examples/aws/monitors.yaml", "examples/aws/processing/monitors.yaml"} <= {
        p.relative_to(repo).as_posix() for p in examples
    }, "the repository ships example specs"
    for example in examples:
        data = YAML(typ="safe").load(example.read_text())
        errors = list(validator.iter_errors(json.loads(json.dumps(data, default=str))))
        assert not errors, f"{example}: {[(list(e.absolute_path), e.message) for e in errors]}"


def test_schema_accepts_interpolation_wherever_a_value_is_constrained() -> None:
    with installed_plugins():
        validator = _schema_validator()
    interpolated = {
        "version": "${SPEC_VERSION:-1}",
        "providers": {"aws": {"role_arn": "${ROLE}", "instance_count": "${COUNT:-2}"}},
        "monitors": {
            "m": {
                "baseline": {"data": "a", "header": "${HEADER:-true}"},
                "target": {"data": "b", "window": "${WINDOW:-1d}", "format": "${FORMAT}"},
                "schedule": "${SCHEDULE:-daily}",
                "checks": {"drift": {"numerical": {"metric": "psi", "threshold": "${T:-0.2}"}}},
            }
        },
    }
    assert not [e.message for e in validator.iter_errors(interpolated)]
    # what is not an interpolation is still checked, and $${ is a literal, not a reference
    for path, value in [
        (("providers", "aws", "role_arn"), "not-an-arn"),
        (("providers", "aws", "role_arn"), "$${ROLE}"),
        (("monitors", "m", "checks", "drift", "numerical", "threshold"), "high"),
        (("monitors", "m", "target", "window"), "${}"),
        (("monitors", "m", "schedule"), "every hour"),
    ]:
        bad = json.loads(json.dumps(interpolated))
        node = bad
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        assert list(validator.iter_errors(bad)), f"{'.'.join(path)}: {value!r} was accepted"
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


def test_provider_settings_are_reported_with_the_monitors_problems_each_once(tmp_path: Path) -> None:
    spec = write(
        tmp_path,
        """\
        providers:
          local:
            serve: {port: 99999}
        monitors:
          churn:
            baseline: {data: train.csv}
            target: {data: daily/*.csv, window: 5x}
        """,
    )
    code, _out, err = invoke("validate", str(spec))
    assert code == 2
    located = [line for line in err.splitlines() if line.startswith(str(spec))]
    assert len(located) == 2, err
    assert ":3:19: providers.local.serve.port: must be at most 65535" in located[0]
    assert "monitors.churn.target.window" in located[1]
    assert "2 problems; the spec is not valid." in err


def test_a_bad_setting_alone_is_reported_once(tmp_path: Path) -> None:
    spec = write(
        tmp_path,
        """\
        providers:
          local:
            serve: {port: 99999}
        monitors:
          churn:
            baseline: {data: train.csv}
            target: {data: daily/*.csv}
        """,
    )
    code, _out, err = invoke("validate", str(spec))
    assert code == 2
    assert err.count("providers.local.serve.port") == 1, err


def test_unset_variables_in_another_providers_settings_do_not_stop_a_local_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CI runs a cloud's spec on the local provider without that cloud's secrets."""
    monkeypatch.delenv("DP_TEST_UNSET_ROLE", raising=False)
    spec = write(
        tmp_path,
        """\
        provider: local
        providers:
          gcp: {project: "${DP_TEST_UNSET_ROLE}"}
        monitors:
          churn:
            baseline: {data: train.csv}
            target: {data: daily/*.csv}
        """,
    )
    with installed_plugins():
        code, _out, err = invoke("validate", str(spec))
        assert code == 0, err
        assert "providers.gcp is not checked: environment variable DP_TEST_UNSET_ROLE is not set" in err

        code, _out, err = invoke("validate", str(spec), "--provider", "gcp")
    assert code == 2
    assert "3:18: providers.gcp.project: environment variable DP_TEST_UNSET_ROLE is not set" in err
