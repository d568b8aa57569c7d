"""Account emails of a served bake, received by a real SMTP server.

gunicorn serves the project, its task worker (``manage.py db_worker``) sends
the queued emails to an aiosmtpd server in this process, and the tests follow
the links as a front end would: sign-up, verification, login; password reset
and change; known and unknown addresses alike; used links refused; a mail
server that is down delays the email, never the request.
"""

import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager

import pytest

from tests.support.commands import project_env
from tests.support.mail import link_values, smtp_server
from tests.support.serving import GENEROUS_THROTTLE_RATES, http, served
from tests.support.variants import VARIANTS

VARIANT = "open-signup"
PASSWORD = "a passphrase nobody guesses 41"
NEW_PASSWORD = "another passphrase nobody guesses 42"
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(VARIANT)]


@contextmanager
def worker(project, env):
    """Run the project's task worker until the block ends."""
    command = [sys.executable, "manage.py", "db_worker", "--interval", "0.2"]
    command += ["--no-reload", "--no-startup-delay"]
    with (
        tempfile.TemporaryFile("a+") as output,
        subprocess.Popen(
            command, cwd=project, env=env, stdout=output, stderr=output
        ) as process,
    ):
        try:
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def stack(bake):
    """``(base_url, inbox, smtp_server)`` of a served open-sign-up bake and its worker."""
    project = bake(**VARIANTS[VARIANT]).project_path
    with smtp_server() as server:
        env = project_env(
            **GENEROUS_THROTTLE_RATES,
            EMAIL_URL=f"smtp://127.0.0.1:{server.port}",
            ACCOUNT_FRONTEND_URL="https://app.example.com",
            ACCOUNT_EMAIL_RETRY_SECONDS="1",
            DJANGO_SETTINGS_MODULE="config.settings.local",
        )
        with worker(project, env), served(project, env=dict(env)) as base_url:
            yield base_url, server.inbox, server


def post(base_url, path, body, access=None):
    headers = {"Authorization": f"Bearer {access}"} if access else None
    return http("POST", f"{base_url}{path}", body, headers=headers)


def fresh_address():
    return f"user-{uuid.uuid4().hex[:12]}@example.com"


def emails_to(inbox, address, count=1):
    """Wait for ``count`` emails to ``address``; return them, oldest first."""
    deadline = time.monotonic() + 30
    while True:
        found = [m for m in inbox.messages if m["To"] == address]
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) >= count, [m["Subject"] for m in inbox.messages]
            return found
        time.sleep(0.1)


def sign_up(base_url, inbox, address, password=PASSWORD):
    """Sign ``address`` up and verify it through its emailed link; return the link."""
    body = {"email": address, "password": password, "username": address.split("@")[0]}
    status, _, answer = post(base_url, "/api/account/signup/", body)
    assert status == 202, answer
    return link_values(emails_to(inbox, address)[0], "verify-email")


def login(base_url, address, password=PASSWORD):
    body = {"username": address.split("@")[0], "password": password}
    return post(base_url, "/api/token/", body)


def test_sign_up_verify_then_log_in(stack):
    base_url, inbox, _ = stack
    address = fresh_address()

    values = sign_up(base_url, inbox, address)
    refused_status, _, refused = login(base_url, address)
    verified_status, _, verified = post(base_url, "/api/account/email/verify/", values)
    again_status, _, again = post(base_url, "/api/account/email/verify/", values)
    status, _, tokens = login(base_url, address)

    assert (refused_status, refused["code"]) == (403, "email_not_verified")
    assert verified_status == 200, verified
    assert "access" not in verified
    assert (again_status, again["code"]) == (400, "invalid_token")
    assert status == 200
    assert set(tokens) == {"access", "refresh"}


def test_reset_ends_the_old_password_and_every_old_session(stack):
    base_url, inbox, _ = stack
    address = fresh_address()
    post(base_url, "/api/account/email/verify/", sign_up(base_url, inbox, address))
    old = login(base_url, address)[2]

    status, _, _ = post(base_url, "/api/account/password/reset/", {"email": address})
    values = link_values(emails_to(inbox, address, 2)[-1], "reset-password")
    confirm = {**values, "new_password": NEW_PASSWORD}
    confirmed, _, _ = post(base_url, "/api/account/password/reset/confirm/", confirm)
    reused, _, reused_body = post(
        base_url, "/api/account/password/reset/confirm/", confirm
    )

    assert (status, confirmed) == (202, 200)
    assert (reused, reused_body["code"]) == (400, "invalid_token")
    assert login(base_url, address)[0] == 401
    assert login(base_url, address, NEW_PASSWORD)[0] == 200
    assert post(base_url, "/api/token/refresh/", {"refresh": old["refresh"]})[0] == 401
    # Every worker refuses the ended session's access token within about a second.
    deadline = time.monotonic() + 5
    while (
        http(
            "GET",
            f"{base_url}/api/",
            headers={"Authorization": f"Bearer {old['access']}"},
        )[0]
        != 401
    ):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    notice = emails_to(inbox, address, 3)[-1]
    assert "password was changed" in notice["Subject"]


def test_change_answers_new_tokens_and_sends_a_notice(stack):
    base_url, inbox, _ = stack
    address = fresh_address()
    post(base_url, "/api/account/email/verify/", sign_up(base_url, inbox, address))
    tokens = login(base_url, address)[2]

    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    status, _, changed = post(
        base_url, "/api/account/password/change/", body, tokens["access"]
    )

    assert status == 200, changed
    hello = http(
        "GET",
        f"{base_url}/api/",
        headers={"Authorization": f"Bearer {changed['access']}"},
    )
    assert hello[0] == 200
    assert login(base_url, address, NEW_PASSWORD)[0] == 200
    assert "password was changed" in emails_to(inbox, address, 2)[-1]["Subject"]


def test_known_and_unknown_addresses_answer_alike(stack):
    base_url, inbox, _ = stack
    known = fresh_address()
    sign_up(base_url, inbox, known)
    unknown = fresh_address()

    answers = {
        address: post(base_url, "/api/account/password/reset/", {"email": address})
        for address in (known, unknown)
    }
    signups = [
        post(
            base_url,
            "/api/account/signup/",
            {"email": address, "password": PASSWORD, "username": uuid.uuid4().hex[:10]},
        )
        for address in (known, fresh_address())
    ]

    assert answers[known][0] == answers[unknown][0] == 202
    assert answers[known][2] == answers[unknown][2]
    assert signups[0][0] == signups[1][0] == 202
    assert signups[0][2] == signups[1][2]
    subjects = [m["Subject"] for m in emails_to(inbox, known, 3)]
    assert any("Reset" in subject for subject in subjects)
    assert any("already have" in subject for subject in subjects)
    time.sleep(1)  # The worker has had time to send anything it would send.
    assert not [m for m in inbox.messages if m["To"] == unknown]


def test_a_mail_server_that_is_down_delays_the_email_not_the_request(stack):
    base_url, inbox, server = stack
    address = fresh_address()
    sign_up(base_url, inbox, address)
    server.stop()
    try:
        started = time.monotonic()
        status, _, _ = post(
            base_url, "/api/account/password/reset/", {"email": address}
        )
        elapsed = time.monotonic() - started
        # The worker's first attempt is refused; it tries again a second later.
        time.sleep(1.5)
    finally:
        server.start()

    assert status == 202
    assert elapsed < 1
    assert "Reset" in emails_to(inbox, address, 2)[-1]["Subject"]
