"""Handing one email to the SMTP server named by ``MAIL_URL``.

Forms of ``MAIL_URL``:

- ``smtp://user:password@host:587?starttls=true`` — plain connection upgraded with STARTTLS
- ``smtps://user:password@host:465`` — TLS from the start
- ``smtp://host:25`` — no TLS, no sign-in (a relay on a private network)

User name and password are URL-encoded (``%40`` for ``@``). ``timeout=`` (seconds, default
30) bounds every network wait.
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

TRUE_WORDS = {"1", "true", "yes", "on"}


class MailTransportError(Exception):
    """The mail server could not be reached or refused the message."""


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    tls: bool
    starttls: bool
    username: str | None
    password: str | None
    timeout: float


def parse_mail_url(url: str) -> MailServer:
    """Read ``MAIL_URL``; raises ValueError with a message a person can act on."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(f"MAIL_URL must start smtp:// or smtps://, not {parts.scheme or 'nothing'}://")
    if not parts.hostname:
        raise ValueError("MAIL_URL has no host name, for example smtp://mail.example.org:587?starttls=true")
    query = parse_qs(parts.query)
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
        timeout = float(query.get("timeout", ["30"])[0])
    except ValueError as error:
        raise ValueError(f"MAIL_URL has a port or timeout that is not a number: {error}") from None
    return MailServer(
        host=parts.hostname,
        port=port,
        tls=parts.scheme == "smtps",
        starttls=query.get("starttls", ["false"])[0].lower() in TRUE_WORDS,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        timeout=timeout,
    )


def send_email(url: str, email: EmailMessage) -> None:
    server = parse_mail_url(url)
    context = ssl.create_default_context()
    try:
        if server.tls:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout,
                                                        context=context)
        else:
            connection = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        with connection:
            if server.starttls:
                connection.starttls(context=context)
            if server.username:
                connection.login(server.username, server.password or "")
            connection.send_message(email)
    except (smtplib.SMTPException, OSError) as error:
        raise MailTransportError(f"{type(error).__name__}: {error}") from error
