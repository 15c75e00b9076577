"""``load_spec``: a YAML file in, a validated Spec out, or every problem located."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path as FilePath
from typing import Any

from pydantic import ValidationError

from driftplane.errors import Problem, SpecError
from driftplane.spec.alert_checks import alert_problems
from driftplane.spec.feature_checks import feature_problems
from driftplane.spec.models import Spec
from driftplane.spec.names import case_problems_in_data
from driftplane.spec.performance_checks import performance_problems
from driftplane.spec.problems import SourceMap, problems_from_validation_error
from driftplane.spec.references import reference_problems_in_data
from driftplane.spec.yamlfile import read_yaml

DEFAULT_SPEC_NAMES = ("monitors.yaml", "monitors.yml", "driftplane.yaml", "driftplane.yml")


def find_spec(path: str | FilePath | None = None) -> FilePath:
    """The spec to use: the given path, or monitors.yaml (or driftplane.yaml) here."""
    if path is not None:
        candidate = FilePath(path)
        if candidate.is_dir():
            for name in DEFAULT_SPEC_NAMES:
                if (candidate / name).is_file():
                    return candidate / name
        return candidate
    for name in DEFAULT_SPEC_NAMES:
        if FilePath(name).is_file():
            return FilePath(name)
    raise SpecError(
        "no spec given and none found here (looked for "
        + ", ".join(DEFAULT_SPEC_NAMES)
        + "); pass a path, e.g. driftplane validate examples/quickstart/monitors.yaml"
    )


# A check over the plain data read from a file, run whether or not the data validates.
DataCheck = Callable[[Any, SourceMap | None], list[Problem]]


def _by_position(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _defer_other_providers(
    problems: list[Problem], data: Any, source: SourceMap | None, provider: str | None
) -> list[Problem]:
    """Drop unset-variable problems under the settings of providers not in use; note them in ``source``."""
    if source is None or not source.unset:
        return problems
    declared = data.get("provider") if isinstance(data, Mapping) else None
    in_use = provider or (declared if isinstance(declared, str) else "local")
    kept: list[Problem] = []
    for problem in problems:
        path = problem.path
        if path in source.unset and len(path) >= 2 and path[0] == "providers" and path[1] != in_use:
            source.unchecked.setdefault(str(path[1]), problem.message.split(";")[0])
            continue
        kept.append(problem)
    return kept


def spec_from_data(
    data: Any,
    source: SourceMap | None = None,
    earlier: list[Problem] | None = None,
    *,
    checks: Sequence[DataCheck] = (),
    provider: str | None = None,
) -> Spec:
    """Validate already-parsed data (a dict) into a Spec, locating problems via ``source``.

    ``provider`` is the provider the caller will use (``--provider``), else the spec's own:
    an unset variable in another provider's settings is not an error (see SourceMap.unset).

    ``earlier`` are problems found while reading; they are reported together with the
    validation problems, and a value the reader had to replace (``source.replaced``) is
    not reported twice. The channel-reference check and every one of ``checks`` run on the
    plain data, so their problems are reported even when the structure has errors too.
    """
    problems = _defer_other_providers(list(earlier or []), data, source, provider)
    for check in (case_problems_in_data, reference_problems_in_data, *checks):
        problems.extend(check(data, source))
    try:
        spec = Spec.model_validate(data)
    except ValidationError as exc:
        found = problems_from_validation_error(exc, model=Spec, data=data, source=source)
        replaced = source.replaced if source is not None else {p.path for p in earlier or []}
        found = [p for p in found if not any(p.path[: len(r)] == r for r in replaced)]
        raise SpecError(_by_position(problems + found)) from None
    problems.extend(feature_problems(spec, source))
    problems.extend(alert_problems(spec, source))
    problems.extend(performance_problems(spec, source))
    if problems:
        raise SpecError(_by_position(problems))
    if source is not None:
        spec._source = source
    return spec


def load_spec(
    path: str | FilePath | None = None,
    *,
    env: dict[str, str] | None = None,
    checks: Sequence[DataCheck] = (),
    provider: str | None = None,
) -> Spec:
    """Read, interpolate and validate a spec file; SpecError lists every problem found.

    Relative data paths in the spec are resolved against the spec file's directory when
    the spec is run, so a spec works from any working directory. ``checks`` add problems
    only the caller can find (the CLI: is the spec's provider installed?).
    """
    file = find_spec(path)
    data, source, problems = read_yaml(file, env=env)
    return spec_from_data(data, source, problems, checks=checks, provider=provider)


def load_spec_text(text: str, *, file: str = "<string>", env: dict[str, str] | None = None) -> Spec:
    """Like load_spec, from a string (tests, generated specs)."""
    data, source, problems = read_yaml(file, text=text, env=env)
    return spec_from_data(data, source, problems)
