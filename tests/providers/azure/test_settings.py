"""Where the workspace comes from, and which data references Azure can read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from driftplane.errors import ProviderError
from driftplane_azure.clients import resolve_scope
from driftplane_azure.data_refs import DataRefError, parse_data_ref
from driftplane_azure.settings import AzureSettings

SUB = "00000000-0000-0000-0000-000000000001"


def test_workspace_config_file_names_the_workspace_and_settings_win(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(
        json.dumps({"subscription_id": SUB, "resource_group": "rg-1", "workspace_name": "ws-1"}), encoding="utf-8"
    )
    scope = resolve_scope(AzureSettings(workspace_config="config.json"), tmp_path)
    assert (scope.subscription_id, scope.resource_group, scope.workspace) == (SUB, "rg-1", "ws-1")
    scope = resolve_scope(AzureSettings(workspace_config="config.json", workspace="other"), tmp_path)
    assert scope.workspace == "other"
    assert (
        scope.workspace_id
        == f"/subscriptions/{SUB}/resourceGroups/rg-1/providers/Microsoft.MachineLearningServices/workspaces/other"
    )


def test_a_missing_workspace_config_says_where_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(ProviderError, match=r"config\.json does not exist; download config\.json"):
        resolve_scope(AzureSettings(workspace_config="config.json"), tmp_path)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("azureml:churn-train:1", "asset"),
        ("azureml://datastores/workspaceblobstore/paths/churn/", "uri"),
        ("abfss://data@store.dfs.core.windows.net/churn/", "uri"),
        ("https://store.blob.core.windows.net/data/train.csv", "uri"),
    ],
)
def test_references_azure_can_read(text: str, kind: str) -> None:
    assert parse_data_ref(text, local_allowed=False).kind == kind


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("s3://bucket/train.csv", "cannot read s3:// data"),
        ("az://container/train.csv", "cannot read az:// data"),
        ("azureml:churn-train", "exact asset version"),
        ("capture/{timestamp:yyyy}/*.jsonl", "partition fields"),
        ("data/train.csv", "local path"),
    ],
)
def test_references_azure_cannot_read_say_what_works(text: str, says: str) -> None:
    with pytest.raises(DataRefError, match=says):
        parse_data_ref(text, local_allowed=False)


def test_spark_runtime_is_limited_to_what_the_sdk_accepts() -> None:
    from driftplane.errors import SpecError
    from driftplane_azure.provider import AzureProvider

    with pytest.raises(SpecError) as info:
        AzureProvider.validate_settings({"spark_runtime": "3.3"})
    (problem,) = info.value.problems
    assert problem.path == ("providers", "azure", "spark_runtime")
    assert "Azure's serverless Spark supports runtime 3.4 and 3.5" in problem.message
    assert "did you mean" not in problem.message
    # YAML reads an unquoted 3.5 as a number; it is the runtime the user meant.
    settings = AzureProvider.validate_settings({"spark_runtime": 3.5})
    assert isinstance(settings, AzureSettings) and settings.spark_runtime == "3.5"


def test_a_config_json_with_a_placeholder_subscription_is_refused(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(
        json.dumps({"subscription_id": "<subscription-id>", "resource_group": "rg", "workspace_name": "ws"}),
        encoding="utf-8",
    )
    with pytest.raises(ProviderError, match=r"workspace_config: subscription_id '<subscription-id>' is a placeholder"):
        resolve_scope(AzureSettings(workspace_config="config.json"), tmp_path)
