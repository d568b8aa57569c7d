"""Account emails sent by the task worker, so that no request waits for a mail server.

Requests enqueue ``send_account_email`` (a row in the database with the
default backend); ``manage.py db_worker`` sends it. A mail server that is slow
or down delays the email, never the request, and a failed attempt is
enqueued again later, waiting twice as long each time, until
``ACCOUNT_EMAIL_ATTEMPTS`` attempts have failed. Log lines name the kind of
email and the user's id: never an address, a link or a token.
"""

import logging
import smtplib
from datetime import timedelta

{% if cookiecutter.django_version == "5.2" -%}
from django.utils import timezone
from django_tasks import task
{%- else -%}
from django.tasks import task
from django.utils import timezone
{%- endif %}

from .conf import accounts_settings
from .emails import BUILDERS, recipients

logger = logging.getLogger(__name__)

# What a mail server that is down, slow or refusing for now raises.
DELIVERY_ERRORS = (smtplib.SMTPException, OSError)


@task()
def send_account_email(kind: str, address: str, attempt: int = 1) -> None:
    """Send the email of ``kind`` to the users of ``address``; retry later if it fails."""
    build = BUILDERS[kind]
    for user in recipients(kind, address):
        try:
            build(user).send()
        except DELIVERY_ERRORS as error:
            retry(kind, address, attempt, user.pk, error)
            return
        logger.info("Sent the %s email to user %s", kind, user.pk)


def retry(
    kind: str, address: str, attempt: int, user_id: object, error: Exception
) -> None:
    """Enqueue the email again after a failed ``attempt``, or give it up after the last."""
    if attempt >= accounts_settings.ACCOUNT_EMAIL_ATTEMPTS:
        logger.error(
            "Gave up the %s email to user %s after %s attempts: %s",
            kind,
            user_id,
            attempt,
            type(error).__name__,
        )
        return
    delay = accounts_settings.ACCOUNT_EMAIL_RETRY_SECONDS * 2 ** (attempt - 1)
    logger.warning(
        "The %s email to user %s failed (%s): attempt %s of %s in %s s",
        kind,
        user_id,
        type(error).__name__,
        attempt + 1,
        accounts_settings.ACCOUNT_EMAIL_ATTEMPTS,
        delay,
    )
    send_account_email.using(
        run_after=timezone.now() + timedelta(seconds=delay)
    ).enqueue(kind, address, attempt + 1)


def email_later(kind: str, address: str) -> None:
    """Enqueue the email of ``kind`` to ``address``: the request goes on at once."""
    send_account_email.enqueue(kind, address)
