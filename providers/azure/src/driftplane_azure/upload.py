"""A local baseline on Azure: uploaded to the datastore and registered as an mltable data asset.

Azure ML jobs cannot read this machine's files, so ``providers.azure.data: upload`` copies a
local ``baseline.data`` (a file, a folder or a glob) to the datastore at apply and registers
it as ``driftplane-<monitor>-baseline``, versioned by a hash of its bytes (same bytes, same
version, no upload). Its columns are read here too, when Azure needs the features listed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from driftplane.resolved import ResolvedMonitor
from driftplane_azure.data_refs import parse_data_ref
from driftplane_azure.mltable import Table, table_for
from driftplane_azure.names import baseline_asset_name
from driftplane_azure.settings import AzureSettings


@dataclass(frozen=True)
class Upload:
    """A local baseline that apply uploads and registers as an mltable data asset before the schedule."""

    source: str  # baseline.data as the spec writes it
    root: Path  # the files go to the datastore relative to this folder
    name: str
    version: str
    files: tuple[Path, ...]
    descriptor: str | None  # the MLTable file driftplane writes beside them; None: the folder has one
    type: str = "mltable"

    @property
    def azureml(self) -> str:
        """The reference a schedule reads it by."""
        return f"azureml:{self.name}:{self.version}"

    def relative(self, file: Path) -> str:
        """Where a file goes below the asset's folder."""
        return file.relative_to(self.root).as_posix()


def content_version(table: Table) -> str:
    """A data asset version that changes exactly when the uploaded bytes, or the MLTable file
    driftplane writes beside them, change.

    A folder hashes every file under it and a file itself (as earlier versions did, so their
    assets are found again); a glob hashes the files it matches.
    """
    digest = hashlib.sha256((table.descriptor or "").encode())
    files = sorted(p for p in table.root.rglob("*") if p.is_file()) if table.shape == "folder" else table.files
    for file in files:
        digest.update(file.relative_to(table.root).as_posix().encode())
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:12]


def local_upload(resolved: ResolvedMonitor, settings: AzureSettings) -> Upload | None:
    """What apply uploads for the monitor's baseline; None when it is already in Azure."""
    source = resolved.baseline.source
    if resolved.baseline.kind != "data" or source is None or source.data is None:
        return None
    if parse_data_ref(source.data, local_allowed=settings.data == "upload").kind != "local":
        return None
    where = f"monitors.{resolved.name}.baseline.data"
    table = table_for(
        source.data,
        resolved.base_dir,
        source.format,
        where,
        delimiter=source.delimiter,
        timestamp_column=source.timestamp_column,
    )
    return Upload(
        source=source.data,
        root=table.root,
        name=baseline_asset_name(resolved.name),
        version=content_version(table),
        files=table.files,
        descriptor=table.descriptor,
    )


def baseline_columns(resolved: ResolvedMonitor) -> list[str]:
    """The columns of the monitor's local baseline in their order, as the engine reads them."""
    from driftplane.columns import TIMESTAMP_COLUMN
    from driftplane.engine.readers import read

    source = resolved.baseline.source
    assert source is not None
    for batch in read(source, base_dir=resolved.base_dir, batch_rows=16):
        return [name for name in batch.schema.names if name != TIMESTAMP_COLUMN]
    return []
