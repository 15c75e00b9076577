"""The driftplane command line: one module per command, wired into one click group.

Starting is cheap: a command's module is imported only when that command runs or its help
is shown, and plugins load only when a command is looked up. Command modules import click
and the shared options at the top and everything else (the spec, providers, the engine,
rich) inside the command, so ``driftplane --help`` lists every command without loading them.
"""

from __future__ import annotations

import errno
import importlib
import logging
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

from driftplane.atomic import storage_error
from driftplane.cli.exit_codes import DETAILED_EXIT_CODES, PLAN_HAS_CHANGES, ExitCode, exit_code_for
from driftplane.cli.options import (
    LOG_FILE_HELP,
    QUIET_HELP,
    VERBOSE_HELP,
    accept_global_options,
    configure_logging,
)
from driftplane.errors import DriftplaneError, SpecError, StorageError, UsageError
from driftplane.log_setup import log_file_failure

if TYPE_CHECKING:
    from driftplane.cli.output import GuardedStdout

logger = logging.getLogger("driftplane.cli")
# The operating system's reasons for refusing a write that are about the place, not a bug.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO})
# The built-in commands and the module that defines each one as ``command``.
BUILTIN_COMMANDS = {
    name: f"driftplane.cli.{name}"
    for name in (
        "apply",
        "compare",
        "destroy",
        "history",
        "plan",
        "profile",
        "providers",
        "run",
        "schema",
        "serve",
        "status",
        "validate",
    )
}


class DriftplaneGroup(click.Group):
    """Maps driftplane's errors to clear messages and the documented exit codes.

    Every failure ends the same way: one ``error:`` line on stderr (the problems of a spec
    are listed above it), and an ERROR record with its traceback in the --log-file, also
    with -q. Nothing about a failure is said on stdout alone.
    """

    _plugins_added = False

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """A built-in command (its module imported now), else one a plugin registers."""
        found = self._find_command(cmd_name)
        # Every command, built-in or a plugin's (and each command of a plugin's group), takes
        # -v, -q and --log-file after its name too; done when looked up, so none is missed.
        return accept_global_options(found) if found is not None else None

    def _find_command(self, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        module_name = BUILTIN_COMMANDS.get(cmd_name)
        if module_name is not None:
            command: click.Command = importlib.import_module(module_name).command
            self.add_command(command, cmd_name)
            return command
        self.add_plugin_commands()
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self.add_plugin_commands()
        return sorted({*BUILTIN_COMMANDS, *self.commands})

    def add_plugin_commands(self) -> None:
        """Load the plugins, once, and let them add their commands (``driftplane aws ...``)."""
        if self._plugins_added:
            return
        self._plugins_added = True
        from driftplane.plugins import load_plugins, pm

        load_plugins()
        pm.hook.register_commands(cli=self)

    def invoke(self, ctx: click.Context) -> Any:
        from driftplane.cli.output import guarded_stdout

        with guarded_stdout() as stdout:
            code: int = ExitCode.OK
            try:
                value = super().invoke(ctx)
            except click.exceptions.Exit as exit_:
                value, code = exit_, exit_.exit_code
            except click.ClickException as exc:
                self._bad_usage(ctx, exc)
            except click.Abort as exc:  # Ctrl-C (or end of input) at a prompt: interrupted, as anywhere else
                cause = exc.__context__
                self._fail(ctx, cause if isinstance(cause, KeyboardInterrupt | EOFError) else KeyboardInterrupt())
            except (DriftplaneError, OSError, KeyboardInterrupt) as exc:
                self._fail(ctx, exc)
            except Exception as exc:  # noqa: BLE001 - the last line of defence: logged with its traceback
                self._fail(ctx, exc)
            self._finish(ctx, stdout, code)
            if isinstance(value, click.exceptions.Exit):
                raise value
            return value

    def _finish(self, ctx: click.Context, stdout: GuardedStdout, code: int) -> None:
        """A command that succeeded but whose output or log file could not be written failed."""
        from driftplane.cli.output import silence_stdout

        try:
            sys.stdout.flush()  # a full disk behind a redirection shows here, not at exit
        except StorageError:
            silence_stdout()
        changes = bool(ctx.meta.get(DETAILED_EXIT_CODES)) and code == PLAN_HAS_CHANGES  # plan --detailed-exitcode
        if code not in (ExitCode.OK, ExitCode.FOUND) and not changes:
            return
        if stdout.failure is not None:
            self._fail(ctx, stdout.failure)
        if log_file_failure() is not None:  # already said, as an error, when it happened
            self._exit(ctx, ExitCode.FAILURE)

    @staticmethod
    def _exit(ctx: click.Context, code: int) -> NoReturn:
        """End with ``code``; under ``plan --detailed-exitcode`` every error is 1 (2 means changes there)."""
        ctx.exit(exit_code_for(ctx.meta, code))

    def _bad_usage(self, ctx: click.Context, exc: click.ClickException) -> NoReturn:
        """click's usage errors (a bad option value, a missing argument) as driftplane says errors:
        the usage and the help hint as click prints them, then one error line, also in the log."""
        sub = getattr(exc, "ctx", None)
        if isinstance(exc, click.UsageError) and sub is not None:
            click.echo(sub.get_usage(), err=True)
            if sub.command.get_help_option(sub) is not None:
                click.echo(f"Try '{sub.command_path} {sub.help_option_names[0]}' for help.", err=True)
        logger.error("%s", exc.format_message(), exc_info=(type(exc), exc, exc.__traceback__))
        self._exit(ctx, exc.exit_code)

    def _fail(self, ctx: click.Context, exc: BaseException) -> NoReturn:
        from driftplane.cli.output import StdoutError, show_problems, silence_stdout

        failed = (type(exc), exc, exc.__traceback__)
        if isinstance(exc, SpecError):
            show_problems(exc.problems, cause=exc)
            self._exit(ctx, ExitCode.USAGE)
        if isinstance(exc, UsageError):
            logger.error("%s", exc, exc_info=failed)
            self._exit(ctx, ExitCode.USAGE)
        if isinstance(exc, StdoutError):
            silence_stdout()
        if isinstance(exc, DriftplaneError):  # DataError, ProviderError, StorageError, a busy monitor
            logger.error("%s", exc, exc_info=failed)
            self._exit(ctx, ExitCode.FAILURE)
        if isinstance(exc, KeyboardInterrupt | EOFError):
            # One line on the console; reports and state are written atomically, so nothing
            # half-written is left. The log file keeps where it stopped (the traceback).
            logger.error("interrupted", exc_info=failed)
            ctx.exit(130)
        if isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS:
            # A write outside driftplane's own helpers (a plugin's, a library's): still no "bug".
            logger.error("%s", _refused(exc), exc_info=failed)
            self._exit(ctx, ExitCode.FAILURE)
        # the last line of defence: say what and where, never a bare traceback
        logger.error(
            "unexpected %s: %s. This is a bug in driftplane; please report it with the "
            "traceback (shown with -v, and always written to --log-file).",
            type(exc).__name__,
            exc,
            exc_info=failed,
        )
        self._exit(ctx, ExitCode.FAILURE)


def _refused(exc: OSError) -> str:
    """An OSError about the place it wrote to, in words, naming the file when it is known."""
    if exc.filename:
        return str(storage_error(exc, "a file", exc.filename, kept=""))
    return (
        f"the operating system refused a read or write: {exc.strerror or exc}. Check the disk space, "
        "quota and permissions of the folders this command writes to (run with -v to see where)."
    )


@click.group(
    cls=DriftplaneGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option("-v", "--verbose", count=True, help=VERBOSE_HELP)
@click.option("-q", "--quiet", is_flag=True, help=QUIET_HELP)
@click.option("--log-file", type=click.Path(dir_okay=False), help=LOG_FILE_HELP)
@click.version_option(package_name="driftplane", prog_name="driftplane")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool, log_file: str | None) -> None:
    """Declare ML data monitors once in YAML; run them here or on any cloud.

    \b
    Examples:
      driftplane validate monitors.yaml           check a spec, every error located
      driftplane run monitors.yaml                run every monitor now (local provider)
      driftplane run monitors.yaml --from 2026-01-01 --to 2026-02-01   backfill
      driftplane plan monitors.yaml --provider aws --offline --json
      driftplane compare train.parquet today.parquet
      driftplane profile train.parquet --out baseline/

    Exit codes: 0 nothing found, 1 drift, violations or a failed final performance check,
    2 bad usage or spec, 3 a failure (unreadable data, cloud error).

    -v, -q and --log-file may also follow the command (driftplane run monitors.yaml -v).
    """
    configure_logging(ctx, verbose=verbose, quiet=quiet, log_file=log_file)


main = cli
