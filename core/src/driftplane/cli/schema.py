"""``driftplane schema``: the JSON Schema of monitors.yaml, for editors and CI."""

from __future__ import annotations

import click


@click.command("schema")
def command() -> None:
    """Print the JSON Schema of the spec, generated from the same models that validate it.

    Includes the settings of every installed provider and alert channel type.

    \b
    Use it in an editor (YAML language server):
      # yaml-language-server: $schema=./driftplane.schema.json
      driftplane schema > driftplane.schema.json
    """
    from driftplane.cli.output import print_json
    from driftplane.spec.jsonschema import spec_json_schema

    print_json(spec_json_schema())
