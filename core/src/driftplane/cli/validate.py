"""``driftplane validate``: check a spec without running anything."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import click

from driftplane.cli.exit_codes import ExitCode
from driftplane.cli.options import provider_option, spec_argument
from driftplane.errors import Problem, SpecError

if TYPE_CHECKING:
    from driftplane.provider import Provider
    from driftplane.spec import Spec

logger = logging.getLogger(__name__)

NOT_VALID = "the spec is not valid"


def _checked(spec_path: str | None, provider_name: str | None) -> tuple[Spec, Provider]:
    """The spec and its provider, or SpecError listing every problem once, in file order."""
    from driftplane.cli.common import load_checked_spec
    from driftplane.plugins import get_providers, provider_for_spec
    from driftplane.spec.plugin_checks import spec_plugin_problems

    try:
        spec = load_checked_spec(spec_path, provider_name, settings=True)
    except SpecError as exc:
        raise SpecError(list(dict.fromkeys(exc.problems))) from exc
    problems: list[Problem] = list(spec_plugin_problems(spec))
    installed = get_providers()
    # Settings of installed providers were checked while loading; say which could not be.
    for name in spec.providers:
        if name not in installed:
            logger.warning(
                "providers.%s is not checked: the %s provider is not installed "
                "(pip install 'driftplane[%s]')",
                name,
                name,
                name,
            )
    try:
        provider = provider_for_spec(spec, provider_name)
    except SpecError as exc:
        problems.extend(exc.problems)
        provider = None
    if provider is not None:
        problems.extend(provider.check(spec))
    if problems:
        # Report in file order so they read top to bottom, each once: the spec's provider's
        # settings are checked both as configured settings and when the provider is built.
        problems = list(dict.fromkeys(problems))
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise SpecError(problems)
    assert provider is not None
    return spec, provider


@click.command("validate")
@spec_argument
@provider_option
@click.pass_context
def command(ctx: click.Context, spec_path: str | None, provider_name: str | None) -> None:
    """Check a spec: structure, references, channels, provider settings.

    Every problem is printed as FILE:LINE:COL: key.path: message. No data is read and no
    cloud is called. With --provider, also checks what that provider can express (e.g.
    metrics a cloud does not offer).

    \b
    Examples:
      driftplane validate monitors.yaml
      driftplane validate monitors.yaml --provider azure
    """
    from driftplane.cli.output import show_problems

    try:
        spec, provider = _checked(spec_path, provider_name)
    except SpecError as exc:
        show_problems(exc.problems, NOT_VALID, cause=exc)
        ctx.exit(ExitCode.USAGE)
    names = ", ".join(spec.monitors)
    logger.info(
        "%s is valid: %d monitor%s (%s) for the %s provider (backend %s).",
        spec.source.file if spec.source else "spec",
        len(spec.monitors),
        "s" if len(spec.monitors) != 1 else "",
        names,
        provider.name,
        provider.backend,
    )
