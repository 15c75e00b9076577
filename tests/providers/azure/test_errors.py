"""Azure failures read as one clear line: what failed, Azure's code and message, what to do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.providers.azure.conftest import AZURE_CHECKS, CHURN
from tests.providers.azure.fake_arm import FakeARM, transport_for

from driftplane.cli import cli
from driftplane.errors import ProviderError
from driftplane.spec import Spec, load_spec
from driftplane_azure.clients import client_options
from driftplane_azure.provider import AzureProvider


def apply_error(spec: Spec) -> str:
    with pytest.raises(ProviderError) as info:
        AzureProvider.from_spec(spec).apply(spec)
    message = str(info.value)
    assert "{" not in message, f"raw JSON leaked into: {message}"
    return message


def test_no_credential_found(churn_spec: Spec, fake: FakeARM, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The real DefaultAzureCredential, on a machine with nothing to sign in with (and no network use:
    # only the developer credentials, none installed).
    for key in (
        "AZURE_CLIENT_ID",
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_FEDERATED_TOKEN_FILE",
        "IDENTITY_ENDPOINT",
        "MSI_ENDPOINT",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AZURE_TOKEN_CREDENTIALS", "dev")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    with client_options(transport=transport_for(fake)):
        message = apply_error(churn_spec)
    assert message.startswith("reading workspace 'ml-ws': no Azure credential found")
    assert "az login" in message and "AZURE_CLIENT_SECRET" in message
    assert fake.sent == [], "nothing reached Azure without a token"


def test_workspace_does_not_exist(churn_spec: Spec, connected: FakeARM) -> None:
    connected.workspaces.clear()
    message = apply_error(churn_spec)
    assert "workspace 'ml-ws' does not exist in resource group 'ml-rg' of subscription" in message
    assert "ResourceNotFound" in message and "check providers.azure.workspace" in message


def test_no_permission_on_the_workspace(churn_spec: Spec, connected: FakeARM) -> None:
    connected.fail(
        "GET",
        r"/workspaces/ml-ws$",
        403,
        "AuthorizationFailed",
        "The client 'ci@example.com' does not have authorization to perform action "
        "'Microsoft.MachineLearningServices/workspaces/read' over scope '/subscriptions/x'.",
    )
    message = apply_error(churn_spec)
    assert "no permission on workspace 'ml-ws' (AuthorizationFailed: The client 'ci@example.com'" in message
    assert "AzureML Data Scientist" in message


def test_a_data_asset_that_does_not_exist(churn_spec: Spec, connected: FakeARM) -> None:
    connected.resources = {k: v for k, v in connected.resources.items() if "churn-train" not in k}
    message = apply_error(churn_spec)
    assert message.startswith(
        "data asset 'churn-train' version 1 (monitors.churn.baseline.data) does not exist in workspace 'ml-ws'"
    )
    assert "az ml data create --name churn-train --version 1" in message
    assert not [s for s in connected.sent if s.method == "PUT"], "nothing was created"


def test_an_arm_error_body_shows_code_and_message(churn_spec: Spec, connected: FakeARM) -> None:
    connected.fail(
        "PUT",
        r"/schedules/churn$",
        400,
        "UserError",
        "Compute runtime version must be one of: 3.4, 3.5",
    )
    message = apply_error(churn_spec)
    assert message == (
        "creating schedule 'churn': Azure answered 400 (UserError: Compute runtime version must be one of: 3.4, 3.5)"
    )


def test_a_long_running_operation_that_fails(churn_spec: Spec, connected: FakeARM) -> None:
    connected.async_schedule_failure = {
        "status": "Failed",
        "error": {
            "code": "ScheduleValidationFailed",
            "message": "The reference data has no column DEFAULT_NEXT_MONTH.",
        },
    }
    message = apply_error(churn_spec)
    assert message.startswith("creating schedule 'churn': ")
    assert "ScheduleValidationFailed" in message and "no column DEFAULT_NEXT_MONTH" in message
    assert "/operations/op-1" in " ".join(connected.lines())  # it was polled, not guessed


def test_the_cli_shows_the_message_and_exits_3(
    write_spec: Callable[..., Path], connected: FakeARM, azure_cli: None
) -> None:
    connected.workspaces.clear()
    result = CliRunner().invoke(cli, ["plan", str(write_spec(CHURN))])
    assert result.exit_code == 3
    assert "workspace 'ml-ws' does not exist" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_workspace_settings_say_which(write_spec: Callable[..., Path], connected: FakeARM) -> None:
    spec = load_spec(str(write_spec(CHURN.replace("    workspace: ml-ws\n", ""))))
    message = apply_error(spec)
    assert "needs providers.azure.workspace" in message and "workspace_config" in message


def test_no_permission_on_alert_rules_names_the_resource_group_and_role(churn_spec: Spec, connected: FakeARM) -> None:
    """Alert rules live in the resource group: the workspace role is the wrong advice there."""
    connected.fail(
        "GET",
        r"/providers/Microsoft.Insights/metricAlerts$",
        403,
        "AuthorizationFailed",
        "The client 'ci@example.com' does not have authorization to perform action "
        "'Microsoft.Insights/metricAlerts/read' over scope '/subscriptions/x/resourceGroups/ml-rg'.",
    )
    with pytest.raises(ProviderError) as info:
        AzureProvider.from_spec(churn_spec).plan(churn_spec)
    message = str(info.value)
    assert message.startswith(
        "listing the metric alert rules of the resource group: no permission on the Azure Monitor alert rules "
        "and action groups of resource group 'ml-rg' (AuthorizationFailed: The client 'ci@example.com'"
    )
    assert "'Monitoring Contributor'" in message and "AzureML Data Scientist" not in message


WORKSPACE_SETTINGS = """\
provider: azure
providers:
  azure:
    subscription_id: {subscription}
    resource_group: ml-rg
    workspace: ml-ws
    data: as-is
    instance_type: {instance}
monitors:
  churn:
    baseline: {{data: "azureml:churn-train:1"}}
    target: {{data: "azureml:churn-scoring:1", window: 1d}}
    schedule: daily
""" + AZURE_CHECKS.replace("{", "{{").replace("}", "}}")


@pytest.mark.parametrize(
    ("subscription", "instance", "where", "says"),
    [
        ("'{subscription_id}'", "standard_e4s_v3", "4:22: providers.azure.subscription_id", "is a placeholder"),
        ("my-subscription", "standard_e4s_v3", "4:22: providers.azure.subscription_id", "not a subscription id"),
        (
            "00000000-0000-0000-0000-000000000001",
            "Standard_D2_v2",
            "8:20: providers.azure.instance_type",
            "not an instance type Azure ML's serverless Spark runs on",
        ),
    ],
)
def test_workspace_settings_azure_would_reject_fail_validate_and_offline_plan(
    write_spec: Callable[..., Path], azure_cli: None, subscription: str, instance: str, where: str, says: str
) -> None:
    spec = write_spec(WORKSPACE_SETTINGS.format(subscription=subscription, instance=instance))
    for command in (["validate", str(spec), "--provider", "azure"], ["plan", str(spec), "--offline"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 2, (command, result.stdout, result.stderr)
        assert f"{spec}:{where}: " in result.stderr and says in result.stderr


def test_upper_case_instance_types_as_the_docs_write_them_are_accepted(
    write_spec: Callable[..., Path], azure_cli: None
) -> None:
    spec = write_spec(
        WORKSPACE_SETTINGS.format(subscription="00000000-0000-0000-0000-000000000001", instance="Standard_E8s_v3")
    )
    result = CliRunner().invoke(cli, ["validate", str(spec), "--provider", "azure"])
    assert result.exit_code == 0, result.stderr


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The real DefaultAzureCredential on a machine with nothing to sign in with (no network use)."""
    for key in (
        "AZURE_CLIENT_ID",
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_FEDERATED_TOKEN_FILE",
        "IDENTITY_ENDPOINT",
        "MSI_ENDPOINT",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AZURE_TOKEN_CREDENTIALS", "dev")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))


@pytest.mark.parametrize(
    "command",
    [
        ["apply", "SPEC"],
        ["status", "SPEC"],
        ["destroy", "SPEC", "--yes"],
        ["azure", "import", "--subscription-id", "SUB", "--resource-group", "ml-rg", "--workspace", "ml-ws"],
    ],
    ids=["apply", "status", "destroy", "azure-import"],
)
def test_without_credentials_the_error_is_the_only_line(
    command: list[str], write_spec: Callable[..., Path], fake: FakeARM, no_credentials: None, azure_cli: None
) -> None:
    """DefaultAzureCredential logs a 13-line warning (every credential it tried, links) before
    driftplane's own error; at default verbosity only driftplane's one line may show."""
    from tests.providers.azure.fake_arm import SUB

    spec = str(write_spec(CHURN))
    args = [spec if a == "SPEC" else SUB if a == "SUB" else a for a in command]
    with client_options(transport=transport_for(fake)):
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 3, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ") and "no Azure credential found" in lines[0] and "az login" in lines[0]


def test_with_v_the_credential_attempts_show_as_debug_lines(
    write_spec: Callable[..., Path], fake: FakeARM, no_credentials: None, azure_cli: None
) -> None:
    with client_options(transport=transport_for(fake)):
        result = CliRunner().invoke(cli, ["-v", "status", str(write_spec(CHURN))])
    assert result.exit_code == 3
    assert "DefaultAzureCredential failed to retrieve a token" in result.stderr + result.stdout
    assert "warning: DefaultAzureCredential" not in result.stderr
