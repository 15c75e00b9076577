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
