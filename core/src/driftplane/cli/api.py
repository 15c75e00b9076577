"""What a provider's own commands (``register_commands``) may use of the CLI: its public API.

A provider adds subcommands such as ``driftplane gcp purge``; they should take a spec and
print plans and JSON exactly as driftplane's own commands do. This module is the one part of
``driftplane.cli`` a provider imports; everything else in the package may change without
notice. Importing it costs click only: the rest loads when a command calls it, so starting
the CLI stays fast.

    from driftplane.cli import api

    @cli.command("purge")
    @api.spec_argument
    @api.json_option
    def purge(spec_path, as_json):
        spec, provider = api.load_for_provider(spec_path, "mycloud")
        done = provider.purge(spec)
        if as_json:
            api.print_json(done)
        else:
            api.render_plan(done, api.console())
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from driftplane.cli.options import TIME, json_option, monitor_option, provider_option, spec_argument

if TYPE_CHECKING:
    from rich.console import Console

    from driftplane.provider import Plan, Provider
    from driftplane.spec import Spec


def load_for_provider(spec_path: str | None, provider_name: str | None) -> tuple[Spec, Provider]:
    """The spec at ``spec_path`` (a file, a folder holding monitors.yaml, or the default) and
    its provider (``provider_name``, else the spec's ``provider:``), checked as ``validate``
    checks them; SpecError lists every problem, located, which the CLI prints and exits 2 on."""
    from driftplane.cli.common import load_for_provider as load

    return load(spec_path, provider_name)


def console(stderr: bool = False) -> Console:
    """The terminal console the CLI writes tables to (stdout, or stderr)."""
    from driftplane.cli.output import console as make

    return make(stderr)


def print_json(data: Any) -> None:
    """``data`` (a pydantic model, or plain data) as JSON on stdout, as ``--json`` prints it."""
    from driftplane.cli.output import print_json as show

    show(data)


def render_plan(
    plan: Plan, out: Console, *, spec_path: str | None = None, show_bodies: bool = False, done: bool = False
) -> None:
    """A plan as ``driftplane plan`` shows it: each change with its attributes (updates as old -> new),
    the unchanged ones as a count, and the summary line; ``done`` shows what apply or destroy did."""
    from driftplane.cli.render import render_plan as render

    render(plan, out, spec_path=spec_path, show_bodies=show_bodies, done=done)


__all__ = [
    "TIME",
    "console",
    "json_option",
    "load_for_provider",
    "monitor_option",
    "print_json",
    "provider_option",
    "render_plan",
    "spec_argument",
]
