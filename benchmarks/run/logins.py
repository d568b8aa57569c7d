"""Logins driven from Python: a two-factor login's second request needs the first's answer.

wrk sends fixed requests; a TOTP login posts the ``mfa_token`` the password
step returned, with a code of the current time step that django-otp accepts
once per device. So both logins compared here, with and without the code,
go through the same Python driver, and the ratio of their rates is the
cost of the second factor.
"""

import base64
import json
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyotp

from tests.support.commands import manage
from tests.support.serving import http

PLAIN_USERNAME = "bench_plain"
PLAIN_EMAIL = "bench_plain@example.com"
# More devices than a run can log in with in one 30-second time step.
TOTP_USER_COUNT = 1000

# Users made in bulk with the plain user's password hash: one Argon2 hash,
# not a thousand. Each TOTP user has a confirmed device with a known key.
CREATE_LOGIN_USERS = """
import json
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

users = get_user_model()
plain = users.objects.create_user(
    {username!r}, email={email!r}, password={password!r}
)
keys = json.loads(open({keys_path!r}).read())
users.objects.bulk_create(
    users(username=name, email=f"{{name}}@example.com", password=plain.password)
    for name in keys
)
TOTPDevice.objects.bulk_create(
    TOTPDevice(user=user, name="authenticator", confirmed=True, key=keys[user.username])
    for user in users.objects.filter(username__in=keys)
)
"""


@dataclass
class TotpUser:
    username: str
    totp: pyotp.TOTP
    # The last time step a code of this device was sent for (django-otp
    # refuses a step no later than the last one it accepted).
    last_step: int = -1


@dataclass
class LoginUsers:
    """The password of every benchmark user, and the pool of users with a device."""

    password: str
    totp_users: list[TotpUser]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_code(self):
        """Return ``(username, code)``: a device not yet used in this time step.

        When every device has been used in the current step, wait for the next.
        """
        while True:
            step = int(time.time() // 30)
            with self.lock:
                for user in self.totp_users:
                    if user.last_step < step:
                        user.last_step = step
                        return user.username, user.totp.at(step * 30)
            print("  (every TOTP device used in this step: waiting)", flush=True)
            time.sleep(30 - time.time() % 30)


def create_login_users(server, workdir):
    """Create a plain user and TOTP users in the server's project; return them."""
    password = secrets.token_urlsafe(16)
    keys = {
        f"bench_totp_{index}": secrets.token_hex(20) for index in range(TOTP_USER_COUNT)
    }
    keys_path = workdir / "totp-keys.json"
    keys_path.write_text(json.dumps(keys))
    script = CREATE_LOGIN_USERS.format(
        username=PLAIN_USERNAME,
        email=PLAIN_EMAIL,
        password=password,
        keys_path=str(keys_path),
    )
    manage(
        server.project,
        *("shell", "--no-imports", "-c", script),
        settings=server.settings,
        env=dict(server.env),
    )
    totp_users = [
        TotpUser(name, pyotp.TOTP(base64.b32encode(bytes.fromhex(key)).decode()))
        for name, key in keys.items()
    ]
    return LoginUsers(password, totp_users)


def post(server, path, body):
    status, _headers, answer = http("POST", f"{server.url}{path}", body, timeout=120)
    return status, answer if isinstance(answer, dict) else {}


def password_login(server, users):
    """Log the plain user in; return True when a token pair came back."""
    credentials = {"username": PLAIN_USERNAME, "password": users.password}
    status, answer = post(server, "/api/token/", credentials)
    return status == 200 and "access" in answer


def totp_login(server, users):
    """Log a TOTP user in: password, then a code; return True when tokens came back."""
    username, code = users.next_code()
    credentials = {"username": username, "password": users.password}
    status, challenge = post(server, "/api/token/", credentials)
    if status != 200 or "mfa_token" not in challenge:
        return False
    second_step = {"mfa_token": challenge["mfa_token"], "code": code}
    status, answer = post(server, "/api/token/mfa/", second_step)
    return status == 200 and "access" in answer


def drive(login, options):
    """Call ``login()`` from ``options.connections`` threads for ``options.duration`` s.

    Return the completed logins per second and the failed ones, as wrk's loads do.
    """
    deadline = time.monotonic() + options.duration

    def log_in_until_the_deadline(_index):
        succeeded = failed = 0
        while time.monotonic() < deadline:
            if login():
                succeeded += 1
            else:
                failed += 1
        return succeeded, failed

    started = time.monotonic()
    with ThreadPoolExecutor(options.connections) as pool:
        counts = list(pool.map(log_in_until_the_deadline, range(options.connections)))
    elapsed = time.monotonic() - started
    succeeded = sum(ok for ok, _ in counts)
    return {"rate": succeeded / elapsed, "failed": sum(bad for _, bad in counts)}
