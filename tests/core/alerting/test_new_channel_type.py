"""Adding a channel type is one module: a throwaway 'teams' type registered by a test plugin.

It validates (and its settings are checked, located), resolves like a built-in type, the
local provider delivers it in a real `driftplane run` to an HTTP server on 127.0.0.1, and a
cloud whose DELIVERY table has no row for it refuses it at the notify entry that names it.
"""

from __future__ import annotations

import builtins
import json
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner
from pydantic import Field, SecretStr
from tests.core.conftest import HttpReceiver
from tests.core.local.test_runner import make_project

from driftplane import AlertChannel, ChannelSettings, Notification, hookimpl
from driftplane.alerting.delivery import Delivery, Refusal, channel_problems
from driftplane.alerting.targets import ChannelTarget
from driftplane.cli import cli
from driftplane.plugins import pm
from driftplane.resolved import resolve_monitor
from driftplane.spec import load_spec


class TeamsSettings(ChannelSettings):
    """A Teams incoming webhook (what a real plugin's module would hold)."""

    url: SecretStr = Field(description="The incoming webhook's URL.")
    timeout: float = Field(default=2.0, gt=0)


class TeamsChannel(AlertChannel):
    channel_type: ClassVar[str] = "teams"
    description: ClassVar[str] = "Microsoft Teams incoming webhook"
    settings_model: ClassVar[builtins.type[ChannelSettings]] = TeamsSettings
    shorthand_field: ClassVar[str | None] = "url"

    def send(self, notification: Notification) -> None:
        from driftplane.alerting.http import post_json

        settings = self.settings
        assert isinstance(settings, TeamsSettings)
        card = {"title": notification.headline, "text": notification.reason, "id": notification.id}
        post_json(settings.url, json.dumps(card).encode(), timeout=settings.timeout, retries=0, secrets=self.secrets)


class TeamsPlugin:
    @hookimpl
    def register_alert_channels(self, register: Callable[[type[AlertChannel]], None]) -> None:
        register(TeamsChannel)


@pytest.fixture
def teams() -> Iterator[None]:
    plugin = TeamsPlugin()
    pm.register(plugin, name="test-teams")
    try:
        yield
    finally:
        pm.unregister(plugin)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def teams_project(root: Path, url: str, channel: str | None = None) -> Path:
    """The runner tests' data (drift on 2026-03-03 and 03-04), alerting a Teams channel."""
    spec = make_project(root)
    channel = channel or f"{{type: teams, url: '{url}'}}"
    spec.write_text(
        textwrap.dedent(
            f"""\
            channels:
              team: {channel}
            monitors:
              churn:
                baseline: {{data: data/train.parquet}}
                target:
                  data: "data/daily/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/*.parquet"
                  window: 1d
                schedule: daily
                alerts:
                  - name: inputs drifted
                    when: drift
                    notify: [log, team]
            """
        )
    )
    return spec


def test_without_its_plugin_the_type_is_unknown(tmp_path: Path) -> None:
    spec = teams_project(tmp_path, "http://127.0.0.1:9/hook")
    code, _, err = invoke("validate", str(spec))
    assert code == 2
    assert f"{spec}:2:16: channels.team.type: unknown channel type 'teams'" in err


def test_a_plugin_channel_type_validates_and_its_settings_are_checked(tmp_path: Path, teams: None) -> None:
    spec = teams_project(tmp_path, "http://127.0.0.1:9/hook")
    code, out, err = invoke("validate", str(spec))
    assert code == 0, err
    bad = teams_project(tmp_path / "bad", "", channel="{type: teams, url: 'http://127.0.0.1:9/hook', colour: red}")
    code, _, err = invoke("validate", str(bad))
    assert code == 2
    assert f"{bad}:2:" in err and "channels.team.colour" in err


def test_a_plugin_channel_type_resolves_like_a_built_in_one(tmp_path: Path, teams: None) -> None:
    spec = load_spec(teams_project(tmp_path, "http://127.0.0.1:9/secret-path"))
    [rule] = resolve_monitor(spec, "churn").alerts
    [log, team] = rule.channels
    assert (log.type, team.type) == ("log", "teams")
    assert isinstance(team.settings, TeamsSettings) and team.notify_index == 1
    assert (team.id, team.name, team.channel_name) == ("channel:team", "teams 'team'", "team")
    assert team.value("url") == "http://127.0.0.1:9/secret-path"
    assert team.channel_class() is TeamsChannel


def test_the_local_provider_delivers_a_plugin_channel_type(
    tmp_path: Path, teams: None, http_receiver: HttpReceiver
) -> None:
    spec = teams_project(tmp_path, http_receiver.url("/teams"))
    code, _, err = invoke("run", str(spec), "--from", "2026-03-01", "--to", "2026-03-07")
    assert code == 1, err  # drift was found
    cards = [(r.path, r.json()["title"]) for r in http_receiver.requests]
    assert cards == [
        ("/teams", "FIRING churn: inputs drifted"),
        ("/teams", "RESOLVED churn: inputs drifted"),
    ]
    assert http_receiver.requests[0].json()["text"].startswith("2 features drifted: age (normalized_wasserstein")


def _deliver(target: ChannelTarget) -> str:
    return f"a subscription for {target.type}"


# A cloud's table as a cloud provider's channels.py holds it: this cloud knows nothing of teams.
CLOUD_DELIVERY: dict[str, Delivery[Callable[[ChannelTarget], str]] | Refusal] = {
    "email": Delivery(_deliver, "an email subscription per address"),
    "webhook": Delivery(_deliver, "an HTTPS subscription"),
    "log": Refusal("this cloud's alarms cannot write to driftplane's log", "notify an email or webhook channel"),
}


def test_a_cloud_without_a_row_for_the_type_refuses_it_at_its_notify_entry(tmp_path: Path, teams: None) -> None:
    spec = load_spec(teams_project(tmp_path, "http://127.0.0.1:9/hook"))
    problems = channel_problems(resolve_monitor(spec, "churn"), CLOUD_DELIVERY, provider="mycloud", source=spec.source)
    located = [(p.key_path, p.line, p.column, p.message) for p in problems]
    assert located == [
        (
            "monitors.churn.alerts[0].notify[0]",
            13,
            18,
            "log: the mycloud provider cannot deliver 'log' channels: this cloud's alarms cannot write to "
            "driftplane's log; notify an email or webhook channel",
        ),
        (
            "monitors.churn.alerts[0].notify[1]",
            13,
            23,
            "teams 'team': the mycloud provider cannot deliver 'teams' channels (it delivers email, webhook); "
            "notify one of those instead, or run this monitor with the local provider, which delivers every "
            "installed channel type",
        ),
    ]
    assert spec.source is not None and all(p.file == spec.source.file for p in problems)
