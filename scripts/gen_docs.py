"""Regenerate the generated parts of docs/ from the code: `uv run python scripts/gen_docs.py`.

docs/yaml-reference.md and docs/cli.md hold hand-written prose plus blocks between
`<!-- generated:NAME -->` and `<!-- end:NAME -->` markers. This script rewrites those
blocks from the pydantic models and the click commands, and tests/docs check that the
committed docs match, so the reference can never drift from the code.
"""

from __future__ import annotations

import os
import re
import sys
import types
import typing
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

# The generated blocks describe driftplane itself, as the tests see it: installed provider
# plugins add their own command groups, documented in docs/providers/ and the table in cli.md.
os.environ.setdefault("DRIFTPLANE_LOAD_PLUGINS", "")

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"(<!-- generated:(?P<name>[\w.-]+) -->\n)(?P<body>.*?)(<!-- end:(?P=name) -->)", re.S)


_NAMES = {str: "string", int: "integer", float: "number", bool: "boolean", Any: "any"}


def _type_name(tp: Any) -> str:
    """A readable type: 'list of string', 'duration or FixedWindow', '`csv` \\| `parquet`'."""
    from datetime import datetime

    from pydantic import SecretStr

    from driftplane.spec.durations import Duration
    from driftplane.spec.schedules import Schedule

    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        listed = next((extra.documented for extra in args[1:] if hasattr(extra, "documented")), None)
        return " \\| ".join(f"`{a}`" for a in listed) if listed else _type_name(args[0])
    if origin is typing.Union or origin is types.UnionType:
        parts = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(parts) + (" or null" if type(None) in args else "")
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (list, tuple):
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"mapping of {_type_name(args[0])} to {_type_name(args[1])}"
    special = {datetime: "date-time", Duration: "duration", Schedule: "schedule", SecretStr: "string (secret)"}
    if tp in special:
        return special[tp]
    if tp in _NAMES:
        return _NAMES[tp]
    return getattr(tp, "__name__", str(tp))


def _default(info: FieldInfo) -> str:
    if info.default is PydanticUndefined and info.default_factory is None:
        return "**required**"
    value = info.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "see below"
    if value in ({}, []):
        return "empty"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def model_table(model: type[BaseModel]) -> str:
    lines = ["| key | type | default | what it does |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        description = (info.description or "").replace("\n", " ").replace("|", "\\|")
        # pydantic keeps a field's own Annotated extras in its metadata, not in its annotation
        annotation = typing.Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        lines.append(f"| `{name}` | {_type_name(annotation)} | {_default(info)} | {description} |")
    return "\n".join(lines) + "\n"


def cli_block(name: str) -> str:
    from driftplane.cli import cli

    parent = cli.make_context("driftplane", ["--help"], resilient_parsing=True)
    parent.terminal_width = 100
    if name == "driftplane":
        text = cli.get_help(parent)
    else:
        command = cli.get_command(parent, name)
        assert command is not None, f"no command {name}"
        with click.Context(command, info_name=name, parent=parent, terminal_width=100) as ctx:
            text = command.get_help(ctx)
    return f"```\n{text}\n```\n"


def models() -> dict[str, type[BaseModel]]:
    from driftplane.alerting.channels.email import EmailSettings
    from driftplane.alerting.channels.log import LogSettings
    from driftplane.alerting.channels.pagerduty import PagerDutySettings
    from driftplane.alerting.channels.slack import SlackSettings
    from driftplane.alerting.channels.teams import TeamsSettings
    from driftplane.alerting.channels.webhook import WebhookSettings
    from driftplane.alerting.context import SmtpSettings
    from driftplane.local.settings import LocalSettings, ServeSettings
    from driftplane.spec import models as m

    found: dict[str, type[BaseModel]] = {
        name: obj
        for name, obj in vars(m).items()
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == m.__name__
    }
    found.update(
        {
            "LocalSettings": LocalSettings,
            "SmtpSettings": SmtpSettings,
            "ServeSettings": ServeSettings,
            "WebhookSettings": WebhookSettings,
            "SlackSettings": SlackSettings,
            "EmailSettings": EmailSettings,
            "LogSettings": LogSettings,
            "TeamsSettings": TeamsSettings,
            "PagerDutySettings": PagerDutySettings,
        }
    )
    return found


def render_block(name: str) -> str:
    if name.startswith("cli."):
        return cli_block(name[4:])
    return model_table(models()[name])


def regenerate(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + render_block(m.group("name")) + m.group(4), text)


GENERATED_DOCS = ("docs/yaml-reference.md", "docs/cli.md")


def main() -> int:
    for relative in GENERATED_DOCS:
        path = ROOT / relative
        old = path.read_text(encoding="utf-8")
        new = regenerate(old)
        if new != old:
            path.write_text(new, encoding="utf-8")
            print(f"updated {relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
