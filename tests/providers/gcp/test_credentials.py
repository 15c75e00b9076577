"""Looking for credentials: driftplane's own error, without google.auth's warnings, unless -vv."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from driftplane_gcp.clients import EMULATOR_ENV, connect
from driftplane_gcp.settings import GcpSettings

from .conftest import EXAMPLE

METADATA_WARNING = "unavailable metadata server"


def plan_without_credentials(tmp_path: Path, *verbosity: str) -> subprocess.CompletedProcess[str]:
    """`driftplane plan` in a fresh process, as a user runs it: no ADC, no gcloud login, not on GCE."""
    env = {k: v for k, v in os.environ.items() if k not in ("GOOGLE_APPLICATION_CREDENTIALS", EMULATOR_ENV)}
    env["CLOUDSDK_CONFIG"] = str(tmp_path)  # an empty gcloud configuration: no login
    env["NO_GCE_CHECK"] = "true"  # google.auth's own switch: do not wait for a metadata server
    return subprocess.run(
        [sys.executable, "-m", "driftplane", *verbosity, "plan", str(EXAMPLE)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_vv_shows_google_auth_warnings_again(tmp_path: Path) -> None:
    done = plan_without_credentials(tmp_path, "-vv")
    assert done.returncode == 3
    assert (
        f"warning: Authentication failed using Compute Engine authentication due to {METADATA_WARNING}" in done.stderr
    )


def test_gcloud_user_credentials_connect_without_a_quota_project_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """gcloud's own OAuth client makes google.auth warn about quota; -v still shows it as debug."""
    from google.auth import _cloud_sdk

    (tmp_path / "application_default_credentials.json").write_text(
        json.dumps(
            {
                "type": "authorized_user",
                "client_id": _cloud_sdk.CLOUD_SDK_CLIENT_ID,
                "client_secret": "secret",
                "refresh_token": "token",
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path))
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.delenv(EMULATOR_ENV, raising=False)
    google = logging.getLogger("google")
    level = google.level
    google.setLevel(logging.WARNING)  # as the CLI sets it without -vv
    caplog.set_level(logging.DEBUG, logger="driftplane_gcp")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            clients = connect(GcpSettings(project="my-project", scheduled_runs=False))
    finally:
        google.setLevel(level)
    assert clients.metrics is not None
    assert [str(w.message) for w in caught] == []
    assert any("without a quota project" in r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG)
