"""``driftplane azure import`` and ``driftplane azure import-v1``: existing monitors to a spec.

The workspace comes from a spec's ``providers.azure`` section, from the options, or from
AZURE_SUBSCRIPTION_ID / AZURE_RESOURCE_GROUP / AZURE_ML_WORKSPACE.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from driftplane.errors import DataError, ProviderError, UsageError

logger = logging.getLogger(__name__)


def _settings(spec_path: str | None, overrides: dict[str, str | None]) -> tuple[Any, Path]:
    from driftplane_azure.settings import AzureSettings

    raw: dict[str, Any] = {}
    base_dir = Path.cwd()
    if spec_path:
        from driftplane.spec import load_spec

        spec = load_spec(spec_path)
        raw = dict(spec.providers.get("azure") or {})
        base_dir = spec.base_dir
    raw.update({k: v for k, v in overrides.items() if v})
    from driftplane_azure.provider import AzureProvider

    settings = AzureProvider.validate_settings(raw)
    assert isinstance(settings, AzureSettings)
    return settings, base_dir


OPTION_NAMES = {
    "subscription_id": "--subscription-id (or AZURE_SUBSCRIPTION_ID)",
    "resource_group": "--resource-group (or AZURE_RESOURCE_GROUP)",
    "workspace": "--workspace (or AZURE_ML_WORKSPACE)",
}


def _session(settings: Any, base_dir: Path) -> Any:
    """A Session for the workspace the options name; a missing name is told in the options' words."""
    from driftplane_azure.clients import WorkspaceNotNamed
    from driftplane_azure.workspace import Session

    try:
        return Session(settings, None, base_dir=base_dir)
    except WorkspaceNotNamed as exc:
        raise UsageError(
            "no Azure ML workspace named: give "
            f"{', '.join(OPTION_NAMES[m] for m in exc.missing)}; or --workspace-config "
            "with the workspace's config.json, or --spec with a spec whose providers.azure names it"
        ) from None


def _write(text: str, out: str | None, force: bool) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    path = Path(out)
    if path.exists() and not force:
        raise UsageError(f"{path} exists; choose another --out or add --force to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    logger.info("wrote %s; check it with: driftplane validate %s", path, path)


def _workspace_options(command: Any) -> Any:
    command = click.option("--workspace-config", help="A config.json naming the workspace.")(command)
    command = click.option("--workspace", envvar="AZURE_ML_WORKSPACE", help="Workspace name [AZURE_ML_WORKSPACE].")(
        command
    )
    command = click.option(
        "--resource-group", envvar="AZURE_RESOURCE_GROUP", help="Resource group [AZURE_RESOURCE_GROUP]."
    )(command)
    command = click.option(
        "--subscription-id", envvar="AZURE_SUBSCRIPTION_ID", help="Subscription [AZURE_SUBSCRIPTION_ID]."
    )(command)
    command = click.option(
        "--spec",
        "spec_path",
        type=click.Path(dir_okay=False),
        help="Take the workspace from this spec's providers.azure.",
    )(command)
    command = click.option(
        "--out", "-o", type=click.Path(dir_okay=False), help="Write the spec here (default: stdout)."
    )(command)
    command = click.option("--force", is_flag=True, help="Replace --out if it exists.")(command)
    return command


@click.group("azure")
def azure_group() -> None:
    """Azure Machine Learning tools: import existing monitors into a spec."""


@azure_group.command("import")
@_workspace_options
@click.option("--schedule", "schedules", multiple=True, help="Only these schedules (default: every monitor schedule).")
def import_command(
    out: str | None,
    force: bool,
    spec_path: str | None,
    subscription_id: str | None,
    resource_group: str | None,
    workspace: str | None,
    workspace_config: str | None,
    schedules: tuple[str, ...],
) -> None:
    """Write a spec for the workspace's existing model-monitoring schedules (azure-ai-ml v2).

    \b
    Example:
      driftplane azure import --workspace ml-ws --resource-group ml-rg -o monitors.yaml
    """
    from driftplane_azure.importer import import_schedules

    settings, base_dir = _settings(
        spec_path,
        {
            "subscription_id": subscription_id,
            "resource_group": resource_group,
            "workspace": workspace,
            "workspace_config": workspace_config,
        },
    )
    session = _session(settings, base_dir)
    found = session.owned_schedules()
    if schedules:
        missing = sorted(set(schedules) - {s.name for s in found})
        if missing:
            raise UsageError(f"no schedule named {', '.join(missing)} in workspace '{session.scope.workspace}'")
        found = [s for s in found if s.name in schedules]
    imported = import_schedules(found)
    if not imported.monitors:
        raise ProviderError(f"workspace '{session.scope.workspace}' has no model-monitoring schedules to import")
    _write(imported.to_yaml(session.scope, source="import"), out, force)
    for note in imported.notes:
        logger.warning("%s", note)


@azure_group.command("import-v1")
@_workspace_options
@click.option(
    "--from-file",
    type=click.Path(dir_okay=False),
    help="Read the v1 datadrifts JSON from this file instead of the workspace (no credentials needed).",
)
@click.option(
    "--dataset",
    "datasets",
    multiple=True,
    metavar="ID=azureml:NAME:VERSION",
    help="The v2 data asset a v1 dataset id is registered as (repeat for each).",
)
def import_v1_command(
    out: str | None,
    force: bool,
    spec_path: str | None,
    subscription_id: str | None,
    resource_group: str | None,
    workspace: str | None,
    workspace_config: str | None,
    from_file: str | None,
    datasets: tuple[str, ...],
) -> None:
    """Write a spec for the workspace's v1 dataset monitors (azureml-datadrift, retired 2025-09-01).

    Reads the workspace's `datadrifts` REST resources; the v1 SDK is not needed. Frequency,
    drift threshold, features, latency and alert emails map over; what does not is listed at
    the top of the written spec and in the log.

    \b
    Example:
      driftplane azure import-v1 --workspace ml-ws --resource-group ml-rg \\
          --dataset 3c56d136-...=azureml:credit-train:1 -o monitors.yaml
    """
    from driftplane_azure.clients import resolve_scope
    from driftplane_azure.importer import fetch_v1_monitors, import_v1

    mapping: dict[str, str] = {}
    for item in datasets:
        key, sep, value = item.partition("=")
        if not sep or not key or not value.startswith("azureml:"):
            raise UsageError(f"--dataset '{item}' is not ID=azureml:NAME:VERSION")
        mapping[key.strip()] = value.strip()
    settings, base_dir = _settings(
        spec_path,
        {
            "subscription_id": subscription_id,
            "resource_group": resource_group,
            "workspace": workspace,
            "workspace_config": workspace_config,
        },
    )
    if from_file:
        try:
            text = Path(from_file).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UsageError(
                f"--from-file {from_file} does not exist: give the JSON export of the v1 datadrifts"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise DataError(f"{from_file}: cannot read it ({exc})") from None
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(
                f"{from_file}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); --from-file takes the "
                "v1 datadrifts list as the datadrifts REST API returns it"
            ) from None
        monitors = payload.get("value", payload) if isinstance(payload, dict) else payload
        if not isinstance(monitors, list):
            raise UsageError(f"{from_file}: expected a list of datadrift objects (or {{\"value\": [...]}})")
        scope = resolve_scope(settings, base_dir, offline=True)
        origin: str | None = f"file {from_file}"
    else:
        session = _session(settings, base_dir)
        monitors = fetch_v1_monitors(session)
        scope = session.scope
        origin = None
    imported = import_v1(monitors, mapping)
    if not imported.monitors:
        raise ProviderError("no v1 dataset monitors found to import")
    _write(imported.to_yaml(scope, source="import-v1", origin=origin), out, force)
    for note in imported.notes:
        logger.warning("%s", note)
    if out is None:
        sys.stdout.flush()
