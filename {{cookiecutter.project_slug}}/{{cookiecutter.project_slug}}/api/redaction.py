"""Keep tokens out of the logs: a token in a log line works for whoever reads it.

``RedactTokens`` is a logging filter for handlers (``LOGGING`` in
``config/settings/base.py`` puts it on the console handler): it replaces
anything shaped like a JWT in a record's message and traceback. It is the
safety net; the service's own log lines never include a token to begin with.

The settings load this module before Django is set up: it uses the standard
library only.
"""

import logging
import re

# Three base64url segments; the first is a JSON header, so it starts with '{"'.
JWT_PATTERN = re.compile(r"eyJ[\w-]*\.[\w-]*\.[\w-]*")
REPLACEMENT = "[redacted token]"


def redact(text: str) -> str:
    """Return ``text`` with every JWT in it replaced."""
    return JWT_PATTERN.sub(REPLACEMENT, text)


class RedactTokens(logging.Filter):
    """Replace JWTs in the records a handler writes; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
