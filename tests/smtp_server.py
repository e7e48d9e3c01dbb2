"""A real SMTP server in the test process (aiosmtpd), keeping what it receives.

Tests read the received messages exactly as a mail client would. ``slow_recipients``
makes the server take its time over the next RCPT commands, so a sender can be caught
mid-conversation (before the message data is sent); ``refuse_with`` answers every
RCPT with a temporary refusal."""
from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RecordingHandler:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.slow_recipients = 0
        self.slow_seconds = 0.0
        self.refuse_with: str | None = None
        self.slow_rcpt_started = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if self.refuse_with:
            return self.refuse_with
        if self.slow_recipients > 0:
            self.slow_recipients -= 1
            self.slow_rcpt_started.set()
            await asyncio.sleep(self.slow_seconds)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


class SMTPTestServer:
    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.port = _free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=10"

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]

    def start(self) -> "SMTPTestServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def first_link(message: EmailMessage) -> str:
    """The first web address in the plain-text body, as a person would follow it."""
    match = re.search(r"https?://\S+", text_of(message))
    assert match, "the message has no link"
    return match.group(0)
