"""No token reaches the logs, whoever writes the log line."""

import logging

import jwt
import pytest

from {{ cookiecutter.project_slug }}.api.redaction import (
    RedactTokens,
    redact,
)


@pytest.fixture
def tokens():
    """Two JWTs, as the service would issue them (the secret does not matter here)."""
    secret = "a-secret-of-this-test-only-0123456789abcdef"
    return {
        "access": jwt.encode({"token_type": "access", "user_id": "1"}, secret),
        "refresh": jwt.encode({"token_type": "refresh", "user_id": "1"}, secret),
    }


def record(message, *args, exc_info=None):
    return logging.LogRecord(
        "any", logging.WARNING, __file__, 1, message, args, exc_info
    )


def test_a_token_in_a_message_is_replaced(tokens):
    log_record = record("Refused %s for %s", tokens["access"], "alice")

    assert RedactTokens().filter(log_record) is True
    assert log_record.getMessage() == "Refused [redacted token] for alice"


def test_a_token_in_a_traceback_is_replaced(tokens):
    try:
        raise ValueError(tokens["refresh"])
    except ValueError as error:
        log_record = record(
            "failed", exc_info=(type(error), error, error.__traceback__)
        )

    RedactTokens().filter(log_record)

    assert "ValueError: [redacted token]" in log_record.exc_text
    assert tokens["refresh"].split(".")[2] not in log_record.exc_text


def test_text_without_a_token_is_kept():
    text = "GET /api/ 401 from 192.0.2.1 (token_not_valid), see eyJ in the docs."

    assert redact(text) == text


def test_the_configured_log_handler_redacts(tokens):
    # LOGGING in config/settings/base.py puts the filter on the root's handler.
    [handler] = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(log_filter, RedactTokens) for log_filter in handler.filters)
    ]
    log_record = record("token=%s", tokens["access"])

    assert handler.filter(log_record)
    assert handler.format(log_record).endswith("token=[redacted token]")
