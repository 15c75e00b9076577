"""What a spec's ``data:`` and ``endpoint:`` mean on Azure: an asset, a URI, a file to upload.

Azure ML monitoring jobs read registered data assets (``azureml:NAME:VERSION``) or URIs the
workspace can reach (``azureml://datastores/...``, ``https://``, ``abfss://``). A local path
can only be a baseline, uploaded as a data asset when ``providers.azure.data`` is ``upload``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ASSET = re.compile(r"^azureml:(?P<name>[A-Za-z0-9_.-]+):(?P<version>[A-Za-z0-9_.-]+)$")
CLOUD_SCHEMES = ("azureml://", "https://", "abfss://", "wasbs://", "adl://")
FOREIGN_SCHEMES = ("s3://", "gs://", "gcs://", "az://", "abfs://", "http://", "hdfs://", "file://")
TEMPLATE = re.compile(r"\{[^}]*\}")

RefKind = Literal["asset", "uri", "local"]


@dataclass(frozen=True)
class DataRef:
    """One data reference as Azure will see it."""

    kind: RefKind
    text: str
    name: str | None = None  # assets
    version: str | None = None  # assets

    @property
    def azureml(self) -> str:
        """What goes into an azure-ai-ml Input path."""
        if self.kind == "asset":
            return f"azureml:{self.name}:{self.version}"
        return self.text


class DataRefError(ValueError):
    """A data reference Azure cannot read; the message says what to write instead."""


def parse_data_ref(text: str, *, local_allowed: bool) -> DataRef:
    """Classify ``text``; DataRefError says why Azure cannot use it and what would work."""
    value = text.strip()
    if TEMPLATE.search(value):
        raise DataRefError(
            f"'{value}' has partition fields; Azure ML reads windows from an mltable data asset with a "
            "timestamp column, or from a folder through a preprocessing component "
            "(providers.azure.monitors.<name>.preprocessing_component). Register the data as an asset "
            "and write azureml:NAME:VERSION, or give the folder's azureml:// URI"
        )
    if value.startswith("azureml:") and not value.startswith("azureml://"):
        match = ASSET.match(value)
        if match:
            return DataRef("asset", value, match.group("name"), match.group("version"))
        raise DataRefError(
            f"'{value}' is not azureml:NAME:VERSION; Azure ML monitors need an exact asset version "
            "(labels such as @latest are not resolved), e.g. azureml:churn-train:1"
        )
    if value.startswith(CLOUD_SCHEMES):
        if any(c in value for c in "*?["):
            raise DataRefError(
                f"'{value}' is a glob; an Azure ML job reads a file, a folder or an mltable asset, not a "
                "pattern of files. Point at the folder (ending in /), or register an mltable asset whose "
                "MLTable file names the files (paths: - pattern: ...) and write azureml:NAME:VERSION"
            )
        return DataRef("uri", value)
    lowered = value.lower()
    if lowered.startswith(FOREIGN_SCHEMES):
        scheme = lowered.split("://", 1)[0]
        raise DataRefError(
            f"'{value}': Azure ML cannot read {scheme}:// data; use a data asset (azureml:NAME:VERSION), "
            "an azureml://datastores/<store>/paths/<path> URI, or abfss:// / https:// storage URIs"
        )
    if not local_allowed:
        raise DataRefError(
            f"'{value}' is a local path, which an Azure ML job cannot read; use a data asset "
            "(azureml:NAME:VERSION) or an azureml://datastores/<store>/paths/<path> URI"
        )
    return DataRef("local", value)


def parse_endpoint(text: str) -> tuple[str, str]:
    """``endpoint:deployment`` (also ``azureml:e:d`` or ``e/d``) -> (endpoint, deployment)."""
    value = text.strip()
    if value.startswith("azureml:"):
        value = value[len("azureml:") :]
    match = re.search(r"onlineEndpoints/([^/]+)/deployments/([^/]+)$", value)
    if match:
        return match.group(1), match.group(2)
    parts = re.split(r"[:/]", value)
    if len(parts) != 2 or not all(parts):
        raise ValueError(
            f"'{text}' does not name a deployment; write ENDPOINT:DEPLOYMENT, e.g. credit-default:main"
        )
    return parts[0], parts[1]
