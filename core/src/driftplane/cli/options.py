"""Options and parameter types shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class TimeParam(click.ParamType):
    """An ISO 8601 date or time ('2026-01-31', '2026-01-31T06:00', 'now'); UTC unless an offset is given."""

    name = "TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        text = str(value).strip()
        if text.lower() == "now":
            return datetime.now(UTC)
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.fail(
                f"'{value}' is not a time; write an ISO 8601 date or time such as 2026-01-31 or "
                "2026-01-31T06:00:00Z, or 'now'",
                param,
                ctx,
            )
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


TIME = TimeParam()


def spec_argument(f: F) -> F:
    """The optional SPEC argument: a file, or a directory holding monitors.yaml."""
    return click.argument(
        "spec_path",
        metavar="[SPEC]",
        required=False,
        type=click.Path(dir_okay=True, file_okay=True),
    )(f)


def provider_option(f: F) -> F:
    return click.option(
        "--provider",
        "provider_name",
        metavar="NAME",
        help="Use this provider instead of the spec's 'provider:' (e.g. local in CI).",
    )(f)


def monitor_option(f: F) -> F:
    return click.option(
        "--monitor",
        "-m",
        "monitor_names",
        multiple=True,
        metavar="NAME",
        help="Only this monitor (repeat for several). Default: every enabled monitor.",
    )(f)


def _data_only_stdout(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        from driftplane.log_setup import keep_stdout_for_data

        keep_stdout_for_data()
    return value


def json_option(f: F) -> F:
    """--json: machine-readable output on stdout; log lines then go to stderr only."""
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        callback=_data_only_stdout,
        help="Print machine-readable JSON on stdout (logs go to stderr).",
    )(f)


HEADER_HELP = (
    "CSV: whether the first row names the columns (default: it does). Without a header the "
    "columns are named _c0, _c1, ... as SageMaker names them, or take the baseline's names by position."
)


def header_option(name: str = "header", *, help: str = HEADER_HELP) -> Callable[[F], F]:
    """``--header/--no-header`` (or ``--{side}-header/--no-{side}-header``): DataSource.header from the CLI."""
    flag = name.replace("_", "-")
    return click.option(f"--{flag}/--no-{flag}", name, default=None, help=help)


# Where the console and log-file settings chosen so far are kept, on the root context's meta.
LOGGING_CHOICES = "driftplane.logging"
VERBOSE_HELP = "-v: driftplane's debug lines; -vv: cloud SDKs' too."
QUIET_HELP = "Only error log lines on the console (results are still printed)."
LOG_FILE_HELP = "Also write every log line, with timestamps, to this file."


def configure_logging(
    ctx: click.Context, *, verbose: int = 0, quiet: bool = False, log_file: str | None = None
) -> None:
    """Add these choices to the ones made earlier on the command line and set logging up again.

    ``-v`` counts add up wherever they are typed (``driftplane -v run -v`` is ``-vv``), ``-q``
    holds once given, and a later ``--log-file`` replaces an earlier one.
    """
    from driftplane.log_setup import configure

    chosen = ctx.find_root().meta.setdefault(LOGGING_CHOICES, {"verbose": 0, "quiet": False, "log_file": None})
    chosen["verbose"] += verbose
    chosen["quiet"] = chosen["quiet"] or quiet
    chosen["log_file"] = log_file if log_file is not None else chosen["log_file"]
    configure(chosen["verbose"], quiet=chosen["quiet"], log_file=chosen["log_file"])


def _typed_after_command(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """A global option typed after the command: the same meaning as before it."""
    from click.core import ParameterSource

    if param.name is None or ctx.get_parameter_source(param.name) is not ParameterSource.COMMANDLINE:
        return
    configure_logging(ctx, **{param.name: value})


def global_options() -> list[click.Option]:
    """-v, -q and --log-file for a subcommand (eager: set up before its other options act,
    such as --json sending info lines to stderr)."""
    shared: dict[str, Any] = {"expose_value": False, "is_eager": True, "callback": _typed_after_command}
    return [
        click.Option(["-v", "--verbose", "verbose"], count=True, help=VERBOSE_HELP, **shared),
        click.Option(["-q", "--quiet", "quiet"], is_flag=True, help=QUIET_HELP, **shared),
        click.Option(["--log-file", "log_file"], type=click.Path(dir_okay=False), help=LOG_FILE_HELP, **shared),
    ]


def accept_global_options(command: click.Command) -> click.Command:
    """Let ``command`` (and, for a group, each of its commands) take the global options after its name.

    Adds them once per command; a group's commands are looked at on every call, since a
    plugin may add commands to its group after adding the group.
    """
    if not getattr(command, "_driftplane_global_options", False):
        command._driftplane_global_options = True  # type: ignore[attr-defined]
        taken = {name for param in command.params for name in getattr(param, "opts", [])}
        command.params.extend(option for option in global_options() if not taken & set(option.opts))
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            accept_global_options(sub)
    return command
