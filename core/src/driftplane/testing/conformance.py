"""The shared tests behind ``driftplane.testing.ProviderConformance``."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel

from driftplane.errors import NotAvailableYet, SpecError
from driftplane.provider import MonitorStatus, Plan, Provider
from driftplane.result import RunResult
from driftplane.spec import Spec

VERBS = ("plan", "apply", "destroy", "run", "status")


def sample_spec(provider: str = "local", settings: dict[str, Any] | None = None) -> Spec:
    """A small valid spec with two monitors for conformance tests."""
    return Spec.model_validate(
        {
            "provider": provider,
            "providers": {provider: settings or {}},
            "monitors": {
                "churn": {
                    "baseline": {"data": "train.csv"},
                    "target": {"data": "target/*.csv", "window": "1d"},
                    "schedule": "daily",
                    "alerts": [{"when": "drift", "notify": ["email:ml@example.com"]}],
                },
                "fraud": {
                    "baseline": {"data": "fraud-train.parquet"},
                    "target": {"data": "fraud/*.parquet", "window": "1h"},
                    "schedule": "hourly",
                },
            },
        }
    )


def _call(provider: Provider, verb: str, spec: Spec) -> Any:
    if verb == "plan":
        return provider.plan(spec, offline=True)
    if verb == "run":
        return list(provider.run(spec))
    return getattr(provider, verb)(spec)


class ProviderConformance:
    """Subclass with fixtures ``provider`` and ``spec``; set ``provider_name`` and ``implements``."""

    provider_name: ClassVar[str] = ""
    implements: ClassVar[frozenset[str]] = frozenset()

    # --- identity and settings ----------------------------------------------------------

    def test_identity(self, provider: Provider) -> None:
        assert provider.name == self.provider_name
        assert provider.description, "a provider describes itself for `driftplane providers`"
        assert provider.backends and provider.backend in provider.backends

    def test_settings_are_strict_and_frozen(self, provider: Provider) -> None:
        model = type(provider).settings_model
        assert issubclass(model, BaseModel)
        assert model.model_config.get("extra") == "forbid", "a typo in settings must be an error"
        assert model.model_config.get("frozen") is True

    def test_unknown_setting_is_located(self, provider: Provider) -> None:
        with pytest.raises(SpecError) as info:
            type(provider).validate_settings({"no_such_setting": 1})
        (problem,) = info.value.problems
        assert problem.path == ("providers", self.provider_name, "no_such_setting")
        assert "unknown key 'no_such_setting'" in problem.message

    def test_settings_schema_is_documented(self, provider: Provider) -> None:
        schema = type(provider).settings_model.model_json_schema()
        json.dumps(schema)  # serialisable for `driftplane schema`

    def test_check_returns_problems_not_exceptions(self, provider: Provider, spec: Spec) -> None:
        problems = provider.check(spec)
        assert isinstance(problems, list)

    # --- verbs ------------------------------------------------------------------------------

    @pytest.mark.parametrize("verb", VERBS)
    def test_verb_works_or_says_it_is_not_available(self, provider: Provider, spec: Spec, verb: str) -> None:
        if verb in self.implements:
            result = _call(provider, verb, spec)
            if verb in ("plan", "apply", "destroy"):
                assert isinstance(result, Plan) and result.provider == self.provider_name
                assert all(change.monitor in spec.monitors for change in result.changes)
            elif verb == "run":
                assert result, "run yields a RunResult per monitor and window"
                assert all(isinstance(r, RunResult) and r.monitor in spec.monitors for r in result)
                assert all(r.provider == self.provider_name for r in result)
            else:
                assert sorted(s.monitor for s in result) == sorted(spec.monitors)
                assert all(isinstance(s, MonitorStatus) for s in result)
            return
        with pytest.raises(NotAvailableYet) as info:
            _call(provider, verb, spec)
        assert provider.name in str(info.value)

    def test_offline_plan_is_exact_and_serialisable(self, provider: Provider, spec: Spec) -> None:
        if "plan" not in self.implements:
            with pytest.raises(NotAvailableYet):
                provider.plan(spec, offline=True)
            return
        plan = provider.plan(spec, offline=True)
        assert isinstance(plan, Plan)
        assert plan.provider == self.provider_name and plan.backend == provider.backend
        for change in plan.changes:
            assert change.monitor in spec.monitors
            assert change.action in ("create", "update", "delete", "noop")
            if change.action != "noop":
                assert change.request is not None, f"{change.kind} {change.name} has no request"
        json.loads(plan.model_dump_json())

    def test_destroy_accepts_a_monitor_no_longer_in_the_spec(self, provider: Provider, spec: Spec) -> None:
        """Removing a monitor from the YAML must not strand what was created for it."""
        if "destroy" not in self.implements:
            with pytest.raises(NotAvailableYet):
                provider.destroy(spec, monitors=["retired-monitor"])
            return
        done = provider.destroy(spec, monitors=["retired-monitor"])
        assert isinstance(done, Plan) and done.provider == self.provider_name
        assert all(change.monitor == "retired-monitor" for change in done.changes)
        assert all(change.action == "delete" for change in done.changes)
