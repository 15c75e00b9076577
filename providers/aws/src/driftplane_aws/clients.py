"""boto3 clients for the provider: one session, standard retries, and every call's errors explained.

boto3 is imported here, inside functions, so that loading the plugin (``driftplane --help``)
never imports it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from driftplane.errors import ProviderError
from driftplane_aws.errors import provider_error
from driftplane_aws.settings import AwsSettings

logger = logging.getLogger(__name__)

ClientHook = Callable[[Any], None]


class AwsClients:
    """Creates and caches boto3 clients; ``call`` runs one operation and maps its errors.

    session: a boto3 Session to use (default: one from the settings' profile and region).
    endpoint_url: send every call there (tests use a moto server on 127.0.0.1; AWS_ENDPOINT_URL works too).
    on_client: called with each new client (tests register stand-ins for calls moto lacks).
    region_setting: where the region is given, in the words of whatever built these clients
    (the spec's setting for plan and apply; an option for commands that read no spec).
    """

    def __init__(
        self,
        settings: AwsSettings,
        *,
        session: Any = None,
        endpoint_url: str | None = None,
        on_client: ClientHook | None = None,
        region_setting: str = "providers.aws.region in the spec",
    ) -> None:
        self.settings = settings
        self.region_setting = region_setting
        self._session = session
        self.endpoint_url = endpoint_url
        self.on_client = on_client
        self._clients: dict[str, Any] = {}
        self._account: str | None = None

    @property
    def session(self) -> Any:
        if self._session is None:
            import boto3
            from botocore.exceptions import ProfileNotFound

            try:
                self._session = boto3.session.Session(
                    profile_name=self.settings.profile, region_name=self.settings.region
                )
            except ProfileNotFound as exc:
                raise provider_error(exc, "sts", "GetCallerIdentity") from None
        return self._session

    @property
    def region(self) -> str:
        region = self.settings.region or self.session.region_name
        if not region:
            raise ProviderError(f"no AWS region is configured: give {self.region_setting}, or set AWS_REGION")
        return str(region)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            from botocore.config import Config

            config = Config(
                retries={"mode": "standard", "total_max_attempts": self.settings.max_attempts},
                user_agent_extra="driftplane",
            )
            client = self.session.client(
                service, region_name=self.region, endpoint_url=self.endpoint_url, config=config
            )
            if self.on_client is not None:
                self.on_client(client)
            self._clients[service] = client
        return self._clients[service]

    def call(
        self, service: str, operation: str, body: dict[str, Any] | None = None, *, resource: str | None = None
    ) -> dict[str, Any]:
        """Run ``operation`` (its API name, e.g. CreateMonitoringSchedule); ProviderError on failure."""
        from botocore import xform_name
        from botocore.exceptions import BotoCoreError, ClientError

        client = self.client(service)
        logger.debug("calling %s:%s%s", service, operation, f" on {resource}" if resource else "")
        try:
            result: dict[str, Any] = getattr(client, xform_name(operation))(**(body or {}))
        except (ClientError, BotoCoreError) as exc:
            raise provider_error(exc, service, operation, resource) from exc
        return result

    def try_call(
        self, service: str, operation: str, body: dict[str, Any] | None = None, *, resource: str | None = None
    ) -> dict[str, Any] | None:
        """Like ``call``, but None when the resource does not exist."""
        from botocore.exceptions import ClientError

        from driftplane_aws.errors import is_not_found

        try:
            return self.call(service, operation, body, resource=resource)
        except ProviderError as exc:
            cause = exc.__cause__
            if isinstance(cause, ClientError) and is_not_found(cause):
                return None
            raise

    def account_id(self) -> str:
        if self._account is None:
            self._account = str(self.call("sts", "GetCallerIdentity")["Account"])
        return self._account
