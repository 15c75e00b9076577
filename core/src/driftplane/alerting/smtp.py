"""Sending an alert email through an SMTP server (STARTTLS, login).

The server is the delivering provider's (``providers.local.smtp`` for the local provider),
handed to the email channel in its DeliveryContext; ``key`` names it in every message that
asks the user to change a setting.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from driftplane.alerting.context import SmtpSettings
from driftplane.alerting.errors import DeliveryError
from driftplane.alerting.redact import scrub

logger = logging.getLogger(__name__)


def build_message(smtp: SmtpSettings, to: list[str], subject: str, text: str) -> EmailMessage:
    """A plain-text message from the configured sender."""
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=smtp.sender.partition("@")[2] or None)
    message.set_content(text)
    return message


def send_email(
    smtp: SmtpSettings, to: list[str], subject: str, text: str, *, key: str = "providers.local.smtp"
) -> None:
    """Deliver one email; DeliveryError says what the server or the network answered.

    TLS certificates are checked against the system's trust store (SSL_CERT_FILE points
    it at a private CA). The password never appears in an error or a log line.
    """
    server = f"{smtp.host}:{smtp.port}"
    password = smtp.password.get_secret_value() if smtp.password else ""
    hidden = [password] if password else []
    message = build_message(smtp, to, subject, text)
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
            client.ehlo()
            if smtp.starttls:
                if not client.has_extn("starttls"):
                    raise DeliveryError(
                        f"the SMTP server {server} does not offer STARTTLS; use a server that does, "
                        f"or set {key}.starttls: false for a relay on a trusted network",
                        retryable=False,
                    )
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            elif smtp.username:
                logger.warning(
                    "logging in to the SMTP server %s without STARTTLS: the password crosses the "
                    "network in the clear; set %s.starttls: true",
                    server,
                    key,
                )
            if smtp.username:
                client.login(smtp.username, password)
            refused = client.send_message(message)
    except DeliveryError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            f"the SMTP server {server} refused the login of user '{smtp.username}' "
            f"({exc.smtp_code} {_text(exc.smtp_error, hidden)}); check {key}.username "
            "and the password",
            retryable=False,
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(
            f"the SMTP server {server} does not support what was asked ({_text(exc, hidden)}); "
            f"remove {key}.username if it needs no login",
            retryable=False,
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused_all = ", ".join(
            f"{address} ({code} {_text(reply, hidden)})" for address, (code, reply) in exc.recipients.items()
        )
        raise DeliveryError(
            f"the SMTP server {server} refused every recipient: {refused_all}", retryable=False
        ) from None
    except smtplib.SMTPSenderRefused as exc:
        raise DeliveryError(
            f"the SMTP server {server} refused the sender {smtp.sender} ({exc.smtp_code} "
            f"{_text(exc.smtp_error, hidden)}); set {key}.sender to an address it accepts",
            retryable=False,
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(
            f"the SMTP server {server} answered {exc.smtp_code} {_text(exc.smtp_error, hidden)}"
        ) from None
    except smtplib.SMTPException as exc:
        raise DeliveryError(f"SMTP with {server} failed: {_text(exc, hidden)}") from None
    except ssl.SSLCertVerificationError as exc:
        raise DeliveryError(
            f"the TLS certificate of the SMTP server {server} is not trusted ({exc.verify_message}); "
            "point SSL_CERT_FILE at the CA that signed it, or fix the server's certificate",
            retryable=False,
        ) from None
    except ssl.SSLError as exc:
        raise DeliveryError(f"the TLS handshake with the SMTP server {server} failed: {_text(exc, hidden)}") from None
    except TimeoutError:
        raise DeliveryError(f"the SMTP server {server} did not answer within {smtp.timeout:g} s (timeout)") from None
    except ConnectionRefusedError:
        raise DeliveryError(
            f"connection to the SMTP server {server} refused (nothing is listening there); check "
            f"{key}.host and port"
        ) from None
    except OSError as exc:
        raise DeliveryError(f"could not reach the SMTP server {server}: {exc.strerror or exc}") from None
    if refused:
        logger.warning(
            "the SMTP server %s refused some recipients of '%s': %s; the others got it",
            server,
            subject,
            ", ".join(f"{address} ({code})" for address, (code, _reply) in refused.items()),
        )


def _text(value: object, hidden: list[str]) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return scrub(text.strip(), hidden)
