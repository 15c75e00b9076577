"""The JSON Schema of a spec, from the pydantic models plus every installed plugin's settings.

Editors validate the file as written, before ``${VAR}`` interpolation, so every value with
a constraint (a pattern, a number, a boolean, a fixed set of words) also accepts a string
holding a ``${VAR}`` reference. This is done once over the finished schema, so it covers
provider and channel settings from plugins too.
"""

from __future__ import annotations

from typing import Any

from driftplane.spec.models import Spec

SCHEMA_ID = "https://driftplane.dev/schema/spec-v1.json"

INTERPOLATION_DEF = "Interpolation"
# A ${NAME} or ${NAME:-default} reference that is not the $${ escape.
INTERPOLATION_PATTERN = r"(^|[^$])\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}"
_INTERPOLATION_REF = {"$ref": f"#/$defs/{INTERPOLATION_DEF}"}
_SCALAR_TYPES = ("integer", "number", "boolean")
_STRING_CONSTRAINTS = ("pattern", "format", "minLength", "maxLength", "const", "enum")
# Annotations stay on the outer schema so editors still show them on hover.
_ANNOTATIONS = ("title", "description", "default", "examples", "deprecated")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs")
_SCHEMA_VALUES = ("items", "additionalProperties", "not", "contains")
_SCHEMA_LISTS = ("prefixItems", "allOf", "oneOf")


def _constrained_scalar(node: Any) -> bool:
    """Whether ``node`` accepts only some strings, or numbers or booleans (not a free string)."""
    if not isinstance(node, dict):
        return False
    if "enum" in node:
        return True
    types = node.get("type")
    types = [types] if isinstance(types, str) else list(types or [])
    if any(t in _SCALAR_TYPES for t in types):
        return True
    return "string" in types and any(k in node for k in _STRING_CONSTRAINTS)


def accept_interpolation(node: Any) -> Any:
    """``node`` with every constrained scalar also accepting a ``${VAR}`` string (in place)."""
    if not isinstance(node, dict):
        return node
    for key in _SCHEMA_MAPS:
        if isinstance(node.get(key), dict):
            node[key] = {name: accept_interpolation(sub) for name, sub in node[key].items()}
    for key in _SCHEMA_VALUES:
        if isinstance(node.get(key), dict):
            node[key] = accept_interpolation(node[key])
    for key in _SCHEMA_LISTS:
        if isinstance(node.get(key), list):
            node[key] = [accept_interpolation(sub) for sub in node[key]]
    if isinstance(node.get("anyOf"), list):
        branches = node["anyOf"]
        if any(_constrained_scalar(b) for b in branches):
            # One more branch here rather than wrapping each scalar branch.
            node["anyOf"] = [b if _constrained_scalar(b) else accept_interpolation(b) for b in branches]
            node["anyOf"].append(dict(_INTERPOLATION_REF))
        else:
            node["anyOf"] = [accept_interpolation(b) for b in branches]
        return node
    if _constrained_scalar(node):
        outer = {key: node.pop(key) for key in _ANNOTATIONS if key in node}
        return {**outer, "anyOf": [node, dict(_INTERPOLATION_REF)]}
    return node


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
    schema["patternProperties"] = {
        "^x-": {
            "description": (
                "Ignored by driftplane: a place for YAML anchors that monitors share (x-defaults: &defaults)."
            )
        }
    }
    schema = accept_interpolation(schema)
    schema["$defs"][INTERPOLATION_DEF] = {
        "type": "string",
        "pattern": INTERPOLATION_PATTERN,
        "description": (
            "An environment variable reference, ${NAME} or ${NAME:-default}, replaced before the "
            "spec is validated; the value it gives must fit the field."
        ),
    }
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
