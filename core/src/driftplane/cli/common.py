"""Steps every spec-driven command shares: load, check, pick the provider."""

from __future__ import annotations

from driftplane.errors import SpecError
from driftplane.plugins import provider_for_spec
from driftplane.provider import Provider
from driftplane.spec import Spec, load_spec
from driftplane.spec.plugin_checks import (
    provider_settings_problems,
    spec_plugin_problems,
    spec_provider_problems,
)


def load_checked_spec(spec_path: str | None, provider_name: str | None, *, settings: bool = False) -> Spec:
    """The validated spec; SpecError lists every problem in the file at once.

    Unless --provider overrides it, the spec's own ``provider:`` must be installed, and that
    is reported together with the structural problems, not only after they are fixed.
    """
    checks = [] if provider_name else [spec_provider_problems]
    if settings:  # validate: every installed provider's settings, in the same pass
        checks.append(provider_settings_problems)
    return load_spec(spec_path, checks=checks, provider=provider_name)


def load_for_provider(spec_path: str | None, provider_name: str | None) -> tuple[Spec, Provider]:
    """The validated spec and the configured provider, or SpecError with every problem."""
    spec = load_checked_spec(spec_path, provider_name)
    problems = list(spec_plugin_problems(spec))
    provider = provider_for_spec(spec, provider_name)
    problems.extend(provider.check(spec))
    if problems:
        raise SpecError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return spec, provider
