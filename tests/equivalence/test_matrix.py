"""One spec means one thing on every provider, or the provider refuses it at validate, located.

For every case of the matrix (``cases.py``: every schedule keyword and crons, windows with
and without latency, fixed windows, lagged baselines, every metric, per-feature rules, every
alert condition and channel type) and every cloud provider and backend, either

- ``validate --provider`` refuses the spec, each problem at its FILE:LINE:COL and key path; or
- what the provider's ``plan --offline`` requests do (``clouds.py``) is what the local
  provider does (``meaning.local_meaning``): the same ticks, each tick's window (and lagged
  baseline window), each measured feature's metric, configured threshold and applied rule,
  and each alert's condition and recipients.

Azure ML has one email list per monitor and no identity per alert, so its routes are compared
as (condition, recipients) pairs; it also emails every failed job, which validate warns about
when no alert asks for it.
"""

from __future__ import annotations

from collections import Counter

import pytest
from tests.equivalence.cases import CASES, CLOUDS, Case
from tests.equivalence.clouds import cloud_meaning
from tests.equivalence.harness import Outcome, Workspace
from tests.equivalence.meaning import FAILURE, Meaning, Route, local_meaning

from driftplane.spec import load_spec

AZURE_FAILURE_WARNING = "will also be emailed when a monitoring job fails"


def assert_refused_located(outcome: Outcome) -> None:
    assert outcome.refused, f"{outcome.provider} refused {outcome.case.id} without a problem"
    assert not outcome.unlocated, (
        f"{outcome.provider} refused {outcome.case.id} without saying where (FILE:LINE:COL: key.path):\n"
        + "\n".join(outcome.unlocated)
    )


def routes_compared(meaning: Meaning, provider: str) -> frozenset[Route] | frozenset[tuple[object, ...]]:
    if provider != "azure":
        return meaning.routes
    return frozenset((r.condition, r.recipients) for r in meaning.routes)


def assert_same_meaning(local: Meaning, cloud: Meaning, outcome: Outcome) -> None:
    where = f"{outcome.provider}, case {outcome.case.id} ({outcome.spec_path})"
    assert cloud.ticks == local.ticks, f"{where}: runs at other times"
    for tick, mine, theirs in zip(local.ticks, local.windows, cloud.windows, strict=True):
        assert theirs == mine, f"{where}: the tick {tick:%a %Y-%m-%d %H:%M} reads {theirs}, locally {mine}"
    assert cloud.baseline_windows == local.baseline_windows, f"{where}: the lagged baseline reads other windows"
    expected = local.thresholds
    if cloud.thresholds_known_for is not None:
        expected = frozenset(t for t in expected if t.feature in cloud.thresholds_known_for)
    assert sorted(cloud.thresholds) == sorted(expected), f"{where}: drift is decided with other rules"
    theirs_routes = routes_compared(cloud, outcome.provider)
    mine_routes = routes_compared(local, outcome.provider)
    if outcome.provider == "azure":
        extra = {r for r in theirs_routes if r not in mine_routes and r[0] == FAILURE}  # type: ignore[index]
        if extra:
            assert any(AZURE_FAILURE_WARNING in w for w in outcome.warnings), (
                f"{where}: failures emailed unasked, unsaid"
            )
            theirs_routes = frozenset(r for r in theirs_routes if r not in extra)
    assert sorted(theirs_routes, key=repr) == sorted(mine_routes, key=repr), f"{where}: alerts reach other people"


@pytest.mark.parametrize("provider", CLOUDS)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_cloud_means_what_local_means_or_refuses_at_validate(workspace: Workspace, case: Case, provider: str) -> None:
    local = workspace.outcome(case, "local")
    cloud = workspace.outcome(case, provider)
    if not cloud.accepted:
        assert_refused_located(cloud)
        return
    assert local.accepted, f"{provider} accepts {case.id}, which the local provider refuses:\n{local.refusal_text()}"
    assert_same_meaning(local_meaning(load_spec(local.spec_path)), cloud_meaning(cloud), cloud)


def test_the_matrix_is_not_refused_away(workspace: Workspace) -> None:
    """Each provider expresses a good part of the matrix: a suite every cloud refuses proves nothing."""
    accepted = Counter()
    for case in CASES:
        for provider in ("local", *CLOUDS):
            accepted[provider] += workspace.outcome(case, provider).accepted
    assert accepted["local"] >= len(CASES) - 2, accepted
    for provider in CLOUDS:
        assert accepted[provider] >= 15, f"{provider} accepts only {accepted[provider]} of {len(CASES)} cases"
