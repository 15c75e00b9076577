"""Human-readable renderings of plans and results for the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from driftplane.result_summary import summary_line

if TYPE_CHECKING:
    from driftplane.provider import Plan
    from driftplane.result import RunResult


def render_plan(
    plan: Plan, out: Console, *, spec_path: str | None = None, show_bodies: bool = False, done: bool = False
) -> None:
    """The changes as Terraform shows them (see plan_text), the summary, then what retired monitors left."""
    from driftplane.cli.plan_text import plan_lines, print_lines

    print_lines(plan_lines(plan, show_bodies=show_bodies, done=done), out)
    if plan.leftovers:
        render_leftovers(plan, out, spec_path=spec_path)


def render_leftovers(plan: Plan, out: Console, *, spec_path: str | None = None) -> None:
    """What driftplane created for monitors the spec no longer runs, and how to remove it."""
    from driftplane.cli.plan_text import print_lines

    lines = [
        "",
        f"Left in place on {plan.provider}: driftplane created these for monitors this spec no longer runs. "
        "apply does not remove them by itself, since another spec deploying here may own them.",
    ]
    for monitor in plan.leftover_monitors:
        items = [item for item in plan.leftovers if item.monitor == monitor]
        lines.append(f"  {monitor} ({items[0].reason}):")
        lines.extend(f"    {item.kind} {item.name}" for item in items)
    names = " ".join(f"--monitor {m}" for m in plan.leftover_monitors)
    spec = f"{spec_path} " if spec_path else ""
    lines.append(
        f"Remove them with `driftplane apply {spec}--provider {plan.provider} --prune`, "
        f"or one monitor at a time with `driftplane destroy {spec}--provider {plan.provider} {names}`."
    )
    print_lines(lines, out)  # whole lines: a piped CI log keeps each command in one piece


def render_result(result: RunResult, out: Console) -> None:
    """The verdict first, then what drifted, then violations, then where the reports are."""
    # A failed run's reason is its error line on stderr (said once); stdout says only FAILED.
    out.print(summary_line(result, reason=False), markup=False)
    drifted = result.drifted_features
    if drifted:
        # The left padding indents the header row with the rows, under the summary line.
        table = Table(show_edge=False, pad_edge=True, box=None, padding=(0, 1, 0, 2), collapse_padding=True)
        for column in ("feature", "kind", "metric", "value", "threshold"):
            table.add_column(column)
        for feature in sorted(drifted, key=lambda f: -(f.drift.value or 0) if f.drift else 0):
            assert feature.drift is not None
            threshold = feature.drift.threshold
            effective = feature.drift.effective_threshold
            shown = (
                f"{threshold:g}"
                if effective is None or effective == threshold
                else f"{effective:.3g} ({threshold:g} set)"
            )
            table.add_row(
                feature.name,
                feature.kind,
                feature.drift.metric,
                "n/a" if feature.drift.value is None else f"{feature.drift.value:.3g}",
                shown,
            )
        out.print(table)
    for violation in result.violations:
        out.print(f"  {violation.constraint_check_type} on {violation.feature_name}: {violation.readable_description}")
    for message in result.messages:
        out.print(f"  note: {message}")
    if "html" in result.reports:
        out.print(f"  report: {_shown(result.reports['html'])}")
    elif result.reports:
        folder = Path(next(iter(result.reports.values()))).parent
        out.print(f"  reports in {_shown(str(folder))}: {', '.join(Path(p).name for p in result.reports.values())}")


def _shown(path: str) -> str:
    """A path relative to the working directory when it is below it (shorter to read)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path

