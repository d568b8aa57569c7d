"""Two-factor login (mfa=totp) over HTTP, against baked projects served by gunicorn.

Codes come from pyotp, as an authenticator app computes them. Both
transports: tokens in bodies (header) and the refresh token in a cookie.
The header issuer signs with ES256, so that a verifier trusting its JWKS
can check the second factor its tokens carry.
"""

import base64
import http.cookiejar
import json
import secrets
import shutil
import time
import urllib.error
import urllib.request

import pyotp
import pytest

from tests.support.baking import SUPERUSER_PASSWORD, read_dotenv
from tests.support.commands import manage, project_env
from tests.support.serving import GENEROUS_THROTTLE_RATES, free_port, served
from tests.support.variants import VARIANTS

FLOWS = {
    "mfa-header": {"mfa": "totp", "jwt_algorithm": "ES256"},
    "mfa-cookie": {"mfa": "totp", "token_transport": "cookie"},
}
PASSWORD = "correct horse battery staple"
# A view of the verifier that only a two-factor login opens.
MFA_VIEWS = """
from django.urls import path
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from {package}.jwt_auth.permissions import RequireMFA


class Payouts(APIView):
    permission_classes = (IsAuthenticated, RequireMFA)

    def get(self, request):
        return Response({{"amr": request.auth["amr"]}})


urlpatterns = [path("api/payouts/", Payouts.as_view())]
"""

pytestmark = pytest.mark.slow


class Browser:
    """A client that keeps cookies, as a browser (or a mobile app) does."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)

    def call(self, method, path, body=None, access=None, csrf=False):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.base_url}{path}", data=data, method=method
        )
        request.add_header("Content-Type", "application/json")
        if access:
            request.add_header("Authorization", f"Bearer {access}")
        if csrf:
            request.add_header("X-CSRFToken", self.cookie("csrftoken") or "")
        try:
            with self.opener.open(request, timeout=10) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        return status, json.loads(raw) if raw else None


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def code_at(totp, steps):
    """The code ``steps`` time steps from now; django-otp accepts -1, 0 and 1 once each."""
    return totp.at(time.time() + totp.interval * steps)


@pytest.fixture(
    params=[pytest.param(name, marks=pytest.mark.xdist_group(name)) for name in FLOWS]
)
def served_mfa(request, bake):
    answers = FLOWS[request.param]
    project = bake(**answers).project_path
    with served(project) as base_url:
        yield project, base_url, answers.get("token_transport", "header")


def new_user(project):
    """Create a user who is not staff in the served project; return the username."""
    username = f"user{secrets.token_hex(4)}"
    manage(
        project,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_user({username!r}, password={PASSWORD!r})",
    )
    return username


def log_in(browser, username):
    return browser.call(
        "POST", "/api/token/", {"username": username, "password": PASSWORD}
    )


def enrol(browser, username):
    """Enrol a TOTP device for ``username``; return it and the recovery codes."""
    status, tokens = log_in(browser, username)
    assert status == 200, tokens
    assert "mfa_required" not in tokens
    access = tokens["access"]
    status, setup = browser.call(
        "POST", "/api/mfa/totp/setup/", {"password": PASSWORD}, access=access
    )
    assert status == 200, setup
    assert setup["otpauth_url"].startswith("otpauth://totp/")
    totp = pyotp.TOTP(setup["secret"])
    status, confirmed = browser.call(
        "POST", "/api/mfa/totp/confirm/", {"code": code_at(totp, -1)}, access=access
    )
    assert status == 200, confirmed
    return totp, confirmed["recovery_codes"]


def mfa_token(browser, username):
    status, body = log_in(browser, username)
    assert status == 200, body
    assert body["mfa_required"] is True
    assert set(body) == {"mfa_required", "mfa_token", "expires_in"}
    return body["mfa_token"]


def second_step(browser, token, code):
    return browser.call("POST", "/api/token/mfa/", {"mfa_token": token, "code": code})


def test_enrol_then_log_in_with_a_code_and_a_recovery_code(served_mfa):
    project, base_url, transport = served_mfa
    browser = Browser(base_url)
    username = new_user(project)
    totp, recovery_codes = enrol(Browser(base_url), username)
    assert len(recovery_codes) == 10

    # The password alone gives no tokens (and no refresh cookie) any more.
    token = mfa_token(browser, username)
    assert browser.cookie("refresh_token") is None
    status, tokens = second_step(browser, token, code_at(totp, 0))
    assert status == 200, tokens
    assert claims(tokens["access"])["amr"] == ["pwd", "otp"]
    status, body = browser.call("GET", "/api/", access=tokens["access"])
    assert status == 200

    # The same code, with a new mfa_token: refused.
    status, body = second_step(browser, mfa_token(browser, username), code_at(totp, 0))
    assert (status, body["code"]) == (400, "invalid_code")

    # A refresh keeps amr: the session's, not anything the client sends.
    if transport == "cookie":
        status, refreshed = browser.call("POST", "/api/token/refresh/", csrf=True)
    else:
        status, refreshed = browser.call(
            "POST", "/api/token/refresh/", {"refresh": tokens["refresh"]}
        )
    assert status == 200, refreshed
    assert claims(refreshed["access"])["amr"] == ["pwd", "otp"]

    # A recovery code works once.
    status, body = second_step(browser, mfa_token(browser, username), recovery_codes[0])
    assert status == 200, body
    assert claims(body["access"])["amr"] == ["pwd", "otp"]
    status, body = second_step(browser, mfa_token(browser, username), recovery_codes[0])
    assert status == 400
    status, body = browser.call("GET", "/api/mfa/", access=tokens["access"])
    assert body == {"totp": True, "recovery_codes_remaining": 9}


def test_five_wrong_codes_kill_the_mfa_token(served_mfa):
    project, base_url, _transport = served_mfa
    browser = Browser(base_url)
    username = new_user(project)
    totp, _recovery_codes = enrol(browser, username)
    token = mfa_token(browser, username)
    right = code_at(totp, 0)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    for _ in range(5):
        status, body = second_step(browser, token, wrong)
        assert (status, body["code"]) == (400, "invalid_code")
    status, body = second_step(browser, token, right)

    assert (status, body["code"]) == (401, "mfa_token_invalid")


def test_staff_without_a_device_get_no_api_token(served_mfa):
    _project, base_url, _transport = served_mfa
    browser = Browser(base_url)

    status, body = browser.call(
        "POST", "/api/token/", {"username": "admin", "password": SUPERUSER_PASSWORD}
    )

    assert status == 200
    assert body["mfa_enrolment_required"] is True
    assert "access" not in body
    assert browser.cookie("refresh_token") is None


@pytest.fixture
def issuer_and_verifier(bake, tmp_path):
    """Serve the ES256 header issuer and a verifier with a RequireMFA view.

    The verifier takes the issuer's public keys from its JWKS URL, and the
    issuer signs the issuer and audience the verifier's .env requires.
    """
    issuer = bake(**FLOWS["mfa-header"]).project_path
    verifier = shutil.copytree(
        bake(**VARIANTS["verifier"]).project_path, tmp_path / "verifier"
    )
    package = next(verifier.glob("*/jwt_auth")).parent.name
    (verifier / "mfa_views.py").write_text(MFA_VIEWS.format(package=package))
    with (verifier / "config/urls.py").open("a") as urls:
        urls.write("\nfrom mfa_views import urlpatterns as mfa\n\nurlpatterns += mfa\n")
    claims = {key: read_dotenv(verifier)[key] for key in ("JWT_ISSUER", "JWT_AUDIENCE")}
    issuer_port = free_port()
    verifier_env = project_env(
        JWT_JWKS_URL=f"http://127.0.0.1:{issuer_port}/.well-known/jwks.json", **claims
    )
    with (
        served(
            issuer,
            env=project_env(**GENEROUS_THROTTLE_RATES, **claims),
            port=issuer_port,
        ) as issuer_url,
        served(verifier, env=verifier_env) as verifier_url,
    ):
        yield issuer, issuer_url, verifier_url


@pytest.mark.xdist_group("mfa-header")
def test_a_verifiers_require_mfa_view_takes_the_mfa_token_only(issuer_and_verifier):
    issuer, issuer_url, verifier_url = issuer_and_verifier
    browser = Browser(issuer_url)
    enrolled = new_user(issuer)
    totp, _recovery_codes = enrol(Browser(issuer_url), enrolled)
    status, tokens = second_step(
        browser, mfa_token(browser, enrolled), code_at(totp, 0)
    )
    assert status == 200, tokens
    status, password_only = log_in(browser, new_user(issuer))
    assert status == 200, password_only
    assert "otp" not in claims(password_only["access"]).get("amr", [])
    verifier = Browser(verifier_url)

    status, body = verifier.call("GET", "/api/payouts/", access=tokens["access"])
    assert (status, body) == (200, {"amr": ["pwd", "otp"]})

    status, body = verifier.call("GET", "/api/payouts/", access=password_only["access"])
    assert (status, body["code"]) == (403, "mfa_required")
    # The same token opens the verifier's views that ask for no second factor.
    status, body = verifier.call("GET", "/api/me/", access=password_only["access"])
    assert status == 200, body
