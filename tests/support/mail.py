"""A real SMTP server in the test process, and the links of the messages it received."""

import re
import threading
import time
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller

from tests.support.serving import free_port


class Inbox:
    """Collects every message the server accepts (aiosmtpd's handler interface)."""

    def __init__(self):
        self.messages: list[Message] = []
        self._changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self._changed:
            self.messages.append(message_from_bytes(envelope.content))
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=30):
        """Return the messages once there are ``count``; fail after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{len(self.messages)} of {count} emails within {timeout} s: "
                        f"{[message['Subject'] for message in self.messages]}"
                    )
                self._changed.wait(left)
            return list(self.messages)


class SmtpServer:
    """An aiosmtpd server on a free local port, which a test can stop and start again."""

    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self._controller = None

    def start(self):
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        """Stop taking mail: connections to the port are refused."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@contextmanager
def smtp_server():
    """Serve SMTP on a free local port; yield the running ``SmtpServer``."""
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def link_values(message, page):
    """Return ``{uid, token}`` of the link to ``page`` in ``message``."""
    body = message.get_payload(decode=True).decode()
    found = re.search(rf"\S+/{page}\?\S+", body)
    assert found, body
    query = parse_qs(urlsplit(found.group()).query)
    return {"uid": query["uid"][0], "token": query["token"][0]}
