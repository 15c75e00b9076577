"""The JSON Schema of a spec, from the pydantic models plus every installed plugin's settings."""

from __future__ import annotations

from typing import Any

from driftplane.spec.models import Spec

SCHEMA_ID = "https://driftplane.dev/schema/spec-v1.json"


def spec_json_schema() -> dict[str, Any]:
    """Spec's schema with ``providers.<name>`` and channel settings filled in from plugins."""
    from driftplane.plugins import get_channel_types, get_providers

    schema: dict[str, Any] = Spec.model_json_schema(mode="validation")
    defs = schema.setdefault("$defs", {})
    provider_properties: dict[str, Any] = {}
    for name, cls in sorted(get_providers().items()):
        sub = cls.settings_model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(sub.pop("$defs", {}))
        sub["description"] = f"Settings of the {name} provider: {cls.description}"
        provider_properties[name] = sub
    schema["properties"]["providers"] = {
        "type": "object",
        "description": schema["properties"]["providers"].get("description", ""),
        "properties": provider_properties,
        "additionalProperties": {"type": "object", "description": "Settings of a provider that is not installed here."},
    }
    variants = []
    for kind, channel in sorted(get_channel_types().items()):
        sub = channel.settings_model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(sub.pop("$defs", {}))
        sub.setdefault("properties", {})["type"] = {"const": kind}
        sub.setdefault("required", []).append("type")
        sub["title"] = f"{kind} channel"
        sub["description"] = channel.description
        variants.append(sub)
    if variants:
        defs["ChannelSpec"] = {"oneOf": variants, "description": "An alert channel."}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
