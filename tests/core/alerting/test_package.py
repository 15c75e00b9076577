"""What the alerting package promises the rest of driftplane and third-party plugins."""

from __future__ import annotations

import ast
import typing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.core.conftest import build_result

import driftplane as dp
from driftplane.alerting.channels.email import EmailChannel, EmailSettings
from driftplane.alerting.context import DeliveryContext, SmtpSettings
from driftplane.alerting.errors import DeliveryError
from driftplane.alerting.notification import Notification, build_notification
from driftplane.alerting.render import webhook_body
from driftplane.plugins import get_channel_types, load_plugins, pm

ROOT = Path(__file__).resolve().parents[3]

# The webhook body of one notification, as driftplane wrote it before alerting moved to core.
WEBHOOK_BODY = (
    b'{"schema":"driftplane.alert/v1","id":"00000000-0000-4000-8000-000000000000","monitor":"churn",'
    b'"alert":"drift","alert_key":"name:drift","condition":"drift","event":"firing","reason":"r",'
    b'"status":"drift_and_violations","window":{"start":"2026-01-01T00:00:00Z","end":"2026-01-02T00:00:00Z"},'
    b'"rows":{"baseline":1000,"target":500},"drifted_features":[{"name":"age","kind":"numerical",'
    b'"metric":"normalized_wasserstein","value":0.31,"threshold":0.1,"effective_threshold":0.1},'
    b'{"name":"plan","kind":"categorical","metric":"jensen_shannon","value":0.4,"threshold":0.1,'
    b'"effective_threshold":0.1}],"violations":{"count":1,"by_check_type":{"completeness_check":1},'
    b'"examples":[{"feature_name":"age","constraint_check_type":"completeness_check",'
    b'"description":"completeness_check failed for age"}]},"error":null,"report":"reports/churn/x/report.html",'
    b'"reports":{"html":"reports/churn/x/report.html","statistics":"s.json"},"driftplane_version":"1.2.3",'
    b'"timestamp":"2026-02-01T12:00:00Z"}'
)


def notification() -> Notification:
    result = build_result(
        values={"age": 0.31, "income": 0.02, "plan": 0.4},
        violations=[("age", "completeness_check")],
        reports={"html": "reports/churn/x/report.html", "statistics": "s.json"},
    )
    built = build_notification(
        monitor="churn",
        alert_name="drift",
        alert_key="name:drift",
        condition="drift",
        event="firing",
        reason="r",
        result=result,
        now=datetime(2026, 2, 1, 12, tzinfo=UTC),
    )
    return built.model_copy(update={"id": "00000000-0000-4000-8000-000000000000", "driftplane_version": "1.2.3"})


def test_the_webhook_body_is_the_documented_contract_byte_for_byte() -> None:
    body = webhook_body(notification())
    assert body == WEBHOOK_BODY
    assert Notification.model_validate_json(body) == notification()  # the outbox reads back what it stored


def test_send_takes_a_typed_notification_on_the_base_and_every_built_in_channel() -> None:
    from driftplane.alerting.channel import AlertChannel
    from driftplane.channel import AlertChannel as FormerPlace

    assert dp.AlertChannel is AlertChannel is FormerPlace
    for cls in (dp.AlertChannel, *get_channel_types().values()):
        hints = typing.get_type_hints(cls.send)
        assert hints["notification"] is Notification, cls


def test_the_built_in_channel_types_are_registered_by_core_not_by_the_local_provider() -> None:
    load_plugins()
    registrars = {impl.plugin_name for impl in pm.hook.register_alert_channels.get_hookimpls()}
    assert "driftplane.alerting.plugin" in registrars
    assert "driftplane.local.plugin" not in registrars
    assert {"webhook", "slack", "email", "log"} <= set(get_channel_types())


def test_email_without_an_smtp_server_from_its_provider_says_so() -> None:
    channel = EmailChannel(
        EmailSettings(to=["ml@example.com"]), context=DeliveryContext(settings_key="providers.mycloud")
    )
    with pytest.raises(DeliveryError) as caught:
        channel.send(notification())
    assert not caught.value.retryable
    assert "no SMTP server to send email through" in caught.value.reason
    assert "set providers.mycloud.smtp" in caught.value.reason


def test_a_channel_scrubs_its_providers_secrets_too() -> None:
    context = DeliveryContext(smtp=SmtpSettings(username="bot", password="pw-Q7-never-shown"))
    channel = EmailChannel(EmailSettings(to=["ml@example.com"]), context=context)
    assert "pw-Q7-never-shown" in channel.secrets


def _driftplane_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp"])
def test_no_cloud_provider_reaches_into_the_local_provider(provider: str) -> None:
    sources = sorted((ROOT / "providers" / provider / "src").rglob("*.py"))
    assert sources
    reaching = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in sources
        for module in _driftplane_imports(path)
        if module == "driftplane.local" or module.startswith("driftplane.local.")
    ]
    assert reaching == []
