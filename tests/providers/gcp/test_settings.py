"""Settings Google would refuse at run time are refused by validate, plan and apply, at their line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from driftplane.spec import load_spec
from driftplane_gcp.clients import GcpClients
from driftplane_gcp.emulator import GoogleCloudEmulator

from .conftest import provider_for
from .test_run_status import DRIFTED_DAY


def edited(example_dir: Path, old: str, new: str) -> tuple[str, int]:
    """The example spec with one setting replaced; returns its path and the setting's line."""
    path = example_dir / "monitors.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    first = new.splitlines()[0]
    line = next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if first in row)
    return str(path), line


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "resource_type: generic_task",
            "resource_type: cloud_run_revision",
            "providers.gcp.resource_type: Cloud Monitoring does not take custom metrics on 'cloud_run_revision'",
        ),
        (
            "resource_type: generic_task",
            "resource_type: gce_instance",
            "providers.gcp.resource_type: resource_type gce_instance needs the resource labels instance_id, zone",
        ),
        (
            "project: ${GOOGLE_CLOUD_PROJECT:-my-project}",
            "project: My_Project!",
            "providers.gcp.project: 'My_Project!' is not a Google Cloud project ID: a project ID is 6 to 30",
        ),
        (
            "location: us-central1",
            "location: us_central_1",
            "did you mean 'us-central1'?",
        ),
        (
            "service_account: ${DRIFTPLANE_SERVICE_ACCOUNT:-driftplane-runner@my-project.iam.gserviceaccount.com}",
            "service_account: not-an-email",
            "providers.gcp.service_account: 'not-an-email' is not a service account email: "
            "expected NAME@PROJECT.iam.gserviceaccount.com",
        ),
    ],
)
def test_validate_locates_a_setting_google_would_refuse(
    cli: Any, example_dir: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, expected: str
) -> None:
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    spec, line = edited(example_dir, old, new)
    result = cli("validate", spec, "--provider", "gcp")
    assert result.exit_code == 2, result.output
    (located,) = [row for row in result.output.splitlines() if expected in row]
    assert located.startswith(f"{spec}:{line}:")
    assert result.output.count(expected) == 1  # said once, not once per check


@pytest.mark.parametrize("verb", [("plan", "--offline"), ("apply",)])
def test_plan_and_apply_refuse_an_unwritable_resource_type_before_sending_anything(
    cli: Any, example_dir: Path, fake: GoogleCloudEmulator, verb: tuple[str, ...]
) -> None:
    spec, _ = edited(example_dir, "resource_type: generic_task", "resource_type: cloud_run_revision")
    result = cli(*verb, spec)
    assert result.exit_code == 2, result.output
    assert "cloud_run_revision" in result.output
    assert fake.calls == []


def test_a_region_zone_is_told_apart(cli: Any, example_dir: Path) -> None:
    spec, _ = edited(example_dir, "location: us-central1", "location: us-central1-a")
    result = cli("validate", spec, "--provider", "gcp")
    assert result.exit_code == 2
    assert "'us-central1-a' is a zone" in result.output and "use 'us-central1'" in result.output


def test_resource_labels_unknown_to_the_type_are_refused(cli: Any, example_dir: Path) -> None:
    spec, line = edited(
        example_dir,
        "resource_type: generic_task",
        "resource_type: global\n    resource_labels: {zone: us-central1-a}",
    )
    result = cli("validate", spec, "--provider", "gcp")
    assert result.exit_code == 2
    assert f":{line}:" in result.output
    assert "resource_labels has zone, which resource_type global does not have" in result.output


def test_domain_scoped_project_ids_are_accepted(cli: Any, example_dir: Path) -> None:
    spec, _ = edited(example_dir, "project: ${GOOGLE_CLOUD_PROJECT:-my-project}", "project: example.com:my-project")
    result = cli("validate", spec, "--provider", "gcp")
    assert result.exit_code == 0, result.output


def test_a_gce_instance_with_its_labels_is_written_with_all_of_them(
    example_dir: Path, clients: GcpClients, fake: GoogleCloudEmulator
) -> None:
    """The fake refuses a resource missing any of its type's labels, as Google does."""
    path, _ = edited(
        example_dir,
        "resource_type: generic_task",
        "resource_type: gce_instance\n    resource_labels: {instance_id: '1234567890', zone: us-central1-a}",
    )
    spec = load_spec(path)
    provider = provider_for(spec, clients, project="my-project")
    (result,) = provider.run(spec, at=DRIFTED_DAY)
    assert not result.messages, result.messages
    resources = {(s.resource_type, tuple(sorted(s.resource_labels.items()))) for s in fake.series.values()}
    assert resources == {
        ("gce_instance", (("instance_id", "1234567890"), ("project_id", "my-project"), ("zone", "us-central1-a")))
    }
