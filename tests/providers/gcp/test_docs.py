"""docs/providers/gcp.md keeps up with the settings and the metrics."""

from __future__ import annotations

from driftplane_gcp.descriptors import metric_infos
from driftplane_gcp.settings import GcpSettings

from .conftest import REPO

DOC = (REPO / "docs" / "providers" / "gcp.md").read_text(encoding="utf-8")


def test_every_setting_is_documented() -> None:
    for name in GcpSettings.model_fields:
        if name == "backend":
            continue
        assert f"| `{name}` |" in DOC, f"providers.gcp.{name} is not in docs/providers/gcp.md"


def test_every_metric_is_documented() -> None:
    for info in metric_infos():
        assert f"`{info.name}`" in DOC, f"metric {info.name} is not in docs/providers/gcp.md"
