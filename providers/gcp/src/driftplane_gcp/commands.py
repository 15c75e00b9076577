"""``driftplane gcp ...``: what only the gcp provider can do.

``driftplane gcp purge`` is ``driftplane destroy --provider gcp --purge``: destroy plus the
metric descriptors. Plain ``destroy`` keeps them because deleting a descriptor deletes every
point written to it, for every monitor. Kept as a shorter name for the same thing.
"""

from __future__ import annotations

import logging
import sys

import click

logger = logging.getLogger(__name__)


def register(cli: click.Group) -> None:
    """Add the ``gcp`` command group to the driftplane CLI."""
    from driftplane.cli import api

    @cli.group("gcp")
    def gcp() -> None:
        """Commands of the gcp provider (Google Cloud Monitoring)."""

    @gcp.command("purge")
    @api.spec_argument
    @api.json_option
    @click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
    def purge(spec_path: str | None, as_json: bool, yes: bool) -> None:
        """destroy, and also delete driftplane's metric descriptors with all their data.

        The same as `driftplane destroy SPEC --provider gcp --purge`. The descriptors are
        shared by every monitor writing under providers.gcp.metric_prefix, so purge works on
        the whole spec.

        \b
        Example:
          driftplane gcp purge monitors.yaml --yes
        """
        from driftplane.errors import UsageError
        from driftplane_gcp.provider import GcpProvider

        spec, provider = api.load_for_provider(spec_path, "gcp")
        assert isinstance(provider, GcpProvider)
        if not yes:
            if not sys.stdin.isatty():
                raise UsageError("purge needs --yes when not run from a terminal")
            click.confirm(
                f"Delete everything driftplane created in project {provider.project()}, including the "
                f"metrics under {provider.gcp.metric_prefix} and all their data?",
                abort=True,
            )
        done = provider.purge(spec)
        if as_json:
            api.print_json(done)
            return
        api.render_plan(done, api.console(), done=True)
        # The console already said it (the Done: line); the log file keeps a record.
        logger.debug("purged on gcp: %s", done.summary())
