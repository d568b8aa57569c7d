"""Account emails leave the request path and survive a mail server that is down."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from {{ cookiecutter.project_slug }}.accounts import tasks

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings):
    """The production backend: tasks wait in the database for the worker."""
    settings.TASKS = DATABASE_QUEUE


@pytest.fixture
def mail_server_down(monkeypatch):
    def refuse(message, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)


@pytest.mark.usefixtures("database_queue")
def test_a_request_only_enqueues_its_email(api_client, user):
    response = api_client.post(
        "/api/account/password/reset/", {"email": user.email}, format="json"
    )

    assert response.status_code == 202
    assert mail.outbox == []
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("accounts.tasks.send_account_email")
    assert queued.args_kwargs["args"] == ["password_reset", user.email]


@pytest.mark.usefixtures("database_queue", "mail_server_down")
def test_a_failed_delivery_is_enqueued_again_later(user, settings):
    settings.ACCOUNT_EMAIL_RETRY_SECONDS = 30

    tasks.send_account_email.call("password_reset", user.email, 3)

    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["args"] == ["password_reset", user.email, 4]
    # The third failure waits 30 s * 2**2.
    expected = timezone.now() + timedelta(seconds=120)
    assert abs(retry.run_after - expected) < timedelta(seconds=5)


@pytest.mark.usefixtures("database_queue", "mail_server_down")
def test_the_last_attempt_is_logged_not_enqueued(user, settings, caplog):
    settings.ACCOUNT_EMAIL_ATTEMPTS = 2

    tasks.send_account_email.call("password_reset", user.email, 2)

    assert not DBTaskResult.objects.exists()
    assert "Gave up the password_reset email to user" in caplog.text
    assert user.email not in caplog.text
