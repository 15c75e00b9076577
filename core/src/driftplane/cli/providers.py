"""``driftplane providers``: which providers are installed, from which distribution, with which backends."""

from __future__ import annotations

from typing import Any

import click

from driftplane.cli.options import json_option


@click.command("providers")
@json_option
def command(as_json: bool) -> None:
    """List installed providers and alert channel types.

    \b
    A provider that is not listed installs as an extra, e.g.:
      pip install 'driftplane[aws]'
    """
    from rich.table import Table

    from driftplane.cli.output import console, print_json
    from driftplane.plugins import (
        KNOWN_PROVIDERS,
        distribution_of,
        get_channel_types,
        get_providers,
    )

    rows: list[dict[str, Any]] = []
    for name, cls in sorted(get_providers().items(), key=lambda kv: (kv[0] != "local", kv[0])):
        dist, version = distribution_of(cls)
        rows.append(
            {
                "name": name,
                "distribution": dist,
                "version": version,
                "backends": list(cls.backends),
                "description": cls.description,
            }
        )
    channels = [
        {"type": kind, "distribution": distribution_of(cls)[0], "description": cls.description}
        for kind, cls in sorted(get_channel_types().items())
    ]
    if as_json:
        print_json({"providers": rows, "channels": channels})
        return
    table = Table(title="Providers", title_justify="left")
    for column in ("name", "distribution", "version", "backends", "description"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["name"], row["distribution"], row["version"], ", ".join(row["backends"]), row["description"])
    out = console()
    out.print(table)
    missing = [n for n in KNOWN_PROVIDERS if n not in {r["name"] for r in rows}]
    for name in missing:
        # Not markup: rich would take [aws] for a style and print "pip install 'driftplane'".
        out.print(f"not installed: {name} (pip install 'driftplane[{name}]')", markup=False)
    channel_table = Table(title="Alert channels", title_justify="left")
    for column in ("type", "distribution", "description"):
        channel_table.add_column(column)
    for channel in channels:
        channel_table.add_row(channel["type"], channel["distribution"], channel["description"])
    out.print(channel_table)
