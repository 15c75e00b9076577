"""The driftplane command line: one module per command, wired into one click group."""

from __future__ import annotations

import logging
from typing import Any

import click

from driftplane.cli.exit_codes import ExitCode
from driftplane.cli.output import show_problems
from driftplane.errors import (
    DataError,
    DriftplaneError,
    ProviderError,
    SpecError,
    UsageError,
)
from driftplane.logging import configure

logger = logging.getLogger("driftplane.cli")


class DriftplaneGroup(click.Group):
    """Maps driftplane's errors to clear messages and the documented exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except SpecError as exc:
            show_problems(exc.problems)
            ctx.exit(ExitCode.USAGE)
        except UsageError as exc:
            logger.error("%s", exc)
            ctx.exit(ExitCode.USAGE)
        except (DataError, ProviderError) as exc:
            logger.error("%s", exc)
            logger.debug("where it failed:", exc_info=True)
            ctx.exit(ExitCode.FAILURE)
        except DriftplaneError as exc:
            logger.error("%s", exc)
            logger.debug("where it failed:", exc_info=True)
            ctx.exit(ExitCode.FAILURE)
        except KeyboardInterrupt:
            logger.error("interrupted; nothing half-written was kept")
            ctx.exit(130)
        except Exception as exc:  # the last line of defence: say what and where, never a bare traceback
            logger.error(
                "unexpected %s: %s. This is a bug in driftplane; please report it with the "
                "traceback (shown with -v, and always written to --log-file).",
                type(exc).__name__,
                exc,
            )
            logger.debug("traceback:", exc_info=True)
            ctx.exit(ExitCode.FAILURE)


@click.group(
    cls=DriftplaneGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option("-v", "--verbose", count=True, help="-v: driftplane's debug lines; -vv: cloud SDKs' too.")
@click.option("-q", "--quiet", is_flag=True, help="Only error log lines on the console (results are still printed).")
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False),
    help="Also write every log line, with timestamps, to this file.",
)
@click.version_option(package_name="driftplane", prog_name="driftplane")
def cli(verbose: int, quiet: bool, log_file: str | None) -> None:
    """Declare ML data monitors once in YAML; run them here or on any cloud.

    \b
    Examples:
      driftplane validate monitors.yaml           check a spec, every error located
      driftplane run monitors.yaml                run every monitor now (local provider)
      driftplane run monitors.yaml --from 2026-01-01 --to 2026-02-01   backfill
      driftplane plan monitors.yaml --provider aws --offline --json
      driftplane compare train.parquet today.parquet
      driftplane profile train.parquet --out baseline/

    Exit codes: 0 nothing found, 1 drift or violations found, 2 bad usage or spec,
    3 a failure (unreadable data, cloud error).
    """
    configure(verbose, quiet=quiet, log_file=log_file)


def _register() -> None:
    from driftplane.cli import (
        apply,
        compare,
        destroy,
        history,
        plan,
        profile,
        providers,
        run,
        schema,
        serve,
        status,
        validate,
    )
    from driftplane.plugins import load_plugins, pm

    for module in (validate, plan, apply, destroy, run, status, serve, profile, compare, history, providers, schema):
        cli.add_command(module.command)
    load_plugins()
    pm.hook.register_commands(cli=cli)


_register()
main = cli
