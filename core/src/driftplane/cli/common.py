"""Steps every spec-driven command shares: load, check, pick the provider."""

from __future__ import annotations

from driftplane.errors import SpecError
from driftplane.plugins import provider_for_spec, spec_plugin_problems
from driftplane.provider import Provider
from driftplane.spec import Spec, load_spec


def load_for_provider(spec_path: str | None, provider_name: str | None) -> tuple[Spec, Provider]:
    """The validated spec and the configured provider, or SpecError with every problem."""
    spec = load_spec(spec_path)
    problems = list(spec_plugin_problems(spec))
    provider = provider_for_spec(spec, provider_name)
    problems.extend(provider.check(spec))
    if problems:
        raise SpecError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return spec, provider
