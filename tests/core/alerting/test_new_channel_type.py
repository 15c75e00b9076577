"""Adding a channel type is one module: a throwaway 'mattermost' type registered by a test plugin.

It validates (and its settings are checked, located), resolves like a built-in type, the
local provider delivers it in a real `driftplane run` to an HTTP server on 127.0.0.1, and a
cloud whose DELIVERY table has no row for it refuses it at the notify entry that names it:
each installed cloud provider (aws, azure, gcp) through its real `validate`. One row in one
cloud's table (core's `Delivery`) is all that cloud needs to deliver it: "adding a channel
type = one module + one row per cloud".
"""

from __future__ import annotations

import builtins
import json
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

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


class MattermostSettings(ChannelSettings):
    """A Mattermost incoming webhook (what a real plugin's module would hold)."""

    url: SecretStr = Field(description="The incoming webhook's URL.")
    timeout: float = Field(default=2.0, gt=0)


class MattermostChannel(AlertChannel):
    channel_type: ClassVar[str] = "mattermost"
    description: ClassVar[str] = "Mattermost incoming webhook"
    settings_model: ClassVar[builtins.type[ChannelSettings]] = MattermostSettings
    shorthand_field: ClassVar[str | None] = "url"

    def send(self, notification: Notification) -> None:
        from driftplane.alerting.http import post_json

        settings = self.settings
        assert isinstance(settings, MattermostSettings)
        card = {"title": notification.headline, "text": notification.reason, "id": notification.id}
        post_json(settings.url, json.dumps(card).encode(), timeout=settings.timeout, retries=0, secrets=self.secrets)


class MattermostPlugin:
    @hookimpl
    def register_alert_channels(self, register: Callable[[type[AlertChannel]], None]) -> None:
        register(MattermostChannel)


@pytest.fixture
def mattermost() -> Iterator[None]:
    plugin = MattermostPlugin()
    pm.register(plugin, name="test-mattermost")
    try:
        yield
    finally:
        pm.unregister(plugin)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def mattermost_project(root: Path, url: str, channel: str | None = None) -> Path:
    """The runner tests' data (drift on 2026-03-03 and 03-04), alerting a Mattermost channel."""
    spec = make_project(root)
    channel = channel or f"{{type: mattermost, url: '{url}'}}"
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
    spec = mattermost_project(tmp_path, "http://127.0.0.1:9/hook")
    code, _, err = invoke("validate", str(spec))
    assert code == 2
    assert f"{spec}:2:16: channels.team.type: unknown channel type 'mattermost'" in err


def test_a_plugin_channel_type_validates_and_its_settings_are_checked(tmp_path: Path, mattermost: None) -> None:
    spec = mattermost_project(tmp_path, "http://127.0.0.1:9/hook")
    code, out, err = invoke("validate", str(spec))
    assert code == 0, err
    bad = mattermost_project(
        tmp_path / "bad", "", channel="{type: mattermost, url: 'http://127.0.0.1:9/hook', colour: red}"
    )
    code, _, err = invoke("validate", str(bad))
    assert code == 2
    assert f"{bad}:2:" in err and "channels.team.colour" in err


def test_a_plugin_channel_type_resolves_like_a_built_in_one(tmp_path: Path, mattermost: None) -> None:
    spec = load_spec(mattermost_project(tmp_path, "http://127.0.0.1:9/secret-path"))
    [rule] = resolve_monitor(spec, "churn").alerts
    [log, team] = rule.channels
    assert (log.type, team.type) == ("log", "mattermost")
    assert isinstance(team.settings, MattermostSettings) and team.notify_index == 1
    assert (team.id, team.name, team.channel_name) == ("channel:team", "mattermost 'team'", "team")
    assert team.value("url") == "http://127.0.0.1:9/secret-path"
    assert team.channel_class() is MattermostChannel


def test_the_local_provider_delivers_a_plugin_channel_type(
    tmp_path: Path, mattermost: None, http_receiver: HttpReceiver
) -> None:
    spec = mattermost_project(tmp_path, http_receiver.url("/mattermost"))
    code, _, err = invoke("run", str(spec), "--from", "2026-03-01", "--to", "2026-03-07")
    assert code == 1, err  # drift was found
    cards = [(r.path, r.json()["title"]) for r in http_receiver.requests]
    assert cards == [
        ("/mattermost", "FIRING churn: inputs drifted"),
        ("/mattermost", "RESOLVED churn: inputs drifted"),
    ]
    assert http_receiver.requests[0].json()["text"].startswith("2 features drifted: age (normalized_wasserstein")


def _deliver(target: ChannelTarget) -> str:
    return f"a subscription for {target.type}"


# A cloud's table as a cloud provider's channels.py holds it: this cloud knows nothing of mattermost.
CLOUD_DELIVERY: dict[str, Delivery[Callable[[ChannelTarget], str]] | Refusal] = {
    "email": Delivery(_deliver, "an email subscription per address"),
    "webhook": Delivery(_deliver, "an HTTPS subscription"),
    "log": Refusal("this cloud's alarms cannot write to driftplane's log", "notify an email or webhook channel"),
}


def test_a_cloud_without_a_row_for_the_type_refuses_it_at_its_notify_entry(tmp_path: Path, mattermost: None) -> None:
    spec = load_spec(mattermost_project(tmp_path, "http://127.0.0.1:9/hook"))
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
            "mattermost 'team': the mycloud provider cannot deliver 'mattermost' channels "
            "(it delivers email, webhook); "
            "notify one of those instead, or run this monitor with the local provider, which delivers every "
            "installed channel type",
        ),
    ]
    assert spec.source is not None and all(p.file == spec.source.file for p in problems)


# --- the installed cloud providers: one row each --------------------------------------------------

TRAIN = Path(__file__).resolve().parents[3] / "examples" / "quickstart" / "data" / "train.parquet"
AWS_SPEC = f"""\
provider: aws
providers:
  aws:
    region: us-east-1
    role_arn: arn:aws:iam::123456789012:role/SageMaker
    output_s3_uri: s3://bucket/driftplane
    backend: processing
    image_uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/driftplane:1
channels:
  team: {{type: mattermost, url: "https://mattermost.example.com/hook/s3cret"}}
monitors:
  churn:
    baseline: {{data: "{TRAIN}"}}
    target: {{data: "s3://bucket/scores/{{timestamp:yyyy}}/{{timestamp:MM}}/{{timestamp:dd}}/*.parquet", window: 1d}}
    alerts:
      - name: inputs drifted
        when: drift
        features: [day_mins]
        notify: ["email:ml@example.com", team]
"""
AZURE_SPEC = """\
provider: azure
providers:
  azure: {subscription_id: 00000000-0000-0000-0000-000000000000, resource_group: rg, workspace: ws, data: as-is}
channels:
  team: {type: mattermost, url: "https://mattermost.example.com/hook/s3cret"}
monitors:
  churn:
    baseline: {data: "azureml:churn-train:1"}
    target: {data: "azureml:churn-scoring:1", window: 1d}
    checks:
      drift: {noise_correction: false}
      quality: {completeness: false, columns: false, comparison_threshold: 1, categorical_comparison_threshold: 1}
    alerts:
      - name: inputs drifted
        when: drift
        notify: ["email:ml@example.com", team]
"""
GCP_SPEC = """\
provider: gcp
providers:
  gcp:
    project: my-project
    image: us-docker.pkg.dev/my-project/driftplane/driftplane:1
    service_account: runner@my-project.iam.gserviceaccount.com
channels:
  team: {type: mattermost, url: "https://mattermost.example.com/hook/s3cret"}
monitors:
  churn:
    baseline: {data: train.csv}
    target: {data: "target/*.csv", window: 1d}
    alerts:
      - name: inputs drifted
        when: drift
        notify: ["email:ml@example.com", team]
"""
CLOUD_SPECS = {"aws": AWS_SPEC, "azure": AZURE_SPEC, "gcp": GCP_SPEC}
DELIVERS = {"aws": "email, log", "azure": "email", "gcp": "email, log, slack, webhook"}


@pytest.fixture
def clouds() -> Iterator[None]:
    """The three cloud providers registered as their entry points would register them."""
    import driftplane_aws.plugin
    import driftplane_azure.plugin
    import driftplane_gcp.plugin
    from driftplane.plugins import load_plugins

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
    try:
        yield
    finally:
        for name in added:
            pm.unregister(name=name)


def validate_for(tmp_path: Path, cloud: str) -> tuple[int, str, Path]:
    path = tmp_path / cloud / "monitors.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CLOUD_SPECS[cloud])
    code, _, err = invoke("validate", str(path), "--provider", cloud)
    return code, err, path


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_every_installed_cloud_refuses_the_new_type_at_its_notify_entry(
    tmp_path: Path, mattermost: None, clouds: None, cloud: str
) -> None:
    code, err, path = validate_for(tmp_path, cloud)
    assert code == 2, err
    line = CLOUD_SPECS[cloud].splitlines().index(next(t for t in CLOUD_SPECS[cloud].splitlines() if "notify:" in t)) + 1
    column = CLOUD_SPECS[cloud].splitlines()[line - 1].index("team]") + 1
    assert (
        f"{path}:{line}:{column}: monitors.churn.alerts[0].notify[1]: mattermost 'team': the {cloud} provider cannot "
        f"deliver 'mattermost' channels (it delivers {DELIVERS[cloud]})"
    ) in err
    assert err.count("cannot deliver") == 1, "the email entry beside it is delivered"
    assert "s3cret" not in err


def _mattermost_as_https(target: ChannelTarget) -> list[Any]:
    """The row AWS would get for mattermost: an SNS HTTPS subscription to the webhook's URL."""
    from driftplane_aws.channels import Subscription

    return [Subscription("https", str(target.value("url")))]


def test_a_row_in_one_clouds_table_makes_that_cloud_deliver_it(
    tmp_path: Path, mattermost: None, clouds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from driftplane_aws import channels as aws_channels

    row = Delivery(_mattermost_as_https, "an SNS HTTPS subscription")
    monkeypatch.setitem(aws_channels.DELIVERY, "mattermost", row)
    code, err, path = validate_for(tmp_path, "aws")
    assert code == 0, err
    code, out, err = invoke("plan", str(path), "--provider", "aws", "--offline", "--json")
    assert code == 0, err
    subscribed = sorted(
        (c["request"]["body"]["Protocol"], c["request"]["body"]["Endpoint"])
        for c in json.loads(out)["changes"]
        if c["kind"] == "sns:Subscription"
    )
    assert subscribed == [("email", "ml@example.com"), ("https", "https://mattermost.example.com/hook/s3cret")]
    for other in ("azure", "gcp"):  # the row is AWS's alone
        code, err, _ = validate_for(tmp_path, other)
        assert code == 2 and f"the {other} provider cannot deliver 'mattermost' channels" in err
