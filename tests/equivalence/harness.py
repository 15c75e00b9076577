"""What each provider really says about a case: ``validate --provider`` and ``plan --offline --json``.

Both run through the real CLI (in-process), as a user runs them. A refusal is read from what
``validate`` prints: every problem must be located, ``FILE:LINE:COL: key.path: message``,
with the count the closing ``error: N problems`` line gives. A plan is its JSON.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from tests.equivalence.cases import SETTINGS, Case

from driftplane.cli import cli

ERROR_COUNT = re.compile(r"^error: (\d+) problems?; ")


@dataclass(frozen=True)
class Located:
    """One problem as validate printed it."""

    line: int
    column: int
    key_path: str
    message: str


@dataclass
class Outcome:
    """What one provider made of one case: refused at validate (with the problems), or a plan."""

    case: Case
    provider: str
    spec_path: Path
    refused: list[Located] = field(default_factory=list)
    unlocated: list[str] = field(default_factory=list)  # problem lines without FILE:LINE:COL: key.path
    warnings: list[str] = field(default_factory=list)
    plan: dict[str, Any] | None = None

    @property
    def accepted(self) -> bool:
        return self.plan is not None

    def changes(self, kind: str) -> list[dict[str, Any]]:
        """The plan's changes of one kind (``cloudwatch:MetricAlarm``), in plan order."""
        assert self.plan is not None
        return [c for c in self.plan["changes"] if c["kind"] == kind]

    def refusal_text(self) -> str:
        return "\n".join(f"{p.line}:{p.column}: {p.key_path}: {p.message}" for p in self.refused)


def _validate(path: Path, provider: str, outcome: Outcome) -> bool:
    result = CliRunner().invoke(cli, ["validate", str(path), "--provider", provider])
    lines = result.stderr.splitlines()
    outcome.warnings = [line for line in lines if line.startswith("warning:")]
    if result.exit_code == 0:
        return True
    assert result.exit_code == 2, f"validate --provider {provider} failed otherwise than refusing:\n{result.stderr}"
    counted = [int(m.group(1)) for line in lines if (m := ERROR_COUNT.match(line))]
    assert counted, f"validate printed no 'error: N problems' line:\n{result.stderr}"
    located = re.compile(
        rf"^{re.escape(str(path))}:(\d+):(\d+): (monitors\.[^ :]+|providers\.[^ :]+|channels\.[^ :]+|tags[^ :]*): (.+)$"
    )
    for line in lines:
        if line.startswith(("warning:", "error:")) or not line.strip():
            continue
        match = located.match(line)
        if match and int(match.group(1)) > 0 and int(match.group(2)) > 0:
            outcome.refused.append(Located(int(match.group(1)), int(match.group(2)), match.group(3), match.group(4)))
        else:
            outcome.unlocated.append(line)
    assert len(outcome.refused) + len(outcome.unlocated) == counted[0], result.stderr
    return False


def _plan(path: Path, provider: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["plan", str(path), "--provider", provider, "--offline", "--json"])
    assert result.exit_code == 0, f"plan --offline after a clean validate failed:\n{result.stderr}"
    plan: dict[str, Any] = json.loads(result.stdout)
    return plan


class Workspace:
    """Writes each case's spec for each provider once, and remembers what the provider said."""

    def __init__(self, root: Path, data: Path) -> None:
        self.root = root
        self.data = data
        self._outcomes: dict[tuple[str, str], Outcome] = {}

    def spec_path(self, case: Case, provider: str) -> Path:
        folder = self.root / re.sub(r"[^a-z0-9]+", "-", case.id.lower()) / provider
        return folder / "monitors.yaml"

    def write(self, case: Case, provider: str) -> Path:
        path = self.spec_path(case, provider)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(case.document(provider, self.data, path), sort_keys=False), encoding="utf-8")
        return path

    def outcome(self, case: Case, provider: str) -> Outcome:
        key = (case.id, provider)
        if key not in self._outcomes:
            path = self.write(case, provider)
            name = SETTINGS[provider][0]
            outcome = Outcome(case, provider, path)
            if _validate(path, name, outcome):
                outcome.plan = _plan(path, name)
            self._outcomes[key] = outcome
        return self._outcomes[key]
